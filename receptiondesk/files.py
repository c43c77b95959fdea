"""Putting a finished file in its place, as Windows lets us.

On Windows a virus scanner (or the search indexer, or a backup agent) opens a file the
moment it is closed, and for that moment the file cannot be renamed or replaced: the
rename fails with "access denied" / "used by another process" (a PermissionError) and
succeeds a few hundred milliseconds later. Every file the program writes whole —
beside its place, then renamed over it — is put in place through :func:`replace_file`.
"""

from __future__ import annotations

import os
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
