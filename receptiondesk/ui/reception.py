"""The reception log: sessions, the visits received in them, filters and instant search."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..i18n import N_, _, format_date, format_number, format_time, ngettext
from ..model.codes import PetitionType, SessionKind, SessionMode, VisitHandling, choices, label
from ..services import protection, reference
from ..services.errors import ServiceError
from ..services.protection import Shield, visits_shown
from ..services.reception import (
    SessionFilter,
    VisitFilter,
    count_sessions,
    count_visits,
    get_session,
    get_visit,
    list_sessions,
    list_visits,
    register_petition_from_visit,
    visit_counts,
)
from ..services.record_kinds import RecordKind
from ..services.repeats import petition_for_visit
from ..services.units import list_officials
from . import ops
from .context import AppContext
from .forms import date_edit, fill_combo, from_qdate, open_on_enter, show_error, to_qdate
from .page import Page
from .paged import PAGE_SIZE, Column, PagedTableModel, Row
from .permissions import guard
from .reception_forms.cells import citizen_cell, handling_cell, one_line
from .reception_forms.session_form import SessionDialog
from .reception_forms.visit_form import VisitDialog
from .widgets.search_box import SEARCH_DELAY_MS
from .widgets.tables import fit_columns, setup_table

SESSION_COLUMNS = (
    Column(N_("Date")),
    Column(N_("Time")),
    Column(N_("Kind")),
    Column(N_("Mode")),
    Column(N_("Presiding official")),
    Column(N_("Place")),
    Column(N_("Visits"), numeric=True),
    Column(N_("People"), numeric=True),
)
VISIT_COLUMNS = (
    Column(N_("No."), numeric=True),
    Column(N_("Date"), sort_key="date"),
    Column(N_("Citizen or delegation")),
    Column(N_("Content")),
    Column(N_("Field")),
    Column(N_("Handling")),
)

#: quick choices of the period filter
PERIODS = (
    ("month", N_("This month")),
    ("year", N_("This year")),
    ("all", N_("All dates")),
    ("custom", N_("From … to …")),
)
#: record kinds whose changes show in this page
WATCHED = frozenset((RecordKind.SESSION, RecordKind.VISIT, RecordKind.CITIZEN,
                     RecordKind.PETITION, RecordKind.OFFICIAL, RecordKind.SETTINGS,
                     RecordKind.UNIT))


def period_dates(choice: str, today: date) -> tuple[date | None, date | None]:
    """(from, to) of a quick period choice; None for an open end."""
    if choice == "month":
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    if choice == "year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return None, None


def session_row(x, counts: tuple[int, int]) -> Row:
    """One row of the sessions list (built in a background job: no widgets here)."""
    times = ""
    if x.start_time or x.end_time:
        times = "–".join(t for t in (format_time(x.start_time), format_time(x.end_time)) if t)
    visits, people = counts
    return Row(
        x.id,
        [format_date(x.session_date), times, label(SessionKind, x.kind),
         label(SessionMode, x.mode), x.presiding_name, x.place, format_number(visits),
         format_number(people)],
        numbers={6: visits, 7: people},
    )


def visit_row(v, field_names: dict[str, str], denounced: bool = False,
              shield: Shield | None = None) -> Row:
    """One row of the visits list: one row of the log book. ``denounced``: the visit
    brought a denunciation (its citizen is then shown only to a cleared user); ``shield``
    blots protected people out of the content for a user not cleared."""
    content = shield.text(v.content) if shield is not None else v.content
    if shield is not None and v.citizen is not None and not denounced:
        denounced = shield.person(v.citizen.full_name, v.citizen.id_number,
                                  v.citizen.phone).hidden
    return Row(
        v.id,
        [str(v.seq), format_date(v.visit_date), citizen_cell(v, denounced), one_line(content),
         field_names.get(v.field_code or "", v.field_code or ""),
         handling_cell(v.handling, v.petition_type)],
        tint="hot" if v.is_delegation else None,
        numbers={0: v.seq},
    )


class ReceptionPage(Page):
    name = "reception"
    new_permission = "reception.edit"
    title = N_("Reception log")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._unit_ids: list[str] | None = None
        self._field_names: dict[str, str] = {}
        self._stale = True
        self._selected_session: str | None = None
        self._choosing = False  # selecting a session from code: the visits reload once
        #: the newest read of the visits (by reload or reload_visits): a reload's visits
        #: are not shown once the visits were read again after it started
        self._visit_seq = 0
        self._build()
        self.retranslate()
        ctx.signals.data_changed.connect(self._on_data_changed)

    # --- construction -------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 4)
        outer.addLayout(self._build_actions())
        outer.addLayout(self._build_filters())
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._build_sessions())
        splitter.addWidget(self._build_visits())
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 5)
        splitter.setChildrenCollapsible(False)
        outer.addWidget(splitter, 1)
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.reload)
        self._reload_timer = QTimer(self, singleShot=True, interval=0)
        self._reload_timer.timeout.connect(self.reload)

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.new_session_button = QPushButton()
        self.edit_session_button = QPushButton()
        self.new_visit_button = QPushButton()
        self.edit_visit_button = QPushButton()
        self.register_button = QPushButton()
        for name, button, slot in (
            ("new_session", self.new_session_button, self.new_record),
            ("edit_session", self.edit_session_button, self.edit_session),
            ("new_visit", self.new_visit_button, self.new_visit),
            ("edit_visit", self.edit_visit_button, self.edit_visit),
            ("register_petition", self.register_button, self.register_selected_visit),
        ):
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        self.guard_new(self.new_session_button)
        return row

    def _build_filters(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        self.period_label, self.from_label, self.to_label = QLabel(), QLabel(), QLabel()
        self.kind_label, self.presiding_label = QLabel(), QLabel()
        self.field_label, self.handling_label = QLabel(), QLabel()
        self.period = QComboBox()
        self.period.setObjectName("period")
        self.date_from = date_edit()
        self.date_to = date_edit()
        for edit in (self.date_from, self.date_to):
            edit.setSpecialValueText("—")
        self.kind = QComboBox()
        self.presiding = QComboBox()
        self.field = QComboBox()
        self.handling = QComboBox()
        # Narrow enough for the page to fit beside the navigation at 1024 px (the list
        # that drops down shows whole names).
        for box, chars in ((self.period, 9), (self.kind, 7), (self.presiding, 10),
                           (self.field, 10), (self.handling, 8)):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(chars)
        self.search = QLineEdit()
        self.search.setObjectName("reception_search")
        self.search.setClearButtonEnabled(True)
        # When, and the search; then what kind of session and visit (two lines that fit
        # beside the navigation at 1024 px in either language).
        first = QHBoxLayout()
        for widget in (self.period_label, self.period, self.from_label, self.date_from,
                       self.to_label, self.date_to):
            first.addWidget(widget)
        first.addSpacing(12)
        first.addWidget(self.search, 1)
        second = QHBoxLayout()
        for caption, box in ((self.kind_label, self.kind), (self.presiding_label, self.presiding),
                             (self.field_label, self.field),
                             (self.handling_label, self.handling)):
            second.addWidget(caption)
            second.addWidget(box, 1)
        grid.addLayout(first, 0, 0)
        grid.addLayout(second, 1, 0)
        self.period.currentIndexChanged.connect(self._on_period)
        self.date_from.dateChanged.connect(self._on_dates_typed)
        self.date_to.dateChanged.connect(self._on_dates_typed)
        for box in (self.kind, self.presiding, self.field, self.handling):
            box.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        return grid

    def _build_sessions(self) -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 4, 0, 0)
        self.sessions_title = QLabel()
        self.sessions_model = PagedTableModel(SESSION_COLUMNS, None, self,
                                              plan=self._plan_sessions, db=self.ctx.db)
        self.sessions_view = QTableView()
        self.sessions_view.setObjectName("sessions")
        self.sessions_view.setModel(self.sessions_model)
        setup_table(self.sessions_view, stretch_last=False)
        self.sessions_view.selectionModel().currentRowChanged.connect(self._on_session_chosen)
        self.sessions_view.doubleClicked.connect(lambda _i: self.edit_session())
        open_on_enter(self.sessions_view, self.edit_session)
        box.addWidget(self.sessions_title)
        box.addWidget(self.sessions_view, 1)
        return holder

    def _build_visits(self) -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 4, 0, 0)
        head = QHBoxLayout()
        self.visits_title = QLabel()
        self.all_visits = QCheckBox()
        self.all_visits.setObjectName("all_visits")
        self.all_visits.toggled.connect(lambda _on: self.reload_visits())
        head.addWidget(self.visits_title, 1)
        head.addWidget(self.all_visits)
        self.visits_model = PagedTableModel(VISIT_COLUMNS, None, self,
                                            plan=self._plan_visits, db=self.ctx.db)
        self.visits_view = QTableView()
        self.visits_view.setObjectName("visits")
        self.visits_view.setModel(self.visits_model)
        setup_table(self.visits_view, stretch_last=False)
        self.visits_view.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        self.visits_view.setSortingEnabled(True)
        self.visits_view.selectionModel().currentRowChanged.connect(
            lambda *_a: self._update_buttons())
        self.visits_view.doubleClicked.connect(lambda _i: self.edit_visit())
        open_on_enter(self.visits_view, self.edit_visit)
        box.addLayout(head)
        box.addWidget(self.visits_view, 1)
        return holder

    # --- texts --------------------------------------------------------------------

    def retranslate(self) -> None:
        self.new_session_button.setText(_("New session…"))
        self.edit_session_button.setText(_("Edit session…"))
        self.new_visit_button.setText(_("New visit…"))
        self.edit_visit_button.setText(_("Edit visit…"))
        self.register_button.setText(_("Register petition from visit"))
        self.period_label.setText(_("Period:"))
        self.from_label.setText(_("from"))
        self.to_label.setText(_("to"))
        self.kind_label.setText(_("Kind:"))
        self.presiding_label.setText(_("Presiding:"))
        self.field_label.setText(_("Field:"))
        self.handling_label.setText(_("Handling:"))
        self.search.setPlaceholderText(
            _("Search name, ID number, place or content (accents optional)…"))
        self.all_visits.setText(_("Show all visits in the period"))
        self._fill_filter_choices()
        self.sessions_model.retranslate()
        self.visits_model.retranslate()
        self._fit_columns()
        if self._unit_ids is not None:
            self.reload()

    def _fill_filter_choices(self) -> None:
        with self.ctx.db.session() as s:
            officials = [(o.id, o.full_name) for o in list_officials(s, self.ctx.unit_id)]
            fields = reference.field_choices(s)
            self._field_names = {f.code: reference.lookup_name(f)
                                 for f in reference.fields(s, active_only=False)}
        quiet = (self.period, self.kind, self.presiding, self.field, self.handling)
        for box in quiet:
            box.blockSignals(True)
        fill_combo(self.period, [(c, _(t)) for c, t in PERIODS],
                   self.period.currentData() or "year")
        fill_combo(self.kind, choices(SessionKind), blank=_("All kinds"))
        fill_combo(self.presiding, officials, blank=_("Anyone"))
        fill_combo(self.field, fields, blank=_("All fields"))
        fill_combo(self.handling, choices(VisitHandling), blank=_("Any handling"))
        for box in quiet:
            box.blockSignals(False)
        self._apply_period(reload=False)

    def _fit_columns(self) -> None:
        day = format_date(date(2026, 12, 28))
        fit_columns(self.sessions_view, {
            0: day, 1: "00:00–00:00", 2: max((label(SessionKind, k) for k in SessionKind),
                                             key=len),
            3: max((label(SessionMode, m) for m in SessionMode), key=len),
            4: "Nguyễn Thị Thảo", 6: "9.999", 7: "9.999"}, stretch=5)
        fit_columns(self.visits_view, {
            0: "999", 1: day, 2: "Đoàn 12 người: Nguyễn Văn An", 4: "Bồi thường, hỗ trợ, tái",
            5: max((handling_cell(h) for h in VisitHandling), key=len)}, stretch=3)

    # --- page contract ------------------------------------------------------------

    def activate(self) -> None:
        if self._stale:
            self.refresh()

    def refresh(self, session_id: str | None = None, visit_id: str | None = None) -> None:
        self._unit_ids = self.ctx.unit_ids()
        self._stale = False
        self.reload(session_id, visit_id)

    def new_record(self) -> None:
        if not self.may_create():
            return
        self.run_session_dialog(self.make_session_dialog())

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def open_record(self, kind: str, record_id: str) -> bool:
        """Show a session or visit found elsewhere: the list narrows to its day."""
        if kind not in ("session", "visit"):
            return False
        try:
            with self.ctx.db.session() as s:
                if kind == "visit":
                    visit = get_visit(s, record_id)
                    session_id, day = visit.session_id, visit.visit_date
                else:
                    session_id, day = record_id, get_session(s, record_id).session_date
        except ServiceError as exc:
            self.ctx.signals.status_message.emit(str(exc))
            return False
        if self._unit_ids is None:
            self._unit_ids = self.ctx.unit_ids()
            self._stale = False
        self._show_day(day)
        self.reload(session_id, record_id if kind == "visit" else None)
        return True

    def _show_day(self, day: date) -> None:
        widgets = (self.period, self.date_from, self.date_to, self.kind, self.presiding,
                   self.field, self.handling, self.search, self.all_visits)
        for w in widgets:
            w.blockSignals(True)
        self.period.setCurrentIndex(self.period.findData("custom"))
        self.date_from.setEnabled(True)
        self.date_to.setEnabled(True)
        self.date_from.setDate(to_qdate(day))
        self.date_to.setDate(to_qdate(day))
        for box in (self.kind, self.presiding, self.field, self.handling):
            box.setCurrentIndex(0)
        self.search.clear()
        self.all_visits.setChecked(False)
        for w in widgets:
            w.blockSignals(False)
        self.search_timer.stop()

    # --- filters ------------------------------------------------------------------

    def _on_period(self, _index: int) -> None:
        self._apply_period(reload=True)

    def _apply_period(self, reload: bool) -> None:
        choice = self.period.currentData() or "year"
        custom = choice == "custom"
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        if custom:
            if self.date_from.date() == self.date_from.minimumDate():  # coming from "all"
                self._set_dates(*period_dates("year", date.today()))
        else:
            self._set_dates(*period_dates(choice, date.today()))
        if reload:
            self.reload()

    def _set_dates(self, start: date | None, end: date | None) -> None:
        """Show a range in the date fields; an open range shows "—" (their minimum)."""
        for edit, value in ((self.date_from, start), (self.date_to, end)):
            edit.blockSignals(True)
            edit.setDate(to_qdate(value) if value else edit.minimumDate())
            edit.blockSignals(False)

    def _on_dates_typed(self, _value: QDate) -> None:
        if self.period.currentData() == "custom":
            self.search_timer.start()

    def period_range(self) -> tuple[date | None, date | None]:
        choice = self.period.currentData() or "year"
        if choice == "custom":
            return from_qdate(self.date_from.date()), from_qdate(self.date_to.date())
        return period_dates(choice, date.today())

    def session_filter(self) -> SessionFilter:
        start, end = self.period_range()
        kind = self.kind.currentData()
        return SessionFilter(unit_ids=self._unit_ids, date_from=start, date_to=end,
                             kinds=[kind] if kind else [],
                             presiding_official_id=self.presiding.currentData(),
                             query=self.search.text())

    def visit_filter(self) -> VisitFilter:
        start, end = self.period_range()
        kind, field, handling = (self.kind.currentData(), self.field.currentData(),
                                 self.handling.currentData())
        if not self.all_visits.isChecked():
            # The visits of the selected session, narrowed by field, handling and search.
            return VisitFilter(unit_ids=self._unit_ids,
                               session_id=self._selected_session or "-",
                               fields=[field] if field else [],
                               handlings=[handling] if handling else [],
                               query=self.search.text())
        return VisitFilter(unit_ids=self._unit_ids, date_from=start, date_to=end,
                           kinds=[kind] if kind else [],
                           presiding_official_id=self.presiding.currentData(),
                           fields=[field] if field else [],
                           handlings=[handling] if handling else [],
                           query=self.search.text())

    # --- lists (first pages and counts read off the GUI thread) --------------------

    def is_loading(self) -> bool:
        """True while a list or count is being read in the background."""
        return ops.pending(self) > 0 or self.sessions_model.is_loading() \
            or self.visits_model.is_loading()

    def _start(self, job: Callable[[Any], object], done: Callable[[object], None],
               key: str) -> None:
        """Run ``job(session)`` on a worker; ``done(result)`` unless a newer job of the
        same key was started or the page is gone."""

        def fail(exc: Exception) -> None:
            if isinstance(exc, ServiceError):
                self.ctx.signals.status_message.emit(str(exc))
            else:
                ops.report_error(self, exc)

        ops.query(self, self.ctx.db, job, done, key=key, failure=fail)

    def reload(self, session_id: str | None = None, visit_id: str | None = None) -> None:
        """Read both lists again with the current filters, keeping the selection (or
        selecting ``session_id`` / ``visit_id``). Typing never waits for the database:
        the work runs in the background and an answer overtaken by newer input is dropped."""
        if self._unit_ids is None:
            return
        self.search_timer.stop()
        keep = session_id or self._selected_session
        keep_visit = visit_id or self.selected_visit_id()
        self._visit_seq += 1
        visit_seq = self._visit_seq
        ops.cancel(self, "count")  # the totals of the lists being replaced
        sessions_filter, visits_filter = self.session_filter(), self.visit_filter()
        all_mode, newest_first = self.all_visits.isChecked(), self._newest_first()
        field_names = dict(self._field_names)

        def job(s) -> tuple[list[Row], str | None, list[Row], VisitFilter]:
            sessions = list_sessions(s, sessions_filter, 0, PAGE_SIZE)
            counts = visit_counts(s, [x.id for x in sessions])
            rows = [session_row(x, counts[x.id]) for x in sessions]
            ids = [r.id for r in rows]
            chosen = keep if keep in ids else (ids[0] if ids else None)
            f = visits_filter if all_mode else replace(visits_filter, session_id=chosen)
            visits: list[Row] = []
            if all_mode or chosen is not None:
                found = list_visits(s, f, 0, PAGE_SIZE, descending=newest_first)
                denounced = visits_shown(s, found, "reception")
                shield = protection.shield(s)
                visits = [visit_row(v, field_names, v.id in denounced, shield)
                          for v in found]
            return rows, chosen, visits, f

        def done(result) -> None:
            rows, chosen, visits, f = result
            self._install_sessions(rows, chosen)
            if visit_seq == self._visit_seq:
                self._install_visits(visits, keep_visit)
            self._count(visit_seq, sessions_filter, f, chosen)

        self._start(job, done, "lists")

    def reload_visits(self, visit_id: str | None = None) -> None:
        """Read the visits list again (another session chosen, the toggle, a change)."""
        if self._unit_ids is None:
            return
        keep_visit = visit_id or self.selected_visit_id()
        self._visit_seq += 1
        visit_seq = self._visit_seq
        if not self.all_visits.isChecked() and self._selected_session is None:
            self._install_visits([], None)
            self._show_visit_total(0)
            return
        f, newest_first = self.visit_filter(), self._newest_first()
        field_names = dict(self._field_names)

        def job(s) -> tuple[list[Row], int]:
            visits = list_visits(s, f, 0, PAGE_SIZE, descending=newest_first)
            denounced = visits_shown(s, visits, "reception")
            shield = protection.shield(s)
            return ([visit_row(v, field_names, v.id in denounced, shield)
                     for v in visits], count_visits(s, f))

        def done(result) -> None:
            rows, total = result
            if visit_seq == self._visit_seq:
                self._install_visits(rows, keep_visit)
                self._show_visit_total(total)

        self._start(job, done, "visits")

    def _count(self, visit_seq: int, sessions_filter: SessionFilter,
               visits_filter: VisitFilter, chosen: str | None) -> None:
        """The totals in the titles come after the rows: they can take longer."""
        all_mode = self.all_visits.isChecked()

        def job(s) -> tuple[int, int]:
            visits = (count_visits(s, visits_filter) if all_mode or chosen is not None
                      else 0)
            return count_sessions(s, sessions_filter), visits

        def done(result) -> None:
            sessions, visits = result
            self.sessions_title.setText(
                ngettext("{count} reception session", "{count} reception sessions",
                         sessions).format(count=format_number(sessions)))
            if visit_seq == self._visit_seq:
                self._show_visit_total(visits)

        self._start(job, done, "count")

    def _show_visit_total(self, total: int) -> None:
        count = format_number(total)
        if self.all_visits.isChecked():
            text = ngettext("{count} visit in the period", "{count} visits in the period",
                            total).format(count=count)
        elif self._selected_session is None:
            text = _("Visits: choose a session above")
        else:
            text = ngettext("{count} visit in the selected session",
                            "{count} visits in the selected session", total).format(count=count)
        self.visits_title.setText(text)

    def _install_sessions(self, rows: list[Row], chosen: str | None) -> None:
        self.sessions_model.set_rows(rows)
        self._selected_session = chosen
        row = self._find_row(self.sessions_model, chosen) if chosen else None
        if row is not None:
            self._choosing = True
            try:
                self.sessions_view.selectRow(row)
            finally:
                self._choosing = False
            self.sessions_view.scrollTo(self.sessions_model.index(row, 0))

    def _install_visits(self, rows: list[Row], keep_visit: str | None) -> None:
        # A session's visits are in log-book order; sorting applies to the whole period.
        self.visits_view.horizontalHeader().setSortIndicatorShown(self.all_visits.isChecked())
        self.visits_model.set_rows(rows)
        self.select_visit(keep_visit)
        self._update_buttons()

    def _newest_first(self) -> bool:
        """A session's visits in log-book order; the period's newest first unless sorted."""
        if not self.all_visits.isChecked():
            return False
        header = self.visits_view.horizontalHeader()
        if VISIT_COLUMNS[header.sortIndicatorSection()].sort_key is None:
            return True
        return header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    def _plan_sessions(self, offset: int, limit: int, _sort: str | None, _descending: bool):
        """The query of a later page of sessions (scrolling down; the first page comes
        with reload())."""
        if self._unit_ids is None:
            return None
        f = self.session_filter()

        def read(s) -> list[Row]:
            sessions = list_sessions(s, f, offset, limit)
            counts = visit_counts(s, [x.id for x in sessions])
            return [session_row(x, counts[x.id]) for x in sessions]

        return read

    def _plan_visits(self, offset: int, limit: int, sort: str | None, descending: bool):
        if self._unit_ids is None or (not self.all_visits.isChecked()
                                      and self._selected_session is None):
            return None
        newest_first = (descending if sort else True) if self.all_visits.isChecked() else False
        f, field_names = self.visit_filter(), dict(self._field_names)

        def read(s) -> list[Row]:
            visits = list_visits(s, f, offset, limit, descending=newest_first)
            denounced = visits_shown(s, visits, "reception")
            shield = protection.shield(s)
            return [visit_row(v, field_names, v.id in denounced, shield) for v in visits]

        return read

    # --- selection ----------------------------------------------------------------

    def selected_session_id(self) -> str | None:
        return self._selected_session

    def selected_visit_id(self) -> str | None:
        index = self.visits_view.currentIndex()
        return self.visits_model.id_at(index.row()) if index.isValid() else None

    def select_visit(self, visit_id: str | None) -> bool:
        """Select a visit among the rows shown; False when it is not there."""
        row = self._find_row(self.visits_model, visit_id) if visit_id else None
        if row is None:
            return False
        self.visits_view.selectRow(row)
        self.visits_view.scrollTo(self.visits_model.index(row, 0))
        return True

    @staticmethod
    def _find_row(model: PagedTableModel, record_id: str | None) -> int | None:
        for row in range(model.loaded_count()):
            if model.id_at(row) == record_id:
                return row
        return None

    def _on_session_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._choosing:
            return
        self._selected_session = self.sessions_model.id_at(current.row()) \
            if current.isValid() else None
        if not self.all_visits.isChecked():
            self.reload_visits()
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_session = self._selected_session is not None
        visit_id = self.selected_visit_id()
        guard(self.edit_session_button, "reception.edit", has_session)
        guard(self.new_session_button, "reception.edit")
        guard(self.new_visit_button, "reception.edit", has_session)
        guard(self.edit_visit_button, "reception.edit", visit_id is not None)

        def show(registered: bool) -> None:
            self.register_button.setToolTip(
                _("A petition was already registered from this visit.") if registered else
                _("Register the petition this citizen brought; its deadlines start running."))
            guard(self.register_button, "petitions.register",
                  visit_id is not None and not registered)

        if visit_id is None:
            ops.cancel(self, "register")
            show(False)
            return
        self.register_button.setEnabled(False)  # until the visit's petition is looked up
        self._start(lambda s: petition_for_visit(s, visit_id) is not None, show, "register")

    # --- changes elsewhere --------------------------------------------------------

    def _on_data_changed(self, kind: str) -> None:
        if kind not in WATCHED:
            return
        if kind in (RecordKind.OFFICIAL, RecordKind.SETTINGS, RecordKind.UNIT):
            self._fill_filter_choices()
        if self._unit_ids is None:
            return  # never shown yet: it loads when first shown
        if self.isVisible():
            # Coalesce the several signals one save sends into one reload.
            self._reload_timer.start()
        else:
            self._stale = True

    # --- forms --------------------------------------------------------------------

    def make_session_dialog(self, session_id: str | None = None) -> SessionDialog:
        return SessionDialog(self.ctx, session_id, self)

    def make_visit_dialog(self, session_id: str, visit_id: str | None = None) -> VisitDialog:
        return VisitDialog(self.ctx, session_id, visit_id, self)

    def run_session_dialog(self, dialog: SessionDialog) -> None:
        dialog.exec()
        # Visits may have been added even when the session form was cancelled.
        if dialog.session_id is not None:
            self.refresh(dialog.session_id)

    def run_visit_dialog(self, dialog: VisitDialog) -> None:
        if dialog.exec():
            self.refresh(dialog.session_id, dialog.result_id)

    def edit_session(self) -> None:
        if self._selected_session is not None:
            self.run_session_dialog(self.make_session_dialog(self._selected_session))

    def new_visit(self) -> None:
        if self._selected_session is None:
            self.ctx.signals.status_message.emit(_("Choose the session the visit belongs to."))
            return
        self.run_visit_dialog(self.make_visit_dialog(self._selected_session))

    def edit_visit(self) -> None:
        visit_id = self.selected_visit_id()
        if visit_id is None:
            return
        with self.ctx.db.session() as s:
            session_id = get_visit(s, visit_id).session_id
        self.run_visit_dialog(self.make_visit_dialog(session_id, visit_id))

    # --- petitions ----------------------------------------------------------------

    def register_selected_visit(self) -> None:
        visit_id = self.selected_visit_id()
        if visit_id is None:
            return
        with self.ctx.db.session() as s:
            petition_type = get_visit(s, visit_id).petition_type
        if not petition_type:
            petition_type = self.ask_petition_type()
            if not petition_type:
                return
        self.register_petition(visit_id, petition_type)

    def ask_petition_type(self) -> str | None:
        options = choices(PetitionType)
        text, ok = QInputDialog.getItem(
            self, _("Register petition"), _("The visit has no petition type. Petition type:"),
            [t for _c, t in options], 0, False)
        if not ok:
            return None
        return next((c for c, t in options if t == text), None)

    def register_petition(self, visit_id: str, petition_type: str | None = None) -> str | None:
        """Register the petition a visit brought, in one step; returns its id."""
        try:
            with self.ctx.db.session() as s:
                petition = register_petition_from_visit(
                    s, visit_id, petition_type=petition_type,
                    official_id=self.ctx.acting_official_id)
                petition_id = petition.id
        except ServiceError as exc:
            show_error(self, exc, _("Register petition"))
            return None
        self.ctx.signals.data_changed.emit(RecordKind.PETITION)
        self.ctx.signals.status_message.emit(_("A petition is registered from the visit."))
        self._update_buttons()
        return petition_id
