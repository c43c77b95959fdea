"""The log book (Form 03 of Circular 04/2021/TT-TTCP) as an Excel workbook.

The same rows as the printed book (``logbook.log_rows``: redaction included), with the
Form 03 headings in the document's language, real dates and numbers, and the rows
streamed into a write-only workbook so a province's book never sits in memory.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from sqlalchemy.orm import Session

from ..exchange.cells import text_cell
from ..files import replace_file
from ..i18n import _
from ..model.codes import VisitHandling
from ..services.protection import Shield
from .layout import document_language
from .logbook import handling_label, log_rows

#: (heading, width in characters) of the twelve Form 03 columns, handling split in three
_WIDTHS = (6, 12, 32, 15, 60, 18, 22, 10, 10, 10, 20, 16)
_HANDLING_COLUMNS = (VisitHandling.ACCEPT, VisitHandling.GUIDE, VisitHandling.FORWARD)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _headings() -> tuple[list[str], list[str]]:
    top = [_("No."), _("Date of reception"), _("Full name and address"), _("ID number"),
           _("Content of the case"), _("Type of petition; number of people"),
           _("Body that already handled it"), _("Handling direction"), "", "",
           _("Follow-up of the result"), _("Notes")]
    second = [""] * 7 + [handling_label(h) for h in _HANDLING_COLUMNS] + ["", ""]
    return top, second


def _cell(sheet, value, *, bold: bool = False, head: bool = False,
          number_format: str | None = None) -> WriteOnlyCell:
    # text through the one guard against formulas (a name or content may begin with "=")
    cell = text_cell(sheet, value) if isinstance(value, str) else WriteOnlyCell(sheet, value=value)
    cell.border = _BOX
    cell.alignment = _HEAD if head else _WRAP
    if bold:
        cell.font = Font(bold=True)
    if number_format:
        cell.number_format = number_format
    return cell


def write_logbook_xlsx(
    session: Session,
    unit_ids: list[str],
    date_from: date | None,
    date_to: date | None,
    path: str | Path,
    lang: str | None = None,
    cleared: bool = False,
    shield: Shield | None = None,
) -> int:
    """Write the log book for a period to ``path``; returns the number of rows. ``shield``
    as in :func:`log_rows`."""
    path = Path(path)
    book = Workbook(write_only=True)
    with document_language(lang):
        sheet = book.create_sheet(_("Log book"))
        for i, width in enumerate(_WIDTHS):
            sheet.column_dimensions[chr(ord("A") + i)].width = width
        top, second = _headings()
        sheet.append([_cell(sheet, t, bold=True, head=True) for t in top])
        sheet.append([_cell(sheet, t, bold=True, head=True) for t in second])
        count = 0
        for row in log_rows(session, unit_ids, date_from, date_to, cleared=cleared,
                            shield=shield):
            marks = ["x" if row.handling == h else "" for h in _HANDLING_COLUMNS]
            sheet.append([
                _cell(sheet, row.number),
                _cell(sheet, row.visit_date, number_format="DD/MM/YYYY"),
                _cell(sheet, row.name_address),
                _cell(sheet, row.id_number),
                _cell(sheet, row.content),
                _cell(sheet, row.type_count),
                _cell(sheet, row.handled_by),
                *[_cell(sheet, m) for m in marks],
                _cell(sheet, row.follow_up),
                _cell(sheet, row.notes),
            ])
            count += 1
    tmp = path.with_name(path.name + ".part")
    book.save(tmp)
    replace_file(tmp, path)
    return count
