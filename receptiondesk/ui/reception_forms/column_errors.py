"""Errors shown under the fields of a form laid out in several columns, and hiding a
group of rows with their errors."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from ...services.errors import ServiceError, ValidationError
from ..forms import FieldErrors

# --- errors under fields in several form columns -------------------------------------


class ColumnErrors:
    """Like FieldErrors, for a form laid out in several QFormLayout columns."""

    def __init__(self, *parts: FieldErrors) -> None:
        self.parts = parts
        self.general = parts[0].general
        self.labels: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}

    def bind(self, name: str, widget: QWidget, column: int = 0) -> None:
        part = self.parts[column]
        part.bind(name, widget)
        self.labels[name] = part.labels[name]
        self.widgets[name] = widget

    def clear(self) -> None:
        for part in self.parts:
            part.clear()

    def show(self, error: ServiceError) -> None:
        self.clear()
        if not isinstance(error, ValidationError):
            self.general.setText(str(error))
            self.general.show()
            return
        rest: list[str] = []
        first: QWidget | None = None
        for e in error.errors:
            lab = self.labels.get(e.field)
            if lab is None:
                rest.append(e.message)
                continue
            lab.setText(f"{lab.text()}\n{e.message}" if lab.text() else e.message)
            lab.show()
            first = first or self.widgets[e.field]
        if rest:
            self.general.setText("\n".join(rest))
            self.general.show()
        if first is not None:
            first.setFocus()

    def message_for(self, name: str) -> str:
        lab = self.labels.get(name)
        return lab.text() if lab is not None and not lab.isHidden() else ""


def set_rows_visible(form: QFormLayout, errors: dict[str, QLabel], rows: list[QWidget],
                      visible: bool) -> None:
    for widget in rows:
        form.setRowVisible(widget, visible)
    if not visible:
        for lab in errors.values():
            if lab.parent() is not None and form.indexOf(lab) >= 0:
                row, _role = form.getWidgetPosition(lab)
                field = form.itemAt(row - 1, QFormLayout.ItemRole.FieldRole)
                if field is not None and field.widget() in rows:
                    lab.hide()
