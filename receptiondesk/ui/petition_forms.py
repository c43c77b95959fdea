"""Petition dialogs (register, edit, each lifecycle step, extension, note) and the small
widgets the petition, meeting, inspection and citizen lists share (period filter,
debounced search box, table set-up)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from ..i18n import N_, _, format_date, yes_no  # noqa: F401 - yes_no re-exported
from ..model.codes import (
    PetitionType,
    Result,
    Status,
    choices,
    label,
    results_for,
)
from ..rules import lifecycle
from ..services import petitions, reference
from ..services.errors import FieldError, ValidationError
from ..services.protection import identity_visible, is_protected, record_identity_view
from ..services.units import list_officials
from .context import AppContext
from .forms import (
    DateEdit,
    RecordDialog,
    check,
    combo,
    compact,
    date_edit,
    fill_combo,
    from_qdate,
    line,
    spin,
)
from .forms import text_edit as _text_edit
from .paged import PagedTableModel

#: what a denunciation shows instead of its petitioners (Denunciations Law art. 9, DESIGN §4)
CONFIDENTIAL = N_("(confidential)")
COMPLEXITY = (N_("Ordinary"), N_("Complex"), N_("Very complex"))
SEARCH_DELAY_MS = 200


# --- texts that follow the language ----------------------------------------------------


class Texts:
    """Remembers which message id each widget text comes from, to set them all again
    when the language changes (the typed input is left alone)."""

    def _texts(self) -> list[tuple[Callable[[str], object], str]]:
        if not hasattr(self, "_text_setters"):
            self._text_setters: list[tuple[Callable[[str], object], str]] = []
        return self._text_setters

    def t(self, setter: Callable[[str], object], msgid: str) -> None:
        """Call ``setter(_(msgid))`` now and after every language change."""
        self._texts().append((setter, msgid))
        setter(_(msgid))

    def apply_texts(self) -> None:
        for setter, msgid in self._texts():
            setter(_(msgid))


def official_choices(session, unit_ids: list[str] | None) -> list[tuple[str, str]]:
    """Active officials of the office and the units below it, in roster order."""
    wanted = set(unit_ids) if unit_ids is not None else None
    return [(o.id, o.full_name) for o in list_officials(session, None)
            if wanted is None or o.unit_id in wanted]


def field_names(session) -> dict[str, str]:
    return dict(reference.field_choices(session))


# --- list widgets shared by the pages ----------------------------------------------------


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


class SearchBox(QLineEdit):
    """A search field that reports what was typed once typing pauses (~200 ms)."""

    search_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self.setObjectName("list_search")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self.textChanged.connect(lambda _t: self._timer.start())

    def flush(self) -> None:
        """Report the text now (tests, Enter)."""
        self._timer.stop()
        self.search_changed.emit(self.text())

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.flush()
            return
        super().keyPressEvent(event)


def setup_table(view: QTableView, model: PagedTableModel, widths: list[int],
                flexible: tuple[int, ...] = ()) -> None:
    """Row selection, elided cells with the full text as tooltip, set column widths.

    ``flexible`` columns share the width the others leave (and give it up first), so the
    list never scrolls sideways to show its key columns; without them the last column
    stretches."""
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setHighlightSections(False)
    for i, width in enumerate(widths):
        view.setColumnWidth(i, width)
    if flexible:
        header.setStretchLastSection(False)
        for i in flexible:
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)


def fit_headers(view: QTableView, widths: list[int]) -> None:
    """Widen a column whose translated title (and sort arrow) would not fit its width."""
    metrics = view.horizontalHeader().fontMetrics()
    model = view.model()
    for i, width in enumerate(widths[:-1]):  # the last column stretches anyway
        title = str(model.headerData(i, Qt.Orientation.Horizontal) or "")
        view.setColumnWidth(i, max(width, metrics.horizontalAdvance(title) + 28))


def enable_sorting(view: QTableView, column: int, order: Qt.SortOrder) -> None:
    """Turn on header sorting with ``column`` first (this loads the first page)."""
    view.horizontalHeader().setSortIndicator(column, order)
    view.setSortingEnabled(True)


def select_row_of(view: QTableView, model: PagedTableModel, record_id: str | None) -> bool:
    """Select the loaded row of ``record_id``; False when it is not in the list."""
    if not record_id:
        return False
    for row in range(model.loaded_count()):
        if model.id_at(row) == record_id:
            view.selectRow(row)
            view.scrollTo(model.index(row, 0))
            return True
    return False


# --- register or correct a petition --------------------------------------------------------


@dataclass
class PetitionerRow:
    label: QLabel
    layout: QHBoxLayout
    name: QLineEdit
    id_number: QLineEdit
    address: QLineEdit
    phone: QLineEdit
    remove: QPushButton
    citizen_id: str | None = None

    def edits(self) -> list[QLineEdit]:
        return [self.name, self.id_number, self.address, self.phone]

    def is_blank(self) -> bool:
        return not any(e.text().strip() for e in self.edits())


class PetitionDialog(Texts, RecordDialog):
    """New petition (or, given ``petition_id``, the correction of its details)."""

    def __init__(self, ctx: AppContext, petition_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.petition_id = petition_id
        self.setObjectName("petition_dialog")
        self.setMinimumWidth(860)
        self.rows: list[PetitionerRow] = []
        self._labels: list[tuple[QLabel, str]] = []
        with ctx.db.session() as s:
            self._sources = reference.source_choices(s)
            self._fields = reference.field_choices(s)
            existing = petitions.get_petition(s, petition_id) if petition_id else None
            self.loaded_version = existing.version if existing is not None else None
            people = [(x.full_name, x.id_number or "", x.address, x.phone, x.citizen_id)
                      for x in existing.petitioners] if existing else []
            hidden = existing is not None and not identity_visible(existing)
            if existing is not None and not hidden and is_protected(existing):
                record_identity_view(s, "petition", existing.id, existing.unit_id,
                                     "petition form")
        self._build(existing)
        #: a denouncer's identity is kept as it is, never shown (DESIGN §4)
        self.kept_people: list[tuple] | None = None
        if hidden:
            self.kept_people = people
            self._hide_petitioners()
        else:
            for person in people or [None]:
                self.add_petitioner(person)
        self.watch(self.received, self.source, self.ptype, self.field, self.content, self.ref,
                   self.forwarded_from, self.signers, self.round, self.anonymous)
        self._dirty = False
        ctx.signals.language_changed.connect(self.retranslate)
        self.retranslate()

    def _row(self, msgid: str, widget, name: str | None = None) -> None:
        lab = QLabel()
        self.t(lab.setText, msgid)
        self.form.addRow(lab, widget)
        if isinstance(widget, QWidget):
            lab.setBuddy(widget)
        if name:
            self.errors.bind(name, widget)

    def _build(self, p) -> None:
        self.received = date_edit(p.received_date if p else date.today())
        self.source = combo(self._sources, p.source_code if p else "reception")
        self.ptype = combo(choices(PetitionType), p.petition_type if p else None, blank="")
        self.field = combo(self._fields, p.field_code if p else None, blank="—")
        self.content = _text_edit(p.content if p else "", lines=4)
        self.ref = line(p.ref if p else "")
        self.forwarded_from = line(p.forwarded_from if p else "")
        self.signers = spin(p.signers if p else 1, 1, 100000)
        self.round = combo([("1", ""), ("2", "")], str(p.complaint_round if p else 1))
        self.anonymous = check("", bool(p and p.anonymous))
        self._row(N_("Date received"), self.received, "received_date")
        self._row(N_("Source"), self.source, "source_code")
        self._row(N_("Petition type"), self.ptype, "petition_type")
        self._row(N_("Field"), self.field, "field_code")
        self._row(N_("Content"), self.content, "content")
        self._row(N_("Reference number"), self.ref, "ref")
        self._row(N_("Forwarded from"), self.forwarded_from, "forwarded_from")
        self._row(N_("Number of signers"), self.signers, "signers")
        self._row(N_("Complaint level"), self.round, "complaint_round")
        self._row(N_("Anonymous"), self.anonymous)
        self.t(self.anonymous.setText, N_("No name or address is given"))
        header = QHBoxLayout()
        for msgid in (N_("Full name"), N_("ID number"), N_("Address"), N_("Phone")):
            cap = QLabel()
            self.t(cap.setText, msgid)
            cap.setStyleSheet("font-weight: bold;")
            header.addWidget(cap, 3 if msgid in ("Full name", "Address") else 2)
        header.addSpacing(34)
        self._row(N_("Petitioners"), header)
        self.add_button = QPushButton()
        self.add_button.setObjectName("add_petitioner")
        self.t(self.add_button.setText, N_("Add a petitioner"))
        self.add_button.clicked.connect(lambda: self.add_petitioner(None))
        holder = QHBoxLayout()
        holder.addWidget(self.add_button)
        holder.addStretch(1)
        self.form.addRow("", holder)
        self.errors.bind("petitioners", self.add_button)
        self.ptype.currentIndexChanged.connect(self._type_changed)
        self._type_changed()

    def _hide_petitioners(self) -> None:
        for row in (self._row_of_add_button() - 1, self._row_of_add_button()):
            self.form.setRowVisible(row, False)
        note = QLabel()
        note.setObjectName("petitioners_confidential")
        self.t(note.setText, CONFIDENTIAL)
        cap = QLabel()
        self.t(cap.setText, N_("Petitioners"))
        self.form.insertRow(self._row_of_add_button() + 2, cap, note)

    def _type_changed(self, *_args) -> None:
        self.round.setEnabled(self.ptype.currentData() == PetitionType.COMPLAINT)

    # --- petitioner rows -------------------------------------------------------------

    def add_petitioner(self, person: tuple | None = None) -> PetitionerRow:
        name, id_number, address, phone, citizen_id = person or ("", "", "", "", None)
        layout = QHBoxLayout()
        edits = [line(name), line(id_number), line(address), line(phone)]
        edits[1].setMaxLength(20)
        for edit, stretch in zip(edits, (3, 2, 3, 2), strict=True):
            layout.addWidget(edit, stretch)
            self.watch(edit)
        remove = QPushButton("✕")
        remove.setFixedWidth(30)
        layout.addWidget(remove)
        lab = QLabel()
        row = PetitionerRow(lab, layout, *edits, remove=remove, citizen_id=citizen_id)
        remove.clicked.connect(lambda: self.remove_petitioner(row))
        self.form.insertRow(self._row_of_add_button(), lab, layout)
        self.rows.append(row)
        self._bind_row(len(self.rows) - 1, row)
        self._label_rows()
        return row

    def _row_of_add_button(self) -> int:
        # The button sits in a layout of its own row; new petitioners go just above it.
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if item is not None and item.layout() is not None and \
                    item.layout().indexOf(self.add_button) >= 0:
                return row
        return self.form.rowCount()

    def _bind_row(self, i: int, row: PetitionerRow) -> None:
        for key, edit in zip(("full_name", "id_number", "address", "phone"), row.edits(),
                             strict=True):
            self.errors.bind(f"petitioners.{i}.{key}", edit)

    def _label_rows(self) -> None:
        for i, row in enumerate(self.rows, start=1):
            row.label.setText(_("Petitioner {number}").format(number=i))
            row.remove.setToolTip(_("Remove this petitioner"))
            row.name.setAccessibleName(_("Full name"))
            row.id_number.setAccessibleName(_("ID number"))
            row.id_number.setPlaceholderText(_("12 digits"))
            row.address.setAccessibleName(_("Address"))
            row.phone.setAccessibleName(_("Phone"))

    def remove_petitioner(self, row: PetitionerRow) -> None:
        """Drop a row; the others are laid out again so error names keep their index."""
        people = [(r.name.text(), r.id_number.text(), r.address.text(), r.phone.text(),
                   r.citizen_id) for r in self.rows if r is not row]
        for r in self.rows:
            self._unbind_row(r)
        self.rows = []
        for person in people:
            self.add_petitioner(person)
        self._dirty = True

    def _unbind_row(self, row: PetitionerRow) -> None:
        for name in [n for n in self.errors.labels if n.startswith("petitioners.")]:
            if self.errors.widgets[name] in row.edits():
                label = self.errors.labels.pop(name)
                self.errors.widgets.pop(name)
                self.form.removeRow(label)
        self.form.removeRow(row.label)

    # --- saving ------------------------------------------------------------------

    def petition_input(self) -> tuple[petitions.PetitionInput, list[int]]:
        """The typed petition, and the row index of each petitioner sent."""
        sent = [i for i, r in enumerate(self.rows) if not r.is_blank()]
        people = [
            petitions.PetitionerInput(
                full_name=self.rows[i].name.text(),
                id_number=self.rows[i].id_number.text() or None,
                address=self.rows[i].address.text(),
                phone=self.rows[i].phone.text(),
                citizen_id=self.rows[i].citizen_id,
            )
            for i in sent
        ]
        if self.kept_people is not None:
            people = [petitions.PetitionerInput(name, id_number or None, address, phone, cid)
                      for name, id_number, address, phone, cid in self.kept_people]
        data = petitions.PetitionInput(
            received_date=from_qdate(self.received.date()),
            petition_type=self.ptype.currentData() or "",
            content=self.content.toPlainText(),
            source_code=self.source.currentData() or "",
            field_code=self.field.currentData(),
            ref=self.ref.text(),
            forwarded_from=self.forwarded_from.text(),
            signers=self.signers.value(),
            petitioners=people,
            complaint_round=int(self.round.currentData() or 1),
            anonymous=self.anonymous.isChecked(),
        )
        return data, sent

    def save(self) -> str | None:
        data, sent = self.petition_input()
        try:
            with self.ctx.db.session(write=True) as s:
                if self.petition_id:
                    p = petitions.update_petition(s, self.petition_id, data,
                                                  expected_version=self.loaded_version)
                else:
                    p = petitions.register_petition(s, self.ctx.unit_id, data,
                                                    official_id=self.ctx.acting_official_id)
                return p.id
        except ValidationError as exc:
            raise _renumber(exc, sent) from None

    def reopened(self) -> RecordDialog | None:
        return PetitionDialog(self.ctx, self.petition_id, self.parentWidget()) \
            if self.petition_id else None

    def retranslate(self) -> None:
        self.setWindowTitle(_("Correct the petition") if self.petition_id
                            else _("New petition"))
        if not self.petition_id:
            self.ref.setPlaceholderText(_("Empty: numbered on registration"))
        self.apply_texts()
        with self.ctx.db.session() as s:
            fill_combo(self.source, reference.source_choices(s))
            fill_combo(self.field, reference.field_choices(s), blank="—")
        fill_combo(self.ptype, choices(PetitionType), blank=_("— choose —"))
        fill_combo(self.round, [("1", _("First level")), ("2", _("Second level"))])
        self._label_rows()
        save_cancel_texts(self)


def _renumber(exc: ValidationError, sent: list[int]) -> ValidationError:
    """Map "petitioners.K.x" (K-th person sent) back to the form row it came from."""
    errors = []
    for e in exc.errors:
        name = e.field
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "petitioners" and parts[1].isdigit():
            k = int(parts[1])
            if k < len(sent):
                name = f"petitioners.{sent[k]}.{parts[2]}"
        errors.append(FieldError(name, e.message))
    return ValidationError(errors)


def save_cancel_texts(dialog: RecordDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))


# --- one step of the lifecycle -----------------------------------------------------------------


@dataclass
class PetitionFacts:
    """What a step dialog needs to know about the petition, read once when it opens."""

    id: str
    ref: str
    petition_type: str
    status: str
    received_date: date
    field_code: str | None
    signers: int
    anonymous: bool
    complexity: int
    eligible: bool | None
    within_competence: bool | None
    beyond_level: bool
    long_running: bool
    many_signers: bool
    assigned_official_id: str | None
    running: list[tuple[str, str, date, int | None]] = field(default_factory=list)
    version: int | None = None
    #: a complaint about a Party discipline decision (``rules.competence``)
    party_matter: bool = False
    #: the petition's unit is a Party committee
    party_unit: bool = False


def petition_facts(ctx: AppContext, petition_id: str) -> PetitionFacts:
    with ctx.db.session() as s:
        p = petitions.get_petition(s, petition_id)
        running = [(d.key, d.title, d.due, d.rule.extension_days)
                   for d in petitions.deadlines(s, petition_id) if petitions.can_extend(p, d)]
        return PetitionFacts(
            p.id, p.ref, p.petition_type, p.status, p.received_date, p.field_code,
            p.signers or 1, bool(p.anonymous), p.complexity or 0, p.eligible,
            p.within_competence, bool(p.beyond_level), bool(p.long_running),
            bool(p.many_signers), p.assigned_official_id, running, p.version,
            bool(p.party_matter), petitions.Deadlines.of(s).unit_kind(p.unit_id) == "party",
        )


class StepDialog(Texts, RecordDialog):
    """A lifecycle step: its own fields, then the date, the official and a note."""

    title_msgid = ""
    date_msgid = N_("Date")
    date_field = "date"
    official_msgid = N_("Official")
    note_msgid = N_("Note")

    def __init__(self, ctx: AppContext, petition_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.petition_id = petition_id
        self.setMinimumWidth(520)
        self.p = petition_facts(ctx, petition_id)
        self.loaded_version = self.p.version
        with ctx.db.session() as s:
            self._officials = official_choices(s, ctx.unit_ids())
            self._fields = reference.field_choices(s)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold;")
        self.form.addRow(self.heading)
        self.build()
        self.date = date_edit(date.today())
        self._row(self.date_msgid, self.date, self.date_field)
        if self.date_field != "date":  # the lifecycle's own date checks report as "date"
            self.errors.bind("date", self.date)
        self.official = combo(self._officials, self.default_official(), blank="—")
        self._row(self.official_msgid, self.official, "official_id")
        self.note = _text_edit("", lines=2)
        self._row(self.note_msgid, self.note, "note")
        self.after_build()
        self.watch(self.date, self.official, self.note)
        self._dirty = False
        ctx.signals.language_changed.connect(self.retranslate)
        self.retranslate()

    def default_official(self) -> str | None:
        return self.ctx.acting_official_id

    def reopened(self) -> RecordDialog | None:
        return type(self)(self.ctx, self.petition_id, self.parentWidget())

    def _row(self, msgid: str, widget, name: str | None = None) -> QLabel:
        lab = QLabel()
        self.t(lab.setText, msgid)
        self.form.addRow(lab, widget)
        if isinstance(widget, QWidget):
            lab.setBuddy(widget)
        if name:
            self.errors.bind(name, widget)
        return lab

    def build(self) -> None:
        """Add the step's own fields (before the date)."""

    def after_build(self) -> None:
        """Adjust after every field exists."""

    def on(self) -> date:
        return from_qdate(self.date.date())

    def official_id(self) -> str | None:
        return self.official.currentData()

    def note_text(self) -> str:
        return self.note.toPlainText()

    def retranslate(self) -> None:
        self.setWindowTitle(_(self.title_msgid))
        self.heading.setText(_("Petition {ref}: {type}, received {date}, now {status}").format(
            ref=self.p.ref or "—", type=label(PetitionType, self.p.petition_type).lower(),
            date=format_date(self.p.received_date), status=label(Status, self.p.status).lower()))
        self.apply_texts()
        self.retranslate_fields()
        save_cancel_texts(self)

    def retranslate_fields(self) -> None:
        """Refill translated drop-downs of the step's own fields."""


class ClassifyDialog(StepDialog):
    title_msgid = N_("Classify")

    def build(self) -> None:
        p = self.p
        self.ptype = combo(choices(PetitionType), p.petition_type)
        self.field = combo(self._fields, p.field_code, blank="—")
        self._row(N_("Petition type"), self.ptype, "petition_type")
        self._row(N_("Field"), self.field, "field_code")
        self.eligible = check("", True if p.eligible is None else p.eligible)
        self.within_competence = check(
            "", True if p.within_competence is None else p.within_competence)
        self.anonymous = check("", p.anonymous)
        self.many_signers = check("", p.many_signers or p.signers >= 5)
        self.beyond_level = check("", p.beyond_level)
        self.long_running = check("", p.long_running)
        self.party_matter = check("", p.party_matter)
        grid = QGridLayout()
        boxes = [
            (self.eligible, N_("Eligible (name, address, signature, clear content)")),
            (self.within_competence, N_("Within the unit's competence")),
            (self.anonymous, N_("Anonymous")),
            (self.many_signers, N_("Signed by many people")),
            (self.beyond_level, N_("Beyond the competent level")),
            (self.long_running, N_("Long-running (raised again)")),
        ]
        if p.party_unit:  # what a Party committee itself resolves (rules.competence)
            boxes.append((self.party_matter,
                          N_("A Party matter (complaint about a Party discipline decision)")))
        for i, (box, msgid) in enumerate(boxes):
            self.t(box.setText, msgid)
            grid.addWidget(box, i, 0)  # one a line: the Vietnamese texts are long
        self._row(N_("Classification"), grid)
        self.complexity = combo([(str(i), "") for i in range(3)], str(p.complexity))
        self._row(N_("Complexity"), self.complexity, "complexity")
        self.watch(self.ptype, self.field, self.complexity, *[b for b, _m in boxes])

    def retranslate_fields(self) -> None:
        fill_combo(self.ptype, choices(PetitionType))
        fill_combo(self.complexity, [(str(i), _(m)) for i, m in enumerate(COMPLEXITY)])
        with self.ctx.db.session() as s:
            fill_combo(self.field, reference.field_choices(s), blank="—")

    def save(self) -> str | None:
        data = petitions.Classification(
            eligible=self.eligible.isChecked(),
            within_competence=self.within_competence.isChecked(),
            anonymous=self.anonymous.isChecked(),
            many_signers=self.many_signers.isChecked(),
            beyond_level=self.beyond_level.isChecked(),
            long_running=self.long_running.isChecked(),
            party_matter=self.party_matter.isChecked(),
            complexity=int(self.complexity.currentData() or 0),
            petition_type=self.ptype.currentData(),
            field_code=self.field.currentData(),
        )
        with self.ctx.db.session(write=True) as s:
            petitions.classify(s, self.petition_id, data, self.on(), self.official_id(),
                               self.note_text(), expected_version=self.loaded_version)
        return self.petition_id


class HandlingDialog(StepDialog):
    """Accept, guide, forward, urge, archive or return (one dialog per decision)."""

    NEEDS_BODY = ("guide", "forward", "urge")

    def __init__(self, ctx: AppContext, petition_id: str, action: str,
                 parent: QWidget | None = None) -> None:
        self.action = action
        self.title_msgid = lifecycle.ACTIONS[action].title
        if action == "accept":
            self.official_msgid = N_("Assigned official")
        super().__init__(ctx, petition_id, parent)

    def build(self) -> None:
        self.handled_to = line()
        self.handled_to.setObjectName("handled_to")
        msgid = {"guide": N_("Guided to (competent body)"),
                 "forward": N_("Forwarded to"),
                 "urge": N_("Body urged")}.get(self.action, N_("Sent to"))
        self.handled_to_label = self._row(msgid, self.handled_to, "handled_to")
        shown = self.action in self.NEEDS_BODY
        self.handled_to.setVisible(shown)
        self.handled_to_label.setVisible(shown)
        self.watch(self.handled_to)

    def default_official(self) -> str | None:
        return self.p.assigned_official_id or self.ctx.acting_official_id

    def reopened(self) -> RecordDialog | None:
        return HandlingDialog(self.ctx, self.petition_id, self.action, self.parentWidget())

    def save(self) -> str | None:
        handling = lifecycle.HANDLING_OF_ACTION[self.action]
        with self.ctx.db.session(write=True) as s:
            petitions.decide_handling(s, self.petition_id, handling, self.on(),
                                      self.official_id(), self.handled_to.text(),
                                      self.note_text(), expected_version=self.loaded_version)
        return self.petition_id


class StartDialog(StepDialog):
    title_msgid = N_("Start resolution")

    def save(self) -> str | None:
        with self.ctx.db.session(write=True) as s:
            petitions.start_resolution(s, self.petition_id, self.on(), self.official_id(),
                                       self.note_text(), expected_version=self.loaded_version)
        return self.petition_id


class NoticeDialog(StepDialog):
    """The denouncer and the denounced notified of the acceptance (Luật Tố cáo 2018,
    Điều 29)."""

    title_msgid = N_("Notify the parties of the acceptance")

    def save(self) -> str | None:
        with self.ctx.db.session(write=True) as s:
            petitions.record_notice(s, self.petition_id, self.on(), self.official_id(),
                                    self.note_text(), expected_version=self.loaded_version)
        return self.petition_id


def result_choices(petition_type: str) -> list[tuple[str, str]]:
    """The results of the petition's family: complaints, denunciations and recommendations
    or reflections differ (``model.codes.results_for``)."""
    allowed = results_for(petition_type)
    return [(code, text) for code, text in choices(Result) if code in allowed]


class ResultDialog(StepDialog):
    title_msgid = N_("Record the result")
    date_msgid = N_("Result date")
    date_field = "result_date"

    def build(self) -> None:
        self.result_box = combo(result_choices(self.p.petition_type), blank="")
        self._row(N_("Result"), self.result_box, "result")
        self.decision_number = line()
        self._row(N_("Decision number"), self.decision_number, "decision_number")
        self.has_decision_date = QCheckBox()
        self.decision_date = date_edit(date.today())
        self.decision_date.setEnabled(False)
        self.has_decision_date.toggled.connect(self.decision_date.setEnabled)
        box = QHBoxLayout()
        box.addWidget(self.has_decision_date)
        box.addWidget(self.decision_date, 1)
        self._row(N_("Decision date"), box, "decision_date")
        self.watch(self.result_box, self.decision_number, self.has_decision_date,
                   self.decision_date)

    def retranslate_fields(self) -> None:
        fill_combo(self.result_box, result_choices(self.p.petition_type), blank=_("— choose —"))
        self.has_decision_date.setToolTip(_("The decision is dated"))

    def save(self) -> str | None:
        decided = from_qdate(self.decision_date.date()) if self.has_decision_date.isChecked() \
            else None
        with self.ctx.db.session(write=True) as s:
            petitions.record_result(s, self.petition_id, self.result_box.currentData() or "",
                                    self.on(), self.decision_number.text(), decided,
                                    self.official_id(), self.note_text(),
                                    expected_version=self.loaded_version)
        return self.petition_id


class CloseDialog(StepDialog):
    title_msgid = N_("Close")

    def save(self) -> str | None:
        with self.ctx.db.session(write=True) as s:
            petitions.close_petition(s, self.petition_id, self.on(), self.official_id(),
                                     self.note_text(), expected_version=self.loaded_version)
        return self.petition_id


class ExtendDialog(StepDialog):
    title_msgid = N_("Extend a deadline")
    date_msgid = N_("Decision date")
    date_field = "decided_on"
    note_msgid = N_("Reason")

    def build(self) -> None:
        self.deadline = QComboBox()
        self.deadline.setObjectName("deadline_key")
        self._row(N_("Deadline"), self.deadline, "deadline_key")
        first = self.p.running[0] if self.p.running else None
        self.days = spin((first[3] if first and first[3] else 30), 1, 365)
        self._row(N_("Extension days"), self.days, "days")
        self.decision_number = line()
        self._row(N_("Decision number"), self.decision_number, "decision_number")
        self.deadline.currentIndexChanged.connect(self._deadline_changed)
        self.watch(self.deadline, self.days, self.decision_number)

    def after_build(self) -> None:
        self.errors.bind("reason", self.note)

    def _deadline_changed(self, _index: int) -> None:
        key = self.deadline.currentData()
        for k, _title, _due, limit in self.p.running:
            if k == key and limit:
                self.days.setValue(limit)

    def retranslate_fields(self) -> None:
        fill_combo(self.deadline, [
            (key, _("{title} (due {date})").format(title=title, date=format_date(due)))
            for key, title, due, _limit in _retitled(self.p.running)
        ])

    def save(self) -> str | None:
        with self.ctx.db.session(write=True) as s:
            petitions.extend_deadline(
                s, self.petition_id, self.deadline.currentData() or "", self.days.value(),
                self.on(), self.note_text(), self.decision_number.text(), self.official_id(),
                expected_version=self.loaded_version)
        return self.petition_id


def _retitled(running: list[tuple[str, str, date, int | None]]):
    from ..rules.deadlines import rule_title

    return [(key, rule_title(key), due, limit) for key, _t, due, limit in running]


class NoteDialog(StepDialog):
    title_msgid = N_("Add a note")

    def save(self) -> str | None:
        with self.ctx.db.session(write=True) as s:
            petitions.add_note(s, self.petition_id, self.on(), self.note_text(),
                               self.official_id())
        return self.petition_id


class SplitDialog(StepDialog):
    """A mixed petition split into its contents (``petitions.split_petition``)."""

    title_msgid = N_("Split into its contents")
    PARTS = ("complaint", "denunciation", "recommendation", "reflection")

    def build(self) -> None:
        self.parts = {code: check("", code in ("complaint", "denunciation"))
                      for code in self.PARTS}
        grid = QGridLayout()
        for i, (code, box) in enumerate(self.parts.items()):
            box.setText(label(PetitionType, code))
            grid.addWidget(box, i, 0)
        self._row(N_("Contents"), grid)
        self.errors.bind("parts", self.parts["complaint"])

    def save(self) -> str | None:
        chosen = [code for code, box in self.parts.items() if box.isChecked()]
        with self.ctx.db.session(write=True) as s:
            petitions.split_petition(s, self.petition_id, chosen, self.on(),
                                     self.official_id(), expected_version=self.loaded_version)
        return self.petition_id


#: the buttons of the detail view besides the lifecycle's own steps
EXTRA_ACTIONS: dict[str, str] = {
    "split": N_("Split into its contents"),
    "notify": N_("Notify the parties of the acceptance"),
    "extend": N_("Extend a deadline"),
    "note": N_("Add a note"),
    "edit": N_("Correct details"),
}


def make_step_dialog(ctx: AppContext, code: str, petition_id: str,
                     parent: QWidget | None = None, version: int | None = None) -> RecordDialog:
    """The dialog of a lifecycle action code, or of "extend", "note", "edit".

    ``version`` is the petition's version the user saw where they chose the step (the
    detail view): a save is refused if the petition changed since, even before the
    dialog opened.
    """
    dialog = _step_dialog(ctx, code, petition_id, parent)
    if version is not None and dialog.loaded_version is not None:
        dialog.loaded_version = version
    return dialog


def _step_dialog(ctx: AppContext, code: str, petition_id: str,
                 parent: QWidget | None) -> RecordDialog:
    if code == "classify":
        return ClassifyDialog(ctx, petition_id, parent)
    if code in lifecycle.HANDLING_OF_ACTION:
        return HandlingDialog(ctx, petition_id, code, parent)
    simple = {"start": StartDialog, "resolve": ResultDialog, "close": CloseDialog,
              "notify": NoticeDialog, "split": SplitDialog,
              "extend": ExtendDialog, "note": NoteDialog}
    if code in simple:
        return simple[code](ctx, petition_id, parent)
    if code == "edit":
        return PetitionDialog(ctx, petition_id, parent)
    raise KeyError(code)
