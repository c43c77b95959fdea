"""The report's and the dashboard's words for what was counted (issue 15, point 11).

Hand-computed: in February 2026 a regular session received An alone (1 visit, 1 person)
and a delegation of 6 (1 visit, 6 people); the routine desk received Bình on another day
(1 visit, 1 person). So: 3 visits (lượt), 8 citizens (người). Three recommendations were
received in the quarter; two were processed (accepted) and one was not; neither accepted
case was resolved. Visits are "lượt" and citizens are "người" everywhere, and each
difference between totals is explained in the text.
"""

from __future__ import annotations

from datetime import date, time

import pytest

from receptiondesk.i18n import using_language
from receptiondesk.reports import periods
from receptiondesk.reports.outputs import _summary, report_tables
from receptiondesk.reports.periodic import narrative_skeleton, periodic_report
from receptiondesk.services import citizens, petitions, reception
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.dashboard import dashboard_figures
from receptiondesk.services.petitions import Classification, PetitionerInput, PetitionInput
from receptiondesk.services.reception import SessionInput, VisitInput

TODAY = date(2026, 4, 10)


@pytest.fixture
def counted(session, unit, official, clerk):
    an = citizens.create_citizen(session, unit.id, CitizenInput("Nguyễn Văn An"))
    binh = citizens.create_citizen(session, unit.id, CitizenInput("Trần Văn Bình"))
    dung = citizens.create_citizen(session, unit.id, CitizenInput("Đinh Văn Dũng"))
    regular = reception.create_session(session, unit.id, SessionInput(
        date(2026, 2, 5), start_time=time(8), presiding_official_id=official.id,
        recorder_official_id=clerk.id), today=TODAY)
    reception.add_visit(session, regular.id, VisitInput(
        "Hỏi về thủ tục đất đai", citizen_id=an.id), today=TODAY)
    reception.add_visit(session, regular.id, VisitInput(
        "Đề nghị sửa đường liên bản", citizen_id=dung.id, head_count=6,
        representatives="Đinh Văn Dũng"), today=TODAY)
    desk = reception.create_session(session, unit.id, SessionInput(
        date(2026, 2, 10), kind="routine", place="Bộ phận tiếp công dân",
        presiding_official_id=clerk.id), today=TODAY)
    reception.add_visit(session, desk.id, VisitInput(
        "Hỏi về chế độ chính sách", citizen_id=binh.id), today=TODAY)
    for day, content, processed in ((date(2026, 1, 12), "Kiến nghị sửa cầu", True),
                                    (date(2026, 2, 3), "Kiến nghị lắp đèn", True),
                                    (date(2026, 3, 25), "Kiến nghị nạo vét mương", False)):
        p = petitions.register_petition(session, unit.id, PetitionInput(
            day, "recommendation", content, petitioners=[PetitionerInput("Nguyễn Văn An")]),
            today=day)
        if processed:
            petitions.classify(session, p.id, Classification(
                eligible=True, within_competence=True), day, today=day)
            petitions.decide_handling(session, p.id, "accept", day, clerk.id, today=day)
    session.commit()
    with using_language("vi"):
        report = periodic_report(session, unit.id, periods.q1_period(2026), today=TODAY)
        yield report, narrative_skeleton(report), dict(_summary(report)), report_tables(report)


def test_the_narrative_counts_visits_and_people_for_every_kind_of_session(counted):
    report, text, _summary_, _tables = counted
    rc = report.total.reception
    assert (rc.regular.sessions, rc.regular.visits, rc.regular.citizens) == (1, 2, 7)
    assert (rc.routine.sessions, rc.routine.visits, rc.routine.citizens) == (1, 1, 1)
    assert "Tiếp công dân định kỳ: 1 buổi, 2 lượt, 7 người" in text["results"]
    assert "tiếp thường xuyên: 1 ngày, 1 lượt, 1 người" in text["results"]
    assert "đoàn đông người: 1 đoàn, 6 người" in text["results"]


def test_the_summary_and_the_table_name_visits_and_people_apart(counted):
    _report, _text, summary, tables = counted
    # "Số lượt công dân được tiếp" once labelled the people: 8 people in 3 visits
    assert summary["Số lượt tiếp"] == 3
    assert summary["Số người được tiếp"] == 8
    reception = next(t for t in tables if t.key == "reception")
    assert "Công dân" not in reception.columns
    assert reception.columns.count("Số người") == 6  # 4 kinds, all sessions, delegations
    assert reception.columns.count("Lượt tiếp") == 1
    total = reception.rows[-1]
    assert total[reception.columns.index("Lượt tiếp")] == 3
    assert total[reception.columns.index("Lượt tiếp") + 1] == 8


def test_when_totals_differ_the_text_says_why(counted):
    report, text, _summary_, _tables = counted
    pf = report.total.petitions
    assert (pf.received, pf.to_process, pf.processed) == (3, 3, 2)
    assert (pf.to_resolve, pf.resolved) == (2, 0)
    assert "Đã xử lý 2/3 đơn thư" in text["results"]
    assert ("Trong số đơn thư phải xử lý, 1 đơn chưa được xử lý khi kết thúc kỳ, chuyển "
            "sang kỳ sau.") in text["results"]
    assert ("Trong số vụ việc phải giải quyết, 2 vụ việc chưa giải quyết xong khi kết "
            "thúc kỳ.") in text["results"]


def test_the_dashboard_names_visits_and_citizens_as_the_report_does(session, counted, unit):
    from receptiondesk.ui.dashboard import _received

    figures = dashboard_figures(session, [unit.id], date(2026, 2, 20))
    assert (figures.visits_month, figures.citizens_month) == (3, 8)
    assert (figures.visits_year, figures.citizens_year) == (3, 8)
    with using_language("vi"):
        assert _received(figures.visits_month, figures.citizens_month) == \
            "Lượt tiếp: 3 · số người: 8"


def test_a_strength_is_never_none_of_the_heads(session, unit, official, counted):
    """Two heads, neither meeting the duty every month (January had no session): no
    strength "0/2" is written, and both are named among the limitations."""
    from receptiondesk.services import units

    units.create_official(session, unit.id, units.OfficialInput(
        full_name="Quàng Văn Pọm", position="Chủ tịch UBND xã",
        duty_role="committee_chairman"))
    session.commit()
    with using_language("vi"):
        report = periodic_report(session, unit.id, periods.q1_period(2026), today=TODAY)
        text = narrative_skeleton(report)
    assert len(report.duty) == 2 and not any(d.met for d in report.duty)
    assert "0/2" not in text["strengths"] and "Người đứng đầu" not in text["strengths"]
    assert "Lò Văn Khoa" in text["limitations"] and "Quàng Văn Pọm" in text["limitations"]
