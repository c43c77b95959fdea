"""Settings ▸ Office and language: how the office numbers its documents."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ...i18n import _
from ...model import Unit
from ...services import numbering
from ...services.errors import ServiceError
from ...services.record_kinds import RecordKind
from ...services.units import get_unit
from .. import ops
from ..context import AppContext
from ..forms import FieldErrors, line


class NumberingTab(QGroupBox):
    """How petitions are numbered when registered (minutes and notices follow Decree
    30/2020/NĐ-CP: 01, 02, … each year)."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        #: the home unit's name, kind and code (for the example), read with the pattern
        self._unit: Unit | None = None
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
        """The pattern and the unit it names, read on a worker; shown when they arrive."""
        unit_id = self.ctx.unit_id

        def read(s) -> tuple[str, Unit]:
            unit = get_unit(s, unit_id)
            # a copy outside any session: the example is written on every key typed
            return numbering.petition_pattern(s), Unit(code=unit.code, name=unit.name,
                                                       kind=unit.kind)

        ops.query(self, self.ctx.db, read, self._loaded, key="load")

    def _loaded(self, loaded: tuple[str, Unit]) -> None:
        pattern, self._unit = loaded
        self.pattern.setText(pattern)
        self._show_example()

    def _show_example(self) -> None:
        example = None
        if self._unit is not None:  # the pattern and the unit have been read
            try:
                pattern = numbering.check_petition_pattern(self.pattern.text())
                example = numbering.format_petition_number(pattern, self._unit,
                                                           date.today().year, 12)
            except ServiceError:
                example = None
        if example is None:
            self.example.setText(_("Minutes and notices: 01, 02, … from 1 January each year "
                                   "(Decree 30/2020/NĐ-CP)."))
            return
        self.example.setText(_("The 12th petition of the year is numbered {example}. Minutes "
                               "and notices: 01, 02, … from 1 January each year (Decree "
                               "30/2020/NĐ-CP).").format(example=example))

    def save(self) -> bool:
        if self._unit is None:  # not read yet: nothing the user typed over
            return False
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
