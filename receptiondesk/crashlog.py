"""Errors nobody expected: written to a rotating log in the data folder, told to the user.

The windowed build has no console, so an error that escapes the code would otherwise
vanish (or end the program without a word). :func:`install` sends every uncaught
exception — of the main thread, of a worker thread, of a Qt slot — to the log with its
traceback and then to a notifier (the window shows a message naming the log); the
command line reports such an error with :func:`report` instead of a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from .i18n import _

ENV_LOG_DIR = "RECEPTIONDESK_LOG_DIR"
LOG_NAME = "receptiondesk.log"
#: a log file is rotated at this size; this many old files are kept
MAX_BYTES = 1_000_000
BACKUPS = 3

log = logging.getLogger("receptiondesk")
Notifier = Callable[[str], None]
_notify: Notifier | None = None
_handler: RotatingFileHandler | None = None


def log_folder() -> Path:
    """The folder of the log: ``logs`` in the user's data folder, or $RECEPTIONDESK_LOG_DIR."""
    chosen = os.environ.get(ENV_LOG_DIR)
    if chosen:
        return Path(chosen)
    from platformdirs import user_data_dir

    from .location import APP_NAME

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "logs"


def log_path() -> Path:
    return log_folder() / LOG_NAME


def _ensure_handler() -> Path:
    """Attach the rotating file to the application's logger once; its path."""
    global _handler
    path = log_path()
    if _handler is None or Path(_handler.baseFilename) != path.resolve():
        path.parent.mkdir(parents=True, exist_ok=True)
        if _handler is not None:
            log.removeHandler(_handler)
            _handler.close()
        _handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                       encoding="utf-8", delay=True)
        _handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
        log.addHandler(_handler)
        log.setLevel(logging.INFO)
    return path


#: characters of an error's own text shown to the user (a database error carries its whole
#: statement and parameters: those go to the log only)
SHOWN_CHARACTERS = 300


def describe(exc: BaseException) -> str:
    """The error's kind and the first line of its text, cut short."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if len(text) > SHOWN_CHARACTERS:
        text = text[:SHOWN_CHARACTERS - 1] + "…"
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def user_message(exc: BaseException, path: Path) -> str:
    """What the user reads about an unexpected error, in their language."""
    return _("ReceptionDesk met an unexpected error: {error}\n\nWhat was saved before is "
             "kept. The details are written to {path}; please send this file to whoever "
             "looks after the program.").format(error=describe(exc), path=path)


def record(exc: BaseException, where: str = "") -> Path | None:
    """Write ``exc`` with its traceback to the log; the log's path (None: it cannot be
    written, e.g. a read-only data folder — the error is then only on stderr)."""
    try:
        path = _ensure_handler()
        log.error("unexpected error%s", f" in {where}" if where else "",
                  exc_info=(type(exc), exc, exc.__traceback__))
        if _handler is not None:
            _handler.flush()
        return path
    except OSError:
        return None


def report(exc: BaseException) -> str:
    """Log ``exc`` and return the message for the user (the command line prints it)."""
    path = record(exc)
    if path is None:
        return _("ReceptionDesk met an unexpected error: {error}").format(error=describe(exc))
    return user_message(exc, path)


def _on_exception(kind: type[BaseException], exc: BaseException,
                  tb: TracebackType | None, where: str) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    exc.__traceback__ = tb
    path = record(exc, where)
    if _notify is not None:
        try:
            _notify(user_message(exc, path) if path else str(exc))
            return
        except Exception:  # the notifier itself failed: fall back to stderr
            pass
    sys.__excepthook__(kind, exc, tb)


def _sys_hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    _on_exception(kind, exc, tb, "the main thread")


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    name = args.thread.name if args.thread is not None else "a thread"
    _on_exception(args.exc_type, args.exc_value, args.exc_traceback, name)


def install(notify: Notifier | None = None) -> Path:
    """Log every uncaught exception and hand the user's message to ``notify`` (the window's
    message box; called from any thread, so it must hand over to the GUI thread itself).
    Returns the log's path."""
    global _notify
    _notify = notify
    sys.excepthook = _sys_hook
    threading.excepthook = _thread_hook
    try:
        path = _ensure_handler()
    except OSError:
        return log_path()
    log.info("ReceptionDesk started (Python %s)", sys.version.split()[0])
    return path


def uninstall() -> None:
    """Back to Python's own hooks (tests)."""
    global _notify, _handler
    _notify = None
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__
    if _handler is not None:
        log.removeHandler(_handler)
        _handler.close()
        _handler = None
