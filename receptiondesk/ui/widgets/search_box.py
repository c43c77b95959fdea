"""A search field that reports what was typed once typing pauses."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

SEARCH_DELAY_MS = 200


class SearchBox(QLineEdit):
    """A search field that reports what was typed once typing pauses (~200 ms)."""

    search_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self.setObjectName("list_search")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self.textChanged.connect(lambda _t: self._timer.start())

    def flush(self) -> None:
        """Report the text now (tests, Enter)."""
        self._timer.stop()
        self.search_changed.emit(self.text())

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.flush()
            return
        super().keyPressEvent(event)
