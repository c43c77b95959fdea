"""Working days as a Vietnamese office counts them, on real 2026–2027 dates."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from receptiondesk.i18n import set_language
from receptiondesk.rules import DayCount, WorkCalendar

CAL = WorkCalendar()


@pytest.fixture(autouse=True)
def _english():
    set_language("en")
    yield
    set_language("vi")


# --- which days are off ------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # New Year
        *(date(2026, 2, d) for d in range(16, 21)),  # Tết 2026, Mon–Fri
        date(2026, 4, 27),  # Hùng Kings' day observed (26/4 is a Sunday)
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),  # substituted day off before National Day
        date(2026, 9, 1),
        date(2026, 9, 2),
        *(date(2027, 2, d) for d in range(4, 11)),  # Tết 2027
        date(2026, 2, 14),  # Saturday
        date(2026, 2, 15),  # Sunday
    ],
)
def test_days_off(day):
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2026, 2, 13), date(2026, 2, 23), date(2026, 4, 28), date(2026, 5, 4), date(2027, 2, 11)],
)
def test_ordinary_working_days(day):
    assert CAL.is_working_day(day)


def test_government_make_up_saturday_is_worked():
    # The package pairs the 31/8/2026 day off with Saturday 22/8/2026 as a working day.
    assert CAL.is_working_day(date(2026, 8, 22))
    assert CAL.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)


def test_holiday_names():
    assert CAL.holiday_name(date(2026, 2, 17)) == "Lunar New Year"
    assert "observed" in CAL.holiday_name(date(2026, 4, 27))
    assert CAL.holiday_name(date(2026, 2, 23)) is None
    office = WorkCalendar(extra_days_off=[date(2026, 3, 2)])
    assert office.holiday_name(date(2026, 3, 2)) == "Office day off"
    set_language("vi")
    assert CAL.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"


# --- working-day arithmetic --------------------------------------------------------------


def test_ten_working_days_across_tet_2026():
    # Fri 13/2 → skip the weekend and Tết 16–20/2 → Mon 23/2 is day 1 … Fri 6/3 is day 10.
    assert CAL.add_working_days(date(2026, 2, 13), 10) == date(2026, 3, 6)
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 3, 6)) == 10


def test_seven_working_days_across_tet_2027():
    # Wed 3/2/2027 → 4–10/2 off (Tết and weekend) → Thu 11/2 is day 1 … Fri 19/2 is day 7.
    assert CAL.add_working_days(date(2027, 2, 3), 7) == date(2027, 2, 19)


def test_ten_working_days_across_hung_kings_and_30_4_2026():
    # Wed 22/4: 23, 24, (27 Hùng observed) 28, 29, (30/4, 1/5, weekend) 4, 5, 6, 7, 8, 11/5.
    assert CAL.add_working_days(date(2026, 4, 22), 10) == date(2026, 5, 11)


def test_hung_kings_observed_on_monday_2026():
    assert CAL.add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)


def test_seven_working_days_across_national_day_2026():
    # Fri 28/8: weekend, 31/8 substituted, 1–2/9 → Thu 3/9 is day 1 … Fri 11/9 is day 7.
    assert CAL.add_working_days(date(2026, 8, 28), 7) == date(2026, 9, 11)


def test_zero_and_negative_working_days():
    assert CAL.add_working_days(date(2026, 2, 14), 0) == date(2026, 2, 14)
    assert CAL.add_working_days(date(2026, 2, 23), -1) == date(2026, 2, 13)
    assert CAL.working_days_between(date(2026, 3, 6), date(2026, 2, 13)) == -10


def test_next_working_day():
    assert CAL.next_working_day(date(2026, 2, 23)) == date(2026, 2, 23)
    assert CAL.next_working_day(date(2026, 2, 14)) == date(2026, 2, 23)
    assert CAL.next_working_day(date(2026, 4, 30)) == date(2026, 5, 4)


def test_working_days_across_new_year():
    # Wed 30/12/2026: 31/12, (1/1/2027 off, weekend) 4/1, 5/1.
    assert CAL.add_working_days(date(2026, 12, 30), 3) == date(2027, 1, 5)


# --- due dates -----------------------------------------------------------------------------


def test_calendar_period_ending_on_holiday_moves_to_next_working_day():
    # Mon 20/4 + 10 days = Thu 30/4 (holiday), 1/5 holiday, weekend → Mon 4/5.
    assert CAL.due_date(date(2026, 4, 20), 10, DayCount.CALENDAR) == date(2026, 5, 4)
    # Fri 21/8 + 10 = Mon 31/8 (substituted day off), 1–2/9 → Thu 3/9.
    assert CAL.due_date(date(2026, 8, 21), 10, DayCount.CALENDAR) == date(2026, 9, 3)


def test_calendar_period_ending_on_weekend_before_tet():
    # Wed 4/2/2026 + 10 = Sat 14/2, then Sunday and the whole Tết week → Mon 23/2.
    assert CAL.due_date(date(2026, 2, 4), 10, DayCount.CALENDAR) == date(2026, 2, 23)


def test_calendar_period_ending_on_working_day_stays():
    assert CAL.due_date(date(2026, 3, 2), 30, DayCount.CALENDAR) == date(2026, 4, 1)


def test_working_mode_due_date():
    assert CAL.due_date(date(2026, 2, 13), 10, DayCount.WORKING) == date(2026, 3, 6)
    assert CAL.due_date(date(2026, 2, 13), 10, "working") == date(2026, 3, 6)


# --- office adjustments --------------------------------------------------------------------


def test_extra_day_off_pushes_the_due_date():
    office = WorkCalendar(extra_days_off=[date(2026, 3, 2)])
    assert not office.is_working_day(date(2026, 3, 2))
    assert office.add_working_days(date(2026, 2, 13), 10) == date(2026, 3, 9)
    # The default calendar is not affected.
    assert CAL.add_working_days(date(2026, 2, 13), 10) == date(2026, 3, 6)


def test_extra_working_saturday_pulls_the_due_date():
    office = WorkCalendar(extra_working_days=[date(2026, 2, 28)])
    assert office.is_working_day(date(2026, 2, 28))
    assert office.add_working_days(date(2026, 2, 13), 10) == date(2026, 3, 5)


def test_extra_day_off_moves_a_calendar_period():
    office = WorkCalendar(extra_days_off=[date(2026, 4, 1)])
    assert office.due_date(date(2026, 3, 2), 30, DayCount.CALENDAR) == date(2026, 4, 2)


def test_office_can_cancel_the_government_make_up_saturday():
    office = WorkCalendar(extra_days_off=[date(2026, 8, 22)])
    assert not office.is_working_day(date(2026, 8, 22))


# --- properties ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    n=st.integers(min_value=0, max_value=60),
)
def test_add_working_days_round_trips(start, n):
    result = CAL.add_working_days(start, n)
    if n > 0:
        assert CAL.is_working_day(result)
        assert result > start
    else:
        assert result == start
    assert CAL.working_days_between(start, result) == n


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=90),
)
def test_calendar_due_date_is_first_working_day_on_or_after_the_end(start, days):
    due = CAL.due_date(start, days, DayCount.CALENDAR)
    end = date.fromordinal(start.toordinal() + days)
    assert CAL.is_working_day(due)
    assert due >= end
    assert CAL.working_days_between(end, due) == (0 if due == end else 1)
