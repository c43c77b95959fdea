"""Printing renders each page at the printer's resolution in bands: the printed pages are
the document's pages, and no band is larger than the bound (a long log book prints on a PC
with little memory)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from receptiondesk.ui import report_forms


class RecordingDocument(QPdfDocument):
    """Remembers the size of every image it renders."""

    def __init__(self) -> None:
        super().__init__()
        self.rendered: list[QSize] = []

    def render(self, page, size, options=None):  # noqa: D401 - Qt's signature
        self.rendered.append(size)
        return super().render(page, size, options) if options else super().render(page, size)


def _source(path) -> None:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, size in ((1, A4), (2, landscape(A4)), (3, A4)):
        pdf.setPageSize(size)
        pdf.setFont("Helvetica-Bold", 28)
        for y in range(60, int(size[1]) - 40, 70):
            pdf.drawString(50, y, f"SO TIEP CONG DAN {number}")
        pdf.rect(20, 20, size[0] - 40, size[1] - 40)
        pdf.showPage()
    pdf.save()


CELL = 16


def _ink(image: QImage) -> list[float]:
    """How much of each 16-pixel square of a page is dark (every other pixel sampled)."""
    cells = []
    for cx in range(0, image.width() - CELL + 1, CELL):
        for cy in range(0, image.height() - CELL + 1, CELL):
            dark = sum((p >> 24) > 128 and (p & 0xFF) < 128
                       for x in range(cx, cx + CELL, 2) for y in range(cy, cy + CELL, 2)
                       for p in (image.pixel(x, y),))
            cells.append(dark / (CELL * CELL / 4))
    return cells


def test_pages_print_in_bands_and_come_out_as_the_document(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(report_forms, "PRINT_BAND_BYTES", 2 * 1024 * 1024)
    source, printed = tmp_path / "so.pdf", tmp_path / "printed.pdf"
    _source(source)
    document = RecordingDocument()
    document.load(str(source))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))

    assert report_forms.print_pdf(document, printer) == 3

    largest = max(size.width() * size.height() * 4 for size in document.rendered)
    assert largest <= 2 * 1024 * 1024
    assert len(document.rendered) > 3 * 4  # several bands a page, not one image a page
    assert max(size.width() for size in document.rendered) >= 4000  # 600 dpi on A4
    out = QPdfDocument()
    out.load(str(printed))
    assert out.pageCount() == 3
    for page in range(3):
        want, got = document.pagePointSize(page), out.pagePointSize(page)
        assert (want.width() > want.height()) == (got.width() > got.height())  # turned
        size = QSize(round(got.width()), round(got.height()))
        want_ink = _ink(document.render(page, size))
        got_ink = _ink(out.render(page, size))
        assert sum(got_ink) > 0.02 * len(got_ink)  # the page is not blank
        # the same ink in the same places: the squares differ only at the letters' edges
        differ = [abs(a - b) for a, b in zip(want_ink, got_ink, strict=True)]
        # (a correct print: about 0.03 and 0.3, the paper's A4 being 0.1 pt taller; a band
        # out of place or missing gives squares wholly different)
        assert sum(differ) / len(differ) < 0.04, page
        assert max(differ) < 0.45, page


def test_a_chosen_range_prints_only_those_pages(qtbot, tmp_path):
    source, printed = tmp_path / "so.pdf", tmp_path / "printed.pdf"
    _source(source)
    document = QPdfDocument()
    document.load(str(source))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    printer.setFromTo(2, 3)
    assert report_forms.print_pdf(document, printer) == 2
    out = QPdfDocument()
    out.load(str(printed))
    assert out.pageCount() == 2
    first = out.pagePointSize(0)
    assert first.width() > first.height()  # page 2 of the document, landscape
