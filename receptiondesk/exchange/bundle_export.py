"""What a commune's bundle holds, and how a denouncer's identity is taken out of it.

The bundle holds the home unit's records (the unit and the units below it) changed since
the last bundle (``office_keys.last_export_at``) or since a given day, and every record
they refer to (the session of a visit, the citizen of a petitioner, ...), so that the
upper level can import it into a database that never saw the earlier bundles. Binary
attachments stay home; minutes travel as metadata (number, state, dates), without text.

**Denouncers never leave** (DESIGN §4): protected citizens, the petitioners of
denunciations and the representatives of visits that brought one are written with
their name as ``***`` and no ID number, address, phone, birth year or gender; the
search text of those records is rebuilt without them.

Rows are streamed a page at a time from the database straight into the zip: only the
ids of the records written are kept, to add what they refer to.

**Deletions travel too**: the ``deletions`` part lists ``{table, id, version,
deleted_at}`` for every record of a bundle table deleted in the home unit (or below)
since ``since``, taken from the audit log's "delete" entries (the log is append-only, so
nothing deleted is missed). Bundles made before this part existed simply lack it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Table,
    Text,
    Time,
    select,
    type_coerce,
    union,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from ..i18n import _
from ..model import (
    AuditEntry,
    Base,
    Citizen,
    ConcludingNotice,
    DeadlineExtension,
    Field,
    Inspection,
    Minutes,
    Official,
    Petition,
    Petitioner,
    PetitionEvent,
    ProtectedCitizen,
    ReceptionSession,
    SourceEntry,
    Unit,
    Visit,
    VisitAttendee,
    WorkingMeeting,
)
from ..model.base import mapped_table, utcnow
from ..model.codes import PetitionType
from ..services import audit, protection, sealed_fields, sealing
from ..services.accounts import permits
from ..services.errors import ServiceError
from ..services.indexing import (
    citizen_keys,
    petition_search_text,
    visit_search_text,
    with_session_search_text,
)
from ..services.office_keys import own_key, signer
from ..services.units import home_unit, unit_and_descendants
from ..text import fold
from .bundle import FORMAT, FORMAT_VERSION, BundleWriter
from .importer import REDACTED

PAGE = 1000
IN_CHUNK = 500
DENUNCIATION = PetitionType.DENUNCIATION.value

#: the record tables of a bundle, parents before children (the import order)
RECORD_TABLES: tuple[Table, ...] = tuple(m.__table__ for m in (
    Official, Citizen, ReceptionSession, Visit, VisitAttendee, Petition, Petitioner,
    PetitionEvent, DeadlineExtension, WorkingMeeting, ConcludingNotice, Inspection, Minutes,
))
#: columns that refer to a record of another (or the same) bundle table
REFERENCES: dict[str, dict[str, str]] = {
    "citizens": {"merged_into_id": "citizens"},
    "reception_sessions": {"presiding_official_id": "officials",
                           "recorder_official_id": "officials"},
    "visits": {"session_id": "reception_sessions", "citizen_id": "citizens"},
    "visit_attendees": {"visit_id": "visits", "citizen_id": "citizens"},
    "petitions": {"visit_id": "visits", "assigned_official_id": "officials",
                  "duplicate_of_id": "petitions"},
    "petitioners": {"petition_id": "petitions", "citizen_id": "citizens"},
    "petition_events": {"petition_id": "petitions", "official_id": "officials"},
    "deadline_extensions": {"petition_id": "petitions", "official_id": "officials"},
    "working_meetings": {"chaired_by_id": "officials"},
    "concluding_notices": {"meeting_id": "working_meetings",
                           "session_id": "reception_sessions", "signed_by_id": "officials"},
    "minutes": {"addendum_of_id": "minutes"},
}
#: a column that refers to its own table: set after every row of the table is in
SELF_REFERENCES = {t: col for t, refs in REFERENCES.items() for col, target in refs.items()
                   if target == t}
#: columns that stay home
WITHHELD = {"minutes": {"text": "", "signed_copy_id": None}}
#: the part listing the records deleted at the sender (tombstones)
DELETIONS = "deletions"
DELETION_COLUMNS = ["table", "id", "version", "deleted_at"]
UNIT_COLUMNS = ("id", "code", "name", "level", "kind", "parent_id", "parent_body_name",
                "place_name", "remote_area", "national_code", "dissolved_on", "created_at",
                "updated_at", "version")

Progress = Callable[[int, str], object]


class BundleExportError(ServiceError):
    """A bundle cannot be made (no home unit, nothing to sign for)."""


@dataclass
class ExportResult:
    path: Path
    sender_code: str
    fingerprint: str
    since: datetime | None
    counts: dict[str, int]
    size: int
    #: False for a copy by a role that does not send bundles (the mark stays)
    sent: bool = True

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def export_bundle(session: Session, path: str | Path, since: date | datetime | None = None,
                  *, progress: Progress | None = None) -> ExportResult:
    """Write the home unit's bundle to ``path``: records changed since ``since`` (a day,
    counted from its start in UTC), else since the last bundle, else every record.
    The office key is made on the first export. The time of this export is remembered
    (in the same transaction) only once the file is complete. Permission and the audit
    are the door's (``services.outputs``): this only writes."""
    home = home_unit(session)
    if home is None:
        raise BundleExportError(_("This database has no home unit: set the office first "
                                  "(Settings)."))
    key = own_key(session, home)
    assert key is not None
    signing = signer(key)  # before writing: a role without the signing key is told at once
    started = utcnow()
    if isinstance(since, date) and not isinstance(since, datetime):
        since = datetime.combine(since, time())
    previous = key.last_export_at
    if since is None:
        since = previous
    # A bundle that covers less than "since the last one" does not move the mark: what
    # lies between would otherwise never be sent by default. Nor does a copy made by a
    # role that does not send bundles (a clerk's, an inspector's): the office head's
    # next bundle must still hold everything changed since the last one really sent.
    sends = permits(session, "bundles.send")
    moves_mark = sends and (since is None or (previous is not None and since <= previous))
    unit_ids = unit_and_descendants(session, home.id)
    writer = BundleWriter(path)
    try:
        counts = _write_parts(session, writer, unit_ids, since, progress)
        parent = session.get(Unit, home.parent_id) if home.parent_id else None
        manifest = _manifest(home, parent, key.public_key, key.fingerprint, since, started,
                             writer.parts)
        manifest["audit"] = audit.chain_anchors(session)
        writer.finish(manifest, signing)
    except BaseException:
        writer.abort()
        raise
    if moves_mark:
        key.last_export_at = started
    audit.remember_exported_head(session, manifest["audit"]["head"])
    session.flush()
    return ExportResult(Path(path), home.code, key.fingerprint, since, counts,
                        Path(path).stat().st_size, sends)


def _manifest(home: Unit, parent: Unit | None, public_key: str, fp: str,
              since: datetime | None, started: datetime, parts: list[dict]) -> dict[str, Any]:
    from .. import __version__

    def unit_info(u: Unit) -> dict[str, Any]:
        return {"id": u.id, "code": u.code, "name": u.name, "level": u.level, "kind": u.kind}

    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": __version__,
        "created_at": started.isoformat(), "since": since.isoformat() if since else None,
        "sender": {**unit_info(home), "parent": unit_info(parent) if parent else None},
        "public_key": public_key, "fingerprint": fp, "parts": parts,
    }


# --- the parts ----------------------------------------------------------------------------


class _Redactor:
    """Knows which records carry a denouncer's identity: denunciations and the visits
    that were or brought one, and every record naming a protected citizen (who may also
    have come about something else)."""

    def __init__(self, session: Session) -> None:
        # the bundle leaves the office: protected people are blotted out whoever exports
        self.shield = protection.shield(session, cleared=False)
        self.texts = {t.name: [c.name for c in t.columns if isinstance(c.type, Text)]
                      for t in RECORD_TABLES}
        protected = select(ProtectedCitizen.citizen_id)
        self.citizens = set(session.scalars(protected))
        self.petitions = set(session.scalars(union(
            select(Petition.id).where(Petition.petition_type == DENUNCIATION),
            select(Petitioner.petition_id).where(Petitioner.citizen_id.in_(protected)))))
        self.visits = set(session.scalars(union(
            select(Visit.id).where(Visit.petition_type == DENUNCIATION),
            select(Petition.visit_id).where(Petition.petition_type == DENUNCIATION,
                                            Petition.visit_id.is_not(None)),
            select(Visit.id).where(Visit.citizen_id.in_(protected)),
            select(VisitAttendee.visit_id).where(VisitAttendee.citizen_id.in_(protected)))))

    def __call__(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        # Sealed values (services.sealed_fields) do not travel sealed: the upper level has
        # its own keys and could not open them. A protected identity leaves blotted (below,
        # as before sealing); a denunciation's text is opened and blotted when the exporting
        # process is cleared, and leaves as "***" when it is not. The keyed hashes are this
        # office's own and stay home.
        for column, value in row.items():
            if sealing.is_sealed(value):
                row[column] = sealed_fields.open_value_or(table, column, value, REDACTED)
        if "seal_marks" in row:
            row.update(id_hash=None, seal_marks="")
        if table in ("citizens", "petitioners") and self.shield.names_protected(
                row.get("full_name"), row.get("id_number"), row.get("phone")):
            # a protected person's other records (an ordinary complaint) by their name
            (self.citizens if table == "citizens" else self.petitions).add(
                row["id"] if table == "citizens" else row["petition_id"])
        if table == "citizens" and row["id"] in self.citizens:
            row.update(full_name=REDACTED, id_number=None, address="", phone="",
                       birth_year=None, gender=None, **citizen_keys(REDACTED, "", None, ""))
            row["search_text"] = ""
        elif table == "petitioners" and (row["petition_id"] in self.petitions
                                         or row["citizen_id"] in self.citizens):
            row.update(full_name=REDACTED, id_number=None, address="", phone="",
                       name_key=fold(REDACTED))
        elif table == "visits" and row["id"] in self.visits:
            if row.get("representatives"):
                row["representatives"] = REDACTED
            row["search_text"] = visit_search_text(row.get("content") or "", [])
        elif table == "petitions" and row["id"] in self.petitions:
            row["search_text"] = petition_search_text(
                row.get("ref") or "", row.get("content") or "", [], denunciation=True)
        for column, value in WITHHELD.get(table, {}).items():
            row[column] = value
        blotted = False
        for column in self.texts.get(table, ()):  # a denouncer named in any free text
            value = row.get(column)
            if isinstance(value, str) and column != "search_text":
                row[column] = self.shield.text(value)
                blotted |= row[column] != value
        if blotted and isinstance(row.get("search_text"), str):
            # the index holds the text folded: blotted too (only then, for the index also
            # holds the record's own people, whose namesakes may be protected)
            row["search_text"] = self.shield.text(row["search_text"])
        if table == "reception_sessions":
            with_session_search_text(row)  # from the text as it leaves (blotted)
        return row


def _write_parts(session: Session, writer: BundleWriter, unit_ids: list[str],
                 since: datetime | None, progress: Progress | None) -> dict[str, int]:
    redact = _Redactor(session)
    needed: dict[str, set[str]] = {t.name: set() for t in RECORD_TABLES}
    counts: dict[str, int] = {}
    # Children first: what they refer to is then known when their parents are written.
    for table in reversed(RECORD_TABLES):
        part = writer.part(table.name, [c.name for c in table.columns])
        written: set[str] = set()
        refs = REFERENCES.get(table.name, {})
        for row in _rows(session, table, unit_ids, since, needed[table.name], written):
            record = redact(table.name, row)
            part.write(record)
            for column, target in refs.items():
                value = record.get(column)
                if value and value not in written:
                    needed[target].add(value)
            if progress is not None and part.records % PAGE == 0:
                progress(part.records, table.name)
        writer.parts.append(part.close())
        counts[table.name] = part.records
    counts["units"] = _write_units(session, writer, unit_ids)
    counts[DELETIONS] = _write_deletions(session, writer, unit_ids, since)
    _write_lookups(session, writer)
    _write_protected(writer, redact.citizens)
    return counts


def _rows(session: Session, table: Table, unit_ids: list[str], since: datetime | None,
          needed: set[str], written: set[str]) -> Iterator[dict[str, Any]]:
    """The table's changed rows, then those other records refer to (repeated for a table
    that refers to itself), each once."""
    reader = _Reader(session, table)
    conds: list[ColumnElement[bool]] = [table.c.unit_id.in_(unit_ids)]
    if since is not None:
        conds.append(table.c.updated_at >= since)
    yield from reader.stream(reader.select.where(*conds).order_by(table.c.id), written)
    while True:
        missing = sorted(needed - written)
        needed.difference_update(written)
        if not missing:
            return
        for chunk in _chunks(missing):
            yield from reader.stream(reader.select.where(table.c.id.in_(chunk)), written)
        needed.difference_update(missing)  # ids that do not exist are not looked for again


_RAW = NullType()  # a column read as the database gives it
#: read rows as SQLite keeps them and turn them into their JSON values here (see _Reader)
FAST_SQLITE = True


def _iso_datetime(value: Any) -> Any:
    """A date-time as the bundle writes it (``datetime.isoformat()``), from the text
    SQLite keeps ("YYYY-MM-DD HH:MM:SS.ffffff", as SQLAlchemy writes it) without making a
    datetime; any other text the way SQLAlchemy would read it."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            return value[:10] + "T" + (value[11:19] if value.endswith(".000000")
                                       else value[11:])
        return datetime.fromisoformat(value).isoformat()
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        return value if len(value) == 10 else date.fromisoformat(value).isoformat()
    return value


def _iso_time(value: Any) -> Any:
    return time.fromisoformat(value).isoformat() if isinstance(value, str) else value


def _boolean(value: Any) -> Any:
    return bool(value) if isinstance(value, int) else value


class _Reader:
    """A table's rows as dicts of plain values, streamed a page at a time.

    On SQLite the date-times, dates, times and booleans are read as SQLite keeps them
    (text, integers) and turned into the very values the bundle writes for them
    (ISO text, true/false) here, rather than into Python objects first; elsewhere
    SQLAlchemy's types read them and the writer turns them into ISO text."""

    def __init__(self, session: Session, table: Table) -> None:
        self.s = session
        self.keys = [c.name for c in table.columns]
        self.convert: list[tuple[str, Callable[[Any], Any]]] = []
        columns: list[Any] = list(table.columns)
        if FAST_SQLITE and session.get_bind().dialect.name == "sqlite":
            for i, column in enumerate(table.columns):
                kind = column.type
                fix = (_iso_datetime if isinstance(kind, DateTime) else
                       _iso_date if isinstance(kind, Date) else
                       _iso_time if isinstance(kind, Time) else
                       _boolean if isinstance(kind, Boolean) else None)
                if fix is not None:
                    columns[i] = type_coerce(column, _RAW).label(column.name)
                    self.convert.append((column.name, fix))
        self.select = select(*columns)

    def stream(self, stmt, written: set[str]) -> Iterator[dict[str, Any]]:
        result = self.s.execute(stmt.execution_options(yield_per=PAGE))
        keys, convert = self.keys, self.convert
        try:
            for raw in result:
                row = dict(zip(keys, raw, strict=True))
                rid = row["id"]
                if rid in written:
                    continue
                written.add(rid)
                for key, fix in convert:
                    if (value := row[key]) is not None:
                        row[key] = fix(value)
                yield row
        finally:
            result.close()


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), IN_CHUNK):
        yield ids[i:i + IN_CHUNK]


def _write_units(session: Session, writer: BundleWriter, unit_ids: list[str]) -> int:
    table = Unit.__table__
    part = writer.part("units", list(UNIT_COLUMNS))
    for chunk in _chunks(unit_ids):
        for row in session.execute(select(*(table.c[c] for c in UNIT_COLUMNS)).where(
                table.c.id.in_(chunk))).mappings():
            part.write(dict(row))
    writer.parts.append(part.close())
    return part.records


def _write_lookups(session: Session, writer: BundleWriter) -> None:
    """The fields and sources the records name (an office may have added its own)."""
    for model in (Field, SourceEntry):
        table = model.__table__
        part = writer.part(table.name, [c.name for c in table.columns])
        for row in session.execute(select(table).order_by(table.c.code)).mappings():
            part.write(dict(row))
        writer.parts.append(part.close())


def _write_protected(writer: BundleWriter, protected: set[str]) -> None:
    """Which citizens are protected (ids only), so the upper level hides them too."""
    part = writer.part("protected_citizens", ["citizen_id"])
    for cid in sorted(protected):
        part.write({"citizen_id": cid})
    writer.parts.append(part.close())


# --- deletions ----------------------------------------------------------------------------

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def record_kinds() -> dict[str, str]:
    """The audit log's record kind (the class name in snake case, as the audit listener
    writes it) → the bundle table, for every bundle table."""
    names = {t.name for t in RECORD_TABLES}
    return {_CAMEL.sub("_", m.class_.__name__).lower(): mapped_table(m).name
            for m in Base.registry.mappers if mapped_table(m).name in names}


def deleted_records(session: Session, unit_ids: list[str], since: datetime | None
                    ) -> list[dict[str, Any]]:
    """The records of the units deleted since ``since`` (None: ever), once each, that do
    not exist (any more) here."""
    kinds = record_kinds()
    units = set(unit_ids)
    stmt = select(AuditEntry.record_kind, AuditEntry.record_id, AuditEntry.unit_id,
                  AuditEntry.detail, AuditEntry.at).where(
        AuditEntry.action == "delete", AuditEntry.record_kind.in_(list(kinds)))
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, record_id, unit_id, detail, at in session.execute(stmt.order_by(AuditEntry.seq)):
        if unit_id not in units or not record_id:
            continue
        table = kinds[kind]
        found[(table, record_id)] = {"table": table, "id": record_id,
                                     "version": _version(detail), "deleted_at": at}
    absent = {t.name: _absent(session, t, [i for name, i in found if name == t.name])
              for t in RECORD_TABLES}
    return [rec for rec in found.values() if rec["id"] in absent[rec["table"]]]


def _version(detail: str) -> int | None:
    """The version the record had when deleted, when the log entry names it."""
    try:
        value = json.loads(detail or "{}").get("version")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _absent(session: Session, table: Table, ids: list[str]) -> set[str]:
    """The ids not in the table (a record that exists again, e.g. after a restore, is
    not a deletion)."""
    present: set[str] = set()
    for chunk in _chunks(sorted(ids)):
        present.update(session.scalars(select(table.c.id).where(table.c.id.in_(chunk))))
    return set(ids) - present


def _write_deletions(session: Session, writer: BundleWriter, unit_ids: list[str],
                     since: datetime | None) -> int:
    part = writer.part(DELETIONS, list(DELETION_COLUMNS))
    for rec in deleted_records(session, unit_ids, since):
        part.write(rec)
    writer.parts.append(part.close())
    return part.records
