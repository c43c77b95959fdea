"""Settings ▸ Officials: the office's officials and the dialog that adds or edits
one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QPushButton, QVBoxLayout, QWidget

from ...i18n import N_, _
from ...model.codes import DutyRole, choices, label
from ...services.record_kinds import RecordKind
from ...services.units import (
    OfficialInput,
    create_official,
    get_official,
    list_officials,
    update_official,
)
from ..context import AppContext
from ..forms import RecordDialog, check, combo, fill_combo, line, open_on_enter
from ..paged import Column, PagedTableModel, Row
from ..widgets.tables import new_table
from ..widgets.texts import yes_no
from .common import TranslatedDialog, fit_columns_when_loaded, selected_id, slice_rows

if TYPE_CHECKING:
    from .page import SettingsPage


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


class OfficialsTab(QWidget):
    COLUMNS = (Column(N_("Full name")), Column(N_("Position")), Column(N_("Reception duty")),
               Column(N_("Active")))

    def __init__(self, ctx: AppContext, page: SettingsPage) -> None:
        super().__init__()
        self.ctx = ctx
        self.page = page
        self.model = PagedTableModel(self.COLUMNS, None, self, plan=self._plan, db=ctx.db)
        self.view = new_table(self.model, "officials_table")
        self.view.doubleClicked.connect(lambda _i: self.edit())
        open_on_enter(self.view, self.edit)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        fit_columns_when_loaded(self.view)
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

    def _plan(self, offset: int, limit: int, _sort: str | None, _desc: bool):
        unit_id, active_only = self.ctx.unit_id, not self.show_inactive.isChecked()

        def read(s) -> list[Row]:  # on a worker
            # An office has tens of officials: the page is cut from one small query.
            rows = [Row(o.id, [o.full_name, o.position, label(DutyRole, o.duty_role),
                               yes_no(o.active)], None if o.active else "muted")
                    for o in list_officials(s, unit_id, active_only=active_only)]
            return slice_rows(rows, offset, limit)
        return read

    def add(self) -> None:
        self.page.make_official_dialog().exec()

    def edit(self) -> None:
        official_id = selected_id(self.view)
        if official_id:
            self.page.make_official_dialog(official_id).exec()
