"""Windows' rule for open files, on Linux: the program's own code may not rename, replace or
delete a file that the process still holds open.

Windows refuses those (a ``PermissionError``) for a file opened without
``FILE_SHARE_DELETE``, which is how Python's ``open()`` and SQLite open files there; Linux
allows them. ``install()`` (called by ``tests/conftest.py`` for the whole suite) wraps
``os.rename``, ``os.replace``, ``os.remove`` and ``os.unlink`` (which ``shutil``,
``pathlib`` and ``tempfile`` use) so that a call made by ``receptiondesk`` code on a file
open in this process raises the ``PermissionError`` Windows would. The open files are read
from ``/proc/self/fd``, so SQLite's database, journal and WAL files count too. Calls made
by the tests themselves and by pytest are left alone. Without ``/proc`` it does nothing.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

_PACKAGE = str(Path(__file__).resolve().parent.parent / "receptiondesk") + os.sep
_PROC_FDS = "/proc/self/fd"
#: modules whose frames are skipped to find who asked (they only pass the call on)
_PASS_THROUGH = ("os.py", "shutil.py", "pathlib.py", "tempfile.py", os.sep + "windows_files.py")
_ORIGINAL: dict[str, object] = {}


def _open_paths() -> set[str]:
    paths = set()
    for fd in os.listdir(_PROC_FDS):
        try:
            target = os.readlink(f"{_PROC_FDS}/{fd}")
        except OSError:  # closed meanwhile (the listing's own descriptor among them)
            continue
        if target.startswith("/"):
            paths.add(target)
    return paths


def _called_by_the_program() -> bool:
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.endswith(_PASS_THROUGH):
        frame = frame.f_back
    return frame is not None and frame.f_code.co_filename.startswith(_PACKAGE)


def _full_path(path, dir_fd: int | None) -> str | None:
    if isinstance(path, int):
        return None  # a descriptor, not a name
    path = os.fsdecode(path)
    if dir_fd is not None and not os.path.isabs(path):
        try:
            path = os.path.join(os.readlink(f"{_PROC_FDS}/{dir_fd}"), path)
        except OSError:
            return None
    return os.path.realpath(path)


def _refuse_if_open(operation: str, *paths: str | None) -> None:
    wanted = {p for p in paths if p}
    if not wanted or not _called_by_the_program():
        return
    held = wanted & _open_paths()
    if held:
        name = sorted(held)[0]
        raise PermissionError(
            errno.EACCES,
            f"[Windows rule, tests/windows_files.py] cannot {operation} a file this process "
            "holds open", name)


def _wrap_two(name: str):
    original = getattr(os, name)

    def wrapper(src, dst, *, src_dir_fd=None, dst_dir_fd=None):
        target = _full_path(dst, dst_dir_fd)
        _refuse_if_open(name, _full_path(src, src_dir_fd),
                        target if target and os.path.exists(target) else None)
        return original(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)

    return original, wrapper


def _wrap_one(name: str):
    original = getattr(os, name)

    def wrapper(path, *, dir_fd=None):
        _refuse_if_open(name, _full_path(path, dir_fd))
        return original(path, dir_fd=dir_fd)

    return original, wrapper


def install() -> bool:
    """Wrap the four functions; False where ``/proc/self/fd`` is missing (not Linux)."""
    if _ORIGINAL or not os.path.isdir(_PROC_FDS):
        return bool(_ORIGINAL)
    for name, make in (("rename", _wrap_two), ("replace", _wrap_two),
                       ("remove", _wrap_one), ("unlink", _wrap_one)):
        original, wrapper = make(name)
        _ORIGINAL[name] = original
        setattr(os, name, wrapper)
    return True


def uninstall() -> None:
    for name, original in _ORIGINAL.items():
        setattr(os, name, original)
    _ORIGINAL.clear()
