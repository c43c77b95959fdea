"""What every importer shares: the row errors and the import's report, reading a row's
cells with their checks, and the base class that walks a file's rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _, ngettext
from ..model import Unit
from ..services import citizens as citizen_service
from ..services import petitions as petition_service
from ..services import units as unit_service
from ..services.accounts import require
from ..services.errors import PermissionDenied, ServiceError, ValidationError
from ..services.validation import clean
from ..text import fold
from .tables import CodeReader, Table, TableRow, ValueProblem, parse_date, parse_int, parse_yes_no

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


class ErrorList:
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


# --- the row parser -----------------------------------------------------------------


class RowCells:
    """Typed access to one row's cells; problems go to the error list."""

    def __init__(self, row: TableRow, errors: ErrorList, codes: CodeReader, today: date) -> None:
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


class Importer:
    """One import: ``parse`` checks the rows, ``write`` calls the services."""

    #: the record type counted in the report
    record = ""

    def __init__(self, session: Session, table: Table, errors: ErrorList, report: ImportReport,
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

    def unit_of(self, cells: RowCells) -> str | None:
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

    def cells(self, row: TableRow) -> RowCells:
        return RowCells(row, self.errors, self.codes, self.today)


def citizen_errors(cells: RowCells, data: citizen_service.CitizenInput, columns: dict[str, str],
                    today: date) -> None:
    for fe in citizen_service.check_citizen(data, today):
        cells.error(columns.get(fe.field, ""), fe.message)


CITIZEN_COLUMNS = {"full_name": "citizen_name", "birth_year": "birth_year", "gender": "gender",
                    "id_number": "id_number", "address": "address", "phone": "phone"}


def refusals(session: Session, permissions: tuple[str, ...]) -> dict[str, str]:
    """Why the acting user may not do each of ``permissions`` (absent: they may)."""
    out = {}
    for permission in permissions:
        try:
            require(session, permission)
        except PermissionDenied as exc:
            out[permission] = str(exc)
    return out
