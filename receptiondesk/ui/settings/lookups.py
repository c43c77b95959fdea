"""Settings ▸ Fields and sources: the lookup tables and the dialog that adds or edits
a value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...i18n import N_, _
from ...services import lookups
from ...services.record_kinds import RecordKind
from ..context import AppContext
from ..forms import check, line, open_on_enter
from ..paged import Column, PagedTableModel, Row
from ..widgets.tables import new_table
from ..widgets.texts import yes_no
from .common import TranslatedDialog, fit_columns_when_loaded, selected_id, slice_rows

if TYPE_CHECKING:
    from .page import SettingsPage


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
        model = PagedTableModel(self.COLUMNS, None, self, db=self.ctx.db,
                                plan=lambda o, n, _s, _d, k=kind: self._read(k, o, n))
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
        fit_columns_when_loaded(view)
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

    @staticmethod
    def _read(kind: str, offset: int, limit: int):
        def read(s) -> list[Row]:  # on a worker
            rows = [Row(r.code, [r.code, r.name_vi, r.name_en, r.national_code,
                                 yes_no(r.active)], None if r.active else "muted")
                    for r in lookups.list_lookup(s, kind)]
            return slice_rows(rows, offset, limit)
        return read

    def reload(self) -> None:
        for model in self.models.values():
            model.reload()

    def add(self, kind: str) -> None:
        self.page.make_lookup_dialog(kind).exec()

    def edit(self, kind: str) -> None:
        code = selected_id(self.views[kind])
        if code:
            self.page.make_lookup_dialog(kind, code).exec()
