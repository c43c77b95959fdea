"""A paper trail that cannot drift: printing minutes for signature freezes a numbered
version with a fingerprint in the footer; a later change of the records starts the next
version (the printed one superseded) that must be printed before it is signed; signed
minutes reprint what was signed, whatever changed since."""

from __future__ import annotations

import io
import json
from datetime import date, time

import pytest
from pypdf import PdfReader

from receptiondesk.documents import fonts
from receptiondesk.documents.minutes import render_minutes_record
from receptiondesk.model import MinutesVersion
from receptiondesk.services import citizens, reception, units
from receptiondesk.services import minutes as minutes_service
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.errors import LockedError
from receptiondesk.services.reception import SessionInput, VisitInput

TODAY = date(2026, 3, 20)
HELD_ON = date(2026, 2, 5)
PLACE = "Trụ sở Đảng ủy xã Mường Phăng"
NEW_PLACE = "Nhà văn hóa bản Co Mận"


@pytest.fixture(autouse=True)
def bundled_font(monkeypatch):
    monkeypatch.setenv(fonts.BUNDLED_ONLY_ENV, "1")


def text_of(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split())
                    for p in PdfReader(io.BytesIO(data)).pages)


def printed(session, minutes_id: str) -> str:
    out = io.BytesIO()
    render_minutes_record(session, minutes_id, out, lang="vi")
    return text_of(out.getvalue())


def session_input(official, clerk, place=PLACE) -> SessionInput:
    return SessionInput(HELD_ON, place=place, start_time=time(8), end_time=time(10, 30),
                        presiding_official_id=official.id, recorder_official_id=clerk.id,
                        ref="TCD-02/2026")


@pytest.fixture
def rs(session, unit, official, clerk):
    an = citizens.create_citizen(session, unit.id, CitizenInput(
        "Nguyễn Văn An", 1968, "male", "011068001234", "Thôn Bản Phăng"), today=TODAY)
    record = reception.create_session(session, unit.id, session_input(official, clerk),
                                      today=TODAY)
    reception.add_visit(session, record.id, VisitInput(
        "Đề nghị cấp giấy chứng nhận quyền sử dụng đất.", citizen_id=an.id,
        petition_type="recommendation", field_code="land", handling="guide",
        direction="Hướng dẫn nộp hồ sơ tại bộ phận một cửa."), today=TODAY)
    return record


def test_preview_print_edit_sign_reprint(session, unit, official, clerk, rs, tmp_path):
    m = minutes_service.minutes_for(session, "session", rs.id)
    first = minutes_service.version_state(session, m.id)
    assert (first.current, first.printed, first.versions) == (1, False, [])
    preview = printed(session, m.id)
    assert f"Phiên bản 1 · mã kiểm tra {first.short_fingerprint}" in preview
    assert PLACE in preview

    # printed for signature: version 1 is frozen with the content it was printed from
    minutes_service.mark_printed(session, m.id)
    state = minutes_service.version_state(session, m.id)
    assert (state.current, state.printed) == (1, True)
    assert [(v.number, v.superseded) for v in state.versions] == [(1, False)]
    frozen = minutes_service.version_content(session, state.versions[0].id)
    assert frozen["place"] == PLACE and frozen["number"] == m.number
    v1 = state.short_fingerprint

    # the place is changed after printing: version 2, version 1 superseded
    reception.update_session(session, rs.id, session_input(official, clerk, NEW_PLACE),
                             today=TODAY)
    state = minutes_service.version_state(session, m.id)
    assert (state.current, state.printed) == (2, False)
    assert [(v.number, v.superseded) for v in state.versions] == [(1, True)]
    assert state.short_fingerprint != v1
    text = printed(session, m.id)
    assert NEW_PLACE in text and f"Phiên bản 2 · mã kiểm tra {state.short_fingerprint}" in text

    # version 1 cannot be signed as if it said what the records say now
    with pytest.raises(LockedError) as refused:
        minutes_service.mark_signed(session, m.id)
    assert "version 2" in str(refused.value) or "phiên bản 2" in str(refused.value)
    assert minutes_service.get_minutes(session, m.id).status == "printed"

    minutes_service.mark_printed(session, m.id)
    scan = tmp_path / "signed.pdf"
    scan.write_bytes(b"%PDF-1.4\n% a scan\n%%EOF\n")
    minutes_service.mark_signed(session, m.id, scan)
    state = minutes_service.version_state(session, m.id)
    assert state.signed is not None and state.signed.number == 2 and state.signed.has_scan
    assert [(v.number, v.superseded) for v in state.versions] == [(1, True), (2, False)]
    signed_row = session.get(MinutesVersion, state.signed.id)
    assert signed_row.signed_copy_id == minutes_service.get_minutes(session, m.id).signed_copy_id

    # later changes the locks cannot stop (an official's position, the place changed
    # behind the program's back) do not reach a reprint of the signed minutes
    units.update_official(session, clerk.id, units.OfficialInput(
        full_name="Nguyễn Thị Hoa", position="Phó Chánh Văn phòng"))
    rs.place = "Nơi khác hẳn"
    session.flush()
    reprint = printed(session, m.id)
    assert NEW_PLACE in reprint and "Nơi khác hẳn" not in reprint
    assert "Công chức Văn phòng" in reprint and "Phó Chánh Văn phòng" not in reprint
    assert f"Phiên bản 2 · mã kiểm tra {state.signed.short_fingerprint}" in reprint


def test_printing_again_unchanged_keeps_the_version(session, rs):
    m = minutes_service.minutes_for(session, "session", rs.id)
    minutes_service.mark_printed(session, m.id)
    minutes_service.mark_printed(session, m.id)
    state = minutes_service.version_state(session, m.id)
    assert [v.number for v in state.versions] == [1] and state.printed


def test_the_minutes_text_is_part_of_the_version(session, rs):
    m = minutes_service.minutes_for(session, "session", rs.id)
    minutes_service.mark_printed(session, m.id)
    minutes_service.update_minutes(session, m.id, copies=3)
    state = minutes_service.version_state(session, m.id)
    assert (state.current, state.printed) == (2, False)


def test_signing_unprinted_minutes_freezes_what_was_signed(session, rs):
    m = minutes_service.minutes_for(session, "session", rs.id)
    minutes_service.mark_signed(session, m.id)
    state = minutes_service.version_state(session, m.id)
    assert state.signed is not None and state.signed.number == 1
    assert json.loads(session.get(MinutesVersion, state.signed.id).content)["place"] == PLACE


def test_a_signed_addendum_reprints_what_was_signed(session, rs):
    m = minutes_service.minutes_for(session, "session", rs.id)
    minutes_service.mark_printed(session, m.id)
    minutes_service.mark_signed(session, m.id)
    addendum = minutes_service.add_addendum(session, m.id, "Sửa năm sinh của ông An là 1967.")
    minutes_service.mark_printed(session, addendum.id)
    minutes_service.mark_signed(session, addendum.id)
    addendum.text = "Nội dung bị sửa sau khi ký"  # behind the program's back
    session.flush()
    text = printed(session, addendum.id)
    assert "BIÊN BẢN BỔ SUNG" in text and "Sửa năm sinh của ông An là 1967." in text
    assert m.number in text and "Nội dung bị sửa sau khi ký" not in text


def test_a_signed_reprint_hides_and_audits_a_denouncer_as_the_records_would(
        session, unit, official, clerk, rs, cleared):
    from sqlalchemy import select

    from receptiondesk.model import AuditEntry

    binh = citizens.create_citizen(session, unit.id, CitizenInput(
        "Hoàng Văn Bình", 1970, "male", "011070009999", "Bản Kéo"), today=TODAY)
    reception.add_visit(session, rs.id, VisitInput(
        "Tố cáo cán bộ địa chính nhận tiền.", citizen_id=binh.id,
        petition_type="denunciation", field_code="land", handling="accept",
        direction="Giao Ủy ban Kiểm tra xác minh."), today=TODAY)
    m = minutes_service.minutes_for(session, "session", rs.id)
    minutes_service.mark_printed(session, m.id)
    minutes_service.mark_signed(session, m.id)

    def reprint(cleared_reader: bool) -> str:
        out = io.BytesIO()
        render_minutes_record(session, m.id, out, lang="vi", cleared=cleared_reader)
        return text_of(out.getvalue())

    def views() -> int:
        return len(session.scalars(select(AuditEntry).where(
            AuditEntry.action == "identity_view")).all())

    before = views()
    plain = reprint(False)
    assert "Hoàng Văn Bình" not in plain and "(được bảo mật)" in plain
    assert "Nguyễn Văn An" in plain
    assert views() == before
    shown = reprint(True)
    assert "Hoàng Văn Bình" in shown and "011070009999" in shown
    assert views() > before
