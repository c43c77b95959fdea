"""The audit log: who did what, when, and what changed — append-only and hash-chained.

Every entry's ``hash`` is the SHA-256 of the previous entry's hash and the entry's
own fields as canonical JSON (:func:`entry_hash`), so changing or deleting any
entry breaks the chain from there on; :func:`verify_chain` finds the first
broken entry, and ``receptiondesk db check`` reports it (:func:`audit_problems`).
Triggers of migration 0003 refuse UPDATE and DELETE on the table; the chain is
what still tells when someone drops them and edits the file.

Two ways in:

- a session event listener (registered when this module is imported) records
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
import re
import weakref
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Engine, LargeBinary, event, func, insert, inspect, select, text, update
from sqlalchemy.orm import Session

from ..i18n import N_, _
from ..model import AuditEntry, Setting, User
from ..model.base import utcnow

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
                            "address_key", "sort_key"})
#: fields whose values are never written (only that they changed)
SECRET_FIELDS = frozenset({"password_hash"})
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
    return getattr(bind, "engine", bind)


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


def _snapshot(obj: object) -> dict:
    """The values as they stand (for creates and deletes), without loading anything."""
    loaded = inspect(obj).dict
    return {key: _shown(key, loaded[key], binary)
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
            changes[key] = [_shown(key, old, binary), _shown(key, new, binary)]
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


def install() -> None:
    """Register the listener on every Session (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


install()


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
    if _dialect(target) == "sqlite":
        used = target.execute(text(
            "SELECT seq FROM sqlite_sequence WHERE name = 'audit_entries'")).scalar()
        highest = max(highest, int(used or 0))
    if highest > last_seq:
        return [_missing(last_seq + 1, highest)]
    return []


def audit_problems(engine: Engine) -> list[str]:
    """For ``receptiondesk db check``: the audit chain's problems (none without a log)."""
    if "audit_entries" not in set(inspect(engine).get_table_names()):
        return []
    with engine.connect() as conn:
        return verify_chain(conn)


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
    from .audit_labels import field_label, shown_fields

    parts = []
    for key in shown_fields(list(data)):
        value, label = data[key], field_label(key)
        if isinstance(value, list) and len(value) == 2:
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
