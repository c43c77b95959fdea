"""How often each head must receive citizens, and whether they did, month by month.

The rules are data, versioned by effective date like the deadline rules, each naming its
source:

* Quy định 11-QĐi/TW of the Politburo, dated 18/02/2019, art. 4(1): the head of a
  province or district Party committee receives citizens at least 1 day a month, the
  head of a commune Party committee at least 2 days a month — already from 18/02/2019.
* Kết luận 215-KL/TW of 23/11/2025 amends art. 1(2) (the regulation applies to the heads
  of province and commune Party committees: no district level), art. 3(8) (the reporting
  line) and art. 4(1) (province at least 1 day, commune at least 2 days a month).
* Luật Tiếp công dân 2013 (42/2013/QH13): the chairman of a commune People's Committee at
  least 1 day a week (art. 15), of a district at least 2 days a month (art. 13), of a
  province at least 1 day a month (art. 12).

* The two-tier reform ended the district level on 1/7/2025 (Luật Tổ chức chính quyền địa
  phương 72/2025/QH15; the article could not be confirmed with the search tool, see
  ``_REFORM``): a rule of 0 days from that day ends the district heads' duty, and a month
  under it is not judged at all (:attr:`DutyMonth.ended`).

A month still running is never judged failed: it is "in progress" until it is over or
the duty is met (``DutyMonth.in_progress``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from receptiondesk.i18n import N_, _, ngettext
from receptiondesk.rules.calendar import WorkCalendar
from receptiondesk.rules.deadlines import LAW_136_FROM, UNCONFIRMED

__all__ = [
    "DEFAULT_DUTY_RULES",
    "DUTY_LEVELS",
    "DUTY_ROLES",
    "LEVEL_COMMUNE",
    "LEVEL_DISTRICT",
    "LEVEL_PROVINCE",
    "LEVEL_TITLES",
    "PERIOD_MONTH",
    "PERIOD_TITLES",
    "PERIOD_WEEK",
    "REFORM_FROM",
    "ROLE_COMMITTEE_CHAIRMAN",
    "ROLE_PARTY_SECRETARY",
    "ROLE_TITLES",
    "DutyMonth",
    "DutyRule",
    "duty_by_month",
    "duty_requirement",
    "month_in_progress",
    "level_title",
    "period_title",
    "required_days",
    "role_title",
    "select_duty_rule",
]

ROLE_PARTY_SECRETARY = "party_secretary"  # Bí thư cấp ủy
ROLE_COMMITTEE_CHAIRMAN = "committee_chairman"  # Chủ tịch UBND
DUTY_ROLES: tuple[str, ...] = (ROLE_PARTY_SECRETARY, ROLE_COMMITTEE_CHAIRMAN)

LEVEL_PROVINCE = "province"
LEVEL_DISTRICT = "district"
LEVEL_COMMUNE = "commune"
DUTY_LEVELS: tuple[str, ...] = (LEVEL_PROVINCE, LEVEL_DISTRICT, LEVEL_COMMUNE)

PERIOD_MONTH = "month"
PERIOD_WEEK = "week"

ROLE_TITLES: dict[str, str] = {
    ROLE_PARTY_SECRETARY: N_("Party committee secretary"),
    ROLE_COMMITTEE_CHAIRMAN: N_("People's Committee chairman"),
}
LEVEL_TITLES: dict[str, str] = {
    LEVEL_PROVINCE: N_("Province"),
    LEVEL_DISTRICT: N_("District"),
    LEVEL_COMMUNE: N_("Commune"),
}
PERIOD_TITLES: dict[str, str] = {
    PERIOD_MONTH: N_("Month"),
    PERIOD_WEEK: N_("Week"),
}


def _title(titles: dict[str, str], key: str) -> str:
    title = titles.get(key)
    return _(title) if title is not None else key


def role_title(role: str) -> str:
    return _title(ROLE_TITLES, role)


def level_title(level: str) -> str:
    return _title(LEVEL_TITLES, level)


def period_title(period: str) -> str:
    return _title(PERIOD_TITLES, period)


@dataclass(frozen=True)
class DutyRule:
    """At least ``days`` reception days per ``period`` ("month" or "week")."""

    role: str
    level: str
    days: int
    period: str
    effective_from: date
    legal_basis: str


def duty_requirement(rule: DutyRule) -> str:
    """The rule in words, e.g. "at least 2 days a month"."""
    if rule.days == 0:
        return _("no reception duty")
    if rule.period == PERIOD_WEEK:
        text = ngettext("at least {count} day a week", "at least {count} days a week", rule.days)
    else:
        text = ngettext(
            "at least {count} day a month", "at least {count} days a month", rule.days
        )
    return text.format(count=rule.days)


_QD11 = "Quy định 11-QĐi/TW ngày 18/02/2019, Điều 4 khoản 1"
_KL215 = "Kết luận 215-KL/TW ngày 23/11/2025 (sửa đổi Điều 4 khoản 1 Quy định 11-QĐi/TW)"
_LTCD = "Luật Tiếp công dân 2013"
#: the day Quy định 11-QĐi/TW was signed and took effect
QD11_FROM = date(2019, 2, 18)
#: the day Kết luận 215-KL/TW was signed
KL215_FROM = date(2025, 11, 23)
_LTCD_FROM = date(2014, 7, 1)
#: the first day without a district level (two-tier local government)
REFORM_FROM = date(2025, 7, 1)
_REFORM = ("Luật Tổ chức chính quyền địa phương 72/2025/QH15: không còn cấp huyện từ "
           "01/7/2025 (điều, khoản: " + UNCONFIRMED + "); Kết luận 215-KL/TW bỏ cấp huyện "
           "khỏi Quy định 11-QĐi/TW")
_LAW_136 = ("Luật 136/2025/QH15 (hiệu lực 01/7/2026): " + UNCONFIRMED
            + " số ngày tiếp có thay đổi hay không, giữ như trước")

DEFAULT_DUTY_RULES: tuple[DutyRule, ...] = (
    DutyRule(ROLE_PARTY_SECRETARY, LEVEL_COMMUNE, 2, PERIOD_MONTH, QD11_FROM, _QD11),
    DutyRule(ROLE_PARTY_SECRETARY, LEVEL_DISTRICT, 1, PERIOD_MONTH, QD11_FROM, _QD11),
    DutyRule(ROLE_PARTY_SECRETARY, LEVEL_PROVINCE, 1, PERIOD_MONTH, QD11_FROM, _QD11),
    # Kết luận 215 restates the duty for the two levels it keeps (districts ceased on
    # 1/7/2025; their rule stays for the months before).
    DutyRule(ROLE_PARTY_SECRETARY, LEVEL_COMMUNE, 2, PERIOD_MONTH, KL215_FROM, _KL215),
    DutyRule(ROLE_PARTY_SECRETARY, LEVEL_PROVINCE, 1, PERIOD_MONTH, KL215_FROM, _KL215),
    DutyRule(
        ROLE_COMMITTEE_CHAIRMAN, LEVEL_COMMUNE, 1, PERIOD_WEEK, _LTCD_FROM, f"{_LTCD}, Điều 15"
    ),
    DutyRule(
        ROLE_COMMITTEE_CHAIRMAN, LEVEL_DISTRICT, 2, PERIOD_MONTH, _LTCD_FROM, f"{_LTCD}, Điều 13"
    ),
    DutyRule(
        ROLE_COMMITTEE_CHAIRMAN, LEVEL_PROVINCE, 1, PERIOD_MONTH, _LTCD_FROM, f"{_LTCD}, Điều 12"
    ),
    # No district level from 1/7/2025: the district heads' duty ends (0 days, not judged).
    DutyRule(ROLE_PARTY_SECRETARY, LEVEL_DISTRICT, 0, PERIOD_MONTH, REFORM_FROM, _REFORM),
    DutyRule(ROLE_COMMITTEE_CHAIRMAN, LEVEL_DISTRICT, 0, PERIOD_MONTH, REFORM_FROM, _REFORM),
    # Luật 136/2025/QH15 amends the Citizen Reception Law from 1/7/2026; whether the heads'
    # reception days changed could not be confirmed from its text: kept, marked.
    DutyRule(ROLE_COMMITTEE_CHAIRMAN, LEVEL_COMMUNE, 1, PERIOD_WEEK, LAW_136_FROM,
             f"{_LTCD}, Điều 15; {_LAW_136}"),
    DutyRule(ROLE_COMMITTEE_CHAIRMAN, LEVEL_PROVINCE, 1, PERIOD_MONTH, LAW_136_FROM,
             f"{_LTCD}, Điều 12; {_LAW_136}"),
)


def select_duty_rule(
    rules: Iterable[DutyRule], role: str, level: str, on: date
) -> DutyRule | None:
    """The rule for the role and level with the latest ``effective_from`` on or before ``on``.

    Of two rules with the same date, the one given later wins (an office's edited copy).
    """
    best: DutyRule | None = None
    for rule in rules:
        if rule.role == role and rule.level == level and rule.effective_from <= on:
            if best is None or rule.effective_from >= best.effective_from:
                best = rule
    return best


def _mondays(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    result = []
    while monday.month == month:
        result.append(monday)
        monday += timedelta(days=7)
    return result


def required_days(
    rule: DutyRule, year: int, month: int, calendar: WorkCalendar | None = None
) -> int:
    """Reception days the rule requires in one calendar month.

    A weekly duty is owed once per Monday-to-Sunday week whose Monday falls in the month,
    so a week straddling two months is counted once, in the month where it starts
    (4 or 5 weeks a month; 52 or 53 a year). With a calendar, a week without any
    working day (the Tết week) owes nothing: nobody can receive citizens then.
    """
    if rule.period != PERIOD_WEEK:
        return rule.days
    weeks = _mondays(year, month)
    if calendar is not None:
        weeks = [m for m in weeks if _has_working_day(calendar, m)]
    return rule.days * len(weeks)


def _has_working_day(calendar: WorkCalendar, monday: date) -> bool:
    return any(calendar.is_working_day(monday + timedelta(days=i)) for i in range(7))


@dataclass(frozen=True)
class DutyMonth:
    """One month of one head's reception duty."""

    year: int
    month: int
    required: int
    held: int
    met: bool
    rule: DutyRule | None
    #: the month is not over yet and the duty not yet met: neither met nor failed
    in_progress: bool = False

    @property
    def failed(self) -> bool:
        """The month is over and fewer days were held than owed."""
        return not self.met and not self.in_progress

    @property
    def ended(self) -> bool:
        """No duty in this month: the rule in force ended it (a district head after the
        two-tier reform). Such a month is neither met nor failed: it is not judged."""
        return self.rule is not None and self.rule.days == 0


def month_in_progress(year: int, month: int, today: date | None) -> bool:
    """Whether the month has not ended by ``today`` (None: judge every month as over)."""
    return today is not None and (year, month) >= (today.year, today.month)


def duty_by_month(
    rules: Iterable[DutyRule],
    role: str,
    level: str,
    held_dates: Iterable[date],
    months: Iterable[tuple[int, int]],
    calendar: WorkCalendar | None = None,
    today: date | None = None,
) -> list[DutyMonth]:
    """Month by month, the days owed and the distinct days on which the head received.

    With ``today``, a month not over by then whose duty is not met yet is in progress,
    never failed.

    The rule of a month is the one in force on its first day: a change taking effect
    mid-month applies from the next month, so nobody owes more for a month already begun.
    Held days count by the calendar month of the date, even for a weekly duty.
    """
    rule_list = list(rules)
    held: dict[tuple[int, int], set[date]] = {}
    for d in held_dates:
        held.setdefault((d.year, d.month), set()).add(d)
    result = []
    for year, month in months:
        rule = select_duty_rule(rule_list, role, level, date(year, month, 1))
        required = required_days(rule, year, month, calendar) if rule is not None else 0
        count = len(held.get((year, month), ()))
        met = count >= required
        running = not met and month_in_progress(year, month, today)
        result.append(DutyMonth(year, month, required, count, met, rule, running))
    return result
