"""The database's engine: where it lives, how SQLite is tuned, migrations, checks, backups.

SQLite is the default, in the user's data folder (platformdirs), with the WAL
journal, foreign keys on and a busy timeout. Any SQLAlchemy URL can be given
instead. The schema is brought to the newest Alembic revision on every open;
``create_all`` is never used outside tests.

The application opens its database with
:func:`receptiondesk.services.database.open_database`, which adds what the services
need (the audit listener, the reference data); this module imports no service but
their error base.
"""

from __future__ import annotations

import ast
import contextlib
import errno
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .files import pause_point, replace_file
from .i18n import _
from .location import (  # noqa: F401 - re-exported
    APP_NAME,
    ENV_DB,
    default_db_path,
    network_share_message,
    on_network,
    resolve_url,
    sqlite_url,
)
from .services.errors import ServiceError

BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


# Kept by the migrations outside the models: the SQLite FTS5 search index, and on
# PostgreSQL the pg_trgm indexes over the folded search text.
UNMODELLED_TABLE_PREFIXES = ("search_index", "search_rows", "audit_high_water")
UNMODELLED_INDEX_SUFFIX = "_search_trgm"
#: an index on an expression (migration 0024), which the models cannot declare for both
#: databases the same way
UNMODELLED_INDEXES = frozenset({"ix_petitions_open_until"})


def is_modelled(name: str | None, type_: str, _parents: object = None) -> bool:
    """Alembic ``include_name`` hook: leave the search index and the indexes on
    expressions out of schema comparison."""
    if type_ == "index" and name and (name.endswith(UNMODELLED_INDEX_SUFFIX)
                                      or name in UNMODELLED_INDEXES):
        return False
    return not (type_ == "table" and name and name.startswith(UNMODELLED_TABLE_PREFIXES))


class DatabaseError(Exception):
    """A database that cannot be opened or used, with a message for the user."""


class DatabaseBusy(DatabaseError, ServiceError):
    """Another program kept writing to the database longer than the busy timeout (a
    ServiceError too, so that a form shows it like any refusal)."""


class DiskFull(DatabaseError, ServiceError):
    """The disk (or the file's size limit) is full; the transaction was rolled back."""


def _tune_sqlite(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy, not the driver, decide when a transaction begins (see _begin):
    # the driver's own rule breaks SAVEPOINTs and makes DDL non-transactional.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    # Records are legal evidence and a commune PC can lose power: every commit reaches the disk.
    cur.execute("PRAGMA synchronous = FULL")
    # A protected person's identity, once sealed in place, must not stay behind in freed
    # space of the file (Luật Tố cáo 2018, Điều 47: services.sealed_fields): deleted or
    # rewritten content is overwritten with zeros.
    cur.execute("PRAGMA secure_delete = ON")
    cur.close()


#: the execution option of a connection whose transactions begin IMMEDIATE
WRITE_OPTION = "receptiondesk_begin_immediate"
_immediate_everywhere = False


def begin_writes_immediately(on: bool = True) -> None:
    """Make every SQLite transaction of this process begin IMMEDIATE (the command line,
    which does one unit of work at a time). The window keeps reading transactions
    deferred: it opens sessions inside sessions and reads while dialogs are open, and
    its readers must not queue behind an import."""
    global _immediate_everywhere
    _immediate_everywhere = on


def _begin(conn) -> None:
    """SQLAlchemy's pysqlite recipe: the engine, not the driver, emits BEGIN.

    A writing unit of work begins IMMEDIATE (``Database.session(write=True)``, or any
    transaction after :func:`begin_writes_immediately`): it takes the write lock at
    once and so waits its turn within :data:`BUSY_TIMEOUT_MS`. A deferred transaction
    that reads and then writes cannot wait: in WAL mode SQLite refuses its upgrade to
    a writer at once when another program writes, busy timeout or not."""
    immediate = _immediate_everywhere or conn.get_execution_options().get(WRITE_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
    conn.info[_DEFERRED] = not immediate
    conn.info[_SAVEPOINTS] = set()
    conn.info.setdefault(_TEMP_TABLES, set())  # they live as long as the connection


_DEFERRED = "receptiondesk_deferred"  # the transaction began deferred and has not written
_SAVEPOINTS = "receptiondesk_savepoints"
_TEMP_TABLES = "receptiondesk_temp_tables"
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.I)
_CREATE_TEMP = re.compile(r"^\s*CREATE\s+TEMP(?:ORARY)?\s+(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+"
                          r"EXISTS\s+)?[\"`\[]?(\w+)", re.I)
_TARGET = re.compile(r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?"
                     r"|DELETE\s+FROM|DROP\s+(?:TABLE|VIEW)(?:\s+IF\s+EXISTS)?)\s+"
                     r"[\"`\[]?(?:temp\.)?(\w+)", re.I)
_SAVEPOINT = re.compile(r"^\s*(SAVEPOINT|RELEASE)\s+(?:SAVEPOINT\s+)?[\"`\[]?(\w+)", re.I)


def _write_begins_immediate(conn, cursor, statement, _parameters, _context, _many) -> None:
    """SQLAlchemy's ``before_cursor_execute`` hook: a unit of work that began deferred (it
    read first) begins its writing IMMEDIATE, so that it waits for another writer within
    :data:`BUSY_TIMEOUT_MS` instead of failing at once.

    SQLite cannot upgrade a WAL reader that another connection overtook; so before the
    first write the reading transaction (which wrote nothing) ends and a new one begins
    IMMEDIATE. The unit of work then reads on from the newest data, as PostgreSQL's READ
    COMMITTED does: a row changed meanwhile is caught by its version (optimistic locking),
    and the audit chain's end is read after the write lock is taken (``audit._append``).
    Writes to the connection's own temporary tables need no lock; inside a SAVEPOINT the
    transaction cannot be ended, and it stays as it was."""
    info = conn.info
    if not info.get(_DEFERRED):
        return
    marker = _SAVEPOINT.match(statement)
    if marker:
        (info[_SAVEPOINTS].add if marker.group(1).upper() == "SAVEPOINT"
         else info[_SAVEPOINTS].discard)(marker.group(2).lower())
        return
    if not _WRITE.match(statement):
        return
    temp = _CREATE_TEMP.match(statement)
    if temp:
        info[_TEMP_TABLES].add(temp.group(1).lower())
        return
    target = _TARGET.match(statement)
    if target and target.group(1).lower() in info[_TEMP_TABLES]:
        return
    if info[_SAVEPOINTS]:
        return
    info[_DEFERRED] = False
    raw = cursor.connection
    try:
        if raw.in_transaction:
            raw.execute("COMMIT")  # nothing was written: only the reading snapshot ends
        raw.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        explained = _explain(exc)
        if explained is None:
            raise
        raise explained from exc


def _explain_sqlite_error(context) -> Exception | None:
    """SQLAlchemy's ``handle_error`` hook: the errors a user can act on, in their words."""
    error = context.original_exception
    if not isinstance(error, sqlite3.OperationalError):
        return None
    return _explain(error)


def _explain(error: sqlite3.OperationalError) -> Exception | None:
    extended = getattr(error, "sqlite_errorcode", None)
    code = extended & 0xFF if isinstance(extended, int) else None  # the primary code
    text_ = str(error).lower()
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in text_:
        return DatabaseBusy(_("Another program is writing to this database; try again in a "
                              "moment. Nothing was saved."))
    if code == sqlite3.SQLITE_FULL or "disk is full" in text_:
        return DiskFull(_("The disk holding the database is full: nothing was saved. Free "
                          "some space and try again."))
    if code == sqlite3.SQLITE_IOERR or "disk i/o error" in text_:
        return DiskFull(_("The database file could not be written ({reason}): nothing was "
                          "saved. Check that the disk has space and is not failing, then try "
                          "again.").format(reason=error))
    return None


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and on_network(database):
            raise DatabaseError(network_share_message(database))
        if database and database != ":memory:":
            folder = Path(database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    _("Cannot create the folder {folder}: {reason}").format(
                        folder=folder, reason=exc.strerror or exc
                    )
                ) from exc
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin)
        event.listen(engine, "before_cursor_execute", _write_begins_immediate)
        event.listen(engine, "handle_error", _explain_sqlite_error)
        return engine
    # psycopg prepares a statement run five times on a connection, and PostgreSQL may then
    # plan it once for any parameters: a search for "nguyen v" planned without its words
    # scans every petition (129 ms against 3 ms planned with them, province demo). Each
    # search is planned for the words typed instead.
    return create_engine(url, pool_pre_ping=True,
                         connect_args={"options": "-c plan_cache_mode=force_custom_plan"})


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    cfg = alembic_config(None)  # type: ignore[arg-type]
    return ScriptDirectory.from_config(cfg).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _script_graph() -> tuple[set[str], set[str]]:
    """(every revision, every revision something revises), read from the scripts' files.

    Alembic itself (a quarter of a second to import and scan) is only needed when there
    is something to migrate; this is how start-up knows there is not.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_ASSIGNED.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        revisions.add(ast.literal_eval(found["revision"]))
        down = ast.literal_eval(found.get("down_revision", "None"))
        parents.update([down] if isinstance(down, str) else list(down or ()))
    return revisions, parents


def script_revisions() -> set[str]:
    """Every schema revision this program's migrations know."""
    return _script_graph()[0]


def script_heads() -> set[str]:
    """The newest revision(s) of the migration scripts."""
    revisions, parents = _script_graph()
    return revisions - parents


_ASSIGNED = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.M)


def at_head(engine: Engine) -> bool:
    """Is the database already at the newest schema (nothing to migrate)?"""
    heads = script_heads()
    if not heads:
        return False
    try:
        with engine.connect() as conn:
            current = {row[0] for row in conn.exec_driver_sql(
                "SELECT version_num FROM alembic_version")}
    except Exception:  # a new file, or not a ReceptionDesk database: let Alembic decide
        return False
    return current == heads


def upgrade(engine: Engine) -> None:
    """Apply every pending migration; refuse a file made by a newer version."""
    if at_head(engine):
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config(engine)
    known = {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}
    current = current_revision(engine)
    if current is not None and current not in known:
        raise DatabaseError(
            _(
                "This database was made by a newer version of ReceptionDesk "
                "(schema {revision}). Install the newer version to open it."
            ).format(revision=current)
        )
    command.upgrade(cfg, "head")


@dataclass
class Database:
    """An open database: the engine and a session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        database = self.engine.url.database
        return Path(database) if database and database != ":memory:" else None

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on error.

        ``write``: the work writes; on SQLite its transaction begins IMMEDIATE, waiting
        for another writer within the busy timeout (then :class:`DatabaseBusy`)."""
        session = self.sessions()
        try:
            if write and self.is_sqlite:
                session.connection(execution_options={WRITE_OPTION: True})
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    #: set by :meth:`close`: work queued for it afterwards is dropped, not run
    closed: bool = False

    def close(self) -> None:
        self.closed = True
        self.engine.dispose()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def integrity_problems(engine: Engine, quick: bool = False) -> list[str]:
    """SQLite's own integrity and foreign-key checks; empty when the file is sound."""
    if engine.dialect.name != "sqlite":
        return []
    problems: list[str] = []
    with engine.connect() as conn:
        pragma = "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
        rows = [r[0] for r in conn.execute(text(pragma))]
        if rows != ["ok"]:
            problems.extend(rows)
        for row in conn.execute(text("PRAGMA foreign_key_check")):
            problems.append(
                _("Broken reference in table {table}, row {row}").format(
                    table=row[0], row=row[1]
                )
            )
    return problems


def backup_sqlite(db: Database, target: Path) -> None:
    """Copy the live database with SQLite's online backup, then verify the copy."""
    source_path = db.path
    if source_path is None:
        raise DatabaseError(_("Only a SQLite database file can be backed up this way."))
    target = Path(target)
    tmp = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        result = _copy_verified(source_path, tmp)
        if result != "ok":
            raise DatabaseError(_("The backup copy failed its integrity check: {result}")
                                .format(result=result))
        pause_point("backup-copied")
        replace_file(tmp, target)
        pause_point("backup-replaced")
    except BaseException as exc:
        # A half-written copy is never left behind, whatever stopped it (a full disk, a
        # removed drive, Ctrl+C); only the .part name ever held it.
        for leftover in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(tmp) + leftover).unlink(missing_ok=True)
        if isinstance(exc, OSError | sqlite3.Error):
            raise _write_failed(target, exc) from exc
        raise


def _copy_verified(source: Path, tmp: Path) -> str:
    """SQLite's online backup of ``source`` into ``tmp``; its integrity_check result."""
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            pause_point("backup-copying")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
            return dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()


def _write_failed(target: Path, exc: OSError | sqlite3.Error) -> DatabaseError:
    """The message of a backup that could not be written (a full disk said as such)."""
    full = (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or (
        isinstance(exc, sqlite3.Error)
        and (getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
             or "full" in str(exc).lower()))
    if full:
        return DiskFull(_("The disk holding {folder} is full: the backup was not made and "
                          "nothing of it was left there. Free some space or choose another "
                          "place.").format(folder=target.parent))
    reason = getattr(exc, "strerror", None) or exc
    return DatabaseError(_("The backup could not be written to {folder}: {reason}").format(
        folder=target.parent, reason=reason))
