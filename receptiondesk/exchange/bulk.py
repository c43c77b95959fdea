"""Writing an import in bulk: rows gathered per table, then one ``executemany`` each.

The importers check every row first, with the services' own checks and messages; what
the services would then write one record at a time (and flush after each change) is
computed here in memory instead — the same rows, history steps, due dates, search
texts, protections and audit entries — and written at the end through SQLAlchemy Core,
one statement per table and batch. The database's triggers keep the search index as they
do for a record written by a form.

The audit entries are those the services and the session listener would have written,
in the same shape: a ``create`` per record (the values as first written), an ``update``
per change the per-record path flushed, the ``transition`` of each step. They are
appended in one batch, chained as :mod:`..services.audit` chains every entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnDefault, Table, insert, select, tuple_
from sqlalchemy.orm import Session

from ..model import Citizen, ProtectedCitizen
from ..model.base import new_id, utcnow
from ..services import audit
from ..services.indexing import citizen_keys
from ..services.validation import clean, clean_id_number
from ..text import fold

#: rows per INSERT statement
BATCH = 2_000
#: rows and audit entries gathered before they are written (bounded memory)
PENDING = 50_000

#: the columns a record's ``create`` audit entry holds: those the session listener finds
#: loaded right after the record's first INSERT (the others are still unloaded defaults)
CREATE_KEYS: dict[str, tuple[str, ...]] = {
    "citizen": ("address", "birth_year", "full_name", "gender", "id", "id_number", "phone",
                "unit_id"),
    "petition": ("anonymous", "beyond_level", "complaint_round", "complexity", "content",
                 "decision_number", "field_code", "forwarded_from", "handled_to", "id",
                 "is_delegation", "long_running", "many_signers", "petition_type",
                 "received_date", "ref", "signers", "source_code", "status", "unit_id",
                 "visit_id"),
    "petitioner": ("address", "citizen_id", "full_name", "id", "id_number", "petition_id",
                   "phone", "seq", "unit_id"),
    "petition_event": ("event_date", "from_status", "id", "kind", "note", "official_id",
                       "petition_id", "recorded_at", "seq", "to_status", "unit_id"),
    "protected_citizen": ("citizen_id", "since"),
    "reception_session": ("end_time", "id", "kind", "locked", "mode", "notes", "place",
                          "presiding_name", "presiding_official_id", "recorder_official_id",
                          "ref", "session_date", "start_time", "unit_id"),
    "visit": ("citizen_id", "content", "direction", "field_code", "follow_up", "handling",
              "head_count", "id", "is_delegation", "locked", "notes", "petition_type",
              "previously_handled_by", "representatives", "seq", "session_id", "unit_id",
              "visit_date"),
    "visit_attendee": ("citizen_id", "id", "is_representative", "seq", "unit_id",
                       "visit_id"),
}


def defaults(table: Table) -> dict[str, Any]:
    """Every column of ``table`` with its scalar default (None where it has none)."""
    out: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        out[column.key] = (default.arg if isinstance(default, ColumnDefault) and default.is_scalar
                           else None)
        server = getattr(column.server_default, "arg", None)
        if default is None and isinstance(server, str):  # a text the database would give
            out[column.key] = server
    return out


class BulkWriter:
    """Rows to insert, per table, and the audit entries, written by :meth:`write`."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.now = utcnow()
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.tables: dict[str, Table] = {}
        self.order: list[str] = []
        self.audit: list[audit.Row] = []
        self._defaults: dict[str, dict[str, Any]] = {}

    def new(self, table: Table, kind: str, values: dict[str, Any], *,
            record_id: str | None = None, unit_id: str | None = None) -> dict[str, Any]:
        """A new row of ``table`` (defaults, a new id and times filled in), to be written;
        its ``create`` audit entry is appended now."""
        name = table.name
        if name not in self.tables:
            self.tables[name] = table
            self.order.append(name)
            self._defaults[name] = defaults(table)
        row = dict(self._defaults[name])
        if "id" in row:
            row["id"] = new_id()
        for key in ("created_at", "updated_at", "recorded_at", "since"):
            if key in row:
                row[key] = self.now
        if "version" in row:
            row["version"] = 1
        row.update(values)
        self.rows[name].append(row)
        self.created(kind, row, record_id=record_id, unit_id=unit_id)
        return row

    def created(self, kind: str, row: dict[str, Any], *, record_id: str | None = None,
                unit_id: str | None = None) -> None:
        detail = {k: row[k] for k in CREATE_KEYS[kind]}  # made JSON by audit's writer
        self.audit.append(("create", kind, record_id if record_id is not None else row["id"],
                           unit_id if unit_id is not None else row.get("unit_id"), detail))

    def changed(self, kind: str, row: dict[str, Any], before: dict[str, Any],
                keys: Iterable[str]) -> bool:
        """What one flush of the per-record path wrote of ``row`` since ``before`` (of
        ``keys``, the columns that may have changed): the version moves on when anything
        changed, and the audit gets the visible changes. ``before`` is brought up to
        date. Returns whether anything changed."""
        keys = [k for k in keys if before[k] != row[k]]
        if not keys:
            return False
        changes = {k: [audit._json_value(before.get(k)), audit._json_value(row[k])]
                   for k in keys if k not in audit.SKIPPED_FIELDS}
        row["version"] = row.get("version", 1) + 1
        for k in keys:
            before[k] = row[k]
        if changes:
            self.audit.append(("update", kind, row["id"], row.get("unit_id"), changes))
        return True

    def entry(self, action: str, kind: str, record_id: str, unit_id: str | None,
              detail: dict) -> None:
        self.audit.append((action, kind, record_id, unit_id, detail))

    @property
    def pending(self) -> int:
        """Rows and audit entries gathered and not written yet."""
        return sum(len(rows) for rows in self.rows.values()) + len(self.audit)

    def write(self, order: Iterable[str]) -> None:
        """Insert every row gathered, the tables in ``order`` (referenced tables first),
        then their audit entries in one chained batch, and forget them: an import writes
        a batch of rows at a time, so that its memory stays bounded (its SAVEPOINT still
        takes all of it back when a later row is refused)."""
        from ..services.sealed_fields import seal_rows

        seal_rows(self.session, self.rows, self.audit)  # protected values, when keys exist
        conn = self.session.connection()
        for name in order:
            rows = self.rows.pop(name, None)
            if not rows:
                continue
            table = self.tables[name]
            for i in range(0, len(rows), BATCH):
                conn.execute(insert(table), rows[i:i + BATCH])
        assert not any(self.rows.values()), "a table missing from the write order"
        if self.audit:
            audit.record_many(self.session, self.audit)
        self.audit = []


# --- citizens -------------------------------------------------------------------------


class Citizens:
    """Finds the same person as :func:`services.citizens.same_person` does — by ID number,
    or by folded name and address — among the citizens of the database and those the
    import creates, and creates the others, in bulk."""

    def __init__(self, session: Session, writer: BulkWriter) -> None:
        self.session = session
        self.writer = writer
        self.by_id_number: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.by_name: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        self.protected: set[str] = set()
        #: full names of the citizens found or made (a visit's search text holds them)
        self.names: dict[str, str] = {}

    def preload(self, people: Iterable[tuple[str, str, str | None]]) -> None:
        """Read once the citizens any of ``people`` (name, address, ID number) may be."""
        ids, pairs = set(), set()
        for full_name, address, id_number in people:
            number = clean_id_number(id_number)
            if number:
                ids.add(number)
            name_key, address_key = fold(full_name), fold(address)
            if name_key and address_key:
                pairs.add((name_key, address_key))
        t = Citizen.__table__
        cols = (t.c.id, t.c.unit_id, t.c.id_number, t.c.name_key, t.c.address_key,
                t.c.full_name)
        found: dict[str, tuple] = {}
        for column, values in ((t.c.id_number, sorted(ids)),
                               (tuple_(t.c.name_key, t.c.address_key), sorted(pairs))):
            for i in range(0, len(values), 400):
                for row in self.session.execute(select(*cols).where(
                        column.in_(values[i:i + 400]), t.c.merged_into_id.is_(None))
                        .order_by(t.c.created_at, t.c.id)):
                    found.setdefault(row.id, tuple(row))
        for cid, unit_id, id_number, name_key, address_key, full_name in found.values():
            self._index(cid, unit_id, id_number, name_key, address_key)
            self.names[cid] = full_name
        if found:
            p = ProtectedCitizen.__table__
            ids_list = sorted(found)
            for i in range(0, len(ids_list), 500):
                self.protected.update(self.session.scalars(select(p.c.citizen_id).where(
                    p.c.citizen_id.in_(ids_list[i:i + 500]))))

    def _index(self, cid: str, unit_id: str, id_number: str | None, name_key: str,
               address_key: str) -> None:
        if id_number:
            self.by_id_number[id_number].append((cid, unit_id))
        if name_key and address_key:
            self.by_name[(name_key, address_key)].append((cid, unit_id))

    def find(self, unit_id: str, data: Any) -> str | None:
        """The id of the citizen ``data`` (a ``CitizenInput``) is, if known: one of the
        unit's first, as ``services.citizens.same_person`` and the per-row importer chose."""
        number = clean_id_number(data.id_number)
        name_key, address_key = fold(data.full_name), fold(data.address)
        found: list[tuple[str, str]] = []
        if number:
            found += self.by_id_number.get(number, [])
        if name_key and address_key:
            found += [c for c in self.by_name.get((name_key, address_key), [])
                      if c not in found]
        if not found:
            return None
        same_unit = [c for c in found if c[1] == unit_id]
        return (same_unit or found)[0][0]

    def create(self, unit_id: str, data: Any) -> str:
        full_name, address = clean(data.full_name), clean(data.address)
        number, phone = clean_id_number(data.id_number), clean(data.phone)
        values = {"unit_id": unit_id, "full_name": full_name,
                  "birth_year": data.birth_year, "gender": data.gender or None,
                  "id_number": number, "address": address, "phone": phone,
                  **citizen_keys(full_name, address, number, phone)}
        row = self.writer.new(Citizen.__table__, "citizen", values)
        self._index(row["id"], unit_id, number, row["name_key"], row["address_key"])
        self.names[row["id"]] = full_name
        return row["id"]

    def protect(self, citizen_ids: Iterable[str]) -> None:
        """Protect these citizens (denouncers), those not protected already."""
        for cid in sorted({c for c in citizen_ids if c} - self.protected):
            self.protected.add(cid)
            self.writer.new(ProtectedCitizen.__table__, "protected_citizen",
                            {"citizen_id": cid}, record_id=cid, unit_id=None)
