"""Importing inspections and supervisions, written through ``services.inspections``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..i18n import _
from ..model import Inspection
from ..model.codes import InspectionBody, InspectionKind
from ..services import inspections as inspection_service
from ..services.errors import ServiceError, ValidationError
from ..text import fold
from .import_rows import Importer

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


class InspectionsImporter(Importer):
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
