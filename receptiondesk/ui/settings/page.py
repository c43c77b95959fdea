"""Settings: language, the office's details, its officials, the lookup tables (fields and
sources), the deadline rules and the office calendar.

Switching the language relabels every open page and dialog at once without losing what
was typed. Changing a rule or the calendar recomputes the open petitions' due dates off
the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...i18n import N_, _, current_language, format_date, format_datetime, ngettext, set_language
from ...model.codes import DutyRole, Level, UnitKind, choices, label
from ...rules.calendar import CULTURAL_DAY, GOVERNMENT_DAY_SWAPS, UNCONFIRMED_HOLIDAYS, DayCount
from ...rules.deadlines import RULE_TITLES, rule_title, source_unconfirmed
from ...services import lookups, numbering
from ...services.errors import ChangedByAnotherUser, ServiceError
from ...services.record_kinds import RecordKind
from ...services.units import (
    OfficialInput,
    UnitInput,
    create_official,
    dissolve_unit,
    get_official,
    get_unit,
    list_officials,
    list_units,
    update_official,
    update_unit,
)
from ..context import AppContext
from ..folder_work import FolderWork, open_folder
from ..forms import (
    FieldErrors,
    RecordDialog,
    ask_reload,
    check,
    combo,
    date_edit,
    fill_combo,
    from_qdate,
    line,
    open_on_enter,
    show_error,
    spin,
)
from ..page import Page
from ..paged import Column, PagedTableModel, Row
from ..qt_translation import refresh_qt_translator
from ..widgets.tables import new_table
from ..widgets.texts import yes_no
from ..worker import run_in_background

#: language codes and their names, each written in its own language (never translated)
LANGUAGE_NAMES = (("vi", "Tiếng Việt"), ("en", "English"))

MODE_TITLES = {DayCount.CALENDAR: N_("Calendar days"), DayCount.WORKING: N_("Working days")}
CALENDAR_KIND_TITLES = {"day_off": N_("Make-up day off"),
                        "working_day": N_("Make-up working day")}


def change_language(ctx: AppContext, lang: str) -> None:
    """Make ``lang`` the interface language now and at the next start."""
    from ..app import app_settings

    lang = set_language(lang)
    refresh_qt_translator()  # Qt's own buttons and dialogs follow
    settings = app_settings()
    settings.setValue("ui/language", lang)
    settings.sync()
    ctx.signals.language_changed.emit(lang)


def _selected_id(view: QTableView) -> str | None:
    model = view.model()
    assert isinstance(model, PagedTableModel)
    return model.id_at(view.currentIndex().row())


def _slice(rows: list[Row], offset: int, limit: int) -> list[Row]:
    return rows[offset:offset + limit]


def _rule_order(row) -> tuple[int, str, date]:
    # The legal process order (receipt → resolution), each rule's versions by date.
    keys = list(RULE_TITLES)
    return (keys.index(row.key) if row.key in keys else len(keys), row.key, row.effective_from)


def _longer_limits(rule) -> str:
    """The complex-case and remote-area variants of a rule, in words."""
    parts = [text.format(days=days) for text, days in (
        (_("complex: {days}"), rule.complex_days),
        (_("remote area: {days}"), rule.remote_days),
        (_("remote area and complex: {days}"), rule.remote_complex_days),
    ) if days is not None]
    return "; ".join(parts) or "—"


def _extensions(rule) -> str:
    if not rule.extension_days:
        return "—"
    each = ngettext("{days} day", "{days} days", rule.extension_days).format(
        days=rule.extension_days)
    if not rule.max_extensions:
        return each
    return ngettext("{each}, at most once", "{each}, at most {count} times",
                    rule.max_extensions).format(each=each, count=rule.max_extensions)


def optional_spin(value: int | None, maximum: int = 1000) -> QSpinBox:
    """A number of days that may be left empty ("—" means none)."""
    box = spin(value or 0, 0, maximum)
    box.setSpecialValueText("—")
    return box


def _optional(box: QSpinBox) -> int | None:
    return box.value() or None


# --- dialogs -------------------------------------------------------------------



def _note_buttons_list(owner: QWidget, note: QLabel, buttons: list[QPushButton],
                       view: QWidget) -> None:
    """A tab of a list: its note on top, then its buttons on the left, then the list."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    layout = QVBoxLayout(owner)
    layout.addWidget(note)
    layout.addLayout(row)
    layout.addWidget(view)

class TranslatedDialog(RecordDialog):
    """A RecordDialog whose labels follow the interface language while it is open."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.labels: dict[str, tuple[QLabel, str]] = {}
        ctx.signals.language_changed.connect(self._on_language)

    def add_row(self, name: str, title: str, widget: QWidget, bind: bool = True) -> None:
        """A labelled field; ``title`` is an English message id, translated when shown."""
        caption = QLabel()
        caption.setBuddy(widget)
        self.labels[name] = (caption, title)
        self.form.addRow(caption, widget)
        if bind:
            self.errors.bind(name, widget)

    def retranslate(self) -> None:
        for caption, title in self.labels.values():
            caption.setText(_(title))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        save.setText(_("Save"))
        cancel.setText(_("Cancel"))

    def _on_language(self, _lang: str) -> None:
        if shiboken6.isValid(self):
            self.retranslate()

    def done(self, result: int) -> None:
        try:
            self.ctx.signals.language_changed.disconnect(self._on_language)
        except (RuntimeError, TypeError):
            pass
        super().done(result)


class OfficialDialog(TranslatedDialog):
    """Add or edit an official of the office: name, position and reception-duty role."""

    def __init__(self, ctx: AppContext, official_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("official_dialog")
        self.official_id = official_id
        name, position, role, active = "", "", DutyRole.NONE.value, True
        if official_id:
            with ctx.db.session() as s:
                o = get_official(s, official_id)
                name, position, role, active = o.full_name, o.position, o.duty_role, o.active
                self.loaded_version = o.version
        self.full_name = line(name)
        self.full_name.setObjectName("official_full_name")
        self.position = line(position)
        self.position.setObjectName("official_position")
        self.duty_role = combo(choices(DutyRole), role)
        self.duty_role.setObjectName("official_duty_role")
        self.active = check("", active)
        self.add_row("full_name", N_("Full name:"), self.full_name)
        self.add_row("position", N_("Position:"), self.position)
        self.add_row("duty_role", N_("Reception duty:"), self.duty_role)
        self.add_row("active", N_("Status:"), self.active, bind=False)
        self.watch(self.full_name, self.position, self.duty_role, self.active)
        self.setMinimumWidth(460)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Edit official") if self.official_id else _("New official"))
        self.full_name.setPlaceholderText(_("e.g. Nguyễn Văn An"))
        self.position.setPlaceholderText(_("e.g. Chairman of the commune People's Committee"))
        fill_combo(self.duty_role, choices(DutyRole))
        self.active.setText(_("Still works in this office"))

    def data(self) -> OfficialInput:
        return OfficialInput(
            full_name=self.full_name.text(),
            position=self.position.text(),
            duty_role=self.duty_role.currentData(),
            active=self.active.isChecked(),
        )

    def save(self) -> str | None:
        with self.ctx.db.session(write=True) as s:
            if self.official_id:
                official = update_official(s, self.official_id, self.data(),
                                           expected_version=self.loaded_version)
            else:
                official = create_official(s, self.ctx.unit_id, self.data())
            official_id = official.id
        self.ctx.signals.data_changed.emit(RecordKind.OFFICIAL)
        return official_id

    def reopened(self) -> RecordDialog | None:
        return OfficialDialog(self.ctx, self.official_id, self.parentWidget()) \
            if self.official_id else None


class LookupDialog(TranslatedDialog):
    """Add or edit a field (lĩnh vực) or a petition source."""

    def __init__(self, ctx: AppContext, kind: str, code: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName(f"{kind}_dialog")
        self.kind = kind
        self.existing = code
        values = lookups.LookupInput("", "", "")
        if code:
            with ctx.db.session() as s:
                row = next(r for r in lookups.list_lookup(s, kind) if r.code == code)
                values = lookups.LookupInput(row.code, row.name_vi, row.name_en,
                                             row.national_code, row.active)
        self.code = line(values.code)
        self.code.setReadOnly(code is not None)  # records refer to the code
        self.name_vi = line(values.name_vi)
        self.name_en = line(values.name_en)
        self.national_code = line(values.national_code)
        self.active = check("", values.active)
        self.add_row("code", N_("Code:"), self.code)
        self.add_row("name_vi", N_("Vietnamese name:"), self.name_vi)
        self.add_row("name_en", N_("English name:"), self.name_en)
        self.add_row("national_code", N_("National database code:"), self.national_code)
        self.add_row("active", N_("In use:"), self.active, bind=False)
        self.watch(self.code, self.name_vi, self.name_en, self.national_code, self.active)
        self.setMinimumWidth(520)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        titles = {
            ("field", False): _("New field"), ("field", True): _("Edit field"),
            ("source", False): _("New source"), ("source", True): _("Edit source"),
        }
        self.setWindowTitle(titles[(self.kind, self.existing is not None)])
        self.code.setPlaceholderText(_("lower-case letters, digits and _, e.g. land_use"))
        self.active.setText(_("Offered in forms"))

    def save(self) -> str | None:
        data = lookups.LookupInput(self.code.text(), self.name_vi.text(), self.name_en.text(),
                                   self.national_code.text(), self.active.isChecked())
        with self.ctx.db.session(write=True) as s:
            code = lookups.save_lookup(s, self.kind, data, self.existing).code
        self.ctx.signals.data_changed.emit(RecordKind.LOOKUPS)
        return code


class RuleDialog(TranslatedDialog):
    """A new version of a deadline rule (from a date), or a correction of one version."""

    def __init__(self, ctx: AppContext, base: lookups.RuleInput, rule_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("rule_dialog")
        self.rule_id = rule_id
        # A version always belongs to the rule it was made from: the deadline is shown, not
        # chosen.
        self.key = QLabel()
        self.key.setObjectName("rule_key")
        bold = self.key.font()
        bold.setBold(True)
        self.key.setFont(bold)
        self.effective_from = date_edit(base.effective_from)
        self.days = spin(base.days, 0, 1000)
        self.mode = combo([], str(base.mode))
        self.complex_days = optional_spin(base.complex_days)
        self.remote_days = optional_spin(base.remote_days)
        self.remote_complex_days = optional_spin(base.remote_complex_days)
        self.extension_days = optional_spin(base.extension_days)
        self.max_extensions = spin(base.max_extensions, 0, 10)
        self.legal_basis = line(base.legal_basis)
        self._base_key = base.key
        self._base_mode = str(base.mode)
        self.add_row("key", N_("Deadline:"), self.key)
        self.add_row("effective_from", N_("In force from:"), self.effective_from)
        self.add_row("days", N_("Days:"), self.days)
        self.add_row("mode", N_("Counted in:"), self.mode)
        self.add_row("complex_days", N_("Days if complex:"), self.complex_days)
        self.add_row("remote_days", N_("Days in remote areas:"), self.remote_days)
        self.add_row("remote_complex_days", N_("Remote areas, if complex:"),
                     self.remote_complex_days)
        self.add_row("extension_days", N_("Days per extension:"), self.extension_days)
        self.add_row("max_extensions", N_("Extensions allowed:"), self.max_extensions)
        self.add_row("legal_basis", N_("Legal basis:"), self.legal_basis)
        self.watch(self.effective_from, self.days, self.mode, self.complex_days,
                   self.remote_days, self.remote_complex_days, self.extension_days,
                   self.max_extensions, self.legal_basis)
        self.setMinimumWidth(560)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Edit rule version") if self.rule_id
                            else _("New version of a deadline rule"))
        self.key.setText(rule_title(self._base_key))
        fill_combo(self.mode, [(m.value, _(t)) for m, t in MODE_TITLES.items()],
                   self.mode.currentData() or self._base_mode)
        self.max_extensions.setSpecialValueText(_("none"))

    def data(self) -> lookups.RuleInput:
        return lookups.RuleInput(
            key=self._base_key,
            effective_from=from_qdate(self.effective_from.date()),
            days=self.days.value(),
            mode=self.mode.currentData(),
            complex_days=_optional(self.complex_days),
            remote_days=_optional(self.remote_days),
            remote_complex_days=_optional(self.remote_complex_days),
            extension_days=_optional(self.extension_days),
            max_extensions=self.max_extensions.value(),
            legal_basis=self.legal_basis.text(),
        )

    def save(self) -> str | None:
        with self.ctx.db.session(write=True) as s:
            # The due dates follow in the background (the page starts it after Save).
            row = lookups.save_rule_version(s, self.data(), self.rule_id, recompute=False)
            rule_id = row.id
        self.ctx.signals.data_changed.emit(RecordKind.RULES)
        return rule_id


# --- tabs ----------------------------------------------------------------------


class LanguageTab(QGroupBox):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.language = QComboBox()
        self.language.setObjectName("language_choice")
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.language.currentIndexChanged.connect(self._chosen)
        self.caption = QLabel()
        self.caption.setBuddy(self.language)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.language.setMinimumWidth(240)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.caption, self.language)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)

    def retranslate(self) -> None:
        self.setTitle(_("Interface"))
        self.caption.setText(_("&Language:"))
        self.note.setText(_("The change takes effect at once and is kept for the next start. "
                            "Forms that are open keep what you have typed."))
        self.language.blockSignals(True)
        self.language.setCurrentIndex(max(self.language.findData(current_language()), 0))
        self.language.blockSignals(False)

    def _chosen(self, _index: int) -> None:
        lang = self.language.currentData()
        if lang and lang != current_language():
            change_language(self.ctx, lang)


class OfficeTab(QGroupBox):
    """The home unit's details: they head every printed document."""

    def __init__(self, ctx: AppContext, recompute: Callable[[], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self._recompute = recompute
        self._parent_code: str | None = None
        # What the deadlines depend on: the remote-area flag (longer limits) and the kind
        # (a Party committee's head answers within 10 working days).
        self._deadline_facts: tuple[bool, str] = (False, "")
        self._version: int | None = None  # of the unit as loaded (optimistic locking)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors = FieldErrors(self.form)
        self.code = line()
        self.name = line()
        self.name.setObjectName("office_name")
        self.level = combo([])
        self.kind = combo([])
        self.parent_body_name = line()
        self.place_name = line()
        self.remote_area = check("")
        self.national_code = line()
        self.captions: list[tuple[QLabel, str]] = []
        for name, title, widget in (
            ("name", N_("Unit name:"), self.name),
            ("code", N_("Unit code:"), self.code),
            ("level", N_("Level:"), self.level),
            ("kind", N_("Kind of unit:"), self.kind),
            ("parent_body_name", N_("Parent body:"), self.parent_body_name),
            ("place_name", N_("Place name on documents:"), self.place_name),
            ("remote_area", N_("Remote area:"), self.remote_area),
            ("national_code", N_("National database code:"), self.national_code),
        ):
            caption = QLabel()
            caption.setBuddy(widget)
            self.captions.append((caption, title))
            self.form.addRow(caption, widget)
            self.errors.bind(name, widget)
        self.save_button = QPushButton()
        self.save_button.setObjectName("office_save")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton()
        self.revert_button.clicked.connect(self.load)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        inner = QVBoxLayout(self)
        inner.addLayout(self.form)
        inner.addWidget(self.errors.general)
        inner.addLayout(buttons)
        self.load()

    def retranslate(self) -> None:
        self.setTitle(_("Office details"))
        for caption, title in self.captions:
            caption.setText(_(title))
        fill_combo(self.level, choices(Level))
        fill_combo(self.kind, choices(UnitKind))
        self.parent_body_name.setPlaceholderText(_("e.g. ĐẢNG BỘ TỈNH ĐIỆN BIÊN"))
        self.place_name.setPlaceholderText(
            _("e.g. Tân Lập (printed as \u201cTân Lập, ngày …\u201d)"))
        self.remote_area.setText(_("Remote and difficult area (longer legal time limits)"))
        self.save_button.setText(_("&Save office details"))
        self.revert_button.setText(_("&Undo changes"))

    def load(self) -> None:
        self.errors.clear()
        with self.ctx.db.session() as s:
            unit = get_unit(s, self.ctx.unit_id)
            self._version = unit.version
            self._parent_code = unit.parent.code if unit.parent else None
            # kept as loaded: this form does not edit them, and saving must not clear them
            self._dissolved_on = unit.dissolved_on
            successor = s.get(type(unit), unit.successor_id) if unit.successor_id else None
            self._successor_code = successor.code if successor else None
            self._deadline_facts = (unit.remote_area, unit.kind)
            self.code.setText(unit.code)
            self.name.setText(unit.name)
            fill_combo(self.level, choices(Level), unit.level)
            fill_combo(self.kind, choices(UnitKind), unit.kind)
            self.parent_body_name.setText(unit.parent_body_name)
            self.place_name.setText(unit.place_name)
            self.remote_area.setChecked(unit.remote_area)
            self.national_code.setText(unit.national_code)

    def data(self) -> UnitInput:
        return UnitInput(
            code=self.code.text(),
            name=self.name.text(),
            level=self.level.currentData(),
            kind=self.kind.currentData(),
            parent_code=self._parent_code,
            parent_body_name=self.parent_body_name.text(),
            place_name=self.place_name.text(),
            remote_area=self.remote_area.isChecked(),
            national_code=self.national_code.text(),
            dissolved_on=getattr(self, "_dissolved_on", None),
            successor_code=getattr(self, "_successor_code", None),
        )

    def save(self) -> bool:
        self.errors.clear()
        data = self.data()
        try:
            with self.ctx.db.session(write=True) as s:
                self._version = update_unit(s, self.ctx.unit_id, data,
                                            expected_version=self._version).version
        except ChangedByAnotherUser as exc:
            self.errors.show(exc)  # the typed details stay until the user reloads
            if ask_reload(self, exc):
                self.load()
            return False
        except ServiceError as exc:
            self.errors.show(exc)
            return False
        facts = (bool(data.remote_area), str(data.kind))
        deadlines_move = facts != self._deadline_facts
        self._deadline_facts = facts
        self.ctx.signals.data_changed.emit(RecordKind.UNIT)
        self.ctx.signals.status_message.emit(_("Office details saved."))
        if deadlines_move:
            self._recompute()
        return True


class NumberingTab(QGroupBox):
    """How petitions are numbered when registered (minutes and notices follow Decree
    30/2020/NĐ-CP: 01, 02, … each year)."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.pattern = line()
        self.pattern.setObjectName("petition_number_pattern")
        self.pattern.textChanged.connect(lambda _t: self._show_example())
        self.caption = QLabel()
        self.caption.setBuddy(self.pattern)
        self.save_button = QPushButton()
        self.save_button.setObjectName("numbering_save")
        self.save_button.clicked.connect(self.save)
        self.example = QLabel()
        self.example.setObjectName("petition_number_example")
        self.example.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        row = QHBoxLayout()
        row.addWidget(self.pattern, 1)
        row.addWidget(self.save_button)
        self.form.addRow(self.caption, row)
        self.form.addRow("", self.example)
        self.errors = FieldErrors(self.form)
        self.errors.bind("pattern", self.pattern)
        inner = QVBoxLayout(self)
        inner.addLayout(self.form)
        inner.addWidget(self.errors.general)
        self.load()

    def retranslate(self) -> None:
        self.setTitle(_("Document numbers"))
        self.caption.setText(_("&Petition numbers:"))
        self.save_button.setText(_("Save &pattern"))
        self.pattern.setToolTip(_(
            "{seq} the petition's number in the year ({seq:04d}: four digits), {year} the "
            "year, {unit_abbr} the unit's abbreviation, {unit_code} its code."))
        self._show_example()

    def load(self) -> None:
        with self.ctx.db.session() as s:
            self.pattern.setText(numbering.petition_pattern(s))

    def _show_example(self) -> None:
        try:
            pattern = numbering.check_petition_pattern(self.pattern.text())
            with self.ctx.db.session() as s:
                unit = get_unit(s, self.ctx.unit_id)
                example = numbering.format_petition_number(pattern, unit, date.today().year,
                                                           12)
        except ServiceError:
            self.example.setText(_("Minutes and notices: 01, 02, … from 1 January each year "
                                   "(Decree 30/2020/NĐ-CP)."))
            return
        self.example.setText(_("The 12th petition of the year is numbered {example}. Minutes "
                               "and notices: 01, 02, … from 1 January each year (Decree "
                               "30/2020/NĐ-CP).").format(example=example))

    def save(self) -> bool:
        self.errors.clear()
        try:
            with self.ctx.db.session(write=True) as s:
                numbering.set_petition_pattern(s, self.pattern.text())
        except ServiceError as exc:
            self.errors.show(exc)
            return False
        self.ctx.signals.data_changed.emit(RecordKind.SETTINGS)
        self.ctx.signals.status_message.emit(_("Petition number pattern saved."))
        return True


class OfficialsTab(QWidget):
    COLUMNS = (Column(N_("Full name")), Column(N_("Position")), Column(N_("Reception duty")),
               Column(N_("Active")))

    def __init__(self, ctx: AppContext, page: SettingsPage) -> None:
        super().__init__()
        self.ctx = ctx
        self.page = page
        self.model = PagedTableModel(self.COLUMNS, self._fetch, self)
        self.view = new_table(self.model, "officials_table")
        self.view.doubleClicked.connect(lambda _i: self.edit())
        open_on_enter(self.view, self.edit)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.add_button = QPushButton()
        self.add_button.setObjectName("official_add")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit)
        self.show_inactive = check("")
        self.show_inactive.toggled.connect(lambda _on: self.model.reload())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.show_inactive)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view)
        self.model.reload()

    def retranslate(self) -> None:
        self.add_button.setText(_("&Add official…"))
        self.edit_button.setText(_("&Edit…"))
        self.show_inactive.setText(_("Show officials who left"))
        self.model.retranslate()
        self.model.reload()

    def _fetch(self, offset: int, limit: int, _sort: str | None, _desc: bool) -> list[Row]:
        # An office has tens of officials: the page is cut from one small query.
        with self.ctx.db.session() as s:
            officials = list_officials(s, self.ctx.unit_id,
                                       active_only=not self.show_inactive.isChecked())
            rows = [Row(o.id, [o.full_name, o.position, label(DutyRole, o.duty_role),
                               yes_no(o.active)], None if o.active else "muted")
                    for o in officials]
        return _slice(rows, offset, limit)

    def add(self) -> None:
        self.page.make_official_dialog().exec()

    def edit(self) -> None:
        official_id = _selected_id(self.view)
        if official_id:
            self.page.make_official_dialog(official_id).exec()


class DissolutionDialog(TranslatedDialog):
    """The day a unit was dissolved and the unit that took over its work (two-tier local
    government: the districts from 1/7/2025)."""

    def __init__(self, ctx: AppContext, unit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("dissolution_dialog")
        self.unit_id = unit_id
        with ctx.db.session() as s:
            unit = get_unit(s, unit_id)
            self.unit_name = unit.name
            self.loaded_version = unit.version
            dissolved_on = unit.dissolved_on
            successor = s.get(type(unit), unit.successor_id) if unit.successor_id else None
            current = successor.code if successor is not None else None
            # a successor is a unit still in being, never the unit itself
            self._successors = [(u.code, f"{u.name} ({u.code})") for u in list_units(s)
                                if u.id != unit_id and u.dissolved_on is None]
        self.dissolved = check("", dissolved_on is not None)
        self.dissolved.setObjectName("unit_dissolved")
        self.dissolved_on = date_edit(dissolved_on or date(2025, 7, 1))
        self.dissolved_on.setObjectName("unit_dissolved_on")
        self.successor = combo([])
        self.successor.setObjectName("unit_successor")
        self._current_successor = current
        self.dissolved.toggled.connect(self._enable)
        self.add_row("dissolved", N_("Dissolved:"), self.dissolved, bind=False)
        self.add_row("dissolved_on", N_("Dissolved on:"), self.dissolved_on)
        self.add_row("successor_code", N_("Successor unit:"), self.successor)
        self.watch(self.dissolved, self.dissolved_on, self.successor)
        self.setMinimumWidth(520)
        self.retranslate()
        self._enable()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Dissolution of {unit}").format(unit=self.unit_name))
        self.dissolved.setText(_("The unit was dissolved (from that day it takes no new "
                                 "record)"))
        fill_combo(self.successor, self._successors,
                   self.successor.currentData() or self._current_successor,
                   blank=_("(no successor)"))

    def _enable(self, *_args) -> None:
        on = self.dissolved.isChecked()
        self.dissolved_on.setEnabled(on)
        self.successor.setEnabled(on)

    def save(self) -> str | None:
        on = from_qdate(self.dissolved_on.date()) if self.dissolved.isChecked() else None
        successor = self.successor.currentData() if on is not None else None
        with self.ctx.db.session(write=True) as s:
            dissolve_unit(s, self.unit_id, on, successor,
                          expected_version=self.loaded_version)
        self.ctx.signals.data_changed.emit(RecordKind.UNIT)
        return self.unit_id


class UnitsTab(QWidget):
    """Every unit, with the day it was dissolved, its successor and its open cases: set
    a unit's dissolution and successor, then move its open cases to the successor."""

    COLUMNS = (Column(N_("Code")), Column(N_("Unit")), Column(N_("Level")),
               Column(N_("Dissolved on")), Column(N_("Successor")), Column(N_("Open cases")))

    def __init__(self, ctx: AppContext, page: SettingsPage) -> None:
        super().__init__()
        self.ctx = ctx
        self.page = page
        self.model = PagedTableModel(self.COLUMNS, self._fetch, self)
        self.view = new_table(self.model, "units_table")
        self.view.doubleClicked.connect(lambda _i: self.dissolve())
        open_on_enter(self.view, self.dissolve)
        header = self.view.horizontalHeader()
        for column in range(len(self.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.dissolve_button = QPushButton()
        self.dissolve_button.setObjectName("unit_dissolve")
        self.dissolve_button.clicked.connect(self.dissolve)
        self.transfer_button = QPushButton()
        self.transfer_button.setObjectName("unit_transfer")
        self.transfer_button.clicked.connect(self.transfer)
        _note_buttons_list(self, self.note, [self.dissolve_button, self.transfer_button],
                           self.view)
        self.model.reload()

    def retranslate(self) -> None:
        self.note.setText(_(
            "Two-tier local government: a unit dissolved (a district from 1/7/2025) takes "
            "no new record from the day of its dissolution, and its open cases move to the "
            "unit that took over its work, each with a history step."))
        self.dissolve_button.setText(_("&Dissolution and successor…"))
        self.transfer_button.setText(_("&Move open cases to the successor…"))
        self.model.retranslate()
        self.model.reload()

    def _fetch(self, offset: int, limit: int, _sort: str | None, _desc: bool) -> list[Row]:
        from ...services.petitions import count_open_cases

        with self.ctx.db.session() as s:
            units = list_units(s)
            names = {u.id: u.name for u in units}
            rows = [Row(u.id, [
                u.code, u.name, label(Level, u.level),
                format_date(u.dissolved_on) if u.dissolved_on else "",
                names.get(u.successor_id, "") if u.successor_id else "",
                str(count_open_cases(s, u.id)) if u.dissolved_on else "",
            ], "muted" if u.dissolved_on else None) for u in units]
        return _slice(rows, offset, limit)

    def dissolve(self) -> None:
        unit_id = _selected_id(self.view)
        if unit_id:
            self.page.make_dissolution_dialog(unit_id).exec()

    def confirm_transfer(self, count: int, unit: str, successor: str) -> bool:
        """Ask before moving (a test answers for the user)."""
        text = ngettext(
            "Move {count} open case from {unit} to {successor}? Each gets a history step "
            "saying so; the unit's other records stay as they were.",
            "Move {count} open cases from {unit} to {successor}? Each gets a history step "
            "saying so; the unit's other records stay as they were.", count).format(
                count=count, unit=unit, successor=successor)
        answer = QMessageBox.question(self, _("Move open cases"), text)
        return answer == QMessageBox.StandardButton.Yes

    def transfer(self) -> int:
        """Move the selected dissolved unit's open cases to its successor, after saying
        how many; returns how many moved."""
        from ...services.petitions import count_open_cases, transfer_open_cases
        from ...services.units import successor_of

        unit_id = _selected_id(self.view)
        if not unit_id:
            return 0
        try:
            with self.ctx.db.session() as s:
                unit = get_unit(s, unit_id)
                successor = successor_of(s, unit)
                count = count_open_cases(s, unit.id)
                name, on = unit.name, unit.dissolved_on
                if on is None or successor is None:
                    transfer_open_cases(s, unit.id, date.today())  # its refusal says why
                    return 0
                successor_name = successor.name
            if count == 0:
                QMessageBox.information(self, _("Move open cases"), _(
                    "{unit} has no open case to move.").format(unit=name))
                return 0
            if not self.confirm_transfer(count, name, successor_name):
                return 0
            with self.ctx.db.session(write=True) as s:
                moved = transfer_open_cases(s, unit_id, on, self.ctx.official_id)
        except ServiceError as exc:
            show_error(self, exc)
            return 0
        self.ctx.signals.data_changed.emit(RecordKind.PETITION)
        self.ctx.signals.status_message.emit(ngettext(
            "{count} open case moved from {unit} to {successor}.",
            "{count} open cases moved from {unit} to {successor}.", moved).format(
                count=moved, unit=name, successor=successor_name))
        self.model.reload()
        return moved


class LookupsTab(QWidget):
    COLUMNS = (Column(N_("Code")), Column(N_("Vietnamese name")), Column(N_("English name")),
               Column(N_("National code")), Column(N_("In use")))

    def __init__(self, ctx: AppContext, page: SettingsPage) -> None:
        super().__init__()
        self.ctx = ctx
        self.page = page
        self.groups: dict[str, QGroupBox] = {}
        self.models: dict[str, PagedTableModel] = {}
        self.views: dict[str, QTableView] = {}
        self.add_buttons: dict[str, QPushButton] = {}
        self.edit_buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        for kind in lookups.LOOKUP_KINDS:
            layout.addWidget(self._group(kind), 3 if kind == "field" else 2)

    def _group(self, kind: str) -> QGroupBox:
        group = QGroupBox()
        model = PagedTableModel(self.COLUMNS, lambda o, n, _s, _d, k=kind: self._fetch(k, o, n),
                                self)
        view = new_table(model, f"{kind}s_table", wrap=True)
        view.doubleClicked.connect(lambda _i, k=kind: self.edit(k))
        open_on_enter(view, lambda k=kind: self.edit(k))
        header = view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        add, edit = QPushButton(), QPushButton()
        add.clicked.connect(lambda _c=False, k=kind: self.add(k))
        edit.clicked.connect(lambda _c=False, k=kind: self.edit(k))
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(edit)
        buttons.addStretch(1)
        inner = QHBoxLayout(group)
        inner.addWidget(view, 1)
        inner.addLayout(buttons)
        self.groups[kind], self.models[kind], self.views[kind] = group, model, view
        self.add_buttons[kind], self.edit_buttons[kind] = add, edit
        model.reload()
        return group

    def retranslate(self) -> None:
        self.groups["field"].setTitle(_("Fields of petitions"))
        self.groups["source"].setTitle(_("Sources of petitions"))
        self.add_buttons["field"].setText(_("Add field…"))
        self.add_buttons["source"].setText(_("Add source…"))
        for kind in lookups.LOOKUP_KINDS:
            self.edit_buttons[kind].setText(_("Edit…"))
            self.models[kind].retranslate()
            self.models[kind].reload()

    def _fetch(self, kind: str, offset: int, limit: int) -> list[Row]:
        with self.ctx.db.session() as s:
            rows = [Row(r.code, [r.code, r.name_vi, r.name_en, r.national_code,
                                 yes_no(r.active)], None if r.active else "muted")
                    for r in lookups.list_lookup(s, kind)]
        return _slice(rows, offset, limit)

    def reload(self) -> None:
        for model in self.models.values():
            model.reload()

    def add(self, kind: str) -> None:
        self.page.make_lookup_dialog(kind).exec()

    def edit(self, kind: str) -> None:
        code = _selected_id(self.views[kind])
        if code:
            self.page.make_lookup_dialog(kind, code).exec()


class RulesTab(QWidget):
    COLUMNS = (Column(N_("Deadline")), Column(N_("In force from")), Column(N_("Days")),
               Column(N_("Counted in")), Column(N_("Longer limits")), Column(N_("Extensions")),
               Column(N_("Legal basis")), Column(N_("Legal basis checked")))

    def __init__(self, ctx: AppContext, page: SettingsPage) -> None:
        super().__init__()
        self.ctx = ctx
        self.page = page
        self.model = PagedTableModel(self.COLUMNS, self._fetch, self)
        self.view = new_table(self.model, "rules_table", wrap=True)
        self.view.doubleClicked.connect(lambda _i: self.edit())
        open_on_enter(self.view, self.edit)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for col in (0, 4, 6):  # the long texts share the width and wrap
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.new_button = QPushButton()
        self.new_button.setObjectName("rule_new_version")
        self.new_button.clicked.connect(self.new_version)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit)
        _note_buttons_list(self, self.note, [self.new_button, self.edit_button], self.view)
        self.model.reload()

    def retranslate(self) -> None:
        self.note.setText(_("Laws change: add a new version of a rule from the date it takes "
                            "effect. Petitions whose period began earlier keep the old limit. "
                            "The open petitions' due dates are recomputed after each change.")
                          + " " + _("A rule whose source is \u201cnot confirmed\u201d names a "
                                    "document whose text could not be checked: verify it "
                                    "against the document and correct the version if needed."))
        self.new_button.setText(_("&New version of the selected rule…"))
        self.edit_button.setText(_("&Correct the selected version…"))
        self.model.retranslate()
        self.model.reload()

    def _fetch(self, offset: int, limit: int, _sort: str | None, _desc: bool) -> list[Row]:
        with self.ctx.db.session() as s:
            rows = [
                Row(r.id, [
                    rule_title(r.key), format_date(r.effective_from), str(r.days),
                    _(MODE_TITLES.get(DayCount(r.mode), r.mode)), _longer_limits(r),
                    _extensions(r), r.legal_basis,
                    # only the flag: the others name their source as shipped or typed
                    _("not confirmed") if source_unconfirmed(r.legal_basis) else "",
                ])
                for r in sorted(lookups.list_rule_rows(s), key=_rule_order)
            ]
        return _slice(rows, offset, limit)

    def _selected_input(self) -> tuple[lookups.RuleInput, str] | None:
        rule_id = _selected_id(self.view)
        if rule_id is None:
            return None
        with self.ctx.db.session() as s:
            row = next(r for r in lookups.list_rule_rows(s) if r.id == rule_id)
            data = lookups.RuleInput(
                row.key, row.effective_from, row.days, row.mode, row.complex_days,
                row.remote_days, row.remote_complex_days, row.extension_days,
                row.max_extensions, row.legal_basis)
        return data, rule_id

    def new_version(self) -> None:
        chosen = self._selected_input()
        if chosen is None:
            self.ctx.signals.status_message.emit(_("Choose the rule to add a version of."))
            return
        data, _rule_id = chosen
        data.effective_from = date.today()
        self.page.run_dialog(self.page.make_rule_dialog(data))

    def edit(self) -> None:
        chosen = self._selected_input()
        if chosen is not None:
            data, rule_id = chosen
            self.page.run_dialog(self.page.make_rule_dialog(data, rule_id))


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
        self.model = PagedTableModel(self.COLUMNS, self._fetch, self)
        self.view = new_table(self.model, "calendar_table")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
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

    def _fetch(self, offset: int, limit: int, _sort: str | None, _desc: bool) -> list[Row]:
        with self.ctx.db.session() as s:
            rows = [Row(d.day.isoformat(), [format_date(d.day), _(self.WEEKDAYS[d.day.weekday()]),
                                            _(CALENDAR_KIND_TITLES.get(d.kind, d.kind)), d.note])
                    for d in lookups.list_calendar_days(s)]
        return _slice(rows, offset, limit)

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
        key = _selected_id(self.view)
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


class BackupsTab(QWidget):
    """Backups of the database file: where they go (a USB drive, say), how many are kept,
    "Back up now", the list, and restoring one.

    Restoring closes the window; once the database is closed, the backup is restored (the
    current file kept aside) and the application starts again (see ``app.request_restore``):
    every page, the login and the home office then come from the restored file, with no
    connection left open on the file being replaced.
    """

    COLUMNS = (Column(N_("Made")), Column(N_("Kind")), Column(N_("Size")), Column(N_("File")))

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.busy = False
        self.backups: list = []
        self.folder_work = FolderWork(self)  # the folder may be a USB stick pulled out
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.database = QLineEdit()
        self.database.setObjectName("data_database_file")
        self.database.setReadOnly(True)
        self.database_caption = QLabel()
        self.open_database_folder = QPushButton()
        self.open_database_folder.setObjectName("data_open_database_folder")
        self.open_database_folder.clicked.connect(
            lambda: open_folder(self.ctx.db.path.parent if self.ctx.db.path else None))
        self.open_backup_folder = QPushButton()
        self.open_backup_folder.setObjectName("data_open_backup_folder")
        self.open_backup_folder.clicked.connect(lambda: open_folder(Path(self.folder.text())))
        self.kept_for = QLabel()
        self.kept_for.setObjectName("data_kept_for")
        self.kept_for.setWordWrap(True)
        self.kept_for.setStyleSheet("color: #555555;")
        self.folder = QLineEdit()
        self.folder.setObjectName("backup_folder")
        self.folder.setReadOnly(True)
        self.folder_caption = QLabel()
        self.choose_button = QPushButton()
        self.choose_button.setObjectName("backup_choose_folder")
        self.choose_button.clicked.connect(lambda: self.choose_folder())
        self.default_button = QPushButton()
        self.default_button.clicked.connect(lambda: self.choose_folder(""))
        self.keep = spin(14, 1, 365)
        self.keep.setObjectName("backup_keep")
        self.keep.valueChanged.connect(self._keep_changed)
        self.keep_caption = QLabel()
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        folder_row.addWidget(self.default_button)
        folder_row.addWidget(self.open_backup_folder)
        database_row = QHBoxLayout()
        database_row.addWidget(self.database, 1)
        database_row.addWidget(self.open_database_folder)
        form = QFormLayout()
        form.addRow(self.database_caption, database_row)
        form.addRow(QLabel(), self.kept_for)
        form.addRow(self.folder_caption, folder_row)
        form.addRow(self.keep_caption, self.keep)
        self.model = PagedTableModel(self.COLUMNS, self._fetch, self)
        self.view = new_table(self.model, "backups_table")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.backup_button = QPushButton()
        self.backup_button.setObjectName("backup_now")
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton()
        self.restore_button.setObjectName("backup_restore")
        self.restore_button.clicked.connect(lambda: self.restore_selected())
        self.restore_file_button = QPushButton()
        self.restore_file_button.clicked.connect(lambda: self.restore_file())
        self.status = QLabel()
        self.status.setObjectName("backup_status")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.restore_file_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self.load()

    # --- preferences ----------------------------------------------------------

    @staticmethod
    def _settings():
        from ..app import app_settings

        return app_settings()

    def policy(self):
        from ..app import backup_policy

        return backup_policy(self._settings())

    def load(self) -> None:
        policy = self.policy()
        self.folder.setText(str(policy.folder))
        self._show_location()
        self.keep.blockSignals(True)
        self.keep.setValue(policy.keep)
        self.keep.blockSignals(False)
        supported = self.ctx.db.path is not None
        for widget in (self.backup_button, self.restore_button, self.restore_file_button,
                       self.choose_button, self.default_button, self.keep):
            widget.setEnabled(supported and not self.busy)
        self.reload()

    def choose_folder(self, folder: str | None = None) -> bool:
        """Save the backup folder ("" for the default; asked with a dialog when None)."""
        if folder is None:
            folder = QFileDialog.getExistingDirectory(
                self, _("Choose the folder for backups"), self.folder.text(),
                QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.ShowDirsOnly)
            if not folder:
                return False
        settings = self._settings()
        recorded = self._office_record()
        if recorded is not None:  # the office's folders are kept for every account
            from ...location import write_location

            try:
                write_location(recorded.database_folder, folder or None,
                               machine_wide=recorded.machine_wide)
            except OSError as exc:
                self.status.setText(_(
                    "The backup folder could not be saved for every account on this PC "
                    "({reason}); ask an administrator.").format(reason=exc.strerror or exc))
                return False
            settings.remove("backup/folder")
        else:
            settings.setValue("backup/folder", str(folder))
        settings.sync()
        self.load()
        return True

    def _office_record(self):
        """The location record that names this database's folder, or None (a database
        named on the command line, or one from before the record)."""
        from ...location import DB_FILE, read_location

        recorded = read_location()
        path = self.ctx.db.path
        if recorded is None or recorded.database_folder is None or path is None:
            return None
        try:
            same = (recorded.database_folder / DB_FILE).resolve() == path.resolve()
        except OSError:
            return None
        return recorded if same else None

    def _show_location(self) -> None:
        path = self.ctx.db.path
        if path is None:
            self.database.setText(self.ctx.db.engine.url.render_as_string(hide_password=True))
            self.open_database_folder.setEnabled(False)
            self.kept_for.setText(_("A PostgreSQL database, kept by its server."))
            return
        self.database.setText(str(path))
        self.open_database_folder.setEnabled(True)
        recorded = self._office_record()
        if recorded is not None and recorded.machine_wide:
            text = _("Kept for every Windows account on this PC (recorded in {record}).")
        elif recorded is not None:
            text = _("Kept for this Windows account only (recorded in {record}): the folder "
                     "for every account could not be written.")
        else:
            text = _("Kept for this Windows account only. To keep the data off the system "
                     "drive for every account, close ReceptionDesk, move the database file "
                     "and its backups, and write the new folders into {record} (see the "
                     "README, \u201cWhere the data lives\u201d).")
        from ...location import LOCATION_FILE, site_folder

        self.kept_for.setText(text.format(
            record=recorded.record if recorded is not None else site_folder() / LOCATION_FILE))

    def _keep_changed(self, value: int) -> None:
        settings = self._settings()
        settings.setValue("backup/keep", int(value))
        settings.sync()

    # --- the list -------------------------------------------------------------

    def reload(self) -> None:
        """List the backups off the GUI thread; a folder that does not answer in a few
        seconds is named in the status line, and the window goes on."""
        from ...services.backups import list_backups

        path = self.ctx.db.path
        if path is None:
            self._listed([])
            return
        folder = self.policy().folder
        self.folder_work.run(folder, lambda: list_backups(folder, path), self._listed,
                             self._list_failed, self._list_timed_out)

    def _listed(self, backups: list) -> None:
        if self.status.property("folder_silent"):
            self.status.setProperty("folder_silent", False)
            self.status.clear()
        self.backups = backups
        self.model.reload()

    def _list_failed(self, exc: Exception) -> None:
        self.status.setText(str(exc))

    def _list_timed_out(self, message: str) -> None:
        self.status.setProperty("folder_silent", True)
        self.status.setText(message)

    def _fetch(self, offset: int, limit: int, _sort: str | None, _desc: bool) -> list[Row]:
        rows = [Row(str(b.path), [format_datetime(b.time), b.reason_title, b.size_text,
                                  b.path.name]) for b in self.backups]
        return _slice(rows, offset, limit)

    def retranslate(self) -> None:
        self.intro.setText(_(
            "A backup is made every day and each time the program closes, with SQLite's "
            "online backup, and checked. Choose a folder on a USB drive to keep the backups "
            "away from this computer. Restoring keeps the current database as a separate "
            "file, never deleting it."))
        self.database_caption.setText(_("Database file:"))
        self.open_database_folder.setText(_("Open its folder"))
        self.open_backup_folder.setText(_("Open"))
        self._show_location()
        self.folder_caption.setText(_("Backup &folder:"))
        self.folder_caption.setBuddy(self.choose_button)
        self.keep_caption.setText(_("Backups &kept:"))
        self.keep_caption.setBuddy(self.keep)
        self.choose_button.setText(_("&Choose…"))
        self.default_button.setText(_("&Default folder"))
        self.backup_button.setText(_("&Back up now"))
        self.restore_button.setText(_("&Restore the selected backup…"))
        self.restore_file_button.setText(_("Restore a backup &file…"))
        if self.ctx.db.path is None:
            self.status.setText(_("Backups here are for a SQLite database file; back up a "
                                  "PostgreSQL database with its own tools."))
        self.model.retranslate()
        self.reload()

    # --- backing up -----------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.backup_button, self.restore_button, self.restore_file_button):
            widget.setEnabled(not busy and self.ctx.db.path is not None)

    def back_up_now(self) -> bool:
        """Make a backup now, off the GUI thread; False when one is already running."""
        if self.busy or self.ctx.db.path is None:
            return False
        self._set_busy(True)
        self.status.setText(_("Backing up…"))
        policy, db = self.policy(), self.ctx.db
        run_in_background(lambda: policy.make(db, "manual"), self._backed_up, self._failed)
        return True

    def _backed_up(self, path: Path) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.status.setText(_("Backup made and checked: {path}").format(path=path))
        self.reload()

    def _failed(self, exc: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.status.setText(str(exc))

    # --- restoring ------------------------------------------------------------

    def selected_backup(self):
        row = self.view.currentIndex().row()
        return self.backups[row] if 0 <= row < len(self.backups) else None

    def restore_selected(self) -> bool:
        info = self.selected_backup()
        if info is None:
            self.status.setText(_("Choose the backup to restore in the list."))
            return False
        return self.restore_file(info.path)

    def restore_file(self, path: str | Path | None = None) -> bool:
        """Check the backup (off the GUI thread), ask, then restore it and restart."""
        if self.busy or self.ctx.db.path is None:
            return False
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, _("Choose the backup to restore"), self.folder.text(),
                _("ReceptionDesk databases (*.db);;All files (*)"),
                options=QFileDialog.Option.DontUseNativeDialog)
            if not path:
                return False
        from ...services.backups import check_backup

        backup = Path(path)
        self._set_busy(True)
        self.status.setText(_("Checking the backup {name}…").format(name=backup.name))
        run_in_background(lambda: check_backup(backup),
                          lambda problems: self._checked(backup, problems), self._failed)
        return True

    def _checked(self, backup: Path, problems: list[str]) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        if problems:
            self.status.setText(_("The backup {name} cannot be restored: {problems}").format(
                name=backup.name, problems=" ".join(problems)))
            return
        self.status.setText(_("The backup {name} passed its check.").format(name=backup.name))
        if self.confirm_restore(backup):
            self.request_restore(backup)

    def confirm_restore(self, backup: Path) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Restore a backup"))
        box.setText(_(
            "Restore the backup {name}? Records entered after it was made will no longer be "
            "in the database. The current database is kept as a separate file. ReceptionDesk "
            "closes, restores the backup and starts again.").format(name=backup.name))
        yes = box.addButton(_("&Restore and restart"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes

    def request_restore(self, backup: Path) -> bool:
        from ...services.errors import ServiceError
        from ..app import request_restore

        try:
            return request_restore(self.window(), backup)
        except ServiceError as exc:  # only an administrator may restore
            show_error(self, exc)
            return False


# --- the page ------------------------------------------------------------------


class GeneralTab(QWidget):
    """The interface language above the office's details."""

    def __init__(self, language: LanguageTab, office: OfficeTab,
                 numbers: NumberingTab) -> None:
        super().__init__()
        column = QVBoxLayout()
        column.addWidget(language)
        column.addWidget(office)
        column.addWidget(numbers)
        column.addStretch(1)
        box = QWidget()
        box.setMaximumWidth(820)
        box.setLayout(column)
        inner = QWidget()
        row = QHBoxLayout(inner)
        row.addWidget(box, 1)
        row.addStretch(0)
        # scrolls on a short screen (1280×720 at 125 %: 576 px) rather than crushing the
        # office's fields into each other
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)


class SettingsPage(Page):
    name = "settings"
    title = N_("Settings")

    TAB_TITLES = (N_("Office and language"), N_("Officials"), N_("Fields and sources"),
                  N_("Deadline rules"), N_("Calendar"), N_("Backups"))

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._progress: QProgressDialog | None = None
        self._recomputing = False
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settings_tabs")
        self.language_tab = LanguageTab(ctx)
        self.office_tab = OfficeTab(ctx, self.recompute_due_dates)
        self.officials_tab = OfficialsTab(ctx, self)
        self.lookups_tab = LookupsTab(ctx, self)
        self.rules_tab = RulesTab(ctx, self)
        self.calendar_tab = CalendarTab(ctx, self.recompute_due_dates)
        self.numbering_tab = NumberingTab(ctx)
        self.general_tab = GeneralTab(self.language_tab, self.office_tab, self.numbering_tab)
        self.backups_tab = BackupsTab(ctx)
        for tab in (self.general_tab, self.officials_tab, self.lookups_tab, self.rules_tab,
                    self.calendar_tab, self.backups_tab):
            self.tabs.addTab(tab, "")
        from ..national_codes import NationalCodesTab  # the national database's code lists

        self.national_tab = NationalCodesTab(ctx)
        self.tabs.addTab(self.national_tab, "")
        self.units_tab = UnitsTab(ctx, self)
        self.tabs.addTab(self.units_tab, "")
        self.heading = QLabel()
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.heading.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        ctx.signals.data_changed.connect(self._on_data_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Settings"))
        for i, title in enumerate(self.TAB_TITLES):
            self.tabs.setTabText(i, _(title))
        for tab in (self.language_tab, self.office_tab, self.numbering_tab,
                    self.officials_tab, self.lookups_tab, self.rules_tab, self.calendar_tab,
                    self.backups_tab):
            tab.retranslate()
        self.tabs.setTabText(self.tabs.indexOf(self.national_tab), _("National codes"))
        self.national_tab.retranslate()
        self.tabs.setTabText(self.tabs.indexOf(self.units_tab), _("Units"))
        self.units_tab.retranslate()

    def activate(self) -> None:
        self.guard_roles()

    def guard_roles(self) -> None:
        """The buttons that change the office, its officials, the lists, rules and calendar
        are disabled for a role that may not, saying why (the services' own refusal)."""
        from ..permissions import guard

        office = [self.office_tab.save_button, self.office_tab.revert_button,
                  self.officials_tab.add_button, self.officials_tab.edit_button]
        settings = [self.numbering_tab.save_button, self.rules_tab.new_button,
                    self.rules_tab.edit_button, self.calendar_tab.add_button,
                    self.calendar_tab.remove_button,
                    *self.lookups_tab.add_buttons.values(),
                    *self.lookups_tab.edit_buttons.values()]
        office.append(self.units_tab.dissolve_button)
        for button in office:
            guard(button, "units.edit")
        from ...services.petitions import STEP_PERMISSIONS

        guard(self.units_tab.transfer_button, STEP_PERMISSIONS["edit"])
        for button in settings:
            guard(button, "settings.edit")

    def _on_data_changed(self, kind: str) -> None:
        if kind in (RecordKind.UNIT, RecordKind.PETITION):
            self.units_tab.model.reload()
        if kind == RecordKind.OFFICIAL:
            self.officials_tab.model.reload()
        elif kind == RecordKind.LOOKUPS:
            self.lookups_tab.reload()
        elif kind == RecordKind.RULES:
            self.rules_tab.model.reload()
        elif kind == RecordKind.CALENDAR:
            self.calendar_tab.model.reload()

    def refresh(self) -> None:
        self.office_tab.load()
        for model in (self.officials_tab.model, self.rules_tab.model, self.calendar_tab.model,
                      self.units_tab.model):
            model.reload()
        self.lookups_tab.reload()
        self.backups_tab.reload()

    def new_record(self) -> None:
        """Ctrl+N adds an official, a field or a source, or a day, depending on the tab."""
        current = self.tabs.currentWidget()
        if current is self.officials_tab:
            self.officials_tab.add()
        elif current is self.lookups_tab:
            self.lookups_tab.add("field")
        elif current is self.rules_tab:
            self.rules_tab.new_version()
        elif current is self.calendar_tab:
            self.calendar_tab.day.setFocus()

    def show_tab(self, name: str) -> None:
        tabs = {"language": self.general_tab, "office": self.general_tab,
                "officials": self.officials_tab, "lookups": self.lookups_tab,
                "rules": self.rules_tab, "calendar": self.calendar_tab,
                "backups": self.backups_tab, "units": self.units_tab}
        self.tabs.setCurrentWidget(tabs[name])

    # --- dialogs (built apart from exec() so tests can drive them) ------------

    def make_official_dialog(self, official_id: str | None = None) -> OfficialDialog:
        return OfficialDialog(self.ctx, official_id, self)

    def make_dissolution_dialog(self, unit_id: str) -> DissolutionDialog:
        return DissolutionDialog(self.ctx, unit_id, self)

    def make_lookup_dialog(self, kind: str, code: str | None = None) -> LookupDialog:
        return LookupDialog(self.ctx, kind, code, self)

    def make_rule_dialog(self, base: lookups.RuleInput,
                         rule_id: str | None = None) -> RuleDialog:
        return RuleDialog(self.ctx, base, rule_id, self)

    def run_dialog(self, dialog: RuleDialog) -> None:
        if dialog.exec():
            self.recompute_due_dates()

    def rule_saved(self, dialog: RuleDialog) -> None:
        """For callers that drive a rule dialog without exec(): follow its save."""
        if dialog.result_id is not None:
            self.recompute_due_dates()

    # --- recomputing due dates ------------------------------------------------

    def recompute_due_dates(self) -> None:
        """After a rule or calendar change: every open petition's due date, off the GUI
        thread, with a progress dialog (a province holds many open petitions)."""
        if self._recomputing:
            return
        self._recomputing = True
        progress = QProgressDialog(self)
        progress.setWindowTitle(_("ReceptionDesk"))
        progress.setLabelText(_("Recomputing the due dates of open petitions…"))
        progress.setRange(0, 0)
        progress.setCancelButton(None)
        progress.setMinimumDuration(300)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress = progress
        db = self.ctx.db

        def job() -> int:
            with db.session() as s:
                return lookups.recompute_due_dates(s)

        run_in_background(job, self._recomputed, self._recompute_failed)

    def _finish_recompute(self) -> bool:
        if not shiboken6.isValid(self):
            return False
        self._recomputing = False
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None
        return True

    def _recomputed(self, count: int) -> None:
        if not self._finish_recompute():
            return
        self.ctx.signals.data_changed.emit(RecordKind.PETITION)
        self.ctx.signals.status_message.emit(
            _("Due dates recomputed for {count} open petitions.").format(count=count))

    def _recompute_failed(self, exc: Exception) -> None:
        if self._finish_recompute():
            show_error(self, _("The due dates could not be recomputed: {reason}").format(
                reason=exc))

