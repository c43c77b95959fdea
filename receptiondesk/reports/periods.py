"""Reporting periods as Vietnamese offices report them.

Every preset ends in the given year and counts whole calendar months from 1 January:
a month, the first quarter (1/1–31/3), six months (1/1–30/6), nine months (1/1–30/9)
and the year. A custom range and a term (nhiệm kỳ, usually five years) take any two
dates. ``previous_period`` gives the period of the same length just before, for trends.

A period's ``title`` is worded in the language current when it is read, so a report
produced in the other language names its period in that language too.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from babel.dates import format_date as _babel_format_date

from ..i18n import N_, _, current_language, format_date, locale

PRESET_MONTH = "month"
PRESET_Q1 = "q1"
PRESET_6M = "6m"
PRESET_9M = "9m"
PRESET_YEAR = "year"
PRESET_TERM = "term"
PRESET_CUSTOM = "custom"
#: presets in the order a form lists them
PRESETS: tuple[str, ...] = (
    PRESET_MONTH, PRESET_Q1, PRESET_6M, PRESET_9M, PRESET_YEAR, PRESET_TERM, PRESET_CUSTOM
)
PRESET_TITLES: dict[str, str] = {
    PRESET_MONTH: N_("Month"),
    PRESET_Q1: N_("First quarter"),
    PRESET_6M: N_("Six months"),
    PRESET_9M: N_("Nine months"),
    PRESET_YEAR: N_("Year"),
    PRESET_TERM: N_("Term"),
    PRESET_CUSTOM: N_("Custom range"),
}


def preset_title(preset: str) -> str:
    title = PRESET_TITLES.get(preset)
    return _(title) if title else preset


@dataclass(frozen=True)
class Period:
    """A reporting period from ``start`` to ``end`` (both included).

    ``label`` is the period's name in the language current when it was made (kept for
    lists and JSON); ``title`` names it again in the language current now. ``kind`` is
    one of :data:`PRESETS`.
    """

    start: date
    end: date
    label: str = ""
    kind: str = PRESET_CUSTOM
    #: a custom label given by the user wins over the generated title
    custom_label: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")
        if not self.label:
            object.__setattr__(self, "label", _title(self.kind, self.start, self.end))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def title(self) -> str:
        """The period's name in the current language ("Quý I năm 2026")."""
        if self.custom_label:
            return self.label
        return _title(self.kind, self.start, self.end)

    @property
    def phrase(self) -> str:
        """The title as it continues a sentence ("… quý I năm 2026")."""
        text = self.title
        if current_language() == "vi" and text and not self.custom_label:
            return text[0].lower() + text[1:]
        return text

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every calendar month the period touches, oldest first."""
        result = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            result.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return result

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.title,
            "kind": self.kind,
            "days": self.days,
        }


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_name(year: int, month: int) -> str:
    return _babel_format_date(date(year, month, 1), "LLLL", locale=locale())


def _title(kind: str, start: date, end: date) -> str:
    year = end.year
    if kind == PRESET_MONTH:
        return _("{month_name} {year}").format(
            month_name=_month_name(start.year, start.month), year=start.year
        )
    if kind == PRESET_Q1:
        return _("First quarter of {year}").format(year=year)
    if kind == PRESET_6M:
        return _("First six months of {year}").format(year=year)
    if kind == PRESET_9M:
        return _("First nine months of {year}").format(year=year)
    if kind == PRESET_YEAR:
        return _("Year {year}").format(year=year)
    if kind == PRESET_TERM:
        return _("Term {first}\u2013{last}").format(first=start.year, last=end.year)
    return _("From {start} to {end}").format(start=format_date(start), end=format_date(end))


# --- presets -------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not 1900 <= year <= 9998:
        raise ValueError(f"year out of range: {year}")


def month_period(year: int, month: int) -> Period:
    _check_year(year)
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    return Period(date(year, month, 1), last_day_of_month(year, month), kind=PRESET_MONTH)


def q1_period(year: int) -> Period:
    """The first quarter: 1 January – 31 March."""
    _check_year(year)
    return Period(date(year, 1, 1), date(year, 3, 31), kind=PRESET_Q1)


def six_months_period(year: int) -> Period:
    """The first six months: 1 January – 30 June."""
    _check_year(year)
    return Period(date(year, 1, 1), date(year, 6, 30), kind=PRESET_6M)


def nine_months_period(year: int) -> Period:
    """The first nine months: 1 January – 30 September."""
    _check_year(year)
    return Period(date(year, 1, 1), date(year, 9, 30), kind=PRESET_9M)


def year_period(year: int) -> Period:
    _check_year(year)
    return Period(date(year, 1, 1), date(year, 12, 31), kind=PRESET_YEAR)


def custom_period(start: date, end: date, label: str = "") -> Period:
    """Any range; with ``label`` the user's own name for it."""
    if label:
        return Period(start, end, label=label, kind=PRESET_CUSTOM, custom_label=True)
    return Period(start, end, kind=_kind_of(start, end))


def term_period(start: date | int, end: date | None = None) -> Period:
    """A term (nhiệm kỳ): from ``start`` to ``end``; a year alone means five calendar
    years from its 1 January (2021 → 01/01/2021–31/12/2025)."""
    if isinstance(start, int):
        _check_year(start)
        first = date(start, 1, 1)
        return Period(first, end or date(start + 4, 12, 31), kind=PRESET_TERM)
    if end is None:
        end = date(start.year + 5, start.month, start.day) - timedelta(days=1)
    return Period(start, end, kind=PRESET_TERM)


def period_for_preset(
    preset: str,
    year: int | None = None,
    month: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Period:
    """The period of a preset; raises ValueError naming what is missing."""
    if preset == PRESET_CUSTOM:
        if start is None or end is None:
            raise ValueError("a custom period needs a start and an end")
        return custom_period(start, end)
    if preset == PRESET_TERM:
        if start is not None:
            return term_period(start, end)
        if year is None:
            raise ValueError("a term needs its start date or its first year")
        return term_period(year, end)
    if year is None:
        raise ValueError("the preset needs a year")
    if preset == PRESET_MONTH:
        if month is None:
            raise ValueError("a month period needs the month")
        return month_period(year, month)
    builders = {
        PRESET_Q1: q1_period,
        PRESET_6M: six_months_period,
        PRESET_9M: nine_months_period,
        PRESET_YEAR: year_period,
    }
    if preset not in builders:
        raise ValueError(f"unknown preset: {preset}")
    return builders[preset](year)


# --- the period before ---------------------------------------------------------------


def _whole_months(start: date, end: date) -> int | None:
    """How many calendar months the range covers exactly, or None if it is not whole."""
    if start.day != 1 or end != last_day_of_month(end.year, end.month):
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _kind_of(start: date, end: date) -> str:
    """The preset a range happens to match (a range given by dates is named like it)."""
    months = _whole_months(start, end)
    if months is None:
        return PRESET_CUSTOM
    if months == 1:
        return PRESET_MONTH
    if start.month == 1 and start.year == end.year:
        return {3: PRESET_Q1, 6: PRESET_6M, 9: PRESET_9M, 12: PRESET_YEAR}.get(
            months, PRESET_CUSTOM
        )
    return PRESET_CUSTOM


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def previous_period(p: Period) -> Period:
    """The period of the same length just before ``p``, for trends.

    A period of whole calendar months is followed back by the same number of whole
    months (March → February, Q1 2026 → October–December 2025, a year → the year
    before); any other range by the same number of days.
    """
    months = _whole_months(p.start, p.end)
    if months is not None:
        start = _add_months(p.start, -months)
        end = p.start - timedelta(days=1)
    else:
        end = p.start - timedelta(days=1)
        start = end - timedelta(days=p.days - 1)
    kind = PRESET_TERM if p.kind == PRESET_TERM else _kind_of(start, end)
    return Period(start, end, kind=kind)
