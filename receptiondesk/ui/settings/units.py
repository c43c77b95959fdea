"""Settings ▸ Units: the units under the office, and dissolving one (its open work
transferred)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHeaderView, QLabel, QMessageBox, QPushButton, QWidget

from ...i18n import N_, _, format_date, ngettext
from ...model.codes import Level, label
from ...services.errors import ServiceError
from ...services.record_kinds import RecordKind
from ...services.units import dissolve_unit, get_unit, list_units
from ..context import AppContext
from ..forms import check, combo, date_edit, fill_combo, from_qdate, open_on_enter, show_error
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
        self.model = PagedTableModel(self.COLUMNS, None, self, plan=self._plan, db=ctx.db)
        self.view = new_table(self.model, "units_table")
        self.view.doubleClicked.connect(lambda _i: self.dissolve())
        open_on_enter(self.view, self.dissolve)
        header = self.view.horizontalHeader()
        for column in range(len(self.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        fit_columns_when_loaded(self.view)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.dissolve_button = QPushButton()
        self.dissolve_button.setObjectName("unit_dissolve")
        self.dissolve_button.clicked.connect(self.dissolve)
        self.transfer_button = QPushButton()
        self.transfer_button.setObjectName("unit_transfer")
        self.transfer_button.clicked.connect(self.transfer)
        note_buttons_list(self, self.note, [self.dissolve_button, self.transfer_button],
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

    def _plan(self, offset: int, limit: int, _sort: str | None, _desc: bool):
        return lambda s: self._read(s, offset, limit)

    @staticmethod
    def _read(s, offset: int, limit: int) -> list[Row]:  # on a worker
        from ...services.petitions import count_open_cases

        units = list_units(s)
        names = {u.id: u.name for u in units}
        rows = [Row(u.id, [
            u.code, u.name, label(Level, u.level),
            format_date(u.dissolved_on) if u.dissolved_on else "",
            names.get(u.successor_id, "") if u.successor_id else "",
            str(count_open_cases(s, u.id)) if u.dissolved_on else "",
        ], "muted" if u.dissolved_on else None) for u in units]
        return slice_rows(rows, offset, limit)

    def dissolve(self) -> None:
        unit_id = selected_id(self.view)
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

        unit_id = selected_id(self.view)
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
