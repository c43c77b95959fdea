"""The district heads' reception duty ends with the districts (two-tier local government
from 1/7/2025): months under the reform are neither met nor failed, a district head is
not judged for a period after it, and an office's database gets the rule by migration."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from receptiondesk.db import alembic_config, make_engine, sqlite_url
from receptiondesk.model import DutyRuleRow
from receptiondesk.reports.periodic import periodic_report
from receptiondesk.reports.periods import custom_period
from receptiondesk.rules.duty import (
    DEFAULT_DUTY_RULES,
    REFORM_FROM,
    ROLE_PARTY_SECRETARY,
    duty_by_month,
)
from receptiondesk.services import dashboard, reception, units
from receptiondesk.services.database import open_database
from receptiondesk.services.reference import ensure_reference_data


def test_a_district_secretary_owes_nothing_from_the_reform():
    months = [(2025, m) for m in range(1, 13)]
    got = duty_by_month(DEFAULT_DUTY_RULES, ROLE_PARTY_SECRETARY, "district",
                        [date(2025, 2, 10)], months)
    assert [m.ended for m in got] == [False] * 6 + [True] * 6
    assert [m.required for m in got[:6]] == [1] * 6  # Quy định 11-QĐi/TW art. 4(1)
    assert got[1].met and got[0].failed  # held in February only
    assert not any(m.failed for m in got[6:])
    commune = duty_by_month(DEFAULT_DUTY_RULES, ROLE_PARTY_SECRETARY, "commune", [], months)
    assert not any(m.ended for m in commune)  # the commune's duty goes on (2 days)


def _province_with_a_district(s):
    units.create_unit(s, units.UnitInput(code="TU", name="Tỉnh ủy Điện Biên",
                                         level="province", kind="party"), home=True)
    district = units.create_unit(s, units.UnitInput(
        code="HU-TG", name="Huyện ủy Tuần Giáo", level="district", kind="party",
        parent_code="TU", dissolved_on=REFORM_FROM))
    head = units.create_official(s, district.id, units.OfficialInput(
        "Cầm Văn Lả", position="Bí thư Huyện ủy", duty_role="party_secretary"))
    for day in (date(2025, 1, 20), date(2025, 3, 12), date(2025, 5, 6)):
        reception.create_session(s, district.id, reception.SessionInput(
            day, presiding_official_id=head.id, place="Trụ sở Huyện ủy"), today=day)
    s.commit()
    return units.unit_by_code(s, "TU").id


def test_the_report_judges_a_district_head_only_before_the_reform(session):
    province = _province_with_a_district(session)
    year = periodic_report(session, province, custom_period(date(2025, 1, 1),
                                                            date(2025, 12, 31)),
                           today=date(2026, 1, 15))
    head = next(d for d in year.duty if d.name == "Cầm Văn Lả")
    # January to June owed 1 day each; held in January, March and May
    assert (head.months_counted, head.months_met, head.required, head.held) == (6, 3, 6, 3)
    assert [(m.year, m.month) for m in head.months][-1] == (2025, 6)
    after = periodic_report(session, province, custom_period(date(2025, 7, 1),
                                                             date(2025, 12, 31)),
                            today=date(2026, 1, 15))
    assert all(d.name != "Cầm Văn Lả" for d in after.duty)


def test_the_dashboard_leaves_out_a_head_whose_duty_ended(session):
    _province_with_a_district(session)
    rows = dashboard.duty_check(session, None, date(2026, 3, 10))
    assert all(r.name != "Cầm Văn Lả" for r in rows)


def test_an_office_database_gets_the_rule_by_migration(tmp_path):
    path = tmp_path / "office.db"
    engine = make_engine(sqlite_url(path))
    command.upgrade(alembic_config(engine), "0019")
    with Session(engine) as s:
        ensure_reference_data(s)  # the rules as they were: without the reform's
        s.execute(text("DELETE FROM duty_rules WHERE effective_from = '2025-07-01'"))
        s.commit()
    command.upgrade(alembic_config(engine), "0020")
    with Session(engine) as s:
        rows = s.execute(select(DutyRuleRow.role, DutyRuleRow.days).where(
            DutyRuleRow.level == "district",
            DutyRuleRow.effective_from == REFORM_FROM)).all()
    assert sorted(rows) == [("committee_chairman", 0), ("party_secretary", 0)]
    command.downgrade(alembic_config(engine), "0019")
    with Session(engine) as s:
        assert not s.scalar(select(DutyRuleRow.id).where(
            DutyRuleRow.effective_from == REFORM_FROM))
    engine.dispose()
    db = open_database(path)  # and up again to the head, from the data left
    try:
        with db.session() as s:
            assert s.scalar(select(DutyRuleRow.id).where(
                DutyRuleRow.level == "district", DutyRuleRow.effective_from == REFORM_FROM))
    finally:
        db.close()
