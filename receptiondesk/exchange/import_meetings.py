"""Importing working meetings, written through ``services.meetings``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..i18n import _
from ..model import WorkingMeeting
from ..model.codes import MeetingKind
from ..services import meetings as meeting_service
from ..services.errors import ServiceError, ValidationError
from ..text import fold
from .import_rows import Importer

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


class MeetingsImporter(Importer):
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
