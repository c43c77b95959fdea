"""Word copies of every document (issue 19, point 2).

Each document is saved through the door (``services.outputs``) as ``.docx`` and read
back with python-docx: A4 with the margins of Decree 30/2020/NĐ-CP (state) and Guidance
36-HD/VPTW (Party), Times New Roman with the body at 14, the two-column header, the
number and date line, the signature titles, "Nơi nhận", the page number (a PAGE field
in the top margin, absent from the first page), tables whose header rows repeat; the
periodic report's tables hold every figure its JSON holds; a denouncer is blotted out
for a role not cleared as in the PDF.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, time
from pathlib import Path

import pytest
import test_documents
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from test_documents import HELD_ON, TODAY, person

from receptiondesk.documents import layout
from receptiondesk.model import AuditEntry
from receptiondesk.services import meetings, outputs, reception, units
from receptiondesk.services import minutes as minutes_service
from receptiondesk.services.errors import ValidationError
from receptiondesk.services.meetings import NoticeInput
from receptiondesk.services.reception import SessionInput, VisitInput

MM = 36000  # EMU per millimetre

# the records of the PDF's tests
an, mai, rep = test_documents.an, test_documents.mai, test_documents.rep
rsession, meeting = test_documents.rsession, test_documents.meeting
state_unit, chairman = test_documents.state_unit, test_documents.chairman

# --- reading a Word document back ---------------------------------------------------------


def flat(value: str) -> str:
    return " ".join(value.split())


def _cell_texts(table) -> list[str]:
    out = []
    for row in table.rows:
        for cell in row.cells:
            out.append(cell.text)
            for inner in cell.tables:
                out += _cell_texts(inner)
    return out


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += _cell_texts(table)
    return flat(" ".join(parts))


def every_run(doc):
    for p in doc.paragraphs:
        yield p, from_runs(p)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    yield p, from_runs(p)


def from_runs(p):
    return [r for r in p.runs if r.text.strip()]


def assert_all(text: str, *needles: str) -> None:
    missing = [n for n in needles if flat(n) not in text]
    assert missing == [], f"missing {missing} in: {text[:3000]}"


def check_page(doc, landscape: bool = False) -> None:
    """A4 and the margins of layout (Decree 30 / Guidance 36), in millimetres."""
    section = doc.sections[0]
    width, height = (297, 210) if landscape else (210, 297)
    assert round(section.page_width / MM) == width
    assert round(section.page_height / MM) == height
    assert round(section.top_margin / MM) == round(layout.MARGIN_TOP / 72 * 25.4) == 20
    assert round(section.bottom_margin / MM) == 20
    assert round(section.left_margin / MM) == 30
    assert round(section.right_margin / MM) == 15


def check_fonts(doc) -> None:
    """Times New Roman everywhere; the body's justified paragraphs at 13–14 pt."""
    body_sizes = set()
    for p, runs in every_run(doc):
        for r in runs:
            assert r.font.name == "Times New Roman", (r.text, r.font.name)
            rfonts = r._r.rPr.find(qn("w:rFonts"))
            assert rfonts.get(qn("w:hAnsi")) == "Times New Roman"  # Vietnamese letters
        if p.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY:
            body_sizes |= {r.font.size.pt for r in runs}
    assert body_sizes and body_sizes <= {13.0, 14.0}, body_sizes
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size.pt == 14
    # no theme font left to win over Times New Roman in Word
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(".//" + qn("w:rFonts"))
    assert dict(fonts.attrib) == {qn(f"w:{a}"): "Times New Roman"
                                  for a in ("ascii", "hAnsi", "cs", "eastAsia")}
    check_schema_order(doc)


#: the order of the children Word insists on (ECMA-376 part 1: CT_PPr, CT_RPr, CT_TblPr,
#: CT_TcPr), for the elements the Word copies use; LibreOffice forgives a wrong order,
#: Word calls the file damaged
SCHEMA_ORDER = {
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "pBdr",
            "shd", "tabs", "spacing", "ind", "jc", "rPr", "sectPr"],
    "rPr": ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "color", "sz", "szCs", "u"],
    "tblPr": ["tblStyle", "tblW", "jc", "tblBorders", "shd", "tblLayout", "tblCellMar",
              "tblLook"],
    "tcPr": ["tcW", "gridSpan", "vMerge", "tcBorders", "shd", "tcMar", "vAlign"],
}


def check_schema_order(doc) -> None:
    parts = [doc.element] + [s.header._element for s in doc.sections] + \
        [s.footer._element for s in doc.sections]
    for part in parts:
        for tag, order in SCHEMA_ORDER.items():
            for el in part.iter(qn(f"w:{tag}")):
                names = [child.tag.split("}")[1] for child in el]
                known = [order.index(n) for n in names if n in order]
                assert known == sorted(known), (tag, names)


def check_page_numbers(doc) -> None:
    """The page number: a PAGE field centred in the top margin, none on page 1."""
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    head = section.header.paragraphs[0]
    assert head.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in "".join(t.text for t in head._p.iter(qn("w:instrText")))
    first = section.first_page_header._element
    assert not list(first.iter(qn("w:instrText")))


def header_table(doc) -> tuple[str, str]:
    """(left column, right column) of the two-column header, the number and date row
    included."""
    table = doc.tables[0]
    left = flat(" ".join(table.cell(r, 0).text for r in range(len(table.rows))))
    right = flat(" ".join(table.cell(r, 1).text for r in range(len(table.rows))))
    return left, right


def repeated_header_rows(table) -> int:
    n = 0
    for row in table.rows:
        tr_pr = row._tr.trPr
        if tr_pr is None or tr_pr.find(qn("w:tblHeader")) is None:
            break
        n += 1
    return n


def grid_tables(doc) -> list:
    return [t for t in doc.tables if t.style is not None and t.style.name == "Table Grid"]


def saved(path):
    assert path.exists() and path.read_bytes()[:2] == b"PK"
    keep = os.environ.get("RECEPTIONDESK_TEST_KEEP_DOCX")  # a folder: keep to look at
    if keep:
        shutil.copyfile(path, Path(keep) / path.name)
    return Document(str(path))


# --- the minutes ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_minutes_of_a_party_unit(session, unit, rsession, tmp_path, lang):
    m = minutes_service.minutes_for(session, "session", rsession.id)
    path = tmp_path / f"bb-{lang}.docx"
    assert outputs.print_minutes(session, m.id, path, lang=lang) is None
    doc = saved(path)
    check_page(doc)
    check_fonts(doc)
    check_page_numbers(doc)
    left, right = header_table(doc)
    text = all_text(doc)
    if lang == "vi":
        assert_all(left, "ĐẢNG BỘ TỈNH ĐIỆN BIÊN", "ĐẢNG ỦY XÃ MƯỜNG PHĂNG", "*",
                   "Số 01-BB/ĐU")
        assert_all(right, "ĐẢNG CỘNG SẢN VIỆT NAM", "Mường Phăng, ngày 05 tháng 02 năm 2026")
        assert_all(text, "BIÊN BẢN", "Tiếp công dân định kỳ",
                   "Nguyễn Văn An, sinh năm 1968, số CCCD 011068001234",
                   "Đoàn đông người gồm 12 người", "Lường Thị Dung",
                   "Giao Văn phòng thụ lý, trả lời bằng văn bản trong 10 ngày.",
                   "Biên bản được lập thành 02 bản có giá trị như nhau.",
                   "CÔNG DÂN", "ĐẠI DIỆN CÔNG DÂN", "NGƯỜI GHI BIÊN BẢN", "NGƯỜI CHỦ TRÌ",
                   "(Ký, ghi rõ họ tên)")
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text
    else:
        assert_all(right, "COMMUNIST PARTY OF VIET NAM", "Mường Phăng, 5 February 2026")
        assert_all(text, "MINUTES", "RECORDER", "(Sign and write the full name)")
    for name in ("Nguyễn Thị Hoa", "Lò Văn Khoa", "Lò Thị Mai"):
        assert text.count(name) >= 2, name  # in the text and under the signature
    # Word proofs the text in the document's language
    proofing = doc.styles.element.find(".//" + qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert proofing.get(qn("w:val")) == ("vi-VN" if lang == "vi" else "en-GB")
    # the version of the minutes in the bottom margin of every page, as on the PDF
    footer = doc.sections[0].footer.paragraphs[0].text
    assert footer and footer == doc.sections[0].first_page_footer.paragraphs[0].text
    # the door recorded the print and its format
    entry = session.query(AuditEntry).filter_by(action="print", record_kind="minutes") \
        .order_by(AuditEntry.seq.desc()).first()
    detail = json.loads(entry.detail)
    assert detail["format"] == "docx" and detail["file"] == path.name


def test_minutes_of_a_peoples_committee(session, state_unit, chairman, tmp_path):
    clerk = units.create_official(session, state_unit.id, units.OfficialInput(
        full_name="Đỗ Thị Hằng", position="Công chức Văn phòng - Thống kê"))
    citizen = person(session, state_unit, "Nguyễn Văn An", 1968, "011068001234",
                     "Thôn Bản Phăng, xã Mường Phăng")
    rs = reception.create_session(session, state_unit.id, SessionInput(
        HELD_ON, place="Trụ sở UBND xã", start_time=time(14), presiding_official_id=chairman.id,
        recorder_official_id=clerk.id), today=TODAY)
    visit = reception.add_visit(session, rs.id, VisitInput(
        "Đề nghị hỗ trợ làm nhà.", citizen_id=citizen.id, direction="Xem xét hỗ trợ."),
        today=TODAY)
    m = minutes_service.minutes_for(session, "visit", visit.id)
    path = tmp_path / "bb-ubnd.docx"
    outputs.print_minutes(session, m.id, path, lang="vi")
    doc = saved(path)
    check_page(doc)
    check_fonts(doc)
    check_page_numbers(doc)
    left, right = header_table(doc)
    assert_all(left, "ỦY BAN NHÂN DÂN XÃ MƯỜNG PHĂNG", "Số: 01/BB-UBND")
    assert_all(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
               "Mường Phăng, ngày 05 tháng 02 năm 2026")
    text = all_text(doc)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in text
    assert "ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN" not in text  # no body above a People's Committee
    assert_all(text, "BIÊN BẢN", "14 giờ 00 phút, ngày 05 tháng 02 năm 2026",
               "Người chủ trì: Vừ A Sùng – Chủ tịch Ủy ban nhân dân", "NGƯỜI CHỦ TRÌ",
               "Vừ A Sùng", "Đỗ Thị Hằng")


# --- the concluding notice -----------------------------------------------------------------


def test_notice_of_a_party_meeting(session, unit, meeting, official, tmp_path):
    notice = meetings.issue_notice(session, NoticeInput(
        "12-TB/ĐU", date(2026, 2, 9),
        "1. Các chi bộ rà soát toàn bộ đơn thư tồn đọng.\n2. Báo cáo kết quả trước ngày 30/3.",
        signed_by_id=official.id), meeting_id=meeting.id, today=TODAY)
    path = tmp_path / "tb-du.docx"
    outputs.print_notice(session, notice.id, path, lang="vi")
    doc = saved(path)
    check_page(doc)
    check_fonts(doc)
    check_page_numbers(doc)
    left, right = header_table(doc)
    assert_all(left, "ĐẢNG BỘ TỈNH ĐIỆN BIÊN", "ĐẢNG ỦY XÃ MƯỜNG PHĂNG", "Số 12-TB/ĐU")
    assert_all(right, "ĐẢNG CỘNG SẢN VIỆT NAM", "Mường Phăng, ngày 09 tháng 02 năm 2026")
    assert_all(all_text(doc), "THÔNG BÁO", "Kết luận của đồng chí Lò Văn Khoa, Bí thư Đảng ủy",
               "1. Các chi bộ rà soát toàn bộ đơn thư tồn đọng.", "T/M ĐẢNG ỦY", "BÍ THƯ",
               "Lò Văn Khoa", "Nơi nhận:", "Các đồng chí dự họp;", "Lưu Văn phòng.")
    # "Nơi nhận" bottom left in bold italic, the signature bottom right
    sig = doc.tables[-1]
    assert "Nơi nhận:" in sig.cell(0, 0).text and "T/M ĐẢNG ỦY" in sig.cell(0, 1).text
    head = sig.cell(0, 0).paragraphs[0].runs[0]
    assert head.bold and head.italic


def test_notice_of_a_state_session_in_english(session, state_unit, chairman, tmp_path):
    rs = reception.create_session(session, state_unit.id, SessionInput(
        HELD_ON, kind="unscheduled", place="Trụ sở UBND xã", presiding_official_id=chairman.id),
        today=TODAY)
    notice = meetings.issue_notice(session, NoticeInput(
        "05/TB-UBND", date(2026, 2, 6), "Giao công chức địa chính kiểm tra thực địa."),
        session_id=rs.id, today=TODAY)
    path = tmp_path / "tb-ubnd-en.docx"
    outputs.print_notice(session, notice.id, path, lang="en", fmt="docx")
    doc = saved(path)
    check_page(doc)
    check_fonts(doc)
    left, right = header_table(doc)
    assert_all(left, "ỦY BAN NHÂN DÂN XÃ MƯỜNG PHĂNG", "No.: 05/TB-UBND")
    assert_all(right, "SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness",
               "Mường Phăng, 6 February 2026")
    assert_all(all_text(doc), "NOTICE", "the unscheduled citizen reception session",
               "ON BEHALF OF THE PEOPLE'S COMMITTEE", "Recipients:", "Vừ A Sùng")


def test_the_format_and_the_name_must_agree(session, unit, meeting, official, tmp_path):
    notice = meetings.issue_notice(session, NoticeInput(
        "12-TB/ĐU", date(2026, 2, 9), "Nội dung.", signed_by_id=official.id),
        meeting_id=meeting.id, today=TODAY)
    with pytest.raises(ValidationError) as caught:
        outputs.print_notice(session, notice.id, tmp_path / "tb.pdf", fmt="docx")
    assert ".pdf" in str(caught.value) and "docx" in str(caught.value)
    assert not (tmp_path / "tb.pdf").exists()
    # a PDF named .pdf stays a PDF
    outputs.print_notice(session, notice.id, tmp_path / "tb.pdf")
    assert (tmp_path / "tb.pdf").read_bytes().startswith(b"%PDF")


# --- the periodic report -------------------------------------------------------------------


@pytest.fixture
def world(session):
    from test_reports import build

    return build(session)


def _body_rows(table, header_rows: int) -> list[list[str]]:
    return [[flat(c.text) for c in row.cells] for row in table.rows[header_rows:]]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_periodic_report_of_a_province_party_committee(session, world, tmp_path, lang):
    from test_reports import PERIOD
    from test_reports import TODAY as REPORT_DAY

    from receptiondesk.documents.layout import document_language
    from receptiondesk.reports.outputs import cell_text, report_tables
    from receptiondesk.reports.periodic import periodic_report

    report = periodic_report(session, world.province.id, PERIOD, today=REPORT_DAY)
    path = tmp_path / f"bc-tu-{lang}.docx"
    assert outputs.write_report(session, report, "docx", path, lang=lang) == 0
    outputs.write_report(session, report, "json", tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    doc = saved(path)
    check_page(doc)
    check_fonts(doc)
    check_page_numbers(doc)
    # the appendix is a landscape section whose pages go on being numbered
    appendix = doc.sections[-1]
    assert len(doc.sections) == 2
    assert round(appendix.page_width / MM) == 297 and round(appendix.page_height / MM) == 210
    assert not appendix.different_first_page_header_footer
    left, right = header_table(doc)
    text = all_text(doc)
    if lang == "vi":
        assert_all(left, "TỈNH ỦY ĐIỆN BIÊN", "Số ……-BC/TU")
        assert_all(right, "ĐẢNG CỘNG SẢN VIỆT NAM")
        assert_all(text, "BÁO CÁO", "T/M BAN THƯỜNG VỤ", "Nơi nhận:", "PHỤ LỤC")
    else:
        assert_all(right, "COMMUNIST PARTY OF VIET NAM")
        assert_all(text, "REPORT", "Recipients:", "APPENDIX")
    assert "Trần Quốc Cường" in text  # the signer
    grids = grid_tables(doc)
    with document_language(lang):
        specs = report_tables(report)
        expected = [[[cell_text(v) for v in row] for row in spec.rows] for spec in specs]
    assert len(grids) == len(specs)
    for spec, table, rows in zip(specs, grids, expected, strict=True):
        heads = 2 if spec.groups else 1
        assert repeated_header_rows(table) == heads, spec.key
        assert _body_rows(table, heads) == rows, spec.key
    # the figures are the JSON's: petitions and reception per level and in total
    tables = dict(zip((s.key for s in specs), grids, strict=True))
    keys = ("received", "carried_over", "total", "to_process", "processed", "to_resolve",
            "resolved", "open_at_end", "overdue_at_end")
    rows = _body_rows(tables["petitions"], 2)
    scopes = [x["petitions"] for x in data["by_level"]] + [data["total"]["petitions"]]
    assert len(rows) == len(scopes) == 4  # province, district, commune, total
    for row, figures in zip(rows, scopes, strict=True):
        assert [int(x) for x in row[1:] if x.isdigit()] == [figures[k] for k in keys]
    reception_total = _body_rows(tables["reception"], 2)[-1]
    r = data["total"]["reception"]
    assert [int(x) for x in reception_total[1:]] == [
        r["regular"]["sessions"], r["regular"]["citizens"], r["unscheduled"]["sessions"],
        r["unscheduled"]["citizens"], r["dialogue"]["sessions"], r["dialogue"]["citizens"],
        r["routine"]["sessions"], r["routine"]["citizens"], r["total"]["visits"],
        r["total"]["citizens"], r["total"]["delegations"], r["total"]["delegation_citizens"]]


def test_periodic_report_of_a_peoples_committee(session, state_unit, chairman, tmp_path):
    from receptiondesk.reports.periodic import periodic_report
    from receptiondesk.reports.periods import year_period

    report = periodic_report(session, state_unit.id, year_period(2026), today=TODAY)
    path = tmp_path / "bc-ubnd.docx"
    outputs.write_report(session, report, "docx", path, lang="vi")
    doc = saved(path)
    check_page(doc)
    check_fonts(doc)
    left, right = header_table(doc)
    assert_all(left, "ỦY BAN NHÂN DÂN XÃ MƯỜNG PHĂNG", "Số: ……/BC-UBND")
    assert_all(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
    assert_all(all_text(doc), "BÁO CÁO", "TM. ỦY BAN NHÂN DÂN", "Nơi nhận:")
    assert all(repeated_header_rows(t) >= 1 for t in grid_tables(doc))


# --- the appointment slip, the receipt, the copy for the verifiers, the log book ------------


def test_appointment_slip(session, unit, an, clerk, tmp_path):
    path = tmp_path / "giay-hen.docx"
    outputs.print_slip(session, unit.id, an.id, date(2026, 3, 2),
                       "Bổ sung bản sao giấy chứng nhận quyền sử dụng đất.", path,
                       official_id=clerk.id, at=time(8, 30), place="Bộ phận tiếp công dân xã",
                       issued_on=HELD_ON, lang="vi")
    doc = saved(path)
    check_page(doc)
    check_fonts(doc)
    check_page_numbers(doc)
    left, right = header_table(doc)
    assert_all(left, "ĐẢNG BỘ TỈNH ĐIỆN BIÊN", "ĐẢNG ỦY XÃ MƯỜNG PHĂNG")
    assert_all(right, "ĐẢNG CỘNG SẢN VIỆT NAM", "Mường Phăng, ngày 05 tháng 02 năm 2026")
    assert_all(all_text(doc), "GIẤY HẸN", "Họ và tên: Nguyễn Văn An", "Năm sinh: 1968",
               "Số CCCD: 011068001234", "08 giờ 30 phút, ngày 02 tháng 3 năm 2026",
               "Lý do: Bổ sung bản sao giấy chứng nhận quyền sử dụng đất.",
               "Người tiếp nhận: Nguyễn Thị Hoa – Công chức Văn phòng", "NGƯỜI TIẾP NHẬN",
               "CÔNG DÂN", "(Ký, ghi rõ họ tên)")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_receipt_of_a_peoples_committee(session, state_unit, chairman, tmp_path, lang):
    from receptiondesk.documents.notices import parse_documents

    citizen = person(session, state_unit, "Nguyễn Văn An", 1968, "011068001234", "Bản Phăng")
    path = tmp_path / f"bien-nhan-{lang}.docx"
    outputs.print_receipt(session, state_unit.id, citizen.id,
                          parse_documents("Đơn khiếu nại:1; Bản sao sổ đỏ: 2"), path,
                          official_id=chairman.id, received_on=HELD_ON, number="07/BN-UBND",
                          lang=lang)
    doc = saved(path)
    check_page(doc)
    check_fonts(doc)
    left, right = header_table(doc)
    if lang == "vi":
        assert_all(left, "ỦY BAN NHÂN DÂN XÃ MƯỜNG PHĂNG", "Số: 07/BN-UBND")
        assert_all(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Mường Phăng, ngày 05 tháng 02 năm 2026")
        assert_all(all_text(doc), "GIẤY BIÊN NHẬN TÀI LIỆU", "NGƯỜI NỘP", "NGƯỜI TIẾP NHẬN")
    else:
        assert_all(left, "No.: 07/BN-UBND")
        assert_all(right, "SOCIALIST REPUBLIC OF VIET NAM", "Mường Phăng, 5 February 2026")
        assert_all(all_text(doc), "RECEIPT FOR DOCUMENTS", "RECEIVING OFFICIAL")
    (table,) = grid_tables(doc)
    assert repeated_header_rows(table) == 1
    rows = _body_rows(table, 1)
    assert rows[0] == ["1", "Đơn khiếu nại", "1"] and rows[1] == ["2", "Bản sao sổ đỏ", "2"]
    assert rows[2][1:] == ["Tổng cộng" if lang == "vi" else "Total", "3"]


def test_verifier_copy(session, unit, official, tmp_path):
    from receptiondesk.services import petitions

    p = petitions.register_petition(session, unit.id, petitions.PetitionInput(
        HELD_ON, "denunciation", "Tố cáo cán bộ địa chính nhận tiền của dân.", ref="TC-07",
        petitioners=[petitions.PetitionerInput("Hoàng Văn Bí", "012345678901", "Bản Ẩn")]),
        today=TODAY)
    path = tmp_path / "ban-sao-xac-minh.docx"
    outputs.print_verifier_copy(session, p.id, path, lang="vi")
    doc = saved(path)
    check_page(doc)
    check_fonts(doc)
    check_page_numbers(doc)
    left, right = header_table(doc)
    assert_all(left, "ĐẢNG ỦY XÃ MƯỜNG PHĂNG")
    assert_all(right, "ĐẢNG CỘNG SẢN VIỆT NAM")
    text = all_text(doc)
    assert_all(text, "TC-07", "Tố cáo cán bộ địa chính nhận tiền của dân.", "T/M ĐẢNG ỦY",
               "BÍ THƯ", "Lò Văn Khoa")
    assert "At a reception" not in text and "By post" not in text  # lists in Vietnamese
    for secret in ("Hoàng Văn Bí", "012345678901", "Bản Ẩn"):
        assert secret not in text  # withheld whoever prints it, as on the PDF
    (history,) = grid_tables(doc)
    assert repeated_header_rows(history) == 1


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_log_book(session, unit, rsession, tmp_path, lang):
    path = tmp_path / f"so-{lang}.docx"
    rows, pages = outputs.print_logbook(session, unit.id, HELD_ON, HELD_ON, path, lang=lang)
    assert (rows, pages) == (3, None)
    doc = saved(path)
    check_page(doc, landscape=True)
    check_page_numbers(doc)
    check_schema_order(doc)
    for _p, runs in every_run(doc):
        assert all(r.font.name == "Times New Roman" for r in runs)
    (book,) = grid_tables(doc)
    assert repeated_header_rows(book) == 3  # titles, the handling columns, (1)…(12)
    assert [flat(c.text) for c in book.rows[2].cells] == [f"({i})" for i in range(1, 13)]
    body = _body_rows(book, 3)
    assert [r[0] for r in body] == ["1", "2", "3"]
    # each cell's own lines: the name, then the address (Word wraps them to the column)
    name_address = book.rows[3].cells[2].text
    assert name_address == "Nguyễn Văn An\nThôn Bản Phăng, xã Mường Phăng"
    assert body[0][3] == "011068001234"
    assert [r[7:10] for r in body] == [["", "x", ""], ["x", "", ""], ["", "", "x"]]
    text = all_text(doc)
    if lang == "vi":
        assert_all(text, "SỔ TIẾP CÔNG DÂN", "ĐẢNG ỦY XÃ MƯỜNG PHĂNG",
                   "(Mẫu số 03, Thông tư số 04/2021/TT-TTCP)")
    else:
        assert_all(text, "CITIZEN RECEPTION LOG BOOK", "(Form 03, Circular 04/2021/TT-TTCP)")


# --- the command line ------------------------------------------------------------------------


def test_print_picks_word_from_the_name_or_the_format(db, session, unit, meeting, official,
                                                      tmp_path, capsys):
    from receptiondesk.cli import main

    notice = meetings.issue_notice(session, NoticeInput(
        "12-TB/ĐU", date(2026, 2, 9), "Các chi bộ rà soát đơn thư tồn đọng.",
        signed_by_id=official.id), meeting_id=meeting.id, today=TODAY)
    session.commit()
    base = ["--database-url", db.url, "--lang", "vi", "print", "notice", "--notice", notice.id]
    by_name = tmp_path / "thong-bao.docx"
    assert main([*base, "--out", str(by_name)]) == 0
    line = capsys.readouterr().out
    assert str(by_name) in line and "(văn bản Word)" in line
    assert "Các chi bộ rà soát đơn thư tồn đọng." in all_text(saved(by_name))
    by_option = tmp_path / "thong-bao-2"
    assert main([*base, "--format", "docx", "--out", str(by_option)]) == 0
    capsys.readouterr()
    assert by_option.read_bytes()[:2] == b"PK"
    # a format the name contradicts is refused, naming both, and nothing is written
    wrong = tmp_path / "thong-bao.pdf"
    assert main([*base, "--format", "docx", "--out", str(wrong)]) == 1
    err = capsys.readouterr().err
    assert ".pdf" in err and "docx" in err and not wrong.exists()
    with pytest.raises(SystemExit):  # not one of the choices: argparse says so
        main([*base, "--format", "odt", "--out", str(wrong)])
    assert "'pdf', 'docx'" in capsys.readouterr().err


def test_report_periodic_as_word(db, session, unit, tmp_path, capsys):
    from receptiondesk.cli import main

    session.commit()
    out = tmp_path / "bao-cao.docx"
    assert main(["--database-url", db.url, "--lang", "en", "report", "periodic", "--preset",
                 "year", "--year", "2026", "--out", str(out)]) == 0
    assert "DOCX" in capsys.readouterr().out
    doc = saved(out)
    assert "REPORT" in all_text(doc) and len(doc.sections) == 2
    out2 = tmp_path / "bao-cao-2.docx"
    assert main(["--database-url", db.url, "report", "periodic", "--preset", "year",
                 "--year", "2026", "--format", "docx", "--out", str(out2)]) == 0
    capsys.readouterr()
    assert saved(out2).tables


def test_openpyxl_stays_on_defusedxml_though_lxml_is_installed():
    """python-docx needs lxml; openpyxl would then parse workbooks with lxml rather than
    through defusedxml (issue 16)."""
    import lxml  # noqa: F401  (installed with python-docx)
    import openpyxl
    from openpyxl.xml import functions

    assert openpyxl.LXML is False and openpyxl.DEFUSEDXML is True
    assert functions.fromstring.__module__.startswith("defusedxml")


def test_text_a_word_file_cannot_hold_is_left_out(unit):
    """A control character typed into a record (a PDF ignores it) would make the Word file
    unreadable: it is left out, the rest of the text kept."""
    import io

    from receptiondesk.documents.docx_writer import as_word
    from receptiondesk.documents.layout import DocumentHeader, build_pdf, para, styles

    out = io.BytesIO()
    header = DocumentHeader.for_unit(unit, number="01-TB/ĐU", on=HELD_ON)
    with as_word():
        assert build_pdf(out, header, "Thông báo", "", [
            para("Nội dung\x07 có\x0b ký tự điều khiển", styles(unit.kind).body)]) is None
    doc = Document(out)
    assert "Nội dung có ký tự điều khiển" in all_text(doc)


def test_a_word_copy_of_the_minutes_does_not_mark_them_printed(db, session, rsession,
                                                              tmp_path, capsys):
    """Printing the PDF from the command line marks the minutes printed for signing (their
    version frozen); a Word copy leaves them as they were."""
    from receptiondesk.cli import main
    from receptiondesk.model.codes import MinutesStatus

    session.commit()
    base = ["--database-url", db.url, "print", "minutes", "--session", rsession.ref]
    assert main([*base, "--out", str(tmp_path / "bb.docx")]) == 0
    with db.session() as s:
        m = minutes_service.minutes_for(s, "session", rsession.id)
        assert m.status == MinutesStatus.DRAFT and m.printed_at is None
    assert main([*base, "--out", str(tmp_path / "bb.pdf")]) == 0
    capsys.readouterr()
    with db.session() as s:
        assert minutes_service.minutes_for(s, "session", rsession.id).status == \
            MinutesStatus.PRINTED
