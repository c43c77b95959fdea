"""The citizens directory in Vietnamese roster order, each citizen's visits and petitions,
and merging two records of the same person."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..i18n import N_, _, format_date, format_number, ngettext
from ..model import Citizen
from ..model.codes import (
    Gender,
    PetitionType,
    SessionKind,
    Status,
    choices,
    label,
    visit_handling_label,
)
from ..services import citizens, protection, reception
from ..services.accounts import is_cleared
from ..services.errors import ValidationError
from ..services.protection import identity_visible, is_protected, record_identity_view
from ..services.record_kinds import RecordKind
from ..services.units import unit_and_descendants
from . import ops
from .context import AppContext
from .forms import RecordDialog, combo, fill_combo, line, open_on_enter, spin
from .page import RecordListPage
from .paged import Column, PagedTableModel, Row
from .permissions import guard
from .widgets.search_box import SearchBox
from .widgets.tables import fit_headers, setup_table
from .widgets.texts import Texts, save_cancel_texts

COLUMNS = (
    Column(N_("Full name")),
    Column(N_("Birth year"), numeric=True),
    Column(N_("Gender")),
    Column(N_("ID number")),
    Column(N_("Phone")),
    Column(N_("Address")),
)
WIDTHS = [220, 90, 80, 130, 120, 300]


def citizen_row(c: Citizen) -> Row:
    return Row(c.id, [
        c.full_name,
        str(c.birth_year) if c.birth_year else "",
        label(Gender, c.gender) if c.gender else "",
        c.id_number or "",
        c.phone,
        c.address,
    ])


def citizen_summary(c: Citizen) -> str:
    parts = [c.full_name]
    if c.birth_year:
        parts.append(_("born {year}").format(year=c.birth_year))
    if c.id_number:
        parts.append(_("ID {number}").format(number=c.id_number))
    if c.address:
        parts.append(c.address)
    return ", ".join(parts)


# --- dialogs -------------------------------------------------------------------------------


class CitizenDialog(Texts, RecordDialog):
    """A citizen's details, new or corrected."""

    def __init__(self, ctx: AppContext, citizen_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.citizen_id = citizen_id
        self.setObjectName("citizen_dialog")
        self.setMinimumWidth(520)
        c = None
        if citizen_id:
            with ctx.db.session() as s:
                c = citizens.get_citizen(s, citizen_id)
            self.loaded_version = c.version
        self.full_name = line(c.full_name if c else "")
        self.birth_year = spin(c.birth_year or 0 if c else 0, 0, date.today().year)
        self.gender = combo(choices(Gender), c.gender if c else None, blank="—")
        self.id_number = line(c.id_number or "" if c else "")
        self.id_number.setMaxLength(20)
        self.address = line(c.address if c else "")
        self.phone = line(c.phone if c else "")
        for msgid, widget, name in (
            (N_("Full name"), self.full_name, "full_name"),
            (N_("Birth year"), self.birth_year, "birth_year"),
            (N_("Gender"), self.gender, "gender"),
            (N_("ID number"), self.id_number, "id_number"),
            (N_("Address"), self.address, "address"),
            (N_("Phone"), self.phone, "phone"),
        ):
            cap = QLabel()
            self.t(cap.setText, msgid)
            cap.setBuddy(widget)
            self.form.addRow(cap, widget)
            self.errors.bind(name, widget)
        self.watch(self.full_name, self.birth_year, self.gender, self.id_number, self.address,
                   self.phone)
        self._dirty = False
        ctx.signals.language_changed.connect(self.retranslate)
        self.retranslate()

    def collect(self) -> citizens.CitizenInput:
        return citizens.CitizenInput(
            full_name=self.full_name.text(),
            birth_year=self.birth_year.value() or None,
            gender=self.gender.currentData(),
            id_number=self.id_number.text() or None,
            address=self.address.text(),
            phone=self.phone.text(),
        )

    def write(self, session, data: citizens.CitizenInput) -> str | None:
        """On a worker: the citizen created or updated (refused if changed meanwhile)."""
        if self.citizen_id:
            return citizens.update_citizen(session, self.citizen_id, data,
                                           expected_version=self.loaded_version).id
        return citizens.create_citizen(session, self.ctx.unit_id, data).id

    def reopened(self) -> RecordDialog | None:
        return CitizenDialog(self.ctx, self.citizen_id, self.parentWidget()) \
            if self.citizen_id else None

    def retranslate(self) -> None:
        self.setWindowTitle(_("Citizen") if self.citizen_id else _("New citizen"))
        self.apply_texts()
        self.birth_year.setSpecialValueText(_("unknown"))
        self.id_number.setPlaceholderText(_("12 digits"))
        fill_combo(self.gender, choices(Gender), blank="—")
        save_cancel_texts(self)


class MergeDialog(Texts, RecordDialog):
    """Fold a duplicate record into the citizen kept: find it by typing, confirm, merge."""

    def __init__(self, ctx: AppContext, keep_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.keep_id = keep_id
        self.setObjectName("merge_dialog")
        self.setMinimumWidth(620)
        with ctx.db.session() as s:
            self._keep = citizens.get_citizen(s, keep_id)
        self.keep_label = QLabel()
        self.keep_label.setWordWrap(True)
        self.find = SearchBox()
        self.find.setObjectName("merge_find")
        self.find.search_changed.connect(self.search)
        self.matches = QListWidget()
        self.matches.setObjectName("merge_matches")
        self.matches.setMinimumHeight(160)
        for msgid, widget, name in (
            (N_("Record kept"), self.keep_label, None),
            (N_("Find the duplicate"), self.find, None),
            (N_("Duplicate record"), self.matches, "duplicate"),
        ):
            cap = QLabel()
            self.t(cap.setText, msgid)
            cap.setBuddy(widget)
            self.form.addRow(cap, widget)
            if name:
                self.errors.bind(name, widget)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.form.addRow(self.explain)
        self.t(self.explain.setText, N_(
            "The visits and petitions of the duplicate move to the record kept; details "
            "missing from the record kept are taken from the duplicate. The duplicate "
            "disappears from the directory."))
        ctx.signals.language_changed.connect(self.retranslate)
        self.retranslate()

    def search(self, text: str) -> None:
        """Find the duplicate on a worker; the newest search's matches are shown."""
        unit_id, keep_id = self.ctx.unit_id, self.keep_id

        def find(s) -> list[tuple[str, str]]:
            units = unit_and_descendants(s, unit_id)
            return [(c.id, citizen_summary(c))
                    for c in citizens.find_citizens(s, text, units, limit=30) if c.id != keep_id]

        ops.query(self, self.ctx.db, find, self._show_matches, key="matches")

    def _show_matches(self, found: list[tuple[str, str]]) -> None:
        self.matches.clear()
        for citizen_id, summary in found:
            item = QListWidgetItem(summary)
            item.setData(Qt.ItemDataRole.UserRole, citizen_id)
            self.matches.addItem(item)
        if self.matches.count() == 1:
            self.matches.setCurrentRow(0)

    def chosen_id(self) -> str | None:
        item = self.matches.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def confirm(self, question: str) -> bool:
        """Ask before merging (tests replace this)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Merge citizens"))
        box.setText(question)
        merge = box.addButton(_("Merge"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is merge

    def try_save(self) -> None:
        chosen = self.matches.currentItem()
        if chosen is not None and not self.confirm(
            _("Merge \u201c{duplicate}\u201d into \u201c{keep}\u201d? This cannot be "
              "undone.").format(duplicate=chosen.text(), keep=citizen_summary(self._keep))
        ):
            return
        super().try_save()

    def collect(self) -> str:
        duplicate = self.chosen_id()
        if duplicate is None:
            raise ValidationError.single("duplicate", _("Choose the duplicate record first."))
        return duplicate

    def write(self, session, duplicate: str) -> str | None:
        """On a worker: the duplicate merged into the kept record."""
        return citizens.merge_citizens(session, self.keep_id, duplicate).id

    def retranslate(self) -> None:
        self.setWindowTitle(_("Merge with another record"))
        self.apply_texts()
        self.keep_label.setText(citizen_summary(self._keep))
        self.find.setPlaceholderText(_("Name or ID number (accents optional)"))
        save_cancel_texts(self)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Merge"))


# --- the page ------------------------------------------------------------------------------


def _denounces(visit, secret_visits: set[str | None]) -> bool:
    """A visit that brought a denunciation would name the denouncer (DESIGN §4): listed
    in a citizen's history only for a cleared user."""
    return not identity_visible(visit, protected=(
        visit.petition_type == PetitionType.DENUNCIATION or visit.id in secret_visits))


def _history_table(columns: int, stretch: int) -> QTableWidget:
    """A citizen's visits or petitions: each column as wide as its heading and cells,
    ``stretch`` taking the width left (fixed widths ran past a 1024-px screen's half, the
    last column out of sight)."""
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], ids: list[str] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if ids is not None:
                item.setData(Qt.ItemDataRole.UserRole, ids[r])
            table.setItem(r, c, item)


class CitizensPage(Texts, RecordListPage):
    record_kind = RecordKind.CITIZEN
    refresh_on = frozenset((RecordKind.CITIZEN, RecordKind.VISIT, RecordKind.SESSION,
                            RecordKind.PETITION, RecordKind.UNIT, RecordKind.SETTINGS))
    name = "citizens"
    new_permission = "citizens.edit"
    title = N_("Citizens")

    def _build(self) -> None:
        self.new_button = QPushButton()
        self.new_button.setObjectName("new_citizen")
        self.new_button.clicked.connect(self.new_record)
        self.guard_new(self.new_button)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_current)
        self.merge_button = QPushButton()
        self.merge_button.setObjectName("merge_citizen")
        self.merge_button.clicked.connect(self.merge_current)
        self.t(self.new_button.setText, N_("New citizen…"))
        self.t(self.edit_button.setText, N_("Edit…"))
        self.t(self.merge_button.setText, N_("Merge with…"))
        self.search = SearchBox()
        self.search.search_changed.connect(lambda _t: self.reload())
        self.count_label = QLabel()
        top = QHBoxLayout()
        for w in (self.new_button, self.edit_button, self.merge_button):
            top.addWidget(w)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)

        self.model = PagedTableModel(COLUMNS, None, self, plan=self._plan, db=self.ctx.db)
        self.model.loaded.connect(self._page_loaded)
        self.table = QTableView()
        self.table.setObjectName("citizen_list")
        setup_table(self.table, self.model, WIDTHS, flexible=(5,))  # the address
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        open_on_enter(self.table, self.edit_current)

        self.history_title = QLabel()
        self.history_title.setObjectName("citizen_heading")
        self.history_title.setStyleSheet("font-weight: bold;")
        self.visits_label, self.petitions_label = QLabel(), QLabel()
        for lab in (self.visits_label, self.petitions_label):
            lab.setStyleSheet("font-weight: bold;")
        self.visits = _history_table(4, stretch=2)  # the content
        self.visits.setObjectName("citizen_visits")
        self.petitions = _history_table(4, stretch=3)  # the status
        self.petitions.setObjectName("citizen_petitions")
        self.petitions.itemDoubleClicked.connect(self._open_petition)
        open_on_enter(self.petitions,
                      lambda: self._open_petition(self.petitions.currentItem()))
        self.privacy_note = QLabel()
        self.privacy_note.setWordWrap(True)
        self.privacy_note.setStyleSheet("color: #555;")
        self.t(self.privacy_note.setText, N_(
            "Denunciations, and the visits that brought them, are never listed here: a "
            "denouncer's identity is confidential."))
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.visits_label)
        left.addWidget(self.visits)
        right.addWidget(self.petitions_label)
        right.addWidget(self.petitions)
        right.addWidget(self.privacy_note)
        both = QHBoxLayout()
        both.addLayout(left, 1)
        both.addLayout(right, 1)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 4, 0, 0)
        history_layout.addWidget(self.history_title)
        history_layout.addLayout(both, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(history)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([360, 260])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.show_current()

    def retranslate(self) -> None:
        self.apply_texts()
        self.search.setPlaceholderText(
            _("Search by name, ID number or address (accents optional)"))
        self.visits.setHorizontalHeaderLabels(
            [_("Date"), _("Session"), _("Content"), _("Handling")])
        self.petitions.setHorizontalHeaderLabels(
            [_("Date received"), _("Reference"), _("Type"), _("Status")])
        self.model.retranslate()
        fit_headers(self.table, WIDTHS)
        if self.model.loaded_count():
            self.reload()

    # --- list ---------------------------------------------------------------------------

    def _plan(self, offset: int, limit: int, _sort: str | None, _desc: bool):
        query, units = self.search.text(), self._unit_ids

        def read(s) -> list[Row]:
            return [citizen_row(c) for c in citizens.list_citizens(s, query, units, offset,
                                                                    limit)]

        return read

    def count_query(self):
        query, units = self.search.text(), self._unit_ids
        return lambda s: citizens.count_citizens(s, query, units)

    def count_text(self, n: int) -> str:
        return ngettext("{count} citizen", "{count} citizens", n).format(
            count=format_number(n))

    def names_in_order(self) -> list[str]:
        """The loaded names as the list shows them (for tests and checks)."""
        return [self.model.row_at(r).cells[0] for r in range(self.model.loaded_count())]

    # --- the chosen citizen's history (RecordListPage reads it on a worker) -----------------

    def current_changed(self) -> None:
        has = self.current_id is not None
        guard(self.edit_button, "citizens.edit", has)
        guard(self.merge_button, "citizens.edit", has)

    def clear_detail(self) -> None:
        self.history_title.setText(_("Choose a citizen to see their visits and petitions."))
        self.visits_label.setText(_("Visits"))
        self.petitions_label.setText(_("Petitions"))
        _fill(self.visits, [])
        _fill(self.petitions, [])

    def detail_query(self, record_id: str):
        def read(s):
            c = citizens.get_citizen(s, record_id)
            visits, petitions = reception.citizen_history(s, c.id)
            title = citizen_summary(c)
            secret_visits = {p.visit_id for p in petitions
                             if p.petition_type == PetitionType.DENUNCIATION}
            shield = protection.shield(s)
            visit_rows = [[format_date(v.visit_date),
                           label(SessionKind, v.session.kind) if v.session else "",
                           " ".join(shield.text(v.content).split()),
                           visit_handling_label(v.handling, v.petition_type)]
                          for v in visits if not _denounces(v, secret_visits)]
            shown = [p for p in petitions if identity_visible(p)]
            revealed = any(is_protected(p) for p in shown) or any(
                v.petition_type == PetitionType.DENUNCIATION or v.id in secret_visits
                for v in visits)
            if revealed and is_cleared():  # a cleared user sees a denouncer's history
                record_identity_view(s, "citizen", c.id, c.unit_id, "citizen history")
            petition_rows = [[format_date(p.received_date), p.ref or "—",
                              label(PetitionType, p.petition_type), label(Status, p.status)]
                             for p in shown]
            return title, visit_rows, petition_rows, [p.id for p in shown]

        return read

    def show_found_detail(self, found) -> None:
        title, visit_rows, petition_rows, petition_ids = found
        self.history_title.setText(title)
        self.visits_label.setText(_("Visits ({count})").format(count=len(visit_rows)))
        self.petitions_label.setText(_("Petitions ({count})").format(count=len(petition_rows)))
        _fill(self.visits, visit_rows)
        _fill(self.petitions, petition_rows, petition_ids)

    def detail_failed(self, exc: Exception) -> None:
        self.history_title.setText(str(exc))

    def _open_petition(self, item: QTableWidgetItem) -> None:
        petition_id = item.data(Qt.ItemDataRole.UserRole)
        if petition_id:
            self.ctx.signals.open_record.emit("petition", petition_id)

    # --- the record's own dialogs -----------------------------------------------------------

    def make_citizen_dialog(self, citizen_id: str | None = None) -> CitizenDialog:
        return CitizenDialog(self.ctx, citizen_id, self)

    def make_merge_dialog(self) -> MergeDialog:
        assert self.current_id is not None
        return MergeDialog(self.ctx, self.current_id, self)

    def new_record(self) -> None:
        if not self.may_create():
            return
        dialog = self.make_citizen_dialog()
        if self.exec_dialog(dialog):
            self.current_id = dialog.result_id
            self._saved(_("The citizen was saved."))

    def edit_current(self) -> None:
        if self.current_id and self.exec_dialog(self.make_citizen_dialog(self.current_id)):
            self._saved(_("The citizen was saved."))

    def merge_current(self) -> None:
        if self.current_id and self.exec_dialog(self.make_merge_dialog()):
            self._saved(_("The two records were merged."))

    def _saved(self, message: str) -> None:
        self.ctx.signals.data_changed.emit(RecordKind.CITIZEN)
        self.ctx.signals.status_message.emit(message)
