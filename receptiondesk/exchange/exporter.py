"""Exporting records as the interchange files of DESIGN §8 (CSV or XLSX).

Rows are streamed from the database (``yield_per``: a page of rows at a time)
straight into the file, so a province database exports in constant memory.
CSV is UTF-8 with a BOM so that Excel opens it with the Vietnamese letters
intact; XLSX is written in openpyxl's write-only mode with real dates and real
numbers. Headers are the English keys of §8, dates ``YYYY-MM-DD``, codes in
English: the files read back with :func:`receptiondesk.exchange.importer.import_file`.

A denouncer's identity is confidential (DESIGN §4): unless the caller passes
``reveal_identity=True`` (a role cleared for it, and the access audited), the
name, ID number and address on denunciations are written as ``***``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from ..files import replace_file
from ..i18n import _
from ..model import (
    Citizen,
    ConcludingNotice,
    Inspection,
    Official,
    Petition,
    Petitioner,
    ProtectedCitizen,
    ReceptionSession,
    Unit,
    Visit,
    WorkingMeeting,
)
from ..model.codes import Level, PetitionType
from ..services import protection
from ..services.errors import ServiceError
from ..services.protection import Shield
from ..services.sealed_fields import open_any
from ..services.sealing import is_sealed
from . import KINDS
from .cells import guard_formula, looks_like_formula, text_cell
from .importer import REDACTED
from .tables import COLUMNS

#: rows fetched from the database at a time
PAGE_SIZE = 500
#: columns written as numbers in XLSX
NUMBER_COLUMNS = frozenset({"birth_year", "head_count", "signers"})

Progress = Callable[[int, int], object]


class ExportCancelled(ServiceError):
    """The user cancelled the export; no file was written."""


class ExportError(ServiceError):
    """The export could not be written (kind, file type, disk)."""


# --- sinks --------------------------------------------------------------------------


class _CsvSink:
    def __init__(self, path: Path) -> None:
        self._fh = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._fh)

    def header(self, columns: Sequence[str]) -> None:
        self._writer.writerow(columns)

    def row(self, columns: Sequence[str], values: Sequence[Any]) -> None:
        self._writer.writerow([_csv_text(v) for v in values])

    def close(self) -> None:
        self._fh.close()

    def abort(self) -> None:
        self._fh.close()


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return guard_formula(str(value))


class _XlsxSink:
    #: column widths (characters) by column key; 14 for the others
    WIDTHS = {"content": 60, "conclusions": 40, "participants": 30, "organisations": 30,
              "members": 30, "address": 30, "citizen_name": 22, "petitioner_name": 22,
              "name": 30}
    #: columns written as numbers (when the value is one)
    NUMBER_COLUMNS = NUMBER_COLUMNS

    def __init__(self, path: Path, title: str) -> None:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self._path = path
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._wb = Workbook(write_only=True)
        self._ws = self._wb.create_sheet(title=title)
        self._ws.freeze_panes = "A2"

    def header(self, columns: Sequence[str]) -> None:
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        for i, name in enumerate(columns, start=1):
            self._ws.column_dimensions[get_column_letter(i)].width = self.WIDTHS.get(name, 14)
        cells = []
        for name in columns:
            cell = self._cell(name)
            cell.font = Font(bold=True)
            cells.append(cell)
        self._ws.append(cells)

    def _cell(self, value: Any):
        from openpyxl.cell import WriteOnlyCell

        if isinstance(value, str):
            return text_cell(self._ws, self._illegal.sub("", value))
        cell = WriteOnlyCell(self._ws, value=value)
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        return cell

    def row(self, columns: Sequence[str], values: Sequence[Any]) -> None:
        out: list[Any] = []
        for name, value in zip(columns, values, strict=True):
            if value is None:
                out.append(None)
            elif isinstance(value, bool):
                out.append(self._cell("yes" if value else "no"))
            elif name in self.NUMBER_COLUMNS and isinstance(value, int):
                out.append(value)
            elif isinstance(value, date):
                out.append(self._cell(value))
            else:
                out.append(self._text(str(value)))
        self._ws.append(out)

    def _text(self, value: str) -> Any:
        """A plain string where openpyxl cannot take it for a formula (much quicker than a
        cell object per value); a typed text cell where it could."""
        value = self._illegal.sub("", value)
        return text_cell(self._ws, value) if looks_like_formula(value) else value

    def close(self) -> None:
        self._wb.save(self._path)

    def abort(self) -> None:
        """Finish the sheet's temporary stream so nothing is left open (no file is kept)."""
        try:
            self._ws.close()
        except Exception:  # already closed, or the stream failed: nothing more to free
            pass


# --- the entry point ------------------------------------------------------------------


def _cannot_write(path: Path, exc: OSError) -> ExportError:
    return ExportError(_("Cannot write {name}: {reason}").format(
        name=str(path), reason=exc.strerror or exc))


@contextmanager
def written_whole(path: Path, open_sink: Callable[[Path], Any], *,
                  keep_suffix: bool = False) -> Iterator[Any]:
    """A sink writing beside ``path``; the file appears under its name only when the block
    ends normally — a failure or a cancel leaves neither a half file nor the old one
    damaged. The block closes the sink itself (some sinks write a trailer then).
    ``keep_suffix`` names the file beside ``x.part.pdf`` (for writers that go by it)."""
    tmp = (path.with_name(f"{path.stem}.part{path.suffix}") if keep_suffix
           else path.with_name(path.name + ".part"))
    try:
        sink = open_sink(tmp)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    try:
        yield sink
        replace_file(tmp, path)
    except OSError as exc:
        sink.abort()
        tmp.unlink(missing_ok=True)
        raise _cannot_write(path, exc) from exc
    except BaseException:
        sink.abort()
        tmp.unlink(missing_ok=True)
        raise


def export_file(
    session: Session,
    kind: str,
    path: str | Path,
    unit_ids: list[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    reveal_identity: bool = False,
    progress: Progress | None = None,
    shield: Shield | None = None,
) -> int:
    """Write the records of ``kind`` to ``path`` (.csv or .xlsx); returns the rows written.

    ``unit_ids`` limits the units (None: every unit); ``date_from``/``date_to``
    the record date (visit, received, meeting or inspection date; ignored for
    units). ``reveal_identity`` writes denouncers' identities; otherwise ``shield``
    (by default one for a reader not cleared) blots every protected person out of the
    people and texts written. ``progress(done, total)`` is called as pages are
    written; returning ``False`` cancels (:class:`ExportCancelled`, no file).
    The file appears only when complete (written beside it, then renamed).
    Permission, the audit and the choice of ``reveal_identity`` are the door's
    (``services.outputs``): this only writes.
    """
    if shield is None:
        shield = protection.shield(session, cleared=reveal_identity)
    reveal_identity = shield.cleared
    if kind not in KINDS:
        raise ExportError(_("Unknown kind of file \u201c{kind}\u201d: use one of {kinds}.")
                          .format(kind=kind, kinds=", ".join(KINDS)))
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ExportError(_("Cannot write {name}: the file name must end in .csv or .xlsx.")
                          .format(name=path.name))
    stmt, convert = _QUERIES[kind](unit_ids, date_from, date_to, reveal_identity)
    protected = _protected_citizens(session) if not reveal_identity else set()
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    columns = COLUMNS[kind]
    count = 0
    with written_whole(path, lambda tmp: _CsvSink(tmp) if suffix == ".csv"
                       else _XlsxSink(tmp, kind)) as sink:
        sink.header(columns)
        for row in _stream(session, stmt):
            sink.row(columns, _shielded(kind, convert(row), row, shield, protected))
            count += 1
            if progress is not None and count % PAGE_SIZE == 0 \
                    and progress(count, total) is False:
                raise ExportCancelled(_("The export was cancelled; no file was written."))
        sink.close()
    if progress is not None:
        progress(count, total)
    return count


#: (name, ID number, birth year, address) column positions of the people in a row
_PERSON_COLUMNS = {"logbook": (5, 8, 6, 9), "petitions": (6, 7, None, 8)}
#: the free-text columns of each kind
_TEXT_COLUMNS = {
    "logbook": ("content", "previously_handled_by", "follow_up", "notes"),
    "petitions": ("content",),
    "meetings": ("chaired_by", "participants", "content", "conclusions"),
    "inspections": ("organisations", "members", "content", "violations_found", "conclusions"),
}


def _protected_citizens(session: Session) -> set[str]:
    return set(session.scalars(select(ProtectedCitizen.citizen_id)))


def _shielded(kind: str, values: list[Any], row: Any, shield: Shield,
              protected: set[str]) -> list[Any]:
    """A row as the reader may see it: a protected person (a protected citizen, or one
    whose name or ID number is a protected person's) blotted out, and every protected
    person blotted out of the free texts. Sealed values (``services.sealed_fields``) are
    opened for a cleared process, "(confidential)" for others."""
    values = [open_any(v) if is_sealed(v) else v for v in values]
    if shield.empty:
        return values
    people = _PERSON_COLUMNS.get(kind)
    if people is not None:
        name_at, id_at, year_at, address_at = people
        citizen_id = getattr(row, "citizen_id", None)
        if values[name_at] and (citizen_id in protected or shield.names_protected(
                str(values[name_at]), str(values[id_at] or ""))):
            values[name_at], values[id_at], values[address_at] = REDACTED, None, ""
            if year_at is not None:
                values[year_at] = None
    columns = COLUMNS[kind]
    for name in _TEXT_COLUMNS.get(kind, ()):
        if name in columns:
            i = columns.index(name)
            if isinstance(values[i], str):
                values[i] = shield.text(values[i])
    return values


def _stream(session: Session, stmt: Select) -> Iterator[Any]:
    """Rows of ``stmt`` fetched a page at a time (never every row in memory)."""
    result = session.execute(stmt.execution_options(yield_per=PAGE_SIZE))
    try:
        yield from result
    finally:
        result.close()


# --- queries: a SELECT of plain columns and the conversion to the file's values -----

Query = tuple[Select, Callable[[Any], list[Any]]]


def _period(column, date_from: date | None, date_to: date | None) -> list:
    conds = []
    if date_from is not None:
        conds.append(column >= date_from)
    if date_to is not None:
        conds.append(column <= date_to)
    return conds


def _units_query(unit_ids, _date_from, _date_to, _reveal) -> Query:
    parent = aliased(Unit)
    stmt = (
        select(Unit.code, Unit.name, Unit.level, parent.code, Unit.kind, Unit.place_name,
               Unit.remote_area)
        .outerjoin(parent, Unit.parent_id == parent.id)
    )
    if unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(unit_ids))
    # parents first, as an office reads the list (the importer does not need it)
    order = {Level.PROVINCE.value: 0, Level.DISTRICT.value: 1, Level.COMMUNE.value: 2}
    stmt = stmt.order_by(case(order, value=Unit.level, else_=9), Unit.code)

    def convert(r: Any) -> list[Any]:
        return [r[0], r[1], r[2], r[3] or "", r[4], r[5], bool(r[6])]

    return stmt, convert


def _logbook_query(unit_ids, date_from, date_to, reveal) -> Query:
    presiding = aliased(Official)
    stmt = (
        select(
            Unit.code, ReceptionSession.ref, Visit.visit_date, ReceptionSession.kind,
            ReceptionSession.presiding_name, presiding.full_name,
            Citizen.full_name, Citizen.birth_year, Citizen.gender, Citizen.id_number,
            Citizen.address, Visit.head_count, Visit.content, Visit.field_code,
            Visit.petition_type, Visit.previously_handled_by, Visit.handling, Visit.follow_up,
            Visit.notes, Visit.representatives,
            exists().where(Petition.visit_id == Visit.id,
                           Petition.petition_type == PetitionType.DENUNCIATION.value),
            Citizen.id.label("citizen_id"),
        )
        .join(ReceptionSession, Visit.session_id == ReceptionSession.id)
        .join(Unit, Visit.unit_id == Unit.id)
        .outerjoin(Citizen, Visit.citizen_id == Citizen.id)
        .outerjoin(presiding, ReceptionSession.presiding_official_id == presiding.id)
        .where(*_period(Visit.visit_date, date_from, date_to))
        .order_by(Unit.code, Visit.visit_date, ReceptionSession.created_at, ReceptionSession.id,
                  Visit.seq, Visit.id)
    )
    if unit_ids is not None:
        stmt = stmt.where(Visit.unit_id.in_(unit_ids))

    def convert(r: Any) -> list[Any]:
        (unit_code, ref, day, kind, presiding_name, official_name, name, birth_year, gender,
         id_number, address, head_count, content, field_code, ptype, previously, handling,
         follow_up, notes, representatives, brought_denunciation, _citizen) = r
        if name is None:
            # a delegation received without a citizen record: its representatives
            name = representatives or ""
        if (ptype == PetitionType.DENUNCIATION or brought_denunciation) and not reveal:
            name, birth_year, gender, id_number, address = REDACTED, None, None, None, ""
        return [unit_code, ref, day, kind, presiding_name or official_name or "", name,
                birth_year, gender or "", id_number or "", address or "", head_count, content,
                field_code or "", ptype or "", previously, handling, follow_up, notes]

    return stmt, convert


def _petitions_query(unit_ids, date_from, date_to, reveal) -> Query:
    stmt = (
        select(
            Unit.code, Petition.ref, Petition.received_date, Petition.source_code,
            Petition.petition_type, Petition.field_code, Petitioner.full_name,
            Petitioner.id_number, Petitioner.address, Petition.signers, Petition.content,
            Petition.handling, Petition.handling_date, Petition.status, Petition.result,
            Petition.result_date, Petitioner.citizen_id,
        )
        .join(Unit, Petition.unit_id == Unit.id)
        .outerjoin(Petitioner, and_(Petitioner.petition_id == Petition.id, Petitioner.seq == 1))
        .where(*_period(Petition.received_date, date_from, date_to))
        .order_by(Unit.code, Petition.received_date, Petition.ref, Petition.id)
    )
    if unit_ids is not None:
        stmt = stmt.where(Petition.unit_id.in_(unit_ids))

    def convert(r: Any) -> list[Any]:
        values = list(r)[:-1]  # None is written as an empty cell; not the citizen's id
        if values[4] == PetitionType.DENUNCIATION and not reveal and values[6]:
            values[6], values[7], values[8] = REDACTED, None, None
        return values

    return stmt, convert


def _meetings_query(unit_ids, date_from, date_to, _reveal) -> Query:
    first_notice = (
        select(ConcludingNotice.number)
        .where(ConcludingNotice.meeting_id == WorkingMeeting.id)
        .order_by(ConcludingNotice.issued_on, ConcludingNotice.created_at)
        .limit(1)
        .correlate(WorkingMeeting)
        .scalar_subquery()
    )
    stmt = (
        select(
            Unit.code, WorkingMeeting.ref, WorkingMeeting.meeting_date, WorkingMeeting.kind,
            WorkingMeeting.chaired_by_name, WorkingMeeting.participants, WorkingMeeting.content,
            WorkingMeeting.conclusions, first_notice,
        )
        .join(Unit, WorkingMeeting.unit_id == Unit.id)
        .where(*_period(WorkingMeeting.meeting_date, date_from, date_to))
        .order_by(Unit.code, WorkingMeeting.meeting_date, WorkingMeeting.ref, WorkingMeeting.id)
    )
    if unit_ids is not None:
        stmt = stmt.where(WorkingMeeting.unit_id.in_(unit_ids))

    return stmt, list


def _inspections_query(unit_ids, date_from, date_to, _reveal) -> Query:
    stmt = (
        select(
            Unit.code, Inspection.ref, Inspection.inspection_date, Inspection.body,
            Inspection.kind, Inspection.organisations, Inspection.members, Inspection.content,
            Inspection.violations_found, Inspection.conclusions,
        )
        .join(Unit, Inspection.unit_id == Unit.id)
        .where(*_period(Inspection.inspection_date, date_from, date_to))
        .order_by(Unit.code, Inspection.inspection_date, Inspection.ref, Inspection.id)
    )
    if unit_ids is not None:
        stmt = stmt.where(Inspection.unit_id.in_(unit_ids))

    def convert(r: Any) -> list[Any]:
        values = list(r)
        values[8] = bool(values[8])
        return values

    return stmt, convert


_QUERIES: dict[str, Callable[..., Query]] = {
    "units": _units_query,
    "logbook": _logbook_query,
    "petitions": _petitions_query,
    "meetings": _meetings_query,
    "inspections": _inspections_query,
}
