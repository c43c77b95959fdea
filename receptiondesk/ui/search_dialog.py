"""Search everywhere: citizens, visits and petitions, diacritics optional.

"nguyen van an" finds "Nguyễn Văn An". Opening a result (double-click or Enter) asks the
main window to show the record and closes the dialog. A denouncer's identity is never
shown here (DESIGN §4).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..i18n import N_, _, format_date, ngettext, pgettext
from ..services import outputs
from ..services.protection import redacted
from ..services.search_results import ListedHit
from ..text import fold, search_tokens
from .context import AppContext
from .paged import Column, PagedTableModel, Row
from .worker import run_in_background

DEBOUNCE_MS = 200
PER_KIND = 50
EXCERPT_WORDS = 18

KIND_TITLES = {"citizen": N_("Citizen"), "visit": N_("Visit"), "petition": N_("Petition")}
COLUMNS = (
    Column(N_("Record")),  # what was found: a citizen, a visit or a petition
    Column(N_("Name or reference")),
    Column(N_("Date")),
    Column(N_("Content")),
)


def excerpt(text: str, query: str, words: int = EXCERPT_WORDS) -> str:
    """A one-line piece of ``text`` around the first word the query matches."""
    parts = (text or "").split()
    if not parts:
        return ""
    tokens = search_tokens(query)
    start = 0
    for i, word in enumerate(parts):
        folded = fold(word)
        if any(folded.startswith(t) for t in tokens):
            start = max(i - words // 3, 0)
            break
    piece = " ".join(parts[start:start + words])
    if start > 0:
        piece = "… " + piece
    if start + words < len(parts):
        piece += " …"
    return piece


def hit_row(hit: ListedHit, query: str) -> Row:
    """One line of the results, in the current language."""
    kind = _(KIND_TITLES[hit.kind])
    who = redacted() if hit.protected else ", ".join(hit.names[:2]) + (
        " …" if len(hit.names) > 2 else "")
    if hit.kind == "citizen":
        name = who + (f" ({hit.birth_year})" if hit.birth_year else "")
        details = ", ".join(x for x in (hit.id_number, hit.address) if x)
        return Row(f"citizen:{hit.record_id}", [kind, name, "", details])
    if hit.kind == "visit" and hit.is_delegation:
        who = _("Delegation of {count}: {names}").format(count=hit.head_count, names=who)
    name = " — ".join(x for x in (hit.ref, who) if x)
    return Row(f"{hit.kind}:{hit.record_id}",
               [kind, name, format_date(hit.when), excerpt(hit.content, query)])


class SearchDialog(QDialog):
    def __init__(self, ctx: AppContext, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("search_dialog")
        self._unit_ids = ctx.unit_ids()
        self._opened = False
        self._hits: list[ListedHit] = []
        self._shown_query = ""
        self._generation = 0
        self._searching = False
        self._focus_results = False
        self._build(text)
        self.retranslate()
        ctx.signals.language_changed.connect(self._on_language)
        self.run_search()

    def _build(self, text: str) -> None:
        self.query_label = QLabel()
        self.query = QLineEdit(text)
        self.query.setObjectName("search_query")
        self.query.setClearButtonEnabled(True)
        self.query_label.setBuddy(self.query)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.run_search)
        self.query.textEdited.connect(lambda _t: self.timer.start())
        self.query.returnPressed.connect(self._query_entered)
        top = QHBoxLayout()
        top.addWidget(self.query_label)
        top.addWidget(self.query, 1)

        self.model = PagedTableModel(COLUMNS, self._fetch, self)
        self.table = QTableView()
        self.table.setObjectName("search_results")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Long names and excerpts wrap onto a second line rather than being cut.
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setMinimumSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.sectionResized.connect(
            lambda *_a: QTimer.singleShot(0, self.table.resizeRowsToContents))
        # Enter, and a double-click (or the platform's single click), open the record.
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))

        self.status = QLabel()
        self.status.setObjectName("search_status")
        self.open_button = QPushButton()
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentIndex().row()))
        self.close_button = QPushButton()
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self.resize(980, 520)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Search everywhere"))
        self.query_label.setText(_("&Search:"))
        self.query.setPlaceholderText(_("Name, ID number, address or content…"))
        self.open_button.setText(_("&Open"))
        self.close_button.setText(pgettext("button", "Close"))  # "Close" alone is a petition step
        self.model.retranslate()
        self._show_count()

    def _on_language(self, _lang: str) -> None:
        self.retranslate()
        self.model.reload()  # the kind column and dates are in the old language

    # --- searching ------------------------------------------------------------

    def _fetch(self, offset: int, limit: int, _sort: str | None, _desc: bool) -> list[Row]:
        # The service caps each kind, so the first page holds every hit.
        if offset > 0:
            return []
        return [hit_row(hit, self._shown_query) for hit in self._hits]

    def run_search(self) -> None:
        """Search for the typed text off the GUI thread (a one-letter prefix over a
        province database takes a moment); only the latest search is shown."""
        self.timer.stop()
        text = self.query.text().strip()
        self._generation += 1
        if not search_tokens(text):
            self._searching = False
            self._show(self._generation, text, [])
            return
        generation, db, units = self._generation, self.ctx.db, self._unit_ids

        def job() -> list[ListedHit]:
            with db.session() as s:
                return outputs.search_listing(s, text, units, PER_KIND)

        self._searching = True
        self._show_count()
        run_in_background(job, lambda hits: self._show(generation, text, hits),
                          lambda exc: self._failed(generation, exc))

    def _show(self, generation: int, text: str, hits: list[ListedHit]) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        self._searching = False
        self._hits, self._shown_query = hits, text
        self.model.reload()
        self._fit_columns()
        if self.model.rowCount():
            self.table.selectRow(0)
            if self._focus_results:
                self.table.setFocus()
        self._focus_results = False
        self._show_count()

    def _failed(self, generation: int, exc: Exception) -> None:
        if shiboken6.isValid(self) and generation == self._generation:
            self._searching = False
            self.status.setText(_("The search failed: {reason}").format(reason=exc))

    def is_searching(self) -> bool:
        return self._searching or self.timer.isActive()

    def _fit_columns(self) -> None:
        # The name column as wide as its texts but never more than a third of the table.
        self.table.resizeColumnToContents(1)
        limit = max(self.table.viewport().width() // 3, 220)
        if self.table.columnWidth(1) > limit:
            self.table.setColumnWidth(1, limit)
        self.table.resizeRowsToContents()

    def _show_count(self) -> None:
        count = self.model.rowCount()
        if self._searching:
            self.status.setText(_("Searching…"))
        elif not search_tokens(self.query.text()):
            self.status.setText(_("Type part of a name, an ID number, an address or content."))
        elif count == 0:
            self.status.setText(_("Nothing found."))
        else:
            self.status.setText(
                ngettext("{count} result", "{count} results", count).format(count=count)
            )
        self.open_button.setEnabled(count > 0)

    def _query_entered(self) -> None:
        if self.timer.isActive() or self._searching:
            self._focus_results = True  # once the results are in
            if self.timer.isActive():
                self.run_search()
        elif self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(max(self.table.currentIndex().row(), 0))

    # --- opening --------------------------------------------------------------

    def result_texts(self) -> list[list[str]]:
        """What the table shows, row by row (for tests and accessibility checks)."""
        return [self.model.row_at(i).cells for i in range(self.model.rowCount())]

    def open_row(self, row: int) -> None:
        record = self.model.id_at(row)
        if record is None or self._opened:
            return
        self._opened = True
        kind, record_id = record.split(":", 1)
        self.accept()
        self.ctx.signals.open_record.emit(kind, record_id)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # The query box searches (returnPressed), the table opens (activated): Enter
            # never reaches a default button.
            return
        if (event.key() == Qt.Key.Key_Down and self.focusWidget() is self.query
                and self.model.rowCount()):
            self.table.setFocus()
            self.table.selectRow(max(self.table.currentIndex().row(), 0))
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        self.ctx.signals.language_changed.disconnect(self._on_language)
        super().done(result)
