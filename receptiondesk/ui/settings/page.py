"""The Settings page: its tabs (language, office and numbering on the first; officials,
fields and sources, deadline rules, calendar, backups, national codes, units), and
recomputing the open petitions' due dates after a rule or the calendar changes.

Switching the language relabels every open page and dialog at once without losing what
was typed. Changing a rule or the calendar recomputes the open petitions' due dates off
the GUI thread.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...i18n import N_, _
from ...services import lookups
from ...services.record_kinds import RecordKind
from ..context import AppContext
from ..forms import show_error
from ..page import Page
from ..worker import run_in_background
from .backups import BackupsTab
from .language import LanguageTab
from .lookups import LookupDialog, LookupsTab
from .national_codes import NationalCodesTab
from .numbering import NumberingTab
from .office import OfficeTab
from .office_calendar import CalendarTab
from .officials import OfficialDialog, OfficialsTab
from .rules import RuleDialog, RulesTab
from .units import DissolutionDialog, UnitsTab


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
