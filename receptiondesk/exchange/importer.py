"""Importing the interchange files of DESIGN §8, all or nothing.

:func:`import_file` reads the whole file, parses and checks every row, and only
then writes through the services (so every record gets the same checks, keys,
events and deadlines as one typed in a form), inside a SAVEPOINT. Any bad row —
in the file or refused by a service — rolls everything back and raises
:class:`ImportFailed` listing every problem as "row, column, reason".

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
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..i18n import _, ngettext
from ..model import Citizen, Inspection, Petition, ReceptionSession, Unit, WorkingMeeting
from ..model.codes import (
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
)
from ..services import audit
from ..services import citizens as citizen_service
from ..services import inspections as inspection_service
from ..services import meetings as meeting_service
from ..services import petitions as petition_service
from ..services import reception as reception_service
from ..services import units as unit_service
from ..services.accounts import require
from ..services.errors import ServiceError, TransitionError, ValidationError
from ..services.validation import clean, clean_id_number
from ..text import fold
from . import KINDS
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
        for group in self.groups:
            first = group.rows[0]
            name = first.presiding
            data = reception_service.SessionInput(
                session_date=first.session_date,  # type: ignore[arg-type]
                kind=first.session_kind,
                place=first.place,
                presiding_official_id=self.official_of(group.unit_id, name),
                presiding_name=name,
                ref=group.ref,
            )
            try:
                rs = reception_service.create_session(self.session, group.unit_id, data,
                                                      today=self.today)
            except ValidationError as exc:
                self.errors.add_validation(first.row, exc, _SESSION_COLUMNS)
                self.step(len(group.rows))
                continue
            except ServiceError as exc:
                self.errors.add(first.row, "", str(exc))
                self.step(len(group.rows))
                continue
            self.report.count("sessions")
            for r in group.rows:
                try:
                    if r.citizen is not None:
                        r.visit.citizen_id = self.citizen_for(group.unit_id, r.citizen)
                    elif r.withheld and not reception_service.is_delegation(r.visit.head_count):
                        r.visit.citizen_id = self.withheld_citizen(group.unit_id)
                    reception_service.add_visit(self.session, rs.id, r.visit, today=self.today)
                    self.report.count("visits")
                except ValidationError as exc:
                    columns = _VISIT_COLUMNS
                    if "representatives" not in self.table.titles:
                        # a delegation's representative is the name given on its row
                        columns = columns | {"representatives": "citizen_name"}
                    self.errors.add_validation(r.row, exc, columns)
                except ServiceError as exc:
                    self.errors.add(r.row, "", str(exc))
                self.step()

    def withheld_citizen(self, unit_id: str) -> str:
        """The unit's one stand-in citizen for visits exported without the identity (§4)."""
        if unit_id not in self._withheld:
            found = self.session.scalar(select(Citizen.id).where(
                Citizen.unit_id == unit_id, Citizen.full_name == REDACTED,
                Citizen.merged_into_id.is_(None)).limit(1))
            if found is None:
                found = citizen_service.create_citizen(
                    self.session, unit_id, citizen_service.CitizenInput(full_name=REDACTED),
                    today=self.today).id
                self.report.count("citizens")
            self._withheld[unit_id] = found
        return self._withheld[unit_id]


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
        for item in self.items:
            try:
                self._write_one(item)
            except ValidationError as exc:
                self.errors.add_validation(item.row, exc, _PETITION_COLUMNS)
            except ServiceError as exc:
                self.errors.add(item.row, "", str(exc))
            self.step()

    def _write_one(self, item: _PetitionRow) -> None:
        if item.citizen is not None:
            try:
                item.data.petitioners[0].citizen_id = self.citizen_for(item.unit_id, item.citizen)
            except ValidationError as exc:
                self.errors.add_validation(item.row, exc, _CITIZEN_COLUMNS
                                           | {"full_name": "petitioner_name"})
                return
        p = petition_service.register_petition(
            self.session, item.unit_id, item.data, official_id=self.official_id, today=self.today
        )
        self.report.count("petitions")
        self.report.count("events")
        if item.status == Status.RECEIVED:
            return
        pid, note, official = p.id, self.note(item.row), self.official_id
        on = item.handling_date or item.data.received_date
        handling = item.handling
        steps: list[tuple[str, Callable[[], object]]] = [
            ("handling_date" if item.handling_date else "received_date",
             lambda: petition_service.classify(
                 self.session, pid,
                 petition_service.Classification(
                     eligible=True,
                     within_competence=handling not in (Handling.GUIDE, Handling.FORWARD,
                                                        Handling.URGE),
                     anonymous=item.data.anonymous,
                     # the file records that this body accepted the complaint: at a Party
                     # committee that is a complaint about a Party discipline decision, the
                     # only one it resolves (rules.competence)
                     party_matter=(handling == Handling.ACCEPT
                                   and item.data.petition_type == PetitionType.COMPLAINT
                                   and self._party_unit(item.unit_id)),
                 ),
                 on, official, note, today=self.today)),
        ]
        if handling:
            handled_to = item.handled_to
            if not handled_to and handling in (Handling.GUIDE, Handling.FORWARD, Handling.URGE):
                handled_to = _("(not recorded in the imported file)")
            steps.append(("handling_date", lambda: petition_service.decide_handling(
                self.session, pid, handling, on, official, handled_to, note, today=self.today)))
        resolved = item.status == Status.RESOLVED or (
            item.status == Status.CLOSED and handling == Handling.ACCEPT)
        if item.status == Status.IN_RESOLUTION or resolved:
            steps.append(("handling_date", lambda: petition_service.start_resolution(
                self.session, pid, on, official, note, today=self.today)))
        if resolved:
            steps.append(("result_date", lambda: petition_service.record_result(
                self.session, pid, item.result or "", item.result_date,  # type: ignore[arg-type]
                item.decision_number, None, official, note, today=self.today)))
        if item.status == Status.CLOSED:
            closed_on = item.result_date if resolved else on
            steps.append(("result_date" if resolved else "handling_date",
                          lambda: petition_service.close_petition(
                              self.session, pid, closed_on, official, note,  # type: ignore
                              today=self.today)))
        for column, run in steps:
            columns = _PETITION_COLUMNS | {"date": column, "result": "result",
                                           "result_date": "result_date",
                                           "handling": "handling", "handled_to": "handling",
                                           "decision_date": "result_date"}
            try:
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
