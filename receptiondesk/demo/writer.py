"""How the demo writes: ids in a UUIDv7-like layout, values in the forms the database
stores, rows buffered and inserted in batches, the search-index triggers, and the SQLite
settings of a bulk load."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from datetime import time as dtime

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from ..model import (
    Citizen,
    ConcludingNotice,
    DeadlineExtension,
    Inspection,
    Official,
    Petition,
    Petitioner,
    PetitionEvent,
    ReceptionSession,
    Unit,
    Visit,
    VisitAttendee,
    WorkingMeeting,
)
from .records import _BATCH

# =============================================================================
# Storage helpers
# =============================================================================

# UUIDv7 layout: 48-bit "time" (here a sequence), version 7, 12 random bits, variant
# 0b10, 62 random bits.
_UUID7 = (7 << 76) | (2 << 62)
_LOW62 = (1 << 62) - 1
_HIGH12 = ((1 << 74) - 1) ^ _LOW62

_HHMM = tuple(f" {m // 60:02d}:{m % 60:02d}:00.000000" for m in range(24 * 60))


class _IsoDates(dict):
    def __missing__(self, day: date) -> str:
        value = self[day] = day.isoformat()
        return value


class _Values:
    """Dates, times and timestamps as stored: SQLAlchemy's SQLite text forms, or objects."""

    def __init__(self, sqlite: bool) -> None:
        if sqlite:
            iso = _IsoDates()
            self.d: Callable = lambda day: None if day is None else iso[day]
            self.ts: Callable = lambda day, minute: iso[day] + _HHMM[minute]
            self.t: Callable = lambda minute: _HHMM[minute][1:]
        else:
            self.d = lambda day: day
            self.ts = lambda day, minute: datetime(day.year, day.month, day.day,
                                                   minute // 60, minute % 60)
            self.t = lambda minute: dtime(minute // 60, minute % 60)


class _Writer:
    """Buffers rows (tuples in a fixed column order) and writes them in batches."""

    def __init__(self, conn: Connection, sqlite: bool) -> None:
        self.conn = conn
        self.sqlite = sqlite
        self.counts: dict[str, int] = {}
        self._buffers: dict[str, list[tuple]] = {}
        self._specs: dict[str, tuple] = {}

    def register(self, model, columns: Sequence[str]) -> None:
        table = model.__table__
        names = {c.name for c in table.columns}
        # the keyed hashes of sealed identities are left to their defaults: the demo is
        # written before the database has keys (sealed_fields.seal_existing seals it)
        names -= {"id_hash", "seal_marks"} - set(columns)
        if names != set(columns) or len(columns) != len(names):
            raise AssertionError(f"{table.name}: the demo's columns differ from the model's")
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            table.name, ", ".join(columns), ", ".join("?" * len(columns))
        )
        self._specs[table.name] = (table, tuple(columns), sql)
        self._buffers[table.name] = []
        self.counts[table.name] = 0

    def add(self, table: str, row: tuple) -> None:
        self._buffers[table].append(row)

    def rows(self, table: str) -> list[tuple]:
        """The table's buffer, to append to directly. Rows are written at :meth:`flush_all`,
        called where every row a record refers to is complete (a petition's events are made
        before the petition's own row, so a buffer written as soon as it is full could write
        them first, which PostgreSQL refuses)."""
        return self._buffers[table]

    def flush(self, table: str) -> None:
        """Write the table's buffer, after the buffers of every table it may refer to
        (``_TABLE_ORDER``): PostgreSQL checks each foreign key as the row goes in."""
        for parent in _TABLE_ORDER[:_TABLE_ORDER.index(table)]:
            self._write(parent)
        self._write(table)

    def _write(self, table: str) -> None:
        rows = self._buffers.get(table)
        if not rows:
            return
        tbl, columns, sql = self._specs[table]
        for start in range(0, len(rows), _BATCH):
            batch = rows[start:start + _BATCH]
            if self.sqlite:
                self.conn.exec_driver_sql(sql, batch)
            else:
                self.conn.execute(insert(tbl), [dict(zip(columns, r, strict=True))
                                                for r in batch])
        self.counts[table] += len(rows)
        rows.clear()

    def flush_all(self) -> None:
        for table in _TABLE_ORDER:
            self._write(table)


# Column orders of the rows built below (every column of each table).
_REC = ("id", "created_at", "updated_at", "version")
_OWN = (*_REC, "unit_id")
_COLUMNS: dict[type, tuple[str, ...]] = {
    Unit: (*_REC, "code", "name", "level", "kind", "parent_id", "parent_body_name",
           "place_name", "remote_area", "national_code", "dissolved_on", "is_home",
           "successor_id", "former_parent_id", "parent_since"),
    Official: (*_OWN, "full_name", "position", "duty_role", "active", "sort_key"),
    Citizen: (*_OWN, "full_name", "birth_year", "gender", "id_number", "address", "phone",
              "name_key", "address_key", "sort_key", "search_text", "merged_into_id"),
    ReceptionSession: (*_OWN, "ref", "session_date", "start_time", "end_time", "place", "kind",
                       "mode", "presiding_official_id", "presiding_name",
                       "recorder_official_id", "notes", "locked", "search_text"),
    Visit: (*_OWN, "session_id", "seq", "visit_date", "citizen_id", "head_count",
            "is_delegation", "representatives", "content", "field_code", "petition_type",
            "previously_handled_by", "handling", "direction", "follow_up", "notes",
            "search_text", "locked"),
    VisitAttendee: (*_OWN, "visit_id", "citizen_id", "seq", "is_representative"),
    Petition: (*_OWN, "ref", "received_date", "source_code", "petition_type", "field_code",
               "content", "visit_id", "forwarded_from", "signers", "eligible",
               "within_competence", "anonymous", "party_matter", "duplicate_of_id",
               "many_signers",
               "beyond_level", "long_running", "is_delegation", "complexity",
               "complaint_round", "status", "handling", "handling_date", "handled_to",
               "accepted_date", "assigned_official_id", "result", "result_date",
               "decision_number", "decision_date", "closed_date", "next_due_date",
               "next_due_key", "search_text"),
    Petitioner: (*_OWN, "petition_id", "citizen_id", "seq", "full_name", "id_number",
                 "address", "phone", "name_key"),
    PetitionEvent: (*_OWN, "petition_id", "seq", "kind", "event_date", "from_status",
                    "to_status", "official_id", "note", "recorded_at"),
    DeadlineExtension: (*_OWN, "petition_id", "deadline_key", "decided_on", "days", "reason",
                        "decision_number", "official_id"),
    WorkingMeeting: (*_OWN, "ref", "meeting_date", "kind", "chaired_by_id", "chaired_by_name",
                     "place", "participants", "content", "conclusions", "locked"),
    ConcludingNotice: (*_OWN, "number", "issued_on", "meeting_id", "session_id", "content",
                       "signed_by_id"),
    Inspection: (*_OWN, "ref", "inspection_date", "body", "kind", "organisations",
                 "organisation_count", "members", "member_count", "content", "findings",
                 "violations_found", "conclusions"),
}

# The search index of migration 0001: records reach it through these INSERT triggers.
_SEARCHED = (("citizens", "citizen"), ("visits", "visit"), ("petitions", "petition"),
             ("reception_sessions", "session"))
_INSERT_TRIGGERS = tuple(f"{t}_search_insert" for t, _k in _SEARCHED)


_TABLE_ORDER = ("units", "officials", "citizens", "reception_sessions", "visits",
                "visit_attendees", "petitions", "petitioners", "petition_events",
                "deadline_extensions", "working_meetings", "concluding_notices", "inspections")


class _LoadPragmas:
    """SQLite settings for a bulk load, set on the driver connection outside any transaction.

    (SQLite refuses to change them inside one, and SQLAlchemy opens one with the first
    statement.) A rollback journal instead of WAL spares writing everything twice; no
    fsync; foreign keys unchecked (``PRAGMA foreign_key_check`` is clean afterwards);
    a 512 MB page cache. :meth:`restore` puts every setting back.
    """

    SETTINGS = (("foreign_keys", "OFF"), ("synchronous", "OFF"), ("cache_size", "-524288"),
                ("temp_store", "MEMORY"))

    def __init__(self, conn: Connection) -> None:
        self.raw = conn.connection.dbapi_connection
        self.saved: list[tuple[str, object]] = []
        self.was_wal = False
        if getattr(self.raw, "in_transaction", False):
            return  # cannot tune now; the load still works, only slower
        for name, value in self.SETTINGS:
            self.saved.append((name, self.get(name)))
            self.set(name, value)
        if str(self.get("journal_mode")).lower() == "wal":
            try:
                self.was_wal = str(self.set("journal_mode", "DELETE")).lower() == "delete"
            except Exception:  # noqa: BLE001 - another connection uses the file: keep WAL
                self.was_wal = False

    def get(self, name: str) -> object:
        return self.set(name, None)

    def set(self, name: str, value: object) -> object:
        cur = self.raw.cursor()
        try:
            cur.execute(f"PRAGMA {name}" + ("" if value is None else f" = {value}"))
            row = cur.fetchone()
        finally:
            cur.close()
        return row[0] if row else None

    def restore(self) -> None:
        if getattr(self.raw, "in_transaction", False):
            return
        for name, value in self.saved:
            self.set(name, value)
        if self.was_wal:
            self.set("journal_mode", "WAL")
