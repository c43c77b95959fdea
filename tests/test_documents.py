"""Printed documents (DESIGN §5): each one produced from known records, its text read
back from the PDF with pypdf and checked for every required element, Vietnamese
diacritics intact and every font embedded; the minutes lifecycle (signed → locked,
scanned copy, addenda); denouncers redacted; the command line."""

from __future__ import annotations

import argparse
import io
import re
import time as clock
from datetime import date, time, timedelta

import pytest
from pypdf import PdfReader

from receptiondesk.cli.print_commands import add_print_parser, cmd_print
from receptiondesk.documents import fonts, layout
from receptiondesk.documents.logbook import render_logbook
from receptiondesk.documents.minutes import render_minutes, render_minutes_record
from receptiondesk.documents.notices import (
    HandedIn,
    parse_documents,
    render_appointment_slip,
    render_notice,
    render_receipt,
)
from receptiondesk.i18n import current_language, set_language
from receptiondesk.model import Minutes
from receptiondesk.services import citizens, meetings, reception, units
from receptiondesk.services import minutes as minutes_service
from receptiondesk.services.accounts import Actor, acting_as
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.errors import (
    LockedError,
    NotFoundError,
    ServiceError,
    ValidationError,
)
from receptiondesk.services.meetings import MeetingInput, NoticeInput
from receptiondesk.services.reception import SessionInput, VisitInput

TODAY = date(2026, 3, 20)
HELD_ON = date(2026, 2, 5)
BASE14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica",
    "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman",
    "Times-Bold", "Times-Italic", "Times-BoldItalic", "Symbol", "ZapfDingbats",
}


# --- reading the PDF back -------------------------------------------------------------


def flat(value: str) -> str:
    """Whitespace folded, so that phrases broken across lines still match."""
    return " ".join(value.split())


def pdf_pages(data: bytes) -> list[str]:
    return [flat(page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


def font_problems(data: bytes) -> list[str]:
    """Every font of every page embedded (a FontFile2) and none of the base 14."""
    problems = []
    reader = PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages, start=1):
        resources = page.get("/Resources") or {}
        font_dict = resources.get_object().get("/Font") if resources else None
        if font_dict is None:
            continue
        for key, ref in font_dict.get_object().items():
            font = ref.get_object()
            base = str(font.get("/BaseFont", "")).lstrip("/")
            if base.split("+")[-1] in BASE14:
                problems.append(f"page {number} {key}: base-14 font {base}")
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descendant = font["/DescendantFonts"].get_object()[0].get_object()
                descriptor = descendant.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(k in descriptor for k in ("/FontFile2", "/FontFile", "/FontFile3")):
                problems.append(f"page {number} {key}: {base} not embedded")
    return problems


def render(call, *args, **kwargs) -> bytes:
    buffer = io.BytesIO()
    call(*args, buffer, **kwargs)
    data = buffer.getvalue()
    assert data.startswith(b"%PDF-")
    assert font_problems(data) == []
    return data


def assert_all(text: str, *needles: str) -> None:
    missing = [n for n in needles if flat(n) not in text]
    assert missing == [], f"missing {missing} in: {text[:3000]}"


# --- records --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def bundled_font(monkeypatch):
    """The bundled font, so that every machine produces the same PDF."""
    monkeypatch.setenv(fonts.BUNDLED_ONLY_ENV, "1")


def person(session, unit, name, year, id_number, address, gender="male"):
    return citizens.create_citizen(
        session, unit.id, CitizenInput(name, year, gender, id_number, address), today=TODAY)


@pytest.fixture
def an(session, unit):
    return person(session, unit, "Nguyễn Văn An", 1968, "011068001234",
                  "Thôn Bản Phăng, xã Mường Phăng")


@pytest.fixture
def mai(session, unit):
    return person(session, unit, "Lò Thị Mai", 1975, "011175004321",
                  "Bản Co Mận, xã Mường Phăng", "female")


@pytest.fixture
def rep(session, unit):
    return person(session, unit, "Quàng Văn Bình", 1960, "011060007777",
                  "Bản Khá, xã Mường Phăng")


def open_session(session, unit, official, clerk, kind="regular", on=HELD_ON, ref="TCD-02/2026"):
    return reception.create_session(
        session, unit.id,
        SessionInput(on, kind=kind, place="Trụ sở Đảng ủy xã Mường Phăng", start_time=time(8),
                     end_time=time(10, 30), presiding_official_id=official.id,
                     recorder_official_id=clerk.id, ref=ref),
        today=TODAY)


@pytest.fixture
def rsession(session, unit, official, clerk, an, mai, rep):
    rs = open_session(session, unit, official, clerk)
    reception.add_visit(session, rs.id, VisitInput(
        "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho thửa đất số 45.", citizen_id=an.id,
        petition_type="recommendation", field_code="land", handling="guide",
        direction="Hướng dẫn ông An nộp hồ sơ tại bộ phận một cửa của xã."), today=TODAY)
    reception.add_visit(session, rs.id, VisitInput(
        "Khiếu nại về mức bồi thường khi thu hồi đất làm đường.", citizen_id=mai.id,
        petition_type="complaint", field_code="compensation", handling="accept",
        previously_handled_by="UBND xã Mường Phăng",
        direction="Giao Văn phòng thụ lý, trả lời bằng văn bản trong 10 ngày."), today=TODAY)
    reception.add_visit(session, rs.id, VisitInput(
        "Phản ánh việc ô nhiễm từ cơ sở chế biến cà phê.", citizen_id=rep.id, head_count=12,
        representatives="Quàng Văn Bình; Lường Thị Dung", petition_type="reflection",
        field_code="environment", handling="forward",
        direction="Chuyển Ủy ban nhân dân xã kiểm tra, xử lý."), today=TODAY)
    return rs


@pytest.fixture
def state_unit(session):
    return units.create_unit(session, units.UnitInput(
        code="UBND-MP", name="Ủy ban nhân dân xã Mường Phăng", level="commune", kind="state",
        parent_body_name="Ủy ban nhân dân tỉnh Điện Biên", place_name="Mường Phăng"))


@pytest.fixture
def chairman(session, state_unit):
    return units.create_official(session, state_unit.id, units.OfficialInput(
        full_name="Vừ A Sùng", position="Chủ tịch Ủy ban nhân dân",
        duty_role="committee_chairman"))


@pytest.fixture
def meeting(session, unit, official):
    return meetings.create_meeting(session, unit.id, MeetingInput(
        HELD_ON, chaired_by_id=official.id, place="Hội trường Đảng ủy xã",
        participants="Bí thư các chi bộ bản\nTrưởng các đoàn thể xã",
        content="Công tác tiếp công dân, giải quyết đơn thư quý I năm 2026.",
        conclusions="Các chi bộ nắm chắc tình hình, giải quyết dứt điểm vụ việc tại cơ sở.",
        ref="LV-01/2026"), today=TODAY)


# --- layout ---------------------------------------------------------------------------


@pytest.mark.parametrize("day, expected", [
    (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
    (date(2026, 1, 1), "ngày 01 tháng 01 năm 2026"),
    (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
    (date(2026, 12, 25), "ngày 25 tháng 12 năm 2026"),
    (date(2025, 10, 10), "ngày 10 tháng 10 năm 2025"),
])
def test_vietnamese_dates_follow_decree_30(day, expected):
    with layout.document_language("vi"):
        assert layout.long_date(day) == expected
        assert layout.place_date_line("Mường Phăng", day) == f"Mường Phăng, {expected}"


def test_english_dates_are_written_out():
    with layout.document_language("en"):
        assert layout.place_date_line("Mường Phăng", HELD_ON) == "Mường Phăng, 5 February 2026"


def test_document_language_is_restored_without_notifying_listeners():
    from receptiondesk.i18n import add_language_listener, remove_language_listener

    heard = []
    add_language_listener(heard.append)
    try:
        with layout.document_language("vi"):
            assert current_language() == "vi"
        assert current_language() == "en"
    finally:
        remove_language_listener(heard.append)
    assert heard == []


def test_the_bundled_font_has_its_licence_and_is_used_without_times_new_roman():
    folder = fonts.resources_dir() / "fonts"
    licence = (folder / "LICENSE-LiberationSerif.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Copyright (c) 2012 Red Hat, Inc." in licence
    for name in fonts.BUNDLED.values():
        assert (folder / name).is_file()


def test_times_new_roman_is_found_where_the_system_has_it(tmp_path, monkeypatch):
    for name in ("times.ttf", "timesbd.ttf", "timesi.ttf"):
        (tmp_path / name).write_bytes(b"")
    monkeypatch.setattr(fonts, "_system_font_dirs", lambda: [tmp_path])
    assert fonts.find_times_new_roman() is None  # one face missing: not used
    (tmp_path / "timesbi.ttf").write_bytes(b"")
    found = fonts.find_times_new_roman()
    assert found is not None and found["bold_italic"].name == "timesbi.ttf"


def test_collective_names_and_authority_lines(unit, state_unit):
    with layout.document_language("vi"):
        assert layout.collective_name(unit) == "Đảng ủy"
        assert layout.collective_name(state_unit) == "Ủy ban nhân dân"
        assert layout.on_behalf_of(unit) == "T/M ĐẢNG ỦY"
        assert layout.on_behalf_of(state_unit) == "TM. ỦY BAN NHÂN DÂN"
        assert layout.signer_title(unit, "Bí thư Đảng ủy") == "BÍ THƯ"
        assert layout.signer_title(state_unit, "Chủ tịch Ủy ban nhân dân") == "CHỦ TỊCH"


def page_number_positions(data: bytes) -> list[list[float]]:
    """For each page, the heights (from the bottom) of the text that is only a number."""
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        heights: list[float] = []

        def visit(text, cm, tm, _font, _size, heights=heights):
            if text.strip().isdigit():
                heights.append(tm[5] * cm[3] + cm[5])

        page.extract_text(visitor_text=visit)
        found.append(heights)
    return found


def test_page_numbers_are_centred_in_the_top_margin_from_page_2(session, unit, official,
                                                                 clerk, an):
    rs = open_session(session, unit, official, clerk)
    for i in range(12):
        reception.add_visit(session, rs.id, VisitInput(
            f"Nội dung vụ việc thứ {i + 1}: " + "đề nghị xem xét giải quyết dứt điểm. " * 8,
            citizen_id=an.id, direction="Giao bộ phận chuyên môn kiểm tra, trả lời."),
            today=TODAY)
    data = render(render_minutes, session, "session", rs.id, lang="vi")
    positions = page_number_positions(data)
    assert len(positions) >= 3
    height = layout.page_size()[1]
    top_margin = [h > height - layout.MARGIN_TOP for h in positions[0] if h]
    assert not any(top_margin), "no page number on page 1"
    for page in positions[1:]:
        assert any(h > height - layout.MARGIN_TOP for h in page)


# --- minutes ---------------------------------------------------------------------------


def test_session_minutes_of_a_party_unit_carry_every_element(session, unit, rsession,
                                                           official, clerk):
    data = render(render_minutes, session, "session", rsession.id, lang="vi")
    text = pdf_text(data)
    assert_all(
        text,
        # the Party header (Guidance 36-HD/VPTW)
        "ĐẢNG BỘ TỈNH ĐIỆN BIÊN", "ĐẢNG ỦY XÃ MƯỜNG PHĂNG", "*", "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 01-BB/ĐU", "Mường Phăng, ngày 05 tháng 02 năm 2026",
        # the document type and subject
        "BIÊN BẢN", "Tiếp công dân định kỳ",
        # time, place, who presided and who recorded
        "08 giờ 00 phút, ngày 05 tháng 02 năm 2026", "Trụ sở Đảng ủy xã Mường Phăng",
        "Người chủ trì: Lò Văn Khoa – Bí thư Đảng ủy",
        "Người ghi biên bản: Nguyễn Thị Hoa – Công chức Văn phòng",
        # every citizen present with name, birth year, ID number and address
        "Nguyễn Văn An, sinh năm 1968, số CCCD 011068001234, địa chỉ: Thôn Bản Phăng, "
        "xã Mường Phăng",
        "Lò Thị Mai, sinh năm 1975, số CCCD 011175004321, địa chỉ: Bản Co Mận, xã Mường Phăng",
        # the delegation: head count and representatives
        "Đoàn đông người gồm 12 người", "Quàng Văn Bình, sinh năm 1960", "Lường Thị Dung",
        # what was presented, the answers and conclusions
        "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho thửa đất số 45.",
        "Khiếu nại về mức bồi thường khi thu hồi đất làm đường.",
        "Ý kiến trả lời, kết luận của người chủ trì:",
        "Hướng dẫn ông An nộp hồ sơ tại bộ phận một cửa của xã.",
        "Giao Văn phòng thụ lý, trả lời bằng văn bản trong 10 ngày.",
        "Buổi tiếp kết thúc vào hồi 10 giờ 30 phút cùng ngày.",
        # read aloud and agreed; the copies
        "Biên bản đã được đọc lại cho những người có tên trên cùng nghe, nhất trí và ký tên.",
        "Biên bản được lập thành 02 bản có giá trị như nhau.",
        # a signature block for every signing party
        "CÔNG DÂN", "ĐẠI DIỆN CÔNG DÂN", "NGƯỜI GHI BIÊN BẢN", "NGƯỜI CHỦ TRÌ",
    )
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text
    # each signing party's name under its signature as well as in the text
    for name in ("Nguyễn Văn An", "Lò Thị Mai", "Quàng Văn Bình", "Lường Thị Dung",
                 "Nguyễn Thị Hoa", "Lò Văn Khoa"):
        assert text.count(name) >= 2, name
    assert current_language() == "en"  # the interface language is back


def test_every_person_signing_the_minutes_is_asked_to_write_the_name(session, rsession):
    text = pdf_text(render(render_minutes, session, "session", rsession.id, lang="vi"))
    blocks = sum(text.count(t) for t in ("CÔNG DÂN", "NGƯỜI GHI BIÊN BẢN", "NGƯỜI CHỦ TRÌ"))
    assert blocks >= 4
    assert text.count("(Ký, ghi rõ họ tên)") == blocks


def test_a_state_unit_gets_the_national_header(session, state_unit, chairman):
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
    text = pdf_text(render(render_minutes, session, "visit", visit.id, lang="vi"))
    assert_all(
        text, "ỦY BAN NHÂN DÂN XÃ MƯỜNG PHĂNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 01/BB-UBND",
        "Mường Phăng, ngày 05 tháng 02 năm 2026", "BIÊN BẢN",
        "14 giờ 00 phút, ngày 05 tháng 02 năm 2026",
        "Người chủ trì: Vừ A Sùng – Chủ tịch Ủy ban nhân dân",
        "Người ghi biên bản: Đỗ Thị Hằng",
        "Nguyễn Văn An, sinh năm 1968, số CCCD 011068001234",
        "Đề nghị hỗ trợ làm nhà.", "Xem xét hỗ trợ.",
        "Biên bản đã được đọc lại", "lập thành 02 bản",
        "CÔNG DÂN", "NGƯỜI GHI BIÊN BẢN", "NGƯỜI CHỦ TRÌ", "Vừ A Sùng", "Đỗ Thị Hằng",
    )
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in text
    # A People's Committee, a body of general competence, prints no body above itself
    # (Decree 30/2020/NĐ-CP, Appendix I), even when one was typed in its settings.
    assert "ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN" not in text


def test_visit_minutes_cover_that_visit_only(session, rsession):
    visit = rsession.visits[1]
    text = pdf_text(render(render_minutes, session, "visit", visit.id, lang="vi"))
    assert_all(text, "Lò Thị Mai, sinh năm 1975", "Khiếu nại về mức bồi thường",
               "Đã được giải quyết bởi: UBND xã Mường Phăng", "Hướng xử lý: ")
    assert "Nguyễn Văn An" not in text
    assert "Quàng Văn Bình" not in text


def test_a_reflection_taken_up_is_not_accepted_for_resolution(session, rsession):
    """"Thụ lý" is said of complaints and denunciations, not of a reflection."""
    complaint = rsession.visits[1]
    assert complaint.handling == "accept" and complaint.petition_type == "complaint"
    text = pdf_text(render(render_minutes, session, "visit", complaint.id, lang="vi"))
    assert "Hướng xử lý: Thụ lý." in text
    complaint.petition_type = "reflection"
    session.flush()
    text = pdf_text(render(render_minutes, session, "visit", complaint.id, lang="vi"))
    assert "Hướng xử lý: Tiếp nhận, xử lý." in text and "Thụ lý" not in text


def test_dialogue_minutes(session, unit, official, clerk, an, mai):
    rs = open_session(session, unit, official, clerk, kind="dialogue", ref="DT-01")
    reception.add_visit(session, rs.id, VisitInput(
        "Đối thoại về phương án bồi thường dự án hồ chứa nước.", citizen_id=an.id,
        attendee_ids=[mai.id], direction="Giữ nguyên phương án đã phê duyệt."), today=TODAY)
    m = minutes_service.minutes_for(session, "session", rs.id)
    assert m.subject_kind == "dialogue"
    text = pdf_text(render(render_minutes, session, "dialogue", rs.id, lang="vi"))
    assert_all(text, "BIÊN BẢN", "Đối thoại với công dân", "Nguyễn Văn An, sinh năm 1968",
               "Lò Thị Mai, sinh năm 1975", "Giữ nguyên phương án đã phê duyệt.",
               "Biên bản đã được đọc lại")
    assert text.count("CÔNG DÂN") >= 2  # one block for each citizen


def test_meeting_minutes(session, meeting):
    text = pdf_text(render(render_minutes, session, "meeting", meeting.id, lang="vi"))
    assert_all(
        text, "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 01-BB/ĐU", "BIÊN BẢN",
        "Mường Phăng, ngày 05 tháng 02 năm 2026", "Hội trường Đảng ủy xã",
        "Chủ trì: Lò Văn Khoa – Bí thư Đảng ủy", "Bí thư các chi bộ bản",
        "Trưởng các đoàn thể xã", "Công tác tiếp công dân, giải quyết đơn thư quý I năm 2026.",
        "Các chi bộ nắm chắc tình hình", "Biên bản đã được đọc lại", "lập thành 02 bản",
        "NGƯỜI GHI BIÊN BẢN", "NGƯỜI CHỦ TRÌ", "Lò Văn Khoa",
    )


def test_minutes_in_english(session, rsession):
    set_language("vi")  # the interface is Vietnamese; the document is asked for in English
    data = render(render_minutes, session, "session", rsession.id, lang="en")
    assert current_language() == "vi"
    text = pdf_text(data)
    assert_all(
        text, "COMMUNIST PARTY OF VIET NAM", "ĐẢNG ỦY XÃ MƯỜNG PHĂNG", "No. 01-BB/ĐU",
        "Mường Phăng, 5 February 2026", "MINUTES", "Regular citizen reception",
        "Nguyễn Văn An, born 1968, ID number 011068001234, address: Thôn Bản Phăng",
        "These minutes were read aloud to those named above, who agreed with them and "
        "signed them.", "These minutes are made in 02 copies of equal value.",
        "PRESIDING OFFICIAL", "RECORDER", "CITIZEN",
    )


def test_minutes_are_numbered_per_unit_and_kept(session, rsession, meeting):
    first = minutes_service.minutes_for(session, "session", rsession.id)
    again = minutes_service.minutes_for(session, "session", rsession.id)
    other = minutes_service.minutes_for(session, "meeting", meeting.id)
    assert first.id == again.id and first.status == "draft"
    assert (first.number, other.number) == ("01-BB/ĐU", "02-BB/ĐU")
    with pytest.raises(ValidationError):
        minutes_service.minutes_for(session, "inspection", meeting.id)
    with pytest.raises(NotFoundError):
        minutes_service.minutes_for(session, "visit", "missing")


# --- the lifecycle: printed, signed and locked, addenda ----------------------------------


def test_signing_locks_the_session_and_its_visits_and_keeps_the_scan(session, rsession,
                                                                       an, tmp_path):
    m = minutes_service.minutes_for(session, "session", rsession.id)
    scan = tmp_path / "bien-ban-da-ky.pdf"
    scan.write_bytes(render(render_minutes_record, session, m.id, lang="vi"))
    assert minutes_service.mark_printed(session, m.id).status == "printed"
    assert minutes_service.signed_copy(session, m.id) is None
    signed = minutes_service.mark_signed(session, m.id, scan)
    assert signed.status == "signed" and signed.signed_at is not None
    assert rsession.locked and all(v.locked for v in rsession.visits)
    with pytest.raises(LockedError):
        reception.update_visit(session, rsession.visits[0].id,
                               VisitInput("Sửa nội dung.", citizen_id=an.id), today=TODAY)
    with pytest.raises(LockedError):
        reception.add_visit(session, rsession.id, VisitInput("Thêm lượt.", citizen_id=an.id),
                            today=TODAY)
    with pytest.raises(LockedError):
        reception.update_session(session, rsession.id, SessionInput(
            HELD_ON, presiding_name="Người khác"), today=TODAY)
    with pytest.raises(LockedError):
        minutes_service.mark_signed(session, m.id)
    name, data = minutes_service.signed_copy(session, m.id)
    assert name == "bien-ban-da-ky.pdf" and data == scan.read_bytes()
    assert minutes_service.mark_printed(session, m.id).status == "signed"  # a reprint


def test_signing_a_visit_and_a_meeting_locks_them(session, rsession, meeting, an):
    visit = rsession.visits[0]
    m = minutes_service.minutes_for(session, "visit", visit.id)
    minutes_service.mark_signed(session, m.id)
    with pytest.raises(LockedError):
        reception.update_visit(session, visit.id, VisitInput("Sửa.", citizen_id=an.id),
                               today=TODAY)
    assert not rsession.locked
    mm = minutes_service.minutes_for(session, "meeting", meeting.id)
    minutes_service.mark_signed(session, mm.id)
    with pytest.raises(LockedError):
        meetings.update_meeting(session, meeting.id, MeetingInput(
            HELD_ON, chaired_by_name="Người khác", content="Sửa."), today=TODAY)


def test_copies_and_text_are_set_before_signing_only(session, rsession):
    m = minutes_service.minutes_for(session, "session", rsession.id)
    minutes_service.update_minutes(session, m.id, copies=3, text="Công dân cam kết chờ kết quả.")
    text = pdf_text(render(render_minutes_record, session, m.id, lang="vi"))
    assert_all(text, "lập thành 03 bản", "Công dân cam kết chờ kết quả.")
    with pytest.raises(ValidationError):
        minutes_service.update_minutes(session, m.id, copies=0)
    minutes_service.mark_signed(session, m.id)
    with pytest.raises(LockedError):
        minutes_service.update_minutes(session, m.id, copies=2)


def test_a_scan_that_is_not_what_it_says_leaves_the_minutes_unsigned(session, rsession,
                                                                       tmp_path):
    m = minutes_service.minutes_for(session, "session", rsession.id)
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    with pytest.raises(ValidationError):
        minutes_service.mark_signed(session, m.id, fake)
    assert m.status == "draft" and not rsession.locked
    image = tmp_path / "scan.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    minutes_service.mark_signed(session, m.id, image)
    assert minutes_service.signed_copy(session, m.id)[0] == "scan.png"


def test_an_addendum_corrects_signed_minutes(session, rsession):
    m = minutes_service.minutes_for(session, "session", rsession.id)
    with pytest.raises(ValidationError):
        minutes_service.add_addendum(session, m.id, "Sửa năm sinh.")
    minutes_service.mark_signed(session, m.id)
    with pytest.raises(ValidationError):
        minutes_service.add_addendum(session, m.id, "   ")
    addendum = minutes_service.add_addendum(
        session, m.id, "Năm sinh của bà Lò Thị Mai là 1976, không phải 1975.")
    assert addendum.addendum_of_id == m.id and addendum.number == "02-BB/ĐU"
    assert minutes_service.minutes_for(session, "session", rsession.id).id == m.id
    assert minutes_service.addenda(session, m.id) == [addendum]
    text = pdf_text(render(render_minutes_record, session, addendum.id, lang="vi"))
    assert_all(text, "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 02-BB/ĐU", "BIÊN BẢN BỔ SUNG",
               "Bổ sung Biên bản số 01-BB/ĐU",
               "Năm sinh của bà Lò Thị Mai là 1976, không phải 1975.",
               "Biên bản đã được đọc lại", "NGƯỜI CHỦ TRÌ", "Lò Văn Khoa", "Lò Thị Mai")
    minutes_service.mark_signed(session, addendum.id)
    assert session.get(Minutes, addendum.id).status == "signed"


def test_a_denouncers_identity_is_redacted_in_the_minutes(session, unit, official, clerk):
    rs = open_session(session, unit, official, clerk)
    denouncer = person(session, unit, "Trần Văn Tố", 1970, "011070009999", "Bản Kéo")
    reception.add_visit(session, rs.id, VisitInput(
        "Tố cáo cán bộ địa chính nhận tiền.", citizen_id=denouncer.id,
        petition_type="denunciation", direction="Tiếp nhận, xác minh theo quy định."),
        today=TODAY)
    with layout.document_language("vi"):
        hidden = layout.redacted()
    text = pdf_text(render(render_minutes, session, "session", rs.id, lang="vi"))
    for secret in ("Trần Văn Tố", "011070009999", "Bản Kéo", "1970"):
        assert secret not in text
    assert text.count(hidden) >= 2  # in the list of those present and under the signature
    assert_all(text, "Tố cáo cán bộ địa chính nhận tiền.", "Lò Văn Khoa")
    # cleared=True is not enough: the acting user must be cleared for it
    still = pdf_text(render(render_minutes, session, "session", rs.id, lang="vi",
                            cleared=True))
    assert "Trần Văn Tố" not in still
    with acting_as(Actor("0" * 32, "head", "Lường Thị Mai", "office_head")):
        cleared = pdf_text(render(render_minutes, session, "session", rs.id, lang="vi",
                                  cleared=True))
    assert_all(cleared, "Trần Văn Tố, sinh năm 1970, số CCCD 011070009999")


# --- the log book ------------------------------------------------------------------------


def log_visits(session, unit, official, clerk, count: int, on=HELD_ON) -> list:
    rs = open_session(session, unit, official, clerk, on=on)
    visits = []
    for i in range(count):
        c = person(session, unit, f"Nguyễn Văn Hộ {i + 1:03d}", 1950 + i % 40,
                   f"0110{i:08d}", f"Bản Số {i + 1}, xã Mường Phăng")
        visits.append(reception.add_visit(session, rs.id, VisitInput(
            f"Vụ việc số {i + 1}: đề nghị giải quyết tranh chấp đất đai với hộ liền kề.",
            citizen_id=c.id, petition_type="complaint" if i % 2 else "recommendation",
            handling=("accept", "guide", "forward", "none")[i % 4],
            previously_handled_by="UBND xã" if i % 3 == 0 else "",
            follow_up="Đã trả lời" if i % 5 == 0 else ""), today=TODAY))
    return visits


def test_the_log_book_repeats_its_headings_on_every_page(session, unit, official, clerk):
    log_visits(session, unit, official, clerk, 60)
    rs = open_session(session, unit, official, clerk, ref="x")
    denouncer = person(session, unit, "Trần Văn Tố", 1970, "011070009999", "Bản Kéo")
    reception.add_visit(session, rs.id, VisitInput(
        "Tố cáo cán bộ.", citizen_id=denouncer.id, petition_type="denunciation"), today=TODAY)
    buffer = io.BytesIO()
    rows, pages = render_logbook(session, unit.id, date(2026, 2, 1), date(2026, 2, 28), buffer,
                                 lang="vi")
    data = buffer.getvalue()
    assert font_problems(data) == []
    assert rows == 61
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == pages >= 3
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    texts = pdf_pages(data)
    assert_all(texts[0], "ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG ỦY XÃ MƯỜNG PHĂNG", "SỔ TIẾP CÔNG DÂN",
               "Từ ngày 01/02/2026 đến ngày 28/02/2026", "Mẫu số 03")
    for number, page in enumerate(texts, start=1):
        assert_all(page, "STT", "Ngày tiếp", "Họ tên, địa chỉ", "Số CCCD", "Nội dung vụ việc",
                   "Phân loại đơn/ Số người", "Cơ quan đã giải quyết", "Hướng xử lý",
                   "Thụ lý", "Hướng dẫn", "Chuyển đơn", "Theo dõi kết quả", "Ghi chú")
        if number > 1:
            assert "SỔ TIẾP CÔNG DÂN" not in page
    text = " ".join(texts)
    for i in (1, 30, 60):
        assert_all(text, f"Nguyễn Văn Hộ {i:03d}", f"Bản Số {i}, xã Mường Phăng",
                   f"0110{i - 1:08d}", f"Vụ việc số {i}:")
    assert_all(text, "05/02/2026", "Khiếu nại", "Kiến nghị", "1 người")
    assert "Trần Văn Tố" not in text and "011070009999" not in text
    with layout.document_language("vi"):
        assert layout.redacted() in text


def test_the_log_book_in_english_and_for_an_empty_period(session, unit, official, clerk):
    log_visits(session, unit, official, clerk, 3)
    buffer = io.BytesIO()
    rows, pages = render_logbook(session, unit.id, date(2026, 2, 1), date(2026, 2, 28), buffer)
    text = pdf_text(buffer.getvalue())
    assert rows == 3 and pages == 1
    assert_all(text, "CITIZEN RECEPTION LOG BOOK", "Full name and address", "Accepted",
               "Nguyễn Văn Hộ 003")
    empty = io.BytesIO()
    assert render_logbook(session, unit.id, date(2025, 1, 1), date(2025, 1, 31), empty)[0] == 0
    assert font_problems(empty.getvalue()) == []


def test_a_log_book_row_taller_than_a_page_goes_on_over_the_next(session, unit, official,
                                                                 clerk, an):
    rs = open_session(session, unit, official, clerk)
    words = " ".join(f"từ{i}" for i in range(1, 1200))
    reception.add_visit(session, rs.id, VisitInput(f"Đầu. {words} Cuối.", citizen_id=an.id),
                        today=TODAY)
    reception.add_visit(session, rs.id, VisitInput("Lượt sau.", citizen_id=an.id), today=TODAY)
    buffer = io.BytesIO()
    rows, pages = render_logbook(session, unit.id, None, None, buffer)
    assert rows == 2 and pages >= 2
    text = pdf_text(buffer.getvalue())
    assert_all(text, "Đầu.", "từ600", "từ1199 Cuối.", "Lượt sau.")
    assert font_problems(buffer.getvalue()) == []


# --- notices, slips and receipts -----------------------------------------------------------


def test_the_concluding_notice_of_a_meeting(session, unit, meeting, official):
    notice = meetings.issue_notice(session, NoticeInput(
        "12-TB/ĐU", date(2026, 2, 9),
        "1. Các chi bộ rà soát toàn bộ đơn thư tồn đọng.\n2. Báo cáo kết quả trước ngày 30/3.",
        signed_by_id=official.id), meeting_id=meeting.id, today=TODAY)
    text = pdf_text(render(render_notice, session, notice.id, lang="vi"))
    assert_all(
        text, "ĐẢNG BỘ TỈNH ĐIỆN BIÊN", "ĐẢNG ỦY XÃ MƯỜNG PHĂNG", "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 12-TB/ĐU", "Mường Phăng, ngày 09 tháng 02 năm 2026", "THÔNG BÁO",
        "Kết luận của đồng chí Lò Văn Khoa, Bí thư Đảng ủy",
        "Vào ngày 05 tháng 02 năm 2026, tại Hội trường Đảng ủy xã",
        "Bí thư các chi bộ bản", "1. Các chi bộ rà soát toàn bộ đơn thư tồn đọng.",
        "2. Báo cáo kết quả trước ngày 30/3.", "T/M ĐẢNG ỦY", "BÍ THƯ", "Lò Văn Khoa",
        "Nơi nhận:", "Các đồng chí dự họp;", "Lưu Văn phòng.",
    )


def test_the_concluding_notice_of_a_state_session_in_english(session, state_unit, chairman):
    rs = reception.create_session(session, state_unit.id, SessionInput(
        HELD_ON, kind="unscheduled", place="Trụ sở UBND xã", presiding_official_id=chairman.id),
        today=TODAY)
    notice = meetings.issue_notice(session, NoticeInput(
        "05/TB-UBND", date(2026, 2, 6), "Giao công chức địa chính kiểm tra thực địa."),
        session_id=rs.id, today=TODAY)
    text = pdf_text(render(render_notice, session, notice.id, lang="en"))
    assert_all(text, "SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness",
               "No.: 05/TB-UBND", "Mường Phăng, 6 February 2026", "NOTICE",
               "the unscheduled citizen reception session", "Vừ A Sùng",
               "Giao công chức địa chính kiểm tra thực địa.", "ON BEHALF OF THE PEOPLE'S COMMITTEE",
               "Recipients:")


def test_the_appointment_slip(session, unit, an, clerk):
    data = render(render_appointment_slip, session, unit.id, an.id, date(2026, 3, 2),
                  "Bổ sung bản sao giấy chứng nhận quyền sử dụng đất.", official_id=clerk.id,
                  at=time(8, 30), place="Bộ phận tiếp công dân xã", issued_on=HELD_ON,
                  lang="vi")
    text = pdf_text(data)
    assert_all(
        text, "ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG ỦY XÃ MƯỜNG PHĂNG",
        "Mường Phăng, ngày 05 tháng 02 năm 2026", "GIẤY HẸN", "Họ và tên: Nguyễn Văn An",
        "Năm sinh: 1968", "Số CCCD: 011068001234", "Địa chỉ: Thôn Bản Phăng, xã Mường Phăng",
        "08 giờ 30 phút, ngày 02 tháng 3 năm 2026", "Bộ phận tiếp công dân xã",
        "Lý do: Bổ sung bản sao giấy chứng nhận quyền sử dụng đất.",
        "Người tiếp nhận: Nguyễn Thị Hoa – Công chức Văn phòng", "NGƯỜI TIẾP NHẬN",
        "CÔNG DÂN",
    )
    with pytest.raises(ValidationError):
        render_appointment_slip(session, unit.id, an.id, date(2026, 2, 1), "x", io.BytesIO(),
                                issued_on=HELD_ON)


def test_the_receipt_for_documents(session, unit, an, clerk):
    documents = parse_documents("Đơn khiếu nại:1; Bản sao sổ đỏ: 2 ;Biên bản hòa giải")
    assert documents == [HandedIn("Đơn khiếu nại", 1), HandedIn("Bản sao sổ đỏ", 2),
                         HandedIn("Biên bản hòa giải", 1)]
    data = render(render_receipt, session, unit.id, an.id, documents, official_id=clerk.id,
                  received_on=HELD_ON, lang="vi")
    text = pdf_text(data)
    assert_all(
        text, "ĐẢNG CỘNG SẢN VIỆT NAM", "GIẤY BIÊN NHẬN TÀI LIỆU",
        "Mường Phăng, ngày 05 tháng 02 năm 2026", "Vào ngày 05 tháng 02 năm 2026",
        "Nguyễn Thị Hoa – Công chức Văn phòng", "Họ và tên: Nguyễn Văn An", "Năm sinh: 1968",
        "Số CCCD: 011068001234", "Đơn khiếu nại", "Bản sao sổ đỏ", "Biên bản hòa giải",
        "Tổng cộng 4", "lập thành 02 bản", "NGƯỜI NỘP", "NGƯỜI TIẾP NHẬN",
    )
    for bad in ("Đơn:hai", "", ":3", "Đơn:0"):
        with pytest.raises(ValidationError):
            parse_documents(bad)


# --- the command line -------------------------------------------------------------------------


def print_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="receptiondesk")
    sub = parser.add_subparsers(dest="command")
    add_print_parser(sub)
    return parser.parse_args(["print", *argv])


def test_print_from_the_command_line(db, session, unit, rsession, meeting, an, clerk, tmp_path,
                                     capsys):
    meetings.issue_notice(session, NoticeInput("12-TB/ĐU", date(2026, 2, 9), "Kết luận."),
                          meeting_id=meeting.id, today=TODAY)
    session.commit()
    appointment = (date.today() + timedelta(days=7)).isoformat()
    runs = {
        "minutes": ["minutes", "--session", "TCD-02/2026"],
        "meeting": ["minutes", "--meeting", "LV-01/2026", "--lang", "en"],
        "visit": ["minutes", "--visit", rsession.visits[0].id],
        "notice": ["notice", "--notice", "12-TB/ĐU"],
        "notice2": ["notice", "--meeting", meeting.id],
        "logbook": ["logbook", "--from", "2026-02-01", "--to", "28/02/2026"],
        # An appointment lies ahead of the day the command runs, whatever that day is.
        "slip": ["slip", "--citizen", an.id, "--official", clerk.id, "--date", appointment,
                 "--time", "8:30", "--reason", "Nhận kết quả."],
        "receipt": ["receipt", "--visit", rsession.visits[0].id,
                    "--documents", "Đơn:1;Bản sao:2"],
    }
    for name, argv in runs.items():
        out = tmp_path / f"{name}.pdf"
        assert cmd_print(print_args(*argv, "--out", str(out)), db) == 0
        assert font_problems(out.read_bytes()) == []
        line = capsys.readouterr().out
        assert line.count("\n") == 1 and str(out) in line
    assert "CITIZEN RECEPTION LOG BOOK" in pdf_text((tmp_path / "logbook.pdf").read_bytes())
    assert "MINUTES" in pdf_text((tmp_path / "meeting.pdf").read_bytes())
    with db.session() as s:
        m = minutes_service.minutes_for(s, "session", rsession.id)
        assert m.status == "printed"


@pytest.mark.parametrize("argv, error", [
    (["minutes"], ValidationError),
    (["minutes", "--session", "no-such-ref"], NotFoundError),
    (["notice", "--notice", "99-TB/ĐU"], NotFoundError),
    (["slip", "--date", "2026-12-01"], ValidationError),
    (["receipt", "--citizen", "nobody", "--documents", "Đơn:1"], NotFoundError),
    (["logbook", "--from", "2026-03-01", "--to", "2026-02-01"], ValidationError),
])
def test_print_refuses_mistakes_with_a_message(db, session, unit, tmp_path, argv, error):
    session.commit()
    out = tmp_path / "x.pdf"
    with pytest.raises(error) as info:
        cmd_print(print_args(*argv, "--out", str(out)), db)
    assert isinstance(info.value, ServiceError) and str(info.value)
    assert not out.exists()


def test_print_needs_an_out_file_and_valid_dates():
    with pytest.raises(SystemExit):
        print_args("minutes", "--session", "x")
    with pytest.raises(SystemExit):
        print_args("logbook", "--from", "31/02/2026", "--out", "x.pdf")


# --- speed ------------------------------------------------------------------------------------


def test_session_minutes_and_a_log_book_are_quick(session, unit, official, clerk):
    visits = log_visits(session, unit, official, clerk, 200)
    start = clock.perf_counter()
    render(render_minutes, session, "visit", visits[0].id)
    minutes_time = clock.perf_counter() - start
    start = clock.perf_counter()
    buffer = io.BytesIO()
    rows, _pages = render_logbook(session, unit.id, None, None, buffer)
    logbook_time = clock.perf_counter() - start
    assert rows == 200
    assert minutes_time < 2 and logbook_time < 4, (minutes_time, logbook_time)


def test_text_survives_in_full_in_unusual_input(session, unit, official, clerk):
    rs = open_session(session, unit, official, clerk)
    odd = person(session, unit, "Đặng <Thị> & Ngọc", 1990, None, "")
    reception.add_visit(session, rs.id, VisitInput(
        "Nội dung có ký tự <b>đặc biệt</b> & dấu \u201cngoặc\u201d.", citizen_id=odd.id),
        today=TODAY)
    text = pdf_text(render(render_minutes, session, "session", rs.id))
    assert_all(text, "Đặng <Thị> & Ngọc", "Nội dung có ký tự <b>đặc biệt</b> & dấu")
    assert re.search(r"born 1990, ID number …+, address: …+", text)


# --- issue 15, points 1 and 2: the head of a state document, signatures, symbols -------------


@pytest.fixture
def committee_under_party(session, unit):
    """A People's Committee whose parent unit in the database is the commune's Party
    committee (as in the demo), with its chairman, deputy and clerk."""
    uc = units.create_unit(session, units.UnitInput(
        code="UBND-MP2", name="Ủy ban nhân dân xã Mường Phăng", level="commune",
        kind="state", parent_code=unit.code, place_name="Mường Phăng"))
    chair = units.create_official(session, uc.id, units.OfficialInput(
        full_name="Vừ A Sùng", position="Chủ tịch UBND xã", duty_role="committee_chairman"))
    deputy = units.create_official(session, uc.id, units.OfficialInput(
        full_name="Lò Thị Én", position="Phó Chủ tịch UBND xã"))
    clerk = units.create_official(session, uc.id, units.OfficialInput(
        full_name="Đỗ Thị Hằng", position="Công chức Văn phòng - Thống kê"))
    return uc, chair, deputy, clerk


def test_a_peoples_committee_is_never_headed_by_the_party_committee(
        session, committee_under_party):
    """Decree 30/2020/NĐ-CP, Appendix I: the line above the issuing body is its directly
    superior *state* body, if any; a People's Committee has none, and the Party committee
    that is its parent unit in the database never heads its documents."""
    from receptiondesk.documents.verifier_copy import render_verifier_copy
    from receptiondesk.services import petitions

    uc, chair, deputy, clerk = committee_under_party
    citizen = person(session, uc, "Nguyễn Văn An", 1968, "011068001234", "Bản Phăng")
    rs = reception.create_session(session, uc.id, SessionInput(
        HELD_ON, place="Trụ sở UBND xã", start_time=time(14), presiding_official_id=chair.id,
        recorder_official_id=clerk.id), today=TODAY)
    visit = reception.add_visit(session, rs.id, VisitInput(
        "Đề nghị hỗ trợ làm nhà.", citizen_id=citizen.id, handling="accept"), today=TODAY)
    notice = meetings.issue_notice(session, NoticeInput(
        "05/TB-UBND", date(2026, 2, 6), "Giao công chức địa chính kiểm tra.",
        signed_by_id=deputy.id), session_id=rs.id, today=TODAY)
    p = petitions.register_petition(session, uc.id, petitions.PetitionInput(
        HELD_ON, "complaint", "Khiếu nại quyết định thu hồi đất.", anonymous=True),
        today=TODAY)
    documents = {
        "minutes": render(render_minutes, session, "visit", visit.id, lang="vi"),
        "notice": render(render_notice, session, notice.id, lang="vi"),
        "slip": render(render_appointment_slip, session, uc.id, citizen.id, date(2026, 3, 2),
                       "Bổ sung giấy tờ.", official_id=clerk.id, issued_on=HELD_ON,
                       lang="vi"),
        "receipt": render(render_receipt, session, uc.id, citizen.id,
                          [HandedIn("Đơn", 1)], official_id=clerk.id, received_on=HELD_ON,
                          lang="vi"),
        "log book": render(render_logbook, session, uc.id, HELD_ON, HELD_ON, lang="vi"),
        "verifier copy": render(render_verifier_copy, session, p.id, lang="vi"),
    }
    for name, data in documents.items():
        text = pdf_text(data)
        assert "ỦY BAN NHÂN DÂN XÃ MƯỜNG PHĂNG" in text, name
        assert "ĐẢNG ỦY" not in text.upper().replace("TRỤ SỞ", ""), name
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in text, name
    # the notice signed by the deputy: "KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH" (Decree 30 art. 13)
    assert_all(pdf_text(documents["notice"]), "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lò Thị Én")
    assert "UBND XÃ" not in pdf_text(documents["notice"])
    # the verifier copy is signed by the chairman for the committee, not by "VĂN PHÒNG"
    copy = pdf_text(documents["verifier copy"])
    assert_all(copy, "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Vừ A Sùng")
    assert "VĂN PHÒNG" not in copy


def test_a_party_committee_is_headed_by_the_higher_party_body_only(session, unit):
    """Guidance 36-HD/VPTW: the higher Party body above the committee, never a state body."""
    province = units.create_unit(session, units.UnitInput(
        code="TU-DB", name="Tỉnh ủy Điện Biên", level="province", kind="party"))
    commune = units.create_unit(session, units.UnitInput(
        code="DU-X", name="Đảng ủy xã Nà Tấu", level="commune", kind="party",
        parent_code="TU-DB", place_name="Nà Tấu"))
    units.create_unit(session, units.UnitInput(
        code="UBND-T", name="Ủy ban nhân dân tỉnh Điện Biên", level="province", kind="state"))
    below_state = units.create_unit(session, units.UnitInput(
        code="DU-Y", name="Đảng ủy xã Nà Nhạn", level="commune", kind="party",
        parent_code="UBND-T", place_name="Nà Nhạn"))
    assert layout.parent_body_of(commune) == "Tỉnh ủy Điện Biên"
    assert layout.parent_body_of(unit) == "Đảng bộ tỉnh Điện Biên"  # the unit's setting
    assert layout.parent_body_of(below_state) == ""
    assert layout.parent_body_of(province) == ""
    # a state body other than a People's Committee: its state parent, never a Party one
    desk = units.create_unit(session, units.UnitInput(
        code="BTCD", name="Ban Tiếp công dân tỉnh Điện Biên", level="province", kind="state",
        parent_code="UBND-T"))
    under_party = units.create_unit(session, units.UnitInput(
        code="BTCD2", name="Ban Tiếp công dân tỉnh Lai Châu", level="province", kind="state",
        parent_code="TU-DB", parent_body_name="Tỉnh ủy Lai Châu"))
    assert layout.parent_body_of(desk) == "Ủy ban nhân dân tỉnh Điện Biên"
    assert layout.parent_body_of(under_party) == ""


@pytest.mark.parametrize("kind, level, name, position, authority, title", [
    # Decree 30/2020/NĐ-CP art. 13
    ("state", "commune", "Ủy ban nhân dân xã Mường Phăng", "Chủ tịch UBND xã",
     "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    ("state", "commune", "Ủy ban nhân dân xã Mường Phăng",
     "Chủ tịch Ủy ban nhân dân xã Mường Phăng", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    ("state", "province", "Ủy ban nhân dân tỉnh Điện Biên", "Phó Chủ tịch UBND tỉnh",
     "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    # Guidance 36-HD/VPTW
    ("party", "commune", "Đảng ủy xã Mường Phăng", "Bí thư Đảng ủy xã", "T/M ĐẢNG ỦY",
     "BÍ THƯ"),
    ("party", "commune", "Đảng ủy xã Mường Phăng", "Phó Bí thư Thường trực Đảng ủy xã",
     "T/M ĐẢNG ỦY", "PHÓ BÍ THƯ THƯỜNG TRỰC"),
    ("party", "province", "Tỉnh ủy Điện Biên", "Bí thư Tỉnh ủy", "T/M BAN THƯỜNG VỤ",
     "BÍ THƯ"),
])
def test_signature_titles_follow_decree_30_and_guidance_36(
        session, kind, level, name, position, authority, title):
    u = units.create_unit(session, units.UnitInput(
        code="X", name=name, level=level, kind=kind))
    with layout.document_language("vi"):
        sig = layout.signature_of(u, position, "Nguyễn Văn A")
    assert (sig.authority, sig.title, sig.name) == (authority, title, "Nguyễn Văn A")


@pytest.mark.parametrize("kind, name, expected", [
    ("state", "Ủy ban nhân dân xã Mường Phăng", "01/BB-UBND"),
    ("party", "Đảng ủy xã Mường Phăng", "01-BB/ĐU"),
    ("party", "Tỉnh ủy Điện Biên", "01-BB/TU"),
])
def test_minutes_symbols_carry_the_issuers_abbreviation(session, kind, name, expected):
    from receptiondesk.documents.numbering import document_symbol

    assert document_symbol(kind, name, "BB", "01") == expected
