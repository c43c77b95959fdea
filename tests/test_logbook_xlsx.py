"""The log book as an Excel workbook: Form 03 headings, real dates and numbers,
handling marks in their columns, denouncers redacted."""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import load_workbook

from receptiondesk.documents.logbook_xlsx import write_logbook_xlsx
from receptiondesk.services import reception
from receptiondesk.services.citizens import CitizenInput


def _visit(session, session_id, name, content, handling, petition_type="complaint"):
    return reception.add_visit(
        session, session_id,
        reception.VisitInput(content=content, new_citizen=CitizenInput(
            name, 1970, "male", None, "Bản Na Sang, xã Mường Phăng"),
            handling=handling, petition_type=petition_type),
        today=date(2026, 3, 1),
    )


def test_log_book_workbook_has_form_03_rows(session, unit, official, tmp_path):
    s = reception.create_session(
        session, unit.id,
        reception.SessionInput(session_date=date(2026, 2, 5), presiding_official_id=official.id),
        today=date(2026, 3, 1),
    )
    _visit(session, s.id, "Nguyễn Văn An", "Tranh chấp đất đai với hộ liền kề", "guide")
    _visit(session, s.id, "Lò Thị Lan", "Tố cáo cán bộ thôn thu tiền trái quy định", "forward",
           "denunciation")
    out = tmp_path / "book.xlsx"
    assert write_logbook_xlsx(session, [unit.id], date(2026, 1, 1), date(2026, 12, 31), out,
                              lang="vi") == 2
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "STT"
    first, second = rows[2], rows[3]
    assert first[0] == 1 and isinstance(first[1], datetime)
    assert first[1].date() == date(2026, 2, 5)
    assert "Nguyễn Văn An" in first[2] and "Tranh chấp đất đai" in first[4]
    assert (first[7], first[8], first[9]) == (None, "x", None)
    assert second[9] == "x"
    assert "Lò Thị Lan" not in " ".join(str(c) for c in second if c)
