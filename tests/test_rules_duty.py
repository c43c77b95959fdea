"""Reception duty: how many days each head owes a month, and whether they held them."""

from datetime import date

import pytest

from receptiondesk.i18n import set_language
from receptiondesk.rules import (
    DEFAULT_DUTY_RULES,
    LEVEL_COMMUNE,
    LEVEL_DISTRICT,
    LEVEL_PROVINCE,
    ROLE_COMMITTEE_CHAIRMAN,
    ROLE_PARTY_SECRETARY,
    DutyRule,
    WorkCalendar,
    duty_by_month,
    duty_requirement,
    period_title,
    required_days,
    role_title,
    select_duty_rule,
)


@pytest.fixture(autouse=True)
def _english():
    set_language("en")
    yield
    set_language("vi")


def rule_on(role, level, on):
    return select_duty_rule(DEFAULT_DUTY_RULES, role, level, on)


def test_commune_party_secretary_owes_one_day_then_two():
    months = duty_by_month(
        DEFAULT_DUTY_RULES, ROLE_PARTY_SECRETARY, LEVEL_COMMUNE, [], [(2025, 10), (2025, 12)]
    )
    assert [m.required for m in months] == [1, 2]
    assert months[0].rule.legal_basis == "Quy định 11-QĐi/TW"
    assert months[1].rule.legal_basis.startswith("Kết luận 215-KL/TW")


def test_mid_month_change_applies_from_the_next_month():
    # Kết luận 215-KL/TW took effect on 23/11/2025: November still owes 1 day.
    [nov] = duty_by_month(
        DEFAULT_DUTY_RULES, ROLE_PARTY_SECRETARY, LEVEL_COMMUNE, [], [(2025, 11)]
    )
    assert nov.required == 1
    assert rule_on(ROLE_PARTY_SECRETARY, LEVEL_COMMUNE, date(2025, 11, 23)).days == 2


def test_district_and_province_party_secretaries_stay_at_one_day():
    for level in (LEVEL_DISTRICT, LEVEL_PROVINCE):
        assert rule_on(ROLE_PARTY_SECRETARY, level, date(2026, 1, 1)).days == 1


def test_party_secretary_before_regulation_11_has_no_duty():
    [m] = duty_by_month(DEFAULT_DUTY_RULES, ROLE_PARTY_SECRETARY, LEVEL_COMMUNE, [], [(2019, 1)])
    assert (m.required, m.held, m.met, m.rule) == (0, 0, True, None)


def test_chairmen_by_level():
    on = date(2026, 3, 1)
    commune = rule_on(ROLE_COMMITTEE_CHAIRMAN, LEVEL_COMMUNE, on)
    assert (commune.days, commune.period) == (1, "week")
    assert commune.legal_basis == "Luật Tiếp công dân 2013, Điều 15"
    assert rule_on(ROLE_COMMITTEE_CHAIRMAN, LEVEL_DISTRICT, on).days == 2
    province = rule_on(ROLE_COMMITTEE_CHAIRMAN, LEVEL_PROVINCE, on)
    assert (province.days, province.period) == (1, "month")


def test_commune_chairman_owes_one_day_per_week_starting_in_the_month():
    rule = rule_on(ROLE_COMMITTEE_CHAIRMAN, LEVEL_COMMUNE, date(2026, 3, 1))
    # February 2026 has 4 Mondays (2, 9, 16, 23); March 2026 has 5 (2, 9, 16, 23, 30).
    assert required_days(rule, 2026, 2) == 4
    assert required_days(rule, 2026, 3) == 5
    # Mon 30/3–Sun 5/4 belongs to March, so April 2026 (Mondays 6, 13, 20, 27) owes 4.
    assert required_days(rule, 2026, 4) == 4


def test_week_without_a_working_day_owes_nothing_with_a_calendar():
    rule = rule_on(ROLE_COMMITTEE_CHAIRMAN, LEVEL_COMMUNE, date(2026, 2, 1))
    # The week of Mon 16/2/2026 is all Tết.
    assert required_days(rule, 2026, 2, WorkCalendar()) == 3
    assert required_days(rule, 2026, 3, WorkCalendar()) == 5


def test_monthly_rules_ignore_the_calendar():
    rule = rule_on(ROLE_COMMITTEE_CHAIRMAN, LEVEL_DISTRICT, date(2026, 2, 1))
    assert required_days(rule, 2026, 2, WorkCalendar()) == 2


def test_met_and_unmet_with_duplicate_dates_counted_once():
    held = [
        date(2026, 2, 5),
        date(2026, 2, 5),  # two sessions on the same day are one reception day
        date(2026, 2, 10),
        date(2026, 2, 24),
        date(2026, 3, 3),
        date(2026, 3, 3),
        date(2026, 3, 10),
        date(2026, 3, 17),
        date(2026, 3, 24),
    ]
    feb, mar = duty_by_month(
        DEFAULT_DUTY_RULES, ROLE_COMMITTEE_CHAIRMAN, LEVEL_COMMUNE, held, [(2026, 2), (2026, 3)]
    )
    assert (feb.required, feb.held, feb.met) == (4, 3, False)
    assert (mar.required, mar.held, mar.met) == (5, 4, False)
    cal = WorkCalendar()
    feb, mar = duty_by_month(
        DEFAULT_DUTY_RULES,
        ROLE_COMMITTEE_CHAIRMAN,
        LEVEL_COMMUNE,
        held,
        [(2026, 2), (2026, 3)],
        calendar=cal,
    )
    assert (feb.required, feb.held, feb.met) == (3, 3, True)
    assert not mar.met


def test_commune_secretary_meets_two_days_in_december_2025():
    held = [date(2025, 12, 5), date(2025, 12, 5), date(2025, 12, 19), date(2025, 11, 28)]
    nov, dec, jan = duty_by_month(
        DEFAULT_DUTY_RULES,
        ROLE_PARTY_SECRETARY,
        LEVEL_COMMUNE,
        iter(held),
        [(2025, 11), (2025, 12), (2026, 1)],
    )
    assert (nov.held, nov.met) == (1, True)
    assert (dec.required, dec.held, dec.met) == (2, 2, True)
    assert (jan.required, jan.held, jan.met) == (2, 0, False)


def test_office_rule_with_same_date_wins():
    custom = DutyRule(ROLE_COMMITTEE_CHAIRMAN, LEVEL_PROVINCE, 2, "month", date(2014, 7, 1), "x")
    rules = (*DEFAULT_DUTY_RULES, custom)
    assert select_duty_rule(rules, ROLE_COMMITTEE_CHAIRMAN, LEVEL_PROVINCE, date(2026, 1, 1)) is (
        custom
    )


def test_texts_are_translated():
    rule = rule_on(ROLE_PARTY_SECRETARY, LEVEL_COMMUNE, date(2026, 1, 1))
    assert duty_requirement(rule) == "at least 2 days a month"
    weekly = rule_on(ROLE_COMMITTEE_CHAIRMAN, LEVEL_COMMUNE, date(2026, 1, 1))
    assert duty_requirement(weekly) == "at least 1 day a week"
    assert period_title("week") == "Week"
    assert role_title(ROLE_COMMITTEE_CHAIRMAN) == "People's Committee chairman"
