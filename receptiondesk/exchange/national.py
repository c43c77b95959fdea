"""The export for the national complaints database (issue 7): one record per petition.

For the petitions of a unit (and the units below it) received in a period, each record
carries the petition's handling and result coded with the national database's code lists
(unit, source, type, field, competence, handling direction, result) — the office's
mapping in :mod:`receptiondesk.services.national_codes` — beside the labels a person
reads. XLSX has one header row; JSON is ``{"header": {...}, "records": [...]}``.

Rows stream from the database a page at a time (``yield_per``), so a province's hundreds
of thousands of petitions export in constant memory; JSON records go to a side file and
are copied behind the header once their number is known.

A value with no national code stops the export before anything is written
(:class:`UnmappedCodesError`, naming each list and value), unless ``allow_unmapped``: then
the code is left blank and the records concerned are counted in the summary.

Identities (DESIGN §4). The file leaves the office, so it is decided conservatively, for
every user, cleared or not: no address or phone of anyone; the first petitioner's name and
ID number only when the petition is neither a denunciation nor of mixed content (which may
hold one), is not anonymous, and the person is not a protected citizen (one who has
denounced). Otherwise both are blank, ``identity_withheld`` is yes, and the petitioners'
names, ID numbers, addresses and phones are blotted out of the content summary as well
(a letter often begins "I, Nguyễn Văn A, living at …").
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from ..i18n import _, format_number, ngettext
from ..model import Petition, Petitioner, ProtectedCitizen
from ..model.codes import OPEN_STATUSES, Handling, PetitionType, Result, Status, label
from ..services import national_codes, protection
from ..services.errors import FieldError, ServiceError
from ..services.national_codes import COMPETENT, NOT_COMPETENT
from ..services.protection import Shield
from ..services.units import get_unit, home_unit, unit_and_descendants
from .exporter import ExportCancelled, ExportError, written_whole
from .tables import json_value
from .xlsx_stream import StreamSheet

#: rows fetched from the database at a time
PAGE_SIZE = 500
#: the content is cut to this many characters: a summary, not the whole letter
SUMMARY_LENGTH = 1000
FORMATS = (".xlsx", ".json")

#: the record's columns, in order: national codes (``*_code``) beside their labels
COLUMNS: tuple[str, ...] = (
    "record_id", "ref", "unit_code", "unit", "received_date", "source_code", "source",
    "type_code", "type", "field_code", "field", "competence_code", "competence",
    "handling_code", "handling", "handling_date", "handled_to", "status_code", "status",
    "result_code", "result", "result_date", "decision_number", "deadline", "overdue",
    "petitioners", "signers", "petitioner_name", "petitioner_id_number",
    "identity_withheld", "content_summary",
)
#: written as numbers in XLSX
NUMBER_COLUMNS = frozenset({"petitioners", "signers"})
#: which record column holds each code list's national code
CODE_COLUMN = {"unit": "unit_code", "source": "source_code", "type": "type_code",
               "field": "field_code", "competence": "competence_code",
               "handling": "handling_code", "result": "result_code"}

#: petitions whose people are never named in the file (see the module's note)
WITHHELD_TYPES = frozenset({PetitionType.DENUNCIATION.value, PetitionType.MIXED.value})
_COMPETENT_STATUSES = frozenset({Status.ACCEPTED, Status.IN_RESOLUTION, Status.RESOLVED})
_NOT_COMPETENT_STATUSES = frozenset({Status.GUIDED, Status.FORWARDED})
_NOT_COMPETENT_HANDLING = frozenset({Handling.GUIDE, Handling.FORWARD, Handling.URGE})

Progress = Callable[[int, int], object]


# --- what could not be mapped ------------------------------------------------------------


@dataclass(frozen=True)
class Unmapped:
    """A value used by the exported petitions that has no national code."""

    code_list: str
    code: str  # a unit's code for units
    name: str
    petitions: int

    def message(self) -> str:
        return ngettext(
            "{table}: \u201c{name}\u201d ({code}) has no national code ({count} petition).",
            "{table}: \u201c{name}\u201d ({code}) has no national code ({count} petitions).",
            self.petitions,
        ).format(table=national_codes.list_title(self.code_list), name=self.name,
                 code=self.code, count=format_number(self.petitions))


class UnmappedCodesError(ServiceError):
    """Some values have no national code; nothing was written."""

    def __init__(self, unmapped: list[Unmapped]) -> None:
        self.unmapped = unmapped
        self.errors = [FieldError(u.code_list, u.message()) for u in unmapped]
        super().__init__(ngettext(
            "{count} value has no national code; give it one in Settings \u25b8 National "
            "codes, or export anyway leaving it blank.",
            "{count} values have no national code; give them one in Settings \u25b8 "
            "National codes, or export anyway leaving them blank.",
            len(unmapped)).format(count=len(unmapped)))


@dataclass
class NationalSummary:
    """What an export wrote."""

    path: Path
    records: int = 0
    #: records with at least one code left blank (only with ``allow_unmapped``)
    unmapped_records: int = 0
    unmapped: list[Unmapped] = field(default_factory=list)
    withheld_identities: int = 0
    #: the code lists still holding ReceptionDesk's placeholder codes
    default_lists: list[str] = field(default_factory=list)


# --- the scope: which petitions -----------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The exported petitions: a unit and those below it (None: every unit), a period."""

    unit_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def unit_ids(self, session: Session) -> list[str] | None:
        return None if self.unit_id is None else unit_and_descendants(session, self.unit_id)

    def where(self, session: Session) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        ids = self.unit_ids(session)
        if ids is not None:
            conds.append(Petition.unit_id.in_(ids))
        if self.date_from is not None:
            conds.append(Petition.received_date >= self.date_from)
        if self.date_to is not None:
            conds.append(Petition.received_date <= self.date_to)
        return conds


def default_scope(session: Session, unit_id: str | None = None, date_from: date | None = None,
                  date_to: date | None = None) -> Scope:
    """The chosen unit, or the home unit (every unit when there is none)."""
    if unit_id is None:
        home = home_unit(session)
        unit_id = home.id if home is not None else None
    return Scope(unit_id, date_from, date_to)


# --- deriving the national values ---------------------------------------------------------


def competence_of(status: str | None, handling: str | None,
                  within_competence: bool | None) -> str | None:
    """Whether the unit is competent to resolve, from the lifecycle (rules/lifecycle.py):
    accepted, in resolution or resolved → competent; guided, forwarded (or urged) → not;
    archived, returned or not yet handled → what the classification said, if anything."""
    if handling == Handling.ACCEPT or status in _COMPETENT_STATUSES:
        return COMPETENT
    if handling in _NOT_COMPETENT_HANDLING or status in _NOT_COMPETENT_STATUSES:
        return NOT_COMPETENT
    if within_competence is None:
        return None
    return COMPETENT if within_competence else NOT_COMPETENT


class _Mapping:
    """The national codes and labels of every list, loaded once per export."""

    def __init__(self, session: Session) -> None:
        self.codes: dict[str, dict[str, str]] = {}
        self.names: dict[str, dict[str, str]] = {}
        self.unit_codes: dict[str, str] = {}  # a unit's id → its code, for messages
        for code_list in national_codes.CODE_LISTS:
            items = national_codes.entries(session, code_list)
            self.codes[code_list] = {e.code: e.national_code for e in items}
            self.names[code_list] = {e.code: e.name for e in items}
            if code_list == "unit":
                self.unit_codes = {e.code: e.shown_code for e in items}
        # the labels, translated once per export rather than once per row
        self.labels: dict[type, dict[str, str]] = {
            enum: {m.value: label(enum, m.value) for m in enum}
            for enum in (PetitionType, Handling, Status, Result)}
        self.competence = {c: national_codes.competence_label(c)
                           for c in (COMPETENT, NOT_COMPETENT)}

    def label(self, enum: type, code: str | None) -> str:
        return "" if code is None else self.labels[enum].get(code, code)

    def national(self, code_list: str, code: str | None) -> str:
        return "" if code is None else self.codes[code_list].get(code, "")

    def name(self, code_list: str, code: str | None) -> str:
        if code is None:
            return ""
        return self.names[code_list].get(code, code)

    def shown(self, code_list: str, code: str) -> str:
        return self.unit_codes.get(code, code) if code_list == "unit" else code


def _distinct(session: Session, column, conds: list) -> dict[str | None, int]:
    stmt = select(column, func.count()).where(*conds).group_by(column)
    return {value: count for value, count in session.execute(stmt)}


def find_unmapped(session: Session, scope: Scope) -> list[Unmapped]:
    """The values the scope's petitions use that have no national code (a few GROUP BYs
    over the report index, so it is quick even on a province)."""
    mapping = _Mapping(session)
    conds = scope.where(session)
    used: dict[str, dict[str | None, int]] = {
        "unit": _distinct(session, Petition.unit_id, conds),
        "source": _distinct(session, Petition.source_code, conds),
        "type": _distinct(session, Petition.petition_type, conds),
        "field": _distinct(session, Petition.field_code, conds),
        "handling": _distinct(session, Petition.handling, conds),
        "result": _distinct(session, Petition.result, conds),
        "competence": {},
    }
    combos = session.execute(select(
        Petition.status, Petition.handling, Petition.within_competence, func.count()
    ).where(*conds).group_by(Petition.status, Petition.handling, Petition.within_competence))
    for status, handling, within, count in combos:
        code = competence_of(status, handling, within)
        used["competence"][code] = used["competence"].get(code, 0) + count
    found = []
    for code_list in national_codes.CODE_LISTS:
        for code, count in sorted(used[code_list].items(), key=lambda kv: str(kv[0])):
            if code is not None and not mapping.national(code_list, code):
                found.append(Unmapped(code_list, mapping.shown(code_list, code),
                                      mapping.name(code_list, code), count))
    return found


# --- the query and the records ------------------------------------------------------------


def _query(session: Session, scope: Scope) -> Select:
    count_people = (select(func.count()).where(Petitioner.petition_id == Petition.id)
                    .correlate(Petition).scalar_subquery())
    return (
        select(
            Petition.id, Petition.ref, Petition.unit_id, Petition.received_date,
            Petition.source_code, Petition.petition_type, Petition.field_code,
            Petition.status, Petition.handling, Petition.handling_date, Petition.handled_to,
            Petition.within_competence, Petition.result, Petition.result_date,
            Petition.decision_number, Petition.next_due_date, Petition.signers,
            Petition.anonymous, Petition.content, count_people, Petitioner.full_name,
            Petitioner.id_number, ProtectedCitizen.citizen_id,
        )
        .outerjoin(Petitioner, and_(Petitioner.petition_id == Petition.id, Petitioner.seq == 1))
        .outerjoin(ProtectedCitizen, ProtectedCitizen.citizen_id == Petitioner.citizen_id)
        .where(*scope.where(session))
        .order_by(Petition.received_date, Petition.ref, Petition.id)
    )


def _summary_text(content: str | None, shield: Shield) -> str:
    """The content on one line, cut to :data:`SUMMARY_LENGTH`, every protected person
    blotted out of it (and, on a withheld record, its own petitioners too)."""
    text = shield.text(" ".join((content or "").split()))
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "\u2026"


def _withheld(row: Any) -> bool:
    """Whether a row's people are kept out of the file (see the module's note)."""
    return row[5] in WITHHELD_TYPES or bool(row[17]) or row[22] is not None


def _identities(session: Session, rows: list[Any]) -> dict[str, list[str]]:
    """For the withheld rows of a page: every identifying string of their petitioners,
    in one query."""
    ids = [row[0] for row in rows if _withheld(row)]
    found: dict[str, list[str]] = {}
    if not ids:
        return found
    stmt = select(Petitioner.petition_id, Petitioner.full_name, Petitioner.id_number,
                  Petitioner.address, Petitioner.phone).where(Petitioner.petition_id.in_(ids))
    for pid, *values in session.execute(stmt):
        found.setdefault(pid, []).extend(" ".join(v.split()) for v in values
                                         if v and len(v.strip()) >= 3)
    return found


def _record(r: Any, m: _Mapping, today: date, shield: Shield,
            hidden: list[str] | None = None) -> dict[str, Any]:
    """One petition's record: national codes beside their labels."""
    (pid, ref, unit_id, received, source, ptype, field_code, status, handling, handling_date,
     handled_to, within, result, result_date, decision, due, signers, anonymous, content,
     people, name, id_number, protected_citizen) = r
    competence = competence_of(status, handling, within)
    # a protected person's ordinary complaint too (their name or ID number is a denouncer's)
    withheld = _withheld(r) or shield.names_protected(name, id_number)
    is_open = status in OPEN_STATUSES
    return {
        "record_id": pid, "ref": ref or "",
        "unit_code": m.national("unit", unit_id), "unit": m.name("unit", unit_id),
        "received_date": received,
        "source_code": m.national("source", source), "source": m.name("source", source),
        "type_code": m.national("type", ptype), "type": m.label(PetitionType, ptype),
        "field_code": m.national("field", field_code), "field": m.name("field", field_code),
        "competence_code": m.national("competence", competence),
        "competence": m.competence.get(competence, "") if competence else "",
        "handling_code": m.national("handling", handling),
        "handling": m.label(Handling, handling),
        "handling_date": handling_date, "handled_to": handled_to or "",
        "status_code": status, "status": m.label(Status, status),
        "result_code": m.national("result", result),
        "result": m.label(Result, result),
        "result_date": result_date, "decision_number": decision or "",
        "deadline": due if is_open else None,
        "overdue": bool(is_open and due is not None and due < today),
        "petitioners": int(people or 0), "signers": int(signers or 0),
        "petitioner_name": "" if withheld else (name or ""),
        "petitioner_id_number": "" if withheld else (id_number or ""),
        "identity_withheld": withheld,
        "content_summary": _summary_text(
            content, shield.also([*(hidden or []), name, id_number]) if withheld else shield),
    }


def _has_blank_code(record: dict[str, Any], raw: dict[str, Any]) -> bool:
    """Whether a value the record uses was left without its national code."""
    return any(raw[name] is not None and not record[CODE_COLUMN[name]] for name in raw)


def _pages(session: Session, stmt: Select) -> Iterator[list[Any]]:
    """The rows of ``stmt`` a page at a time (never every row in memory)."""
    result = session.execute(stmt.execution_options(yield_per=PAGE_SIZE))
    try:
        for page in result.partitions():
            yield list(page)
    finally:
        result.close()


# --- the files ----------------------------------------------------------------------------


class _JsonSink:
    """Records to a side file as they come; the header goes in front at the end."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._records = path.with_name(path.name + ".records")
        self._fh = self._records.open("w", encoding="utf-8")
        self._first = True

    def record(self, record: dict[str, Any]) -> None:
        text = json.dumps({k: json_value(v) for k, v in record.items()}, ensure_ascii=False)
        self._fh.write(("" if self._first else ",\n") + "  " + text)
        self._first = False

    def close(self, header: dict[str, Any]) -> None:
        self._fh.close()
        head = json.dumps(header, ensure_ascii=False, indent=2)
        with self._path.open("w", encoding="utf-8") as out:
            out.write('{\n"header": ' + head + ',\n"records": [\n')
            with self._records.open(encoding="utf-8") as src:
                shutil.copyfileobj(src, out)
            out.write("\n]\n}\n")
        self._records.unlink(missing_ok=True)

    def abort(self) -> None:
        self._fh.close()
        self._records.unlink(missing_ok=True)


#: the XLSX column widths (characters); 14 for the others
XLSX_WIDTHS = {"record_id": 34, "unit": 30, "source": 24, "type": 16, "field": 30,
               "competence": 26, "handling": 26, "handled_to": 26, "status": 14,
               "petitioner_name": 22, "content_summary": 60}


class _XlsxRecords:
    """One header row of the column keys, then one row per record, written in constant
    memory by xlsxwriter (:mod:`.xlsx_stream`: the cells openpyxl's sheets write, in a
    third of the time)."""

    def __init__(self, path: Path) -> None:
        self._sheet = StreamSheet(path, "national", widths=XLSX_WIDTHS,
                                  number_columns=NUMBER_COLUMNS)
        self._sheet.header(COLUMNS)

    def record(self, record: dict[str, Any]) -> None:
        self._sheet.row([record[c] for c in COLUMNS])

    def close(self, _header: dict[str, Any]) -> None:
        self._sheet.close()

    def abort(self) -> None:
        self._sheet.abort()


def header(session: Session, scope: Scope, count: int, created: datetime) -> dict[str, Any]:
    """The JSON document's header: who exports, the lists' versions, when, how many."""
    unit = get_unit(session, scope.unit_id) if scope.unit_id else None
    return {
        "format": "receptiondesk-national-1",
        "exporting_unit": None if unit is None else {
            "code": unit.code, "national_code": unit.national_code, "name": unit.name},
        "period": {"from": json_value(scope.date_from), "to": json_value(scope.date_to)},
        "code_lists": national_codes.versions(session),
        "created_at": created.isoformat(timespec="seconds"),
        "count": count,
    }


# --- the entry point ----------------------------------------------------------------------


def export_national(
    session: Session,
    path: str | Path,
    scope: Scope,
    *,
    allow_unmapped: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> NationalSummary:
    """Write the scope's petitions to ``path`` (.xlsx or .json) for the national database.

    Refuses (:class:`UnmappedCodesError`, nothing written) when a value has no national
    code, unless ``allow_unmapped``. ``progress(done, total)`` is called as pages are
    written; returning ``False`` cancels (:class:`ExportCancelled`, no file). The file
    appears only when complete. Permission and the audit are the door's
    (``services.outputs``): this only writes.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(_("Cannot write {name}: the file name must end in .xlsx or .json.")
                          .format(name=path.name))
    unmapped = find_unmapped(session, scope)
    if unmapped and not allow_unmapped:
        raise UnmappedCodesError(unmapped)
    today = today or date.today()
    summary = NationalSummary(path, unmapped=unmapped, default_lists=[
        c for c in national_codes.CODE_LISTS if national_codes.holds_defaults(session, c)])
    _write(session, path, scope, summary, progress, today)
    return summary


def _write(session: Session, path: Path, scope: Scope, summary: NationalSummary,
           progress: Progress | None, today: date) -> None:
    stmt = _query(session, scope)
    total = session.scalar(select(func.count()).select_from(Petition)
                           .where(*scope.where(session))) or 0
    mapping = _Mapping(session)
    shield = protection.shield(session, cleared=False)  # the file leaves the office
    with written_whole(path, lambda tmp: _JsonSink(tmp) if path.suffix.lower() == ".json"
                       else _XlsxRecords(tmp)) as sink:
        for page in _pages(session, stmt):
            hidden = _identities(session, page)
            for row in page:
                _write_row(sink, summary, _record(row, mapping, today, shield,
                                                          hidden.get(row[0])), row)
            if progress is not None and progress(summary.records, total) is False:
                raise ExportCancelled(_("The export was cancelled; no file was written."))
        sink.close(header(session, scope, summary.records, datetime.now(UTC)))
    if progress is not None:
        progress(summary.records, total)


def _write_row(sink: Any, summary: NationalSummary, record: dict[str, Any], row: Any) -> None:
    raw = {"unit": row[2], "source": row[4], "type": row[5], "field": row[6],
           "handling": row[8], "result": row[12],
           "competence": competence_of(row[7], row[8], row[11])}
    summary.records += 1
    summary.unmapped_records += _has_blank_code(record, raw)
    summary.withheld_identities += bool(record["identity_withheld"])
    sink.record(record)


def summary_lines(summary: NationalSummary) -> list[str]:
    """The translated summary the command line prints and the dialog shows."""
    lines = [ngettext("Exported {count} petition to {path}.",
                      "Exported {count} petitions to {path}.", summary.records).format(
        count=format_number(summary.records), path=str(summary.path))]
    if summary.unmapped_records:
        lines.append(ngettext(
            "{count} record has codes left blank (values with no national code).",
            "{count} records have codes left blank (values with no national code).",
            summary.unmapped_records).format(count=format_number(summary.unmapped_records)))
    if summary.withheld_identities:
        lines.append(ngettext(
            "The petitioner's identity was withheld on {count} record (denunciations, "
            "anonymous petitions, protected persons).",
            "The petitioners' identities were withheld on {count} records (denunciations, "
            "anonymous petitions, protected persons).",
            summary.withheld_identities).format(
                count=format_number(summary.withheld_identities)))
    if summary.default_lists:
        lines.append(_("Note: these code lists still hold ReceptionDesk's placeholder codes, "
                       "not confirmed official values; check them in Settings \u25b8 National "
                       "codes: {lists}.").format(lists=", ".join(
                           national_codes.list_title(c) for c in summary.default_lists)))
    return lines
