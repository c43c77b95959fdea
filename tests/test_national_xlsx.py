"""The national export's XLSX, written by xlsxwriter in constant memory, holds the very cells
openpyxl's write-only sheet wrote before (read back with openpyxl, cell by cell): values,
types, date formats, the quote prefix on formula-like text, the bold frozen header, the
widths. A cancelled or failed export leaves neither the file nor xlsxwriter's temporary
row file."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import test_national_export
from openpyxl import load_workbook

from receptiondesk.exchange import national
from receptiondesk.exchange.cells import FORMULA_FIRST, looks_like_formula
from receptiondesk.exchange.exporter import ExportCancelled, ExportError, _XlsxSink
from receptiondesk.exchange.national import (
    COLUMNS,
    NUMBER_COLUMNS,
    XLSX_WIDTHS,
    Scope,
    export_national,
)
from receptiondesk.exchange.xlsx_stream import StreamSheet

TODAY = test_national_export.TODAY
#: a commune, a unit below it and petitions in several states (the export tests' fixture)
office = test_national_export.office


class _OpenpyxlSheet(_XlsxSink):
    """The national export's writer before xlsxwriter: the exporter's openpyxl sheet."""

    WIDTHS = XLSX_WIDTHS


_OpenpyxlSheet.NUMBER_COLUMNS = NUMBER_COLUMNS


class _OpenpyxlRecords:
    def __init__(self, path):
        self._sink = _OpenpyxlSheet(path, "national")
        self._sink.header(COLUMNS)

    def record(self, record):
        self._sink.row(COLUMNS, [record[c] for c in COLUMNS])

    def close(self, _header):
        self._sink.close()

    def abort(self):
        self._sink.abort()


def _cells(path):
    """Every cell of the only sheet as (value, type, format, quote prefix, bold)."""
    wb = load_workbook(path)
    assert wb.sheetnames == ["national"]
    ws = wb.worksheets[0]
    grid = {}
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=len(COLUMNS)):
        for cell in row:
            if cell.value is None:
                continue
            grid[cell.coordinate] = (cell.value, cell.data_type, cell.number_format,
                                     bool(cell.quotePrefix), bool(cell.font.b))
    widths = {i: d.width for d in ws.column_dimensions.values() if d.width
              for i in range(d.min, d.max + 1)}
    return grid, ws.freeze_panes, widths


def _same_files(old, new):
    old_cells, old_freeze, old_widths = _cells(old)
    new_cells, new_freeze, new_widths = _cells(new)
    assert old_cells.keys() == new_cells.keys()
    for coordinate, cell in old_cells.items():
        assert new_cells[coordinate] == cell, coordinate
    assert new_freeze == old_freeze == "A2"
    # xlsxwriter stores a width with Excel's padding (14 → 14.71): the same on screen
    assert len(new_widths) == len(COLUMNS)
    assert {k: round(v, 1) for k, v in new_widths.items()} == {
        k: round(v + 0.71, 1) for k, v in old_widths.items()}
    return old_cells


def test_the_export_writes_the_cells_the_openpyxl_writer_wrote(session, office, tmp_path,
                                                                monkeypatch):
    unit, _child, made = office
    # what a user might type: formula-like text, control characters, empty values
    made["received"].content = "=HYPERLINK(\"http://x\")\x01 Vì Văn Mới"
    made["old"].content = "+84 912 345 678 gọi lại"
    made["old"].ref = "-01/ĐƠN"
    made["child"].content = "@Tòng Thị Con\t xin trả lời"
    made["guided"].decision_number = "\t=1+1"
    session.flush()
    scope = Scope(unit.id)
    new = tmp_path / "new.xlsx"
    summary = export_national(session, new, scope, allow_unmapped=True, today=TODAY)
    monkeypatch.setattr(national, "_XlsxRecords", _OpenpyxlRecords)
    old = tmp_path / "old.xlsx"
    export_national(session, old, scope, allow_unmapped=True, today=TODAY)

    cells = _same_files(old, new)
    assert summary.records == 7
    values = [c[0] for c in cells.values()]
    # the cells hold what was checked: dates as dates, numbers, text kept as text
    assert any(isinstance(v, datetime) for v in values)
    assert any(isinstance(v, int) for v in values)
    quoted = [c for c in cells.values() if c[3]]
    assert {str(c[0])[:1] for c in quoted} == {"=", "+", "-", "@", "\t"}
    assert all(c[1] == "s" for c in quoted)
    assert not any("\x01" in str(v) for v in values)


@pytest.mark.parametrize("value", [
    "=1+1", "+84", "-5", "@SUM(A1)", "\tx", "a\x01b\x1f", "\x02", "", None, True,
    False, date(2026, 1, 2), datetime(2026, 1, 2, 3, 4), 7, 2.5, Decimal("1.10"), "Lò Thị",
    "x" * 1000, "http://example.org", "0123", "1e5",
])
def test_one_value_is_written_as_openpyxl_wrote_it(tmp_path, value):
    columns = ("text", "signers")
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    sink = _OpenpyxlSheet(old, "national")
    sink.header(columns)
    sink.row(columns, [value, value])
    sink.close()
    sheet = StreamSheet(new, "national", widths=XLSX_WIDTHS, number_columns={"signers"})
    sheet.header(columns)
    sheet.row([value, value])
    sheet.close()
    old_cells, _f, _w = _cells(old)
    new_cells, _f, _w = _cells(new)
    assert new_cells == old_cells


def test_a_carriage_return_is_kept_where_openpyxl_lost_it(tmp_path):
    """openpyxl wrote a carriage return raw, and XML reads it back as a line feed;
    xlsxwriter writes Excel's escape for it (``_x000D_``, which Excel shows as the
    character). The cell is still quoted text."""
    new = tmp_path / "new.xlsx"
    sheet = StreamSheet(new, "national")
    sheet.header(("text",))
    sheet.row(["\ry"])
    sheet.close()
    cells, _f, _w = _cells(new)
    assert cells["A2"] == ("_x000D_y", "s", "General", True, False)


def test_the_quick_formula_check_is_the_guard():
    for text in ("=", "+", "-", "@", "\t", "\r", "a=", " =", "x", "Đ", "'="):
        assert (text[:1] in FORMULA_FIRST) == looks_like_formula(text)


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_cancelled_xlsx_export_leaves_nothing(session, office, tmp_path, monkeypatch):
    unit, _child, _made = office
    monkeypatch.setattr(national, "PAGE_SIZE", 2)
    folder = tmp_path / "out"
    folder.mkdir()
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return done < 4

    with pytest.raises(ExportCancelled):
        export_national(session, folder / "c.xlsx", Scope(unit.id), allow_unmapped=True,
                        progress=progress, today=TODAY)
    assert seen == [(2, 7), (4, 7)]
    assert _leftovers(folder) == []  # neither the file nor xlsxwriter's row file


def test_a_failed_xlsx_export_names_the_file_and_leaves_nothing(session, office, tmp_path,
                                                               monkeypatch):
    unit, _child, _made = office
    folder = tmp_path / "out"
    folder.mkdir()

    def broken_zip(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("xlsxwriter.workbook.Workbook._store_workbook", broken_zip)
    with pytest.raises(ExportError, match="c.xlsx"):
        export_national(session, folder / "c.xlsx", Scope(unit.id), allow_unmapped=True,
                        today=TODAY)
    assert _leftovers(folder) == []


def test_progress_counts_every_record_and_ends_at_the_total(session, office, tmp_path,
                                                            monkeypatch):
    unit, _child, _made = office
    monkeypatch.setattr(national, "PAGE_SIZE", 3)
    seen = []
    export_national(session, tmp_path / "p.xlsx", Scope(unit.id), allow_unmapped=True,
                    progress=lambda d, t: seen.append((d, t)), today=TODAY)
    assert seen == [(3, 7), (6, 7), (7, 7), (7, 7)]


# --- progress on the command line ------------------------------------------------------


def test_the_command_line_shows_progress_on_standard_error(db, session, office, tmp_path,
                                                           capsys, monkeypatch):
    monkeypatch.setattr(national, "PAGE_SIZE", 2)
    out = tmp_path / "cli.xlsx"
    assert test_national_export._cli(db, str(out)) == 0
    captured = capsys.readouterr()
    assert "Exported 7 petitions" in captured.out and "Writing records" not in captured.out
    lines = captured.err.splitlines()
    # not a terminal: a line at each tenth reached, the last at the total
    assert lines == ["Writing records: 2 of 7 (29%)", "Writing records: 4 of 7 (57%)",
                     "Writing records: 6 of 7 (86%)", "Writing records: 7 of 7 (100%)"]


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_progress_is_one_line_rewritten():
    from receptiondesk.cli.national_commands import Progress

    screen = _Terminal()
    shown = Progress(screen)
    for done in (500, 501, 1000, 1000):
        assert shown(done, 1000) is True
    shown.end()
    shown.end()
    assert screen.getvalue() == ("\rWriting records: 500 of 1,000 (50%)"
                                 "\rWriting records: 1,000 of 1,000 (100%)\n")
