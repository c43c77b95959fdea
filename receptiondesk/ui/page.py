"""The contract between the main window and each area of work (a page)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..services.record_kinds import RecordKind
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
    #: what making a record on this page takes (a key of accounts.PERMISSIONS; "": none)
    new_permission: str = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"page_{self.name}")
        # a bound method: the connection ends with the page (the office's signals live on)
        ctx.signals.language_changed.connect(self._language_changed)

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        """Set every visible text from the catalogs."""

    def activate(self) -> None:
        """Called each time the page is shown."""

    def refresh(self) -> None:
        """Reload the page's data."""

    def new_record(self) -> None:
        """File ▸ New on this page (Ctrl+N)."""

    def may_create(self) -> bool:
        """Whether the user's role may make a record here; if not, the status bar says why
        (File ▸ New, Ctrl+N, before any form is filled in)."""
        from .permissions import refusal

        reason = refusal(self.new_permission) if self.new_permission else None
        if reason is not None:
            self.ctx.signals.status_message.emit(reason)
        return reason is None

    def guard_new(self, button) -> None:
        """Disable the page's "New…" button for a role that may not use it, saying why."""
        from .permissions import guard

        if self.new_permission:
            guard(button, self.new_permission)

    def focus_search(self) -> None:
        """Edit ▸ Find on this page (Ctrl+F)."""

    def print_current(self) -> None:
        """File ▸ Print on this page (Ctrl+P)."""

    def open_record(self, kind: str, record_id: str) -> bool:
        """Show a record found by the global search; True when this page handled it."""
        return False


class RecordListPage(Page):
    """A page listing one kind of record (a paged table, a search box, a detail view).

    The list behaviour is here: reading the rows and their count, reloading (keeping the
    record that was selected), following the current row, and reading the chosen
    record's detail. A page supplies only what is its own:

    - ``record_kind`` and ``refresh_on`` (the list reloads itself when a kind it shows
      changes);
    - ``_build()``, making ``self.model``, ``self.table``, ``self.search`` and
      ``self.count_label`` (:meth:`list_with_detail` makes the first three);
    - ``_plan()``, the query of a page of rows; ``count_query()`` and ``count_text()``;
    - the detail: ``detail_query(record_id)``, ``show_found_detail(found)``,
      ``detail_failed(exc)`` and ``clear_detail()``; ``current_changed()`` for the
      buttons that depend on a chosen record.

    Rows, counts and details are read off the GUI thread (``ui/ops.py``): newer results
    replace older ones, and a detail read for a record no longer chosen is not shown.
    """

    record_kind: RecordKind | str = ""
    #: kinds of record (``AppSignals.data_changed``) whose change reloads the list
    refresh_on: frozenset[RecordKind] = frozenset({RecordKind.UNIT, RecordKind.SETTINGS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._unit_ids = ctx.unit_ids()
        self.current_id: str | None = None
        self._after_page = None
        self._build()
        ctx.signals.data_changed.connect(self._on_data_changed)
        self.retranslate()
        self.reload()

    # --- reading in the background -------------------------------------------------

    def reload(self) -> None:
        """Read the list and its count again."""
        self.reload_list()
        self.update_count()

    def update_count(self) -> None:
        """Count the list's records on a worker and show the count when it arrives."""
        op = self.count_query()
        if op is not None:
            self.show_count(op, lambda n: self.count_label.setText(self.count_text(n)))

    def count_query(self):
        """The query counting the list's records (``op(session) -> int``), or None."""
        return None

    def count_text(self, n: int) -> str:
        """The count as the page words it ("12 meetings")."""
        return str(n)

    def reload_list(self) -> None:
        """Read the first page again; once it is in, select the record that was selected
        (or none, when it left the list) and show it."""
        self.model.reload()

        def settle() -> None:  # the record chosen when the rows arrive (open_record)
            from .widgets.tables import select_row_of

            if not select_row_of(self.table, self.model, self.current_id):
                self.current_id = None
            self.show_current()

        self.after_first_page(settle)

    def after_first_page(self, fn) -> None:
        """Call ``fn`` when the page being read arrived (now, when none is on its way)."""
        if self.model.is_loading():
            self._after_page = fn
        else:
            self._after_page = None
            fn()

    def _page_loaded(self) -> None:
        fn, self._after_page = self._after_page, None
        if fn is not None:
            fn()

    def show_count(self, op, show, key: str = "count") -> None:
        """Count with ``op(session)`` on a worker; ``show(n)`` unless a newer count or the
        page's end overtook it (``self.count_label`` is cleared on an error)."""
        from . import ops

        ops.query(self, self.ctx.db, op, show, key=key,
                  failure=lambda _exc: self.count_label.clear())

    def show_detail(self, op, show, failed=None) -> None:
        """Read the current record's detail with ``op(session)`` on a worker; ``show``
        it when it arrives, unless another record was chosen meanwhile."""
        from ..services.errors import ServiceError
        from . import ops

        def failure(exc: Exception) -> None:
            if failed is not None and isinstance(exc, ServiceError):
                failed(exc)  # e.g. the record was deleted meanwhile: said in the pane
            else:
                ops.report_error(self, exc)

        ops.query(self, self.ctx.db, op, show, key="detail", failure=failure)

    def drop_detail(self) -> None:
        """No record chosen: a detail still being read is not shown."""
        from . import ops

        ops.cancel(self, "detail")

    def _build(self) -> None:
        """Make the page's widgets (called once, before the first texts and rows)."""

    def _on_data_changed(self, kind: str) -> None:
        if kind in self.refresh_on:
            self.refresh()

    def activate(self) -> None:
        if not self.model.loaded_count():
            self.reload()

    def refresh(self) -> None:
        self._unit_ids = self.ctx.unit_ids()
        self.reload()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def open_record(self, kind: str, record_id: str) -> bool:
        if kind != self.record_kind:
            return False
        from .widgets.tables import select_row_of

        self.current_id = record_id
        select_row_of(self.table, self.model, record_id)
        self.show_current()
        return True

    def _on_current(self, current, _previous) -> None:
        self.current_id = self.model.id_at(current.row()) if current.isValid() else None
        self.show_current()

    def show_current(self) -> None:
        """Show the detail of ``self.current_id``: read by ``detail_query`` on a worker and
        shown by ``show_found_detail``; with no record chosen, ``clear_detail``."""
        self.current_changed()
        if not self.current_id:
            self.drop_detail()
            self.clear_detail()
            return
        op = self.detail_query(self.current_id)
        if op is not None:
            self.show_detail(op, self.show_found_detail, self.detail_failed)

    def current_changed(self) -> None:
        """Another record (or none) was chosen: e.g. enable the buttons that need one."""

    def detail_query(self, record_id: str):
        """The query reading the detail of ``record_id`` (``op(session)``), or None."""
        return None

    def show_found_detail(self, found) -> None:
        """Show what ``detail_query`` read."""

    def detail_failed(self, exc: Exception) -> None:
        """The record could not be read (e.g. it was deleted meanwhile): say so."""
        from . import ops

        ops.report_error(self, exc)

    def clear_detail(self) -> None:
        """No record chosen: the detail pane says how to choose one."""

    def _plan(self, offset: int, limit: int, sort: str | None, descending: bool):
        """The query reading a page of the list (run on a worker), or None: no rows."""
        return None

    def exec_dialog(self, dialog) -> bool:
        """Show a modal dialog; True when it was saved (tests replace this to drive it)."""
        from PySide6.QtWidgets import QDialog

        return dialog.exec() == QDialog.DialogCode.Accepted

    def list_with_detail(self, columns, widths, name: str, flexible: tuple[int, ...] = ()):
        """The paged table of records above a scrolling detail text; returns the splitter.

        Sets ``self.model``, ``self.table`` and ``self.detail`` (a label the page fills);
        ``flexible`` columns share the width left (see ``setup_table``).
        """
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QTableView

        from .forms import open_on_enter
        from .paged import PagedTableModel
        from .widgets.tables import setup_table

        self.model = PagedTableModel(columns, None, self, plan=self._plan, db=self.ctx.db)
        self.model.loaded.connect(self._page_loaded)
        self.table = QTableView()
        self.table.setObjectName(f"{name}_list")
        setup_table(self.table, self.model, widths, flexible)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        open_on_enter(self.table, self.edit_current)
        self.detail = QLabel()
        self.detail.setObjectName(f"{name}_detail")
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setContentsMargins(8, 8, 8, 8)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.detail)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(scroll)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([380, 220])
        return splitter
