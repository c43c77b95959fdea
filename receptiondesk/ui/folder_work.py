"""File work on a folder that may not answer, off the GUI thread, with a timeout message.

A backup folder on a USB stick pulled out, or on a mapped network drive whose server is
gone, can block a directory listing or a ``stat`` for a minute or more; on the GUI thread
that freezes the window. :class:`FolderWork` runs such work on a thread of its own and hands
the result back to the GUI thread:

- only the newest request of a :class:`FolderWork` is answered (a list reloaded twice shows
  the second listing, never the first arriving late);
- nothing is called once the widget that owns it is deleted;
- when the folder has not answered within :data:`TIMEOUT_S` seconds, ``on_timeout`` gets a
  message in the user's language naming the folder, and the window goes on; should the
  folder answer later, the answer is still delivered.

The threads are daemon threads of their own, not the shared thread pool's: a read stuck on
a dead drive must neither take a thread the database work needs (the pool has as many as
the PC has cores) nor hold the program open at exit (a pool waits for its threads).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from ..i18n import ngettext

#: seconds a folder has to answer before the user is told
TIMEOUT_S = 5

_running = 0
_running_lock = threading.Lock()
_relays: set[_Relay] = set()


class _Relay(QObject):
    """Lives on the GUI thread; the worker's signal reaches it queued."""

    finished = Signal(object, object)  # result, error


def timeout_message(folder: str | Path, seconds: int, backup: bool = True) -> str:
    if not backup:
        return ngettext(
            "The folder {folder} did not answer within {seconds} second; is its drive "
            "connected?",
            "The folder {folder} did not answer within {seconds} seconds; is its drive "
            "connected?", seconds).format(folder=folder, seconds=seconds)
    return ngettext(
        "The backup folder {folder} did not answer within {seconds} second; is the USB "
        "stick or network drive connected?",
        "The backup folder {folder} did not answer within {seconds} seconds; is the USB "
        "stick or network drive connected?", seconds).format(folder=folder, seconds=seconds)


def running() -> int:
    """Folder jobs not yet finished (tests wait on it)."""
    return _running


class FolderWork(QObject):
    """The folder work of one widget (its parent): see the module's description."""

    def __init__(self, owner: QObject, timeout_s: int | None = None, backup: bool = True
                 ) -> None:
        super().__init__(owner)
        self.timeout_s = TIMEOUT_S if timeout_s is None else timeout_s
        self.backup = backup  # the folder is the backup folder (named so in the message)
        self._serial = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)
        self._on_timeout: Callable[[str], None] | None = None
        self._folder: str | Path = ""
        #: the newest request has not answered yet
        self.waiting = False
        #: the newest request passed its time without an answer
        self.timed_out = False

    def run(self, folder: str | Path, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None] | None = None,
            on_timeout: Callable[[str], None] | None = None) -> None:
        """Run ``fn`` (which reads ``folder``) on a thread; ``on_done(result)`` or
        ``on_error(exc)`` on the GUI thread for the newest request only."""
        global _running
        self._serial += 1
        serial = self._serial
        self.waiting, self.timed_out = True, False
        self._folder, self._on_timeout = folder, on_timeout
        relay = _Relay()
        _relays.add(relay)

        def deliver(result: Any, error: BaseException | None) -> None:
            _relays.discard(relay)
            relay.deleteLater()
            if not shiboken6.isValid(self) or serial != self._serial:
                return  # the widget is gone, or a newer request was made
            self._timer.stop()
            self.waiting = False
            if error is None:
                on_done(result)
            elif on_error is not None and isinstance(error, Exception):
                on_error(error)
            else:
                raise error

        relay.finished.connect(deliver)

        def work() -> None:
            global _running
            try:
                result, error = fn(), None
            except BaseException as exc:  # handed to the GUI thread
                result, error = None, exc
            finally:
                with _running_lock:
                    _running -= 1
            relay.finished.emit(result, error)

        with _running_lock:
            _running += 1
        self._timer.start(int(self.timeout_s * 1000))
        threading.Thread(target=work, name="receptiondesk-folder", daemon=True).start()

    def _timed_out(self) -> None:
        if not self.waiting:
            return
        self.timed_out = True
        if self._on_timeout is not None:
            self._on_timeout(timeout_message(self._folder, int(self.timeout_s), self.backup))


def wait_for_answer(owner: QObject, folder: str | Path, fn: Callable[[], Any],
                    timeout_s: int | None = None, backup: bool = True) -> tuple[str, Any]:
    """Run ``fn`` off the GUI thread and wait for it with the window still answering:
    ``("done", result)``, ``("error", exception)`` or ``("timeout", message)``."""
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    outcome: list[tuple[str, Any]] = []

    def end(kind: str, value: Any) -> None:
        if not outcome:
            outcome.append((kind, value))
            loop.quit()

    work = FolderWork(owner, timeout_s, backup)
    work.run(folder, fn, lambda r: end("done", r), lambda e: end("error", e),
             lambda m: end("timeout", m))
    if not outcome:
        loop.exec()
    work._serial += 1  # a late answer after the timeout is not wanted here
    work.deleteLater()
    return outcome[0]


def open_folder(folder: Path | None) -> bool:
    """Show a folder in the system's file manager (Explorer on Windows)."""
    if folder is None:
        return False
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
