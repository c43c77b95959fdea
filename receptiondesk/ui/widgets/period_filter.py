"""The period filter of the lists: a named period ("this month", "last year", …) or a
chosen from–to pair of dates."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ...i18n import N_, _
from ..forms import DateEdit, compact, fill_combo, from_qdate

PERIODS: tuple[tuple[str, str], ...] = (
    ("all", N_("Any time")),
    ("this_month", N_("This month")),
    ("last_month", N_("Last month")),
    ("this_quarter", N_("This quarter")),
    ("this_year", N_("This year")),
    ("last_year", N_("Last year")),
    ("custom", N_("Chosen dates")),
)


def period_range(code: str, today: date) -> tuple[date | None, date | None]:
    """First and last day of a named period around ``today`` (None: unbounded)."""
    if code == "this_month":
        start = today.replace(day=1)
        return start, _month_end(start)
    if code == "last_month":
        start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        return start, _month_end(start)
    if code == "this_quarter":
        start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
        end_month = start.replace(month=start.month + 2)
        return start, _month_end(end_month)
    if code == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if code == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return None, None


def _month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


class PeriodFilter(QWidget):
    """A period drop-down; "Chosen dates" shows a from–to pair of date fields."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = compact(QComboBox(), 9)
        self.combo.setObjectName("period")
        self.date_from = DateEdit()
        self.date_to = DateEdit()
        today = QDate.currentDate()
        for edit, value in ((self.date_from, today.addMonths(-1)), (self.date_to, today)):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.setDate(value)
            edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.dash = QLabel("–")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.date_from)
        layout.addWidget(self.dash)
        layout.addWidget(self.date_to)
        self.combo.currentIndexChanged.connect(self._on_change)
        self.retranslate()
        self._show_dates()

    def retranslate(self) -> None:
        fill_combo(self.combo, [(c, _(t)) for c, t in PERIODS], self.combo.currentData() or "all")

    def code(self) -> str:
        return self.combo.currentData() or "all"

    def set_code(self, code: str) -> None:
        self.combo.setCurrentIndex(max(self.combo.findData(code), 0))

    def set_dates(self, start: date, end: date) -> None:
        self.date_from.setDate(QDate(start.year, start.month, start.day))
        self.date_to.setDate(QDate(end.year, end.month, end.day))
        self.set_code("custom")

    def range(self) -> tuple[date | None, date | None]:
        if self.code() == "custom":
            return from_qdate(self.date_from.date()), from_qdate(self.date_to.date())
        return period_range(self.code(), date.today())

    def _on_change(self, _index: int) -> None:
        self._show_dates()
        self.changed.emit()

    def _show_dates(self) -> None:
        custom = self.code() == "custom"
        for w in (self.date_from, self.dash, self.date_to):
            w.setVisible(custom)
