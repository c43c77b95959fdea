"""Settings ▸ Deadline rules: the legal time limits per step, each version with its
source, and the dialog that adds a version."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QSpinBox, QWidget

from ...i18n import N_, _, format_date, ngettext
from ...rules.calendar import DayCount
from ...rules.deadlines import RULE_TITLES, rule_title, source_unconfirmed
from ...services import lookups
from ...services.record_kinds import RecordKind
from ..context import AppContext
from ..forms import combo, date_edit, fill_combo, from_qdate, line, open_on_enter, spin
from ..paged import Column, PagedTableModel, Row
from ..widgets.tables import new_table
from .common import (
    TranslatedDialog,
    fit_columns_when_loaded,
    note_buttons_list,
    selected_id,
    slice_rows,
)

if TYPE_CHECKING:
    from .page import SettingsPage

MODE_TITLES = {DayCount.CALENDAR: N_("Calendar days"), DayCount.WORKING: N_("Working days")}


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


class RulesTab(QWidget):
    COLUMNS = (Column(N_("Deadline")), Column(N_("In force from")), Column(N_("Days")),
               Column(N_("Counted in")), Column(N_("Longer limits")), Column(N_("Extensions")),
               Column(N_("Legal basis")), Column(N_("Legal basis checked")))

    def __init__(self, ctx: AppContext, page: SettingsPage) -> None:
        super().__init__()
        self.ctx = ctx
        self.page = page
        self.model = PagedTableModel(self.COLUMNS, None, self, plan=self._plan, db=ctx.db)
        self.view = new_table(self.model, "rules_table", wrap=True)
        self.view.doubleClicked.connect(lambda _i: self.edit())
        open_on_enter(self.view, self.edit)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for col in (0, 4, 6):  # the long texts share the width and wrap
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        fit_columns_when_loaded(self.view)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.new_button = QPushButton()
        self.new_button.setObjectName("rule_new_version")
        self.new_button.clicked.connect(self.new_version)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit)
        note_buttons_list(self, self.note, [self.new_button, self.edit_button], self.view)
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

    def _plan(self, offset: int, limit: int, _sort: str | None, _desc: bool):
        return lambda s: self._read(s, offset, limit)

    @staticmethod
    def _read(s, offset: int, limit: int) -> list[Row]:  # on a worker
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
        return slice_rows(rows, offset, limit)

    def _selected_input(self) -> tuple[lookups.RuleInput, str] | None:
        rule_id = selected_id(self.view)
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
