"""Start-up checks of a SQLite database file, made BEFORE it is opened (no Qt here).

:func:`check_database_file` answers, quickly, whether the program can safely open the file:

* the folder exists (a database on a USB or network drive that is not connected is not
  silently replaced by a new empty one) — else ``missing_folder``;
* the folder and the file can be written — else ``read_only``;
* the volume has at least :data:`MIN_FREE_BYTES` free — else ``disk_full``;
* the file starts with the SQLite header and SQLite can read its schema and pass
  ``PRAGMA quick_check`` — else ``damaged`` (or ``unreadable`` when the file cannot be
  read at all, or is a SQLite file of another program);
* its schema revision is one this program knows — else ``newer``.

The file is never written to: it is opened read-only (``file:…?mode=ro``); nothing is
created anywhere but, for a WAL database, SQLite's own ``-wal``/``-shm`` companions.

Speed. ``quick_check`` reads every page: 5.5 s on a 2 GB province file (``quick_check(1)``
only limits the number of errors reported, not the work). So the check is time-boxed:
it runs for at most :data:`QUICK_CHECK_SECONDS` and is then interrupted. A commune file
(a few MB) is checked completely in milliseconds; on a province file the header, the
schema and the b-trees walked in that time are checked, the rest is not. What is left
is covered later: the application runs the full check off the GUI thread after opening
such a file, every daily backup is verified with ``integrity_check``, and SQLite itself
refuses a damaged page when it reads it (an error, never silent data). The result says
whether the check was complete (:attr:`FileCheck.complete`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from ..i18n import _

#: Free space below which the program refuses to start on a volume (WAL growth, backups).
MIN_FREE_BYTES = 50 * 1024 * 1024
#: Time allowed for ``PRAGMA quick_check`` at start-up (see the module's notes).
QUICK_CHECK_SECONDS = 0.4
SQLITE_HEADER = b"SQLite format 3\x00"

KINDS = ("damaged", "unreadable", "newer", "disk_full", "read_only", "missing_folder")


@dataclass(frozen=True)
class StartupProblem:
    """Why the database file should not be opened, with a translated message for the user.

    ``kind`` is one of :data:`KINDS`; ``details`` is SQLite's own report when there is one.
    """

    kind: str
    message: str
    path: Path
    details: str = ""


@dataclass(frozen=True)
class FileCheck:
    """The outcome of the start-up checks: the problem (None when the file is fine), whether
    ``quick_check`` ran to the end within its time, and how long the checks took."""

    problem: StartupProblem | None
    complete: bool
    seconds: float


# --- helpers shared with the backups ------------------------------------------------


def read_only_uri(path: str | os.PathLike) -> str:
    """A SQLite URI that opens ``path`` read-only (never creating or changing the file)."""
    text = Path(path).absolute().as_posix()
    if not text.startswith("/"):
        text = "/" + text  # C:/… → /C:/… (SQLite's form for a Windows drive)
    return "file://" + quote(text, safe="/:") + "?mode=ro"


def connect_read_only(path: str | os.PathLike, timeout: float = 2.0) -> sqlite3.Connection:
    return sqlite3.connect(read_only_uri(path), uri=True, timeout=timeout,
                           check_same_thread=False)


def has_sqlite_header(path: str | os.PathLike) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER


@cache
def known_revisions() -> frozenset[str]:
    """Every schema revision this program's migrations know."""
    from ..db import script_revisions  # read from the files: Alembic is not imported

    return frozenset(script_revisions())


class NotOurDatabase(Exception):
    """A SQLite file with tables but no ReceptionDesk schema version."""


def schema_revision(conn: sqlite3.Connection) -> str | None:
    """The file's Alembic revision; None for an empty database (no tables yet).

    Raises :class:`NotOurDatabase` for a SQLite file of another program.
    """
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    if "alembic_version" not in tables:
        if tables - {"sqlite_sequence"}:
            raise NotOurDatabase()
        return None
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    if row is None:
        raise NotOurDatabase()
    return str(row[0])


def sqlite_file_of(url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL; None for other databases and ``:memory:``."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def quick_check(conn: sqlite3.Connection, seconds: float | None) -> tuple[list[str], bool]:
    """``PRAGMA quick_check`` for at most ``seconds`` (None: to the end).

    Returns (the lines it reported, whether it ran to the end); ``["ok"]`` when sound.
    """
    if seconds is None:
        return [r[0] for r in conn.execute("PRAGMA quick_check")], True
    timer = threading.Timer(seconds, conn.interrupt)
    timer.start()
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.OperationalError as exc:
        if "interrupt" not in str(exc).lower():
            raise
        return ["ok"], False
    finally:
        timer.cancel()
        timer.join()  # a late interrupt must not hit the next statement
    return rows, True


# --- the checks -----------------------------------------------------------------------


def _problem(kind: str, message: str, path: Path, details: str = "") -> StartupProblem:
    return StartupProblem(kind, message, path, details)


def _is_default(path: Path) -> bool:
    """Whether ``path`` is the account's own default file, whose folder the first start
    makes. A folder recorded for the office (``location.py``) was made when it was chosen:
    missing, it is a drive not connected (or its letter changed), never made anew empty."""
    from ..db import default_db_path
    from ..location import read_location

    recorded = read_location()
    if recorded is not None and recorded.database_folder is not None:
        return False
    try:
        return path.resolve() == default_db_path().resolve()
    except OSError:
        return False


def _nearest_existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _folder_writable(folder: Path) -> bool:
    """os.access (read-only flag, POSIX modes) and a probe file (Windows ACLs)."""
    if not os.access(folder, os.W_OK):
        return False
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".receptiondesk-probe-"):
            pass
    except OSError:
        return False
    return True


def _megabytes(n: int) -> str:
    from ..i18n import format_number

    return format_number(n / 1_048_576, 0)


def _check_place(path: Path) -> StartupProblem | None:
    from ..location import network_share_message, on_network

    if on_network(path):
        return _problem("network", network_share_message(path), path)
    folder = path.parent
    if not folder.is_dir():
        if not _is_default(path):
            return _problem("missing_folder", _(
                "The folder {folder} of the database cannot be found. If the database is on "
                "a USB drive or a network drive, connect it and try again."
            ).format(folder=folder), path)
        folder = _nearest_existing(folder)  # first run: the data folder is created later
    if not _folder_writable(folder):
        return _problem("read_only", _(
            "The folder {folder} cannot be written to, so the database cannot be saved. "
            "Move the database to a folder you can write to (not a CD or a read-only "
            "share), or ask the administrator for write permission."
        ).format(folder=folder), path)
    if path.is_file() and not os.access(path, os.W_OK):
        return _problem("read_only", _(
            "The database file {path} is read-only. Remove the read-only mark in the file's "
            "properties, or copy it to a folder you can write to."
        ).format(path=path), path)
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = None
    if free is not None and free < MIN_FREE_BYTES:
        return _problem("disk_full", _(
            "The disk holding {folder} is full ({free} MB free; at least {needed} MB are "
            "needed). Free some space, then try again."
        ).format(folder=folder, free=_megabytes(free), needed=_megabytes(MIN_FREE_BYTES)),
            path)
    return None


def _damaged(path: Path, details: str = "") -> StartupProblem:
    return _problem("damaged", _(
        "The database file {path} is damaged and cannot be used. It will not be changed: "
        "restore the latest good backup (the damaged file is kept aside) or open another "
        "database file."
    ).format(path=path), path, details)


def _check_file(path: Path, seconds: float | None) -> tuple[StartupProblem | None, bool]:
    try:
        size = path.stat().st_size
        if size == 0:
            return None, True  # an empty file is a new database to SQLite
        if not has_sqlite_header(path):
            return _damaged(path, _("The file does not start with the SQLite header: it is "
                                    "not a database, or its beginning was overwritten.")), True
    except OSError as exc:
        return _problem("unreadable", _(
            "The database file {path} cannot be read: {reason}"
        ).format(path=path, reason=exc.strerror or exc), path), True
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as exc:
        return _problem("unreadable", _(
            "The database file {path} cannot be read: {reason}"
        ).format(path=path, reason=exc), path, str(exc)), True
    try:
        try:
            revision = schema_revision(conn)
        except NotOurDatabase:
            return _problem("unreadable", _(
                "The file {path} is a database of another program, not of ReceptionDesk."
            ).format(path=path), path), True
        if revision is not None and revision not in known_revisions():
            return _problem("newer", _(
                "This database was made by a newer version of ReceptionDesk (schema "
                "{revision}). Install the newer version to open it; this version will not "
                "change the file."
            ).format(revision=revision), path), True
        lines, complete = quick_check(conn, seconds)
        if lines != ["ok"]:
            return _damaged(path, "\n".join(lines[:10])), complete
        return None, complete
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return None, False  # in use by another program: opening will wait for it
        if "unable to open" in text or "readonly" in text or "read-only" in text:
            return _problem("unreadable", _(
                "The database file {path} cannot be read: {reason}"
            ).format(path=path, reason=exc), path, str(exc)), True
        return _damaged(path, str(exc)), True
    except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
        return _damaged(path, str(exc)), True
    finally:
        conn.close()


def inspect_database_file(path: str | os.PathLike,
                          seconds: float | None = QUICK_CHECK_SECONDS) -> FileCheck:
    """:func:`check_database_file` with its details: completeness and duration.

    ``seconds`` bounds ``quick_check`` (None: check the whole file, however long).
    """
    start = time.perf_counter()
    path = Path(path).expanduser().absolute()
    problem, complete = _check_place(path), True
    if problem is None and path.exists():
        if path.is_dir():
            problem = _problem("unreadable", _(
                "{path} is a folder, not a database file."
            ).format(path=path), path)
        else:
            problem, complete = _check_file(path, seconds)
    return FileCheck(problem, complete, time.perf_counter() - start)


def check_database_file(path: str | os.PathLike,
                        seconds: float | None = QUICK_CHECK_SECONDS) -> StartupProblem | None:
    """The quick checks made before :func:`~receptiondesk.services.database.open_database`
    opens a file.

    None when the file (or the place a new one will be made) is fine; otherwise the
    problem, with a translated message. The file is never written to.
    """
    return inspect_database_file(path, seconds).problem
