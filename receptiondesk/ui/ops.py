"""Database work off the GUI thread: a query or a write runs on a worker with its own
session, and its result (or error) is handed back to the GUI thread.

    query(self, self.ctx.db, lambda s: petitions.count_petitions(s, f), self._show_count,
          key="count")

- The callable takes a session opened on the worker (``Database.session``; SQLite
  connections are never shared between threads: each session checks one out of the
  engine's pool on the thread that uses it) and must not touch a widget.
- ``success(result)`` runs on the GUI thread, only while ``owner`` still exists (a page or
  dialog closed while its work ran is never called back), and only for the newest
  operation of the same ``(owner, key)``: a list reloaded twice shows the second result,
  never the first arriving late. An operation overtaken before it started is not run.
- The user the GUI acts for (``accounts.current_user``) acts on the worker too: audit and
  protection see the same person.
- An expected refusal (:class:`ServiceError`) goes to ``failure`` when given, else to a
  message box in the user's language; anything else goes to the crash log and the
  window's notice (``crashlog``, ``app.CrashNotice``) through ``sys.excepthook``.

:func:`write` is the same with a writing session (``write=True``: on SQLite the
transaction begins IMMEDIATE) and, once it committed, announces the record kinds it
changed on ``signals.data_changed`` so that lists and panes reload themselves.
:func:`pending` counts operations not yet delivered (tests and benchmarks wait on it).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..services.errors import ServiceError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..db import Database
    from ..services.record_kinds import RecordKind
    from .context import AppSignals

T = TypeVar("T")

_serial = itertools.count(1)
#: (id of the owner, key) -> the serial of its newest operation
_newest: dict[tuple[int, str], int] = {}
#: ids of owners whose destruction is watched (their entries leave _newest with them)
_watched: set[int] = set()
#: operations started and not yet delivered (or dropped)
_pending = 0
#: id of an owner -> its operations not yet delivered
_pending_of: dict[int, int] = {}
_relays: set[_Relay] = set()


class _Relay(QObject):
    """Lives on the GUI thread; the worker's signals reach it queued."""

    finished = Signal(object, object)  # result, error


class _Run(QRunnable):
    def __init__(self, job: Callable[[], Any], stale: Callable[[], bool], relay: _Relay):
        super().__init__()
        self.job, self.stale, self.relay = job, stale, relay

    def run(self) -> None:
        if self.stale():  # a newer operation of the same owner and key was queued
            self.relay.finished.emit(_STALE, None)
            return
        try:
            result = self.job()
        except BaseException as exc:  # handed to the GUI thread, reported there
            self.relay.finished.emit(None, exc)
        else:
            self.relay.finished.emit(result, None)


_STALE = object()


def pending(owner: QObject | None = None) -> int:
    """Operations (of ``owner``, or of anybody) started and not yet handed back."""
    return _pending if owner is None else _pending_of.get(id(owner), 0)


def _forget(owner_id: int) -> None:
    _watched.discard(owner_id)
    for k in [k for k in _newest if k[0] == owner_id]:
        del _newest[k]


def _claim(owner: QObject, key: str) -> tuple[tuple[int, str], int]:
    owner_id = id(owner)
    if owner_id not in _watched:
        _watched.add(owner_id)
        owner.destroyed.connect(lambda *_a, i=owner_id: _forget(i))
    slot = (owner_id, key)
    serial = next(_serial)
    _newest[slot] = serial
    return slot, serial


def report_error(owner: QObject | None, exc: BaseException) -> None:
    """An operation's error, on the GUI thread: a refusal in a message box, anything else
    to the crash log and the window's notice."""
    if isinstance(exc, ServiceError):
        from PySide6.QtWidgets import QMessageBox, QWidget

        from ..i18n import _

        parent = owner if isinstance(owner, QWidget) and shiboken6.isValid(owner) else None
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("ReceptionDesk"))
        box.setText(str(exc))
        box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
        box.open()  # not exec(): the caller's slot returns at once
        return
    sys.excepthook(type(exc), exc, exc.__traceback__)


def _start(owner: QObject, db: Database, op: Callable[[Session], T],
           success: Callable[[T], None] | None, failure: Callable[[Exception], None] | None,
           key: str, write: bool, after: Callable[[], None] | None = None) -> None:
    global _pending
    from ..services.accounts import acting_as, current_user

    slot, serial = _claim(owner, key)
    user = current_user()

    def job() -> T:
        with acting_as(user), db.session(write=write) as s:
            return op(s)

    def stale() -> bool:
        # a newer request of the same owner and key, or a database closed meanwhile (the
        # window closing, or a test's database dropped): nothing to read or write
        return _newest.get(slot) != serial or getattr(db, "closed", False)

    relay = _Relay()
    _relays.add(relay)

    owner_id = id(owner)

    def deliver(result: Any, error: BaseException | None) -> None:
        global _pending
        _pending -= 1
        left = _pending_of.get(owner_id, 1) - 1
        if left > 0:
            _pending_of[owner_id] = left
        else:
            _pending_of.pop(owner_id, None)
        _relays.discard(relay)
        relay.deleteLater()
        current = shiboken6.isValid(owner) and not stale()
        if write and error is None and after is not None:
            after()  # committed: announced whether or not the owner is still there
        if not current or result is _STALE:
            if error is not None and not isinstance(error, ServiceError):
                report_error(None, error)  # never lost, even when nobody waits for it
            return
        if error is not None:
            if failure is not None and isinstance(error, Exception):
                failure(error)
            else:
                report_error(owner, error)
            return
        if success is not None:
            success(result)

    relay.finished.connect(deliver)
    _pending += 1
    _pending_of[owner_id] = _pending_of.get(owner_id, 0) + 1
    QThreadPool.globalInstance().start(_Run(job, stale, relay))


def query(owner: QObject, db: Database, op: Callable[[Session], T],
          success: Callable[[T], None] | None = None, *, key: str = "",
          failure: Callable[[Exception], None] | None = None) -> None:
    """Run ``op(session)`` on a worker; ``success(result)`` on the GUI thread if ``owner``
    still exists and no newer query of the same ``(owner, key)`` was started."""
    _start(owner, db, op, success, failure, key, write=False)


def write(owner: QObject, db: Database, op: Callable[[Session], T],
          success: Callable[[T], None] | None = None, *,
          changed: Iterable[RecordKind] = (), signals: AppSignals | None = None,
          key: str = "", failure: Callable[[Exception], None] | None = None) -> None:
    """Run ``op(session)`` in a writing unit of work on a worker; once it committed, emit
    ``signals.data_changed`` for each kind in ``changed``, then ``success(result)`` (if
    ``owner`` still exists)."""
    kinds = list(changed)

    def announce() -> None:
        if signals is not None and shiboken6.isValid(signals):
            for kind in kinds:
                signals.data_changed.emit(kind)

    _start(owner, db, op, success, failure, key, write=True, after=announce)


def cancel(owner: QObject, key: str = "") -> None:
    """Drop the result of ``owner``'s pending operation under ``key`` (if any)."""
    _newest[(id(owner), key)] = next(_serial)


def wait(msecs: int = 30_000) -> bool:
    """For tests, benchmarks and shutdown: let the workers finish and deliver what they
    found. True when nothing is pending any more."""
    import time

    from PySide6.QtCore import QCoreApplication

    deadline = time.monotonic() + msecs / 1000
    while True:
        QThreadPool.globalInstance().waitForDone(max(1, int((deadline - time.monotonic())
                                                            * 1000)))
        QCoreApplication.processEvents()
        if _pending == 0 or time.monotonic() >= deadline:
            return _pending == 0
