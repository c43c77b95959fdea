"""The figures-by-unit tab of the Reports page: the periodic report's table per unit of
the tree; a double click on a unit reports on that unit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ..forms import open_on_enter


class UnitFiguresPanel:
    """The figures-by-unit part of the Reports page (a mixin of ``ReportsPage``)."""

    def _build_unit_figures(self) -> QWidget:
        """The periodic report's figures by unit, as in the document's table."""
        page = QWidget()
        page.setObjectName("unit_figures_tab")
        self.unit_figures_note = QLabel()
        self.unit_figures_note.setWordWrap(True)
        self.unit_figures = QTableWidget(0, 0)
        self.unit_figures.setObjectName("unit_figures")
        self.unit_figures.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unit_figures.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.unit_figures.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.unit_figures.verticalHeader().hide()
        self.unit_figures.verticalHeader().setDefaultSectionSize(
            self.unit_figures.fontMetrics().height() + 8)
        self.unit_figures.setWordWrap(False)
        self.unit_figures.cellDoubleClicked.connect(
            lambda row, _col: self._report_on_row(row))
        open_on_enter(self.unit_figures,
                      lambda: self._report_on_row(self.unit_figures.currentRow()))
        self.unit_figures_caption = QLabel()
        self.unit_figures_caption.setObjectName("unit_figures_caption")
        self.unit_figures_caption.setWordWrap(True)
        font = self.unit_figures_caption.font()
        font.setBold(True)
        self.unit_figures_caption.setFont(font)
        layout = QVBoxLayout(page)
        layout.addWidget(self.unit_figures_note)
        layout.addWidget(self.unit_figures_caption)
        layout.addWidget(self.unit_figures, 1)
        return page

    def _show_unit_figures(self) -> None:
        """The last report's table by unit, as the document prints it (total in bold)."""
        table = self.unit_figures
        report = self.last_report
        if report is None:
            table.setRowCount(0)
            table.setColumnCount(0)
            self.unit_figures_caption.setText(
                _("Preview the report to see the figures of each unit."))
            return
        # not before there is a report: importing the document layer takes most of a second
        from ...reports.outputs import Pct, cell_text, unit_table

        spec = unit_table(report)
        self.unit_figures_caption.setText(_("{unit}, {period}").format(
            unit=report.unit.name, period=report.period.phrase)
            + ("" if report.unit.id == self.report_unit_id() else
               " \u2014 " + _("another unit is chosen now: preview to see its figures.")))
        table.clear()
        table.setColumnCount(len(spec.columns))
        table.setHorizontalHeaderLabels(spec.columns)
        table.setRowCount(len(spec.rows))
        ids = [u.unit_id for u in report.by_unit] + [None]
        bold = QFont(table.font())
        bold.setBold(True)
        for r, values in enumerate(spec.rows):
            total = r >= len(spec.rows) - spec.total_rows
            for c, value in enumerate(values):
                item = QTableWidgetItem(cell_text(value))
                item.setData(Qt.ItemDataRole.UserRole, ids[r] if r < len(ids) else None)
                if isinstance(value, int | float | Pct) and not isinstance(value, bool):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if total:
                    item.setFont(bold)
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        for c in range(1, len(spec.columns)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        # the names in full, up to a width that leaves room for the figures
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, min(table.sizeHintForColumn(0) + 12, 320))
        for c, (group, _span) in enumerate(self._column_groups(spec)):
            if group:
                table.horizontalHeaderItem(c).setToolTip(f"{group}: {spec.columns[c]}")

    @staticmethod
    def _column_groups(spec) -> list[tuple[str, int]]:
        """The group title over each column (empty where none)."""
        out: list[tuple[str, int]] = []
        for title, span in spec.groups or [("", 1)] * len(spec.columns):
            out += [(title, span)] * span
        return out

    def _report_on_row(self, row: int) -> None:
        """Report on the unit of a row of the table (a drill-down); the total is no unit."""
        item = self.unit_figures.item(row, 0)
        unit_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if unit_id and self.set_report_unit(unit_id):
            self.preview_document()

    def unit_figure_rows(self) -> list[list[str]]:
        """The table of figures by unit as shown, row by row."""
        t = self.unit_figures
        return [[t.item(r, c).text() for c in range(t.columnCount())]
                for r in range(t.rowCount())]
