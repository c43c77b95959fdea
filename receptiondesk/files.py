"""Putting a finished file in its place, as Windows lets us.

On Windows a virus scanner (or the search indexer, or a backup agent) opens a file the
moment it is closed, and for that moment the file cannot be renamed or replaced: the
rename fails with "access denied" / "used by another process" (a PermissionError) and
succeeds a few hundred milliseconds later. Every file the program writes whole —
beside its place, then renamed over it — is put in place through :func:`replace_file`.

The program's temporary folders (copies opened in a viewer, previews) are made by
:func:`temporary_folder` and, when a run ended without removing them, removed at the next
start by :func:`remove_stale_temporary_folders`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

#: how long a scanner may hold a file before the error is the user's to read
WAIT_SECONDS = 3.0
#: the first pause between two tries; each next one is twice as long
FIRST_PAUSE = 0.05


def replace_file(source: str | os.PathLike, target: str | os.PathLike) -> Path:
    """``os.replace(source, target)``, tried again for a few seconds while another program
    holds either file; the last PermissionError is raised when the hold does not end."""
    deadline = time.monotonic() + WAIT_SECONDS
    pause = FIRST_PAUSE
    while True:
        try:
            os.replace(source, target)
            return Path(target)
        except PermissionError:
            if time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


# --- the program's temporary folders ------------------------------------------------------

#: kinds of temporary folder the program makes: copies opened in a viewer, previews, the
#: self-test's scratch folder
TEMPORARY_KINDS = ("opened", "preview", "selftest")
#: a folder of ours untouched this long belongs to a run that ended without cleaning up
#: (Windows shut down, a crash): removed at the next start
STALE_AFTER_SECONDS = 24 * 3600


def temporary_folder(kind: str) -> Path:
    """A new private folder (``mkdtemp``: this user only) for the program's ``kind`` of
    temporary files, named so that :func:`remove_stale_temporary_folders` knows it."""
    if kind not in TEMPORARY_KINDS:
        raise ValueError(kind)
    return Path(tempfile.mkdtemp(prefix=f"receptiondesk-{kind}-"))


def _newest_change(folder: Path) -> float:
    newest = folder.stat().st_mtime
    for path in folder.rglob("*"):
        try:
            newest = max(newest, path.stat().st_mtime)
        except OSError:
            continue
    return newest


def remove_stale_temporary_folders(root: str | os.PathLike | None = None,
                                   now: float | None = None) -> int:
    """Remove the temporary folders of runs that ended without removing them (citizens'
    papers may be in them); the number removed. Another running copy's folders are
    recent, and left alone; a file a viewer still holds stays (Windows), with its folder."""
    root = Path(root or tempfile.gettempdir())
    now = time.time() if now is None else now
    removed = 0
    for kind in TEMPORARY_KINDS:
        for folder in root.glob(f"receptiondesk-{kind}-*"):
            try:
                if not folder.is_dir() or folder.is_symlink():
                    continue
                if now - _newest_change(folder) < STALE_AFTER_SECONDS:
                    continue
            except OSError:
                continue
            shutil.rmtree(folder, ignore_errors=True)
            removed += not folder.exists()
    return removed


#: tests only: "STEP:FILE" makes the process stop at the file step STEP, write FILE and
#: wait there, so that a test can kill it (SIGKILL) at that exact moment
PAUSE_ENV = "RECEPTIONDESK_TEST_PAUSE_AT"


def pause_point(step: str) -> None:
    """A named moment of a restore or a backup between two file operations (see
    :data:`PAUSE_ENV`); nothing happens unless the variable names this step."""
    spec = os.environ.get(PAUSE_ENV)
    if not spec:
        return
    at, _sep, signal_file = spec.partition(":")
    if at != step:
        return
    Path(signal_file).write_text(step, encoding="utf-8")
    time.sleep(60)  # the test kills the process here
