"""What the settings tabs share: a dialog whose labels follow the language, the layout
of a tab that shows a list, and reading a list's selected row."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ..context import AppContext
from ..forms import RecordDialog
from ..paged import PagedTableModel, Row


def selected_id(view: QTableView) -> str | None:
    model = view.model()
    assert isinstance(model, PagedTableModel)
    return model.id_at(view.currentIndex().row())


def fit_columns_when_loaded(view: QTableView) -> None:
    """Columns sized to their contents are sized again when the rows arrive from the
    worker (the header sized them once, while the list was still empty)."""
    header = view.horizontalHeader()
    model = view.model()
    assert isinstance(model, PagedTableModel)
    # setting a section's mode asks the header to size its automatic sections again
    model.loaded.connect(lambda: header.setSectionResizeMode(0, header.sectionResizeMode(0)))


def slice_rows(rows: list[Row], offset: int, limit: int) -> list[Row]:
    return rows[offset:offset + limit]


def note_buttons_list(owner: QWidget, note: QLabel, buttons: list[QPushButton],
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
