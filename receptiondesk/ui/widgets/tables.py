"""How a list of records is shown: one set-up for every table (row selection, elided or
wrapped cells, column widths), column fitting, sorting, and finding a record's row."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ..paged import PagedTableModel


def setup_table(view: QTableView, model: QAbstractItemModel | None = None,
                widths: list[int] | tuple[int, ...] = (), flexible: tuple[int, ...] = (),
                *, wrap: bool = False, stretch_last: bool = True) -> None:
    """Read-only rows selected one at a time, alternating colours, set column widths.

    Long texts are cut with "…" (the full text is the tooltip); with ``wrap`` they break
    onto more lines and the rows grow to fit. ``flexible`` columns share the width the
    others leave (and give it up first), so the list never scrolls sideways to show its
    key columns; without them the last column stretches, unless ``stretch_last`` is off
    (the caller then sizes the columns itself)."""
    if model is not None:
        view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(wrap)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setStretchLastSection(stretch_last and not flexible)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setHighlightSections(False)
    for i, width in enumerate(widths):
        view.setColumnWidth(i, width)
    for i in flexible:
        header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
    if wrap:
        # Fit the rows once the columns have their final widths (after this event).
        def fit(*_args) -> None:
            QTimer.singleShot(0, view.resizeRowsToContents)

        view.verticalHeader().setMinimumSectionSize(view.fontMetrics().height() + 12)
        view.model().rowsInserted.connect(fit)
        header.sectionResized.connect(fit)


def new_table(model: QAbstractItemModel, name: str, *, wrap: bool = False) -> QTableView:
    """A new read-only list named ``name`` (see ``setup_table``)."""
    view = QTableView()
    view.setObjectName(name)
    setup_table(view, model, wrap=wrap)
    return view


def fit_headers(view: QTableView, widths: list[int]) -> None:
    """Widen a column whose translated title (and sort arrow) would not fit its width."""
    metrics = view.horizontalHeader().fontMetrics()
    model = view.model()
    for i, width in enumerate(widths[:-1]):  # the last column stretches anyway
        title = str(model.headerData(i, Qt.Orientation.Horizontal) or "")
        view.setColumnWidth(i, max(width, metrics.horizontalAdvance(title) + 28))


def fit_columns(view: QTableView, samples: dict[int, str], stretch: int) -> None:
    """Size columns to sample texts (and their titles); ``stretch`` takes the rest."""
    header = view.horizontalHeader()
    metrics = view.fontMetrics()
    header_metrics = header.fontMetrics()
    model = view.model()
    for col, sample in samples.items():
        title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
        width = max(metrics.horizontalAdvance(sample), header_metrics.horizontalAdvance(title))
        header.resizeSection(col, width + 24)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def enable_sorting(view: QTableView, column: int, order: Qt.SortOrder) -> None:
    """Turn on header sorting with ``column`` first (this loads the first page)."""
    view.horizontalHeader().setSortIndicator(column, order)
    view.setSortingEnabled(True)


def select_row_of(view: QTableView, model: PagedTableModel, record_id: str | None) -> bool:
    """Select the loaded row of ``record_id``; False when it is not in the list."""
    if not record_id:
        return False
    for row in range(model.loaded_count()):
        if model.id_at(row) == record_id:
            view.selectRow(row)
            view.scrollTo(model.index(row, 0))
            return True
    return False
