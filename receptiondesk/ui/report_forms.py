"""The pieces of the Reports page: the period and subject pickers, the print preview
(QtPdf) with printing, and the two minutes dialogs (mark signed, add an addendum).

Every dialog here is built and driven without ``exec()`` in tests: construct it, set its
fields, click its Save button.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.dates import format_date as babel_format_date
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QImage, QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import N_, _, format_date, format_number, locale
from ..model.codes import MeetingKind, SessionKind, label
from ..reports import periods
from ..reports.periods import Period
from ..services import citizens, meetings, reception
from ..services import minutes as minutes_service
from ..services.protection import visits_shown
from ..text import fold
from . import ops
from .context import AppContext
from .forms import RecordDialog, date_edit, fill_combo, from_qdate, text_edit, to_qdate
from .reception_forms.cells import citizen_cell, one_line
from .widgets.search_box import SearchBox
from .widgets.texts import Texts, save_cancel_texts

#: rows a subject picker shows: the newest matches, enough to pick from after typing
PICK_LIMIT = 50
#: printing resolution cap: the printer's own up to 600 dpi (crisp text; a 1200-dpi driver
#: scales it), rendered in bands so that memory does not grow with it
PRINT_DPI = 600
#: the most memory one rendered band of a page takes (rendered in colour, 4 bytes a pixel;
#: sent to the printer in grey, 1 byte)
PRINT_BAND_BYTES = 8 * 1024 * 1024

# --- the period ----------------------------------------------------------------------


class PeriodPicker(QWidget):
    """A reporting period: month, Q1, 6 months, 9 months, year, term or a custom range."""

    changed = Signal()

    def __init__(self, today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today or date.today()
        self.preset = QComboBox()
        self.preset.setObjectName("period_preset")
        self.year = QSpinBox()
        self.year.setObjectName("period_year")
        self.year.setRange(1990, 2100)
        self.year.setValue(self.today.year)
        self.month = QComboBox()
        self.month.setObjectName("period_month")
        self.date_from = date_edit(self.today.replace(day=1))
        self.date_from.setObjectName("period_from")
        self.date_to = date_edit(self.today)
        self.date_to.setObjectName("period_to")
        self.dash = QLabel("\u2013")
        self.summary = QLabel()
        self.summary.setObjectName("period_summary")
        self.summary.setWordWrap(True)
        self._build()
        self.retranslate()
        self.month.setCurrentIndex(self.today.month - 1)
        self.preset.setCurrentIndex(0)
        self._show_fields()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.preset, 1)
        top.addWidget(self.month)
        top.addWidget(self.year)
        dates = QHBoxLayout()
        dates.setContentsMargins(0, 0, 0, 0)
        dates.addWidget(self.date_from, 1)
        dates.addWidget(self.dash)
        dates.addWidget(self.date_to, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(dates)
        layout.addWidget(self.summary)
        self.preset.currentIndexChanged.connect(self._on_preset)
        self.month.currentIndexChanged.connect(lambda _i: self._on_change())
        self.year.valueChanged.connect(lambda _v: self._on_change())
        self.date_from.dateChanged.connect(lambda _d: self._on_change())
        self.date_to.dateChanged.connect(lambda _d: self._on_change())

    def retranslate(self) -> None:
        fill_combo(self.preset, [(p, periods.preset_title(p)) for p in periods.PRESETS],
                   self.preset.currentData() or periods.PRESET_MONTH)
        months = [(m, _month_name(m)) for m in range(1, 13)]
        fill_combo(self.month, months, self.month.currentData() or self.today.month)
        self.preset.setToolTip(_("Reporting period"))
        self.year.setToolTip(_("Year"))
        self.month.setToolTip(_("Month"))
        self._show_summary()

    def kind(self) -> str:
        return self.preset.currentData() or periods.PRESET_MONTH

    def set_preset(self, preset: str) -> None:
        self.preset.setCurrentIndex(max(self.preset.findData(preset), 0))

    def _on_preset(self, _index: int) -> None:
        if self.kind() == periods.PRESET_TERM:
            # the five-year term running now (2021–2025, 2026–2030, …)
            first = 2021 + 5 * ((self.today.year - 2021) // 5)
            term = periods.term_period(first)
            self._set_dates(term.start, term.end)
        self._show_fields()
        self._on_change()

    def _set_dates(self, start: date, end: date) -> None:
        for edit, value in ((self.date_from, start), (self.date_to, end)):
            edit.blockSignals(True)
            edit.setDate(to_qdate(value))
            edit.blockSignals(False)

    def _show_fields(self) -> None:
        kind = self.kind()
        by_dates = kind in (periods.PRESET_CUSTOM, periods.PRESET_TERM)
        self.month.setVisible(kind == periods.PRESET_MONTH)
        self.year.setVisible(not by_dates)
        for widget in (self.date_from, self.dash, self.date_to):
            widget.setVisible(by_dates)

    def _on_change(self) -> None:
        self._show_summary()
        self.changed.emit()

    def period(self) -> Period:
        """The chosen period; ValueError (with a translated message) when it is not valid."""
        kind = self.kind()
        if kind in (periods.PRESET_CUSTOM, periods.PRESET_TERM):
            start, end = from_qdate(self.date_from.date()), from_qdate(self.date_to.date())
            if end < start:
                raise ValueError(_("The end of the period cannot be before its start."))
            if kind == periods.PRESET_TERM:
                return periods.term_period(start, end)
            return periods.custom_period(start, end)
        return periods.period_for_preset(kind, year=self.year.value(),
                                         month=self.month.currentData())

    def _show_summary(self) -> None:
        try:
            p = self.period()
        except ValueError as exc:
            self.summary.setStyleSheet("color: #b00020;")
            self.summary.setText(str(exc))
            return
        self.summary.setStyleSheet("color: #555555;")
        self.summary.setText(_("{title}: {start} \u2013 {end}").format(
            title=p.title, start=format_date(p.start), end=format_date(p.end)))


def _month_name(month: int) -> str:
    return _month_name_in(month, str(locale()))


@functools.lru_cache(maxsize=64)
def _month_name_in(month: int, locale_code: str) -> str:
    # babel takes about 1 ms a name: the twelve are written once per language
    name = babel_format_date(date(2000, month, 1), "LLLL", locale=locale_code)
    return name[:1].upper() + name[1:]


# --- the subject of a document ---------------------------------------------------------

SUBJECT_KINDS = ("session", "dialogue", "visit", "meeting", "notice", "citizen")


@dataclass
class Pick:
    """One line of a subject picker."""

    id: str
    text: str
    tooltip: str = ""


def _join(*parts: str) -> str:
    return " \u00b7 ".join(p for p in parts if p)


def _cut(text: str, limit: int = 90) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def read_picks(s, unit_id: str, kind: str, query: str, limit: int = PICK_LIMIT) -> list[Pick]:
    """The newest records of ``kind`` matching ``query`` (accents optional), of the
    office ``unit_id`` and the units below it (read on a worker)."""
    from ..services.units import unit_and_descendants

    unit_ids = unit_and_descendants(s, unit_id)
    query = query.strip()
    if kind in ("session", "dialogue"):
        kinds = ([SessionKind.DIALOGUE] if kind == "dialogue" else
                 [SessionKind.REGULAR, SessionKind.UNSCHEDULED, SessionKind.ROUTINE])
        rows = reception.list_sessions(s, reception.SessionFilter(
            unit_ids=unit_ids, kinds=[str(k) for k in kinds], query=query), limit=limit)
        return [_session_pick(x) for x in rows]
    if kind == "visit":
        rows = reception.list_visits(s, reception.VisitFilter(
            unit_ids=unit_ids, query=query), limit=limit)
        denounced = visits_shown(s, rows, "picker")
        return [_visit_pick(v, v.id in denounced) for v in rows]
    if kind == "meeting":
        rows = meetings.list_meetings(s, meetings.MeetingFilter(
            unit_ids=unit_ids, query=query), limit=limit)
        return [_meeting_pick(m) for m in rows]
    if kind == "notice":
        return _notice_picks(s, unit_ids, query, limit)
    if kind == "citizen":
        found = (citizens.find_citizens(s, query, unit_ids, limit=limit) if query
                 else citizens.list_citizens(s, "", unit_ids, limit=limit))
        return [_citizen_pick(c) for c in found]
    return []


def _session_pick(x) -> Pick:
    when = format_date(x.session_date)
    head = _join(when, label(SessionKind, x.kind), x.presiding_name)
    return Pick(x.id, head + ("\n" + _cut(x.place) if x.place else ""),
                _join(head, x.place, x.ref))


def _visit_pick(v, denounced: bool = False) -> Pick:
    who = citizen_cell(v, denounced)
    head = _join(format_date(v.visit_date), who)
    return Pick(v.id, head + "\n" + _cut(v.content), _join(head, one_line(v.content)))


def _meeting_pick(m) -> Pick:
    head = _join(format_date(m.meeting_date), label(MeetingKind, m.kind), m.chaired_by_name)
    return Pick(m.id, head + "\n" + _cut(m.content), _join(head, one_line(m.content), m.ref))


def _notice_picks(s, unit_ids: list[str], query: str, limit: int) -> list[Pick]:
    # list_notices has no text filter: the newest few hundred are matched here.
    wanted = fold(query).split()
    picks: list[Pick] = []
    for n in meetings.list_notices(s, unit_ids, limit=400):
        about = n.meeting.content if n.meeting is not None else ""
        text = _join(n.number, format_date(n.issued_on))
        haystack = fold(" ".join((n.number, text, n.content, about)))
        if all(w in haystack for w in wanted):
            picks.append(Pick(n.id, text + "\n" + _cut(n.content or about),
                              _join(text, one_line(n.content))))
            if len(picks) >= limit:
                break
    return picks


def _citizen_pick(c) -> Pick:
    head = _join(c.full_name, str(c.birth_year or ""), c.id_number or "")
    return Pick(c.id, head + ("\n" + _cut(c.address) if c.address else ""),
                _join(head, c.address))


class SubjectPicker(QWidget):
    """A search box over a short list of sessions, visits, meetings, notices or citizens."""

    chosen = Signal(object)  # the record id, or None
    #: a record was double-clicked (or Enter pressed on it): produce its document
    activated = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = "session"
        self.search = SearchBox()
        self.search.setObjectName("subject_search")
        self.list = QListWidget()
        self.list.setObjectName("subject_list")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setAlternatingRowColors(True)
        self.list.setMinimumHeight(150)
        self.empty = QLabel()
        self.empty.setObjectName("subject_empty")
        self.empty.setStyleSheet("color: #777777;")
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        self.search.search_changed.connect(lambda _t: self.reload())
        self.list.currentItemChanged.connect(lambda _c, _p: self.chosen.emit(self.selected_id()))
        self.list.itemActivated.connect(
            lambda item: self.activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText({
            "citizen": _("Name or ID number…"),
            "visit": _("Name, content or date…"),
            "notice": _("Number or content…"),
        }.get(self.kind, _("Presiding official, place or content…")))
        self.empty.setText(_("Nothing matches."))

    def set_kind(self, kind: str) -> None:
        if kind != self.kind:
            self.kind = kind
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            had = self.selected_id() is not None
            self.list.blockSignals(True)
            self.list.clear()  # another kind's records: never chosen while the new ones load
            self.list.blockSignals(False)
            if had:
                self.chosen.emit(None)
            self.retranslate()
        self.reload()

    def reload(self) -> None:
        """Read the list again on a worker, keeping the chosen record when it is still
        there once the rows arrive (a newer reload's rows win)."""
        kind, query, unit_id = self.kind, self.search.text(), self.ctx.unit_id
        ops.query(self, self.ctx.db, lambda s: read_picks(s, unit_id, kind, query),
                  self._show, key="picks")

    def is_loading(self) -> bool:
        return ops.pending(self) > 0

    def _show(self, picks: list[Pick]) -> None:
        keep = self.selected_id()
        self.list.blockSignals(True)
        self.list.clear()
        for pick in picks:
            item = QListWidgetItem(pick.text)
            item.setData(Qt.ItemDataRole.UserRole, pick.id)
            item.setToolTip(pick.tooltip)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.empty.setVisible(not picks)
        if keep and not self.select_id(keep):
            self.chosen.emit(None)

    def select_id(self, record_id: str | None) -> bool:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == record_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def row_count(self) -> int:
        return self.list.count()


# --- print preview -----------------------------------------------------------------------

ZOOM_STEP = 1.25


class PdfPreview(QWidget):
    """A PDF shown page after page, with zoom and page navigation, ready to print."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setObjectName("pdf_view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setStyleSheet("QPdfView { background: #8a8f96; }")
        self.placeholder = QLabel()
        self.placeholder.setObjectName("preview_placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: #666666; font-size: 11pt; padding: 40px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.view)
        self.stale_note = QLabel()
        self.stale_note.setObjectName("stale_note")
        self.stale_note.setWordWrap(True)
        self.stale_note.setStyleSheet(
            "background: #fff4d6; color: #5a3b00; padding: 4px 8px; border-radius: 3px;")
        self.stale_note.hide()
        self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.stale_note)
        layout.addWidget(self.stack, 1)
        nav = self.view.pageNavigator()
        nav.currentPageChanged.connect(lambda _p: self._show_position())
        self.view.zoomFactorChanged.connect(lambda _z: self._show_zoom())
        self.view.zoomModeChanged.connect(lambda _m: self._show_zoom())
        self.path: Path | None = None
        #: the shown PDF's bytes (the document reads them from here, not from the file)
        self._buffer: QBuffer | None = None
        self.retranslate()
        self._enable()

    def _build_toolbar(self) -> None:
        self.zoom_out_button = self._tool("zoom_out", "\u2212", self.zoom_out)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoom_label")
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("8888%"))
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_button = self._tool("zoom_in", "+", self.zoom_in)
        self.fit_width_button = self._tool("fit_width", "", self.fit_width)
        self.fit_page_button = self._tool("fit_page", "", self.fit_page)
        self.previous_button = self._tool("previous_page", "\u25c0", self.previous_page)
        self.page_label = QLabel()
        self.page_label.setObjectName("page_label")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_button = self._tool("next_page", "\u25b6", self.next_page)
        # Zoom, then pages on a line of their own: at 1024 px the preview is too narrow
        # for both, and squeezed buttons lost their words.
        self.toolbar = QVBoxLayout()
        self.toolbar.setContentsMargins(0, 0, 0, 0)
        zoom, pages = QHBoxLayout(), QHBoxLayout()
        for widget in (self.zoom_out_button, self.zoom_label, self.zoom_in_button,
                       self.fit_width_button, self.fit_page_button):
            zoom.addWidget(widget)
        zoom.addStretch(1)
        pages.addStretch(1)
        for widget in (self.previous_button, self.page_label, self.next_button):
            pages.addWidget(widget)
        pages.addStretch(1)
        self.toolbar.addLayout(zoom)
        self.toolbar.addLayout(pages)

    def _tool(self, name: str, text: str, slot: Callable[[], None]) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setMinimumWidth(30)
        button.clicked.connect(slot)
        return button

    def retranslate(self) -> None:
        self.zoom_out_button.setToolTip(_("Zoom out"))
        self.zoom_in_button.setToolTip(_("Zoom in"))
        self.fit_width_button.setText(_("Fit width"))
        self.fit_page_button.setText(_("Whole page"))
        self.previous_button.setToolTip(_("Previous page"))
        self.next_button.setToolTip(_("Next page"))
        self.placeholder.setText(_("Choose a document on the left and press Preview: the pages "
                                   "appear here as they will be printed."))
        self.stale_note.setText(_("The choices changed since this preview: press Preview to "
                                  "see the document as it will be printed now."))
        self._show_position()
        self._show_zoom()

    # --- the document ------------------------------------------------------------------

    def load(self, path: Path) -> int:
        """Show the PDF at ``path``; returns its page count (0 when it cannot be read).

        The pages are read from memory, so that the file is not held open: on Windows an
        open file cannot be replaced by the next preview or removed at exit."""
        self._close_document()
        try:
            data = Path(path).read_bytes()
        except OSError:
            data = b""
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        if not data or self.document.error() != QPdfDocument.Error.None_:
            self._close_document()
            self.path = None
            self.stack.setCurrentWidget(self.placeholder)
            self._enable()
            return 0
        self.path = Path(path)
        self.stale_note.hide()
        self.stack.setCurrentWidget(self.view)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.go_to(0)
        self._enable()
        self._show_position()
        self._show_zoom()
        return self.page_count()

    def set_stale(self, stale: bool) -> None:
        """Say when the choices changed after the shown pages were made."""
        self.stale_note.setVisible(stale and self.path is not None)

    def _close_document(self) -> None:
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None

    def clear(self) -> None:
        self.stale_note.hide()
        self._close_document()
        self.path = None
        self.stack.setCurrentWidget(self.placeholder)
        self._enable()
        self._show_position()

    def page_count(self) -> int:
        return self.document.pageCount() if self.path is not None else 0

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        if 0 <= page < self.page_count():
            nav = self.view.pageNavigator()
            nav.jump(page, QPointF(), nav.currentZoom())
            self._show_position()

    def previous_page(self) -> None:
        self.go_to(self.current_page() - 1)

    def next_page(self) -> None:
        self.go_to(self.current_page() + 1)

    # --- zoom ------------------------------------------------------------------------

    def _effective_zoom(self) -> float:
        """The zoom shown now, also when a fit mode chooses it."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or self.page_count() == 0:
            return self.view.zoomFactor()
        size = self.document.pagePointSize(max(self.current_page(), 0))
        if size.width() <= 0 or size.height() <= 0:
            return 1.0
        scale = self.view.logicalDpiX() / 72.0
        margins = self.view.documentMargins()
        room = self.view.viewport().size()
        width = (room.width() - margins.left() - margins.right()) / (size.width() * scale)
        if self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth:
            return max(width, 0.05)
        height = (room.height() - margins.top() - margins.bottom()) / (size.height() * scale)
        return max(min(width, height), 0.05)

    def set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(factor, 0.1), 8.0))
        self._show_zoom()

    def zoom_in(self) -> None:
        self.set_zoom(self._effective_zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self._effective_zoom() / ZOOM_STEP)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._show_zoom()

    def fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self._show_zoom()

    def _show_zoom(self) -> None:
        if self.page_count() == 0:
            self.zoom_label.setText("")
            return
        self.zoom_label.setText(format_number(round(self._effective_zoom() * 100)) + "%")

    def _show_position(self) -> None:
        count = self.page_count()
        if count == 0:
            self.page_label.setText(_("No document"))
        else:
            self.page_label.setText(_("Page {page} of {count}").format(
                page=format_number(self.current_page() + 1), count=format_number(count)))
        self.previous_button.setEnabled(count > 0 and self.current_page() > 0)
        self.next_button.setEnabled(count > 0 and self.current_page() < count - 1)

    def _enable(self) -> None:
        on = self.page_count() > 0
        for button in (self.zoom_out_button, self.zoom_in_button, self.fit_width_button,
                       self.fit_page_button):
            button.setEnabled(on)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._show_zoom()

    # --- printing ----------------------------------------------------------------------

    def print_to(self, printer: QPrinter) -> int:
        """Print the shown document on ``printer``; returns the pages printed."""
        return print_pdf(self.document, printer)


def print_pdf(document: QPdfDocument, printer: QPrinter) -> int:
    """Render each page (or the range chosen in the printer dialog) into the printer.

    Pages are drawn edge to edge: the PDF carries its own margins. A landscape page
    (the log book, the report's tables) turns the sheet. Each page is rendered at the
    printer's resolution (up to :data:`PRINT_DPI`) in bands of at most
    :data:`PRINT_BAND_BYTES`, so that a page never lies whole in memory (a long log book
    prints on a PC with little memory), and sent in grey.
    """
    count = document.pageCount()
    first = max(printer.fromPage() - 1, 0) if printer.fromPage() > 0 else 0
    last = min(printer.toPage() - 1, count - 1) if printer.toPage() > 0 else count - 1
    if count == 0 or last < first:
        return 0
    printer.setFullPage(True)
    dpi = min(printer.resolution(), PRINT_DPI)
    painter = QPainter()
    printed = 0
    for page in range(first, last + 1):
        size = document.pagePointSize(page)
        landscape = size.width() > size.height()
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                                   else QPageLayout.Orientation.Portrait)
        if printed == 0:
            if not painter.begin(printer):
                return 0
        elif not printer.newPage():
            break
        paper = printer.pageLayout().fullRectPixels(printer.resolution())
        pixels = QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72))
        _draw_in_bands(document, page, painter, _fit(pixels, paper), pixels)
        printed += 1
    painter.end()
    return printed


def _draw_in_bands(document: QPdfDocument, page: int, painter: QPainter, target: QRect,
                   pixels: QSize) -> None:
    """Draw ``page`` rendered at ``pixels`` into ``target``, one horizontal band at a time."""
    width, height = pixels.width(), pixels.height()
    if width <= 0 or height <= 0:
        return
    band = max(1, PRINT_BAND_BYTES // (4 * width))
    scale = target.height() / height
    for top in range(0, height, band):
        rows = min(band, height - top)
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(pixels)
        options.setScaledClipRect(QRect(0, top, width, rows))
        image = _on_white_in_grey(document.render(page, QSize(width, rows), options))
        # whole device pixels, shared by neighbouring bands: no seam between them
        y0, y1 = round(top * scale), round((top + rows) * scale)
        painter.drawImage(QRect(target.x(), target.y() + y0, target.width(), y1 - y0), image)
        del image  # before the next band is rendered


def _on_white_in_grey(band: QImage) -> QImage:
    """The band on white paper, in 256 greys: what an office's printer prints (the
    documents are black on white; the seal is stamped on paper), a quarter of the colour
    image's bytes for the print queue."""
    grey = QImage(band.size(), QImage.Format.Format_Grayscale8)
    grey.fill(Qt.GlobalColor.white)
    painter = QPainter(grey)
    painter.drawImage(0, 0, band)
    painter.end()
    return grey


def _fit(size: QSize, area: QRect) -> QRect:
    """The largest rectangle of ``size``'s proportions centred in ``area``."""
    if size.width() == 0 or size.height() == 0:
        return area
    scale = min(area.width() / size.width(), area.height() / size.height())
    w, h = round(size.width() * scale), round(size.height() * scale)
    return QRect(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2, w, h)


# --- minutes dialogs -------------------------------------------------------------------

SCAN_FILTER = N_("Scanned copies (*.pdf *.png *.jpg *.jpeg)")


class SignMinutesDialog(Texts, RecordDialog):
    """Mark minutes as signed, keeping the scanned signed copy (PDF or image)."""

    def __init__(self, ctx: AppContext, minutes_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.minutes_id = minutes_id
        self.setObjectName("sign_minutes_dialog")
        self.setMinimumWidth(560)
        with ctx.db.session() as s:
            self.number = minutes_service.get_minutes(s, minutes_id).number
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.form.insertRow(0, self.explanation)
        self.path = QLineEdit()
        self.path.setObjectName("scan_path")
        self.browse = QPushButton()
        self.browse.setObjectName("choose_scan")
        self.browse.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        self.path_label = QLabel()
        self.path_label.setBuddy(self.path)
        self.form.addRow(self.path_label, row)
        self.errors.bind("path", self.path)
        self.watch(self.path)
        ctx.signals.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, *_args) -> None:
        self.setWindowTitle(_("Mark the minutes as signed"))
        self.explanation.setText(_(
            "Minutes {number}: once marked signed, the minutes and the records behind them "
            "are locked; a correction is then made as an addendum. Attach the scanned signed "
            "copy (PDF, PNG or JPEG) so that it can be opened again.").format(
                number=self.number))
        self.path_label.setText(_("Scanned signed copy"))
        self.path.setPlaceholderText(_("Optional: the file of the signed paper copy"))
        self.browse.setText(_("Choose…"))
        save_cancel_texts(self)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Mark signed"))

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Scanned signed copy"), self.path.text(), _(SCAN_FILTER),
            options=QFileDialog.Option.DontUseNativeDialog)  # translated, unlike native ones
        if path:
            self.path.setText(path)

    def save(self) -> str | None:
        path = self.path.text().strip() or None
        with self.ctx.db.session(write=True) as s:
            minutes_service.mark_signed(s, self.minutes_id, path)
        return self.minutes_id


class AddendumDialog(Texts, RecordDialog):
    """A correction to signed minutes, printed as an addendum (biên bản bổ sung)."""

    def __init__(self, ctx: AppContext, minutes_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.minutes_id = minutes_id
        self.setObjectName("addendum_dialog")
        self.setMinimumWidth(600)
        with ctx.db.session() as s:
            self.number = minutes_service.get_minutes(s, minutes_id).number
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.form.insertRow(0, self.explanation)
        self.text = text_edit("", lines=8)
        self.text.setObjectName("addendum_text")
        self.text_label = QLabel()
        self.text_label.setBuddy(self.text)
        self.form.addRow(self.text_label, self.text)
        self.errors.bind("text", self.text)
        self.watch(self.text)
        ctx.signals.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, *_args) -> None:
        self.setWindowTitle(_("Add an addendum"))
        self.explanation.setText(_(
            "Minutes {number} are signed and cannot change. Write the correction: it is "
            "printed as an addendum to be signed by the same parties.").format(
                number=self.number))
        self.text_label.setText(_("Correction"))
        save_cancel_texts(self)

    def save(self) -> str | None:
        with self.ctx.db.session(write=True) as s:
            return minutes_service.add_addendum(s, self.minutes_id,
                                                self.text.toPlainText()).id
