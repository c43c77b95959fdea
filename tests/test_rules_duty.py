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


def test_commune_party_secretary_owes_two_days_since_regulation_11():
    """Quy định 11-QĐi/TW of 18/02/2019, art. 4(1): the commune Party secretary receives
    citizens at least 2 days a month from the start; Kết luận 215-KL/TW keeps 2."""
    months = duty_by_month(
        DEFAULT_DUTY_RULES, ROLE_PARTY_SECRETARY, LEVEL_COMMUNE, [],
        [(2019, 3), (2025, 10), (2025, 12)],
    )
    assert [m.required for m in months] == [2, 2, 2]
    assert months[1].rule.legal_basis == "Quy định 11-QĐi/TW ngày 18/02/2019, Điều 4 khoản 1"
    assert months[2].rule.legal_basis.startswith("Kết luận 215-KL/TW ngày 23/11/2025")
    # The regulation is dated 18/02/2019, not 14/02.
    assert rule_on(ROLE_PARTY_SECRETARY, LEVEL_COMMUNE, date(2019, 2, 17)) is None
    assert rule_on(ROLE_PARTY_SECRETARY, LEVEL_COMMUNE, date(2019, 2, 18)).days == 2


def test_a_2025_secretary_with_16_days_of_24_has_not_met_the_duty():
    """The issue's example: 2025, a commune Party secretary who received citizens on the
    first working day of each of twelve months plus four more: 16 days held, 24 owed."""
    held = [date(2025, m, 2 + (m % 3)) for m in range(1, 13)]
    held += [date(2025, m, 20) for m in (3, 6, 9, 11)]
    months = duty_by_month(DEFAULT_DUTY_RULES, ROLE_PARTY_SECRETARY, LEVEL_COMMUNE, held,
                           [(2025, m) for m in range(1, 13)])
    assert sum(m.required for m in months) == 24
    assert sum(m.held for m in months) == 16
    assert [m.month for m in months if m.met] == [3, 6, 9, 11]
    assert all(m.failed for m in months if not m.met)


def test_a_month_still_running_is_in_progress_never_failed():
    """A report made on 7/12/2026 judges December as in progress, not failed."""
    today = date(2026, 12, 7)
    nov, dec = duty_by_month(DEFAULT_DUTY_RULES, ROLE_PARTY_SECRETARY, LEVEL_COMMUNE,
                             [date(2026, 11, 5), date(2026, 11, 19), date(2026, 12, 3)],
                             [(2026, 11), (2026, 12)], today=today)
    assert (nov.met, nov.in_progress, nov.failed) == (True, False, False)
    assert (dec.held, dec.required) == (1, 2)
    assert (dec.met, dec.in_progress, dec.failed) == (False, True, False)
    # once the duty is met the month is met, even while it runs
    [dec] = duty_by_month(DEFAULT_DUTY_RULES, ROLE_PARTY_SECRETARY, LEVEL_COMMUNE,
                          [date(2026, 12, 3), date(2026, 12, 4)], [(2026, 12)], today=today)
    assert (dec.met, dec.in_progress) == (True, False)
    # the chairman's weekly duty: December 2026 owes 4 Mondays' weeks, none over yet
    [dec] = duty_by_month(DEFAULT_DUTY_RULES, ROLE_COMMITTEE_CHAIRMAN, LEVEL_COMMUNE, [],
                          [(2026, 12)], today=today)
    assert dec.in_progress and not dec.failed


def test_district_and_province_party_secretaries_stay_at_one_day():
    assert rule_on(ROLE_PARTY_SECRETARY, LEVEL_DISTRICT, date(2025, 6, 1)).days == 1
    assert rule_on(ROLE_PARTY_SECRETARY, LEVEL_PROVINCE, date(2026, 1, 1)).days == 1
    # no district level from 1/7/2025: the district secretary's duty ended
    assert rule_on(ROLE_PARTY_SECRETARY, LEVEL_DISTRICT, date(2026, 1, 1)).days == 0


def test_party_secretary_before_regulation_11_has_no_duty():
    [m] = duty_by_month(DEFAULT_DUTY_RULES, ROLE_PARTY_SECRETARY, LEVEL_COMMUNE, [], [(2019, 1)])
    assert (m.required, m.held, m.met, m.rule) == (0, 0, True, None)


def test_chairmen_by_level():
    on = date(2026, 3, 1)
    commune = rule_on(ROLE_COMMITTEE_CHAIRMAN, LEVEL_COMMUNE, on)
    assert (commune.days, commune.period) == (1, "week")
    assert commune.legal_basis == "Luật Tiếp công dân 2013, Điều 15"
    assert rule_on(ROLE_COMMITTEE_CHAIRMAN, LEVEL_DISTRICT, date(2025, 3, 1)).days == 2
    assert rule_on(ROLE_COMMITTEE_CHAIRMAN, LEVEL_DISTRICT, on).days == 0  # no districts
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
    rule = rule_on(ROLE_COMMITTEE_CHAIRMAN, LEVEL_DISTRICT, date(2025, 2, 1))
    assert required_days(rule, 2025, 2, WorkCalendar()) == 2


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
    # 2 days owed already in November (Quy định 11-QĐi/TW art. 4(1) since 18/02/2019)
    assert (nov.required, nov.held, nov.met) == (2, 1, False)
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
