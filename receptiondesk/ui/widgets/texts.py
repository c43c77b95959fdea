"""Widget texts that follow the language: the ``Texts`` mixin, yes/no words and the
Save/Cancel button labels."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialogButtonBox

from ...i18n import _, yes_no  # noqa: F401 - the pages take yes_no from here

if TYPE_CHECKING:
    from ..forms import RecordDialog


class Texts:
    """Remembers which message id each widget text comes from, to set them all again
    when the language changes (the typed input is left alone)."""

    def _texts(self) -> list[tuple[Callable[[str], object], str]]:
        if not hasattr(self, "_text_setters"):
            self._text_setters: list[tuple[Callable[[str], object], str]] = []
        return self._text_setters

    def t(self, setter: Callable[[str], object], msgid: str) -> None:
        """Call ``setter(_(msgid))`` now and after every language change."""
        self._texts().append((setter, msgid))
        setter(_(msgid))

    def apply_texts(self) -> None:
        for setter, msgid in self._texts():
            setter(_(msgid))


def save_cancel_texts(dialog: RecordDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
