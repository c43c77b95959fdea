"""Settings ▸ National codes: the office's mapping to the national complaints database's
code lists (units, sources, types, fields, competence, handling directions, results).

The codes a new database starts with are ReceptionDesk's placeholders, not official values
(see :mod:`receptiondesk.services.national_codes`); the note at the top says so, and the
"ReceptionDesk placeholder" column shows which value is still one.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import N_, _
from ...services import national_codes
from ...services.errors import ServiceError
from ...services.record_kinds import RecordKind
from .. import ops
from ..context import AppContext
from ..forms import combo, fill_combo, line, open_on_enter, show_error
from ..paged import Column, PagedTableModel, Row
from ..widgets.tables import new_table
from .common import TranslatedDialog, selected_id, slice_rows


class NationalCodeDialog(TranslatedDialog):
    """Type the national code of one value of a code list."""

    def __init__(self, ctx: AppContext, code_list: str, entry: national_codes.Entry,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("national_code_dialog")
        self.code_list = code_list
        self.entry = entry
        self.name = QLabel(entry.name)
        self.name.setWordWrap(True)
        self.code = QLabel(entry.shown_code)
        self.default = QLabel(entry.default_code or "\u2014")
        self.national_code = line(entry.national_code)
        self.national_code.setObjectName("national_code")
        self.add_row("name", N_("Value:"), self.name, bind=False)
        self.add_row("code", N_("Code:"), self.code, bind=False)
        self.add_row("default", N_("ReceptionDesk placeholder:"), self.default, bind=False)
        self.add_row("national_code", N_("National database code:"), self.national_code)
        self.watch(self.national_code)
        self.setMinimumWidth(480)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(national_codes.list_title(self.code_list))
        self.national_code.setPlaceholderText(_("blank: not mapped"))

    def save(self) -> str | None:
        with self.ctx.db.session(write=True) as s:
            national_codes.save_national_code(s, self.code_list, self.entry.code,
                                              self.national_code.text())
        self.ctx.signals.data_changed.emit(RecordKind.LOOKUPS)
        return self.entry.code


class NationalCodesTab(QWidget):
    """Pick a code list, see each value's national code, edit one."""

    COLUMNS = (Column(N_("Code")), Column(N_("Name")), Column(N_("National code")),
               Column(N_("ReceptionDesk placeholder")))

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("national_codes_tab")
        self.ctx = ctx
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.list_label = QLabel()
        self.lists = combo([])
        self.lists.setObjectName("national_code_list")
        self.lists.currentIndexChanged.connect(lambda _i: self.model.reload())
        self.version_label = QLabel()
        self.version = QLineEdit()
        self.version.setObjectName("national_code_version")
        self.save_version = QPushButton()
        self.save_version.clicked.connect(self._save_version)
        self.model = PagedTableModel(self.COLUMNS, None, self, plan=self._plan, db=ctx.db)
        self.view = new_table(self.model, "national_codes_table")
        self.view.doubleClicked.connect(lambda _i: self.edit())
        open_on_enter(self.view, self.edit)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("national_code_edit")
        self.edit_button.clicked.connect(self.edit)
        self._build()
        ctx.signals.data_changed.connect(self._on_data_changed)
        self.retranslate()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.list_label)
        top.addWidget(self.lists, 1)
        top.addSpacing(24)
        top.addWidget(self.version_label)
        top.addWidget(self.version, 1)
        top.addWidget(self.save_version)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)

    def retranslate(self) -> None:
        self.note.setText(_(
            "The codes of the national database on citizen reception and the handling of "
            "complaints and denunciations, used by File \u25b8 Export for the national "
            "database. The codes a new database starts with are ReceptionDesk's placeholders, "
            "not official values: replace them with the codes issued to your office. Units "
            "have no placeholder: give each unit its administrative unit code."))
        self.list_label.setText(_("Code list:"))
        fill_combo(self.lists, [(c, national_codes.list_title(c))
                                for c in national_codes.CODE_LISTS],
                   self.lists.currentData() or national_codes.CODE_LISTS[0])
        self.version_label.setText(_("Version of the code lists:"))
        self.version.setPlaceholderText(_("e.g. the document that issued them"))
        self.save_version.setText(_("Save version"))
        self.edit_button.setText(_("&Edit national code\u2026"))
        ops.query(self, self.ctx.db, national_codes.code_list_version, self.version.setText,
                  key="version")
        self.model.retranslate()
        self.model.reload()

    def code_list(self) -> str:
        return self.lists.currentData() or national_codes.CODE_LISTS[0]

    def select_list(self, code_list: str) -> None:
        self.lists.setCurrentIndex(max(self.lists.findData(code_list), 0))

    def _entries(self) -> list[national_codes.Entry]:
        with self.ctx.db.session() as s:
            return national_codes.entries(s, self.code_list())

    def _plan(self, offset: int, limit: int, _sort: str | None, _desc: bool):
        code_list = self.code_list()

        def read(s) -> list[Row]:
            # a code list has at most a few hundred values (units): cut from one small query
            rows = [Row(e.code, [e.shown_code, e.name, e.national_code or _("(none)"),
                                 e.default_code], None if e.national_code else "overdue")
                    for e in national_codes.entries(s, code_list)]
            return slice_rows(rows, offset, limit)

        return read

    def edit(self) -> None:
        code = selected_id(self.view)
        entry = next((e for e in self._entries() if e.code == code), None)
        if entry is not None:
            NationalCodeDialog(self.ctx, self.code_list(), entry, self).exec()

    def _save_version(self) -> None:
        try:
            with self.ctx.db.session() as s:
                national_codes.save_version(s, self.version.text())
        except ServiceError as exc:
            show_error(self, exc)
            return
        self.ctx.signals.status_message.emit(_("Saved."))

    def _on_data_changed(self, kind: str) -> None:
        if kind in (RecordKind.LOOKUPS, RecordKind.UNIT) and shiboken6.isValid(self):
            self.model.reload()
