"""Reading CSV/XLSX tables and parsing cell values (receptiondesk.exchange.tables)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook

from receptiondesk.exchange.cells import guard_formula
from receptiondesk.exchange.tables import (
    TableError,
    ValueProblem,
    match_header,
    parse_code,
    parse_date,
    parse_int,
    parse_yes_no,
    read_table,
    sniff_delimiter,
)
from receptiondesk.model.codes import (
    Handling,
    InspectionBody,
    Level,
    PetitionType,
    Result,
    SessionKind,
    Status,
    VisitHandling,
)


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [True, False])
def test_csv_with_any_delimiter_and_optional_bom(tmp_path, delimiter, bom):
    text = delimiter.join(["unit_code", "ref", "content"]) + "\r\n"
    text += delimiter.join(["DU-MP", "01/2026", '"Nội dung, có dấu phẩy; và chấm phẩy"']) + "\r\n"
    path = _write(tmp_path / "x.csv", ("\ufeff" if bom else "") + text)
    table = read_table(path, "petitions")
    assert len(table) == 1
    assert dict(table[0]) == {"unit_code": "DU-MP", "ref": "01/2026",
                              "content": "Nội dung, có dấu phẩy; và chấm phẩy"}
    assert table[0].row == 2


def test_sniffing_prefers_the_consistent_delimiter():
    sample = "Ngày;Nội dung\n15/01/2026;Đất đai, bồi thường\n16/01/2026;Nhà ở, tài sản\n"
    assert sniff_delimiter(sample) == ";"
    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"


def test_vietnamese_headers_are_matched_folded_and_title_rows_skipped(tmp_path):
    text = (
        "SỔ TIẾP CÔNG DÂN;;;;\n"
        "Năm 2026;;;;\n"
        "STT;Ngày tiếp;HỌ VÀ TÊN;Số CCCD;Địa chỉ;Nội dung (tóm tắt);"
        "Cơ quan đã giải quyết (nếu có)\n"
        "1;15/01/2026;Nguyễn Văn An;011068001234;Bản Phăng;Đất đai;UBND xã\n"
        ";;;;;;\n"
        "2;16/01/2026;Lò Thị Bình;;Bản Co;Bồi thường;\n"
    )
    table = read_table(_write(tmp_path / "so.csv", text), "logbook")
    assert table.header_row == 3
    assert table.titles["date"] == "Ngày tiếp"
    assert table.titles["citizen_name"] == "HỌ VÀ TÊN"
    assert table.titles["previously_handled_by"] == "Cơ quan đã giải quyết (nếu có)"
    assert table.ignored == ["STT"]
    assert [r.row for r in table] == [4, 6]  # the empty row keeps its number
    assert table[0]["id_number"] == "011068001234"
    assert table[1]["citizen_name"] == "Lò Thị Bình"


@pytest.mark.parametrize(("kind", "title", "key"), [
    ("logbook", "Ngày", "date"),
    ("logbook", "ngay tiep", "date"),
    ("logbook", "Họ tên", "citizen_name"),
    ("logbook", "Số định danh", "id_number"),
    ("logbook", "Số CMND/CCCD", "id_number"),
    ("logbook", "Lĩnh vực", "field_code"),
    ("logbook", "Loại đơn", "petition_type"),
    ("logbook", "Số người", "head_count"),
    ("logbook", "Hướng xử lý", "handling"),
    ("logbook", "Theo dõi", "follow_up"),
    ("logbook", "Ghi chú", "notes"),
    ("logbook", "Mã đơn vị", "unit_code"),
    ("logbook", "Session Ref", "session_ref"),
    ("petitions", "Họ và tên", "petitioner_name"),
    ("petitions", "Loại đơn", "type"),
    ("petitions", "petition_type", "type"),
    ("petitions", "Ngày nhận đơn", "received_date"),
    ("petitions", "Trạng thái", "status"),
    ("units", "Mã", "code"),
    ("units", "Cấp", "level"),
    ("meetings", "Số thông báo", "notice_number"),
    ("inspections", "Có vi phạm", "violations_found"),
])
def test_header_titles(kind, title, key):
    assert match_header(kind, title) == key


def test_a_column_given_twice_is_reported(tmp_path):
    path = _write(tmp_path / "x.csv", "Họ tên,citizen_name,date,content\nA,B,2026-01-01,x\n")
    table = read_table(path, "logbook")
    assert table.duplicates == [("citizen_name", ["Họ tên", "citizen_name"])]


def test_xlsx_dates_numbers_and_id_numbers(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Sổ tiếp công dân"])
    ws.append(["Ngày tiếp", "Họ và tên", "Năm sinh", "Số CCCD", "Số người", "Nội dung"])
    ws.append([datetime(2026, 1, 15), "Nguyễn Văn An", 1968.0, 11068001234, 7, "Đất"])
    ws.append([date(2026, 2, 9), "Lò Thị Bình", None, "011175009876", 1.0, "Nhà"])
    path = tmp_path / "so.xlsx"
    wb.save(path)
    table = read_table(path, "logbook")
    assert table.header_row == 2
    assert dict(table[0]) == {"date": "2026-01-15", "citizen_name": "Nguyễn Văn An",
                              "birth_year": "1968", "id_number": "011068001234",
                              "head_count": "7", "content": "Đất"}
    assert table[1]["date"] == "2026-02-09" and table[1]["birth_year"] == ""
    assert table[1]["head_count"] == "1"
    assert [r.row for r in table] == [3, 4]


def test_unreadable_files(tmp_path):
    with pytest.raises(TableError, match="UTF-8"):
        read_table(_write(tmp_path / "x.csv", "Ngày,Ghi chú\n1/1/2026,à\n", "cp1252"),
                   "logbook")
    with pytest.raises(TableError, match=".xlsx"):
        read_table(_write(tmp_path / "x.xls", "x"), "logbook")
    with pytest.raises(TableError):
        read_table(_write(tmp_path / "x.xlsx", "not a zip"), "logbook")
    with pytest.raises(TableError, match="empty"):
        read_table(_write(tmp_path / "e.csv", "\n\n"), "logbook")


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-02-05", date(2026, 2, 5)),
    ("05/02/2026", date(2026, 2, 5)),
    ("5/2/2026", date(2026, 2, 5)),
    ("5-2-2026", date(2026, 2, 5)),
    ("05.02.2026", date(2026, 2, 5)),
    ("2026-02-05 00:00:00", date(2026, 2, 5)),
    ("", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "hôm qua", "02/2026", "5/2/26"])
def test_parse_date_rejects(text):
    with pytest.raises(ValueProblem):
        parse_date(text)


def test_parse_int_and_yes_no():
    assert parse_int("7") == 7 and parse_int("7.0") == 7 and parse_int("") is None
    with pytest.raises(ValueProblem):
        parse_int("bảy")
    with pytest.raises(ValueProblem):
        parse_int("0", minimum=1)
    assert parse_yes_no("Có") is True and parse_yes_no("không") is False
    assert parse_yes_no("yes") is True and parse_yes_no("x") is True
    assert parse_yes_no("") is None
    with pytest.raises(ValueProblem):
        parse_yes_no("có lẽ")


@pytest.mark.parametrize(("enum", "text", "code"), [
    (PetitionType, "complaint", "complaint"),
    (PetitionType, "Khiếu nại", "complaint"),
    (PetitionType, "KHIEU NAI", "complaint"),
    (PetitionType, "Tố cáo", "denunciation"),
    (PetitionType, "Mixed content", "mixed"),
    (Handling, "Thụ lý", "accept"),
    (Handling, "Accept for resolution", "accept"),
    (Handling, "Chuyển đơn", "forward"),
    (VisitHandling, "Thụ lý", "accept"),
    (VisitHandling, "Hướng dẫn", "guide"),
    (Status, "in_resolution", "in_resolution"),
    (Status, "Đang giải quyết", "in_resolution"),
    (Status, "Thụ lý", "accepted"),
    (Result, "Đúng một phần", "partly_correct"),
    (Result, "Rút đơn", "withdrawn"),
    (SessionKind, "Định kỳ", "regular"),
    (SessionKind, "đột xuất", "unscheduled"),
    (Level, "Xã", "commune"),
    (InspectionBody, "Ủy ban kiểm tra", "inspection_committee"),
])
def test_parse_code_enums(enum, text, code):
    assert parse_code(enum, text) == code


def test_parse_code_unknown_lists_the_codes():
    with pytest.raises(ValueProblem) as info:
        parse_code(PetitionType, "Khen thưởng")
    assert "complaint" in str(info.value) and "Khen thưởng" in str(info.value)
    assert parse_code(PetitionType, "  ") is None


def test_parse_code_lookup_tables(session):
    assert parse_code("field_code", "land", session) == "land"
    assert parse_code("field_code", "Đất đai", session) == "land"
    assert parse_code("field_code", "Quản lý đất đai", session) == "land"
    assert parse_code("field_code", "Land management", session) == "land"
    assert parse_code("field_code", "Bồi thường, hỗ trợ, tái định cư khi Nhà nước thu hồi đất",
                      session) == "compensation"
    assert parse_code("source", "Qua bưu chính", session) == "post"
    assert parse_code("source", "Hòm thư góp ý", session) == "mailbox"
    with pytest.raises(ValueProblem):
        parse_code("field_code", "Thiên văn", session)


def test_formula_guard_round_trips(tmp_path):
    assert guard_formula("=1+1") == "'=1+1"
    assert guard_formula("-5 hộ") == "'-5 hộ"
    # Excel runs "- text" as a formula too (and shows #NAME?), so a dash list is guarded
    assert guard_formula("- Nội dung thứ nhất") == "'- Nội dung thứ nhất"
    for lead in ("+", "@", "\t", "\r"):
        assert guard_formula(lead + "1") == "'" + lead + "1"
    assert guard_formula("Bình thường") == "Bình thường"
    path = tmp_path / "g.csv"
    path.write_text("Nội dung\n" + guard_formula("- Nội dung thứ nhất") + "\n", encoding="utf-8")
    assert read_table(path)[0]["Nội dung"] == "- Nội dung thứ nhất"


def test_without_a_kind_rows_are_keyed_by_the_titles_as_written(tmp_path):
    path = _write(tmp_path / "x.csv", "Ngày tiếp;Họ và tên\n15/01/2026;Nguyễn Văn An\n")
    table = read_table(path)
    assert [dict(r) for r in table] == [{"Ngày tiếp": "15/01/2026",
                                         "Họ và tên": "Nguyễn Văn An"}]
    assert table[0].row == 2
