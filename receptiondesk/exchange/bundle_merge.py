"""Importing a verified bundle at the upper level: merging by global id, and conflicts.

**Units are matched by code.** The province may already have a row for the commune,
made here with another id: the bundle's unit ids are then mapped to the local unit of
the same code, for the unit rows and for every record's ``unit_id``. A unit new here
keeps the sender's id (unless that id is taken) and is placed under the unit whose
code the manifest names as the sender's parent, or else under this database's home
unit, so that reports by unit and level include it. A unit already here keeps its
place and its description; only a unit without a parent gets the sender's parent.
A bundle that claims this database's own home unit is refused.

**Records are merged by id**, comparing (version, updated_at):

- a record new here is added;
- the same version as here: unchanged (importing a bundle twice changes nothing);
- changed only at the sender since the version last received (``bundle_records``):
  the newer change wins, an older one (an earlier bundle imported late) is ignored;
- changed only here: kept;
- changed here *and* at the sender: a conflict (``bundle_conflicts``) with both versions
  as JSON; this copy stays as it is until someone keeps it or takes theirs
  (:func:`resolve_conflict`). Nothing is overwritten silently.

**Deletions** (the ``deletions`` part; older bundles lack it) are applied after the
records, children before parents: a record not here is left alone; one unchanged here
since the version last received is deleted; one changed here since is a conflict whose
sender's side marks the deletion (``{"_deleted": true, ...}``): taking theirs deletes
it, keeping mine keeps it and forgets it was received (the deletion is not asked again).
A record other records here still refer to is not deleted but kept as a conflict.

**One door in: a bundle changes only the units its key speaks for** — the sending
office (the unit code its key is registered for), the units already below it here (which
its earlier bundles placed there, or this office put there) and units new here that the
bundle introduces below it. A unit of the bundle that exists here anywhere else (another
commune's code named as a sub-unit), a record that exists here in another unit, and a
record that refers to another unit's record here (a petitioner added to another
commune's petition) refuse the whole bundle, naming the unit; nothing of it is applied.

Everything happens in the caller's transaction, with Core statements in batches: per
batch of records, one query for this copy's versions, one for the versions last
received, and one ``executemany`` each for the new rows, the updated rows and the
versions received (:class:`_Rows`).

**Every value is checked by its column** before it is written, and the bundle refused
naming the record and the column: integers within SQLite's 64 bits, texts within the
column's length or a note's, whichever is longer (long texts:
:data:`~receptiondesk.services.validation.MINUTES_LENGTH`),
codes among the values this program knows (:data:`CODED_COLUMNS`), date-times with a
zone converted to UTC (the database keeps naive UTC) and refused when unreadable.

**Memory** stays bounded whatever the bundle holds: records are read one JSON line at
a time (at most :data:`~receptiondesk.exchange.bundle.MAX_LINE_BYTES`) and written in
batches of at most :data:`BATCH` records and :data:`BATCH_BYTES` of JSON; only the
small parts (units, lookups, protected citizens, deletions, at most
:data:`~receptiondesk.exchange.bundle.MAX_HELD_PART_BYTES` each) are held whole. So
the JSON held at once is at most 16 MB a batch plus 16 MB for each held part; as
Python objects a few times that, some hundreds of megabytes at worst, beside
SQLite's 256 MB page cache during the merge.

**A bundle from a key not registered yet** is previewed from its manifest only (what
it holds, per part): nothing of its parts is unpacked before the fingerprint is
confirmed (:func:`preview_import` with ``key_confirmed``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, cast
from unicodedata import is_normalized

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Time,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..i18n import N_, _, format_number, ngettext
from ..model import (
    Base,
    BundleConflict,
    BundleRecord,
    Citizen,
    Field,
    ProtectedCitizen,
    SourceEntry,
    Unit,
)
from ..model.base import mapped_table, new_id, utcnow
from ..model.codes import (
    DutyRole,
    EventKind,
    Gender,
    InspectionBody,
    InspectionKind,
    Level,
    MeetingKind,
    MinutesStatus,
    MinutesSubject,
    PetitionType,
    Result,
    SessionKind,
    SessionMode,
    Status,
    UnitKind,
    VisitHandling,
)
from ..model.codes import Handling as PetitionHandling
from ..services import audit
from ..services.accounts import current_user, require
from ..services.errors import NotFoundError, ValidationError
from ..services.indexing import with_session_search_text
from ..services.office_keys import TRUST_PERMISSIONS, check_registered, register_key
from ..services.units import home_unit
from ..services.validation import MINUTES_LENGTH, NOTE_LENGTH
from ..text import nfc
from .bundle import BundleError, VerifiedBundle
from .bundle_export import (
    DELETIONS,
    RECORD_TABLES,
    REFERENCES,
    SELF_REFERENCES,
    record_kinds,
)
from .tables import json_value

BATCH = 1000
#: JSON bytes of a batch at most (records of long texts come in smaller batches)
BATCH_BYTES = 16 * 1024 * 1024
#: SQLite's integers are signed 64-bit
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
IN_CHUNK = 500
KEEP_MINE, TAKE_THEIRS = "keep_mine", "take_theirs"
RESOLUTIONS = (KEEP_MINE, TAKE_THEIRS)
TABLES: dict[str, Table] = {t.name: t for t in RECORD_TABLES}
#: the key that marks the sender's side of a conflict as a deletion
DELETION_MARK = "_deleted"

#: labels of the kinds of records, for previews and the conflicts list
KIND_LABELS: dict[str, str] = {
    "units": N_("Units"),
    "officials": N_("Officials"),
    "citizens": N_("Citizens"),
    "reception_sessions": N_("Reception sessions"),
    "visits": N_("Visits"),
    "visit_attendees": N_("Visit attendees"),
    "petitions": N_("Petitions"),
    "petitioners": N_("Petitioners"),
    "petition_events": N_("Petition events"),
    "deadline_extensions": N_("Deadline extensions"),
    "working_meetings": N_("Working meetings"),
    "concluding_notices": N_("Concluding notices"),
    "inspections": N_("Inspections"),
    "minutes": N_("Minutes"),
    "deletions": N_("Deletions"),
}


def kind_label(kind: str) -> str:
    msg = KIND_LABELS.get(kind)
    return _(msg) if msg else kind


@dataclass
class KindCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    #: records deleted at the sender and so here
    deleted: int = 0

    def add(self, other: KindCounts) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.conflicts += other.conflicts
        self.deleted += other.deleted

    @property
    def any(self) -> bool:
        return bool(self.new or self.updated or self.unchanged or self.conflicts
                    or self.deleted)


@dataclass
class ImportResult:
    """What a bundle adds and changes (a preview), or added and changed (applied)."""

    sender: dict[str, Any]
    fingerprint: str
    key_registered: bool
    applied: bool
    counts: dict[str, KindCounts] = field(default_factory=dict)
    #: a preview of a bundle whose key is neither registered nor confirmed: only what
    #: its manifest lists (records per part, in ``listed``), none of its parts unpacked
    manifest_only: bool = False
    listed: dict[str, int] = field(default_factory=dict)
    #: the sender's audit log held against the head its last bundle carried
    audit_problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> KindCounts:
        total = KindCounts()
        for c in self.counts.values():
            total.add(c)
        return total


# --- entry points ------------------------------------------------------------------------


def preview_import(session: Session, bundle: VerifiedBundle, *,
                   key_confirmed: bool = False) -> ImportResult:
    """What importing ``bundle`` would do, writing nothing. Refuses (KeyMismatch) a
    bundle of a known office signed by another key.

    A bundle whose key is not registered is read no further than its manifest
    (``manifest_only``) until its fingerprint is confirmed (``key_confirmed``): a file
    from anyone must not make this program unpack it."""
    _require(session)
    registered = check_registered(session, bundle.sender["code"], bundle.public_key)
    result = ImportResult(bundle.sender, bundle.fingerprint, registered, False)
    if not registered and not key_confirmed:
        result.manifest_only = True
        result.listed = {name: part.records for name, part in bundle.parts.items()}
        return result
    _Merge(session, bundle, result, apply=False).run()
    result.audit_problems = _audit_held(session, bundle)
    return result


def _audit_held(session: Session, bundle: VerifiedBundle) -> list[str]:
    sender = bundle.sender
    return audit.held_against_last_bundle(session, sender["code"], sender["name"],
                                          bundle.manifest.get("audit"))


def apply_import(session: Session, bundle: VerifiedBundle, *,
                 trust_new_key: bool = False) -> ImportResult:
    """Import ``bundle`` in the session's transaction. A new office's key is registered
    only with ``trust_new_key`` (its fingerprint confirmed); otherwise refused."""
    _require(session)
    sender = bundle.sender
    registered = check_registered(session, sender["code"], bundle.public_key)
    if not registered:
        if not trust_new_key:
            raise BundleError(_(
                "No key is registered for {code} ({name}). Compare the fingerprint {fp} "
                "with that office (by phone), then confirm it to import.").format(
                    code=sender["code"], name=sender["name"], fp=bundle.fingerprint))
        register_key(session, sender["code"], sender["id"], sender["name"], bundle.public_key)
    result = ImportResult(sender, bundle.fingerprint, registered, True)
    saved_cache = _bigger_cache(session)
    try:
        merge = _Merge(session, bundle, result, apply=True)
        merge.run()
        session.flush()
    except IntegrityError as exc:
        raise BundleError(_("The bundle refers to records this database does not have, or "
                            "breaks a rule of the database; nothing was imported ({reason})."
                            ).format(reason=str(exc.orig)[:200])) from exc
    finally:
        if saved_cache is not None:
            with suppress(Exception):  # the setting only; the import's outcome stands
                session.execute(text(f"PRAGMA cache_size = {int(saved_cache)}"))
    total = result.total
    result.audit_problems = _audit_held(session, bundle)
    audit.remember_received_head(session, sender["code"], bundle.manifest.get("audit"))
    audit.record(session, "import", "bundle", str(bundle.manifest.get("created_at", "")),
                 merge.unit_map.get(sender["id"]), {
                     "sender": sender["code"], "fingerprint": bundle.fingerprint,
                     "file": bundle.path.name, "new": total.new, "updated": total.updated,
                     "unchanged": total.unchanged, "conflicts": total.conflicts,
                     "deleted": total.deleted, "audit_problems": result.audit_problems})
    return result


def _bigger_cache(session: Session) -> int | None:
    """On SQLite, a 256 MB page cache while a bundle is merged (a big import keeps its
    pages in memory instead of spilling them mid-transaction); returns the old setting."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    saved = session.execute(text("PRAGMA cache_size")).scalar()
    session.execute(text("PRAGMA cache_size = -262144"))
    return saved


def require_import(session: Session) -> None:
    """Importing bundles and trusting keys: the office head or the administrator."""
    for permission in TRUST_PERMISSIONS:
        require(session, permission)


_require = require_import


# --- values ---------------------------------------------------------------------------------


#: (table, column) → the code list its values come from; any other value is refused
CODED_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("units", "level"): Level,
    ("units", "kind"): UnitKind,
    ("officials", "duty_role"): DutyRole,
    ("citizens", "gender"): Gender,
    ("reception_sessions", "kind"): SessionKind,
    ("reception_sessions", "mode"): SessionMode,
    ("visits", "petition_type"): PetitionType,
    ("visits", "handling"): VisitHandling,
    ("petitions", "petition_type"): PetitionType,
    ("petitions", "status"): Status,
    ("petitions", "handling"): PetitionHandling,
    ("petitions", "result"): Result,
    ("petition_events", "kind"): EventKind,
    ("petition_events", "from_status"): Status,
    ("petition_events", "to_status"): Status,
    ("working_meetings", "kind"): MeetingKind,
    ("inspections", "kind"): InspectionKind,
    ("inspections", "body"): InspectionBody,
    ("minutes", "subject_kind"): MinutesSubject,
    ("minutes", "status"): MinutesStatus,
}


def _text(limit: int):
    def parse(value: Any) -> str:
        if not isinstance(value, str) or len(value) > limit:
            raise ValueError("text")
        return nfc(value)  # stored composed, whatever the sender's copy holds
    parse.limit = limit  # type: ignore[attr-defined]  # read by _Merge._convert
    return parse


def _coded(enum: type[StrEnum]):
    known = {m.value for m in enum}

    def parse(value: Any) -> str:
        if value not in known:
            raise ValueError("code")
        return value
    return parse


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not INT_MIN <= value <= INT_MAX:
        raise ValueError("integer")
    return value


def _datetime(value: Any) -> datetime:
    """A date-time as the database keeps it: naive UTC. One written with a zone is
    converted to UTC explicitly, never stored with its zone dropped."""
    if not isinstance(value, str):
        raise ValueError("date-time")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _iso(kind):
    def parse(value: Any):
        if not isinstance(value, str):
            raise ValueError("iso")
        return kind.fromisoformat(value)
    return parse


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(value)
    return value


def _parser(column):
    """The function turning a JSON value into the column's Python value (ValueError
    when it is not one the column takes)."""
    kind = column.type
    coded = CODED_COLUMNS.get((column.table.name, column.name))
    if coded is not None:
        return _coded(coded)
    if isinstance(kind, DateTime):
        return _datetime
    if isinstance(kind, Date):
        return _iso(date)
    if isinstance(kind, Time):
        return _iso(time)
    if isinstance(kind, Boolean):
        return _boolean
    if isinstance(kind, Integer):
        return _integer
    if isinstance(kind, String) and kind.length:
        # the column's length, or a note's: SQLite never enforced the lengths, and an
        # office's older records may pass them a little; memory stays bounded either way
        return _text(max(kind.length, NOTE_LENGTH))
    return _text(MINUTES_LENGTH)


def _from_json(column, value: Any) -> Any:
    return None if value is None else _parser(column)(value)


def _parsers(table: Table) -> dict[str, Any]:
    return {c.name: _parser(c) for c in table.columns}


def _stamp(row) -> tuple[int, datetime]:
    return (row["version"], row["updated_at"])


def _as_json(row: dict[str, Any]) -> str:
    return json.dumps({k: json_value(v) for k, v in row.items()}, ensure_ascii=False,
                      sort_keys=True)


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), IN_CHUNK):
        yield ids[i:i + IN_CHUNK]


# --- the merge ------------------------------------------------------------------------------


class _Merge:
    def __init__(self, session: Session, bundle: VerifiedBundle, result: ImportResult,
                 apply: bool) -> None:
        self.s = session
        self.bundle = bundle
        self.result = result
        self.apply = apply
        self.unit_map: dict[str, str] = {}
        self._parsers: dict[str, dict[str, Any]] = {}
        #: a text column's longest value (-1 for a column of another kind), by table
        self._limits: dict[str, dict[str, int]] = {}
        self.sender_code = bundle.sender["code"]
        #: in a preview, the ids that would be deleted (by table)
        self._going: dict[str, set[str]] = {}
        self.rows = _Rows(session)

    def run(self) -> None:
        self._units()
        self._lookups()
        for table in RECORD_TABLES:
            self._table(table)
        self._protected()
        self._deletions()

    def _counts(self, kind: str) -> KindCounts:
        return self.result.counts.setdefault(kind, KindCounts())

    def _refuse(self, message: str) -> BundleError:
        return BundleError(message)

    # --- units --------------------------------------------------------------------------

    def _units(self) -> None:
        records = list(self.bundle.records("units"))
        by_id = {r.get("id"): r for r in records}
        sender = self.bundle.sender
        if sender["id"] not in by_id:
            raise self._refuse(_("The bundle does not hold its sending unit {code}.").format(
                code=sender["code"]))
        order = self._unit_order(by_id, sender["id"])
        self._check_speaks_for(order)
        home = home_unit(self.s)
        counts = self._counts("units")
        for rec in order:
            self._unit(rec, rec["id"] == sender["id"], home, counts)

    def _unit_order(self, by_id: dict, root: str) -> list[dict]:
        children: dict[str | None, list[dict]] = {}
        for rec in by_id.values():
            children.setdefault(rec.get("parent_id"), []).append(rec)
        order, stack = [], [by_id[root]]
        while stack:
            rec = stack.pop()
            order.append(rec)
            stack.extend(children.get(rec["id"], []))
        if len(order) != len(by_id):
            stray = next(r for r in by_id.values() if r not in order)
            raise self._refuse(_("The unit {code} in the bundle is neither the sending "
                                 "office nor below it.").format(code=stray.get("code")))
        return order

    def _check_speaks_for(self, order: list[dict]) -> None:
        """Refuse, before anything is written, a bundle naming a unit kept here that is
        neither its sender nor below the sender here (module doc: one door in)."""
        table = Unit.__table__
        rows = self.s.execute(select(table.c.id, table.c.code, table.c.parent_id)).all()
        parent_of = {r.id: r.parent_id for r in rows}
        local_of = {r.code: r.id for r in rows}
        sender_local = local_of.get(self.sender_code)
        foreign = [rec for rec in order[1:]
                   if (here := local_of.get(rec.get("code"))) is not None
                   and not _below(here, sender_local, parent_of)]
        if foreign:
            raise self._refuse(_(
                "The bundle of {sender} holds records of {units}: units kept here that "
                "{sender} does not speak for (a bundle may change only its own office and "
                "the units below it). Nothing was imported.").format(
                    sender=self.sender_code,
                    units=", ".join(f"{r.get('code')} ({r.get('name', '')})"
                                    for r in foreign)))

    def _unit_name(self, unit_id: str | None) -> str:
        """A unit here as "CODE (name)", for refusals."""
        row = self.s.execute(select(Unit.code, Unit.name).where(Unit.id == unit_id)).first()
        return f"{row.code} ({row.name})" if row else str(unit_id)

    def _foreign_record(self, record_id: str, part: str, unit_id: str | None) -> BundleError:
        return self._refuse(_(
            "The record {id} of part {part} belongs here to {unit}, which {sender} does "
            "not speak for. Nothing was imported.").format(
                id=record_id, part=part, unit=self._unit_name(unit_id),
                sender=self.sender_code))

    def _unit(self, rec: dict, is_sender: bool, home: Unit | None, counts: KindCounts) -> None:
        table = Unit.__table__
        code = rec.get("code")
        if not isinstance(code, str) or not code:
            raise self._refuse(_("A unit in the bundle has no code."))
        local = self.s.execute(select(table.c.id, table.c.parent_id, table.c.is_home).where(
            table.c.code == code)).first()
        parent_id = self._unit_parent(rec, is_sender, home)
        if local is not None:
            if local.is_home:
                raise self._refuse(_("The bundle comes from {code}, which is this "
                                     "database's own office.").format(code=code))
            self.unit_map[rec["id"]] = local.id
            if local.parent_id is None and parent_id and parent_id != local.id:
                counts.updated += 1
                if self.apply:
                    self.s.execute(update(table).where(table.c.id == local.id)
                                   .values(parent_id=parent_id))
            else:
                counts.unchanged += 1
            return
        taken = self.s.scalar(select(table.c.id).where(table.c.id == rec["id"]))
        local_id = new_id() if taken else rec["id"]
        self.unit_map[rec["id"]] = local_id
        counts.new += 1
        if not self.apply:
            return
        values = self._convert(table, rec, "units")
        values.update(id=local_id, parent_id=parent_id, is_home=False)
        self.s.execute(insert(table).values(**values))

    def _unit_parent(self, rec: dict, is_sender: bool, home: Unit | None) -> str | None:
        if not is_sender:
            parent_id = rec.get("parent_id")
            return self.unit_map.get(parent_id) if isinstance(parent_id, str) else None
        parent = self.bundle.sender.get("parent") or {}
        if parent.get("code"):
            found = self.s.scalar(select(Unit.id).where(Unit.code == parent["code"]))
            if found:
                return found
        return home.id if home is not None else None

    # --- lookups and protection -------------------------------------------------------------

    def _lookups(self) -> None:
        """Fields and sources the sender added: added here too (never changed here)."""
        if not self.apply:
            return
        for model in (Field, SourceEntry):
            table = model.__table__
            have = set(self.s.scalars(select(table.c.code)))
            rows = [self._convert(table, r, table.name)
                    for r in self.bundle.records(table.name) if r.get("code") not in have]
            if rows:
                self.s.execute(insert(table), rows)

    def _protected(self) -> None:
        if not self.apply:
            return
        ids = sorted({cid for r in self.bundle.records("protected_citizens")
                      if isinstance(cid := r.get("citizen_id"), str)})
        now = utcnow()
        for chunk in _chunks(ids):
            present = set(self.s.scalars(select(Citizen.id).where(Citizen.id.in_(chunk))))
            done = set(self.s.scalars(select(ProtectedCitizen.citizen_id).where(
                ProtectedCitizen.citizen_id.in_(chunk))))
            rows = [{"citizen_id": c, "since": now} for c in chunk if c in present - done]
            if rows:
                self.s.execute(insert(ProtectedCitizen.__table__), rows)

    # --- records --------------------------------------------------------------------------

    def _convert(self, table: Table, rec: dict, part: str) -> dict[str, Any]:
        parsers = self._parsers.get(table.name)
        if parsers is None:
            parsers = self._parsers[table.name] = _parsers(table)
            self._limits[table.name] = {name: getattr(parse, "limit", -1)
                                        for name, parse in parsers.items()}
        limits = self._limits[table.name]
        values: dict[str, Any] = {}
        for name, value in rec.items():
            limit = limits.get(name)
            if limit is None:
                continue  # a column this version does not have
            if value is None:
                values[name] = None
            elif type(value) is str and len(value) <= limit:
                # a text within its column's limit (the text parser's own check, inline)
                values[name] = value if is_normalized("NFC", value) else nfc(value)
            else:
                try:
                    values[name] = parsers[name](value)
                except (ValueError, TypeError) as exc:
                    raise self._refuse(_(
                        "The record {id} of part {part} has a wrong value in {column}."
                    ).format(id=rec.get("id"), part=part, column=name)) from exc
        return values

    def _record(self, table: Table, rec: dict) -> dict[str, Any]:
        values = self._convert(table, rec, table.name)
        for key in ("id", "unit_id", "version", "updated_at"):
            if values.get(key) is None:
                raise self._refuse(_("The record {id} of part {part} lacks {column}.").format(
                    id=rec.get("id"), part=table.name, column=key))
        unit = self.unit_map.get(values["unit_id"])
        if unit is None:
            raise self._refuse(_("The record {id} of part {part} belongs to a unit that is "
                                 "not in the bundle.").format(id=values["id"], part=table.name))
        values["unit_id"] = unit
        if table.name == "reception_sessions":
            # the folded text is this office's index, not the sender's: made here
            with_session_search_text(values)
        return values

    def _table(self, table: Table) -> None:
        deferred: list[dict[str, Any]] = []
        batch: list[dict[str, Any]] = []
        size = 0
        for rec, line_bytes in self.bundle.sized_records(table.name):
            batch.append(self._record(table, rec))
            size += line_bytes
            if len(batch) >= BATCH or size >= BATCH_BYTES:
                self._batch(table, batch, deferred)
                batch, size = [], 0
        if batch:
            self._batch(table, batch, deferred)
        column = SELF_REFERENCES.get(table.name)
        if deferred and column and self.apply:
            self.rows.update(table, [{"id": d["b_id"], column: d["b_ref"]}
                                     for d in deferred])

    def _batch(self, table: Table, rows: list[dict[str, Any]],
               deferred: list[dict[str, Any]]) -> None:
        kind = table.name
        ids = [r["id"] for r in rows]
        local = {r.id: r for r in self.s.execute(
            select(table.c.id, table.c.version, table.c.updated_at, table.c.unit_id)
            .where(table.c.id.in_(ids)))}
        base = {r.record_id: (r.version, r.updated_at) for r in self.s.execute(
            select(BundleRecord.__table__).where(BundleRecord.record_kind == kind,
                                                 BundleRecord.record_id.in_(ids)))}
        allowed = set(self.unit_map.values())
        self._check_references(table, rows, allowed)
        counts = self._counts(kind)
        new, changed, seen, conflicts = [], [], [], []
        for row in rows:
            here = local.get(row["id"])
            stamp = _stamp(row)
            if here is None:
                new.append(row)
                continue
            if here.unit_id not in allowed:
                raise self._foreign_record(row["id"], kind, here.unit_id)
            mine = (here.version, here.updated_at)
            last = base.get(row["id"])
            if mine == stamp:
                if last != stamp:
                    seen.append(row)
                counts.unchanged += 1
            elif last is not None and mine != last and stamp != last and stamp > last:
                conflicts.append(row)
            elif stamp > mine and (last is None or mine == last):
                changed.append(row)
            else:  # changed only here, or an older version than this one
                counts.unchanged += 1
        counts.new += len(new)
        counts.updated += len(changed)
        counts.conflicts += len(conflicts)
        if not self.apply:
            return
        self._insert(table, new, deferred)
        self._update(table, changed, deferred)
        self._remember(kind, new + changed + seen, set(base))
        if conflicts:
            self._conflicts(table, conflicts)

    def _check_references(self, table: Table, rows: list[dict[str, Any]],
                          allowed: set[str]) -> None:
        """Refuse a record that names a record of another unit here (a petitioner or an
        event added to another office's petition): that would change it too."""
        for column, target in REFERENCES.get(table.name, {}).items():
            ids = sorted({r[column] for r in rows if r.get(column)})
            target_table = TABLES[target]
            for chunk in _chunks(ids):
                stray = self.s.execute(
                    select(target_table.c.id, target_table.c.unit_id)
                    .where(target_table.c.id.in_(chunk),
                           target_table.c.unit_id.not_in(allowed))).first()
                if stray is not None:
                    raise self._foreign_record(stray.id, target, stray.unit_id)

    def _split_self(self, table: Table, rows: list[dict], deferred: list[dict]) -> list[dict]:
        """Rows with their reference to the same table set later (the row it names may
        come later in the part)."""
        column = SELF_REFERENCES.get(table.name)
        if not column:
            return rows
        out = []
        for row in rows:
            if row.get(column):
                deferred.append({"b_id": row["id"], "b_ref": row[column]})
                row = {**row, column: None}
            out.append(row)
        return out

    def _insert(self, table: Table, rows: list[dict], deferred: list[dict]) -> None:
        self.rows.insert(table, self._split_self(table, rows, deferred))

    def _update(self, table: Table, rows: list[dict], deferred: list[dict]) -> None:
        self.rows.update(table, self._split_self(table, rows, deferred))

    def _remember(self, kind: str, rows: list[dict], known: set[str]) -> None:
        remember(self.s, kind, [(r["id"], r["version"], r["updated_at"]) for r in rows],
                 known, self.rows)

    def _conflicts(self, table: Table, rows: list[dict]) -> None:
        """Changes of records also changed here: kept beside this copy, not applied."""
        ids = [r["id"] for r in rows]
        mine = {r["id"]: dict(r) for r in self.s.execute(
            select(table).where(table.c.id.in_(ids))).mappings()}
        self._record_conflicts(table.name, [(mine[r["id"]], _as_json(r)) for r in rows])

    def _record_conflicts(self, kind: str, pairs: list[tuple[dict, str]]) -> None:
        """(this copy, the sender's version as JSON) of each conflicting record: a new
        open conflict, or the open one brought up to date (importing again adds none)."""
        ctable = BundleConflict.__table__
        open_ = {c.record_id: c for c in self.s.execute(
            select(ctable).where(ctable.c.record_kind == kind,
                                 ctable.c.record_id.in_([m["id"] for m, _t in pairs]),
                                 ctable.c.resolution.is_(None)))}
        now = utcnow()
        for row, theirs in pairs:
            existing = open_.get(row["id"])
            if existing is not None:
                if existing.theirs != theirs:
                    self.s.execute(update(ctable).where(ctable.c.id == existing.id)
                                   .values(theirs=theirs, detected_at=now))
                continue
            self.s.execute(insert(ctable).values(
                id=new_id(), record_kind=kind, record_id=row["id"], unit_id=row["unit_id"],
                sender_code=self.sender_code, mine=_as_json(row), theirs=theirs,
                detected_at=now, resolved_by=""))

    # --- deletions ------------------------------------------------------------------------

    def _deletions(self) -> None:
        """Apply the sender's deletions: decided parents first (the owned children of a
        record kept here stay with it), carried out children first."""
        by_table: dict[str, dict[str, Any]] = {}
        for rec in self.bundle.records(DELETIONS):
            table, rid = rec.get("table"), rec.get("id")
            if table not in TABLES or not isinstance(rid, str) or not rid:
                raise self._refuse(_("The record {id} of part {part} has a wrong value in "
                                     "{column}.").format(id=rid, part=DELETIONS,
                                                         column="table"))
            by_table.setdefault(table, {})[rid] = rec.get("version")
        kept: dict[str, set[str]] = {}
        plans: dict[str, tuple[list[dict], list[dict]]] = {}
        for table in RECORD_TABLES:
            if table.name in by_table:
                plans[table.name] = self._plan(table, sorted(by_table[table.name]), kept)
        for table in reversed(RECORD_TABLES):
            if table.name in plans:
                self._carry_out(table, *plans[table.name], by_table[table.name])

    def _plan(self, table: Table, ids: list[str], kept: dict[str, set[str]]
              ) -> tuple[list[dict], list[dict]]:
        """(rows to delete, rows changed here since: conflicts); the rest is unchanged."""
        kind = table.name
        allowed = set(self.unit_map.values())
        owners = [(column, kept.get(parent, set())) for parent, column in owned_by(table)]
        counts = self._counts(kind)
        gone: list[dict] = []
        conflicts: list[dict] = []
        for chunk in _chunks(ids):
            local = {r["id"]: dict(r) for r in self.s.execute(
                select(table).where(table.c.id.in_(chunk))).mappings()}
            base = {r.record_id: (r.version, r.updated_at) for r in self.s.execute(
                select(BundleRecord.__table__).where(BundleRecord.record_kind == kind,
                                                     BundleRecord.record_id.in_(chunk)))}
            for rid in chunk:
                here, last = local.get(rid), base.get(rid)
                if here is None or last is None:  # not here, or kept here on purpose
                    counts.unchanged += 1
                elif here["unit_id"] not in allowed:
                    raise self._foreign_record(rid, kind, here["unit_id"])
                elif any(here.get(column) in held for column, held in owners):
                    counts.unchanged += 1  # stays with the record kept here
                elif _stamp(here) == last:
                    gone.append(here)
                else:
                    conflicts.append(here)
        # deleted at the sender but staying here (a conflict, kept on purpose): their
        # owned children stay with them
        kept[kind] = set(ids) - {r["id"] for r in gone}
        return gone, conflicts

    def _carry_out(self, table: Table, gone: list[dict], conflicts: list[dict],
                   versions: dict[str, Any]) -> None:
        """Delete, unless other records here still name the record: then a conflict."""
        blocked = referred_to(self.s, table, [r["id"] for r in gone], self._going)
        conflicts = conflicts + [r for r in gone if r["id"] in blocked]
        gone = [r for r in gone if r["id"] not in blocked]
        counts = self._counts(table.name)
        counts.deleted += len(gone)
        counts.conflicts += len(conflicts)
        if not self.apply:
            self._going.setdefault(table.name, set()).update(r["id"] for r in gone)
            return
        delete_records(self.s, table, gone)
        if conflicts:
            self._deletion_conflicts(table, conflicts, versions)

    def _deletion_conflicts(self, table: Table, rows: list[dict],
                            versions: dict[str, Any]) -> None:
        self._record_conflicts(table.name, [(row, _deletion_json(versions.get(row["id"])))
                                            for row in rows])


def _below(unit_id: str, ancestor: str | None, parent_of: dict[str, str | None]) -> bool:
    """Whether ``unit_id`` is ``ancestor`` or lies below it in this database's tree."""
    seen: set[str] = set()
    current: str | None = unit_id
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


def _deletion_json(version: Any) -> str:
    return json.dumps({DELETION_MARK: True, "version": version}, sort_keys=True)


def is_deletion(conflict: BundleConflict) -> bool:
    """Whether the sender's side of the conflict is the record's deletion."""
    theirs = json.loads(conflict.theirs)
    return theirs is None or bool(isinstance(theirs, dict) and theirs.get(DELETION_MARK))


def owned_by(table: Table) -> list[tuple[str, str]]:
    """(parent table, column) of the records ``table``'s rows belong to: deleted with
    them (an ORM delete cascade, e.g. a visit's attendees)."""
    out: list[tuple[str, str]] = []
    for mapper in Base.registry.mappers:
        for rel in mapper.relationships:
            if rel.cascade.delete and rel.mapper.local_table is table and \
                    mapped_table(mapper).name in TABLES:
                out.extend((mapped_table(mapper).name, pair[1].name)
                           for pair in rel.local_remote_pairs)
    return out


def owned_rows(session: Session, table: Table, record_id: str) -> list[tuple[Table, dict]]:
    """The bundle rows that belong to the record (deleted with it)."""
    rows: list[tuple[Table, dict]] = []
    for child in RECORD_TABLES:
        for parent, column in owned_by(child):
            if parent == table.name:
                rows.extend((child, dict(r)) for r in session.execute(
                    select(child).where(child.c[column] == record_id)).mappings())
    return rows


def referred_to(session: Session, table: Table, ids: list[str],
                going: dict[str, set[str]] | None = None) -> set[str]:
    """The ids other rows here still name by a foreign key that does not cascade (such a
    record cannot be deleted without breaking them); rows in ``going`` (table → ids
    deleted before, in a preview that writes nothing) do not count."""
    found: set[str] = set()
    if not ids:
        return found
    going = going or {}
    for other in table.metadata.tables.values():
        for fk in other.foreign_keys:
            if fk.column.table is not table or (fk.ondelete or "").upper() in (
                    "CASCADE", "SET NULL"):
                continue
            column, skip = fk.parent, going.get(other.name, set())
            own = other.c.id if "id" in other.c else column
            for chunk in _chunks(ids):
                found.update(ref for ref, rid in session.execute(
                    select(column, own).where(column.in_(chunk))) if rid not in skip)
    return found


def delete_records(session: Session, table: Table, rows: list[dict]) -> None:
    """Delete the rows and their "last received" marks, and log each deletion (so that a
    bundle from here to the level above carries it on)."""
    if not rows:
        return
    ids = [r["id"] for r in rows]
    kind_of = {t: k for k, t in record_kinds().items()}
    btable = BundleRecord.__table__
    for chunk in _chunks(ids):
        session.execute(delete(btable).where(btable.c.record_kind == table.name,
                                             btable.c.record_id.in_(chunk)))
        session.execute(delete(table).where(table.c.id.in_(chunk)))
    audit.record_many(session, [
        ("delete", kind_of[table.name], r["id"], r.get("unit_id"),
         {k: v for k, v in r.items() if k not in audit.SKIPPED_FIELDS or k == "version"})
        for r in rows])


#: (SQL, (parameter name, row key, bind processor) in order, positional parameters)
_Plan = tuple[str, list[tuple[str, str, Any]], bool]


class _Rows:
    """INSERT and UPDATE of many rows in one ``executemany`` each, with the values turned
    into the driver's own once per column (the statement compiled once per set of
    columns): SQLAlchemy's per-row parameter handling cost more than SQLite's inserts.
    The values are those SQLAlchemy would bind (its own bind processors; on SQLite,
    date-times as the same text the DATETIME type writes)."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.dialect = session.get_bind().dialect
        self._plans: dict[tuple, _Plan | None] = {}

    def _processor(self, column) -> Any:
        kind = column.type
        if self.dialect.name == "sqlite" and isinstance(kind, DateTime):
            # the exact text of SQLite's DATETIME bind processor (for the naive date-times
            # the parsers give), without its formatting by a dict per value
            return lambda v: v.isoformat(" ", "microseconds")
        return kind.dialect_impl(self.dialect).bind_processor(self.dialect)

    def _plan(self, key: tuple, stmt, table: Table) -> _Plan | None:
        """The statement's SQL and how each row gives its parameters; None for a
        statement with a value SQLAlchemy computes itself (a column default)."""
        if key in self._plans:
            return self._plans[key]
        compiled = stmt.compile(dialect=self.dialect)
        positional = self.dialect.positional
        names = list(compiled.positiontup or []) if positional else list(compiled.binds)
        plan: _Plan | None = None
        # a column the rows lack (a bundle of an older version) whose default SQLAlchemy
        # computes: its own executemany
        if all(name.startswith("v_") for name in names):
            procs = [(name, name[2:], self._processor(table.c[name[2:]])) for name in names]
            plan = (compiled.string, procs, positional)
        self._plans[key] = plan
        return plan

    def _run(self, plan: _Plan | None, stmt, rows: list[dict]) -> None:
        if plan is None:
            self.s.execute(stmt, [{"v_" + k: v for k, v in row.items()} for row in rows])
            return
        sql, procs, positional = plan
        params: list[Any] = []
        for row in rows:
            values = [v if (v := row[key]) is None or proc is None else proc(v)
                      for _name, key, proc in procs]
            params.append(tuple(values) if positional else
                          {name: value for (name, _k, _p), value in zip(procs, values,
                                                                        strict=True)})
        if params:
            self.s.connection().exec_driver_sql(sql, params)

    def insert(self, table: Table, rows: list[dict]) -> None:
        for group in _same_keys(rows):
            columns = list(group[0])
            stmt = insert(table).values({c: bindparam("v_" + c) for c in columns})
            self._run(self._plan(("insert", table.name, *columns), stmt, table), stmt, group)

    def update(self, table: Table, rows: list[dict]) -> None:
        """Each row's columns (all but ``id``) set on the record of its ``id``."""
        for group in _same_keys(rows):
            columns = [c for c in group[0] if c != "id"]
            values: dict[str, Any] = {c: bindparam("v_" + c) for c in columns}
            if "updated_at" in table.c and "updated_at" not in values:
                # a reference set after the rows are in changes nothing of the record's:
                # its time of change stays the sender's (not the column's onupdate)
                values["updated_at"] = table.c.updated_at
            stmt = update(table).where(table.c.id == bindparam("v_id")).values(values)
            self._run(self._plan(("update", table.name, *columns), stmt, table), stmt, group)


def _same_keys(rows: list[dict]) -> list[list[dict]]:
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)  # (the rows of a part: one order)
    return list(groups.values())


def remember(session: Session, kind: str, stamps: list[tuple[str, int, datetime]],
             known: set[str] | None = None, rows: _Rows | None = None) -> None:
    """Record the version last received of each record (replacing the earlier one;
    ``known``: the ids that have one, when the caller looked them up)."""
    if not stamps:
        return
    table = BundleRecord.__table__
    ids = [s[0] for s in stamps]
    if known is not None:
        ids = [i for i in ids if i in known]
    for chunk in _chunks(ids):
        session.execute(delete(table).where(table.c.record_kind == kind,
                                            table.c.record_id.in_(chunk)))
    (rows or _Rows(session)).insert(table, [
        {"record_kind": kind, "record_id": rid, "version": v, "updated_at": at}
        for rid, v, at in stamps])


# --- conflicts ------------------------------------------------------------------------------


def list_conflicts(session: Session, *, open_only: bool = True) -> list[BundleConflict]:
    stmt = select(BundleConflict).order_by(BundleConflict.detected_at.desc(),
                                           BundleConflict.id)
    if open_only:
        stmt = stmt.where(BundleConflict.resolution.is_(None))
    return list(session.scalars(stmt))


def count_open_conflicts(session: Session) -> int:
    return session.scalar(select(func.count(BundleConflict.id)).where(
        BundleConflict.resolution.is_(None))) or 0


class _Deleted:
    """The sender's side of a field whose record the sender deleted: shown as
    "(deleted)" in the user's language."""

    def __str__(self) -> str:
        return _("(deleted)")

    def __repr__(self) -> str:
        return "DELETED"


DELETED = _Deleted()


def conflict_differences(conflict: BundleConflict) -> list[tuple[str, Any, Any]]:
    """(column, mine, theirs) for every column the two versions disagree on, leaving out
    the bookkeeping columns."""
    from ..services.audit_labels import BOOKKEEPING_FIELDS

    mine, theirs = json.loads(conflict.mine), json.loads(conflict.theirs)
    if is_deletion(conflict):
        return [(k, v, DELETED) for k, v in sorted(mine.items())
                if k not in BOOKKEEPING_FIELDS and k not in ("id", "unit_id")
                and v not in (None, "")]
    return [(k, mine.get(k), theirs.get(k)) for k in sorted(set(mine) | set(theirs))
            if k not in BOOKKEEPING_FIELDS and mine.get(k) != theirs.get(k)]


def resolve_conflict(session: Session, conflict_id: str, resolution: str) -> BundleConflict:
    """Keep this copy, or take the sender's version; the other version stays in the
    conflict's record. Either way the sender's version counts as received."""
    _require(session)
    if resolution not in RESOLUTIONS:
        raise ValidationError.single("resolution", _("Choose keep mine or take theirs."))
    conflict = session.get(BundleConflict, conflict_id)
    if conflict is None:
        raise NotFoundError(_("The conflict no longer exists."))
    if conflict.resolution is not None:
        raise ValidationError.single("resolution", _("This conflict was already resolved."))
    table = TABLES[conflict.record_kind]
    if is_deletion(conflict):
        _resolve_deletion(session, conflict, table, resolution)
        return _resolved(session, conflict, resolution)
    theirs = json.loads(conflict.theirs)
    values = {k: _from_json(table.c[k], v) for k, v in theirs.items() if k in table.c}
    if resolution == TAKE_THEIRS:
        changes = {k: v for k, v in values.items() if k != "id"}
        if table.name == "reception_sessions":
            current: Mapping[Any, Any] = session.execute(select(table).where(
                table.c.id == conflict.record_id)).mappings().first() or {}
            changes["search_text"] = with_session_search_text({**current, **changes})[
                "search_text"]
        # an UPDATE's result is a CursorResult (SQLAlchemy types every result as Result)
        found = cast(CursorResult[Any], session.execute(
            update(table).where(table.c.id == conflict.record_id).values(changes)))
        if not found.rowcount:
            raise NotFoundError(_("The record of this conflict no longer exists."))
    remember(session, conflict.record_kind,
             [(conflict.record_id, values["version"], values["updated_at"])])
    return _resolved(session, conflict, resolution)


def _resolve_deletion(session: Session, conflict: BundleConflict, table: Table,
                      resolution: str) -> None:
    """Take theirs: delete the record (if still here). Keep mine: keep it, and forget it
    was received, so that the same deletion is not asked again."""
    if resolution == TAKE_THEIRS:
        row = session.execute(select(table).where(
            table.c.id == conflict.record_id)).mappings().first()
        if row is not None:
            owned = owned_rows(session, table, conflict.record_id)
            for child, child_row in owned:
                delete_records(session, child, [child_row])
            if referred_to(session, table, [conflict.record_id]):
                raise ValidationError.single("resolution", _(
                    "Other records here still refer to this record, so it cannot be "
                    "deleted; keep this copy or change those records first."))
            delete_records(session, table, [dict(row)])
            return
    btable = BundleRecord.__table__
    session.execute(delete(btable).where(btable.c.record_kind == conflict.record_kind,
                                         btable.c.record_id == conflict.record_id))


def _resolved(session: Session, conflict: BundleConflict, resolution: str) -> BundleConflict:
    user = current_user()
    conflict.resolution = resolution
    conflict.resolved_at = utcnow()
    conflict.resolved_by = user.username if user else ""
    session.flush()
    audit.record(session, "merge", conflict.record_kind, conflict.record_id, conflict.unit_id,
                 {"resolution": resolution, "sender": conflict.sender_code})
    return conflict


def resolution_label(resolution: str | None) -> str:
    if resolution == KEEP_MINE:
        return _("Kept this copy")
    if resolution == TAKE_THEIRS:
        return _("Took the sender's version")
    return _("Open")


__all__ = ["DELETED", "KEEP_MINE", "TAKE_THEIRS", "ImportResult", "KindCounts",
           "apply_import", "conflict_differences", "count_open_conflicts", "is_deletion",
           "kind_label", "list_conflicts", "preview_import", "resolution_label", "resolve_conflict"]


def deleted_message(count: int) -> str:
    """How many records the import deleted because the sender deleted them."""
    return ngettext("{count} record deleted at the sender was deleted here too.",
                    "{count} records deleted at the sender were deleted here too.",
                    count).format(count=format_number(count))
