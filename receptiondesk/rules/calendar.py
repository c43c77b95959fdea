"""Working days for Vietnamese offices: weekends, public holidays and office make-up days.

Public holidays (New Year, lunar Tết, Hùng Kings' day, 30/4, 1/5, 2/9 and the substituted
days off) come from the ``holidays`` package. The government's announced day swaps for
civil servants are data here, each with its source (``GOVERNMENT_DAY_SWAPS``); offices add
their own make-up days off and working days, which win over everything. A day the package
lists without a confirmed legal basis (Vietnam Cultural Day, 24/11) is an office setting,
off by default (``UNCONFIRMED_HOLIDAYS``).

Deadlines are computed in bulk (hundreds of thousands of petitions), so every year is turned
once into a frozenset of non-working days and a sorted list of working-day ordinals; the
day arithmetic is then a set lookup or a bisect.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

from receptiondesk.i18n import _, current_language

__all__ = [
    "CULTURAL_DAY",
    "GOVERNMENT_DAY_SWAPS",
    "UNCONFIRMED_HOLIDAYS",
    "DayCount",
    "DaySwap",
    "WorkCalendar",
]

# Years the date type can represent; the ordinal list never grows past them.
_MIN_YEAR, _MAX_YEAR = date.min.year, date.max.year


class DayCount(StrEnum):
    """How a legal period is counted."""

    CALENDAR = "calendar"
    WORKING = "working"


@dataclass(frozen=True)
class DaySwap:
    """A government swap for civil servants: the weekday ``day_off`` is not worked and the
    weekend day ``working_day`` is worked instead."""

    day_off: date
    working_day: date
    source: str


#: The swaps the government announced, each with its source. Confirmed from the press
#: reports of the documents (the documents' own text was not available).
GOVERNMENT_DAY_SWAPS: tuple[DaySwap, ...] = (
    # 30/4–1/5/2025: Friday 2/5 off, Saturday 26/4 worked (also in ``holidays``).
    DaySwap(date(2025, 5, 2), date(2025, 4, 26),
            "Thông báo 6150/TB-BLĐTBXH năm 2024 (thực hiện Công văn 8726/VPCP-KGVX)"),
    # New Year 2026: Friday 2/1 off, Saturday 10/1 worked.
    DaySwap(date(2026, 1, 2), date(2026, 1, 10), "Công văn 12729/VPCP-KGVX ngày 25/12/2025"),
)

#: Vietnam Cultural Day
CULTURAL_DAY = (11, 24)
#: (month, day) the ``holidays`` package lists as a day off whose legal basis could not be
#: confirmed: an office setting, off by default. Nghị quyết 80-NQ/TW (7/1/2026) chose 24/11
#: as a paid day off in principle; Bộ luật Lao động 2019, Điều 112, had not been amended
#: when last checked (Nghị quyết 30/NQ-CP, 2026, tasks the amendment).
UNCONFIRMED_HOLIDAYS: dict[tuple[int, int], str] = {
    CULTURAL_DAY: "Ngày Văn hóa Việt Nam — Nghị quyết 80-NQ/TW ngày 07/01/2026 (chủ trương); "
                  "Bộ luật Lao động 2019, Điều 112: chưa xác minh được đã sửa đổi",
}


@cache
def _vn_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(public holidays, make-up working weekend days) of one year, from ``holidays``.

    Cached for the whole process: building a ``holidays.VN`` object is the slow part.
    """
    import holidays  # a large package: imported when a calendar is first needed

    vn = holidays.VN(years=year)
    days_off = frozenset(vn.keys())
    # When the government moves a day off onto a weekday it also makes a Saturday a
    # working day (e.g. 31/8/2026 off, 22/8/2026 worked); the package lists those too.
    workdays = frozenset(d for d in getattr(vn, "weekend_workdays", ()) if d.year == year)
    return days_off, workdays


@cache
def _vn_names(year: int, language: str) -> dict[date, str]:
    """Holiday names of one year in one of the package's languages."""
    import holidays

    return dict(holidays.VN(years=year, language=language).items())


def _package_language() -> str:
    # The holidays package ships Vietnamese and US English names.
    return "vi" if current_language() == "vi" else "en_US"


class WorkCalendar:
    """Which days an office works, and day arithmetic over them.

    A day is a working day when it is an office make-up working day, or else when it is
    Monday–Friday (or a government make-up working Saturday) and neither a public holiday
    nor an office day off.
    """

    def __init__(
        self,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        swaps: Iterable[DaySwap] = GOVERNMENT_DAY_SWAPS,
        observed: Iterable[tuple[int, int]] = (),
    ) -> None:
        """``swaps``: the government's day swaps; ``observed``: the (month, day) of
        ``UNCONFIRMED_HOLIDAYS`` this office keeps as days off."""
        self._extra_off = frozenset(extra_days_off)
        self._extra_work = frozenset(extra_working_days)
        swap_list = tuple(swaps)
        self._swapped_off = {s.day_off: s for s in swap_list}
        self._swapped_work = frozenset(s.working_day for s in swap_list)
        self._ignored = frozenset(UNCONFIRMED_HOLIDAYS) - frozenset(observed)
        self._off_by_year: dict[int, frozenset[date]] = {}
        self._ords_by_year: dict[int, list[int]] = {}
        # Sorted ordinals of every working day in the contiguous years _lo.._hi.
        self._ords: list[int] = []
        self._lo = 0
        self._hi = -1
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(extra_days_off={len(self._extra_off)} days, "
            f"extra_working_days={len(self._extra_work)} days)"
        )

    # --- per-year caches ---------------------------------------------------------------

    def _days_off(self, year: int) -> frozenset[date]:
        off = self._off_by_year.get(year)
        if off is None:
            off = self._off_by_year[year] = self._build_days_off(year)
        return off

    def _public_holidays(self, year: int) -> frozenset[date]:
        """The package's holidays of the year, less those kept as an office setting that
        this office does not observe."""
        public = _vn_year(year)[0]
        if not self._ignored:
            return public
        return frozenset(d for d in public if (d.month, d.day) not in self._ignored)

    def _build_days_off(self, year: int) -> frozenset[date]:
        public = self._public_holidays(year) | frozenset(self._swapped_off)
        govt_workdays = _vn_year(year)[1] | self._swapped_work
        off: set[date] = set()
        day = date(year, 1, 1)
        one = timedelta(days=1)
        while day.year == year:
            weekend = day.weekday() >= 5 and day not in govt_workdays
            if weekend or day in public or day in self._extra_off:
                off.add(day)
            if year == _MAX_YEAR and day == date.max:
                break
            day += one
        # The office's make-up working days win over everything else.
        return frozenset(off - self._extra_work)

    def _year_ordinals(self, year: int) -> list[int]:
        ords = self._ords_by_year.get(year)
        if ords is None:
            off = self._days_off(year)
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            ords = [o for o in range(first, last + 1) if date.fromordinal(o) not in off]
            self._ords_by_year[year] = ords
        return ords

    def _cover(self, lo: int, hi: int) -> list[int]:
        """The working-day ordinals, grown so that they span at least years lo..hi."""
        lo, hi = max(lo, _MIN_YEAR), min(hi, _MAX_YEAR)
        if self._lo <= lo and hi <= self._hi:
            return self._ords
        with self._lock:
            if self._hi < self._lo:  # nothing loaded yet
                new_lo, new_hi = lo, hi
            else:
                new_lo, new_hi = min(lo, self._lo), max(hi, self._hi)
            ords: list[int] = []
            for year in range(new_lo, new_hi + 1):
                ords.extend(self._year_ordinals(year))
            # Publish the list before the bounds so that readers never see bounds
            # wider than the list they then read.
            self._ords = ords
            self._lo, self._hi = new_lo, new_hi
            return ords

    # --- public API ----------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        return d not in self._days_off(d.year)

    def holiday_name(self, d: date) -> str | None:
        """Why ``d`` is a day off (public holiday name, or the office's day off), else None."""
        if d in self._extra_work:
            return None
        if d in self._extra_off:
            return _("Office day off")
        if d in self._public_holidays(d.year):
            return _vn_names(d.year, _package_language()).get(d)
        swap = self._swapped_off.get(d)
        if swap is not None:
            return _("Day off swapped by the government ({source})").format(source=swap.source)
        return None

    def next_working_day(self, d: date) -> date:
        """``d`` itself when it is a working day, else the first working day after it."""
        if self.is_working_day(d):
            return d
        return self.add_working_days(d, 1)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (before it when n < 0); n = 0 gives start."""
        if n == 0:
            return start
        s = start.toordinal()
        # A year holds at least ~240 working days, so this span is almost always enough.
        span = abs(n) // 240 + 1
        if n > 0:
            ords = self._cover(start.year, start.year + span)
            i = bisect_right(ords, s) + n - 1
            while i >= len(ords):
                if self._hi >= _MAX_YEAR:
                    raise OverflowError("date out of range")
                ords = self._cover(self._lo, self._hi + 1)
            return date.fromordinal(ords[i])
        ords = self._cover(start.year - span, start.year)
        while True:
            i = bisect_left(ords, s) + n
            if i >= 0:
                return date.fromordinal(ords[i])
            if self._lo <= _MIN_YEAR:
                raise OverflowError("date out of range")
            ords = self._cover(self._lo - 1, self._hi)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative (the count in (end, start]) if end < start."""
        ords = self._cover(min(start.year, end.year), max(start.year, end.year))
        return bisect_right(ords, end.toordinal()) - bisect_right(ords, start.toordinal())

    def due_date(self, start: date, days: int, mode: DayCount | str) -> date:
        """The last day of a period of ``days`` days counted from ``start``.

        Calendar days: start + days, and a period ending on a day off ends on the next
        working day (Bộ luật Dân sự 2015, Điều 148). Working days: the days-th working day
        after start.
        """
        if mode == DayCount.WORKING:
            return self.add_working_days(start, days)
        return self.next_working_day(start + timedelta(days=days))
