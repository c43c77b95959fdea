"""Periodic reports kept: a narrative drafted over two sittings, issued under its number,
corrected by a report that replaces it, the first reprinted byte for byte as issued."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from receptiondesk.model import IssuedReport
from receptiondesk.model.reports import IssuedReportLocked
from receptiondesk.reports.periodic import narrative_skeleton, periodic_report
from receptiondesk.reports.periods import custom_period
from receptiondesk.services import citizens, outputs, petitions, reception
from receptiondesk.services import report_keeping as keeping
from receptiondesk.services.accounts import CLERK, OFFICE_HEAD, acting_as
from receptiondesk.services.errors import PermissionDenied, ValidationError

PERIOD = custom_period(date(2026, 1, 1), date(2026, 3, 31))
ISSUED_ON = date(2026, 4, 3)
CORRECTED_ON = date(2026, 4, 10)
DENOUNCER = "Hoàng Văn Bí"


def _pdf_text(data: bytes) -> str:
    return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def records(session, unit, official, clerk, people):
    """A quarter with a reception session of one visit and a denunciation by post."""
    with acting_as(people[CLERK]):
        rs = reception.create_session(session, unit.id, reception.SessionInput(
            date(2026, 2, 5), presiding_official_id=official.id, place="Trụ sở"),
            today=date(2026, 2, 5))
        reception.add_visit(session, rs.id, reception.VisitInput(
            "Hỏi về đất đai", new_citizen=citizens.CitizenInput("Lò Thị Mai", 1980)),
            today=date(2026, 2, 5))
        petitions.register_petition(session, unit.id, petitions.PetitionInput(
            date(2026, 2, 20), "denunciation", "Tố cáo cán bộ thu tiền", source_code="post",
            petitioners=[petitions.PetitionerInput(DENOUNCER)]), today=date(2026, 2, 20))
    session.commit()
    return rs


def test_a_draft_lasts_over_two_sittings_with_its_history(db, unit, people, records):
    with acting_as(people[OFFICE_HEAD]):
        with db.session() as s:  # the first sitting
            assert keeping.load_draft(s, unit.id, PERIOD) is None
            first = keeping.save_draft(s, unit.id, PERIOD, {
                "situation": "Tình hình ổn định.", "strengths": "Tiếp dân đúng lịch."})
            assert first.revision == 1
        with db.session() as s:  # closed and reopened: the text is where it was left
            kept = keeping.load_draft(s, unit.id, PERIOD)
            assert kept.narrative == {"situation": "Tình hình ổn định.",
                                      "strengths": "Tiếp dân đúng lịch."}
            assert kept.saved_by == "office-head"
            again = keeping.save_draft(s, unit.id, PERIOD, dict(kept.narrative))
            assert again.revision == 1  # nothing changed: not a new revision
            second = keeping.save_draft(s, unit.id, PERIOD, {
                **kept.narrative, "tasks": "Tiếp tục tiếp dân định kỳ."})
            assert second.revision == 2
        with db.session() as s:
            history = keeping.draft_history(s, unit.id, PERIOD)
            assert [h.revision for h in history] == [2, 1]
            assert "tasks" not in history[1].narrative
            other = custom_period(date(2026, 4, 1), date(2026, 6, 30))
            assert keeping.load_draft(s, unit.id, other) is None  # per period


def test_a_bad_draft_is_refused_by_section_and_nothing_is_lost(db, unit, people, records):
    with acting_as(people[OFFICE_HEAD]), db.session() as s:
        keeping.save_draft(s, unit.id, PERIOD, {"situation": "Bản đầu."})
    with acting_as(people[OFFICE_HEAD]), db.session() as s:
        with pytest.raises(ValidationError) as info:
            keeping.save_draft(s, unit.id, PERIOD, {"situation": "x" * 40_000})
        assert "Situation of citizen reception" in info.value.for_field("situation")
        with pytest.raises(ValidationError):
            keeping.save_draft(s, unit.id, PERIOD, {"chapter9": "?"})
    with db.session() as s:
        assert keeping.load_draft(s, unit.id, PERIOD).narrative == {"situation": "Bản đầu."}


def test_issue_correct_and_reprint_as_issued(db, unit, people, records, tmp_path):
    with acting_as(people[OFFICE_HEAD]):
        with db.session() as s:
            keeping.save_draft(s, unit.id, PERIOD, {
                "situation": "Quý I tiếp 1 lượt công dân.",
                "limitations": f"Đơn của ông {DENOUNCER} chưa xác minh xong."})
        with db.session() as s:
            first = keeping.issue_report(s, unit.id, PERIOD, today=ISSUED_ON)
            first_id, first_pdf = first.id, first.pdf
            assert first.number == "01-BC/ĐU"
            assert first.pdf_sha256 == hashlib.sha256(first_pdf).hexdigest()
            text = _pdf_text(first_pdf)
            assert "01-BC/ĐU" in text and "Quý I tiếp 1 lượt công dân." in text
            # the issued report leaves the office: no denouncer, even issued by a head
            assert DENOUNCER not in text and DENOUNCER not in first.narrative
            figures = json.loads(first.figures)
            computed = periodic_report(s, unit.id, PERIOD, today=ISSUED_ON).as_dict()
            assert figures["total"] == json.loads(json.dumps(computed["total"]))
        with db.session() as s:  # issued once: a second one must be a correction
            with pytest.raises(ValidationError) as info:
                keeping.issue_report(s, unit.id, PERIOD, today=CORRECTED_ON)
            assert "01-BC/ĐU" in info.value.for_field("replaces")
        with db.session() as s:  # the records change, then the correction
            reception.add_visit(s, records.id, reception.VisitInput(
                "Hỏi về chế độ", new_citizen=citizens.CitizenInput("Quàng Văn Ơn", 1970)),
                today=CORRECTED_ON)
        with db.session() as s:
            second = keeping.issue_report(
                s, unit.id, PERIOD, {"situation": "Quý I tiếp 2 lượt công dân (đính chính)."},
                replaces_id=first_id, today=CORRECTED_ON)
            assert second.number == "02-BC/ĐU" and second.replaces_id == first_id
            with pytest.raises(ValidationError):  # only the report in force is replaced
                keeping.issue_report(s, unit.id, PERIOD, replaces_id=first_id,
                                     today=CORRECTED_ON)
        with db.session() as s:
            listed = keeping.issued_for(s, unit.id, PERIOD)
            assert [(r.number, r.replaces_number, r.replaced_by_number) for r in listed] == [
                ("01-BC/ĐU", "", "02-BC/ĐU"), ("02-BC/ĐU", "01-BC/ĐU", "")]
            out = tmp_path / "bao-cao-01.pdf"
            outputs.reprint_issued_report(s, first_id, out)
        assert out.read_bytes() == first_pdf  # byte for byte, whatever changed since


def test_an_issued_report_never_changes(db, unit, people, records):
    with acting_as(people[OFFICE_HEAD]), db.session() as s:
        issued_id = keeping.issue_report(s, unit.id, PERIOD, today=ISSUED_ON).id
    with acting_as(people[OFFICE_HEAD]), pytest.raises(IssuedReportLocked), \
            Session(db.engine) as s:
        s.get(IssuedReport, issued_id).summary = "Báo cáo khác"
        s.commit()


def test_only_a_role_that_may_issue_issues(db, unit, people, records):
    with acting_as(people[CLERK]), db.session() as s:
        keeping.save_draft(s, unit.id, PERIOD, {"situation": "Văn phòng soạn."})  # may draft
        with pytest.raises(PermissionDenied):
            keeping.issue_report(s, unit.id, PERIOD, today=ISSUED_ON)
    with db.session() as s:
        assert keeping.issued_for(s, unit.id, PERIOD) == []


def test_without_a_draft_the_issued_text_is_the_skeleton(db, unit, people, records):
    with acting_as(people[OFFICE_HEAD]), db.session() as s:
        issued = keeping.issue_report(s, unit.id, PERIOD, today=ISSUED_ON)
        skeleton = narrative_skeleton(periodic_report(s, unit.id, PERIOD, today=ISSUED_ON))
        assert json.loads(issued.narrative)["situation"] == skeleton["situation"]


# --- the register of outgoing documents ----------------------------------------------


def test_the_register_lists_every_numbered_document_issued(db, unit, official, people,
                                                           records, tmp_path):
    from openpyxl import load_workbook

    from receptiondesk.services import meetings
    from receptiondesk.services import minutes as minutes_service
    from receptiondesk.services.outgoing_register import outgoing_register, reused_numbers

    with acting_as(people[OFFICE_HEAD]):
        with db.session() as s:
            m = minutes_service.minutes_for(s, "session", records.id)
            minutes_service.mark_printed(s, m.id)
            minutes_number = m.number
            meetings.issue_notice(s, meetings.NoticeInput(
                "", date(2026, 2, 6), f"Giao Văn phòng trả lời đơn của ông {DENOUNCER}.",
                signed_by_id=official.id), session_id=records.id, today=date(2026, 2, 6))
            first = keeping.issue_report(s, unit.id, PERIOD, today=ISSUED_ON)
            keeping.issue_report(s, unit.id, PERIOD, {"situation": "Đính chính."},
                                 replaces_id=first.id, today=CORRECTED_ON)
        with db.session() as s:
            entries = outgoing_register(s, [unit.id], date(2026, 1, 1), date(2026, 12, 31))
    assert [(e.kind, e.number) for e in entries] == [
        ("minutes", minutes_number), ("notice", "01-TB/ĐU"),
        ("report", "01-BC/ĐU"), ("report", "02-BC/ĐU")]
    assert [e.issued_on for e in entries] == [date(2026, 2, 5), date(2026, 2, 6), ISSUED_ON,
                                              CORRECTED_ON]
    assert entries[0].signer == "Lò Văn Khoa" and entries[1].signer == "Lò Văn Khoa"
    assert "Citizens concerned" in entries[1].recipients  # as the notice prints them
    assert entries[2].note == "replaced by 02-BC/ĐU"
    assert entries[3].note == "replaces 01-BC/ĐU"
    assert "(to report)" in entries[3].recipients  # the report's "Nơi nhận"
    assert reused_numbers(entries) == []

    # printed and exported through the door: the clerk is not cleared for the denouncer
    with acting_as(people[CLERK]), db.session() as s:
        count, pages = outputs.print_outgoing_register(
            s, unit.id, date(2026, 1, 1), date(2026, 12, 31), tmp_path / "so.pdf")
        outputs.print_outgoing_register(s, unit.id, date(2026, 1, 1), date(2026, 12, 31),
                                        tmp_path / "so.xlsx", fmt="xlsx")
    assert (count, pages) == (4, 1)
    text = _pdf_text((tmp_path / "so.pdf").read_bytes())
    for number in (minutes_number, "01-TB/ĐU", "01-BC/ĐU", "02-BC/ĐU"):
        assert number in text
    assert DENOUNCER not in text
    cells = [c for row in load_workbook(tmp_path / "so.xlsx").active.iter_rows(values_only=True)
             for c in row]
    assert "02-BC/ĐU" in cells and date(2026, 4, 10) in [
        c.date() if hasattr(c, "date") else c for c in cells]
    assert not any(DENOUNCER in str(c) for c in cells)
