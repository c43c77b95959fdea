"""Importing the interchange files of DESIGN §8, all or nothing.

:func:`import_file` reads the whole file, parses and checks every row, and only
then writes, inside a SAVEPOINT. Any bad row — in the file or refused by a service's
checks — rolls everything back and raises :class:`ImportFailed` listing every problem
as "row, column, reason".

Units, meetings and inspections are written through the services, one record at a
time. Log books and petitions — the large files — are written in bulk (:mod:`.bulk`):
each row is put through the same checks, with the same messages, as the services'
``create_session``/``add_visit`` and ``register_petition`` and lifecycle steps; the
records those would write (history steps, due dates, search texts, protections and
audit entries included) are computed in memory and inserted with one ``executemany``
per table and batch. ``tests/test_import_bulk_same.py`` holds them to what the per-row
path wrote.

Importing the same file twice writes nothing the second time: a record whose
``ref`` (a session's ``session_ref``, a unit's ``code``) already exists for the
same unit is reported as a duplicate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..i18n import _, ngettext
from ..model import (
    Citizen,
    Inspection,
    Petition,
    Petitioner,
    PetitionEvent,
    ReceptionSession,
    Unit,
    Visit,
    VisitAttendee,
    WorkingMeeting,
)
from ..model.codes import (
    EventKind,
    Gender,
    Handling,
    InspectionBody,
    InspectionKind,
    Level,
    MeetingKind,
    PetitionType,
    Result,
    SessionKind,
    Status,
    UnitKind,
    VisitHandling,
    label,
    results_for,
)
from ..rules import competence, lifecycle
from ..rules.deadlines import petition_deadlines
from ..services import audit, reference
from ..services import citizens as citizen_service
from ..services import inspections as inspection_service
from ..services import meetings as meeting_service
from ..services import petitions as petition_service
from ..services import reception as reception_service
from ..services import units as unit_service
from ..services.accounts import require
from ..services.errors import PermissionDenied, ServiceError, TransitionError, ValidationError
from ..services.indexing import (
    petition_search_text,
    session_search_text,
    visit_search_text,
)
from ..services.validation import (
    NOTE_LENGTH,
    Checker,
    clean,
    clean_id_number,
)
from ..text import fold
from . import KINDS
from .bulk import PENDING, BulkWriter, Citizens
from .tables import (
    REQUIRED_COLUMNS,
    CodeReader,
    Table,
    TableError,
    TableRow,
    ValueProblem,
    parse_date,
    parse_int,
    parse_yes_no,
    read_table,
)

#: What an export writes in place of a denouncer's identity (DESIGN §4).
REDACTED = "***"
#: Errors listed at most; the import fails anyway.
MAX_ERRORS = 500

Progress = Callable[[int, int], object]


# --- errors and report ------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem of a file: where it is and why, as one translated line.

    ``row`` is the spreadsheet row (header = 1; 0 = the file as a whole),
    ``column`` the column's title as the file writes it ('' = the whole row),
    ``reason`` why, and ``message`` the line to show: "Row 3, column Ngày: …".
    """

    row: int
    column: str
    reason: str

    @property
    def message(self) -> str:
        if self.row <= 0:
            return self.reason
        if not self.column:
            return _("Row {row}: {reason}").format(row=self.row, reason=self.reason)
        return _("Row {row}, column {column}: {reason}").format(
            row=self.row, column=self.column, reason=self.reason
        )

    def __str__(self) -> str:
        return self.message


class ImportFailed(ServiceError):
    """The file was not imported (nothing was written); ``errors`` lists why, row by row.

    ``str()`` is a one-line summary; print each of ``errors`` on its own line.
    """

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = list(errors)
        count = sum(1 for e in self.errors if e.row > 0) or len(self.errors)
        super().__init__(
            ngettext(
                "The file was not imported because of {count} problem; nothing was written.",
                "The file was not imported because of {count} problems; nothing was written.",
                count,
            ).format(count=count)
        )

    def lines(self) -> list[str]:
        return [e.message for e in self.errors]


class ImportCancelled(ServiceError):
    """The user cancelled the import; nothing was written."""


@dataclass
class ImportReport:
    kind: str
    path: str
    rows: int = 0
    #: records created per type: units, sessions, visits, citizens, petitions, events,
    #: meetings, notices, inspections
    created: dict[str, int] = field(default_factory=dict)
    #: citizens already in the database (or earlier in the file) that rows were linked to
    reused_citizens: int = 0
    #: header titles that are not columns of the format and were ignored
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def counts(self) -> dict[str, int]:
        """Same as :attr:`created`."""
        return self.created

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    def lines(self) -> list[str]:
        """Translated summary, one line each, for the CLI and the GUI."""
        names = {
            "units": _("Units"),
            "sessions": _("Reception sessions"),
            "visits": _("Visits"),
            "citizens": _("Citizens"),
            "petitions": _("Petitions"),
            "events": _("Petition history steps"),
            "meetings": _("Working meetings"),
            "notices": _("Concluding notices"),
            "inspections": _("Inspections and supervisions"),
        }
        out = [_("Rows read: {count}").format(count=self.rows)]
        for key, n in self.created.items():
            out.append(_("{what} created: {count}").format(what=names.get(key, key), count=n))
        if self.reused_citizens:
            out.append(_("Citizens already known, linked: {count}").format(
                count=self.reused_citizens))
        if self.ignored_columns:
            out.append(_("Columns ignored: {columns}").format(
                columns=", ".join(self.ignored_columns)))
        if self.dry_run:
            out.append(_("Checked only: nothing was written."))
        return out


class _Errors:
    """Collects row errors, naming columns by the titles the file uses."""

    def __init__(self, table: Table | None = None) -> None:
        self.items: list[RowError] = []
        self.table = table

    def title(self, key: str) -> str:
        return self.table.title(key) if self.table is not None else key

    def add(self, row: int, key: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append(RowError(row, self.title(key) if key else "", message))

    def add_validation(self, row: int, error: ValidationError, columns: dict[str, str],
                       default: str = "") -> None:
        """A service's field errors, each mapped to the file's column."""
        for fe in error.errors:
            key = columns.get(fe.field)
            if key is None:
                # nested form fields: "new_citizen.full_name", "petitioners.0.id_number"
                key = columns.get(fe.field.rsplit(".", 1)[-1], default)
            self.add(row, key, fe.message)

    def __bool__(self) -> bool:
        return bool(self.items)

    def fail(self) -> ImportFailed:
        items = sorted(self.items, key=lambda e: e.row)
        if len(self.items) >= MAX_ERRORS:
            items.append(RowError(0, "", _("Too many errors: only the first {count} are "
                                            "listed.").format(count=MAX_ERRORS)))
        return ImportFailed(items)


# --- the entry point ----------------------------------------------------------------


def import_file(
    session: Session,
    kind: str,
    path: str | Path,
    today: date | None = None,
    *,
    unit_id: str | None = None,
    official_id: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a units, logbook, petitions, meetings or inspections file, all or nothing.

    ``unit_id`` is the unit of rows whose ``unit_code`` is empty or whose file has
    no such column (default: the home unit). ``official_id`` is recorded on the
    petitions' history steps. ``dry_run`` checks everything, service checks
    included, and writes nothing. ``progress(done, total)`` is called as rows are
    written; returning ``False`` cancels (:class:`ImportCancelled`).

    Raises :class:`ImportFailed` (nothing written) when any row is bad. The caller
    commits the session.
    """
    require(session, "data.import")
    today = today or date.today()
    if kind not in KINDS:
        raise ImportFailed([RowError(0, "", _("Unknown kind of file \u201c{kind}\u201d: use one "
                                              "of {kinds}.").format(kind=kind,
                                                                     kinds=", ".join(KINDS)))])
    path = Path(path)
    try:
        table = read_table(path, kind)
    except TableError as exc:
        raise ImportFailed([RowError(0, "", str(exc))]) from exc
    report = ImportReport(kind=kind, path=str(path), rows=len(table),
                          ignored_columns=list(table.ignored), dry_run=dry_run)
    errors = _Errors(table)
    _check_header(table, kind, errors)
    if errors:
        raise errors.fail()
    importer = _IMPORTERS[kind](session, table, errors, report, today, path.name,
                                unit_id=unit_id, official_id=official_id, progress=progress)
    importer.parse()
    if errors:
        raise errors.fail()
    table.clear()  # the parsed rows hold what is needed now; free the raw cells
    _begin_outer_transaction(session)
    nested = session.begin_nested()
    try:
        importer.write()
        if errors:
            raise errors.fail()
        if progress is not None:
            progress(report.rows, report.rows)
        audit.record(session, "import", kind, "", unit_id,
                     {"file": path.name, "rows": report.rows, "counts": dict(report.counts)})
    except BaseException:
        nested.rollback()
        raise
    if dry_run:
        nested.rollback()
    else:
        nested.commit()
    return report


def _begin_outer_transaction(session: Session) -> None:
    """Make sure the database transaction has begun before the SAVEPOINT.

    Python's sqlite3 driver (legacy transaction control) emits BEGIN only before
    a data-changing statement. A SAVEPOINT issued first opens the transaction
    itself, and releasing it then COMMITS: the caller could no longer roll the
    import back. A statement that changes nothing makes the driver BEGIN first.
    (Not needed once the engine emits BEGIN itself, the SQLAlchemy recipe for
    pysqlite; harmless then.)
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE settings SET value = value WHERE 0"))


def _check_header(table: Table, kind: str, errors: _Errors) -> None:
    row = table.header_row
    for key in REQUIRED_COLUMNS[kind]:
        if key not in table.titles:
            errors.add(row, "", _("The column \u201c{column}\u201d is missing.").format(column=key))
    for key, titles in table.duplicates:
        errors.add(row, "", _("The columns {titles} are the same column \u201c{column}\u201d; "
                              "keep one.").format(titles=", ".join(f"\u201c{t}\u201d"
                                                                    for t in titles),
                                                  column=key))
    if not table and not errors:
        errors.add(0, "", _("The file has no rows to import."))


# --- the row parser -----------------------------------------------------------------


class _Cells:
    """Typed access to one row's cells; problems go to the error list."""

    def __init__(self, row: TableRow, errors: _Errors, codes: CodeReader, today: date) -> None:
        self.row = row
        self.n = row.row
        self.errors = errors
        self.codes = codes
        self.today = today

    def error(self, key: str, message: str) -> None:
        self.errors.add(self.n, key, message)

    def text(self, key: str) -> str:
        return (self.row.get(key) or "").strip()

    def line(self, key: str) -> str:
        return clean(self.row.get(key))

    def required(self, key: str) -> str:
        value = self.text(key)
        if not value:
            self.error(key, _("A value is required."))
        return value

    def date(self, key: str, required: bool = False) -> date | None:
        try:
            value = parse_date(self.text(key))
        except ValueProblem as exc:
            self.error(key, str(exc))
            return None
        if value is None and required:
            self.error(key, _("A date is required."))
        if value is not None and value > self.today:
            self.error(key, _("{value} is in the future.").format(value=value.isoformat()))
        return value

    def int(self, key: str, minimum: int | None = None) -> int | None:
        try:
            return parse_int(self.text(key), minimum)
        except ValueProblem as exc:
            self.error(key, str(exc))
            return None

    def yes_no(self, key: str) -> bool | None:
        try:
            return parse_yes_no(self.text(key))
        except ValueProblem as exc:
            self.error(key, str(exc))
            return None

    def code(self, what: type[StrEnum] | str, key: str, required: bool = False) -> str | None:
        try:
            value = self.codes.parse(what, self.text(key))
        except ValueProblem as exc:
            self.error(key, str(exc))
            return None
        if value is None and required:
            self.error(key, _("A value is required."))
        return value


class _Importer:
    """One import: ``parse`` checks the rows, ``write`` calls the services."""

    #: the record type counted in the report
    record = ""

    def __init__(self, session: Session, table: Table, errors: _Errors, report: ImportReport,
                 today: date, file_name: str, *, unit_id: str | None,
                 official_id: str | None, progress: Progress | None) -> None:
        self.session = session
        self.table = table
        self.errors = errors
        self.report = report
        self.today = today
        self.file_name = file_name
        self.official_id = official_id
        self.progress = progress
        self.codes = CodeReader(session)
        self._default_unit_id = unit_id
        self._units: dict[str, str] | None = None
        self._unit_names: dict[str, str | None] = {}
        self._done = 0
        self._officials: dict[tuple[str, str], str | None] = {}

    # -- units ------------------------------------------------------------------

    def _load_units(self) -> None:
        self._units = {}
        for uid, code, name in self.session.execute(select(Unit.id, Unit.code, Unit.name)):
            self._units[code] = uid
            key = fold(name)
            # a name shared by two units is no use to find one
            self._unit_names[key] = None if key in self._unit_names else uid

    def unit_of(self, cells: _Cells) -> str | None:
        """The unit of a row: its ``unit_code`` (a code or the unit's name), else the default."""
        if self._units is None:
            self._load_units()
        assert self._units is not None
        code = cells.line("unit_code")
        if not code:
            default = self._default_unit_id
            if default is None:
                home = unit_service.home_unit(self.session)
                default = self._default_unit_id = home.id if home else None
            if default is None:
                cells.error("unit_code", _("Give the unit's code: the database has no home "
                                           "unit to import into."))
            return default
        uid = self._units.get(code) or self._unit_names.get(fold(code))
        if uid is None:
            cells.error("unit_code", _("Unit \u201c{code}\u201d does not exist: import the "
                                       "units first.").format(code=code))
        return uid

    def official_of(self, unit_id: str, name: str) -> str | None:
        """The official of the unit with this name (case and accents ignored), if any."""
        if not name:
            return None
        key = (unit_id, fold(name))
        if key not in self._officials:
            found = unit_service.official_by_name(self.session, unit_id, name)
            self._officials[key] = found.id if found else None
        return self._officials[key]

    # -- citizens -----------------------------------------------------------------

    def citizen_for(self, unit_id: str, data: citizen_service.CitizenInput) -> str:
        """An existing citizen who is the same person, or a new one (service checks apply)."""
        found = citizen_service.same_person(
            self.session, data.full_name, data.address, data.id_number
        )
        if found:
            self.report.reused_citizens += 1
            same_unit = [c for c in found if c.unit_id == unit_id]
            return (same_unit or found)[0].id
        citizen = citizen_service.create_citizen(self.session, unit_id, data, today=self.today)
        self.report.count("citizens")
        return citizen.id

    # -- progress -------------------------------------------------------------------

    def step(self, rows: int = 1) -> None:
        self._done += rows
        if self.progress is not None and \
                self.progress(self._done, self.report.rows) is False:
            raise ImportCancelled(_("The import was cancelled; nothing was written."))

    def _party_unit(self, unit_id: str) -> bool:
        return petition_service.Deadlines.of(self.session).unit_kind(unit_id) == "party"

    def note(self, row: int) -> str:
        return _("Imported from {file}, row {row}").format(file=self.file_name, row=row)

    # -- duplicates -----------------------------------------------------------------

    def existing_refs(self, model: Any, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """(unit id, ref) pairs of ``pairs`` already in the database."""
        by_unit: dict[str, set[str]] = defaultdict(set)
        for uid, ref in pairs:
            if ref:
                by_unit[uid].add(ref)
        found: set[tuple[str, str]] = set()
        for uid, refs in by_unit.items():
            refs_list = sorted(refs)
            for i in range(0, len(refs_list), 500):
                chunk = refs_list[i:i + 500]
                rows = self.session.execute(
                    select(model.unit_id, model.ref).where(
                        model.unit_id == uid, model.ref.in_(chunk)
                    )
                )
                found.update((u, r) for u, r in rows)
        return found

    def parse(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def write(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def cells(self, row: TableRow) -> _Cells:
        return _Cells(row, self.errors, self.codes, self.today)


def _citizen_errors(cells: _Cells, data: citizen_service.CitizenInput, columns: dict[str, str],
                    today: date) -> None:
    for fe in citizen_service.check_citizen(data, today):
        cells.error(columns.get(fe.field, ""), fe.message)


# --- units --------------------------------------------------------------------------


@dataclass
class _UnitRow:
    row: int
    data: unit_service.UnitInput


_UNIT_COLUMNS = {"code": "code", "name": "name", "level": "level", "kind": "kind",
                 "parent_code": "parent_code", "place_name": "place_name",
                 "parent_body_name": "parent_body_name", "national_code": "national_code"}


class _UnitsImporter(_Importer):
    def parse(self) -> None:
        self.items: list[_UnitRow] = []
        codes_in_file: dict[str, int] = {}
        for row in self.table:
            c = self.cells(row)
            code = c.line("code")
            if not code:
                c.error("code", _("A value is required."))
            elif code in codes_in_file:
                c.error("code", _("Unit code \u201c{code}\u201d is already in row {row}.")
                        .format(code=code, row=codes_in_file[code]))
            else:
                codes_in_file[code] = row.row
            data = unit_service.UnitInput(
                code=code,
                name=c.line("name"),
                level=c.code(Level, "level", required=True) or "",
                kind=c.code(UnitKind, "kind") or UnitKind.STATE,
                parent_code=c.line("parent_code") or None,
                parent_body_name=c.line("parent_body_name"),
                place_name=c.line("place_name"),
                remote_area=bool(c.yes_no("remote_area")),
                national_code=c.line("national_code"),
            )
            if not data.name:
                c.error("name", _("A value is required."))
            if code and unit_service.unit_by_code(self.session, code) is not None:
                c.error("code", _("Unit \u201c{code}\u201d is already in the database.")
                        .format(code=code))
            self.items.append(_UnitRow(row.row, data))
        self.items = self._ordered(codes_in_file)

    def _ordered(self, in_file: dict[str, int]) -> list[_UnitRow]:
        """Parents before children; a parent may come later in the file or be in the database."""
        by_code = {item.data.code: item for item in self.items if item.data.code}
        for item in self.items:
            parent = item.data.parent_code
            if parent and parent not in in_file and \
                    unit_service.unit_by_code(self.session, parent) is None:
                self.errors.add(item.row, "parent_code",
                                _("Parent unit \u201c{code}\u201d is neither in the file nor in "
                                  "the database.").format(code=parent))
        ordered: list[_UnitRow] = []
        state: dict[str, int] = {}  # 1 visiting, 2 done

        def visit(item: _UnitRow) -> None:
            code = item.data.code
            if state.get(code) == 2:
                return
            if state.get(code) == 1:
                self.errors.add(item.row, "parent_code",
                                _("Units cannot be each other's parents (a cycle through "
                                  "\u201c{code}\u201d).").format(code=code))
                return
            state[code] = 1
            parent = by_code.get(item.data.parent_code or "")
            if parent is not None and parent is not item:
                visit(parent)
            state[code] = 2
            ordered.append(item)

        for item in self.items:
            if item.data.code:
                visit(item)
            else:
                ordered.append(item)
        return ordered

    def write(self) -> None:
        for item in self.items:
            try:
                unit_service.create_unit(self.session, item.data)
                self.report.count("units")
            except ValidationError as exc:
                self.errors.add_validation(item.row, exc, _UNIT_COLUMNS)
            except ServiceError as exc:
                self.errors.add(item.row, "", str(exc))
            self.step()


# --- log book -----------------------------------------------------------------------


@dataclass
class _VisitRow:
    row: int
    unit_id: str
    session_ref: str
    session_date: date | None
    session_kind: str
    presiding: str
    place: str
    citizen: citizen_service.CitizenInput | None
    visit: reception_service.VisitInput
    withheld: bool = False


@dataclass
class _SessionGroup:
    unit_id: str
    ref: str
    rows: list[_VisitRow]
    derived_ref: bool = False


_CITIZEN_COLUMNS = {"full_name": "citizen_name", "birth_year": "birth_year", "gender": "gender",
                    "id_number": "id_number", "address": "address", "phone": "phone"}
_SESSION_COLUMNS = {"session_date": "date", "kind": "session_kind",
                    "presiding_official_id": "presiding_official",
                    "presiding_name": "presiding_official", "place": "place",
                    "ref": "session_ref", "unit": "unit_code"}
_VISIT_COLUMNS = {"content": "content", "head_count": "head_count",
                  "representatives": "representatives", "citizen_id": "citizen_name",
                  "field_code": "field_code", "petition_type": "petition_type",
                  "handling": "handling", "previously_handled_by": "previously_handled_by",
                  "follow_up": "follow_up", "notes": "notes", "direction": "direction",
                  **_CITIZEN_COLUMNS}


class _LogbookImporter(_Importer):
    _withheld: dict[str, str]

    def parse(self) -> None:
        self._withheld = {}
        rows: list[_VisitRow] = []
        for row in self.table:
            c = self.cells(row)
            unit_id = self.unit_of(c)
            name = c.line("citizen_name")
            withheld = name == REDACTED
            citizen = None
            if name and not withheld:
                citizen = citizen_service.CitizenInput(
                    full_name=name,
                    birth_year=c.int("birth_year"),
                    gender=c.code(Gender, "gender"),
                    id_number=clean_id_number(c.text("id_number")),
                    address=c.line("address"),
                    phone=c.line("phone"),
                )
                _citizen_errors(c, citizen, _CITIZEN_COLUMNS, self.today)
            elif not withheld and (c.text("id_number") or c.text("birth_year")):
                c.error("citizen_name", _("Give the citizen's name with the ID number or "
                                          "birth year."))
            head_count = c.int("head_count", minimum=1) or 1
            representatives = c.text("representatives")
            if not representatives and reception_service.is_delegation(head_count) and name:
                # the person named on a delegation's row is its representative (or the
                # marker of an identity withheld)
                representatives = name
            visit = reception_service.VisitInput(
                content=c.required("content"),
                head_count=head_count,
                representatives=representatives,
                field_code=c.code("field_code", "field_code"),
                petition_type=c.code(PetitionType, "petition_type"),
                previously_handled_by=c.text("previously_handled_by"),
                handling=c.code(VisitHandling, "handling") or VisitHandling.NONE,
                direction=c.text("direction"),
                follow_up=c.text("follow_up"),
                notes=c.text("notes"),
            )
            session_date = c.date("date", required=True)
            session_kind = c.code(SessionKind, "session_kind") or SessionKind.REGULAR
            if unit_id is None:
                continue
            rows.append(_VisitRow(
                row=row.row,
                unit_id=unit_id,
                session_ref=c.line("session_ref"),
                session_date=session_date,
                session_kind=session_kind,
                presiding=c.line("presiding_official"),
                place=c.line("place"),
                citizen=citizen,
                visit=visit,
                withheld=withheld,
            ))
        self.groups = self._group(rows)
        self._check_groups()

    def _group(self, rows: list[_VisitRow]) -> list[_SessionGroup]:
        """Rows with the same unit and session_ref form one session.

        Rows without a session_ref form one session per unit, date, kind and
        presiding official; such a session's ref is its date (with "-2", "-3"
        when the same unit has several such sessions that day).
        """
        groups: dict[tuple, _SessionGroup] = {}
        for r in rows:
            if r.session_ref:
                key: tuple = (r.unit_id, "ref", r.session_ref)
            else:
                key = (r.unit_id, "date", r.session_date, r.session_kind, fold(r.presiding))
            group = groups.get(key)
            if group is None:
                group = groups[key] = _SessionGroup(r.unit_id, r.session_ref, [],
                                                    derived_ref=not r.session_ref)
            group.rows.append(r)
        used = {(g.unit_id, g.ref) for g in groups.values() if not g.derived_ref}
        for group in groups.values():
            if group.derived_ref and group.rows[0].session_date is not None:
                base = group.rows[0].session_date.isoformat()
                ref, n = base, 1
                while (group.unit_id, ref) in used:
                    n += 1
                    ref = f"{base}-{n}"
                group.ref = ref
                used.add((group.unit_id, ref))
        return list(groups.values())

    def _check_groups(self) -> None:
        existing = self.existing_refs(ReceptionSession,
                                      ((g.unit_id, g.ref) for g in self.groups))
        for group in self.groups:
            first = group.rows[0]
            for r in group.rows[1:]:
                if r.session_date is not None and first.session_date is not None \
                        and r.session_date != first.session_date:
                    self.errors.add(r.row, "date", _(
                        "The rows of session \u201c{ref}\u201d must have one date: its first "
                        "row ({row}) has {date}.").format(
                            ref=group.ref, row=first.row, date=first.session_date.isoformat()))
            if (group.unit_id, group.ref) in existing:
                column = "date" if group.derived_ref else "session_ref"
                self.errors.add(first.row, column, _(
                    "Session \u201c{ref}\u201d of this unit is already in the database (was the "
                    "file imported before?).").format(ref=group.ref))

    def write(self) -> None:
        """Every session and visit checked as ``create_session`` and ``add_visit`` check
        them, then written in bulk (module :mod:`.bulk`) with the same rows, citizens,
        search texts, protections and audit entries."""
        w = BulkWriter(self.session)
        people = Citizens(self.session, w)
        people.preload((r.citizen.full_name, r.citizen.address, r.citizen.id_number)
                       for g in self.groups for r in g.rows if r.citizen is not None)
        denied = _refusals(self.session, ("reception.edit", "citizens.edit"))
        fields = [c for c, _n in reference.field_choices(self.session)]
        columns = _VISIT_COLUMNS
        if "representatives" not in self.table.titles:
            # a delegation's representative is the name given on its row
            columns = columns | {"representatives": "citizen_name"}
        order = ("citizens", "protected_citizens", "reception_sessions", "visits",
                 "visit_attendees")
        for group in self.groups:
            first = group.rows[0]
            name = first.presiding
            data = reception_service.SessionInput(
                # (None when the cell is wrong: the service checks it as required)
                session_date=first.session_date,  # type: ignore[arg-type]
                kind=first.session_kind,
                place=first.place,
                presiding_official_id=self.official_of(group.unit_id, name),
                presiding_name=name,
                ref=group.ref,
            )
            try:
                if denied.get("reception.edit"):
                    raise PermissionDenied(denied["reception.edit"])
                presiding, ck = reception_service._check_session(self.session, data,
                                                                 self.today, group.unit_id)
                ck.raise_if_any()
            except ValidationError as exc:
                self.errors.add_validation(first.row, exc, _SESSION_COLUMNS)
                self.step(len(group.rows))
                continue
            except ServiceError as exc:
                self.errors.add(first.row, "", str(exc))
                self.step(len(group.rows))
                continue
            rs = w.new(ReceptionSession.__table__, "reception_session", {
                "unit_id": group.unit_id, "session_date": data.session_date,
                "kind": data.kind, "mode": data.mode, "place": clean(data.place),
                "presiding_official_id": presiding.id if presiding else None,
                "presiding_name": presiding.full_name if presiding
                else clean(data.presiding_name),
                "recorder_official_id": None, "notes": "", "ref": clean(data.ref),
                # as the session service writes it: the lists search it
                "search_text": session_search_text(
                    clean(data.ref), clean(data.place),
                    presiding.full_name if presiding else clean(data.presiding_name), "")})
            self.report.count("sessions")
            seq = 0
            for r in group.rows:
                try:
                    citizen = self._citizen_of(r, group.unit_id, people, denied)
                    _check_visit(r.visit, citizen is not None, fields)
                except ValidationError as exc:
                    self.errors.add_validation(r.row, exc, columns)
                except ServiceError as exc:
                    self.errors.add(r.row, "", str(exc))
                else:
                    seq += 1
                    self._visit(w, people, rs, seq, r.visit, citizen)
                    self.report.count("visits")
                self.step()
            if self.errors:
                w.rows.clear()  # nothing more is written; the rows are still checked
                w.audit = []
            elif w.pending >= PENDING:
                w.write(order)
        if not self.errors:
            w.write(order)

    def _citizen_of(self, r: _VisitRow, unit_id: str, people: Citizens,
                    denied: dict[str, str]) -> tuple[str, str] | None:
        """(id, full name) of the row's citizen, found or made (None: a delegation)."""
        if r.citizen is not None:
            found = people.find(unit_id, r.citizen)
            if found is not None:
                self.report.reused_citizens += 1
                return found, people.names[found]
            if denied.get("citizens.edit"):
                raise PermissionDenied(denied["citizens.edit"])
            cid = people.create(unit_id, r.citizen)
            self.report.count("citizens")
            return cid, people.names[cid]
        if r.withheld and not reception_service.is_delegation(r.visit.head_count):
            return self.withheld_citizen(unit_id, people, denied), REDACTED
        return None

    def _visit(self, w: BulkWriter, people: Citizens, rs: dict, seq: int,
               data: reception_service.VisitInput, citizen: tuple[str, str] | None) -> None:
        """The visit, its attendee and its search text as ``add_visit`` writes them."""
        delegation = reception_service.is_delegation(data.head_count)
        content = (data.content or "").strip()
        representatives = (data.representatives or "").strip()
        if data.petition_type == PetitionType.DENUNCIATION:
            search_text = visit_search_text(content, [])
        else:
            search_text = visit_search_text(content, [citizen[1]] if citizen else [],
                                            representatives)
        v = w.new(Visit.__table__, "visit", {
            "unit_id": rs["unit_id"], "session_id": rs["id"], "seq": seq,
            "visit_date": rs["session_date"], "citizen_id": citizen[0] if citizen else None,
            "head_count": data.head_count, "is_delegation": delegation,
            "representatives": representatives, "content": content,
            "field_code": data.field_code or None, "petition_type": data.petition_type or None,
            "previously_handled_by": (data.previously_handled_by or "").strip(),
            "handling": data.handling, "direction": (data.direction or "").strip(),
            "follow_up": (data.follow_up or "").strip(), "notes": (data.notes or "").strip(),
            "search_text": search_text})
        if citizen is not None:
            w.new(VisitAttendee.__table__, "visit_attendee", {
                "unit_id": rs["unit_id"], "visit_id": v["id"], "citizen_id": citizen[0],
                "seq": 1, "is_representative": delegation})
            if data.petition_type == PetitionType.DENUNCIATION:
                people.protect([citizen[0]])

    def withheld_citizen(self, unit_id: str, people: Citizens,
                         denied: dict[str, str]) -> str:
        """The unit's one stand-in citizen for visits exported without the identity (§4)."""
        if unit_id not in self._withheld:
            found = self.session.scalar(select(Citizen.id).where(
                Citizen.unit_id == unit_id, Citizen.full_name == REDACTED,
                Citizen.merged_into_id.is_(None)).limit(1))
            if found is None:
                if denied.get("citizens.edit"):
                    raise PermissionDenied(denied["citizens.edit"])
                found = people.create(unit_id, citizen_service.CitizenInput(
                    full_name=REDACTED))
                self.report.count("citizens")
            self._withheld[unit_id] = found
        return self._withheld[unit_id]


def _check_visit(data: reception_service.VisitInput, has_citizen: bool,
                 fields: list[str]) -> None:
    """``services.reception._check_visit`` for a visit whose citizen is known to exist
    (found or made by the import) or is absent (a delegation), with the fields read once."""
    ck = Checker()
    delegation = reception_service.check_visit_text(ck, data)
    if not has_citizen and not delegation:
        ck.add("citizen_id", _("Choose the citizen received, or enter a new one."))
    reception_service.check_visit_codes(ck, data, fields)
    ck.raise_if_any()


# --- petitions ----------------------------------------------------------------------

#: the status a handling leads to, and back
_STATUS_OF_HANDLING = {
    Handling.ACCEPT: Status.ACCEPTED,
    Handling.GUIDE: Status.GUIDED,
    Handling.FORWARD: Status.FORWARDED,
    Handling.URGE: Status.FORWARDED,
    Handling.ARCHIVE: Status.ARCHIVED,
    Handling.RETURN: Status.RETURNED,
}
_HANDLINGS_OF_STATUS = {
    Status.ACCEPTED: {Handling.ACCEPT},
    Status.IN_RESOLUTION: {Handling.ACCEPT},
    Status.RESOLVED: {Handling.ACCEPT},
    Status.GUIDED: {Handling.GUIDE},
    Status.FORWARDED: {Handling.FORWARD, Handling.URGE},
    Status.ARCHIVED: {Handling.ARCHIVE},
    Status.RETURNED: {Handling.RETURN},
    Status.CLOSED: set(Handling),
}
# a complaint's result written for a denunciation (the Vietnamese words are the same)
_AS_DENUNCIATION = {Result.CORRECT: Result.FOUNDED, Result.INCORRECT: Result.UNFOUNDED,
                    Result.PARTLY_CORRECT: Result.PARTLY_FOUNDED}

_PETITION_COLUMNS = {"received_date": "received_date", "petition_type": "type",
                     "content": "content", "source_code": "source", "field_code": "field_code",
                     "signers": "signers", "ref": "ref", "petitioners": "petitioner_name",
                     "full_name": "petitioner_name", "id_number": "id_number",
                     "address": "address", "phone": "phone", "complaint_round": "type",
                     "unit": "unit_code"}


@dataclass
class _PetitionRow:
    row: int
    unit_id: str
    data: petition_service.PetitionInput
    citizen: citizen_service.CitizenInput | None
    status: str
    handling: str | None
    handling_date: date | None
    handled_to: str
    result: str | None
    result_date: date | None
    decision_number: str


class _PetitionsImporter(_Importer):
    def parse(self) -> None:
        self.items: list[_PetitionRow] = []
        seen: dict[tuple[str, str], int] = {}
        for row in self.table:
            c = self.cells(row)
            unit_id = self.unit_of(c)
            ref = c.line("ref")
            ptype = c.code(PetitionType, "type", required=True)
            received = c.date("received_date", required=True)
            content = c.required("content")
            name = c.line("petitioner_name")
            withheld = name == REDACTED
            citizen = None
            petitioners = []
            if withheld:
                # exported without the denouncer's identity: keep the file's marker
                petitioners.append(petition_service.PetitionerInput(full_name=REDACTED))
            elif name:
                id_number = clean_id_number(c.text("id_number"))
                citizen = citizen_service.CitizenInput(
                    full_name=name, id_number=id_number, address=c.line("address"),
                    phone=c.line("phone"))
                _citizen_errors(c, citizen, _CITIZEN_COLUMNS | {"full_name": "petitioner_name"},
                                self.today)
                petitioners.append(petition_service.PetitionerInput(
                    full_name=name, id_number=id_number, address=citizen.address,
                    phone=citizen.phone))
            elif c.text("id_number") or c.text("address"):
                c.error("petitioner_name", _("Give the petitioner's name with the ID number or "
                                             "address."))
            data = petition_service.PetitionInput(
                # (None when the cell is wrong: the service checks it as required)
                received_date=received,  # type: ignore[arg-type]
                petition_type=ptype or "",
                content=content,
                source_code=c.code("source", "source") or "reception",
                field_code=c.code("field_code", "field_code"),
                ref=ref,
                signers=c.int("signers", minimum=1) or 1,
                petitioners=petitioners,
                anonymous=not petitioners,
            )
            item = self._lifecycle(c, data, unit_id, citizen)
            if unit_id is not None and ref:
                if (unit_id, ref) in seen:
                    c.error("ref", _("Petition \u201c{ref}\u201d is already in row {row}.")
                            .format(ref=ref, row=seen[(unit_id, ref)]))
                else:
                    seen[(unit_id, ref)] = row.row
            if item is not None:
                self.items.append(item)
        self._check_existing()

    def _lifecycle(self, c: _Cells, data: petition_service.PetitionInput, unit_id: str | None,
                   citizen: citizen_service.CitizenInput | None) -> _PetitionRow | None:
        handling = c.code(Handling, "handling")
        handling_date = c.date("handling_date")
        result_text = c.text("result")
        result = c.code(Result, "result")
        result_date = c.date("result_date")
        status = c.code(Status, "status")
        if status is None:
            if result:
                status = Status.RESOLVED
            elif handling:
                status = _STATUS_OF_HANDLING[Handling(handling)]
            else:
                status = Status.RECEIVED
        if handling is None and status in (Status.ACCEPTED, Status.IN_RESOLUTION,
                                           Status.RESOLVED):
            handling = Handling.ACCEPT
        if status in (Status.RECEIVED, Status.CLASSIFIED):
            if handling:
                c.error("status", _("A petition that is {status} has no handling yet, but the "
                                    "row gives \u201c{handling}\u201d.").format(
                                        status=label(Status, status).lower(),
                                        handling=c.text("handling")))
        elif not handling:
            c.error("handling", _("Give the handling of a petition that is {status}.").format(
                status=label(Status, status).lower()))
        elif Handling(handling) not in _HANDLINGS_OF_STATUS[Status(status)]:
            c.error("status", _("Status \u201c{status}\u201d does not follow the handling "
                                "\u201c{handling}\u201d.").format(status=c.text("status"),
                                                                   handling=c.text("handling")))
        if handling and handling_date is None and c.text("handling_date") == "":
            c.error("handling_date", _("Give the date of the handling."))
        if handling_date and not handling:
            c.error("handling", _("A handling date is given without the handling."))
        resolved = status == Status.RESOLVED or (status == Status.CLOSED
                                                 and handling == Handling.ACCEPT)
        if resolved:
            if not result:
                if not result_text:
                    c.error("result", _("Give the result of a resolved petition."))
            elif data.petition_type == PetitionType.DENUNCIATION and result in _AS_DENUNCIATION \
                    and fold(result_text) != fold(result):
                result = _AS_DENUNCIATION[Result(result)]
            if result_date is None and not c.text("result_date"):
                c.error("result_date", _("Give the date of the result."))
        elif result or result_date:
            c.error("result", _("A result is recorded only for a petition accepted and "
                                "resolved."))
        if unit_id is None:
            return None
        return _PetitionRow(
            row=c.n, unit_id=unit_id, data=data, citizen=citizen, status=status,
            handling=handling, handling_date=handling_date,
            handled_to=c.line("handled_to"), result=result, result_date=result_date,
            decision_number=c.line("decision_number"),
        )

    def _check_existing(self) -> None:
        existing = self.existing_refs(Petition, ((i.unit_id, i.data.ref) for i in self.items))
        for item in self.items:
            ref = item.data.ref
            if ref and (item.unit_id, ref) in existing:
                self.errors.add(item.row, "ref", _(
                    "Petition \u201c{ref}\u201d of this unit is already in the database (was "
                    "the file imported before?).").format(ref=ref))
            elif not ref and item.data.received_date and self._same_without_ref(item):
                self.errors.add(item.row, "content", _(
                    "The same petition (date received, type and content) is already in the "
                    "database (was the file imported before?)."))

    def _same_without_ref(self, item: _PetitionRow) -> bool:
        wanted = fold(item.data.content)
        contents = self.session.scalars(select(Petition.content).where(
            Petition.unit_id == item.unit_id,
            Petition.received_date == item.data.received_date,
            Petition.petition_type == item.data.petition_type,
        ))
        return any(fold(x) == wanted for x in contents)

    def write(self) -> None:
        """Every row checked as the services check it, then written in bulk (module
        :mod:`.bulk`): the same petitions, petitioners, history steps, due dates,
        protections and audit entries as one ``register_petition`` and one call per step
        each would have written."""
        writer = BulkWriter(self.session)
        people = self._people = Citizens(self.session, writer)
        people.preload((i.citizen.full_name, i.citizen.address, i.citizen.id_number)
                       for i in self.items if i.citizen is not None)
        self._calc = petition_service.Deadlines.of(self.session)
        self._choices = petition_service.input_choices(self.session)
        # the services' words, translated once for every row
        self._words = {"date": _("Date"), "received": _("the date received"),
                       "previous": _("the previous step"), "note": _("Note"),
                       "date_received": _("Date received")}
        # the units dissolved, read once: asking the unit of every row costs a query each
        # (the session keeps no unit it is not holding)
        self._dissolved_on = unit_service.dissolution_days(self.session)
        self._denied = _refusals(self.session, ("petitions.register", "petitions.classify",
                                                "petitions.handle", "petitions.resolve",
                                                "citizens.edit"))
        order = ("citizens", "petitions", "petitioners", "petition_events",
                 "protected_citizens")
        for item in self.items:
            self._write_one(item, writer, people)
            self.step()
            if self.errors:
                writer.rows.clear()  # nothing more is written; the rows are still checked
                writer.audit = []
            elif writer.pending >= PENDING:
                writer.write(order)
        if not self.errors:
            writer.write(order)

    def _write_one(self, item: _PetitionRow, w: BulkWriter, people: Citizens) -> None:
        denied = self._denied
        if item.citizen is not None:
            cid = people.find(item.unit_id, item.citizen)
            if cid is None:
                if denied.get("citizens.edit"):
                    self.errors.add(item.row, "", denied["citizens.edit"])
                    return
                cid = people.create(item.unit_id, item.citizen)
                self.report.count("citizens")
            else:
                self.report.reused_citizens += 1
            citizen_id: str | None = cid
        else:
            citizen_id = None
        data = item.data
        if denied.get("petitions.register"):
            self.errors.add(item.row, "", denied["petitions.register"])
            return
        try:
            petition_service._check_input(self.session, data, self.today, self._choices)
            dissolved_on = self._dissolved_on.get(item.unit_id)
            if dissolved_on is not None and data.received_date >= dissolved_on:
                unit_service.refuse_if_dissolved(self.session, item.unit_id,
                                                  data.received_date, "received_date",
                                                  self._words["date_received"])
        except ValidationError as exc:
            self.errors.add_validation(item.row, exc, _PETITION_COLUMNS)
            return
        if data.petitioners and citizen_id is not None:
            data.petitioners[0].citizen_id = citizen_id
        p = _Simulated(self, w, item)
        self.report.count("petitions")
        self.report.count("events")
        if item.status == Status.RECEIVED:
            return
        note = self.note(item.row)
        on = item.handling_date or item.data.received_date
        handling = item.handling
        steps: list[tuple[str, str, Callable[[], object]]] = [
            ("handling_date" if item.handling_date else "received_date", "petitions.classify",
             lambda: p.classify(handling not in (Handling.GUIDE, Handling.FORWARD,
                                                 Handling.URGE), on, note,
                                # the file records that this body accepted the complaint:
                                # at a Party committee that is a complaint about a Party
                                # discipline decision, the only one it resolves
                                # (rules.competence)
                                party_matter=(handling == Handling.ACCEPT
                                              and item.data.petition_type
                                              == PetitionType.COMPLAINT
                                              and self._party_unit(item.unit_id)))),
        ]
        if handling:
            handled_to = item.handled_to
            if not handled_to and handling in (Handling.GUIDE, Handling.FORWARD, Handling.URGE):
                handled_to = _("(not recorded in the imported file)")
            steps.append(("handling_date", "petitions.handle",
                          lambda: p.decide_handling(handling, on, handled_to, note)))
        resolved = item.status == Status.RESOLVED or (
            item.status == Status.CLOSED and handling == Handling.ACCEPT)
        if item.status == Status.IN_RESOLUTION or resolved:
            steps.append(("handling_date", "petitions.resolve", lambda: p.start(on, note)))
        if resolved:
            steps.append(("result_date", "petitions.resolve", lambda: p.record_result(
                item.result or "", item.result_date, item.decision_number, note)))
        if item.status == Status.CLOSED:
            closed_on = item.result_date if resolved else on
            steps.append(("result_date" if resolved else "handling_date", "petitions.resolve",
                          lambda: p.close(closed_on, note)))
        for column, permission, run in steps:
            columns = _PETITION_COLUMNS | {"date": column, "result": "result",
                                           "result_date": "result_date",
                                           "handling": "handling", "handled_to": "handling",
                                           "decision_date": "result_date"}
            try:
                if denied.get(permission):
                    raise PermissionDenied(denied[permission])
                run()
            except ValidationError as exc:
                self.errors.add_validation(item.row, exc, columns, default=column)
                return
            except TransitionError as exc:
                self.errors.add(item.row, "status", str(exc))
                return
            except ServiceError as exc:
                self.errors.add(item.row, column, str(exc))
                return
            self.report.count("events")


def _refusals(session: Session, permissions: tuple[str, ...]) -> dict[str, str]:
    """Why the acting user may not do each of ``permissions`` (absent: they may)."""
    out = {}
    for permission in permissions:
        try:
            require(session, permission)
        except PermissionDenied as exc:
            out[permission] = str(exc)
    return out


#: the columns of a petition its registration and lifecycle steps change
_CHANGING = ("status", "many_signers", "search_text", "next_due_date", "next_due_key",
             "eligible", "within_competence", "anonymous", "party_matter", "duplicate_of_id",
             "beyond_level", "long_running", "complexity", "handling", "handling_date",
             "handled_to", "accepted_date", "assigned_official_id", "result", "result_date",
             "decision_number", "decision_date", "closed_date", "petition_type", "field_code")


class _Simulated:
    """One petition as the services would write it, step by step, in memory: the row as
    it stands, what the last flush wrote of it (for its version and audit entries), its
    history steps. The checks and messages are the services' own (``services.petitions``):
    a step refused raises as the service would, before changing anything."""

    def __init__(self, importer: _PetitionsImporter, w: BulkWriter, item: _PetitionRow) -> None:
        self.w = w
        self.calc = importer._calc
        self.today = importer.today
        self.official_id = importer.official_id
        self.words = importer._words
        self.unit_kind = petition_service.Deadlines.of(importer.session).unit_kind
        data = item.data
        t = Petition.__table__
        # register_petition: the first INSERT …
        self.row = row = w.new(t, "petition", {
            "unit_id": item.unit_id, "status": str(Status.RECEIVED),
            "received_date": data.received_date, "petition_type": data.petition_type,
            "content": data.content.strip(), "source_code": data.source_code,
            "field_code": data.field_code or None, "ref": clean(data.ref),
            "forwarded_from": clean(data.forwarded_from), "signers": data.signers,
            "visit_id": data.visit_id or None, "complaint_round": data.complaint_round,
            "is_delegation": data.is_delegation, "anonymous": data.anonymous,
            "party_matter": False})
        self.flushed = dict(row)
        self.seq = 0
        self.last_date: date | None = None
        # … its petitioners and search text …
        self.people = []
        for i, person in enumerate(data.petitioners, start=1):
            full_name = clean(person.full_name)
            values = {"unit_id": item.unit_id, "petition_id": row["id"], "seq": i,
                      "citizen_id": person.citizen_id or None, "full_name": full_name,
                      "id_number": clean_id_number(person.id_number),
                      "address": clean(person.address), "phone": clean(person.phone),
                      "name_key": fold(person.full_name)}
            w.new(Petitioner.__table__, "petitioner", values)
            self.people.append(values)
        self._reindex()
        self._flush()
        # … its first step, its due date, and its denouncers protected
        self._event(data.received_date, None, str(Status.RECEIVED), self.official_id, "")
        self._refresh()
        self._flush()
        self._protect(importer)
        self._importer = importer

    # -- what the services do to the row -----------------------------------------------

    def _flush(self) -> None:
        self.w.changed("petition", self.row, self.flushed, _CHANGING)

    def _reindex(self) -> None:
        row = self.row
        row["many_signers"] = row["many_signers"] or (row["signers"] or 1) >= 5
        row["search_text"] = petition_search_text(
            row["ref"], row["content"],
            [(x["full_name"], x["id_number"], x["address"]) for x in self.people],
            denunciation=row["petition_type"] == PetitionType.DENUNCIATION)

    def _refresh(self) -> None:
        calc = self.calc
        # the row stands in for the petition: facts() reads its columns only (the
        # extensions are given)
        petition = cast(Petition, SimpleNamespace(**self.row))
        running = petition_deadlines(calc.facts(petition, []), calc.rules, calc.calendar)
        first = min(running, key=lambda d: d.due) if running else None
        self.row["next_due_date"] = first.due if first else None
        self.row["next_due_key"] = first.key if first else None

    def _protect(self, importer: _PetitionsImporter) -> None:
        if self.row["petition_type"] == PetitionType.DENUNCIATION:
            ids = [x["citizen_id"] for x in self.people if x["citizen_id"]]
            if ids:
                importer._people.protect(ids)

    def _event(self, on: date, from_status: str | None, to_status: str | None,
               official_id: str | None, note: str) -> None:
        self.seq += 1
        row = self.row
        self.w.new(PetitionEvent.__table__, "petition_event", {
            "unit_id": row["unit_id"], "petition_id": row["id"], "seq": self.seq,
            "kind": str(EventKind.TRANSITION), "event_date": on, "from_status": from_status,
            "to_status": to_status, "official_id": official_id, "note": note.strip()})
        self.last_date = on if self.last_date is None else max(self.last_date, on)

    def _step(self, action: str, on: date | None, note: str, ck: Checker) -> None:
        row = self.row
        if not lifecycle.can(row["status"], action):
            raise petition_service._refuse(SimpleNamespace(status=row["status"]), action)
        words = self.words
        ck.required("date", on, words["date"])
        ck.not_future("date", on, words["date"], self.today)
        ck.not_before("date", on, row["received_date"], words["date"], words["received"])
        ck.not_before("date", on, self.last_date, words["date"], words["previous"])
        ck.max_length("note", note, NOTE_LENGTH, words["note"])
        ck.raise_if_any()
        assert on is not None
        target = str(lifecycle.ACTIONS[action].to_status)
        before = row["status"]
        row["status"] = target
        self._flush()
        self._event(on, before, target, self.official_id, note)
        self.w.entry("transition", "petition", row["id"], row["unit_id"],
                     {"action": action, "status": [before, target], "date": on.isoformat(),
                      "official_id": self.official_id})

    # -- the steps (services.petitions' classify, decide_handling, …) -------------------

    def classify(self, within_competence: bool, on: date, note: str,
                 party_matter: bool = False) -> None:
        self._step("classify", on, note, Checker())
        row = self.row
        row.update(eligible=True, within_competence=within_competence,
                   duplicate_of_id=None, many_signers=False, beyond_level=False,
                   long_running=False, complexity=0, party_matter=party_matter)
        self._reindex()
        self._refresh()
        self._flush()

    def decide_handling(self, handling: str, on: date, handled_to: str, note: str) -> None:
        row = self.row
        action = lifecycle.ACTION_OF_HANDLING.get(handling)
        ck = Checker()
        if action is None:
            ck.add("handling", _("Choose how the petition is handled."))
            ck.raise_if_any()
        assert action is not None
        if action in ("guide", "forward", "urge") and not clean(handled_to):
            ck.add("handled_to", _("Name the body the petitioner is guided to or the "
                                   "petition is sent to."))
        if action == "accept" and row["eligible"] is False:
            ck.add("handling", _("An ineligible petition cannot be accepted for resolution."))
        if action == "accept" and row["within_competence"] is False:
            ck.add("handling", _("A petition outside the unit's competence cannot be "
                                 "accepted; guide the petitioner or forward it."))
        if lifecycle.can(row["status"], action):  # what the law refuses (services' check)
            why = competence.refusal(action, competence.PetitionCase(
                petition_type=row["petition_type"],
                unit_kind=self.unit_kind(row["unit_id"]),
                anonymous=bool(row.get("anonymous")), duplicate_in_resolution=None,
                party_matter=bool(row.get("party_matter"))))
            if why:
                ck.add("handling", why)
        self._step(action, on, note, ck)
        row.update(handling=handling, handling_date=on, handled_to=clean(handled_to))
        if action == "accept":
            row["accepted_date"] = on
            row["assigned_official_id"] = self.official_id or row["assigned_official_id"]
        self._refresh()
        self._flush()

    def start(self, on: date, note: str) -> None:
        self._step("start", on, note, Checker())
        self._refresh()
        self._flush()

    def record_result(self, result: str, result_date: date | None, decision_number: str,
                      note: str) -> None:
        row = self.row
        if not lifecycle.can(row["status"], "resolve"):
            raise petition_service._refuse(SimpleNamespace(status=row["status"]), "resolve")
        ck = Checker()
        allowed = results_for(row["petition_type"])
        ck.code("result", result, [str(r) for r in allowed], _("Result"))
        ck.not_before("result_date", result_date, row["accepted_date"], _("Result date"),
                      _("the date accepted"))
        self._step("resolve", result_date, note, ck)
        row.update(result=result, result_date=result_date,
                   decision_number=clean(decision_number), decision_date=None)
        self._refresh()
        self._flush()

    def close(self, on: date | None, note: str) -> None:
        self._step("close", on, note, Checker())
        self.row["closed_date"] = on
        self._refresh()
        self._flush()


# --- meetings -----------------------------------------------------------------------

_MEETING_COLUMNS = {"meeting_date": "date", "kind": "kind", "chaired_by_id": "chaired_by",
                    "chaired_by_name": "chaired_by", "place": "place", "content": "content",
                    "ref": "ref", "unit": "unit_code", "participants": "participants",
                    "conclusions": "conclusions"}


@dataclass
class _MeetingRow:
    row: int
    unit_id: str
    data: meeting_service.MeetingInput
    notice_number: str
    notice_date: date | None


class _MeetingsImporter(_Importer):
    def parse(self) -> None:
        self.items: list[_MeetingRow] = []
        seen: dict[tuple[str, str], int] = {}
        for row in self.table:
            c = self.cells(row)
            unit_id = self.unit_of(c)
            data = meeting_service.MeetingInput(
                # (None when the cell is wrong: the service checks it as required)
                meeting_date=c.date("date", required=True),  # type: ignore[arg-type]
                kind=c.code(MeetingKind, "kind") or MeetingKind.REGULAR,
                chaired_by_name=c.line("chaired_by"),
                place=c.line("place"),
                participants=c.text("participants"),
                content=c.required("content"),
                conclusions=c.text("conclusions"),
                ref=c.line("ref"),
            )
            notice_number = c.line("notice_number")
            notice_date = c.date("notice_date")
            if notice_number and not data.conclusions:
                c.error("conclusions", _("Give the conclusions announced in notice "
                                         "\u201c{number}\u201d.").format(number=notice_number))
            if unit_id is None:
                continue
            if data.ref:
                if (unit_id, data.ref) in seen:
                    c.error("ref", _("Meeting \u201c{ref}\u201d is already in row {row}.")
                            .format(ref=data.ref, row=seen[(unit_id, data.ref)]))
                else:
                    seen[(unit_id, data.ref)] = row.row
            self.items.append(_MeetingRow(row.row, unit_id, data, notice_number, notice_date))
        existing = self.existing_refs(WorkingMeeting,
                                      ((i.unit_id, i.data.ref) for i in self.items))
        for item in self.items:
            if item.data.ref and (item.unit_id, item.data.ref) in existing:
                self.errors.add(item.row, "ref", _(
                    "Meeting \u201c{ref}\u201d of this unit is already in the database (was the "
                    "file imported before?).").format(ref=item.data.ref))
            elif not item.data.ref and item.data.meeting_date and self._same_without_ref(item):
                self.errors.add(item.row, "content", _(
                    "The same meeting (date and content) is already in the database (was the "
                    "file imported before?)."))

    def _same_without_ref(self, item: _MeetingRow) -> bool:
        wanted = fold(item.data.content)
        contents = self.session.scalars(select(WorkingMeeting.content).where(
            WorkingMeeting.unit_id == item.unit_id,
            WorkingMeeting.meeting_date == item.data.meeting_date))
        return any(fold(x) == wanted for x in contents)

    def write(self) -> None:
        for item in self.items:
            item.data.chaired_by_id = self.official_of(item.unit_id, item.data.chaired_by_name)
            try:
                m = meeting_service.create_meeting(self.session, item.unit_id, item.data,
                                                   today=self.today)
                self.report.count("meetings")
                if item.notice_number:
                    meeting_service.issue_notice(
                        self.session,
                        meeting_service.NoticeInput(
                            number=item.notice_number,
                            issued_on=item.notice_date or item.data.meeting_date,
                            content=item.data.conclusions,
                            signed_by_id=item.data.chaired_by_id,
                        ),
                        meeting_id=m.id,
                        today=self.today,
                    )
                    self.report.count("notices")
            except ValidationError as exc:
                self.errors.add_validation(
                    item.row, exc,
                    _MEETING_COLUMNS | {"number": "notice_number",
                                        "issued_on": "notice_date" if item.notice_date
                                        else "date",
                                        "content": "content" if not item.notice_number
                                        else "conclusions"})
            except ServiceError as exc:
                self.errors.add(item.row, "", str(exc))
            self.step()


# --- inspections --------------------------------------------------------------------

_INSPECTION_COLUMNS = {"inspection_date": "date", "body": "body", "kind": "kind",
                       "organisations": "organisations", "organisation_count": "organisations",
                       "members": "members", "member_count": "members", "content": "content",
                       "findings": "findings", "conclusions": "conclusions", "ref": "ref",
                       "unit": "unit_code"}


@dataclass
class _InspectionRow:
    row: int
    unit_id: str
    data: inspection_service.InspectionInput


class _InspectionsImporter(_Importer):
    def parse(self) -> None:
        self.items: list[_InspectionRow] = []
        seen: dict[tuple[str, str], int] = {}
        for row in self.table:
            c = self.cells(row)
            unit_id = self.unit_of(c)
            data = inspection_service.InspectionInput(
                # (None when the cell is wrong: the service checks it as required)
                inspection_date=c.date("date", required=True),  # type: ignore[arg-type]
                body=c.code(InspectionBody, "body") or InspectionBody.STANDING_COMMITTEE,
                kind=c.code(InspectionKind, "kind") or InspectionKind.INSPECTION,
                organisations=c.text("organisations"),
                members=c.text("members"),
                content=c.required("content"),
                findings=c.text("findings"),
                violations_found=bool(c.yes_no("violations_found")),
                conclusions=c.text("conclusions"),
                ref=c.line("ref"),
            )
            if unit_id is None:
                continue
            if data.ref:
                if (unit_id, data.ref) in seen:
                    c.error("ref", _("Inspection \u201c{ref}\u201d is already in row {row}.")
                            .format(ref=data.ref, row=seen[(unit_id, data.ref)]))
                else:
                    seen[(unit_id, data.ref)] = row.row
            self.items.append(_InspectionRow(row.row, unit_id, data))
        existing = self.existing_refs(Inspection, ((i.unit_id, i.data.ref) for i in self.items))
        for item in self.items:
            if item.data.ref and (item.unit_id, item.data.ref) in existing:
                self.errors.add(item.row, "ref", _(
                    "Inspection \u201c{ref}\u201d of this unit is already in the database (was "
                    "the file imported before?).").format(ref=item.data.ref))
            elif not item.data.ref and item.data.inspection_date and self._same_without_ref(item):
                self.errors.add(item.row, "content", _(
                    "The same inspection (date and content) is already in the database (was "
                    "the file imported before?)."))

    def _same_without_ref(self, item: _InspectionRow) -> bool:
        wanted = fold(item.data.content)
        contents = self.session.scalars(select(Inspection.content).where(
            Inspection.unit_id == item.unit_id,
            Inspection.inspection_date == item.data.inspection_date))
        return any(fold(x) == wanted for x in contents)

    def write(self) -> None:
        for item in self.items:
            try:
                inspection_service.create_inspection(self.session, item.unit_id, item.data,
                                                     today=self.today)
                self.report.count("inspections")
            except ValidationError as exc:
                self.errors.add_validation(item.row, exc, _INSPECTION_COLUMNS)
            except ServiceError as exc:
                self.errors.add(item.row, "", str(exc))
            self.step()


_IMPORTERS: dict[str, type[_Importer]] = {
    "units": _UnitsImporter,
    "logbook": _LogbookImporter,
    "petitions": _PetitionsImporter,
    "meetings": _MeetingsImporter,
    "inspections": _InspectionsImporter,
}

__all__ = ["REDACTED", "ImportCancelled", "ImportFailed", "ImportReport", "RowError",
           "import_file"]
