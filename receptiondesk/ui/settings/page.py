"""The Settings page: its tabs (language, office and numbering on the first; officials,
fields and sources, deadline rules, calendar, backups, national codes, units), and
recomputing the open petitions' due dates after a rule or the calendar changes.

Switching the language relabels every open page and dialog at once without losing what
was typed. Changing a rule or the calendar recomputes the open petitions' due dates off
the GUI thread.
"""

from __future__ import annotations

from typing import cast

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
    """The settings tabs, each built the first time it is shown: until then a tab holds
    an empty placeholder (a visit to Settings builds only the tab in front). A tab's
    attribute (``officials_tab``, ``office_tab``, …) builds it when asked for."""

    name = "settings"
    title = N_("Settings")

    #: the tabs in order: the name a tab is built by, and its title
    TABS = (("general", N_("Office and language")), ("officials", N_("Officials")),
            ("lookups", N_("Fields and sources")), ("rules", N_("Deadline rules")),
            ("calendar", N_("Calendar")), ("backups", N_("Backups")),
            ("national", N_("National codes")), ("units", N_("Units")))
    TAB_TITLES = tuple(title for _name, title in TABS[:6])

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._progress: QProgressDialog | None = None
        self._recomputing = False
        #: the tabs built so far, by name; the others are placeholders
        self.built: dict[str, QWidget] = {}
        self._placeholders: dict[str, QWidget] = {}
        self._parts: dict[str, QWidget] = {}  # the general tab's language, office, numbers
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settings_tabs")
        for name, _title in self.TABS:
            holder = QWidget()
            holder.setObjectName(f"settings_placeholder_{name}")
            self._placeholders[name] = holder
            self.tabs.addTab(holder, "")
        self.tabs.currentChanged.connect(self._on_current_changed)
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
        # the tab in front is built with the page (the window builds a page when it is
        # first shown); the others when they are first chosen
        self.tab(self.TABS[0][0])

    # --- tabs built when first shown ------------------------------------------

    def _make(self, name: str) -> QWidget:
        ctx = self.ctx
        if name == "general":
            language = self._parts["language"] = LanguageTab(ctx)
            office = self._parts["office"] = OfficeTab(ctx, self.recompute_due_dates)
            numbers = self._parts["numbering"] = NumberingTab(ctx)
            return GeneralTab(language, office, numbers)
        makers = {"officials": lambda: OfficialsTab(ctx, self),
                  "lookups": lambda: LookupsTab(ctx, self),
                  "rules": lambda: RulesTab(ctx, self),
                  "calendar": lambda: CalendarTab(ctx, self.recompute_due_dates),
                  "backups": lambda: BackupsTab(ctx),
                  "national": lambda: NationalCodesTab(ctx),
                  "units": lambda: UnitsTab(ctx, self)}
        return makers[name]()

    def tab(self, name: str) -> QWidget:
        """The tab ``name`` ("general", "officials", …), built now if it was not yet: it
        takes its placeholder's place, labelled and guarded like the rest."""
        built = self.built.get(name)
        if built is not None:
            return built
        built = self.built[name] = self._make(name)
        holder = self._placeholders.pop(name)
        index = self.tabs.indexOf(holder)
        current = self.tabs.currentIndex() == index
        self.tabs.blockSignals(True)  # swapping must not build the tab next to it
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, built, _(dict(self.TABS)[name]))
            if current:
                self.tabs.setCurrentIndex(index)
        finally:
            self.tabs.blockSignals(False)
        holder.deleteLater()
        self._retranslate_tab(name)
        self.guard_roles()
        return built

    def _on_current_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        for name, holder in list(self._placeholders.items()):
            if holder is widget:
                self.tab(name)
                return

    @property
    def general_tab(self) -> GeneralTab:
        return cast(GeneralTab, self.tab("general"))

    @property
    def language_tab(self) -> LanguageTab:
        self.tab("general")
        return cast(LanguageTab, self._parts["language"])

    @property
    def office_tab(self) -> OfficeTab:
        self.tab("general")
        return cast(OfficeTab, self._parts["office"])

    @property
    def numbering_tab(self) -> NumberingTab:
        self.tab("general")
        return cast(NumberingTab, self._parts["numbering"])

    @property
    def officials_tab(self) -> OfficialsTab:
        return cast(OfficialsTab, self.tab("officials"))

    @property
    def lookups_tab(self) -> LookupsTab:
        return cast(LookupsTab, self.tab("lookups"))

    @property
    def rules_tab(self) -> RulesTab:
        return cast(RulesTab, self.tab("rules"))

    @property
    def calendar_tab(self) -> CalendarTab:
        return cast(CalendarTab, self.tab("calendar"))

    @property
    def backups_tab(self) -> BackupsTab:
        return cast(BackupsTab, self.tab("backups"))

    @property
    def national_tab(self) -> NationalCodesTab:
        return cast(NationalCodesTab, self.tab("national"))

    @property
    def units_tab(self) -> UnitsTab:
        return cast(UnitsTab, self.tab("units"))

    def _retranslate_tab(self, name: str) -> None:
        if name == "general":
            for part in ("language", "office", "numbering"):
                cast(LanguageTab, self._parts[part]).retranslate()
        else:
            cast(OfficialsTab, self.built[name]).retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Settings"))
        for i, (_name, title) in enumerate(self.TABS):
            self.tabs.setTabText(i, _(title))
        for name in self.built:
            self._retranslate_tab(name)

    def activate(self) -> None:
        self.guard_roles()

    def guard_roles(self) -> None:
        """The buttons that change the office, its officials, the lists, rules and calendar
        are disabled for a role that may not, saying why (the services' own refusal).
        Only the tabs built so far: a tab is guarded when it is built."""
        from ..permissions import guard

        built = self.built
        office: list[QWidget] = []
        settings: list[QWidget] = []
        if "general" in built:
            office += [self.office_tab.save_button, self.office_tab.revert_button]
            settings.append(self.numbering_tab.save_button)
        if "officials" in built:
            office += [self.officials_tab.add_button, self.officials_tab.edit_button]
        if "rules" in built:
            settings += [self.rules_tab.new_button, self.rules_tab.edit_button]
        if "calendar" in built:
            settings += [self.calendar_tab.add_button, self.calendar_tab.remove_button]
        if "lookups" in built:
            settings += [*self.lookups_tab.add_buttons.values(),
                         *self.lookups_tab.edit_buttons.values()]
        if "units" in built:
            office.append(self.units_tab.dissolve_button)
            from ...services.petitions import STEP_PERMISSIONS

            guard(self.units_tab.transfer_button, STEP_PERMISSIONS["edit"])
        for button in office:
            guard(button, "units.edit")
        for button in settings:
            guard(button, "settings.edit")

    def _on_data_changed(self, kind: str) -> None:
        built = self.built
        if kind in (RecordKind.UNIT, RecordKind.PETITION) and "units" in built:
            self.units_tab.model.reload()
        if kind == RecordKind.OFFICIAL and "officials" in built:
            self.officials_tab.model.reload()
        elif kind == RecordKind.LOOKUPS and "lookups" in built:
            self.lookups_tab.reload()
        elif kind == RecordKind.RULES and "rules" in built:
            self.rules_tab.model.reload()
        elif kind == RecordKind.CALENDAR and "calendar" in built:
            self.calendar_tab.model.reload()

    def refresh(self) -> None:
        """Every tab built so far reads its data again (the others read it when built)."""
        built = self.built
        if "general" in built:
            self.office_tab.load()
        for name in ("officials", "rules", "calendar", "units"):
            if name in built:
                cast(OfficialsTab, built[name]).model.reload()
        if "lookups" in built:
            self.lookups_tab.reload()
        if "backups" in built:
            self.backups_tab.reload()

    def new_record(self) -> None:
        """Ctrl+N adds an official, a field or a source, or a day, depending on the tab."""
        current = self.tabs.currentWidget()
        built = self.built
        if current is built.get("officials"):
            self.officials_tab.add()
        elif current is built.get("lookups"):
            self.lookups_tab.add("field")
        elif current is built.get("rules"):
            self.rules_tab.new_version()
        elif current is built.get("calendar"):
            self.calendar_tab.day.setFocus()

    def show_tab(self, name: str) -> None:
        tabs = {"language": "general", "office": "general", "officials": "officials",
                "lookups": "lookups", "rules": "rules", "calendar": "calendar",
                "backups": "backups", "units": "units", "national": "national"}
        self.tabs.setCurrentWidget(self.tab(tabs[name]))

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
