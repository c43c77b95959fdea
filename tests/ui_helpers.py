"""Small helpers the window tests share (fixtures are in ``conftest.py``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox


def click_save(qtbot, dialog) -> None:
    """Click a form's Save button as a user would, and wait for the save, which may run
    off the GUI thread (``ui/ops.py``), to be shown."""
    from receptiondesk.ui import ops

    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.wait(50), timeout=30_000)
