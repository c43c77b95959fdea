"""Settings ▸ Office and language: the office's own details, which head every printed
document (name, code, level, kind, parent body, place, remote-area flag)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ...i18n import N_, _
from ...model.codes import Level, UnitKind, choices
from ...services.errors import ChangedByAnotherUser, ServiceError
from ...services.record_kinds import RecordKind
from ...services.units import UnitInput, get_unit, update_unit
from .. import ops
from ..context import AppContext
from ..forms import FieldErrors, ask_reload, check, combo, fill_combo, line


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
        #: the unit's details have arrived from the worker (``load``)
        self.loaded = False
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
        """The unit's details, read on a worker and shown when they arrive (saving waits
        for them: a form saved before would clear what it has not shown)."""
        self.errors.clear()
        unit_id = self.ctx.unit_id

        def read(s) -> dict:
            unit = get_unit(s, unit_id)
            successor = s.get(type(unit), unit.successor_id) if unit.successor_id else None
            return {
                "version": unit.version,
                "parent_code": unit.parent.code if unit.parent else None,
                "dissolved_on": unit.dissolved_on,
                "successor_code": successor.code if successor else None,
                "code": unit.code, "name": unit.name, "level": unit.level,
                "kind": unit.kind, "parent_body_name": unit.parent_body_name,
                "place_name": unit.place_name, "remote_area": unit.remote_area,
                "national_code": unit.national_code,
            }

        ops.query(self, self.ctx.db, read, self._show, key="load")

    def _show(self, unit: dict) -> None:
        self._version = unit["version"]
        self._parent_code = unit["parent_code"]
        # kept as loaded: this form does not edit them, and saving must not clear them
        self._dissolved_on = unit["dissolved_on"]
        self._successor_code = unit["successor_code"]
        self._deadline_facts = (unit["remote_area"], unit["kind"])
        self.code.setText(unit["code"])
        self.name.setText(unit["name"])
        fill_combo(self.level, choices(Level), unit["level"])
        fill_combo(self.kind, choices(UnitKind), unit["kind"])
        self.parent_body_name.setText(unit["parent_body_name"])
        self.place_name.setText(unit["place_name"])
        self.remote_area.setChecked(unit["remote_area"])
        self.national_code.setText(unit["national_code"])
        self.loaded = True

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
        if not self.loaded:  # the details have not arrived: nothing to save yet
            return False
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
