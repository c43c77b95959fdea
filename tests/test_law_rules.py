"""Issue 15: the shipped rules brought to the legal texts, in new databases and in those
made before (migration 0006), and the rules whose source could not be confirmed."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from alembic import command
from sqlalchemy import text

from receptiondesk.db import alembic_config, make_engine, open_database, sqlite_url
from receptiondesk.rules.deadlines import DEFAULT_RULES, source_unconfirmed
from receptiondesk.rules.duty import DEFAULT_DUTY_RULES
from receptiondesk.services import reference

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


def test_a_new_database_gets_the_rules_of_the_legal_texts(tmp_path):
    db = open_database(tmp_path / "new.db")
    try:
        with db.session() as s:
            assert deadline_tuples(reference.deadline_rules(s)) == deadline_tuples(
                DEFAULT_RULES)
            assert duty_tuples(reference.duty_rules(s)) == duty_tuples(DEFAULT_DUTY_RULES)
    finally:
        db.close()


def test_an_older_database_gets_its_shipped_rules_corrected(tmp_path):
    """Migration 0006 from schema 0005 with the old rules in it: afterwards the rules are
    exactly those of a new database (18/02/2019, 2 days for the commune secretary,
    15/11/2021, the versions from 1/7/2026)."""
    path = tmp_path / "old.db"
    old_database(path)
    db = open_database(path)
    try:
        with db.session() as s:
            assert deadline_tuples(reference.deadline_rules(s)) == deadline_tuples(
                DEFAULT_RULES)
            assert duty_tuples(reference.duty_rules(s)) == duty_tuples(DEFAULT_DUTY_RULES)
    finally:
        db.close()


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
        "denunciation_accept", "denunciation_resolve"}
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
