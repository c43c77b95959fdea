"""The citizen reception log book (sổ tiếp công dân, Form 03 of Circular 04/2021/TT-TTCP).

One row per visit, A4 landscape, the column headings repeated at the top of every
page: row number, date, name and address, ID number, content, petition type and
head count, the body that already handled it, the handling (accepted / guided /
forwarded), follow-up and notes.

The rows are streamed: the table pulls visits from the database a page of rows
at a time (:func:`receptiondesk.services.reception.list_visits`), so a province's
book never sits in memory whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _, format_date, ngettext
from ..model import Petition, Unit, Visit
from ..model.codes import PetitionType, VisitHandling, label
from ..services import protection
from ..services.reception import VisitFilter, list_visits
from ..services.units import get_unit
from . import fonts
from .layout import (
    DocumentHeader,
    document_language,
    frame_height,
    frame_width,
    handling_label,
    header_flowables,
    new_doc,
    para,
    redacted,
    styles,
    title_flowables,
    writing_word,
)

#: visits fetched from the database at a time
CHUNK = 500
#: column widths in mm (sum: the landscape text width, 252 mm)
# Content is the widest column: it carries most of the text of a row.
COLUMNS_MM = (8, 19, 33, 24, 54, 22, 20, 16, 16, 16, 14, 10)
CELL_PAD = 2.5
CELL_SIZE = 10
CELL_LEADING = 12
HEAD_SIZE = 9
#: columns whose text is centred: number, date, type and count, the handling marks
CENTRED = frozenset({0, 1, 5, 7, 8, 9})


@dataclass(frozen=True)
class LogRow:
    """One row of the book, as printed."""

    number: int
    visit_date: date
    name_address: str
    id_number: str
    content: str
    type_count: str
    handled_by: str
    handling: str
    follow_up: str
    notes: str


def _confidential_visits(session: Session, visits: list[Visit]) -> set[str]:
    found = {v.id for v in visits if v.petition_type == PetitionType.DENUNCIATION}
    ids = [v.id for v in visits if v.id not in found]
    if ids:
        found |= set(session.scalars(select(Petition.visit_id).where(
            Petition.visit_id.in_(ids), Petition.petition_type == PetitionType.DENUNCIATION)))
    return found


def log_rows(
    session: Session,
    unit_ids: list[str],
    date_from: date | None,
    date_to: date | None,
    cleared: bool = False,
    chunk: int = CHUNK,
    shield: protection.Shield | None = None,
) -> Iterator[LogRow]:
    """The book's rows in log order, fetched ``chunk`` visits at a time, as ``shield`` (by
    default the acting user's) lets the reader see them."""
    if shield is None:
        shield = protection.shield(session, cleared=cleared and protection.identity_visible())
    cleared = shield.cleared
    f = VisitFilter(unit_ids=unit_ids, date_from=date_from, date_to=date_to)
    offset = 0
    number = 0
    while True:
        visits = list_visits(session, f, offset=offset, limit=chunk, descending=False)
        if not visits:
            return
        protected = _confidential_visits(session, visits)
        if cleared:
            protection.note_identity_views(session, "visit", visits, "logbook", protected)
        else:  # a protected person's other visits too
            protected |= {v.id for v in visits if v.citizen is not None
                          and shield.person(v.citizen.full_name, v.citizen.id_number,
                                            v.citizen.phone).hidden}
            citizens = protection.protected_citizen_ids(
                session, [v.citizen_id for v in visits if v.citizen_id])
            protected |= {v.id for v in visits if v.citizen_id in citizens}
        for v in visits:
            number += 1
            yield _row(number, v, not cleared and v.id in protected, shield)
        offset += len(visits)
        if len(visits) < chunk:
            return


def _row(number: int, v: Visit, confidential: bool, shield: protection.Shield) -> LogRow:
    c = v.citizen
    if confidential:
        who, id_number = redacted(), ""
    elif v.is_delegation:
        reps = ", ".join(x for x in (v.representatives or "").replace("\n", ";").split(";")
                         if x.strip())
        who = _("Delegation of {count}").format(count=v.head_count)
        if reps:
            who += "\n" + _("Representatives: {names}").format(names=reps)
        if c is not None and c.address:
            who += "\n" + c.address
        id_number = (c.id_number or "") if c is not None else ""
    elif c is not None:
        who = c.full_name + (f"\n{c.address}" if c.address else "")
        id_number = c.id_number or ""
    else:
        who, id_number = "", ""
    kind = label(PetitionType, v.petition_type) if v.petition_type else ""
    count = v.head_count or 1
    people = ngettext("{count} person", "{count} people", count).format(count=count)
    return LogRow(
        number=number,
        visit_date=v.visit_date,
        name_address=shield.text(who),
        id_number=shield.text(id_number),
        content=shield.text(v.content),
        type_count=f"{kind}\n{people}" if kind else people,
        handled_by=shield.text(v.previously_handled_by),
        handling=v.handling or VisitHandling.NONE,
        follow_up=shield.text(v.follow_up),
        notes=shield.text(v.notes),
    )


# --- the streamed table ---------------------------------------------------------------------

#: a row of the book as laid out: the lines of each cell, and the row's height
Row = tuple[list[list[str]], float]


class RowsBlock(Flowable):
    """One page's worth of the book: the heading rows (a table) and the rows under them.

    The rows are plain text drawn straight onto the page with one text object, which
    is several times quicker than a table of paragraphs for thousands of cells.
    """

    def __init__(self, heading: Table, heading_height: float, rows: list[Row],
                 col_widths: list[float], centred: frozenset[int]) -> None:
        super().__init__()
        self.heading = heading
        self.heading_height = heading_height
        self.rows = rows
        self.col_widths = col_widths
        self.centred = centred
        self.body_height = sum(h for _c, h in rows)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = sum(self.col_widths)
        self.height = self.heading_height + self.body_height
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        self.heading.wrapOn(canv, self.width, self.heading_height)
        self.heading.drawOn(canv, 0, self.body_height)
        xs = [0.0]
        for w in self.col_widths:
            xs.append(xs[-1] + w)
        face = pdfmetrics.getFont(fonts.REGULAR)
        ascent = face.face.ascent / 1000 * CELL_SIZE
        text_obj = canv.beginText()
        text_obj.setFont(fonts.REGULAR, CELL_SIZE, CELL_LEADING)
        path = canv.beginPath()
        top = self.body_height
        for cells, height in self.rows:
            for col, lines in enumerate(cells):
                y = top - CELL_PAD - ascent
                for line in lines:
                    if col in self.centred:
                        x = xs[col] + (self.col_widths[col] - face.stringWidth(line, CELL_SIZE)) / 2
                    else:
                        x = xs[col] + CELL_PAD
                    text_obj.setTextOrigin(x, y)
                    text_obj.textOut(line)
                    y -= CELL_LEADING
            top -= height
            path.moveTo(0, top)
            path.lineTo(self.width, top)
        for x in xs:
            path.moveTo(x, 0)
            path.lineTo(x, self.body_height)
        canv.drawText(text_obj)
        canv.saveState()
        canv.setLineWidth(0.5)
        canv.drawPath(path, stroke=1, fill=0)
        canv.restoreState()


class StreamedTable(Flowable):
    """A table whose rows come from an iterator, laid out a page at a time.

    At each frame it pulls just the rows that fit below the repeated heading rows and
    emits them as one :class:`RowsBlock`, then goes on with the rest: only about a
    page of rows is held at a time.
    """

    def __init__(self, heading: list[list], heading_style: list, rows: Iterator[Row],
                 col_widths: list[float], centred: frozenset[int], full_height: float) -> None:
        super().__init__()
        self.heading_rows = heading
        self.heading_style = heading_style
        self.rows = rows
        self.col_widths = col_widths
        self.centred = centred
        self.full_height = full_height
        self._buffer: list[Row] = []
        self._heading: float | None = None
        self._done = False
        #: rows laid out so far
        self.count = 0

    def _heading_table(self) -> Table:
        t = Table(self.heading_rows, colWidths=self.col_widths)
        t.setStyle(TableStyle(self.heading_style))
        return t

    def _heading_height(self) -> float:
        if self._heading is None:
            self._heading = self._heading_table().wrap(sum(self.col_widths), 1e6)[1]
        return self._heading

    def _fill(self, limit: float) -> None:
        """Buffer rows until their height passes ``limit`` or the rows run out."""
        total = sum(h for _c, h in self._buffer)
        while total <= limit and not self._done:
            row = next(self.rows, None)
            if row is None:
                self._done = True
                break
            self._buffer.append(row)
            total += row[1]

    def _take(self, n: int) -> RowsBlock:
        taken, self._buffer = self._buffer[:n], self._buffer[n:]
        self.count += len(taken)
        return RowsBlock(self._heading_table(), self._heading_height(), taken,
                         self.col_widths, self.centred)

    def _cut_first_row(self, room: float) -> None:
        """Cut the first buffered row (taller than a page) after the lines that fit."""
        cells, _height = self._buffer[0]
        keep = max(1, int((room - 2 * CELL_PAD) // CELL_LEADING))
        head = [lines[:keep] for lines in cells]
        rest = [lines[keep:] for lines in cells]
        self._buffer[0:1] = [(head, _height_of(head)), (rest, _height_of(rest))]
        self.count -= 1  # the two parts are one row of the book

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._fill(avail_height)
        used = self._heading_height() + sum(h for _c, h in self._buffer)
        if not (self._done and used <= avail_height):
            used = max(used, avail_height + 1)  # more than fits: to be split
        self.width, self.height = avail_width, used
        return avail_width, used

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self._fill(avail_height)
        room = avail_height - self._heading_height()
        n, used = 0, 0.0
        for _cells, h in self._buffer:
            if used + h > room:
                break
            used += h
            n += 1
        frame = getattr(self, "_frame", None)
        at_top = frame._atTop if frame is not None else avail_height >= self.full_height - 1
        # a row taller than a whole page starts where it is, if a few lines fit
        too_tall = bool(self._buffer) and (
            self._buffer[0][1] > self.full_height - self._heading_height()
            and room >= 3 * CELL_LEADING + 2 * CELL_PAD)
        if n == 0 and not (self._buffer and (at_top or too_tall)):
            return []  # start again at the top of the next page
        # Rows were laid out: the next page is a fresh start, not a second postponement.
        self.__dict__.pop("_postponed", None)
        if n == 0:  # a row taller than a whole page goes on over the next
            self._cut_first_row(room)
            n = 1
        part = self._take(n)
        return [part] if self._done and not self._buffer else [part, self]

    def draw(self) -> None:
        block = self._take(len(self._buffer))
        block.canv = self.canv
        block.wrap(self.width, self.height)
        block.draw()


def _height_of(cells: list[list[str]]) -> float:
    return max(1, max((len(c) for c in cells), default=1)) * CELL_LEADING + 2 * CELL_PAD


def _headings(widths: list[float]) -> tuple[list[list], list]:
    """The three heading rows of Form 03 (titles, the handling sub-columns, column numbers)
    as plain text in bold, and their style."""
    inner = [w - 2 * CELL_PAD for w in widths]

    def h(value: str, column: int, span: int = 1) -> str:
        width = sum(inner[column:column + span]) + 2 * CELL_PAD * (span - 1)
        return "\n".join(wrap_lines(value, width, fonts.BOLD, HEAD_SIZE))

    top = [h(_("No."), 0), h(_("Date of reception"), 1), h(_("Full name and address"), 2),
           h(_("ID number"), 3), h(_("Content of the case"), 4),
           h(_("Type of petition; number of people"), 5),
           h(_("Body that already handled it"), 6), h(_("Handling direction"), 7, 3), "", "",
           h(_("Follow-up of the result"), 10), h(_("Notes"), 11)]
    second = ["", "", "", "", "", "", "", h(handling_label("accept"), 7),
              h(handling_label("guide"), 8), h(handling_label("forward"), 9), "", ""]
    numbers = [f"({i})" for i in range(1, 13)]
    style = [
        ("FONTNAME", (0, 0), (-1, 1), fonts.BOLD),
        ("FONTNAME", (0, 2), (-1, 2), fonts.ITALIC),
        ("FONTSIZE", (0, 0), (-1, 2), HEAD_SIZE),
        ("LEADING", (0, 0), (-1, 2), HEAD_SIZE + 2),
        ("ALIGN", (0, 0), (-1, 2), "CENTER"),
        ("VALIGN", (0, 0), (-1, 2), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("SPAN", (7, 0), (9, 0)),
        *[("SPAN", (c, 0), (c, 1)) for c in (0, 1, 2, 3, 4, 5, 6, 10, 11)],
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]
    return [top, second, numbers], style


def wrap_lines(value: str, width: float, font: str = fonts.REGULAR,
               size: float = CELL_SIZE) -> list[str]:
    """``value`` broken into lines no wider than ``width`` (a word longer than a line is
    cut), as plain text: far quicker to lay out than paragraphs for thousands of cells."""
    face = pdfmetrics.getFont(font)
    space = face.stringWidth(" ", size)
    lines: list[str] = []
    for source in (value or "").splitlines():
        current, used = "", 0.0
        for word in source.split():
            w = face.stringWidth(word, size)
            if current and used + space + w <= width:
                current, used = f"{current} {word}", used + space + w
                continue
            if current:
                lines.append(current)
            while w > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and face.stringWidth(word[:cut], size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                w = face.stringWidth(word, size)
            current, used = word, w
        if current:
            lines.append(current)
    return lines


def _own_lines(value: str, _width: float) -> list[str]:
    return [line for line in (value or "").splitlines() if line.strip()]


def _cells(row: LogRow, widths: list[float]) -> Row:
    """A row as the lines of each cell, and its height. A Word copy keeps each cell's own
    lines (Word wraps them to the column)."""
    inner = [w - 2 * CELL_PAD for w in widths]
    wrap = _own_lines if writing_word() else wrap_lines
    handling = ["", "", ""]
    marks: dict[str, int] = {VisitHandling.ACCEPT: 0, VisitHandling.GUIDE: 1,
                             VisitHandling.FORWARD: 2}
    if row.handling in marks:
        handling[marks[row.handling]] = "x"
    columns = [
        [str(row.number)],
        [format_date(row.visit_date)],
        wrap(row.name_address, inner[2]),
        wrap(row.id_number, inner[3]),
        wrap(row.content, inner[4]),
        wrap(row.type_count, inner[5]),
        wrap(row.handled_by, inner[6]),
        [handling[0]], [handling[1]], [handling[2]],
        wrap(row.follow_up, inner[10]),
        wrap(row.notes, inner[11]),
    ]
    return columns, _height_of(columns)


def render_logbook(
    session: Session,
    unit_id: str,
    date_from: date | None,
    date_to: date | None,
    out: str | IO[bytes],
    lang: str | None = None,
    cleared: bool = False,
    unit_ids: list[str] | None = None,
    shield: protection.Shield | None = None,
) -> tuple[int, int]:
    """Write the unit's log book for a period as PDF; returns (rows, pages).

    ``unit_ids`` widens the book to several units (the unit and those below it).
    ``shield`` is what the reader may see (by default: the acting user's, identities only
    when ``cleared`` and the acting user is cleared for them; each shown is audited).
    Permission and the audit of the print are the door's (``services.outputs``).
    """
    unit: Unit = get_unit(session, unit_id)
    with document_language(lang):
        kind = unit.kind
        header = DocumentHeader.for_unit(unit, number=None, on=None)
        st = styles(kind)
        if date_from and date_to:
            period = _("From {start} to {end}").format(start=format_date(date_from),
                                                      end=format_date(date_to))
        elif date_from:
            period = _("From {start}").format(start=format_date(date_from))
        elif date_to:
            period = _("Until {end}").format(end=format_date(date_to))
        else:
            period = ""
        title = _("Citizen reception log book")
        story: list[Flowable] = header_flowables(header, landscape=True)
        story += title_flowables(header, title, period)
        story.append(para(_("(Form 03, Circular 04/2021/TT-TTCP)"), st.small_center))
        story.append(Spacer(1, 3 * mm))
        widths = [w * mm for w in COLUMNS_MM]
        scale = frame_width(True) / sum(widths)
        widths = [w * scale for w in widths]
        heading_rows, heading_style = _headings(widths)
        rows = (_cells(r, widths) for r in log_rows(
            session, unit_ids or [unit.id], date_from, date_to, cleared, shield=shield))
        table = StreamedTable(heading_rows, heading_style, rows, widths, CENTRED,
                              frame_height(True))
        story.append(table)
        pages = new_doc(out, header, title, landscape=True).build_story(story)
        return table.count, pages
