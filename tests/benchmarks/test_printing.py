"""Memory of printing a 50-page log book: peak resident memory of a process that prints it
through the application's printing (pages rendered at the printer's resolution in bands)
into a PDF printer, beside the floor: the same process loading the PDF and printing
nothing. A whole 600-dpi page as one image would be about 135 MB (A4, 4 bytes a pixel).

Needs no database: the log book's pages are drawn with reportlab as its landscape table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PAGES = 50

SCRIPT = r"""
import json, resource, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from receptiondesk.ui.report_forms import print_pdf
document = QPdfDocument()
document.load(sys.argv[1])
printer = QPrinter(QPrinter.PrinterMode.HighResolution)
printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
printer.setOutputFileName(sys.argv[2])
pages = print_pdf(document, printer) if sys.argv[3] == "print" else document.pageCount()
print(json.dumps({"pages": pages, "dpi": printer.resolution(),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _log_book(path: Path) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    size = landscape(A4)
    pdf = Canvas(str(path), pagesize=size)
    for page in range(PAGES):
        pdf.setFont("Times-Roman", 9)
        for row in range(22):
            y = size[1] - 50 - row * 24
            pdf.line(30, y - 6, size[0] - 30, y - 6)
            pdf.drawString(34, y, f"{page * 22 + row + 1}  07/12/2026  Nguyen Van A  "
                                  "Thon 1, xa Kiem Tra  Khieu nai ve dat dai  Huong dan")
        pdf.showPage()
    pdf.save()


def _peak(source: Path, out: Path, mode: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(source), str(out), mode],
                          env=env, capture_output=True, text=True, encoding="utf-8",
                          timeout=1800)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if proc.returncode != 0 or not lines:
        pytest.fail(f"printing script failed: {proc.stdout[-2000:]} {proc.stderr[-3000:]}")
    return json.loads(lines[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB: Linux")
def test_peak_memory_printing_a_50_page_log_book(benchmark, results, tmp_path):
    source = tmp_path / "so-tiep-cong-dan.pdf"
    _log_book(source)
    floor = _peak(source, tmp_path / "nothing.pdf", "load")["peak_mb"]
    measured: dict = {}

    def run() -> None:
        measured.update(_peak(source, tmp_path / "printed.pdf", "print"))

    benchmark.pedantic(run, rounds=1, warmup_rounds=0)
    assert measured["pages"] == PAGES
    value = measured["peak_mb"]
    benchmark.extra_info.update(measured, floor_mb=floor)
    results.add(f"peak memory, printing a {PAGES}-page log book", value, floor,
                "the same process loading the PDF, printing nothing", target="< floor + 100 MB",
                met=value < floor + 100, unit="MB",
                note=f"printer at {measured['dpi']} dpi, pages drawn at 600 dpi in bands")
