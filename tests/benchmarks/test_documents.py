"""A session's minutes PDF and a 1,000-row log book PDF on the province database.

The floor of a document is reportlab alone writing the same text — every line of the
PDF the application produced, read back with pypdf — on as many pages, in the same
embedded TrueType font: what putting those glyphs into a PDF costs at the least.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from receptiondesk.model import ReceptionSession, Visit

MINUTES_ROUNDS = 10
LOGBOOK_ROUNDS = 3
LOGBOOK_ROWS = 1000


@pytest.fixture(autouse=True)
def bundled_fonts(monkeypatch):
    """The bundled font on every machine, so that runs compare."""
    monkeypatch.setenv("RECEPTIONDESK_BUNDLED_FONTS", "1")


def _pages_text(data: bytes) -> list[list[str]]:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [(page.extract_text() or "").splitlines() for page in reader.pages]


def _text_floor(pages: list[list[str]], landscape: bool):
    """reportlab's canvas drawing ``pages`` of lines in the documents' font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.pdfgen.canvas import Canvas

    from receptiondesk.documents import fonts

    fonts.register_fonts()
    size = turned(A4) if landscape else A4

    def run() -> int:
        out = io.BytesIO()
        c = Canvas(out, pagesize=size)
        for lines in pages:
            y = size[1] - 60
            step = max(8.0, (size[1] - 120) / max(len(lines), 1))
            for line in lines:
                c.setFont(fonts.REGULAR, 11)
                c.drawString(72, y, line)
                y -= step
            c.showPage()
        c.save()
        return len(out.getvalue())

    return run


def test_session_minutes_pdf(benchmark, tools, results, db, office):
    from receptiondesk.documents.minutes import render_minutes

    with db.session() as s:
        # the latest session of the office's units with a usual number of visits
        counts = (select(Visit.session_id, func.count(Visit.id).label("n"))
                  .group_by(Visit.session_id).subquery())
        row = s.execute(
            select(ReceptionSession.id, counts.c.n)
            .join(counts, counts.c.session_id == ReceptionSession.id)
            .where(counts.c.n.between(3, 6), ReceptionSession.unit_id.in_(office.unit_ids))
            .order_by(ReceptionSession.session_date.desc()).limit(1)
        ).first()
    assert row is not None, "no reception session with 3-6 visits"
    session_id, visits = row
    s = db.sessions()  # one unit of work, rolled back: the draft minutes are not kept
    try:
        def run() -> bytes:
            out = io.BytesIO()
            render_minutes(s, "session", session_id, out, lang="vi")
            return out.getvalue()

        data = run()  # the first printing numbers the draft
        assert data.startswith(b"%PDF")
        pages = _pages_text(data)
        floor = tools.median_of(_text_floor(pages, landscape=False), MINUTES_ROUNDS)
        benchmark.pedantic(run, rounds=MINUTES_ROUNDS, warmup_rounds=1)
    finally:
        s.rollback()
        s.close()
    value = tools.bench_median(benchmark)
    results.add("session minutes PDF", value, floor,
                "reportlab canvas writing the same text, same font",
                target="< 200 ms", met=value < 0.2,
                note=f"{visits} visits, {len(pages)} pages, {len(data):,} bytes")


def test_logbook_1000_rows(benchmark, tools, results, db, office):
    from receptiondesk.documents.logbook import render_logbook

    with db.session() as s:
        scope = Visit.unit_id.in_(office.unit_ids)
        last = s.scalar(select(func.max(Visit.visit_date)).where(scope))
        first = s.scalar(select(Visit.visit_date).where(scope)
                         .order_by(Visit.visit_date.desc()).offset(LOGBOOK_ROWS - 1).limit(1))
    assert first is not None, f"fewer than {LOGBOOK_ROWS} visits"
    made: dict = {}

    def run() -> bytes:
        out = io.BytesIO()
        with db.session() as s:
            made["rows"], made["pages"] = render_logbook(
                s, office.unit_id, first, last, out, lang="vi", unit_ids=office.unit_ids)
        return out.getvalue()

    data = run()
    pages = _pages_text(data)
    floor = tools.median_of(_text_floor(pages, landscape=True), LOGBOOK_ROUNDS)
    benchmark.pedantic(run, rounds=LOGBOOK_ROUNDS, warmup_rounds=0)
    value = tools.bench_median(benchmark)
    results.add(f"log book PDF, {made['rows']:,} rows", value, floor,
                "reportlab canvas writing the same text, same font",
                target="(none)", met=None,
                note=f"{made['pages']} pages, {len(data) / 1024:,.0f} KB, "
                     f"visits {first:%d/%m/%Y}–{last:%d/%m/%Y}")


def test_logbook_1000_rows_word(benchmark, tools, results, db, office):
    """The same 1,000 visits as a Word copy; the floor is the same book as PDF."""
    from receptiondesk.documents.docx_writer import as_word
    from receptiondesk.documents.logbook import render_logbook

    with db.session() as s:
        scope = Visit.unit_id.in_(office.unit_ids)
        last = s.scalar(select(func.max(Visit.visit_date)).where(scope))
        first = s.scalar(select(Visit.visit_date).where(scope)
                         .order_by(Visit.visit_date.desc()).offset(LOGBOOK_ROWS - 1).limit(1))
    assert first is not None, f"fewer than {LOGBOOK_ROWS} visits"
    made: dict = {}

    def book(word: bool) -> bytes:
        out = io.BytesIO()
        with db.session() as s, as_word(word):
            made["rows"], _pages = render_logbook(
                s, office.unit_id, first, last, out, lang="vi", unit_ids=office.unit_ids)
        return out.getvalue()

    data = book(True)
    assert data[:2] == b"PK"
    floor = tools.median_of(lambda: book(False), LOGBOOK_ROUNDS)
    benchmark.pedantic(lambda: book(True), rounds=LOGBOOK_ROUNDS, warmup_rounds=0)
    value = tools.bench_median(benchmark)
    results.add(f"log book Word copy, {made['rows']:,} rows", value, floor,
                "the same log book as PDF", target="(none)", met=None,
                note=f"{len(data) / 1024:,.0f} KB")
