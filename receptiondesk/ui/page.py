"""The contract between the main window and each area of work (a page)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from .context import AppContext


class Page(QWidget):
    """One area of the navigation pane.

    Pages build their texts in :meth:`retranslate` (called once at the end of
    ``__init__`` by the subclass, and again whenever the language changes) so
    that switching language never rebuilds widgets or loses typed input.
    """

    #: the page's name on the command line and in settings (e.g. "petitions")
    name: str = ""
    #: English message id of the navigation entry, translated when shown
    title: str = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"page_{self.name}")
        ctx.signals.language_changed.connect(lambda _lang: self.retranslate())

    def retranslate(self) -> None:
        """Set every visible text from the catalogs."""

    def activate(self) -> None:
        """Called each time the page is shown."""

    def refresh(self) -> None:
        """Reload the page's data."""

    def new_record(self) -> None:
        """File ▸ New on this page (Ctrl+N)."""

    def focus_search(self) -> None:
        """Edit ▸ Find on this page (Ctrl+F)."""

    def print_current(self) -> None:
        """File ▸ Print on this page (Ctrl+P)."""

    def open_record(self, kind: str, record_id: str) -> bool:
        """Show a record found by the global search; True when this page handled it."""
        return False
