"""The visit form: the citizen picker (or a new citizen typed inline), a delegation, the
handling, a petition registered in the same step, and the repeat finder that links an
earlier petition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QModelIndex, QRect, QRegularExpression, Qt, QTimer
from PySide6.QtGui import QFont, QRegularExpressionValidator, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...i18n import _, format_date
from ...model.codes import Gender, PetitionType, Status, VisitHandling, choices, label
from ...services import protection, reference
from ...services.citizens import CitizenInput, find_citizens, get_citizen
from ...services.errors import ServiceError
from ...services.minutes import signed_on
from ...services.petitions import link_earlier
from ...services.protection import (
    Shield,
    identity_visible,
    record_identity_view,
    redacted,
    visit_is_denounced,
)
from ...services.reception import (
    VisitInput,
    add_visit,
    get_visit,
    is_delegation,
    register_petition_from_visit,
    update_visit,
)
from ...services.record_kinds import RecordKind
from ...services.repeats import find_repeats, petition_for_visit
from ..context import AppContext
from ..forms import (
    FieldErrors,
    RecordDialog,
    check,
    combo,
    compact,
    fill_combo,
    line,
    spin,
    text_edit,
)
from ..widgets.search_box import SEARCH_DELAY_MS
from ..worker import run_in_background
from .cells import one_line
from .column_errors import ColumnErrors, set_rows_visible

REPEAT_DELAY_MS = 400  # the repeat finder waits for a pause in typing


# --- the visit form -----------------------------------------------------------------

ID_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass
class EarlierPetition:
    """One row of the repeat panel (plain data: built off the GUI thread)."""

    id: str
    ref: str
    received: date
    petition_type: str
    status: str
    content: str
    petitioners: str


def _earlier(p, shield: Shield | None = None) -> EarlierPetition:
    """An earlier petition as the repeat finder lists it; ``shield`` blots protected people
    out (their own petitions' names, and their names in any content)."""
    hidden = not identity_visible(p) or (shield is not None and any(
        shield.person(x.full_name, x.id_number, x.phone).hidden for x in p.petitioners))
    names = "" if hidden else ", ".join(x.full_name for x in p.petitioners)
    content = shield.text(p.content) if shield is not None else p.content
    return EarlierPetition(p.id, p.ref, p.received_date, p.petition_type, p.status,
                           one_line(content), names)


def describe_citizen(name: str, birth_year: int | None, id_number: str | None,
                     address: str) -> str:
    """"Name — birth year — ID number — address": enough to tell namesakes apart."""
    parts = [name]
    if birth_year:
        parts.append(str(birth_year))
    if id_number:
        parts.append(id_number)
    if address:
        parts.append(address)
    return " — ".join(parts)


def _find_people(db, typed: str, unit_ids: list[str] | None) -> list[tuple[str, str, str]]:
    """Directory matches as plain data (runs in a background job)."""
    with db.session() as s:
        return [(c.id, c.full_name, describe_citizen(c.full_name, c.birth_year, c.id_number,
                                                     c.address))
                for c in find_citizens(s, typed, unit_ids)]


class VisitDialog(RecordDialog):
    """One citizen or delegation received in a session: one row of the log book."""

    def __init__(self, ctx: AppContext, session_id: str, visit_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_id = session_id
        self.visit_id = visit_id
        self.citizen_id: str | None = None
        self.citizen_details: tuple[str, str | None, str] = ("", None, "")
        self._picked_text = ""
        self._repeat_rows: list[tuple[str, EarlierPetition]] = []
        self.other_attendees: list[str] = []
        self.petition_id: str | None = None  # the petition already registered from it
        self.registered_petition_id: str | None = None  # registered by the last save
        self.pending_link: tuple[str, str, bool] | None = None  # (id, ref, long-running)
        self.repeats: list[EarlierPetition] = []
        self._repeat_seq = 0
        self._match_seq = 0  # the newest directory lookup; older answers are dropped
        self._matched_text = ""
        self._name_mirrored = True  # the new citizen's name follows the picker until edited
        self._unit_ids = ctx.unit_ids()
        self._build()
        self._load()
        self.retranslate()
        self._dirty = False
        ctx.signals.language_changed.connect(self._on_language)
        self.resize(1300, 660)

    # --- construction -------------------------------------------------------------

    def _build(self) -> None:
        self.form2 = QFormLayout()
        self.form2.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors = ColumnErrors(self.errors, FieldErrors(self.form2))
        self.labels: dict[str, QLabel] = {}
        self._build_citizen()
        self._build_details()
        self._build_repeats()
        self._arrange()
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._search_citizens)
        self.repeat_timer = QTimer(self, singleShot=True, interval=REPEAT_DELAY_MS)
        self.repeat_timer.timeout.connect(self.find_repeats)

    def _row(self, form: QFormLayout, key: str, widget) -> None:
        lab = QLabel()
        self.labels[key] = lab
        form.addRow(lab, widget)

    def _build_citizen(self) -> None:
        form = self.form
        self.picker = QLineEdit()
        self.picker.setObjectName("citizen_picker")
        self.picker.setClearButtonEnabled(False)
        self.clear_pick = QToolButton()
        self.clear_pick.setText("×")
        self.clear_pick.clicked.connect(self.clear_citizen)
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.picker, 1)
        pick_row.addWidget(self.clear_pick)
        self._row(form, "citizen", pick_row)
        self.matches = QStandardItemModel(self)
        self.completer = QCompleter(self.matches, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(NAME_ROLE)  # the line edit shows just the name
        self.completer.setMaxVisibleItems(10)
        self.picker.setCompleter(self.completer)
        self.completer.activated[QModelIndex].connect(self._on_match_chosen)
        self.picker.textEdited.connect(self._on_picker_edited)
        self.picked = QLabel()
        self.picked.setObjectName("picked_citizen")
        self.picked.setWordWrap(True)
        form.addRow("", self.picked)
        self.new_heading = QLabel()
        bold = QFont(self.new_heading.font())
        bold.setBold(True)
        self.new_heading.setFont(bold)
        form.addRow(self.new_heading)
        self.new_name = line()
        self.new_name.textEdited.connect(self._on_new_name_edited)
        self.new_birth_year = line()
        self.new_birth_year.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,4}"), self.new_birth_year))
        self.new_birth_year.setMaximumWidth(80)
        self.new_gender = combo(choices(Gender), blank="—")
        self.new_id_number = line()
        self.new_id_number.setMaxLength(20)
        self.new_address = line()
        self.new_phone = line()
        self.new_rows = [self.new_heading, self.new_name, self.new_birth_year, self.new_gender,
                         self.new_id_number, self.new_address, self.new_phone]
        for key, widget in (("new_name", self.new_name), ("birth_year", self.new_birth_year),
                            ("gender", self.new_gender), ("id_number", self.new_id_number),
                            ("address", self.new_address), ("phone", self.new_phone)):
            self._row(form, key, widget)
        for w in (self.new_id_number, self.new_address):
            w.textEdited.connect(lambda _t: self.repeat_timer.start())
        self.new_name.textEdited.connect(lambda _t: self.repeat_timer.start())
        self.head_count = spin(1, 1, 10000)
        self.head_count.setMaximumWidth(90)
        self.head_count.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.delegation_note = QLabel()
        self.delegation_note.setStyleSheet("color: #5a1a7a;")
        self.delegation_note.setWordWrap(True)
        self._row(form, "head_count", self.head_count)
        form.addRow("", self.delegation_note)
        self.representatives = text_edit(lines=2)
        self._row(form, "representatives", self.representatives)
        self.head_count.valueChanged.connect(self._on_head_count)
        bind = self.errors.bind
        bind("citizen_id", self.picker)
        bind("new_citizen.full_name", self.new_name)
        bind("new_citizen.birth_year", self.new_birth_year)
        bind("new_citizen.gender", self.new_gender)
        bind("new_citizen.id_number", self.new_id_number)
        bind("new_citizen.address", self.new_address)
        bind("new_citizen.phone", self.new_phone)
        bind("head_count", self.head_count)
        bind("representatives", self.representatives)
        self.watch(self.picker, self.new_name, self.new_birth_year, self.new_gender,
                   self.new_id_number, self.new_address, self.new_phone, self.head_count,
                   self.representatives)

    def _build_details(self) -> None:
        form = self.form2
        with self.ctx.db.session() as s:
            fields = reference.field_choices(s)
        self.content = text_edit(lines=4)
        self.content.textChanged.connect(lambda: self.repeat_timer.start())
        # as wide as the column allows, not as its longest field name (the form then fits
        # a 1024 px screen with the citizen's column readable)
        self.field = compact(combo(fields, blank="—"), 16)
        self.petition_type = combo(choices(PetitionType), blank="—")
        self.previously_handled_by = line()
        self.handling = combo(choices(VisitHandling), VisitHandling.NONE)
        self.direction = text_edit(lines=3)
        self.follow_up = line()
        self.notes = line()
        self.register = check("")
        self.register.setObjectName("register_petition")
        for key, widget in (("content", self.content), ("field", self.field),
                            ("petition_type", self.petition_type),
                            ("previously_handled_by", self.previously_handled_by),
                            ("handling", self.handling), ("direction", self.direction),
                            ("follow_up", self.follow_up), ("notes", self.notes)):
            self._row(form, key, widget)
        form.addRow(self.register)
        self.registered_note = QLabel()
        self.registered_note.setWordWrap(True)
        form.addRow(self.registered_note)
        for name, widget in (("content", self.content), ("field_code", self.field),
                             ("petition_type", self.petition_type),
                             ("previously_handled_by", self.previously_handled_by),
                             ("handling", self.handling), ("direction", self.direction),
                             ("follow_up", self.follow_up), ("notes", self.notes)):
            self.errors.bind(name, widget, column=1)
        self.watch(self.content, self.field, self.petition_type, self.previously_handled_by,
                   self.handling, self.direction, self.follow_up, self.notes, self.register)

    def _build_repeats(self) -> None:
        self.repeat_box = QGroupBox()
        self.repeat_box.setObjectName("repeat_panel")
        self.same_label = QLabel()
        self.same_list = self._petition_tree("repeats_same_citizen")
        self.similar_label = QLabel()
        self.similar_list = self._petition_tree("repeats_similar")
        self.link_duplicate = QPushButton()
        self.link_long_running = QPushButton()
        self.link_duplicate.clicked.connect(lambda: self.link_selected(long_running=False))
        self.link_long_running.clicked.connect(lambda: self.link_selected(long_running=True))
        self.link_note = QLabel()
        self.link_note.setObjectName("link_note")
        self.link_note.setWordWrap(True)
        buttons = QVBoxLayout()  # one above the other: the form fits a 1024 px screen
        buttons.addWidget(self.link_duplicate)
        buttons.addWidget(self.link_long_running)
        box = QVBoxLayout(self.repeat_box)
        box.addWidget(self.same_label)
        box.addWidget(self.same_list, 1)
        box.addWidget(self.similar_label)
        box.addWidget(self.similar_list, 1)
        box.addLayout(buttons)
        box.addWidget(self.link_note)
        for tree, other in ((self.same_list, self.similar_list),
                            (self.similar_list, self.same_list)):
            tree.itemSelectionChanged.connect(
                lambda t=tree, o=other: self._on_repeat_selected(t, o))

    def _petition_tree(self, name: str) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName(name)
        tree.setColumnCount(3)
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(True)
        tree.header().setStretchLastSection(True)
        tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        return tree

    def _arrange(self) -> None:
        """Who came (left), what they raised (middle), earlier petitions (right)."""
        outer = self.layout()
        outer.removeItem(self.form)
        columns = QHBoxLayout()
        self.columns: list[QWidget] = []
        for form, stretch in ((self.form, 12), (self.form2, 11)):
            holder = QWidget()
            self.columns.append(holder)
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.addLayout(form)
            box.addStretch(1)
            columns.addWidget(holder, stretch)
        columns.addWidget(self.repeat_box, 10)
        # Widths follow the stretch factors (above the minimums set in retranslate), so
        # picking a citizen or typing moves nothing.
        for i in range(columns.count()):
            widget = columns.itemAt(i).widget()
            policy = widget.sizePolicy()
            policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
            widget.setSizePolicy(policy)
        outer.insertLayout(0, columns, 1)

    # --- texts --------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Visit") if self.visit_id else _("New visit"))
        texts = {
            "citizen": _("Citizen"), "new_name": _("Full name"), "birth_year": _("Birth year"),
            "gender": _("Gender"), "id_number": _("ID number"), "address": _("Address"),
            "phone": _("Phone"), "head_count": _("Number of people"),
            "representatives": _("Representatives"), "content": _("Content"),
            "field": _("Field"), "petition_type": _("Petition type"),
            "previously_handled_by": _("Already handled by"), "handling": _("Handling"),
            "direction": _("Direction given"), "follow_up": _("Follow-up"), "notes": _("Notes"),
        }
        for key, lab in self.labels.items():
            lab.setText(texts[key])
        self.picker.setPlaceholderText(_("Type part of a name or ID number…"))
        self.clear_pick.setToolTip(_("Choose another citizen"))
        self.new_heading.setText(_("New citizen (not in the directory)"))
        self.new_id_number.setPlaceholderText(_("12 digits"))
        self.representatives.setPlaceholderText(_("One name a line"))
        self.previously_handled_by.setPlaceholderText(
            _("Body or official that already dealt with it, and what was done"))
        self.register.setText(_("Register a petition from this visit"))
        with self.ctx.db.session() as s:
            fill_combo(self.field, reference.field_choices(s), blank="—")
        fill_combo(self.petition_type, choices(PetitionType), blank="—")
        fill_combo(self.handling, choices(VisitHandling))
        fill_combo(self.new_gender, choices(Gender), blank="—")
        self.repeat_box.setTitle(_("Earlier petitions"))
        self.same_label.setText(_("Of this citizen"))
        self.similar_label.setText(_("With similar content"))
        for tree in (self.same_list, self.similar_list):
            tree.setHeaderLabels([_("Received on"), _("Type"), _("Content")])
            tree.header().resizeSection(0, tree.fontMetrics().horizontalAdvance("00/00/0000")
                                        + 16)
            tree.header().resizeSection(1, tree.fontMetrics().horizontalAdvance(
                label(PetitionType, PetitionType.COMPLAINT)) + 16)
        self.link_duplicate.setText(_("Link as duplicate"))
        self.link_long_running.setText(_("Mark long-running"))
        self.link_duplicate.setToolTip(
            _("The new petition repeats the selected one: link it instead of opening a case."))
        self.link_long_running.setToolTip(
            _("The selected case was resolved before and is raised again."))
        self.buttons.button(self.buttons.StandardButton.Save).setText(_("Save"))
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(_("Cancel"))
        self._show_picked()
        self._on_head_count()
        self._show_registered()
        self._show_repeats()
        for holder in (*self.columns, self.repeat_box):  # nothing clipped, in any language
            holder.setMinimumWidth(0)
            holder.setMinimumWidth(holder.minimumSizeHint().width())

    def _on_language(self, _lang: str) -> None:
        self.retranslate()
        self._retranslate_banner()

    # --- loading ------------------------------------------------------------------

    def _load(self) -> None:
        if self.visit_id is None:
            self._show_picked()
            self._on_head_count()
            return
        with self.ctx.db.session() as s:
            v = get_visit(s, self.visit_id)
            self.loaded_version = v.version
            denounced = visit_is_denounced(s, v)
            self.identity_hidden = not identity_visible(v, protected=denounced)
            if denounced and not self.identity_hidden:
                record_identity_view(s, "visit", v.id, v.unit_id, "visit form")
            if v.citizen is not None:
                self._set_citizen(v.citizen)
            self.other_attendees = [a.citizen_id for a in v.attendees
                                    if a.citizen_id != v.citizen_id]
            self.head_count.setValue(v.head_count or 1)
            self.representatives.setPlainText(v.representatives)
            self.content.setPlainText(v.content)
            self.field.setCurrentIndex(max(self.field.findData(v.field_code), 0))
            self.petition_type.setCurrentIndex(
                max(self.petition_type.findData(v.petition_type), 0))
            self.previously_handled_by.setText(v.previously_handled_by)
            self.handling.setCurrentIndex(max(self.handling.findData(v.handling), 0))
            self.direction.setPlainText(v.direction)
            self.follow_up.setText(v.follow_up)
            self.notes.setText(v.notes)
            petition = petition_for_visit(s, v.id)
            self.petition_id = petition.id if petition else None
            locked = v.locked or v.session.locked
            self.signed_at = signed_on(s, "visit", v.id) if locked else None
        self.find_repeats()
        if locked:
            self.make_read_only(self._signed_banner())
            self.link_duplicate.setEnabled(False)
            self.link_long_running.setEnabled(False)
            self.clear_pick.setEnabled(False)

    def _signed_banner(self) -> str:
        when = format_date(self.signed_at.date()) if self.signed_at else "—"
        return _("The minutes of this visit were signed on {date}, so it can no longer "
                 "change. Record a correction as an addendum: Reports, the minutes, "
                 "\u201cAdd addendum…\u201d.").format(date=when)

    # --- the citizen picker -------------------------------------------------------

    def _on_picker_edited(self, text: str) -> None:
        if self.citizen_id is not None:
            self.citizen_id = None
            self._show_picked()
        if self._name_mirrored and not text.strip().replace(" ", "").isdigit():
            self.new_name.setText(text.strip())
        self.search_timer.start()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        # Enter in the picker takes the only match (a full ID number) instead of saving.
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.focusWidget() is self.picker and self.citizen_id is None):
            typed = self.picker.text().strip()
            if typed and (self.search_timer.isActive() or typed != self._matched_text):
                self.search_timer.stop()
                self._match_seq += 1
                self._show_matches(typed, self._lookup(typed))
            if self.matches.rowCount() == 1:
                self.completer.popup().hide()
                self.pick_citizen(self.matches.item(0).data(ID_ROLE))
                return
        super().keyPressEvent(event)

    def _on_new_name_edited(self, _text: str) -> None:
        self._name_mirrored = False

    def _lookup(self, typed: str) -> list[tuple[str, str, str]]:
        """(id, name, description) of the citizens matching what was typed."""
        return _find_people(self.ctx.db, typed, self._unit_ids)

    def _search_citizens(self) -> None:
        """Look the typed text up in the directory, off the GUI thread."""
        typed = self.picker.text().strip()
        self._match_seq += 1
        if not typed or self.citizen_id is not None:
            self._show_matches("", [])
            return
        seq, db, unit_ids = self._match_seq, self.ctx.db, self._unit_ids

        def done(found: list[tuple[str, str, str]]) -> None:
            # Dropped when the form is gone or newer typing overtook this search.
            if isValid(self.picker) and seq == self._match_seq:
                self._show_matches(typed, found)

        run_in_background(lambda: _find_people(db, typed, unit_ids), done, lambda exc: None)

    def _show_matches(self, typed: str, found: list[tuple[str, str, str]]) -> None:
        self._matched_text = typed
        self.matches.clear()
        for citizen_id, name, description in found:
            item = QStandardItem(description)
            item.setData(citizen_id, ID_ROLE)
            item.setData(name, NAME_ROLE)
            self.matches.appendRow(item)
        if not found or self.citizen_id is not None:
            self.completer.popup().hide()
            return
        # Wide enough to tell people apart by birth year, ID number and address.
        popup = self.completer.popup()
        wanted = max(popup.fontMetrics().horizontalAdvance(d) for _i, _n, d in found) + 40
        width = max(self.picker.width(), min(wanted, 640))
        self.completer.complete(QRect(0, 0, width, self.picker.height()))

    def _on_match_chosen(self, index: QModelIndex) -> None:
        citizen_id = index.data(ID_ROLE)
        if citizen_id:
            self.pick_citizen(citizen_id)

    def pick_citizen(self, citizen_id: str) -> None:
        """Use this directory record as the citizen received."""
        with self.ctx.db.session() as s:
            self._set_citizen(get_citizen(s, citizen_id))
        self._dirty = True
        self.find_repeats()

    def _set_citizen(self, citizen) -> None:
        self.citizen_id = citizen.id
        if getattr(self, "identity_hidden", False):
            # a denouncer, for a user not cleared (DESIGN §4): kept, never shown
            self.citizen_details = (redacted(), None, "")
            self._picked_text = redacted()
            self.picker.setText(redacted())
            self.picker.setReadOnly(True)
            self._show_picked()
            self.clear_pick.setVisible(False)
            return
        self.citizen_details = (citizen.full_name, citizen.id_number, citizen.address)
        self._picked_text = describe_citizen(citizen.full_name, citizen.birth_year,
                                           citizen.id_number, citizen.address)
        self.picker.setText(citizen.full_name)
        self._show_picked()

    def clear_citizen(self) -> None:
        self.citizen_id = None
        self.citizen_details = ("", None, "")
        self.picker.clear()
        if self._name_mirrored:
            self.new_name.clear()
        self._show_picked()
        self.picker.setFocus()
        self.repeat_timer.start()

    def _show_picked(self) -> None:
        picked = self.citizen_id is not None
        self.picked.setText(
            _("From the directory: {citizen}").format(citizen=self._picked_text)
            if picked else "")
        self.form.setRowVisible(self.picked, picked)
        self.clear_pick.setVisible(picked)
        set_rows_visible(self.form, self.errors.labels, self.new_rows, not picked)

    # --- delegation ---------------------------------------------------------------

    def _on_head_count(self, *_args) -> None:
        delegation = is_delegation(self.head_count.value())
        self.delegation_note.setText(
            _("A delegation: name its representatives.") if delegation else "")
        set_rows_visible(self.form, self.errors.labels,
                          [self.representatives, self.delegation_note], delegation)

    # --- saving -------------------------------------------------------------------

    def new_citizen_input(self) -> CitizenInput | None:
        """The inline new citizen, when no directory record is chosen and one is typed."""
        if self.citizen_id is not None:
            return None
        typed = [self.new_name.text(), self.new_birth_year.text(), self.new_id_number.text(),
                 self.new_address.text(), self.new_phone.text()]
        if not any(t.strip() for t in typed) and self.new_gender.currentData() is None:
            return None
        year = self.new_birth_year.text().strip()
        return CitizenInput(
            full_name=self.new_name.text(),
            birth_year=int(year) if year else None,
            gender=self.new_gender.currentData(),
            id_number=self.new_id_number.text().strip() or None,
            address=self.new_address.text(),
            phone=self.new_phone.text(),
        )

    def visit_input(self) -> VisitInput:
        delegation = is_delegation(self.head_count.value())
        return VisitInput(
            content=self.content.toPlainText(),
            citizen_id=self.citizen_id,
            new_citizen=self.new_citizen_input(),
            attendee_ids=list(self.other_attendees),
            head_count=self.head_count.value(),
            representatives=self.representatives.toPlainText() if delegation else "",
            field_code=self.field.currentData(),
            petition_type=self.petition_type.currentData(),
            previously_handled_by=self.previously_handled_by.text(),
            handling=self.handling.currentData() or VisitHandling.NONE,
            direction=self.direction.toPlainText(),
            follow_up=self.follow_up.text(),
            notes=self.notes.text(),
        )

    def save(self) -> str:
        data = self.visit_input()
        register = self.register.isChecked() and self.petition_id is None
        official = self.ctx.acting_official_id
        with self.ctx.db.session(write=True) as s:
            if self.visit_id is None:
                visit = add_visit(s, self.session_id, data)
            else:
                visit = update_visit(s, self.visit_id, data,
                                     expected_version=self.loaded_version)
            petition_id = None
            if register:
                # The same unit of work: a refused petition leaves no visit behind.
                petition = register_petition_from_visit(
                    s, visit.id, petition_type=data.petition_type, official_id=official)
                if self.pending_link is not None:
                    earlier_id, _ref, long_running = self.pending_link
                    link_earlier(s, petition.id, earlier_id, long_running=long_running,
                                 official_id=official)
                petition_id = petition.id
            visit_id = visit.id
        self.visit_id = visit_id
        self.loaded_version = visit.version  # as this save left it
        self.registered_petition_id = petition_id
        self._announce(data, petition_id)
        return visit_id

    def reopened(self) -> RecordDialog | None:
        return VisitDialog(self.ctx, self.session_id, self.visit_id, self.parentWidget()) \
            if self.visit_id else None

    def _announce(self, data: VisitInput, petition_id: str | None) -> None:
        signals = self.ctx.signals
        if data.new_citizen is not None:
            signals.data_changed.emit(RecordKind.CITIZEN)
        signals.data_changed.emit(RecordKind.VISIT)
        if petition_id:
            signals.data_changed.emit(RecordKind.PETITION)
            signals.status_message.emit(_("The visit is saved and a petition registered."))
        else:
            signals.status_message.emit(_("The visit is saved."))

    def _show_registered(self) -> None:
        done = self.petition_id is not None
        self.register.setEnabled(not done and not self.read_only)
        if done:
            self.register.setChecked(False)
        self.registered_note.setText(
            _("A petition was already registered from this visit.") if done else "")
        self.form2.setRowVisible(self.registered_note, done)

    # --- repeat petitions ---------------------------------------------------------

    def _repeat_query(self) -> dict:
        if self.citizen_id is not None:
            name, id_number, address = self.citizen_details
        else:
            name, address = self.new_name.text(), self.new_address.text()
            id_number = self.new_id_number.text().strip() or None
        return {"id_number": id_number, "full_name": name, "address": address,
                "content": self.content.toPlainText(), "unit_ids": self._unit_ids,
                "exclude_petition_id": self.petition_id}

    def find_repeats(self) -> None:
        """Look for earlier petitions off the GUI thread; a newer search wins."""
        self._repeat_seq += 1
        seq = self._repeat_seq
        query = self._repeat_query()
        db = self.ctx.db

        def job() -> list[tuple[str, EarlierPetition]]:
            with db.session() as s:
                found = find_repeats(s, **query)
                shield = protection.shield(s)
                return ([("same", _earlier(p, shield)) for p in found.same_citizen]
                        + [("similar", _earlier(p, shield)) for p in found.similar_content])

        def done(rows: list[tuple[str, EarlierPetition]]) -> None:
            # The form may have been closed while the search ran.
            if isValid(self.same_list) and seq == self._repeat_seq:
                self._repeat_rows = rows
                self._show_repeats()

        run_in_background(job, done, lambda exc: None)

    def repeat_rows(self, which: str) -> list[EarlierPetition]:
        return [p for kind, p in self._repeat_rows if kind == which]

    def _show_repeats(self) -> None:
        for tree, which, empty in (
            (self.same_list, "same", _("No earlier petitions of this citizen.")),
            (self.similar_list, "similar", _("No earlier petitions with similar content.")),
        ):
            tree.clear()
            rows = self.repeat_rows(which)
            for p in rows:
                item = QTreeWidgetItem([format_date(p.received),
                                        label(PetitionType, p.petition_type), p.content])
                item.setData(0, ID_ROLE, p.id)
                item.setData(0, NAME_ROLE, p.ref or p.id[:8])
                tip = self._petition_tip(p)
                for col in range(3):
                    item.setToolTip(col, tip)
                tree.addTopLevelItem(item)
            tree.setToolTip("" if rows else empty)
            if not rows:
                placeholder = QTreeWidgetItem([empty])
                placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
                tree.addTopLevelItem(placeholder)
                placeholder.setFirstColumnSpanned(True)
        self._update_link_buttons()

    @staticmethod
    def _petition_tip(p: EarlierPetition) -> str:
        lines = [_("Petition {ref} received {date}: {status}").format(
            ref=p.ref or "—", date=format_date(p.received), status=label(Status, p.status))]
        if p.petitioners:
            lines.append(p.petitioners)
        lines.append(p.content)
        return "\n".join(lines)

    def _on_repeat_selected(self, tree: QTreeWidget, other: QTreeWidget) -> None:
        if tree.selectedItems():
            other.blockSignals(True)
            other.clearSelection()
            other.blockSignals(False)
        self._update_link_buttons()

    def selected_earlier(self) -> tuple[str, str] | None:
        for tree in (self.same_list, self.similar_list):
            for item in tree.selectedItems():
                pid = item.data(0, ID_ROLE)
                if pid:
                    return pid, item.data(0, NAME_ROLE)
        return None

    def _update_link_buttons(self) -> None:
        chosen = self.selected_earlier() is not None and not self.read_only
        self.link_duplicate.setEnabled(chosen)
        self.link_long_running.setEnabled(chosen)
        self._show_link_note()

    def link_selected(self, long_running: bool) -> None:
        """Link to the selected earlier petition: now if registered, else when it is."""
        chosen = self.selected_earlier()
        if chosen is None:
            return
        earlier_id, ref = chosen
        if self.petition_id is None:
            self.pending_link = (earlier_id, ref, long_running)
            self.register.setChecked(True)
            self._dirty = True
            self._show_link_note()
            return
        try:
            with self.ctx.db.session() as s:
                link_earlier(s, self.petition_id, earlier_id, long_running=long_running,
                             official_id=self.ctx.acting_official_id)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.ctx.signals.data_changed.emit(RecordKind.PETITION)
        self.link_note.setText(
            (_("The petition is marked long-running after petition {ref}.") if long_running
             else _("The petition is linked as a duplicate of petition {ref}.")).format(ref=ref))

    def _show_link_note(self) -> None:
        if self.pending_link is None:
            if self.petition_id is None:
                self.link_note.setText(
                    _("Select an earlier petition to link the one registered from this visit."))
            return
        _id, ref, long_running = self.pending_link
        self.link_note.setText(
            (_("When saved, the new petition will be marked long-running after petition "
               "{ref}.") if long_running else
             _("When saved, the new petition will be linked as a duplicate of petition "
               "{ref}.")).format(ref=ref))
