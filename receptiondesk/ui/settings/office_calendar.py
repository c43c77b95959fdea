"""Settings ▸ Calendar: the office's make-up days off and working days, over the
public holidays and official day swaps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import N_, _, format_date
from ...rules.calendar import CULTURAL_DAY, GOVERNMENT_DAY_SWAPS, UNCONFIRMED_HOLIDAYS
from ...services import lookups
from ...services.errors import ServiceError
from ...services.record_kinds import RecordKind
from ..context import AppContext
from ..forms import FieldErrors, combo, date_edit, fill_combo, from_qdate, line, show_error
from ..paged import Column, PagedTableModel, Row
from ..widgets.tables import new_table
from .common import fit_columns_when_loaded, selected_id, slice_rows

CALENDAR_KIND_TITLES = {"day_off": N_("Make-up day off"),
                        "working_day": N_("Make-up working day")}


class CalendarTab(QWidget):
    COLUMNS = (Column(N_("Date")), Column(N_("Weekday")), Column(N_("Kind of day")),
               Column(N_("Note")))
    WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
                N_("Saturday"), N_("Sunday"))

    def __init__(self, ctx: AppContext, recompute: Callable[[], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self._recompute = recompute
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        # Vietnam Cultural Day: listed by the holidays package, legal basis unconfirmed
        self.cultural_day = QCheckBox()
        self.cultural_day.setObjectName("calendar_cultural_day")
        with self.ctx.db.session() as s:
            from ...services.reference import observed_holidays

            self.cultural_day.setChecked(CULTURAL_DAY in observed_holidays(s))
        self.cultural_day.toggled.connect(self.observe_cultural_day)
        self.cultural_note = QLabel()
        self.cultural_note.setWordWrap(True)
        self.model = PagedTableModel(self.COLUMNS, None, self, plan=self._plan, db=ctx.db)
        self.view = new_table(self.model, "calendar_table")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        fit_columns_when_loaded(self.view)
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("calendar_remove")
        self.remove_button.clicked.connect(self.remove_selected)

        self.form = QFormLayout()
        self.errors = FieldErrors(self.form)
        self.day = date_edit(date.today())
        self.day.setObjectName("calendar_day")
        self.kind = combo([])
        self.kind.setObjectName("calendar_kind")
        self.note = line()
        self.note.setObjectName("calendar_note")
        self.captions: list[tuple[QLabel, str]] = []
        for name, title, widget in (("day", N_("Date:"), self.day),
                                    ("kind", N_("Kind of day:"), self.kind),
                                    ("note", N_("Note:"), self.note)):
            caption = QLabel()
            caption.setBuddy(widget)
            self.captions.append((caption, title))
            self.form.addRow(caption, widget)
            self.errors.bind(name, widget)
        self.add_button = QPushButton()
        self.add_button.setObjectName("calendar_add")
        self.add_button.clicked.connect(self.add)
        self.add_group = QGroupBox()
        add_layout = QVBoxLayout(self.add_group)
        add_layout.addLayout(self.form)
        add_layout.addWidget(self.errors.general)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        add_layout.addLayout(add_row)

        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        remove_row = QHBoxLayout()
        remove_row.addWidget(self.remove_button)
        remove_row.addStretch(1)
        left.addLayout(remove_row)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(self.add_group)
        right.addStretch(1)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.cultural_day)
        layout.addWidget(self.cultural_note)
        layout.addLayout(body, 1)
        self.model.reload()

    def retranslate(self) -> None:
        swaps = "; ".join(
            _("{off} off, {worked} worked ({source})").format(
                off=format_date(sw.day_off), worked=format_date(sw.working_day),
                source=sw.source)
            for sw in GOVERNMENT_DAY_SWAPS)
        self.intro.setText(_("Public holidays, lunar Tết and Hùng Kings' day are known already. "
                             "Add the office's make-up days off and make-up working days here; "
                             "working-day deadlines take them into account.") + " "
                           + _("The government's day swaps are included: {swaps}. A day added "
                               "here wins over them.").format(swaps=swaps))
        self.cultural_day.setText(_("Vietnam Cultural Day (24/11) is a day off for this office"))
        self.cultural_note.setText(
            _("Listed as a holiday by the calendar library, but its legal basis could not be "
              "confirmed ({basis}): a working day unless ticked.").format(
                basis=UNCONFIRMED_HOLIDAYS[CULTURAL_DAY]))
        for caption, title in self.captions:
            caption.setText(_(title))
        fill_combo(self.kind, [(k, _(t)) for k, t in CALENDAR_KIND_TITLES.items()])
        self.note.setPlaceholderText(_("e.g. moved from 02/09 by decision of the province"))
        self.add_group.setTitle(_("Add a day"))
        self.add_button.setText(_("&Add day"))
        self.remove_button.setText(_("&Remove the selected day"))
        self.model.retranslate()
        self.model.reload()

    def _plan(self, offset: int, limit: int, _sort: str | None, _desc: bool):
        weekdays = self.WEEKDAYS

        def read(s) -> list[Row]:  # on a worker
            rows = [Row(d.day.isoformat(), [format_date(d.day), _(weekdays[d.day.weekday()]),
                                            _(CALENDAR_KIND_TITLES.get(d.kind, d.kind)), d.note])
                    for d in lookups.list_calendar_days(s)]
            return slice_rows(rows, offset, limit)
        return read

    def add(self) -> bool:
        self.errors.clear()
        try:
            with self.ctx.db.session() as s:
                lookups.add_calendar_day(s, from_qdate(self.day.date()),
                                         self.kind.currentData(), self.note.text(),
                                         self.ctx.unit_id)
        except ServiceError as exc:
            self.errors.show(exc)
            return False
        self.note.clear()
        self._changed()
        return True

    def remove_selected(self) -> None:
        key = selected_id(self.view)
        if key is None:
            return
        try:
            with self.ctx.db.session() as s:
                lookups.remove_calendar_day(s, date.fromisoformat(key))
        except ServiceError as exc:
            show_error(self, exc)
            return
        self._changed()

    def observe_cultural_day(self, observed: bool) -> None:
        try:
            with self.ctx.db.session() as s:
                lookups.set_holiday_observed(s, CULTURAL_DAY, observed)
        except ServiceError as exc:
            show_error(self, exc)
            self.cultural_day.blockSignals(True)
            self.cultural_day.setChecked(not observed)
            self.cultural_day.blockSignals(False)
            return
        self._changed()

    def _changed(self) -> None:
        self.model.reload()
        self.ctx.signals.data_changed.emit(RecordKind.CALENDAR)
        self._recompute()

    def day_texts(self) -> list[str]:
        return [self.model.row_at(i).cells[0] for i in range(self.model.rowCount())]
