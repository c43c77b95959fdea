"""The dashboard: what needs doing now and how the office is doing, at a glance.

Petitions overdue and due soon (a short list that opens the petition), this month's and
this year's reception sessions by kind, each head's reception duty month by month, and
petitions by field and by month as charts. The figures come from
:mod:`receptiondesk.services.dashboard`, computed off the GUI thread.

At a province (or a pre-2025 district) a table lists the units directly below with their
figures; double-clicking one (or "Open unit") drills down to that unit's own dashboard,
and the path above the cards (or "Up") goes back.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
)
from PySide6.QtCore import QMargins, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QCursor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedLayout,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..i18n import N_, _, current_language, format_date, format_number, ngettext
from ..model.codes import DutyRole, Level, PetitionType, SessionKind, label
from ..rules.duty import DutyMonth, duty_requirement
from ..services.dashboard import (
    SOON_DAYS,
    DashboardFigures,
    UnitRow,
    dashboard_figures,
    unit_breakdown,
)
from ..services.protection import identity_visible, redacted
from ..services.record_kinds import RecordKind
from . import ops
from .context import AppContext
from .page import Page

#: kinds of record whose change can move a figure of the dashboard
WATCHED = frozenset((RecordKind.PETITION, RecordKind.SESSION, RecordKind.VISIT,
                     RecordKind.OFFICIAL, RecordKind.UNIT, RecordKind.SETTINGS, RecordKind.RULES,
                     RecordKind.CALENDAR))

MET = ("#1b5e20", "#e3f4e1")
UNMET = ("#8b0000", "#fde2e1")
PENDING = ("#555555", "#eeeeee")
OVERDUE = ("#8b0000", "#fde2e1")
DUE_SOON = ("#7a4b00", "#fff4d6")
BAR_COLOUR = "#3b6ea5"
#: the columns of the table of units: (figure of UnitRow, header msgid)
UNIT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("open_count", N_("Open petitions")),
    ("overdue_count", N_("Overdue")),
    ("due_soon_count", N_("Due soon")),
    ("received_year", N_("Received this year")),
    ("sessions_year", N_("Sessions this year")),
    ("citizens_year", N_("Citizens this year")),
)


@dataclass
class Loaded:
    """What one load computes off the GUI thread: the figures of the unit shown, the
    table of the units below it and the names along the path to it."""

    figures: DashboardFigures
    units: list[UnitRow] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


class Card(QFrame):
    """A titled figure: a big number and a line or two of detail."""

    def __init__(self, colour: str = "#222222") -> None:
        super().__init__()
        self.setObjectName("dashboard_card")
        self.setStyleSheet(
            "QFrame#dashboard_card { background: palette(base); border: 1px solid #c9cfd6;"
            " border-radius: 6px; }"
        )
        self.title = QLabel()
        self.title.setWordWrap(True)
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.number = QLabel("–")
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.number.setFont(font)
        self.number.setStyleSheet(f"color: {colour};")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("color: #444444;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.number)
        layout.addWidget(self.detail)
        layout.addStretch(1)


def two_lines(heading: str) -> str:
    """A column heading broken at the space nearest its middle (one word stays whole)."""
    spaces = [i for i, ch in enumerate(heading) if ch == " "]
    if not spaces or len(heading) < 10:
        return heading
    cut = min(spaces, key=lambda i: abs(i - len(heading) / 2))
    return heading[:cut] + "\n" + heading[cut + 1:]


class UnitTable(QTableWidget):
    """The units below the one shown; Enter drills down like a double click."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.cellDoubleClicked.emit(self.currentRow(), 0)
            return
        super().keyPressEvent(event)


class AttentionTable(QTableWidget):
    """Petitions overdue or due soon; a click or Enter opens the petition."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.cellClicked.emit(self.currentRow(), 0)
            return
        super().keyPressEvent(event)


def _section_title(wrap: bool = False) -> QLabel:
    title = QLabel()
    title.setWordWrap(wrap)  # a long title over a table: two lines, not the table's width
    font = title.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    title.setFont(font)
    return title


def _month_label(year: int, month: int) -> str:
    return f"{month:02d}/{year % 100:02d}"


def _kind_breakdown(counts: dict[str, int]) -> str:
    parts = [
        _("{kind}: {count}").format(kind=label(SessionKind, k.value),
                                    count=format_number(counts.get(k.value, 0)))
        for k in SessionKind
    ]
    return " · ".join(parts[:2]) + "\n" + " · ".join(parts[2:])


def _received(visits: int, citizens: int) -> str:
    """Visits (lượt) and the citizens they brought (người), named as the report names
    them."""
    return _("Visits: {visits} \u00b7 citizens: {citizens}").format(
        visits=format_number(visits), citizens=format_number(citizens))


class DashboardPage(Page):
    name = "dashboard"
    title = N_("Dashboard")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.figures: DashboardFigures | None = None
        self.unit_rows: list[UnitRow] = []
        #: the units from the office down to the one shown (drill-down), by id
        self.path: list[str] = [ctx.unit_id]
        self._names: dict[str, str] = {}
        self._stale = True
        self._loading = False
        self._build()
        ctx.signals.data_changed.connect(self._on_data_changed)
        self.retranslate()

    # --- construction ---------------------------------------------------------

    def _build(self) -> None:
        self.heading = _section_title()
        self.status = QLabel()
        self.status.setObjectName("dashboard_status")
        self.status.setStyleSheet("color: #555555;")
        self.refresh_button = QPushButton()
        self.refresh_button.setObjectName("dashboard_refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.up_button = QPushButton()
        self.up_button.setObjectName("dashboard_up")
        self.up_button.clicked.connect(self.go_up)
        self.up_button.hide()
        self.breadcrumb = QLabel()
        self.breadcrumb.setObjectName("dashboard_path")
        self.breadcrumb.setTextFormat(Qt.TextFormat.RichText)
        self.breadcrumb.linkActivated.connect(lambda uid: self.go_to(uid))
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.up_button)
        top.addWidget(self.breadcrumb, 1)
        top.addWidget(self.status)
        top.addWidget(self.refresh_button)

        self.overdue_card = Card(OVERDUE[0])
        self.overdue_card.setObjectName("dashboard_card")
        self.overdue_card.number.setObjectName("overdue_count")
        self.soon_card = Card(DUE_SOON[0])
        self.soon_card.number.setObjectName("due_soon_count")
        self.month_card = Card()
        self.month_card.number.setObjectName("sessions_month")
        self.year_card = Card()
        self.year_card.number.setObjectName("sessions_year")
        cards = QHBoxLayout()
        cards.setSpacing(10)
        for card in (self.overdue_card, self.soon_card, self.month_card, self.year_card):
            cards.addWidget(card, 1)

        middle = QHBoxLayout()
        middle.setSpacing(10)
        middle.addWidget(self._build_attention(), 6)
        middle.addWidget(self._build_duty(), 5)

        self.field_chart = QChart()
        self.month_chart = QChart()
        charts = QHBoxLayout()
        charts.setSpacing(10)
        for chart in (self.field_chart, self.month_chart):
            chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
            chart.legend().hide()
            # Room on the right for the last number of the field chart's bottom axis.
            chart.setMargins(QMargins(4, 4, 22, 4))
            chart.setBackgroundRoundness(4)
            view = QChartView(chart)
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(215)
            view.setObjectName("field_chart" if chart is self.field_chart else "month_chart")
            if chart is self.field_chart:
                self.field_view = view
            charts.addWidget(view, 1)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(cards)
        layout.addWidget(self._build_units())
        layout.addLayout(middle, 1)
        layout.addLayout(charts, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _build_units(self) -> QWidget:
        self.units_box = QWidget()
        self.units_title = _section_title()
        self.drill_button = QPushButton()
        self.drill_button.setObjectName("dashboard_drill")
        self.drill_button.clicked.connect(self._drill_current)
        self.units_note = QLabel()
        self.units_note.setStyleSheet("color: #555555;")
        self.unit_table = UnitTable(0, 2 + len(UNIT_COLUMNS))
        self.unit_table.setObjectName("unit_table")
        self.unit_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unit_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.unit_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.unit_table.verticalHeader().hide()
        # compact rows: a province has a dozen units directly below it
        self.unit_table.verticalHeader().setDefaultSectionSize(
            self.unit_table.fontMetrics().height() + 8)
        self.unit_table.setWordWrap(False)
        # the figures as wide as they need; the unit's name takes the room left (elided,
        # whole in its tooltip), so the table does not scroll sideways on a small screen
        header = self.unit_table.horizontalHeader()
        for col in range(1, 2 + len(UNIT_COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.unit_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.unit_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.unit_table.cellDoubleClicked.connect(lambda row, _col: self._drill_row(row))
        self.unit_table.itemSelectionChanged.connect(self._enable_drill)
        bar = QHBoxLayout()
        bar.addWidget(self.units_title)
        bar.addWidget(self.units_note, 1)
        bar.addWidget(self.drill_button)
        layout = QVBoxLayout(self.units_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.unit_table)
        self.units_box.hide()
        return self.units_box

    def _build_attention(self) -> QWidget:
        box = QWidget()
        self.attention_title = _section_title(wrap=True)
        self.attention = AttentionTable(0, 4)
        self.attention.setObjectName("attention_list")
        self.attention.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attention.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attention.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.attention.verticalHeader().hide()
        self.attention.setWordWrap(False)
        self.attention.setCursor(Qt.CursorShape.PointingHandCursor)
        header = self.attention.horizontalHeader()
        for col in range(4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.attention.cellClicked.connect(self._open_attention)
        self.attention_empty = QLabel()
        self.attention_empty.setWordWrap(True)
        self.attention_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.attention_empty.setStyleSheet("color: #555555;")
        self.attention_stack = QStackedLayout()
        self.attention_stack.addWidget(self.attention)
        self.attention_stack.addWidget(self.attention_empty)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.attention_title)
        layout.addLayout(self.attention_stack, 1)
        box.setMinimumHeight(210)
        return box

    def _build_duty(self) -> QWidget:
        box = QWidget()
        self.duty_title = _section_title(wrap=True)
        self.duty = QTableWidget(0, 1)
        self.duty.setObjectName("duty_table")
        self.duty.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.duty.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.duty.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.duty.verticalHeader().hide()
        self.duty.setWordWrap(True)
        # the heads' names wrap to the width their column gets once laid out: the rows
        # grow with them (measured before, a name ended in "Mường…")
        self.duty.horizontalHeader().sectionResized.connect(
            lambda col, _old, new: self._fit_duty_rows(new) if col == 0 else None)
        self.duty_note = QLabel()
        self.duty_note.setWordWrap(True)
        self.duty_note.setStyleSheet("color: #555555;")
        self.duty_empty = QLabel()
        self.duty_empty.setWordWrap(True)
        self.duty_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.duty_empty.setStyleSheet("color: #555555;")
        self.duty_stack = QStackedLayout()
        self.duty_stack.addWidget(self.duty)
        self.duty_stack.addWidget(self.duty_empty)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.duty_title)
        layout.addLayout(self.duty_stack, 1)
        layout.addWidget(self.duty_note)
        box.setMinimumHeight(210)
        return box

    # --- texts ----------------------------------------------------------------

    def retranslate(self) -> None:
        self.heading.setText(_("Dashboard"))
        self.refresh_button.setText(_("&Refresh"))
        self.up_button.setText(_("\u2191 Up"))
        self.up_button.setToolTip(_("Back to the unit above"))
        self.units_title.setText(_("Units below"))
        self.units_note.setText(_("Double-click a unit to see its own dashboard."))
        self.drill_button.setText(_("Open unit"))
        # the figures' headings on two lines: at 1024 px the table fits without scrolling
        self.unit_table.setHorizontalHeaderLabels(
            [_("Unit"), _("Level")] + [two_lines(_(title)) for _code, title in UNIT_COLUMNS])
        self.unit_table.horizontalHeaderItem(4).setToolTip(
            ngettext("Due within {days} day", "Due within {days} days", SOON_DAYS).format(
                days=SOON_DAYS))
        self.overdue_card.title.setText(_("Overdue petitions"))
        self.soon_card.title.setText(
            ngettext("Due within {days} day", "Due within {days} days", SOON_DAYS).format(
                days=SOON_DAYS)
        )
        self.month_card.title.setText(_("Reception sessions this month"))
        self.year_card.title.setText(_("Reception sessions this year"))
        self.attention_title.setText(_("Petitions needing attention"))
        self.attention.setHorizontalHeaderLabels(
            [_("Reference"), _("Petitioner"), _("Due date"), _("Days left")]
        )
        self._fit_attention()
        self.attention_empty.setText(
            _("No petition is overdue or due within {days} days.").format(days=SOON_DAYS)
        )
        self.duty_title.setText(_("Reception duty of the heads"))
        self.duty_note.setText(
            _("Days on which the head presided a reception / days owed. Green: duty met; "
              "red: not met; grey: month not over yet.")
        )
        self.duty_empty.setText(
            _("No official has a reception duty. Give the Party secretary and the People's "
              "Committee chairman their duty role in Settings ▸ Officials.")
        )
        self._show_status()
        self._render()

    def _show_status(self) -> None:
        if self._loading:
            self.status.setText(_("Loading…"))
        elif self.figures is not None:
            self.status.setText(
                _("Figures as of {date}").format(date=format_date(self.figures.today))
            )
        else:
            self.status.setText("")

    # --- loading --------------------------------------------------------------

    def activate(self) -> None:
        if self._stale and not self._loading:
            self.refresh()

    def refresh(self) -> None:
        """Recompute the figures off the GUI thread."""
        self._stale = False
        self._loading = True
        unit_id, path = self.unit_id, list(self.path)
        today = date.today()

        def job(s) -> Loaded:
            from sqlalchemy import select

            from ..model import Unit
            from ..services.units import unit_and_descendants

            figures = dashboard_figures(s, unit_and_descendants(s, unit_id), today)
            names = dict(s.execute(select(Unit.id, Unit.name).where(Unit.id.in_(path))).all())
            return Loaded(figures, unit_breakdown(s, unit_id, today), names)

        # the newest load wins; none reaches a page that was closed meanwhile
        ops.query(self, self.ctx.db, job, self._loaded, key="figures", failure=self._failed)
        self._show_status()

    def _loaded(self, loaded: Loaded) -> None:
        self._loading = False
        self.figures = loaded.figures
        self.unit_rows = loaded.units
        self._names = loaded.names
        self._show_status()
        self._render()

    # --- drill-down -------------------------------------------------------------

    @property
    def unit_id(self) -> str:
        """The unit whose figures are shown (the office, or a unit drilled into)."""
        return self.path[-1]

    def drill_into(self, unit_id: str) -> None:
        """Show the dashboard of a unit below the one shown."""
        if unit_id != self.unit_id:
            self.path.append(unit_id)
            self.refresh()

    def go_up(self) -> None:
        if len(self.path) > 1:
            self.path.pop()
            self.refresh()

    def go_to(self, unit_id: str) -> None:
        """Back to a unit along the path (a click on the breadcrumb)."""
        if unit_id in self.path and unit_id != self.unit_id:
            del self.path[self.path.index(unit_id) + 1:]
            self.refresh()

    def _drill_row(self, row: int) -> None:
        item = self.unit_table.item(row, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            self.drill_into(item.data(Qt.ItemDataRole.UserRole))

    def _drill_current(self) -> None:
        if self.unit_table.currentRow() >= 0:
            self._drill_row(self.unit_table.currentRow())

    def _enable_drill(self) -> None:
        item = self.unit_table.item(self.unit_table.currentRow(), 0) \
            if self.unit_table.currentRow() >= 0 else None
        self.drill_button.setEnabled(bool(item and item.data(Qt.ItemDataRole.UserRole)))

    def unit_table_rows(self) -> list[list[str]]:
        """The table of units as shown, row by row."""
        t = self.unit_table
        return [[t.item(r, c).text() for c in range(t.columnCount())]
                for r in range(t.rowCount())]

    def _failed(self, exc: Exception) -> None:
        self._loading = False
        self.status.setText(_("The figures could not be computed: {reason}").format(reason=exc))

    def _on_data_changed(self, kind: str) -> None:
        if kind not in WATCHED:
            return
        self._stale = True
        if self.isVisible():
            self.refresh()

    # --- showing --------------------------------------------------------------

    def _render(self) -> None:
        self._render_path()
        f = self.figures
        if f is None:
            return
        self.overdue_card.number.setText(format_number(f.overdue_count))
        self.overdue_card.detail.setText(
            ngettext("of {count} open petition", "of {count} open petitions", f.open_count)
            .format(count=format_number(f.open_count))
        )
        self.soon_card.number.setText(format_number(f.due_soon_count))
        self.soon_card.detail.setText(_("counted from today, {date}").format(
            date=format_date(f.today)))
        self.month_card.number.setText(format_number(f.sessions_month_total))
        self.month_card.detail.setText(
            _kind_breakdown(f.sessions_month) + "\n" + _received(f.visits_month, f.citizens_month)
        )
        self.year_card.number.setText(format_number(f.sessions_year_total))
        self.year_card.detail.setText(
            _kind_breakdown(f.sessions_year) + "\n" + _received(f.visits_year, f.citizens_year)
        )
        self._render_units()
        self._render_attention(f)
        self._render_duty(f)
        self._render_field_chart(f)
        self._render_month_chart(f)

    def _render_path(self) -> None:
        """Office › district › commune: every unit above the one shown is a link back."""
        self.up_button.setVisible(len(self.path) > 1)
        if len(self.path) <= 1:
            self.breadcrumb.clear()
            return
        parts = []
        for uid in self.path:
            name = html.escape(self._names.get(uid, "…"))
            parts.append(f"<b>{name}</b>" if uid == self.unit_id
                         else f'<a href="{html.escape(uid)}">{name}</a>')
        self.breadcrumb.setText(" \u203a ".join(parts))

    def _render_units(self) -> None:
        rows = self.unit_rows
        self.units_box.setVisible(bool(rows))
        table = self.unit_table
        table.setRowCount(len(rows))
        for r, unit in enumerate(rows):
            name = (_("{unit} (own records)").format(unit=unit.name) if unit.own
                    else unit.name)
            level = label(Level, unit.level)
            if unit.dissolved_on:
                level = _("{level} (until {date})").format(
                    level=level, date=format_date(unit.dissolved_on))
            cells = [name, level] + [format_number(getattr(unit, code))
                                     for code, _title in UNIT_COLUMNS]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                # the own records are not a unit to drill into
                item.setData(Qt.ItemDataRole.UserRole, None if unit.own else unit.unit_id)
                if col >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if col == 3 and unit.overdue_count:
                    item.setForeground(QBrush(QColor(OVERDUE[0])))
                if unit.own:
                    item.setForeground(QBrush(QColor("#444444")))
                table.setItem(r, col, item)
            table.item(r, 0).setToolTip(
                name if unit.own else _("{unit}: double-click to see its dashboard").format(
                    unit=unit.name))
        # as tall as its rows (up to about a dozen), the page scrolls beyond
        shown = min(len(rows), 12)
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(i) for i in range(shown))
        table.setFixedHeight(height + 2)
        self._enable_drill()

    def _render_attention(self, f: DashboardFigures) -> None:
        self.attention.setRowCount(len(f.attention))
        for row, line in enumerate(f.attention):
            who = (line.petitioner if identity_visible(line.petition_type)
                   else redacted())
            kind = label(PetitionType, line.petition_type)
            if line.days_left < 0:
                left = ngettext("{count} day overdue", "{count} days overdue",
                                -line.days_left).format(count=format_number(-line.days_left))
                colours = OVERDUE
            else:
                left = (_("due today") if line.days_left == 0 else
                        ngettext("{count} day", "{count} days", line.days_left).format(
                            count=line.days_left))
                colours = DUE_SOON
            cells = [line.ref or "—", who or kind, format_date(line.due), left]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, line.id)
                item.setToolTip(f"{line.ref} — {kind}: {who}" if who else f"{line.ref} — {kind}")
                item.setForeground(QBrush(QColor(colours[0])))
                if col == 3:
                    item.setBackground(QBrush(QColor(colours[1])))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.attention.setItem(row, col, item)
        self.attention_stack.setCurrentIndex(0 if f.attention else 1)
        self._fit_attention()

    def _fit_attention(self) -> None:
        """Room for every heading whole and a name readable: the columns sized to their
        contents take what they need, the petitioner's at least its heading and about
        twelve letters (a narrow window, or Windows' 125 % scaling, squeezed it to a
        clipped heading over "Quàng Th…")."""
        table, header = self.attention, self.attention.horizontalHeader()
        need = 0
        for col in (0, 2, 3):
            need += max(header.sectionSizeHint(col), table.sizeHintForColumn(col))
        need += max(header.sectionSizeHint(1),
                    table.fontMetrics().horizontalAdvance("Nguyễn Thị Lan"))
        need += table.verticalScrollBar().sizeHint().width() + 2 * table.frameWidth()
        table.setMinimumWidth(need)

    def _open_attention(self, row: int, _column: int = 0) -> None:
        item = self.attention.item(row, 0)
        if item is not None:
            self.ctx.signals.open_record.emit("petition", item.data(Qt.ItemDataRole.UserRole))

    def attention_ids(self) -> list[str]:
        """Ids of the petitions listed, top to bottom."""
        return [self.attention.item(r, 0).data(Qt.ItemDataRole.UserRole)
                for r in range(self.attention.rowCount())]

    def _render_duty(self, f: DashboardFigures) -> None:
        months = f.duty[0].months if f.duty else []
        self.duty.clear()
        self.duty.setColumnCount(1 + len(months))
        self.duty.setRowCount(len(f.duty))
        self.duty.setHorizontalHeaderLabels(
            [_("Head")] + [_month_label(m.year, m.month) for m in months]
        )
        header = self.duty.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 1 + len(months)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        for row, head in enumerate(f.duty):
            who = f"{head.name}\n{label(DutyRole, head.role)}"
            if not head.home_unit:  # a head of a unit below the office: say which
                who += f"\n{head.unit_name}"
            name_item = QTableWidgetItem(who)
            name_item.setToolTip(f"{head.name} — {label(DutyRole, head.role)}, {head.unit_name}")
            self.duty.setItem(row, 0, name_item)
            for col, month in enumerate(head.months, start=1):
                self.duty.setItem(row, col, self._duty_cell(month, f.today))
        self._fit_duty_rows()
        self.duty_stack.setCurrentIndex(0 if f.duty else 1)
        self.duty_note.setVisible(bool(f.duty))

    def _fit_duty_rows(self, column_width: int | None = None) -> None:
        """Each row as tall as its head's name, role and unit wrapped in the column's
        width (Qt's own measure came a line short and cut the unit's name to "Mường…").
        ``column_width``: the new width, while the header still reports the old one."""
        table = self.duty
        metrics = table.fontMetrics()
        width = max((column_width or table.columnWidth(0)) - 12, 20)
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            if item is None:
                continue
            text = metrics.boundingRect(QRect(0, 0, width, 10_000),
                                        Qt.TextFlag.TextWordWrap, item.text())
            # the months' cells are one line (Qt's row hint may still be for the old width)
            table.setRowHeight(row, max(metrics.height() + 10, text.height() + 8))

    @staticmethod
    def _duty_cell(month: DutyMonth, today: date) -> QTableWidgetItem:
        if month.rule is None or month.ended:
            item = QTableWidgetItem("—")
            item.setToolTip(_("No duty rule was in force this month.") if month.rule is None
                            else _("No duty this month: {basis}.").format(
                                basis=month.rule.legal_basis))
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            return item
        item = QTableWidgetItem(f"{month.held}/{month.required}")
        # a month still running is in progress, never failed (DESIGN §3)
        current = month.in_progress or (
            not month.met and (month.year, month.month) >= (today.year, today.month))
        colours = MET if month.met else (PENDING if current else UNMET)
        item.setForeground(QBrush(QColor(colours[0])))
        item.setBackground(QBrush(QColor(colours[1])))
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        state = (_("met") if month.met else
                 _("month not over yet") if current else _("not met"))
        item.setToolTip(
            _("{held} days held, {required} owed ({rule}; {basis}): {state}").format(
                held=month.held, required=month.required, rule=duty_requirement(month.rule),
                basis=month.rule.legal_basis, state=state)
        )
        item.setData(Qt.ItemDataRole.UserRole, "met" if month.met else
                     "pending" if current else "unmet")
        return item

    # --- charts ---------------------------------------------------------------

    def _field_name(self, f: DashboardFigures, code: str | None) -> str:
        if code is None:
            return _("No field given")
        names = f.field_names.get(code)
        if names is None:
            return code
        return names[0] if current_language() == "vi" else names[1]

    @staticmethod
    def _reset(chart: QChart) -> None:
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)

    @staticmethod
    def _small_font() -> QFont:
        font = QFont()
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        return font

    def _value_axis(self, top: int) -> QCategoryAxis:
        """A count axis with round steps, its labels in the locale's number format
        (1.875 in Vietnamese), which Qt's printf-style value axis cannot do."""
        step = _nice_step(top)
        ticks = max(-(-top // step), 1)
        axis = QCategoryAxis()
        axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        axis.setStartValue(0)
        for i in range(ticks + 1):
            axis.append(format_number(i * step), i * step)
        axis.setRange(0, ticks * step)
        axis.setLabelsFont(self._small_font())
        return axis

    @staticmethod
    def _bar_labels(series, bars: QBarSet, top: int) -> None:
        # Numbers above the bars while they are short; big counts are read off the axis
        # and the tooltip, both in the locale's format.
        series.setLabelsVisible(top < 1000)
        bars.hovered.connect(lambda status, index, b=bars: QToolTip.showText(
            QCursor.pos(), format_number(int(b.at(index)))) if status else None)

    def _render_field_chart(self, f: DashboardFigures) -> None:
        chart = self.field_chart
        self._reset(chart)
        chart.setTitle(_("Petitions by field, last 12 months"))
        # Horizontal bars, the first field on top: field names are long.
        rows = list(reversed(f.by_field))
        bars = QBarSet(_("Petitions"))
        bars.setColor(QColor(BAR_COLOUR))
        bars.setLabelColor(QColor("#222222"))
        bars.setLabelFont(self._small_font())
        bars.append([float(n) for _c, n in rows])
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        self._bar_labels(series, bars, max((n for _c, n in rows), default=0))
        chart.addSeries(series)
        names = [_wrap(self._field_name(f, c)) for c, _n in rows]
        # every name's lines have room: QtCharts hides a label that overlaps the next
        lines = sum(name.count("<br>") + 1 for name in names)
        spacing = QFontMetrics(self._small_font()).lineSpacing()
        self.field_view.setMinimumHeight(max(215, lines * (spacing + 2) + 6 * spacing + 40))
        categories = QBarCategoryAxis()
        categories.append(names or [""])
        categories.setLabelsFont(self._small_font())
        categories.setTruncateLabels(False)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        values = self._value_axis(max((n for _c, n in rows), default=0))
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values)

    def _render_month_chart(self, f: DashboardFigures) -> None:
        chart = self.month_chart
        self._reset(chart)
        chart.setTitle(_("Petitions received by month"))
        bars = QBarSet(_("Petitions"))
        bars.setColor(QColor(BAR_COLOUR))
        bars.setLabelColor(QColor("#222222"))
        bars.setLabelFont(self._small_font())
        bars.append([float(n) for _m, n in f.by_month])
        series = QBarSeries()
        series.append(bars)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        self._bar_labels(series, bars, max((n for _m, n in f.by_month), default=0))
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        # the month over its year: twelve "02/26" side by side ran into each other at
        # 1024 px
        categories.append([f"{m:02d}<br>{y}" for (y, m), _n in f.by_month])
        categories.setLabelsFont(self._small_font())
        categories.setTruncateLabels(False)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        top = max((n for _m, n in f.by_month), default=0)
        values = self._value_axis(int(top * 1.15) + 1)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(values)


def _nice_step(top: int, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` intervals."""
    raw = max(top, 1) / ticks
    power = 10 ** max(len(str(int(raw))) - 1, 0)
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def _wrap(text: str, width: int = 26) -> str:
    """Break a long field name into lines of about equal length, each at most ``width``
    letters where the words allow (the chart gives its axis only part of its width: a
    61-letter English name on two lines ran off the left edge). Axis labels are rich
    text, so the break is ``<br>`` and the name itself is escaped."""
    if len(text) <= width:
        return html.escape(text)
    words = text.split()
    count = -(-len(text) // width)  # lines needed
    while True:
        target = -(-len(text) // count)
        lines: list[str] = []
        for word in words:
            if lines and len(lines[-1]) + 1 + len(word) <= target + 4:
                lines[-1] += " " + word
            else:
                lines.append(word)
        if len(lines) <= count or count >= len(words):
            return "<br>".join(html.escape(line) for line in lines)
        count += 1

