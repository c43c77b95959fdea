"""The reception session form: when and where, who received, and the session's visits."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...i18n import N_, _, format_date
from ...model.codes import SessionKind, SessionMode, choices
from ...services import protection
from ...services.errors import ServiceError
from ...services.minutes import signed_on
from ...services.protection import visits_shown
from ...services.reception import (
    SessionInput,
    VisitFilter,
    create_session,
    get_session,
    list_visits,
    update_session,
)
from ...services.record_kinds import RecordKind
from ...services.units import list_officials
from ..context import AppContext
from ..forms import (
    RecordDialog,
    combo,
    date_edit,
    fill_combo,
    from_qdate,
    line,
    open_on_enter,
    text_edit,
    time_edit,
)
from ..paged import Column, PagedTableModel, Row
from ..widgets.tables import fit_columns, setup_table
from .cells import citizen_cell, handling_cell, one_line
from .visit_form import VisitDialog

# --- the session form -------------------------------------------------------------

SESSION_VISIT_COLUMNS = (
    Column(N_("No."), numeric=True),
    Column(N_("Citizen or delegation")),
    Column(N_("Content")),
    Column(N_("Handling")),
)


def _time_or_none(edit) -> time | None:
    value = edit.time()
    if value == edit.minimumTime():  # shown as "--:--": not recorded
        return None
    return time(value.hour(), value.minute())


def _optional_time_edit(value: time | None) -> QWidget:
    edit = time_edit(value)
    edit.setMinimumTime(QTime(0, 0))
    edit.setSpecialValueText("--:--")
    if value is None:
        edit.setTime(QTime(0, 0))
    return edit


class SessionDialog(RecordDialog):
    """A reception session: when, where, what kind, who presided, and its visits."""

    def __init__(self, ctx: AppContext, session_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_id = session_id
        self._ref = ""
        self._build()
        self._load()
        self.retranslate()
        self._dirty = False
        ctx.signals.language_changed.connect(self._on_language)
        self.resize(1120, 560)

    # --- construction -------------------------------------------------------------

    def _build(self) -> None:
        with self.ctx.db.session() as s:
            people = list_officials(s, self.ctx.unit_id)
            officials = [(o.id, o.full_name) for o in people]
            # Heads with a reception duty preside; the clerk using the app records.
            self._heads = [o.id for o in people if o.duty_role and o.duty_role != "none"]
        self._officials = officials
        self.date = date_edit(date.today())
        self.start = _optional_time_edit(time(8, 0))
        self.end = _optional_time_edit(time(11, 0))
        times = QHBoxLayout()
        self.to_label = QLabel()
        times.addWidget(self.start)
        times.addWidget(self.to_label)
        times.addWidget(self.end)
        times.addStretch(1)
        self.place = line()
        self.kind = combo(choices(SessionKind), SessionKind.REGULAR)
        self.mode = combo(choices(SessionMode), SessionMode.IN_PERSON)
        self.presiding = combo(officials, self._default_presiding(), blank="—")
        self.recorder = combo(officials, self.ctx.acting_official_id, blank="—")
        self.notes = text_edit(lines=3)
        self.rows = {}
        for key, widget in (("date", self.date), ("time", times), ("place", self.place),
                            ("kind", self.kind), ("mode", self.mode),
                            ("presiding", self.presiding), ("recorder", self.recorder),
                            ("notes", self.notes)):
            lab = QLabel()
            self.rows[key] = lab
            self.form.addRow(lab, widget)
        for name, widget in (("session_date", self.date), ("start_time", self.start),
                             ("end_time", self.end), ("place", self.place),
                             ("kind", self.kind), ("mode", self.mode),
                             ("presiding_official_id", self.presiding),
                             ("recorder_official_id", self.recorder), ("notes", self.notes)):
            self.errors.bind(name, widget)
        self.watch(self.date, self.start, self.end, self.place, self.kind, self.mode,
                   self.presiding, self.recorder, self.notes)
        self._build_visits()
        self._arrange()

    def _default_presiding(self) -> str | None:
        if self._heads:
            return self._heads[0]
        return self.ctx.official_id or (self._officials[0][0] if self._officials else None)

    def _build_visits(self) -> None:
        self.visits_box = QGroupBox()
        self.visits_model = PagedTableModel(SESSION_VISIT_COLUMNS, self._fetch_visits, self)
        self.visits_view = QTableView()
        self.visits_view.setObjectName("session_visits")
        self.visits_view.setModel(self.visits_model)
        setup_table(self.visits_view, stretch_last=False)
        self.visits_view.doubleClicked.connect(lambda _i: self.edit_visit())
        open_on_enter(self.visits_view, self.edit_visit)
        self.add_visit_button = QPushButton()
        self.edit_visit_button = QPushButton()
        self.add_visit_button.clicked.connect(self.add_visit)
        self.edit_visit_button.clicked.connect(self.edit_visit)
        self.visits_hint = QLabel()
        self.visits_hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_visit_button)
        buttons.addWidget(self.edit_visit_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self.visits_box)
        box.addWidget(self.visits_hint)
        box.addWidget(self.visits_view, 1)
        box.addLayout(buttons)
        self.visits_view.selectionModel().currentRowChanged.connect(
            lambda *_a: self._update_buttons())

    def _arrange(self) -> None:
        """Fields on the left, the session's visits on the right."""
        outer = self.layout()
        outer.removeItem(self.form)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(self.form)
        left.addStretch(1)
        columns.addLayout(left, 4)
        columns.addWidget(self.visits_box, 5)
        outer.insertLayout(0, columns, 1)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Reception session") if self.session_id
                            else _("New reception session"))
        texts = {"date": _("Date"), "time": _("Time"), "place": _("Place"),
                 "kind": _("Kind of session"), "mode": _("Mode"),
                 "presiding": _("Presiding official"), "recorder": _("Recorder"),
                 "notes": _("Notes")}
        for key, lab in self.rows.items():
            lab.setText(texts[key])
        self.to_label.setText(_("to"))
        self.place.setPlaceholderText(_("e.g. Commune citizen reception office"))
        fill_combo(self.kind, choices(SessionKind))
        fill_combo(self.mode, choices(SessionMode))
        self.presiding.setItemText(0, "—")
        self.visits_box.setTitle(_("Visits in this session"))
        self.add_visit_button.setText(_("Add visit…"))
        self.edit_visit_button.setText(_("Edit visit…"))
        self.visits_model.retranslate()
        self.buttons.button(self.buttons.StandardButton.Save).setText(_("Save"))
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(_("Cancel"))
        self._update_buttons()
        fit_columns(self.visits_view, {0: "999", 3: _("Forwarded") + "  "}, stretch=2)
        # who came and what they raised share the width (a narrow screen squeezed the
        # content to a few letters beside a fixed name column)
        self.visits_view.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)

    def _on_language(self, _lang: str) -> None:
        self.retranslate()
        self.visits_model.reload()
        self._retranslate_banner()

    # --- data ---------------------------------------------------------------------

    def _load(self) -> None:
        if self.session_id is None:
            return
        with self.ctx.db.session() as s:
            rs = get_session(s, self.session_id)
            self.loaded_version = rs.version
            if rs.unit_id != self.ctx.unit_id:
                # A session of a unit below: its own officials preside and record.
                self._officials = [(o.id, o.full_name) for o in list_officials(s, rs.unit_id)]
                fill_combo(self.presiding, self._officials, blank="—")
                fill_combo(self.recorder, self._officials, blank="—")
            self.date.setDate(rs.session_date)
            self.start.setTime(QTime(rs.start_time.hour, rs.start_time.minute)
                               if rs.start_time else QTime(0, 0))
            self.end.setTime(QTime(rs.end_time.hour, rs.end_time.minute)
                             if rs.end_time else QTime(0, 0))
            self.place.setText(rs.place)
            fill_combo(self.kind, choices(SessionKind), rs.kind)
            fill_combo(self.mode, choices(SessionMode), rs.mode)
            if rs.presiding_official_id:
                self._select_official(self.presiding, rs.presiding_official_id,
                                      rs.presiding_name)
            elif rs.presiding_name:  # an imported name with no official record
                self.presiding.addItem(rs.presiding_name, None)
                self.presiding.setCurrentIndex(self.presiding.count() - 1)
            else:
                self.presiding.setCurrentIndex(0)
            if rs.recorder_official_id:
                recorder = rs.recorder_official
                self._select_official(self.recorder, rs.recorder_official_id,
                                      recorder.full_name if recorder else "")
            else:
                self.recorder.setCurrentIndex(0)
            self.notes.setPlainText(rs.notes)
            self._ref = rs.ref
            self.signed_at = signed_on(s, "session", rs.id) if rs.locked else None
        self.visits_model.reload()
        if rs.locked:
            self.make_read_only(self._signed_banner())
            self.add_visit_button.setEnabled(False)

    def _signed_banner(self) -> str:
        when = format_date(self.signed_at.date()) if self.signed_at else "—"
        return _("The minutes of this session were signed on {date}, so it can no longer "
                 "change. Record a correction as an addendum: Reports, the session's "
                 "minutes, \u201cAdd addendum…\u201d.").format(date=when)

    @staticmethod
    def _select_official(box, official_id: str, name: str) -> None:
        index = box.findData(official_id)
        if index < 0:  # an official of another unit, or no longer active
            box.addItem(name or official_id, official_id)
            index = box.count() - 1
        box.setCurrentIndex(index)

    def session_input(self) -> SessionInput:
        presiding_id = self.presiding.currentData()
        presiding_name = ""
        if presiding_id is None and self.presiding.currentIndex() > 0:
            presiding_name = self.presiding.currentText()
        return SessionInput(
            session_date=from_qdate(self.date.date()),
            kind=self.kind.currentData(),
            mode=self.mode.currentData(),
            place=self.place.text(),
            start_time=_time_or_none(self.start),
            end_time=_time_or_none(self.end),
            presiding_official_id=presiding_id,
            presiding_name=presiding_name,
            recorder_official_id=self.recorder.currentData(),
            notes=self.notes.toPlainText(),
            ref=self._ref,
        )

    def save(self) -> str:
        data = self.session_input()
        with self.ctx.db.session(write=True) as s:
            if self.session_id is None:
                saved = create_session(s, self.ctx.unit_id, data)
            else:
                saved = update_session(s, self.session_id, data,
                                       expected_version=self.loaded_version)
            sid, self.loaded_version = saved.id, saved.version  # this form's own save
        self.session_id = sid
        self.ctx.signals.data_changed.emit(RecordKind.SESSION)
        return sid

    def reopened(self) -> RecordDialog | None:
        return SessionDialog(self.ctx, self.session_id, self.parentWidget()) \
            if self.session_id else None

    def ensure_saved(self) -> bool:
        """Save a new session so visits can be added to it; errors go next to their fields."""
        if self.session_id is not None:
            return True
        self.errors.clear()
        try:
            self.result_id = self.save()
        except ServiceError as exc:
            self.errors.show(exc)
            self.make_room()
            return False
        self._dirty = False
        self.retranslate()
        self._update_buttons()
        return True

    # --- visits -------------------------------------------------------------------

    def _fetch_visits(self, offset: int, limit: int, _sort: str | None,
                      _descending: bool) -> list[Row]:
        if self.session_id is None:
            return []
        with self.ctx.db.session() as s:
            visits = list_visits(s, VisitFilter(session_id=self.session_id), offset, limit,
                                 descending=False)
            denounced = visits_shown(s, visits, "session")
            shield = protection.shield(s)
            return [Row(v.id, [str(v.seq), citizen_cell(v, v.id in denounced),
                               one_line(shield.text(v.content)),
                               handling_cell(v.handling, v.petition_type)],
                           numbers={0: v.seq})
                    for v in visits]

    def selected_visit_id(self) -> str | None:
        index = self.visits_view.currentIndex()
        return self.visits_model.id_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        saved = self.session_id is not None
        self.edit_visit_button.setEnabled(saved and self.selected_visit_id() is not None)
        self.visits_hint.setText(
            _("Add each citizen or delegation received; every visit is one row of the log "
              "book.") if saved else
            _("Adding the first visit saves the session.")
        )

    def make_visit_dialog(self, visit_id: str | None = None) -> VisitDialog:
        assert self.session_id is not None
        return VisitDialog(self.ctx, self.session_id, visit_id, self)

    def add_visit(self) -> None:
        if not self.ensure_saved():
            return
        dialog = self.make_visit_dialog()
        if dialog.exec():
            self.visit_saved(dialog.result_id)

    def edit_visit(self) -> None:
        visit_id = self.selected_visit_id()
        if visit_id is None:
            return
        dialog = self.make_visit_dialog(visit_id)
        if dialog.exec():
            self.visit_saved(dialog.result_id)

    def visit_saved(self, visit_id: str | None) -> None:
        """Show the saved visit in the list and select it."""
        self.visits_model.reload()
        for row in range(self.visits_model.rowCount()):
            if self.visits_model.id_at(row) == visit_id:
                self.visits_view.selectRow(row)
                break
        self._update_buttons()
