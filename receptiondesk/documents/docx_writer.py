"""Word copies (.docx) of the printed documents, with python-docx.

A Word copy is not a second layout: the renderers build their document exactly as for
the PDF (the header of :func:`layout.header_flowables`, the title, the body paragraphs
and tables, :func:`layout.signature_rows`, "Nơi nhận"), and :class:`WordDocument` writes
that same story into a ``.docx`` instead of laying it out with reportlab. Every text,
every font size, indent, alignment, column width, span and repeated header row is read
from the flowables the renderer made, so the rules of ``layout`` (Decree 30/2020/NĐ-CP,
Guidance 36-HD/VPTW) are written once.

What the page gets (``layout`` gives the figures):

* A4 portrait, or landscape for the tables (a landscape part of a portrait document is a
  section of its own); margins top and bottom 20 mm, left 30 mm, right 15 mm;
* Times New Roman throughout, sizes as the PDF's styles (body 14);
* the page number, a PAGE field centred in the top margin from page 2 (a section whose
  first page has a header of its own, left empty), as the PDF draws it;
* a line in the bottom margin of every page when the PDF has one (the version of
  printed minutes, the audit anchor of a report);
* tables whose header rows repeat on every page (``w:tblHeader``) and never split.

:func:`layout.new_doc` hands a renderer this class instead of the PDF document while
:func:`as_word` is in effect (``services.outputs`` sets it for the docx format);
renderers need not know which they are writing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.platypus import (
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.flowables import HRFlowable

from ..i18n import current_language
from . import fonts, layout

#: the typeface of every Word copy (Decree 30/2020/NĐ-CP, Appendix I: Times New Roman,
#: Unicode TCVN 6909:2001); the PDF uses the same face where the system has it
FONT = "Times New Roman"
#: the page number's size (the PDF draws it at 13)
PAGE_NUMBER_SIZE = 13

_ALIGN = {
    0: WD_ALIGN_PARAGRAPH.LEFT,
    1: WD_ALIGN_PARAGRAPH.CENTER,
    2: WD_ALIGN_PARAGRAPH.RIGHT,
    4: WD_ALIGN_PARAGRAPH.JUSTIFY,
    "LEFT": WD_ALIGN_PARAGRAPH.LEFT,
    "CENTER": WD_ALIGN_PARAGRAPH.CENTER,
    "CENTRE": WD_ALIGN_PARAGRAPH.CENTER,
    "RIGHT": WD_ALIGN_PARAGRAPH.RIGHT,
}
_VALIGN = {
    "TOP": WD_CELL_VERTICAL_ALIGNMENT.TOP,
    "MIDDLE": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
    "BOTTOM": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM,
}
_BOLD_FACES = {fonts.BOLD, fonts.BOLD_ITALIC}
_ITALIC_FACES = {fonts.ITALIC, fonts.BOLD_ITALIC}


def _set_fonts(rpr_owner, size: float | None = None) -> None:
    """Times New Roman for every script of ``rpr_owner`` (a style or a run)."""
    font = rpr_owner.font
    font.name = FONT
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    if size is not None:
        font.size = Pt(size)
        # the complex-script size too, which Word uses for some Vietnamese text
        szcs = rpr.find(qn("w:szCs"))
        if szcs is None:
            szcs = OxmlElement("w:szCs")
            rpr.append(szcs)
        szcs.set(qn("w:val"), str(int(round(size * 2))))


def _field(paragraph, instruction: str) -> None:
    """A field (PAGE) in ``paragraph``: begin, instruction, separate, a shown value, end."""
    def run_with(child) -> None:
        run = paragraph.add_run()
        run.font.name = FONT
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    shown = paragraph.add_run("2")
    shown.font.name = FONT
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _color_hex(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = colors.toColor(value)
    try:
        return value.hexval()[2:].upper()  # '0xeeeeee' → 'EEEEEE'
    except AttributeError:
        return None


def _index(i: int, n: int) -> int:
    return i + n if i < 0 else i


class WordDocument:
    """The Word counterpart of :class:`layout.OfficialDocument`: same constructor, same
    :meth:`build_story`, writing a ``.docx`` (which has no page count: it returns None)."""

    def __init__(self, out: str | IO[bytes], header: layout.DocumentHeader, title: str,
                 landscape: bool = False, footer: str = "",
                 footer_size: float = layout.FOOTER_SIZE) -> None:
        self.out = out
        self.header = header
        self.landscape = landscape
        self.footer = footer
        self.footer_size = footer_size
        self.doc = Document()
        self._next_landscape: bool | None = None
        core = self.doc.core_properties
        core.title = title
        core.author = header.issuing_body
        core.comments = "ReceptionDesk"
        core.language = "vi-VN" if current_language() == "vi" else "en-GB"
        self._defaults()
        normal = self.doc.styles["Normal"]
        _set_fonts(normal, layout.BODY_SIZE)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        section = self.doc.sections[0]
        self._width = layout.frame_width(landscape)
        self._page(section, landscape)
        section.different_first_page_header_footer = True
        self._page_number(section)
        self._footer(section)

    def _defaults(self) -> None:
        """The document's defaults: Times New Roman for every script (the template's theme
        fonts would win over a named font in Word), the text's language for proofing,
        single spacing with no space after a paragraph."""
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        if defaults is None:
            return
        for rfonts in defaults.iter(qn("w:rFonts")):
            for attr in list(rfonts.attrib):
                del rfonts.attrib[attr]
            for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                rfonts.set(qn(attr), FONT)
        language = "vi-VN" if current_language() == "vi" else "en-GB"
        for lang in defaults.iter(qn("w:lang")):
            lang.set(qn("w:val"), language)
        for spacing in defaults.iter(qn("w:spacing")):
            for attr in list(spacing.attrib):
                del spacing.attrib[attr]
            spacing.set(qn("w:after"), "0")
            spacing.set(qn("w:line"), "240")
            spacing.set(qn("w:lineRule"), "auto")

    # --- pages ----------------------------------------------------------------------

    @staticmethod
    def _page(section, landscape: bool) -> None:
        width, height = layout.page_size(landscape)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Pt(width), Pt(height)
        section.top_margin = Pt(layout.MARGIN_TOP)
        section.bottom_margin = Pt(layout.MARGIN_BOTTOM)
        section.left_margin = Pt(layout.MARGIN_LEFT)
        section.right_margin = Pt(layout.MARGIN_RIGHT)
        # the number sits half-way up the top margin, as the PDF draws it
        section.header_distance = Pt(layout.MARGIN_TOP / 2 - PAGE_NUMBER_SIZE * 0.7)
        section.footer_distance = Pt(layout.MARGIN_BOTTOM / 2 - layout.FOOTER_SIZE)

    def _page_number(self, section) -> None:
        """The page number centred in the top margin from page 2 (the first page's own
        header stays empty)."""
        p = section.header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(p, "PAGE")
        for run in p.runs:
            _set_fonts(run, PAGE_NUMBER_SIZE)
        section.first_page_header.paragraphs[0].text = ""

    def _footer(self, section) -> None:
        if not self.footer:
            return
        for part in (section.footer, section.first_page_footer):
            p = part.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _set_fonts(p.add_run(self.footer), self.footer_size)

    def _new_section(self, landscape: bool) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape)
        self._width = layout.frame_width(landscape)
        # the number goes on from the part before, on every page of this part
        section.different_first_page_header_footer = False

    # --- the story ------------------------------------------------------------------

    def build_story(self, story: Sequence[Any]) -> None:
        """Write ``story`` (the renderer's flowables) as the document and save it."""
        for flowable in story:
            self.add(flowable, self.doc, self._width)  # the width of the current section
        self.doc.save(self.out)
        return None

    def add(self, flowable: Any, into, width: float, keep: bool = False) -> None:
        """Write one flowable into ``into`` (the document or a table cell) ``width`` wide."""
        if flowable is None or flowable == "":
            return
        if isinstance(flowable, (list, tuple)):
            for item in flowable:
                self.add(item, into, width, keep)
        elif isinstance(flowable, str):
            self._text(flowable, into)
        elif isinstance(flowable, Paragraph):
            self._paragraph(flowable, into, keep)
        elif isinstance(flowable, Table):
            self._table(flowable, into, width)
        elif isinstance(flowable, KeepTogether):
            content = list(flowable._content)
            for i, item in enumerate(content):
                self.add(item, into, width, keep=keep or i < len(content) - 1)
        elif isinstance(flowable, Spacer):
            self._space(flowable.height, into, keep)
        elif isinstance(flowable, HRFlowable):
            self._rule(flowable, into, width, keep)
        elif isinstance(flowable, NextPageTemplate):
            self._next_landscape = "landscape" in str(flowable.action)
        elif isinstance(flowable, PageBreak):
            if self._next_landscape is not None:
                self._new_section(self._next_landscape)
                self._next_landscape = None
            else:
                self._paragraph_in(into).add_run().add_break(_page_break())
        elif hasattr(flowable, "heading_rows") and hasattr(flowable, "rows"):
            self._streamed(flowable, into)
        else:
            raise TypeError(f"no Word form for {type(flowable).__name__}")

    def _paragraph_in(self, into):
        """A new paragraph in ``into``; a cell's own first paragraph, while still bare
        (no properties, no runs), is used first."""
        if into is not self.doc and len(into.paragraphs) == 1 \
                and len(into.paragraphs[0]._p) == 0:
            return into.paragraphs[0]
        return into.add_paragraph()

    @staticmethod
    def _format(p, style, keep: bool = False) -> None:
        pf = p.paragraph_format
        pf.alignment = _ALIGN.get(style.alignment, WD_ALIGN_PARAGRAPH.LEFT)
        if style.firstLineIndent:
            pf.first_line_indent = Pt(style.firstLineIndent)
        if style.leftIndent:
            pf.left_indent = Pt(style.leftIndent)
        if style.rightIndent:
            pf.right_indent = Pt(style.rightIndent)
        pf.space_before = Pt(style.spaceBefore or 0)
        pf.space_after = Pt(style.spaceAfter or 0)
        pf.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
        pf.line_spacing = Pt(style.leading)
        if keep or getattr(style, "keepWithNext", False):
            pf.keep_with_next = True
            pf.keep_together = True

    def _paragraph(self, flowable: Paragraph, into, keep: bool = False) -> None:
        p = self._paragraph_in(into)
        self._format(p, flowable.style, keep)
        for frag in flowable.frags:
            if getattr(frag, "lineBreak", False):
                (p.runs[-1] if p.runs else p.add_run()).add_break()
                continue
            if not frag.text:
                continue
            run = p.add_run(_xml_safe(frag.text))
            face = getattr(frag, "fontName", "")
            run.bold = bool(getattr(frag, "bold", 0)) or face in _BOLD_FACES
            run.italic = bool(getattr(frag, "italic", 0)) or face in _ITALIC_FACES
            _set_fonts(run, getattr(frag, "fontSize", None) or flowable.style.fontSize)

    def _text(self, value: str, into, *, size: float | None = None, bold: bool = False,
              italic: bool = False, align: Any = None, leading: float | None = None) -> None:
        """Plain text (a table cell's string): its lines kept as line breaks."""
        p = self._paragraph_in(into)
        if align is not None:
            p.paragraph_format.alignment = _ALIGN.get(align, WD_ALIGN_PARAGRAPH.LEFT)
        if leading:
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
            p.paragraph_format.line_spacing = Pt(leading)
        run = p.add_run()
        for i, line in enumerate(value.split("\n")):
            if i:
                run.add_break()
            run.add_text(_xml_safe(line))
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        _set_fonts(run, size)

    def _space(self, height: float, into, keep: bool = False) -> None:
        """Vertical room (between blocks; the room to sign): an empty line that tall."""
        p = self._paragraph_in(into)
        pf = p.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(max(height, 1))
        pf.space_before = pf.space_after = Pt(0)
        if keep:
            pf.keep_with_next = True
        _set_fonts(p.add_run(""), 1)

    def _rule(self, rule: HRFlowable, into, width: float, keep: bool = False) -> None:
        """A short centred rule (under the issuing body, the motto, the title): an empty
        paragraph as wide as the rule with a bottom border."""
        wanted = rule.width
        if isinstance(wanted, str) and wanted.endswith("%"):
            wanted = width * float(wanted[:-1]) / 100
        wanted = min(float(wanted), width)
        p = self._paragraph_in(into)
        # the border first: in the schema's order it comes before the spacing and indents
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        bottom.set(qn("w:val"), "single")
        bottom.set(qn("w:sz"), str(max(2, int(round(rule.lineWidth * 8)))))
        bottom.set(qn("w:space"), "1")
        bottom.set(qn("w:color"), "000000")
        borders.append(bottom)
        p._p.get_or_add_pPr().append(borders)
        pf = p.paragraph_format
        side = max((width - wanted) / 2, 0)
        pf.left_indent = Pt(side)
        pf.right_indent = Pt(side)
        pf.space_before = Pt(rule.spaceBefore or 0)
        pf.space_after = Pt(rule.spaceAfter or 0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(2)
        if keep:
            pf.keep_with_next = True
        _set_fonts(p.add_run(""), 1)

    # --- tables ---------------------------------------------------------------------

    def _new_table(self, into, n_rows: int, widths: list[float], grid: bool,
                   align: str = "CENTER", repeat: int = 0, padding: float = 3):
        table = into.add_table(rows=n_rows, cols=len(widths))
        if grid:
            table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        table.alignment = (WD_TABLE_ALIGNMENT.LEFT if align == "LEFT"
                           else WD_TABLE_ALIGNMENT.CENTER)
        tbl_pr = table._tbl.tblPr
        layout_el = OxmlElement("w:tblLayout")
        layout_el.set(qn("w:type"), "fixed")
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(int(round(padding * 20))))
            el.set(qn("w:type"), "dxa")
            margins.append(el)
        # in the schema's order (Word refuses a file whose order is wrong): before tblLook
        look = tbl_pr.find(qn("w:tblLook"))
        for el in (layout_el, margins):
            if look is not None:
                look.addprevious(el)
            else:
                tbl_pr.append(el)
        for col, w in zip(table.columns, widths, strict=True):
            col.width = Pt(w)
        for row in table.rows:
            for cell, w in zip(row.cells, widths, strict=True):
                cell.width = Pt(w)
        for i, row in enumerate(table.rows):
            tr_pr = row._tr.get_or_add_trPr()
            if i < repeat:
                head = OxmlElement("w:tblHeader")
                head.set(qn("w:val"), "true")
                tr_pr.append(head)
            no_split = OxmlElement("w:cantSplit")
            no_split.set(qn("w:val"), "true")
            tr_pr.append(no_split)
        return table

    def _table(self, flowable: Table, into, width: float) -> None:
        values = flowable._cellvalues
        n_rows = len(values)
        n_cols = len(values[0]) if values else 0
        if not n_rows or not n_cols:
            return
        widths = [float(w) if isinstance(w, (int, float)) else width / n_cols
                  for w in (flowable._colWidths or [None] * n_cols)]
        repeat = flowable.repeatRows
        repeat = len(repeat) if isinstance(repeat, (tuple, list)) else int(repeat or 0)
        first = flowable._cellStyles[0][0]
        table = self._new_table(into, n_rows, widths, bool(flowable._linecmds),
                                flowable.hAlign, repeat, first.leftPadding)
        covered = self._spans(table, flowable._spanCmds, n_rows, n_cols)
        self._shade(table, flowable._bkgrndcmds, n_rows, n_cols)
        for r in range(n_rows):
            for c in range(n_cols):
                if (r, c) in covered:
                    continue
                cell = table.cell(r, c)
                cs = flowable._cellStyles[r][c]
                cell.vertical_alignment = _VALIGN.get(cs.valign, WD_CELL_VERTICAL_ALIGNMENT.TOP)
                inner = widths[c] - cs.leftPadding - cs.rightPadding
                value = values[r][c]
                if isinstance(value, str):
                    if value:
                        self._text(value, cell, size=cs.fontsize, bold=cs.fontname in
                                   _BOLD_FACES, italic=cs.fontname in _ITALIC_FACES,
                                   align=cs.alignment, leading=cs.leading)
                else:
                    self.add(value, cell, inner)
                if cs.bottomPadding > 6 and cell.paragraphs:
                    # room below a cell (between rows of signatures), as on the PDF
                    cell.paragraphs[-1].paragraph_format.space_after = Pt(cs.bottomPadding)
        # a paragraph after a table keeps Word from joining two tables that follow
        if into is self.doc:
            self._space(1, into)

    @staticmethod
    def _spans(table, commands: Iterable, n_rows: int, n_cols: int) -> set[tuple[int, int]]:
        """Merge the spanned cells; returns the cells covered by another (left empty)."""
        covered: set[tuple[int, int]] = set()
        for _op, (c0, r0), (c1, r1) in commands:
            c0, c1 = _index(c0, n_cols), _index(c1, n_cols)
            r0, r1 = _index(r0, n_rows), _index(r1, n_rows)
            if (c0, r0) == (c1, r1):
                continue
            table.cell(r0, c0).merge(table.cell(r1, c1))
            covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
            covered.discard((r0, c0))
        return covered

    @staticmethod
    def _shade(table, commands: Iterable, n_rows: int, n_cols: int) -> None:
        for command in commands:
            if command[0] != "BACKGROUND":
                continue
            _op, (c0, r0), (c1, r1), color = command[:4]
            fill = _color_hex(color)
            if fill is None:
                continue
            for r in range(_index(r0, n_rows), _index(r1, n_rows) + 1):
                for c in range(_index(c0, n_cols), _index(c1, n_cols) + 1):
                    tc_pr = table.cell(r, c)._tc.get_or_add_tcPr()
                    shd = OxmlElement("w:shd")
                    shd.set(qn("w:val"), "clear")
                    shd.set(qn("w:color"), "auto")
                    shd.set(qn("w:fill"), fill)
                    tc_pr.append(shd)

    def _streamed(self, flowable, into) -> None:
        """The log book's table (:class:`logbook.StreamedTable`): its heading rows as a
        table's repeated header, then every row it streams, one at a time, each cell with
        its own lines (the log book does not wrap them for a Word copy)."""
        from reportlab.platypus import TableStyle

        heading = Table(flowable.heading_rows, colWidths=flowable.col_widths)
        heading.setStyle(TableStyle(flowable.heading_style))
        n_head = len(flowable.heading_rows)
        widths = [float(w) for w in flowable.col_widths]
        first = heading._cellStyles[0][0]
        table = self._new_table(into, n_head, widths, True, "CENTER", n_head,
                                first.leftPadding)
        covered = self._spans(table, heading._spanCmds, n_head, len(widths))
        for r in range(n_head):
            for c in range(len(widths)):
                value = flowable.heading_rows[r][c]
                if (r, c) in covered or not value:
                    continue
                cs = heading._cellStyles[r][c]
                cell = table.cell(r, c)
                cell.vertical_alignment = _VALIGN.get(cs.valign)
                # broken into lines for the PDF's font: Word wraps them itself
                self._text(" ".join(value.split()), cell, size=cs.fontsize,
                           bold=cs.fontname in _BOLD_FACES,
                           italic=cs.fontname in _ITALIC_FACES, align=cs.alignment,
                           leading=cs.leading)
        from .logbook import CELL_LEADING, CELL_SIZE

        count = 0
        cell_widths = [int(round(w * 20)) for w in widths]  # twentieths of a point
        for cells, _height in flowable.rows:
            count += 1
            table._tbl.append(_body_row(cells, cell_widths, flowable.centred, CELL_SIZE,
                                        CELL_LEADING))
        flowable.count = count
        if into is self.doc:
            self._space(1, into)


#: characters XML 1.0 cannot hold (control characters but tab and line ends)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(value: str) -> str:
    return _NOT_XML.sub("", value)


def _body_row(cells: list[list[str]], widths: list[int], centred, size: float,
              leading: float):
    """One row of the log book as XML at once (python-docx's calls would take several
    milliseconds a row): each cell its lines, kept whole on a page."""
    half_points = int(round(size * 2))
    fonts_xml = "".join(f' w:{a}="{FONT}"' for a in ("ascii", "hAnsi", "eastAsia", "cs"))
    rpr = (f"<w:rPr><w:rFonts{fonts_xml}/><w:sz w:val=\"{half_points}\"/>"
           f"<w:szCs w:val=\"{half_points}\"/></w:rPr>")
    spacing = f'<w:spacing w:line="{int(round(leading * 20))}" w:lineRule="atLeast"/>'
    parts = [f'<w:tr {nsdecls("w")}><w:trPr><w:cantSplit w:val="true"/></w:trPr>']
    for c, lines in enumerate(cells):
        align = "center" if c in centred else "left"
        text = "<w:br/>".join(
            f'<w:t xml:space="preserve">{escape(_xml_safe(line))}</w:t>' for line in lines)
        run = f"<w:r>{rpr}{text}</w:r>" if lines else ""
        parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{widths[c]}" w:type="dxa"/></w:tcPr>'
                     f'<w:p><w:pPr>{spacing}<w:jc w:val="{align}"/></w:pPr>{run}</w:p>'
                     "</w:tc>")
    parts.append("</w:tr>")
    return parse_xml("".join(parts))


def _page_break():
    from docx.enum.text import WD_BREAK

    return WD_BREAK.PAGE


@contextmanager
def as_word(word: bool = True) -> Iterator[None]:
    """While in effect, renderers write their story as a Word document
    (:class:`WordDocument`, no page count: None) instead of a PDF."""
    with layout.writing_with(WordDocument if word else None):
        yield
