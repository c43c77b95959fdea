"""Table models over paged queries: rows are fetched a page at a time as the view
scrolls, never every row at once, so lists stay instant on a province database.

A model given a ``plan`` reads its pages off the GUI thread (``ui/ops.py``): the plan,
called on the GUI thread where it may read the filter widgets, returns the query to run
on a worker; the rows arrive later and ``loaded`` is emitted. A reload while a page is on
its way drops that page (the newest request wins). A model given a ``fetch`` reads
synchronously (small lists: settings, accounts)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from ..i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..db import Database

PAGE_SIZE = 200
_ROOT = QModelIndex()


@dataclass
class Row:
    """One display row: the record's id, the cell texts, and an optional tint."""

    id: str
    cells: list[str]
    tint: str | None = None  # "overdue", "due_soon", "muted", "hot"
    numbers: dict[int, float] = field(default_factory=dict)  # right-aligned columns


@dataclass(frozen=True)
class Column:
    title: str  # English message id, translated when shown
    sort_key: str | None = None  # the service's sort name, None when not sortable
    numeric: bool = False


#: fetch(offset, limit, sort_key, descending) -> rows
Fetch = Callable[[int, int, str | None, bool], list[Row]]
#: plan(offset, limit, sort_key, descending) -> the query reading those rows in a session
#: on a worker (None: there are no rows to read)
Plan = Callable[[int, int, str | None, bool], "Callable[[Session], list[Row]] | None"]

TINTS = {
    "overdue": ("#8b0000", "#fde2e1"),
    "due_soon": ("#7a4b00", "#fff4d6"),
    "hot": ("#5a1a7a", None),
    "muted": ("#777777", None),
}


class PagedTableModel(QAbstractTableModel):
    #: a page of rows arrived (or the list is known empty): the first page after reload()
    loaded = Signal()

    def __init__(self, columns: Sequence[Column], fetch: Fetch | None = None, parent=None,
                 *, plan: Plan | None = None, db: Database | None = None,
                 failed: Callable[[Exception], None] | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._fetch = fetch
        self._plan = plan
        self._db = db
        self._failed = failed
        self._rows: list[Row] = []
        self._exhausted = False
        self._loading = False
        self._sort_key: str | None = None
        self._descending = True

    # --- loading --------------------------------------------------------------

    def reload(self) -> None:
        """Drop what is loaded and fetch the first page again (filters changed)."""
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self._loading = False  # a page on its way is dropped: its request is not the newest
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def set_rows(self, rows: list[Row]) -> None:
        """Show ``rows`` as the first page, read elsewhere (later pages are fetched)."""
        if self._plan is not None:
            from . import ops

            ops.cancel(self, "page")  # a page still on its way belongs to the old list
        self.beginResetModel()
        self._rows = list(rows)
        self._exhausted = len(rows) < PAGE_SIZE
        self._loading = False
        self.endResetModel()
        self.loaded.emit()

    def is_loading(self) -> bool:
        """A page is being read in the background."""
        return self._loading

    def set_fetch(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self.reload()

    def canFetchMore(self, parent=_ROOT) -> bool:  # noqa: N802 - Qt API
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent=_ROOT) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted or self._loading:
            return
        if self._plan is not None:
            self._fetch_in_background()
            return
        assert self._fetch is not None
        self._add(self._fetch(len(self._rows), PAGE_SIZE, self._sort_key, self._descending))

    def _fetch_in_background(self) -> None:
        from . import ops

        assert self._plan is not None and self._db is not None
        offset = len(self._rows)
        job = self._plan(offset, PAGE_SIZE, self._sort_key, self._descending)
        if job is None:
            self._exhausted = True
            self.loaded.emit()
            return
        self._loading = True

        def arrived(page: list[Row]) -> None:
            self._loading = False
            if offset == len(self._rows):
                self._add(page)
            self.loaded.emit()

        def failed(exc: Exception) -> None:
            self._loading = False
            self._exhausted = True  # not asked again and again while the view scrolls
            if self._failed is not None:
                self._failed(exc)
            else:
                ops.report_error(self, exc)

        ops.query(self, self._db, job, arrived, key="page", failure=failed)

    def _add(self, page: list[Row]) -> None:
        if len(page) < PAGE_SIZE:
            self._exhausted = True
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].sort_key if 0 <= column < len(self.columns) else None
        if key is None:
            return
        self._sort_key = key
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # --- access ---------------------------------------------------------------

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def id_at(self, row: int) -> str | None:
        r = self.row_at(row)
        return r.id if r else None

    def loaded_count(self) -> int:
        return len(self._rows)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)

    # --- Qt model API ---------------------------------------------------------

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.columns[section].title)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.cells[col] if col < len(row.cells) else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[col].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if row.tint and role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            fg, bg = TINTS.get(row.tint, (None, None))
            colour = fg if role == Qt.ItemDataRole.ForegroundRole else bg
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None
