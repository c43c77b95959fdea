"""The audit log: who did what, when, and what changed — append-only and hash-chained.

Every entry's ``hash`` is the SHA-256 of the previous entry's hash and the entry's
own fields as canonical JSON (:func:`entry_hash`), so changing or deleting any
entry breaks the chain from there on; :func:`verify_chain` finds the first
broken entry, and ``receptiondesk db check`` reports it (:func:`audit_problems`).
Triggers of migration 0003 refuse UPDATE and DELETE on the table; the chain is
what still tells when someone drops them and edits the file.

Two ways in:

- a session event listener, bound to the application's session factory by
  :func:`install` when :func:`.database.open_database` opens it, records
  every create, update and delete of a record through the ORM, with the changed
  fields as ``{field: [old, new]}``;
- :func:`record` writes explicit entries: lifecycle transitions, prints, exports,
  sign-ins, identity views, recoveries.

Entries are written on the session's own connection, in its transaction: a unit
of work rolled back leaves no entry behind. Changes written with bulk SQL (the
demo generator; ``UPDATE`` statements) are not seen by the listener; services
that use them record an explicit entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import weakref
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, LargeBinary, event, func, insert, inspect, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ..i18n import N_, _
from ..model import AuditEntry, Setting, User
from ..model.base import utcnow
from .errors import ServiceError

GENESIS = "0" * 64
HEAD_SETTING = "audit/head"

#: actions and their labels (the listener's and the explicit ones)
ACTIONS: dict[str, str] = {
    "create": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "transition": N_("Status change"),
    "print": N_("Printed"),
    "export": N_("Exported"),
    "search": N_("Searched"),
    "screenshot": N_("Screenshot taken"),
    "import": N_("Imported"),
    "login": N_("Signed in"),
    "login_failed": N_("Sign-in refused"),
    "logout": N_("Signed out"),
    "screen_locked": N_("Screen locked"),
    "identity_view": N_("Denouncer's identity viewed"),
    "password_set": N_("Password set"),
    "password_change": N_("Password changed"),
    "merge": N_("Records merged"),
    "restore": N_("Database restored"),
    "recovery": N_("Administrator password recovery"),
}

#: columns never written to the log: bookkeeping and derived search keys
SKIPPED_FIELDS = frozenset({"created_at", "updated_at", "version", "search_text", "name_key",
                            "address_key", "sort_key", "id_hash", "seal_marks"})
#: fields whose values are never written (only that they changed)
SECRET_FIELDS = frozenset({"password_hash"})
#: settings that hold password or key hashes: their value is not copied into the log
SECRET_SETTINGS = frozenset({"security/recovery_key", "security/recovery"})
#: sign-in bookkeeping, recorded by the login entries instead
QUIET_FIELDS: dict[type, frozenset[str]] = {
    User: frozenset({"failed_logins", "locked_until", "last_login_at"}),
}
HIDDEN = "***"


# --- canonical form and hashing -----------------------------------------------------------


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _time_text(at: datetime) -> str:
    return at.isoformat(timespec="microseconds")


def entry_hash(prev_hash: str, seq: int, at: datetime, username: str, action: str,
               record_kind: str, record_id: str, unit_id: str | None, detail: str) -> str:
    """SHA-256 over the previous hash and the entry's fields as canonical JSON."""
    body = canonical_json({
        "seq": seq, "at": _time_text(at), "username": username, "action": action,
        "record_kind": record_kind, "record_id": record_id, "unit_id": unit_id,
        "detail": detail,
    })
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    return str(value)


# --- is there a log? ---------------------------------------------------------------------

# Engines known to have the accounts and audit tables (an older schema has none).
_ready: weakref.WeakSet = weakref.WeakSet()


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def schema_ready(session: Session) -> bool:
    """Whether the database has the accounts and audit tables (schema 0003 or newer)."""
    engine = _engine(session)
    if engine in _ready:
        return True
    names = set(inspect(session.connection()).get_table_names())
    if {"users", "audit_entries", "protected_citizens"} <= names:
        _ready.add(engine)
        return True
    return False


def enabled(session: Session) -> bool:
    return not session.info.get("audit_off") and schema_ready(session)


# --- writing -----------------------------------------------------------------------------

Row = tuple[str, str, str, str | None, dict]  # action, kind, record id, unit id, detail


def record(session: Session, action: str, kind: str = "", record_id: str = "",
           unit_id: str | None = None, detail: dict | None = None, *,
           username: str | None = None) -> None:
    """Append one explicit entry (acting user's name unless ``username`` is given)."""
    if not enabled(session):
        return
    _append(session, [(action, kind, record_id or "", unit_id, detail or {})], username)


def record_many(session: Session, rows: list[Row], username: str | None = None) -> None:
    if rows and enabled(session):
        _append(session, rows, username)


def _acting_name() -> str:
    from .accounts import current_user

    user = current_user()
    return user.username if user is not None else ""


def _append(session: Session, rows: list[Row], username: str | None) -> None:
    conn = session.connection()
    table = AuditEntry.__table__
    if conn.dialect.name == "sqlite":
        # Take the write lock before reading the chain's end (WAL readers cannot upgrade
        # once another connection wrote), so that two writers never share a predecessor.
        conn.execute(text("UPDATE audit_entries SET seq = seq WHERE 0"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE audit_entries IN SHARE ROW EXCLUSIVE MODE"))
    last = conn.execute(
        select(table.c.seq, table.c.hash).order_by(table.c.seq.desc()).limit(1)).first()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    name = (username if username is not None else _acting_name())[:60]
    at = utcnow()
    values = []
    for action, kind, record_id, unit_id, detail in rows:
        seq += 1
        detail_text = canonical_json({k: _json_value(v) if not isinstance(v, list | dict)
                                      else v for k, v in detail.items()})
        digest = entry_hash(prev, seq, at, name, action, kind, record_id, unit_id, detail_text)
        values.append({"seq": seq, "at": at, "username": name, "action": action,
                       "record_kind": kind, "record_id": record_id, "unit_id": unit_id,
                       "detail": detail_text, "prev_hash": prev, "hash": digest})
        prev = digest
    conn.execute(insert(table), values)
    head = canonical_json({"seq": seq, "hash": prev})
    settings = Setting.__table__
    done = conn.execute(update(settings).where(settings.c.key == HEAD_SETTING)
                        .values(value=head)).rowcount
    if not done:
        conn.execute(insert(settings).values(key=HEAD_SETTING, value=head))


# --- the session listener ------------------------------------------------------------------

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def record_kind(obj: object) -> str:
    """"petition", "petition_event", "visit_attendee", …"""
    return _CAMEL.sub("_", type(obj).__name__).lower()


def _audited(obj: object) -> bool:
    return not isinstance(obj, AuditEntry) and hasattr(type(obj), "__mapper__")


def _record_id(obj: object) -> str:
    state = inspect(obj)
    key = state.identity
    if key is None:
        key = state.mapper.primary_key_from_instance(obj)
    return "/".join(str(k) for k in key if k is not None)


def _unit_id(obj: object) -> str | None:
    from ..model import Unit

    if isinstance(obj, Unit):
        return obj.id
    value = getattr(obj, "unit_id", None)
    return value if isinstance(value, str) else None


def _columns(obj: object):
    quiet = QUIET_FIELDS.get(type(obj), frozenset())
    for attr in inspect(type(obj)).column_attrs:
        if attr.key in SKIPPED_FIELDS or attr.key in quiet:
            continue
        binary = any(isinstance(c.type, LargeBinary) for c in attr.columns)
        yield attr.key, binary


def _shown(key: str, value: Any, binary: bool) -> Any:
    if key in SECRET_FIELDS:
        return HIDDEN
    if binary and value is not None:
        return f"<{len(value)} bytes>"
    return _json_value(value)


def _secret_value(obj: object, key: str) -> bool:
    return key == "value" and isinstance(obj, Setting) and obj.key in SECRET_SETTINGS


#: ``(obj, key, value) -> value``: what the log keeps of a value that may be a protected
#: person's identity (the sealed form: set by ``sealed_fields``); None: the value itself
value_guard: Callable[[object, str, Any], Any] | None = None


#: ``(key, value) -> value``: a sealed value of an entry as the acting process may read it
#: (opened for a cleared one, "(confidential)" for others: set by ``sealed_fields``)
value_opener: Callable[[str, Any], Any] | None = None


def _guarded(obj: object, key: str, value: Any) -> Any:
    return value if value_guard is None else value_guard(obj, key, value)


def _snapshot(obj: object) -> dict:
    """The values as they stand (for creates and deletes), without loading anything."""
    loaded = inspect(obj).dict
    return {key: HIDDEN if _secret_value(obj, key)
            else _shown(key, _guarded(obj, key, loaded[key]), binary)
            for key, binary in _columns(obj) if key in loaded}


def _changes(obj: object) -> dict:
    """{field: [old, new]} of the columns changed in this flush."""
    state = inspect(obj)
    changes = {}
    for key, binary in _columns(obj):
        hist = state.attrs[key].history
        if not hist.added and not hist.deleted:
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old != new:
            changes[key] = [HIDDEN, HIDDEN] if _secret_value(obj, key) else \
                [_shown(key, _guarded(obj, key, old), binary),
                 _shown(key, _guarded(obj, key, new), binary)]
    return changes


def _before_flush(session: Session, _context, _instances) -> None:
    session.info.pop("audit_pending", None)
    if session.info.get("audit_off"):
        return
    pending: list[tuple[str, object, dict | None]] = []
    for obj in session.new:
        if _audited(obj):
            pending.append(("create", obj, None))
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            changes = _changes(obj)
            if changes:
                pending.append(("update", obj, changes))
    for obj in session.deleted:
        if _audited(obj):
            pending.append(("delete", obj, _snapshot(obj)))
    if pending:
        session.info["audit_pending"] = pending


def _after_flush(session: Session, _context) -> None:
    pending = session.info.pop("audit_pending", None)
    if not pending or not enabled(session):
        return
    rows: list[Row] = []
    for action, obj, detail in pending:
        if action == "create":
            detail = _snapshot(obj)
        rows.append((action, record_kind(obj), _record_id(obj), _unit_id(obj), detail or {}))
    _append(session, rows, None)


def install(sessions: sessionmaker) -> None:
    """Write every change made through the sessions of ``sessions`` (the application's
    session factory, see :mod:`.database`) to the audit log. Idempotent."""
    if not event.contains(sessions, "before_flush", _before_flush):
        event.listen(sessions, "before_flush", _before_flush)
        event.listen(sessions, "after_flush", _after_flush)


# --- verifying ------------------------------------------------------------------------------


def _dialect(target) -> str:
    bind = target.get_bind() if isinstance(target, Session) else target
    return bind.dialect.name


def verify_chain(target) -> list[str]:
    """Problems of the chain (a Session or a Connection): empty when every entry is as
    written. Names the first broken entry by its number (seq)."""
    table = AuditEntry.__table__
    result = target.execute(select(table).order_by(table.c.seq).execution_options(
        yield_per=1000))
    expected_seq, expected_prev = 1, GENESIS
    last_seq, last_hash = 0, GENESIS
    for row in result:
        if row.seq != expected_seq:
            result.close()
            if row.seq > expected_seq:
                return [_missing(expected_seq, row.seq - 1)]
            return [_("Audit log entry {seq} is out of order.").format(seq=row.seq)]
        digest = entry_hash(row.prev_hash, row.seq, row.at, row.username, row.action,
                            row.record_kind, row.record_id, row.unit_id, row.detail)
        if digest != row.hash:
            result.close()
            return [_("Audit log entry {seq} was changed after it was written.").format(
                seq=row.seq)]
        if row.prev_hash != expected_prev:
            result.close()
            return [_("Audit log entry {seq} does not follow entry {before}: one of them was "
                      "changed.").format(seq=row.seq, before=row.seq - 1)]
        expected_seq, expected_prev = row.seq + 1, row.hash
        last_seq, last_hash = row.seq, row.hash
    return _tail_problems(target, last_seq, last_hash)


def _missing(first: int, last: int) -> str:
    if first == last:
        return _("Audit log entry {seq} is missing: it was deleted.").format(seq=first)
    return _("Audit log entries {first} to {last} are missing: they were deleted.").format(
        first=first, last=last)


def _tail_problems(target, last_seq: int, last_hash: str) -> list[str]:
    settings = Setting.__table__
    head = target.execute(select(settings.c.value).where(settings.c.key == HEAD_SETTING)
                          ).scalar()
    highest = last_seq
    if head:
        try:
            recorded = json.loads(head)
            highest = max(highest, int(recorded.get("seq", 0)))
            if int(recorded.get("seq", 0)) == last_seq and recorded.get("hash") != last_hash:
                return [_("Audit log entry {seq} was changed after it was written.").format(
                    seq=last_seq)]
        except (ValueError, TypeError, AttributeError):
            return [_("The audit log's record of its last entry is damaged.")]
    highest = max(highest, _high_water(target))
    if highest > last_seq:
        return [_missing(last_seq + 1, highest)]
    return []


def _high_water(target) -> int:
    """The highest entry number ever written, as the database itself keeps it: SQLite's
    sqlite_sequence, or the table a trigger keeps on PostgreSQL (migration 0011)."""
    if _dialect(target) == "sqlite":
        sql = "SELECT seq FROM sqlite_sequence WHERE name = 'audit_entries'"
    else:
        sql = "SELECT seq FROM audit_high_water WHERE id = 1"
    try:
        with target.begin_nested():
            return int(target.execute(text(sql)).scalar() or 0)
    except DBAPIError:  # the table is gone: reported with the missing triggers
        return 0


def _migrated_past(engine: Engine) -> set[str]:
    """The migrations applied to the database (its revision and every one before it)."""
    from alembic.script import ScriptDirectory

    from ..db import alembic_config, current_revision

    current = current_revision(engine)
    if current is None:
        return set()
    script = ScriptDirectory.from_config(alembic_config(engine))
    return {r.revision for r in script.iterate_revisions(current, "base")}


#: the schema revision that made the audit log (migration 0003): a database at it or
#: later must have the table and its append-only triggers
AUDIT_REVISIONS_BEFORE = ("0001", "0002")
#: the triggers that refuse UPDATE and DELETE, by dialect (migration 0003)
APPEND_ONLY_TRIGGERS = {"sqlite": ("audit_entries_no_update", "audit_entries_no_delete"),
                        "postgresql": ("audit_entries_append_only",)}
#: the migration that keeps the log's high-water mark on PostgreSQL, and its trigger
HIGH_WATER_MIGRATION, HIGH_WATER_TRIGGER = "0011", "audit_entries_high_water"


def audit_problems(engine: Engine, anchors: Iterable[AuditAnchor] = (),
                   notes: list[str] | None = None) -> list[str]:
    """For ``receptiondesk db check``: the audit log's problems — its table or its
    append-only triggers gone, a broken chain, or a chain that does not hold the entries
    a backup of this database holds (``anchors``, :func:`backup_anchors`). None for a
    database made before the log existed."""
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
            if "alembic_version" in set(inspect(conn).get_table_names()) else None
        tables = set(inspect(conn).get_table_names())
        if "audit_entries" not in tables:
            if revision is None or revision in AUDIT_REVISIONS_BEFORE:
                return []
            return [_("The audit log is missing: its table was dropped.")]
        problems = [_("The audit log's protection {trigger} is missing: it was removed, "
                      "so entries could be changed or deleted.").format(trigger=name)
                    for name in _missing_triggers(conn, engine)]
        problems.extend(verify_chain(conn))
        problems.extend(anchor_problems(conn, list(anchors), notes))
        return problems


def _missing_triggers(conn, engine: Engine) -> list[str]:
    dialect = conn.dialect.name
    expected = APPEND_ONLY_TRIGGERS.get(dialect, ())
    if dialect == "postgresql" and HIGH_WATER_MIGRATION in _migrated_past(engine):
        expected = (*expected, HIGH_WATER_TRIGGER)
    if dialect == "sqlite":
        present = set(conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'audit_entries'")).scalars())
    elif dialect == "postgresql":
        present = set(conn.execute(text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entries'::regclass "
            "AND NOT tgisinternal")).scalars())
    else:
        return []
    if dialect == "postgresql" and conn.execute(
            text("SELECT to_regclass('audit_high_water')")).scalar() is None:
        present.discard(HIGH_WATER_TRIGGER)  # the mark's table is gone with it
    return [name for name in expected if name not in present]


# --- anchors held outside the file ------------------------------------------------------------


@dataclass(frozen=True)
class AuditAnchor:
    """The last entry (number and hash) of the audit log as a backup holds it."""

    source: str  # the backup's file name, to name it in a problem
    seq: int
    hash: str
    made: datetime | None = None  # when the backup was made (from its name)
    path: Path | None = None


def head_of_file(path: str | os.PathLike[str]) -> tuple[int, str] | None:
    """(number, hash) of the last audit entry of a SQLite file, read-only; None when it
    has no log or cannot be read."""
    try:
        with closing(sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True)) as con:
            row = con.execute("SELECT seq, hash FROM audit_entries ORDER BY seq DESC "
                              "LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    return (int(row[0]), str(row[1])) if row else None


def backup_anchors(folder: str | Path, database: str | Path) -> list[AuditAnchor]:
    """The audit heads of the backups of ``database`` in ``folder``."""
    from .backups import list_backups

    anchors = []
    for info in list_backups(folder, database):
        head = head_of_file(info.path)
        if head is not None:
            anchors.append(AuditAnchor(info.path.name, head[0], head[1], info.time, info.path))
    return anchors


def anchor_problems(target, anchors: list[AuditAnchor],
                    notes: list[str] | None = None) -> list[str]:
    """The backups whose last audit entry this log does not hold as they hold it: the
    log was cut or rewritten after them. A backup of a branch left by a restore (made
    after the backup restored, not holding the restore's entry) is not held against it;
    a restore entry is believed only when it follows the end of the backup it names
    (:func:`_restores`), else it is named as a problem and changes nothing. Each backup
    passed over that way is named in ``notes``."""
    table = AuditEntry.__table__
    restores, problems = _restores(target, anchors)
    for anchor in sorted(anchors, key=lambda a: a.seq):
        here = target.execute(select(table.c.hash).where(table.c.seq == anchor.seq)).scalar()
        if here == anchor.hash:
            continue
        left_by = _left_by_restore(anchor, restores)
        if left_by is not None:
            if notes is not None:  # not a problem, but not silent: a person can judge it
                notes.append(_("The backup {backup} holds entries that the restore at audit "
                               "log entry {seq} set aside: the log goes on from the backup "
                               "restored instead.").format(backup=anchor.source, seq=left_by))
            continue
        if here is None:
            problems.append(_("The audit log lacks entry {seq}, which the backup {backup} "
                              "holds: entries were deleted after that backup.").format(
                                  seq=anchor.seq, backup=anchor.source))
        else:
            problems.append(_("Audit log entry {seq} is not the one the backup {backup} "
                              "holds: the log was rewritten after that backup.").format(
                                  seq=anchor.seq, backup=anchor.source))
    return problems


# --- anchor files: the head written outside the database -----------------------------------

ANCHOR_KIND = "receptiondesk-audit-anchor"


def _first_and_last(conn) -> tuple[str | None, tuple[int, str] | None]:
    table = AuditEntry.__table__
    first = conn.execute(select(table.c.hash).where(table.c.seq == 1)).scalar()
    last = conn.execute(select(table.c.seq, table.c.hash).order_by(table.c.seq.desc())
                        .limit(1)).first()
    return first, ((int(last[0]), str(last[1])) if last else None)


def write_anchor(engine: Engine, path: str | Path) -> tuple[int, str]:
    """Write the audit log's head (its last entry's number and hash, and its first entry's
    hash to know the database again) to a small file kept outside the database: on
    PostgreSQL, whose backups the server makes, these files are what ``db check --anchors``
    holds the log against. Returns (number, hash)."""
    from ..files import replace_file

    with engine.connect() as conn:
        first, last = _first_and_last(conn)
    if last is None:
        raise ServiceError(_("The audit log is empty: there is no head to write yet."))
    path = Path(path)
    part = path.with_name(path.name + ".part")
    try:
        part.write_text(canonical_json({
            "kind": ANCHOR_KIND, "seq": last[0], "hash": last[1], "first": first,
            "made": datetime.now().replace(microsecond=0).isoformat()}) + "\n",
            encoding="utf-8")
        replace_file(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise ServiceError(_("The anchor file {path} could not be written: {reason}").format(
            path=path, reason=exc.strerror or exc)) from exc
    return last


#: an anchor file is a few hundred bytes; anything larger is not one
_ANCHOR_MAX_BYTES = 4096


def file_anchors(where: str | Path, engine: Engine) -> tuple[list[AuditAnchor], list[str]]:
    """The anchors in the file ``where`` or in the files of the folder ``where`` (those
    written by :func:`write_anchor`), and the problems of those that cannot be used: an
    anchor of another database (its first entry differs) is left out and named."""
    where = Path(where)
    files = sorted(p for p in where.iterdir() if p.is_file()) if where.is_dir() else [where]
    with engine.connect() as conn:
        first, _last = _first_and_last(conn)
    anchors, problems = [], []
    for path in files:
        try:
            if path.stat().st_size > _ANCHOR_MAX_BYTES:
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            if path == where:
                problems.append(_("{file} is not an anchor file of ReceptionDesk.").format(
                    file=path.name))
            continue
        if not isinstance(data, dict) or data.get("kind") != ANCHOR_KIND:
            continue
        try:
            seq, digest = int(data["seq"]), str(data["hash"])
            made = datetime.fromisoformat(str(data.get("made")))
        except (KeyError, TypeError, ValueError):
            problems.append(_("{file} is not an anchor file of ReceptionDesk.").format(
                file=path.name))
            continue
        if data.get("first") != first:
            problems.append(_("The anchor file {file} was written by another database (its "
                              "first audit entry differs): it was not used.").format(
                                  file=path.name))
            continue
        anchors.append(AuditAnchor(path.name, seq, digest, made, None))
    return anchors, problems


def _restores(target, anchors: Sequence[AuditAnchor] = ()
              ) -> tuple[list[tuple[int, str, datetime | None]], list[str]]:
    """(entry number, its hash, when the restored backup was made) of each restore the log
    holds, and the problems of the restore entries not believed.

    A restore puts the backup's file in place and then writes its entry, so the entry
    directly follows the backup's last entry: the entry before it must be the head the
    restore recorded of that backup, and the head of the backup file itself when the
    backups folder holds it. An entry appended by hand (to have newer backups passed
    over) does not follow the backup it names, and is reported by name."""
    from .backups import parse_backup_name

    table = AuditEntry.__table__
    by_name = {a.source: a for a in anchors}
    found, problems = [], []
    for row in target.execute(select(table.c.seq, table.c.hash, table.c.detail).where(
            table.c.action == "restore").order_by(table.c.seq)):
        try:
            detail = json.loads(row.detail or "{}")
            name = str(detail.get("backup", ""))
            recorded = detail.get("backup_head") or None
            recorded = (int(recorded["seq"]), str(recorded["hash"])) if recorded else None
        except (ValueError, AttributeError, KeyError, TypeError):
            detail, name, recorded = {}, "", None
        before = target.execute(select(table.c.seq, table.c.hash).where(
            table.c.seq == row.seq - 1)).first()
        before = (int(before[0]), str(before[1])) if before else None
        named = by_name.get(name)
        file_head = (named.seq, named.hash) if named is not None else None
        if before is None and row.seq == 1 and file_head is None and recorded is None \
                and isinstance(detail, dict) and "backup_head" in detail:
            before = recorded = None  # a backup with an empty log: nothing to follow
            believed = True
        else:
            believed = (before is not None and (recorded is not None or file_head is not None)
                        and recorded in (None, before) and file_head in (None, before))
        if not believed:
            problems.append(_(
                "Audit log entry {seq} says the backup {backup} was restored, but it does not "
                "follow that backup's last entry: it was not written by a restore, and the "
                "backups made after it are held against the log.").format(
                    seq=row.seq, backup=name or "?"))
            continue
        parsed = parse_backup_name(name)
        found.append((row.seq, row.hash, parsed[1] if parsed else None))
    return found, problems


def _left_by_restore(anchor: AuditAnchor,
                     restores: list[tuple[int, str, datetime | None]]) -> int | None:
    """The entry of the restore whose left branch this backup is (made after the backup
    restored, and without the restore's own entry: its log went on another way), or
    None."""
    for seq, digest, restored_made in restores:
        if restored_made is not None and anchor.made is not None \
                and anchor.made <= restored_made:
            continue  # as old as the backup restored: the log goes on from it
        if anchor.seq < seq or _hash_in(anchor.path, seq) != digest:
            return seq
    return None


def _hash_in(path: Path | None, seq: int) -> str | None:
    if path is None:
        return None
    try:
        with closing(sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)) as con:
            row = con.execute("SELECT hash FROM audit_entries WHERE seq = ?", (seq,)).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


# --- reading (the audit viewer) ----------------------------------------------------------------


@dataclass
class AuditFilter:
    username: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    record_kind: str = ""
    record_id: str = ""


def _filtered(f: AuditFilter):
    stmt = select(AuditEntry)
    if f.username:
        stmt = stmt.where(AuditEntry.username == f.username)
    if f.action:
        stmt = stmt.where(AuditEntry.action == f.action)
    if f.date_from:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(f.date_from, time()))
    if f.date_to:
        stmt = stmt.where(AuditEntry.at < datetime.combine(f.date_to + timedelta(days=1),
                                                           time()))
    if f.record_kind:
        stmt = stmt.where(AuditEntry.record_kind == f.record_kind)
    if f.record_id:
        stmt = stmt.where(AuditEntry.record_id == f.record_id)
    return stmt


def list_entries(session: Session, f: AuditFilter | None = None, offset: int = 0,
                 limit: int = 100) -> list[AuditEntry]:
    """One page of entries, newest first (the office head's audit viewer)."""
    from .accounts import require

    require(session, "audit.view")
    stmt = _filtered(f or AuditFilter()).order_by(AuditEntry.seq.desc())
    return list(session.scalars(stmt.offset(offset).limit(limit)))


def count_entries(session: Session, f: AuditFilter | None = None) -> int:
    from .accounts import require

    require(session, "audit.view")
    stmt = _filtered(f or AuditFilter()).with_only_columns(func.count(AuditEntry.seq))
    return session.scalar(stmt) or 0


def usernames(session: Session) -> list[str]:
    return [n for n in session.scalars(select(AuditEntry.username).distinct()
                                       .order_by(AuditEntry.username)) if n]


def action_label(action: str) -> str:
    msg = ACTIONS.get(action)
    return _(msg) if msg else action


def describe_detail(detail: str) -> str:
    """The detail as one line: "field: old → new; …" for changes, "key: value" otherwise."""
    try:
        data = json.loads(detail or "{}")
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return detail
    from .audit_labels import PLACE_KEYS, field_label, place_label, shown_fields

    parts = []
    for key in shown_fields(list(data)):
        value, label = data[key], field_label(key)
        if value_opener is not None:
            value = [value_opener(key, v) for v in value] \
                if isinstance(value, list) and len(value) == 2 else value_opener(key, value)
        if key in PLACE_KEYS and isinstance(value, str):
            parts.append(f"{label}: {place_label(value)}")
        elif isinstance(value, list) and len(value) == 2:
            parts.append(f"{label}: {_plain(value[0])} → {_plain(value[1])}")
        else:
            parts.append(f"{label}: {_plain(value)}")
    return "; ".join(parts)


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict | list):
        return canonical_json(value)
    return " ".join(str(value).split())


# --- heads carried by bundles -------------------------------------------------------------------

#: the heads this office put in its bundles (their entry numbers), newest last
EXPORTED_HEADS_SETTING = "audit/exported_heads"
#: how many earlier heads a bundle carries the hash of, so that the upper level finds
#: the head it received last even when some bundles were never imported
EXPORTED_HEADS_KEPT = 50


def _head(target) -> dict[str, Any]:
    table = AuditEntry.__table__
    row = target.execute(select(table.c.seq, table.c.hash).order_by(table.c.seq.desc())
                         .limit(1)).first()
    return {"seq": int(row.seq), "hash": row.hash} if row else {"seq": 0, "hash": GENESIS}


def _setting(session: Session, key: str) -> Any:
    value = session.execute(select(Setting.value).where(Setting.key == key)).scalar()
    try:
        return json.loads(value) if value else None
    except ValueError:
        return None


def _set(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)


def chain_anchors(session: Session) -> dict[str, Any]:
    """What a bundle carries of this office's audit log: its head (last entry number and
    hash), and the hash now found at each head earlier bundles carried."""
    table = AuditEntry.__table__
    earlier = [s for s in (_setting(session, EXPORTED_HEADS_SETTING) or [])
               if isinstance(s, int)]
    found = {row.seq: row.hash for row in session.execute(select(
        table.c.seq, table.c.hash).where(table.c.seq.in_(earlier)))} if earlier else {}
    return {"head": _head(session),
            "earlier": [{"seq": s, "hash": found.get(s)} for s in earlier]}


def remember_exported_head(session: Session, head: dict[str, Any]) -> None:
    seqs = [s for s in (_setting(session, EXPORTED_HEADS_SETTING) or []) if isinstance(s, int)]
    if head["seq"] and head["seq"] not in seqs:
        seqs.append(head["seq"])
    _set(session, EXPORTED_HEADS_SETTING, seqs[-EXPORTED_HEADS_KEPT:])


def _received_key(sender_code: str) -> str:
    return f"audit/received/{sender_code}"


def held_against_last_bundle(session: Session, sender_code: str, sender_name: str,
                             carried: Any) -> list[str]:
    """The problems of an office's audit log, as its bundle shows it, held against the
    head its last imported bundle carried: a log cut shorter, or an entry changed since
    (the chain rewritten). Empty for the first bundle or a bundle without heads."""
    last = _setting(session, _received_key(sender_code))
    if not isinstance(carried, dict) or not isinstance(last, dict):
        return []
    try:
        head = carried["head"]
        now = {int(head["seq"]): head["hash"]}
        now.update({int(e["seq"]): e["hash"] for e in carried.get("earlier") or []})
        seq, digest = int(last["seq"]), last["hash"]
    except (KeyError, TypeError, ValueError):
        return [_("The bundle of {office} carries a damaged record of its audit log.").format(
            office=sender_name)]
    if int(head["seq"]) < seq or (seq in now and now[seq] is None):
        return [_("The audit log of {office} is shorter than when its last bundle came "
                  "({before} entries, now {after}): entries were deleted there.").format(
                      office=sender_name, before=seq, after=int(head["seq"]))]
    if seq in now and now[seq] != digest:
        return [_("The audit log of {office} was rewritten since its last bundle: entry "
                  "{seq} is not the one that bundle carried.").format(
                      office=sender_name, seq=seq)]
    return []


def remember_received_head(session: Session, sender_code: str, carried: Any) -> None:
    try:
        head = {"seq": int(carried["head"]["seq"]), "hash": str(carried["head"]["hash"])}
    except (KeyError, TypeError, ValueError):
        return
    _set(session, _received_key(sender_code), head)


def short_head(session: Session) -> tuple[int, str]:
    """(last entry number, the first 16 hex digits of its hash in groups of four): what a
    printed report carries, to be compared with the log later."""
    head = _head(session)
    digits = head["hash"][:16].upper()
    return head["seq"], " ".join(digits[i:i + 4] for i in range(0, 16, 4))
