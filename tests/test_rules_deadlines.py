"""Petition deadlines as the law sets them, on real dates around Vietnamese holidays."""

from dataclasses import replace
from datetime import date

import pytest

from receptiondesk.i18n import set_language
from receptiondesk.rules import (
    COMPLAINT_ACCEPT,
    COMPLAINT_RESOLVE_FIRST,
    COMPLAINT_RESOLVE_SECOND,
    DEFAULT_RULE_BOOK,
    DEFAULT_RULES,
    DENUNCIATION_ACCEPT,
    DENUNCIATION_RESOLVE,
    PARTY_HEAD_ANSWER,
    PETITION_PROCESS,
    RULE_TITLES,
    DayCount,
    DeadlineRule,
    Extension,
    PetitionFacts,
    RuleBook,
    WorkCalendar,
    check_extension,
    days_left,
    next_due,
    petition_deadlines,
    rule_days,
    rule_title,
    select_rule,
)

CAL = WorkCalendar()


@pytest.fixture(autouse=True)
def _english():
    set_language("en")
    yield
    set_language("vi")


def deadlines(facts, rules=DEFAULT_RULES, calendar=CAL):
    return {d.key: d for d in petition_deadlines(facts, rules, calendar)}


def complaint(**kw):
    base = dict(petition_type="complaint", status="accepted", received_date=date(2026, 2, 20),
                accepted_date=date(2026, 3, 2))
    return PetitionFacts(**{**base, **kw})


def denunciation(**kw):
    base = dict(petition_type="denunciation", status="received", received_date=date(2027, 2, 3))
    return PetitionFacts(**{**base, **kw})


# --- default rule data ---------------------------------------------------------------------


def test_default_rules_match_the_law():
    book = RuleBook(DEFAULT_RULES)
    on = date(2026, 1, 1)
    assert book.select(PETITION_PROCESS, on).legal_basis.startswith(
        "Thông tư 05/2021/TT-TTCP, hiệu lực 15/11/2021")
    assert book.select(PARTY_HEAD_ANSWER, on).days == 10
    assert book.select(PARTY_HEAD_ANSWER, on).mode == DayCount.WORKING
    accept = book.select(COMPLAINT_ACCEPT, on)
    assert (accept.days, accept.mode) == (10, DayCount.CALENDAR)
    assert accept.legal_basis == "Luật Khiếu nại 2011, Điều 27"
    den = book.select(DENUNCIATION_ACCEPT, on)
    assert (den.days, den.extension_days, den.max_extensions) == (7, 3, 1)
    assert den.legal_basis == "Luật Tố cáo 2018, Điều 24"
    assert set(RULE_TITLES) == {r.key for r in DEFAULT_RULES}


def test_rule_dates_follow_the_documents():
    """Quy định 11-QĐi/TW is dated 18/02/2019; Thông tư 05/2021/TT-TTCP took effect on
    15/11/2021: a petition received on 10/11/2021 has no processing limit from the
    circular yet, one received on 15/11/2021 has."""
    from receptiondesk.rules.deadlines import source_unconfirmed

    book = RuleBook(DEFAULT_RULES)
    assert book.select(PARTY_HEAD_ANSWER, date(2019, 2, 17)) is None
    assert book.select(PARTY_HEAD_ANSWER, date(2019, 2, 18)).days == 10
    assert book.select(PETITION_PROCESS, date(2021, 11, 14)) is None
    assert book.select(PETITION_PROCESS, date(2021, 11, 15)).days == 10
    # Luật 136/2025/QH15 from 1/7/2026: same limits, the source marked unconfirmed
    for key in (COMPLAINT_ACCEPT, DENUNCIATION_ACCEPT):
        before, after = book.select(key, date(2026, 6, 30)), book.select(key, date(2026, 7, 1))
        assert after.effective_from == date(2026, 7, 1)
        assert (after.days, after.mode, after.extension_days) == (
            before.days, before.mode, before.extension_days)
        assert "Luật 136/2025/QH15" in after.legal_basis
        assert source_unconfirmed(after.legal_basis)
        assert not source_unconfirmed(before.legal_basis)


def test_titles_are_translated_at_call_time():
    assert rule_title(PETITION_PROCESS) == "Process the petition"
    assert rule_title("office_custom_rule") == "office_custom_rule"
    [d] = petition_deadlines(complaint(), DEFAULT_RULES, CAL)
    assert d.title == "Resolve the first-level complaint"


# --- status received / classified ----------------------------------------------------------


def test_complaint_received_before_tet_2026():
    facts = complaint(status="received", received_date=date(2026, 2, 13), accepted_date=None)
    got = deadlines(facts)
    assert set(got) == {PETITION_PROCESS, COMPLAINT_ACCEPT}
    # 10 working days: 23–27/2 and 2–6/3.
    assert got[PETITION_PROCESS].due == date(2026, 3, 6)
    # 10 calendar days: 13/2 + 10 = Mon 23/2, a working day.
    assert got[COMPLAINT_ACCEPT].due == date(2026, 2, 23)


def test_party_unit_adds_the_party_head_answer():
    facts = PetitionFacts("recommendation", "classified", date(2026, 2, 13), party_unit=True)
    got = deadlines(facts)
    assert set(got) == {PETITION_PROCESS, PARTY_HEAD_ANSWER}
    assert got[PARTY_HEAD_ANSWER].due == date(2026, 3, 6)
    assert got[PARTY_HEAD_ANSWER].rule.legal_basis.startswith("Quy định 11-QĐi/TW")


def test_complaint_accept_ending_on_30_4_moves_past_the_long_weekend():
    facts = complaint(status="received", received_date=date(2026, 4, 20), accepted_date=None)
    assert deadlines(facts)[COMPLAINT_ACCEPT].due == date(2026, 5, 4)


def test_petition_process_across_hung_kings_and_30_4():
    facts = PetitionFacts("reflection", "received", date(2026, 4, 22))
    assert deadlines(facts)[PETITION_PROCESS].due == date(2026, 5, 11)


def test_denunciation_accept_across_tet_2027():
    got = deadlines(denunciation())
    assert set(got) == {PETITION_PROCESS, DENUNCIATION_ACCEPT}
    # 7 working days: 11, 12, 15, 16, 17, 18, 19/2/2027.
    assert got[DENUNCIATION_ACCEPT].due == date(2027, 2, 19)
    # 10 working days: … 22, 23, 24/2/2027.
    assert got[PETITION_PROCESS].due == date(2027, 2, 24)


def test_denunciation_accept_across_national_day_2026():
    facts = denunciation(received_date=date(2026, 8, 28))
    assert deadlines(facts)[DENUNCIATION_ACCEPT].due == date(2026, 9, 11)


# --- complaint resolution -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("complex_", "remote", "days", "due"),
    [
        (False, False, 30, date(2026, 4, 1)),
        (True, False, 45, date(2026, 4, 16)),
        (False, True, 45, date(2026, 4, 16)),
        # 2/3 + 60 = Fri 1/5, a holiday, then the weekend → Mon 4/5.
        (True, True, 60, date(2026, 5, 4)),
    ],
)
def test_first_level_complaint_limits(complex_, remote, days, due):
    [d] = petition_deadlines(complaint(complex=complex_, remote_area=remote), DEFAULT_RULES, CAL)
    assert d.key == COMPLAINT_RESOLVE_FIRST
    assert d.start == date(2026, 3, 2)
    assert rule_days(d.rule, complex=complex_, remote=remote) == days
    assert d.due == due


@pytest.mark.parametrize(
    ("complex_", "remote", "days", "due"),
    [
        (False, False, 45, date(2026, 4, 16)),
        (True, False, 60, date(2026, 5, 4)),
        (False, True, 60, date(2026, 5, 4)),
        (True, True, 70, date(2026, 5, 11)),
    ],
)
def test_second_level_complaint_limits(complex_, remote, days, due):
    facts = complaint(status="in_resolution", complaint_round=2, complex=complex_,
                      remote_area=remote)
    [d] = petition_deadlines(facts, DEFAULT_RULES, CAL)
    assert d.key == COMPLAINT_RESOLVE_SECOND
    assert d.rule.legal_basis == "Luật Khiếu nại 2011, Điều 37"
    assert rule_days(d.rule, complex=complex_, remote=remote) == days
    assert d.due == due


def test_rule_days_fallbacks():
    only_complex = DeadlineRule("x", date(2020, 1, 1), 30, DayCount.CALENDAR, complex_days=45)
    assert rule_days(only_complex, complex=False, remote=True) == 30
    assert rule_days(only_complex, complex=True, remote=True) == 45
    both = replace(only_complex, remote_days=50)
    assert rule_days(both, complex=True, remote=True) == 50


def test_accepted_without_acceptance_date_counts_from_receipt():
    facts = complaint(accepted_date=None, received_date=date(2026, 3, 2))
    assert next_due(facts, DEFAULT_RULES, CAL).due == date(2026, 4, 1)


# --- extensions ------------------------------------------------------------------------------


def test_denunciation_accept_one_extension_of_three_working_days():
    ext = Extension(DENUNCIATION_ACCEPT, 3, date(2027, 2, 15), "needs verification")
    facts = denunciation(extensions=(ext,))
    d = deadlines(facts)[DENUNCIATION_ACCEPT]
    assert d.extended_days == 3
    # 7 + 3 working days from 3/2/2027 → 24/2/2027 (the same as 10 working days).
    assert d.due == date(2027, 2, 24)
    # Other deadlines of the petition are not moved.
    assert deadlines(facts)[PETITION_PROCESS].extended_days == 0


def test_denunciation_accept_second_extension_refused():
    facts = denunciation()
    assert check_extension(facts, DEFAULT_RULES, DENUNCIATION_ACCEPT).extension_days == 3
    once = denunciation(extensions=(Extension(DENUNCIATION_ACCEPT, 3, date(2027, 2, 15)),))
    with pytest.raises(ValueError, match="at most 1 extension\\.$"):
        check_extension(once, DEFAULT_RULES, DENUNCIATION_ACCEPT)


def test_extension_length_is_checked_and_capped():
    facts = denunciation()
    with pytest.raises(ValueError, match="at most 3 working days"):
        check_extension(facts, DEFAULT_RULES, DENUNCIATION_ACCEPT, days=5)
    with pytest.raises(ValueError, match="at least one day"):
        check_extension(facts, DEFAULT_RULES, DENUNCIATION_ACCEPT, days=0)
    # A recorded extension longer than the law allows counts only for the legal maximum.
    too_long = denunciation(extensions=(Extension(DENUNCIATION_ACCEPT, 5, date(2027, 2, 15)),))
    assert deadlines(too_long)[DENUNCIATION_ACCEPT].due == date(2027, 2, 24)


def test_extension_of_a_deadline_that_is_not_running_is_refused():
    with pytest.raises(ValueError, match="not running"):
        check_extension(denunciation(), DEFAULT_RULES, DENUNCIATION_RESOLVE)


def test_denunciation_resolve_with_two_30_day_extensions():
    # very complex: two extensions (Luật Tố cáo 2018, Điều 30)
    base = denunciation(status="in_resolution", accepted_date=date(2026, 3, 2), complexity=2,
                        notified=True)
    assert next_due(base, DEFAULT_RULES, CAL).due == date(2026, 4, 1)
    exts = (
        Extension(DENUNCIATION_RESOLVE, 30, date(2026, 3, 25), "complex"),
        Extension(DENUNCIATION_RESOLVE, 30, date(2026, 4, 25), "very complex"),
    )
    one = replace(base, extensions=exts[:1])
    assert check_extension(one, DEFAULT_RULES, DENUNCIATION_RESOLVE).max_extensions == 2
    # 2/3 + 60 = Fri 1/5 (holiday) → Mon 4/5.
    assert next_due(one, DEFAULT_RULES, CAL).due == date(2026, 5, 4)
    two = replace(base, extensions=exts)
    d = next_due(two, DEFAULT_RULES, CAL)
    # 2/3 + 90 = Sun 31/5 → Mon 1/6.
    assert (d.due, d.extended_days) == (date(2026, 6, 1), 60)
    with pytest.raises(ValueError, match="at most 2 extensions"):
        check_extension(two, DEFAULT_RULES, DENUNCIATION_RESOLVE)
    # A third recorded extension is ignored by the computation.
    third = Extension(DENUNCIATION_RESOLVE, 30, date(2026, 5, 20))
    three = replace(base, extensions=(*exts, third))
    assert next_due(three, DEFAULT_RULES, CAL).due == date(2026, 6, 1)


def test_a_complaint_deadline_cannot_be_extended():
    """The Complaints Law 2011 (arts. 28, 37) gives a complex case a longer limit, not an
    extension: check_extension refuses what the services refuse (a 100-day complaint
    extension passed it before), and recorded extensions do not move the deadline."""
    facts = complaint()
    with pytest.raises(ValueError, match="allows no extension"):
        check_extension(facts, DEFAULT_RULES, COMPLAINT_RESOLVE_FIRST, days=100)
    recorded = complaint(extensions=(Extension(COMPLAINT_RESOLVE_FIRST, 100, date(2026, 3, 20)),))
    d = next_due(recorded, DEFAULT_RULES, CAL)
    # 2/3 + 30 = Wed 1/4.
    assert (d.due, d.extended_days) == (date(2026, 4, 1), 0)


def test_an_ordinary_denunciation_resolution_cannot_be_extended():
    """Luật Tố cáo 2018, Điều 30: extensions only for a complex (one) or very complex (two)
    case, as the services decide."""
    base = denunciation(status="in_resolution", accepted_date=date(2026, 3, 2))
    with pytest.raises(ValueError, match="allows no extension"):
        check_extension(base, DEFAULT_RULES, DENUNCIATION_RESOLVE)
    complex_ = replace(base, complexity=1)
    assert check_extension(complex_, DEFAULT_RULES, DENUNCIATION_RESOLVE, days=30)
    once = replace(complex_, extensions=(Extension(DENUNCIATION_RESOLVE, 30, date(2026, 3, 25)),))
    with pytest.raises(ValueError, match="at most 1 extension"):
        check_extension(once, DEFAULT_RULES, DENUNCIATION_RESOLVE)
    with pytest.raises(ValueError, match="at most 30 days"):
        check_extension(complex_, DEFAULT_RULES, DENUNCIATION_RESOLVE, days=100)


# --- versions --------------------------------------------------------------------------------

NEW_PROCESS = DeadlineRule(PETITION_PROCESS, date(2026, 7, 1), 15, DayCount.WORKING,
                           legal_basis="Luật 136/2025/QH15 (hypothetical)")
RULES_2026 = (*DEFAULT_RULES, NEW_PROCESS)


def test_petition_started_before_a_change_keeps_the_old_limit():
    facts = PetitionFacts("reflection", "received", date(2026, 6, 30))
    d = deadlines(facts, RULES_2026)[PETITION_PROCESS]
    assert d.rule.days == 10
    assert d.due == date(2026, 7, 14)


def test_petition_started_on_the_change_gets_the_new_limit():
    facts = PetitionFacts("reflection", "received", date(2026, 7, 1))
    d = deadlines(facts, RULES_2026)[PETITION_PROCESS]
    assert d.rule is NEW_PROCESS
    assert d.due == date(2026, 7, 22)


def test_select_rule_accepts_plain_lists_and_books():
    for rules in (list(RULES_2026), RuleBook(RULES_2026), RULES_2026):
        assert select_rule(rules, PETITION_PROCESS, date(2026, 6, 30)).days == 10
        assert select_rule(rules, PETITION_PROCESS, date(2026, 7, 1)).days == 15
        assert select_rule(rules, PETITION_PROCESS, date(2021, 9, 30)) is None
        assert select_rule(rules, "no_such_rule", date(2026, 7, 1)) is None


def test_office_edit_with_the_same_date_wins():
    edited = replace(DEFAULT_RULE_BOOK.select(COMPLAINT_ACCEPT, date(2026, 1, 1)), days=12)
    rules = (*DEFAULT_RULES, edited)
    assert select_rule(rules, COMPLAINT_ACCEPT, date(2026, 1, 1)).days == 12
    assert select_rule(list(rules), COMPLAINT_ACCEPT, date(2026, 1, 1)).days == 12


def test_deadline_without_a_rule_in_force_is_left_out():
    facts = PetitionFacts("complaint", "received", date(2020, 5, 4))
    assert set(deadlines(facts)) == {COMPLAINT_ACCEPT}


# --- next due, statuses ----------------------------------------------------------------------


def test_next_due_picks_the_earliest():
    facts = PetitionFacts("complaint", "received", date(2026, 2, 13), party_unit=True)
    assert len(petition_deadlines(facts, DEFAULT_RULES, CAL)) == 3
    d = next_due(facts, DEFAULT_RULES, CAL)
    assert (d.key, d.due) == (COMPLAINT_ACCEPT, date(2026, 2, 23))


@pytest.mark.parametrize(
    "status", ["resolved", "guided", "forwarded", "archived", "returned", "closed"]
)
def test_finished_statuses_have_no_deadline(status):
    for kind in ("complaint", "denunciation", "recommendation"):
        facts = PetitionFacts(kind, status, date(2026, 2, 13), date(2026, 2, 23), party_unit=True)
        assert petition_deadlines(facts, DEFAULT_RULES, CAL) == []
        assert next_due(facts, DEFAULT_RULES, CAL) is None


def test_accepted_recommendation_has_no_resolution_deadline():
    facts = PetitionFacts("recommendation", "accepted", date(2026, 2, 13), date(2026, 2, 23))
    assert next_due(facts, DEFAULT_RULES, CAL) is None


def test_office_calendar_moves_the_deadline():
    facts = PetitionFacts("reflection", "received", date(2026, 2, 13))
    office = WorkCalendar(extra_days_off=[date(2026, 3, 2)])
    assert next_due(facts, DEFAULT_RULE_BOOK, office).due == date(2026, 3, 9)


def test_days_left():
    due = date(2026, 3, 6)
    assert days_left(due, date(2026, 3, 1)) == 5
    assert days_left(due, due) == 0
    assert days_left(due, date(2026, 3, 9)) == -3
