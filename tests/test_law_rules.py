"""Issue 15: the shipped rules brought to the legal texts, in new databases and in those
made before (migration 0006), and the rules whose source could not be confirmed."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import text

from receptiondesk.db import alembic_config, make_engine, sqlite_url
from receptiondesk.rules.deadlines import DEFAULT_RULES, source_unconfirmed
from receptiondesk.rules.duty import DEFAULT_DUTY_RULES
from receptiondesk.services import reference
from receptiondesk.services.database import open_database

#: the rules a database was seeded with before issue 15 (14/02/2019, 1/10/2021, one day)
OLD_DEADLINES = (
    ("party_head_answer", "2019-02-14", 10, "working", None, None, None, None, 0,
     "Quy định 11-QĐi/TW ngày 14/02/2019"),
    ("petition_process", "2021-10-01", 10, "working", None, None, None, None, 0,
     "Thông tư 05/2021/TT-TTCP"),
    ("complaint_accept", "2012-07-01", 10, "calendar", None, None, None, None, 0,
     "Luật Khiếu nại 2011, Điều 27"),
    ("complaint_resolve_first", "2012-07-01", 30, "calendar", 45, 45, 60, None, 0,
     "Luật Khiếu nại 2011, Điều 28"),
    ("complaint_resolve_second", "2012-07-01", 45, "calendar", 60, 60, 70, None, 0,
     "Luật Khiếu nại 2011, Điều 37"),
    ("denunciation_accept", "2019-01-01", 7, "working", None, None, None, 3, 1,
     "Luật Tố cáo 2018, Điều 24"),
    ("denunciation_resolve", "2019-01-01", 30, "calendar", None, None, None, 30, 2,
     "Luật Tố cáo 2018, Điều 30"),
)
OLD_DUTY = (
    ("party_secretary", "commune", 1, "month", "2019-02-14", "Quy định 11-QĐi/TW"),
    ("party_secretary", "district", 1, "month", "2019-02-14", "Quy định 11-QĐi/TW"),
    ("party_secretary", "province", 1, "month", "2019-02-14", "Quy định 11-QĐi/TW"),
    ("party_secretary", "commune", 2, "month", "2025-11-23",
     "Kết luận 215-KL/TW (sửa đổi Quy định 11-QĐi/TW)"),
    ("committee_chairman", "commune", 1, "week", "2014-07-01",
     "Luật Tiếp công dân 2013, Điều 15"),
    ("committee_chairman", "district", 2, "month", "2014-07-01",
     "Luật Tiếp công dân 2013, Điều 13"),
    ("committee_chairman", "province", 1, "month", "2014-07-01",
     "Luật Tiếp công dân 2013, Điều 12"),
)


def deadline_tuples(rules) -> set[tuple]:
    return {(r.key, r.effective_from, r.days, str(r.mode), r.complex_days, r.remote_days,
             r.remote_complex_days, r.extension_days, r.max_extensions, r.legal_basis)
            for r in rules}


def duty_tuples(rules) -> set[tuple]:
    return {(r.role, r.level, r.days, r.period, r.effective_from, r.legal_basis)
            for r in rules}


def old_database(path, edited_process_rule: bool = False) -> None:
    """A database at schema 0005 holding the rules as shipped before issue 15."""
    engine = make_engine(sqlite_url(path))
    command.upgrade(alembic_config(engine), "0005")
    now = datetime(2026, 1, 5, 8, 0)
    with engine.begin() as conn:
        for row in OLD_DEADLINES:
            if edited_process_rule and row[0] == "petition_process":
                row = (*row[:9], "Thông tư 05/2021/TT-TTCP, Điều 6 (văn phòng ghi)")
            conn.execute(text(
                "INSERT INTO deadline_rules (id, created_at, updated_at, version, key, "
                "effective_from, days, mode, complex_days, remote_days, remote_complex_days, "
                "extension_days, max_extensions, legal_basis) VALUES (:id, :now, :now, 1, "
                ":k, :f, :d, :m, :c, :r, :rc, :e, :mx, :b)"),
                dict(id=uuid.uuid4().hex, now=now, k=row[0], f=row[1], d=row[2], m=row[3],
                     c=row[4], r=row[5], rc=row[6], e=row[7], mx=row[8], b=row[9]))
        for role, level, days, period, since, basis in OLD_DUTY:
            conn.execute(text(
                "INSERT INTO duty_rules (id, created_at, updated_at, version, role, level, "
                "days, period, effective_from, legal_basis) VALUES (:id, :now, :now, 1, "
                ":role, :level, :days, :period, :since, :basis)"),
                dict(id=uuid.uuid4().hex, now=now, role=role, level=level, days=days,
                     period=period, since=since, basis=basis))
    engine.dispose()


def assert_the_shipped_rules(path) -> None:
    """The database at ``path``, once opened, holds exactly the rules a new one ships."""
    db = open_database(path)
    try:
        with db.session() as s:
            assert deadline_tuples(reference.deadline_rules(s)) == deadline_tuples(
                DEFAULT_RULES)
            assert duty_tuples(reference.duty_rules(s)) == duty_tuples(DEFAULT_DUTY_RULES)
    finally:
        db.close()


def test_a_new_database_gets_the_rules_of_the_legal_texts(tmp_path):
    assert_the_shipped_rules(tmp_path / "new.db")


def test_an_older_database_gets_its_shipped_rules_corrected(tmp_path):
    """Migration 0006 from schema 0005 with the old rules in it: afterwards the rules are
    exactly those of a new database (18/02/2019, 2 days for the commune secretary,
    15/11/2021, the versions from 1/7/2026)."""
    path = tmp_path / "old.db"
    old_database(path)
    assert_the_shipped_rules(path)


def test_a_rule_the_office_edited_is_left_as_the_office_wrote_it(tmp_path):
    path = tmp_path / "edited.db"
    old_database(path, edited_process_rule=True)
    db = open_database(path)
    try:
        with db.session() as s:
            [process] = [r for r in reference.deadline_rules(s) if r.key == "petition_process"]
        assert (process.effective_from, process.legal_basis) == (
            date(2021, 10, 1), "Thông tư 05/2021/TT-TTCP, Điều 6 (văn phòng ghi)")
    finally:
        db.close()


def test_the_migration_can_be_undone(tmp_path):
    path = tmp_path / "down.db"
    old_database(path)
    engine = make_engine(sqlite_url(path))
    command.upgrade(alembic_config(engine), "0006")
    command.downgrade(alembic_config(engine), "0005")
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT key, effective_from, legal_basis FROM deadline_rules")).all()
        duty = conn.execute(text(
            "SELECT role, level, days, effective_from FROM duty_rules")).all()
    engine.dispose()
    assert {(k, str(f), b) for k, f, b in rows} == {(r[0], r[1], r[9]) for r in OLD_DEADLINES}
    assert {(r, lv, d, str(f)) for r, lv, d, f in duty} == {
        (r[0], r[1], r[2], r[4]) for r in OLD_DUTY}


def test_unconfirmed_sources_are_the_ones_named_in_the_report():
    """Rules whose source could not be confirmed from the text say so in their legal basis:
    the article of Quy định 11 for the 10 working days, the article of Thông tư 05/2021,
    and every limit from 1/7/2026 (Luật 136/2025/QH15)."""
    unconfirmed = {(r.key, r.effective_from) for r in DEFAULT_RULES
                   if source_unconfirmed(r.legal_basis)}
    assert ("party_head_answer", date(2019, 2, 18)) in unconfirmed
    assert ("petition_process", date(2021, 11, 15)) in unconfirmed
    assert {k for k, since in unconfirmed if since == date(2026, 7, 1)} == {
        "complaint_accept", "complaint_resolve_first", "complaint_resolve_second",
        "denunciation_accept", "denunciation_resolve", "denunciation_notice"}
    assert not source_unconfirmed("Luật Khiếu nại 2011, Điều 28")


# --- point 4: a month still running is in progress, never failed ----------------------------


def test_a_report_made_on_7_december_shows_december_in_progress(session, unit):
    """The issue's example: a 2026 report made on 7/12/2026. The commune secretary received
    citizens twice in every month to November and once so far in December: every judged
    month is met, December is in progress (1 of 2 days), never "Không đạt"."""
    from receptiondesk.i18n import using_language
    from receptiondesk.reports import periods
    from receptiondesk.reports.outputs import report_tables
    from receptiondesk.reports.periodic import periodic_report
    from receptiondesk.services import reception, units
    from receptiondesk.services.reception import SessionInput

    today = date(2026, 12, 7)
    secretary = units.create_official(session, unit.id, units.OfficialInput(
        full_name="Lò Văn Khoa", position="Bí thư Đảng ủy xã", duty_role="party_secretary"))
    days = [date(2026, m, d) for m in range(1, 12) for d in (8, 22)] + [date(2026, 12, 3)]
    for day in days:
        reception.create_session(session, unit.id, SessionInput(
            day, place="Trụ sở Đảng ủy", presiding_official_id=secretary.id), today=today)
    r = periodic_report(session, unit.id, periods.year_period(2026), today=today)
    [duty] = r.duty
    assert (duty.months_counted, duty.months_met, duty.required, duty.held, duty.met) == (
        11, 11, 22, 22, True)
    december = duty.months[-1]
    assert (december.month, december.held, december.required) == (12, 1, 2)
    assert december.in_progress and not december.met
    with using_language("vi"):
        [table] = [t for t in report_tables(r) if t.key == "duty"]
        row = table.rows[0]
    assert row[7] == "Đạt"
    assert row[8] == ""  # no month not met
    assert row[9] == "12/2026: 1 trên 2 ngày đến nay"


# --- point 8: the official calendar is data --------------------------------------------------


def test_the_new_year_2026_swap_is_in_the_calendar():
    """Công văn 12729/VPCP-KGVX of 25/12/2025: Friday 2/1/2026 off, Saturday 10/1 worked."""
    from receptiondesk.rules import DayCount, WorkCalendar

    cal = WorkCalendar()
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 1, 10))
    with_language = cal.holiday_name(date(2026, 1, 2))
    assert "12729/VPCP-KGVX" in with_language
    # Four deadlines around it, by hand (the day of receipt is not counted, Civil Code
    # art. 147; a period ending on a day off ends on the next working day, art. 148):
    # 7 working days from Tue 23/12/2025: 24, 25, 26, 29, 30, 31/12, (2/1 off) 5/1.
    assert cal.due_date(date(2025, 12, 23), 7, DayCount.WORKING) == date(2026, 1, 5)
    # 7 working days from Mon 5/1/2026: 6, 7, 8, 9, Sat 10, 12, 13/1.
    assert cal.due_date(date(2026, 1, 5), 7, DayCount.WORKING) == date(2026, 1, 13)
    # 10 calendar days from 23/12/2025 end on 2/1/2026, a day off: Monday 5/1.
    assert cal.due_date(date(2025, 12, 23), 10, DayCount.CALENDAR) == date(2026, 1, 5)
    # 10 calendar days from 31/12/2025 end on Saturday 10/1/2026, now a working day.
    assert cal.due_date(date(2025, 12, 31), 10, DayCount.CALENDAR) == date(2026, 1, 10)
    # Without the swap these four would be 2/1, 14/1, 2/1 and 12/1.
    plain = WorkCalendar(swaps=())
    assert [plain.due_date(date(2025, 12, 23), 7, DayCount.WORKING),
            plain.due_date(date(2026, 1, 5), 7, DayCount.WORKING),
            plain.due_date(date(2025, 12, 23), 10, DayCount.CALENDAR),
            plain.due_date(date(2025, 12, 31), 10, DayCount.CALENDAR)] == [
        date(2026, 1, 2), date(2026, 1, 14), date(2026, 1, 2), date(2026, 1, 12)]


def test_every_shipped_swap_names_its_source_and_moves_a_weekday_to_a_weekend_day():
    from receptiondesk.rules.calendar import GOVERNMENT_DAY_SWAPS

    assert GOVERNMENT_DAY_SWAPS
    for swap in GOVERNMENT_DAY_SWAPS:
        assert swap.day_off.weekday() < 5 and swap.working_day.weekday() == 5
        assert "/" in swap.source and swap.source.strip()


def test_vietnam_cultural_day_is_an_office_setting_off_by_default():
    """24/11 is listed by the ``holidays`` package, but its legal basis (an amendment of
    the Labour Code, art. 112) could not be confirmed: a working day unless the office
    observes it. 7 working days from Fri 20/11/2026: 23, 24, 25, 26, 27, 30/11, 1/12; with
    24/11 off: 2/12."""
    from receptiondesk.rules import DayCount, WorkCalendar
    from receptiondesk.rules.calendar import CULTURAL_DAY

    cal = WorkCalendar()
    assert cal.is_working_day(date(2026, 11, 24))
    assert cal.holiday_name(date(2026, 11, 24)) is None
    assert cal.due_date(date(2026, 11, 20), 7, DayCount.WORKING) == date(2026, 12, 1)
    observed = WorkCalendar(observed=[CULTURAL_DAY])
    assert not observed.is_working_day(date(2026, 11, 24))
    assert observed.due_date(date(2026, 11, 20), 7, DayCount.WORKING) == date(2026, 12, 2)


def test_the_office_keeps_its_own_days_and_the_setting(session, unit):
    """An office's own day wins over a government swap; the Cultural Day setting is saved
    and read back into the calendar the deadlines use."""
    from receptiondesk.rules.calendar import CULTURAL_DAY
    from receptiondesk.services import lookups
    from receptiondesk.services.errors import ValidationError

    lookups.add_calendar_day(session, date(2026, 1, 2), "working_day", "Trực Tết", unit.id)
    cal = reference.work_calendar(session)
    assert cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 11, 24))
    lookups.set_holiday_observed(session, CULTURAL_DAY, True)
    assert not reference.work_calendar(session).is_working_day(date(2026, 11, 24))
    lookups.set_holiday_observed(session, CULTURAL_DAY, False)
    assert reference.work_calendar(session).is_working_day(date(2026, 11, 24))
    with pytest.raises(ValidationError):  # an ordinary holiday is not a setting
        lookups.set_holiday_observed(session, (9, 2), True)


def test_open_petitions_get_their_due_dates_recomputed_after_the_upgrade(tmp_path):
    """A denunciation received on 23/12/2025 in an older database had its acceptance due
    on 2/1/2026 (no New Year swap then); after the upgrade it is due on 5/1/2026."""
    from sqlalchemy.orm import Session

    from receptiondesk.services import petitions, units

    path = tmp_path / "due.db"
    old_database(path)
    engine = make_engine(sqlite_url(path))
    with Session(engine) as s:
        reference.ensure_reference_data(s)  # the lookups; the old rules are kept
        unit = units.create_unit(s, units.UnitInput(code="X", name="Ủy ban nhân dân xã A"),
                                 home=True)
        p = petitions.register_petition(s, unit.id, petitions.PetitionInput(
            date(2025, 12, 23), "denunciation", "Tố cáo cán bộ địa chính", anonymous=False,
            ref="0001/2025/UBND",  # numbered by hand: schema 0005 has no number counters
            petitioners=[petitions.PetitionerInput("Nguyễn Văn An")]),
            today=date(2025, 12, 23))
        petition_id = p.id  # before the commit: reloading it would read newer columns
        s.commit()
    with engine.begin() as conn:  # as the older version stored it
        conn.execute(text("UPDATE petitions SET next_due_date = '2026-01-02'"))
    engine.dispose()
    db = open_database(path)
    try:
        with db.session() as s:
            assert petitions.get_petition(s, petition_id).next_due_date == date(2026, 1, 5)
            assert reference.get_setting(s, reference.RECOMPUTE_KEY) is None
    finally:
        db.close()


# --- point 7: results by the kind of petition ------------------------------------------------


def test_a_recommendation_is_answered_never_judged_correct(session, unit):
    """Correct / incorrect belong to complaints (Complaints Law 2011), founded / unfounded
    to denunciations (Denunciations Law 2018); a recommendation or reflection is answered.
    The report counts an older recommendation stored as "correct" as answered."""
    from sqlalchemy import update

    from receptiondesk.model import Petition
    from receptiondesk.reports import periods
    from receptiondesk.reports.periodic import periodic_report
    from receptiondesk.services import petitions
    from receptiondesk.services.errors import ValidationError
    from receptiondesk.services.petitions import Classification, PetitionerInput, PetitionInput

    today = date(2026, 3, 31)

    from receptiondesk.services import units

    handler = units.create_official(session, unit.id, units.OfficialInput("Lò Văn Thụ"))

    def resolved_recommendation(content: str):
        p = petitions.register_petition(session, unit.id, PetitionInput(
            date(2026, 3, 2), "recommendation", content,
            petitioners=[PetitionerInput("Nguyễn Văn An")]), today=today)
        petitions.classify(session, p.id, Classification(eligible=True, within_competence=True),
                           date(2026, 3, 3), today=today)
        petitions.decide_handling(session, p.id, "accept", date(2026, 3, 4), handler.id,
                                  today=today)
        petitions.start_resolution(session, p.id, date(2026, 3, 5), today=today)
        return p

    p = resolved_recommendation("Kiến nghị sửa đường liên bản")
    with pytest.raises(ValidationError) as refused:
        petitions.record_result(session, p.id, "correct", date(2026, 3, 20), today=today)
    assert refused.value.for_field("result")
    petitions.record_result(session, p.id, "answered", date(2026, 3, 20), today=today)
    old = resolved_recommendation("Kiến nghị làm cầu treo")
    petitions.record_result(session, old.id, "answered", date(2026, 3, 21), today=today)
    session.execute(update(Petition).where(Petition.id == old.id).values(result="correct"))
    session.flush()
    r = periodic_report(session, unit.id, periods.q1_period(2026), today=today)
    assert {(x.petition_type, x.result): x.count for x in r.results} == {
        ("recommendation", "answered"): 2}


# --- point 5: the report's recipients ---------------------------------------------------------


def test_report_recipients_follow_conclusion_215_and_can_be_edited(session, unit, tmp_path):
    """Kết luận 215-KL/TW art. 3(8): a commune secretary reports to the provincial
    secretary and the provincial internal affairs and propaganda and mass mobilization
    commissions; a province secretary to the Politburo, the Secretariat and the two central
    commissions. The official edits the list in the narrative before printing."""
    from pypdf import PdfReader

    from receptiondesk.i18n import using_language
    from receptiondesk.reports import periods
    from receptiondesk.reports.outputs import write_pdf
    from receptiondesk.reports.periodic import (
        default_recipients,
        narrative_skeleton,
        periodic_report,
    )
    from receptiondesk.services import units

    today = date(2026, 4, 10)
    with using_language("vi"):
        r = periodic_report(session, unit.id, periods.q1_period(2026), today=today)
        assert default_recipients(r.unit) == [
            "Đồng chí Bí thư Tỉnh ủy Điện Biên (để báo cáo)",
            "Ban Nội chính Tỉnh ủy Điện Biên",
            "Ban Tuyên giáo và Dân vận Tỉnh ủy Điện Biên",
            "Lưu Văn phòng",
        ]
        province = units.create_unit(session, units.UnitInput(
            code="TU", name="Tỉnh ủy Điện Biên", level="province", kind="party"))
        rp = periodic_report(session, province.id, periods.q1_period(2026), today=today)
        assert default_recipients(rp.unit)[:4] == [
            "Bộ Chính trị (để báo cáo)", "Ban Bí thư (để báo cáo)", "Ban Nội chính Trung ương",
            "Ban Tuyên giáo và Dân vận Trung ương"]
        narrative = narrative_skeleton(r)
        lines = narrative["recipients"].splitlines()
        narrative["recipients"] = "\n".join([*lines[:-1], "- Ủy ban Kiểm tra Đảng ủy xã",
                                             lines[-1]])
        out = tmp_path / "r.pdf"
        write_pdf(r, narrative, out, lang="vi")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out).pages)
    assert "- Đồng chí Bí thư Tỉnh ủy Điện Biên (để báo cáo);" in text
    assert "- Ủy ban Kiểm tra Đảng ủy xã;" in text
    assert "- Lưu Văn phòng." in text
    assert "Số ……-BC/ĐU" in text


# --- point 11: the report's wording --------------------------------------------------------


def test_the_narrative_names_visits_and_people_and_explains_its_totals(session, unit, clerk):
    """Visits (lượt) and citizens (người) are both named, routine-desk days included; a
    strength is never "0 of 1"; when the petitions to process are fewer than those of the
    period (1 of 2: one was processed in December and carried over in resolution), the
    text says why."""
    from receptiondesk.i18n import using_language
    from receptiondesk.reports import periods
    from receptiondesk.reports.periodic import narrative_skeleton, periodic_report
    from receptiondesk.services import citizens, petitions, reception, units
    from receptiondesk.services.citizens import CitizenInput
    from receptiondesk.services.petitions import Classification, PetitionerInput, PetitionInput
    from receptiondesk.services.reception import SessionInput, VisitInput

    today = date(2026, 4, 10)
    units.create_official(session, unit.id, units.OfficialInput(
        full_name="Lò Văn Khoa", position="Bí thư Đảng ủy xã", duty_role="party_secretary"))
    desk = reception.create_session(session, unit.id, SessionInput(
        date(2026, 2, 10), kind="routine", place="Bộ phận tiếp công dân",
        presiding_official_id=clerk.id), today=today)
    an = citizens.create_citizen(session, unit.id, CitizenInput("Nguyễn Văn An"))
    reception.add_visit(session, desk.id, VisitInput(
        "Hỏi về thủ tục cấp sổ đỏ", citizen_id=an.id, head_count=3), today=today)
    old = petitions.register_petition(session, unit.id, PetitionInput(
        date(2025, 12, 10), "denunciation", "Tố cáo đảng viên thu tiền sai quy định",
        petitioners=[PetitionerInput("Nguyễn Văn An")]), today=date(2025, 12, 10))
    petitions.classify(session, old.id, Classification(eligible=True, within_competence=True),
                       date(2025, 12, 11), today=date(2025, 12, 11))
    petitions.decide_handling(session, old.id, "accept", date(2025, 12, 12), clerk.id,
                              today=date(2025, 12, 12))
    petitions.register_petition(session, unit.id, PetitionInput(
        date(2026, 1, 15), "recommendation", "Kiến nghị sửa đường",
        petitioners=[PetitionerInput("Nguyễn Văn An")]), today=date(2026, 1, 15))
    with using_language("vi"):
        r = periodic_report(session, unit.id, periods.q1_period(2026), today=today)
        text = narrative_skeleton(r)
    assert "tiếp thường xuyên: 1 ngày, 1 lượt, 3 người" in text["results"]
    assert "Trong tổng số 2 đơn thư của kỳ, 1 đơn phải xử lý trong kỳ; 1 đơn còn lại đã được " \
           "xử lý từ kỳ trước" in text["results"]
    assert "0/1" not in text["strengths"] and "tiếp công dân" not in text["strengths"]
    assert "Lò Văn Khoa" in text["limitations"]
