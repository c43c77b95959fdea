"""Importing units: the office's tree of units, checked like ``services.units``."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _
from ..model.codes import Level, UnitKind
from ..services import units as unit_service
from ..services.errors import ServiceError, ValidationError
from .import_rows import Importer

# --- units --------------------------------------------------------------------------


@dataclass
class _UnitRow:
    row: int
    data: unit_service.UnitInput


_UNIT_COLUMNS = {"code": "code", "name": "name", "level": "level", "kind": "kind",
                 "parent_code": "parent_code", "place_name": "place_name",
                 "parent_body_name": "parent_body_name", "national_code": "national_code"}


class UnitsImporter(Importer):
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
