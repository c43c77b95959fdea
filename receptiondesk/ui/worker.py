"""Database work off the GUI thread, with the result handed back to it.

A job is a plain function that opens its own session; its result (or its
exception) is delivered to callbacks on the GUI thread through a queued signal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # handed to the GUI thread, shown there
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


_alive: set[_Relay] = set()


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None] | None = None,
) -> None:
    """Run ``fn`` on the thread pool; call ``on_done(result)`` on the GUI thread."""
    relay = _Relay()
    _alive.add(relay)

    def finish(result: Any) -> None:
        _alive.discard(relay)
        on_done(result)

    def fail(exc: Exception) -> None:
        _alive.discard(relay)
        if on_error is not None:
            on_error(exc)
        else:
            raise exc

    relay.done.connect(finish)
    relay.failed.connect(fail)
    QThreadPool.globalInstance().start(_Job(fn, relay))


def wait_for_background(msecs: int = 10_000) -> bool:
    """For tests and shutdown: wait until queued jobs have finished."""
    return QThreadPool.globalInstance().waitForDone(msecs)
