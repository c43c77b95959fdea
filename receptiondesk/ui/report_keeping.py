"""The periodic report kept, on the Reports page's narrative tab: the draft saved and
reopened where it was left, the report issued under its number, and the reports issued
for the period, each saved again exactly as issued (``services.report_keeping``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _, format_date, format_datetime, format_number
from ..reports.periods import Period
from ..services import outputs
from ..services import report_keeping as keeping
from . import ops
from .context import AppContext
from .permissions import guard

#: what the panel works on: (unit id, period), None when the period is not valid
Target = Callable[[], "tuple[str, Period] | None"]


class ReportKeepingPanel(QWidget):
    """Save draft, issue, and the reports issued for the chosen unit and period."""

    #: a saved draft was found for the chosen unit and period: its sections
    draft_loaded = Signal(dict)
    #: a message for the page (text, is it an error)
    message = Signal(str, bool)

    def __init__(self, ctx: AppContext, target: Target,
                 narrative: Callable[[], dict[str, str] | None],
                 language: Callable[[], str],
                 file_name: Callable[[keeping.IssuedSummary], str], parent=None) -> None:
        super().__init__(parent)
        self._file_name = file_name
        self.ctx = ctx
        self._target = target
        self._narrative = narrative
        self._language = language
        self._issued: list[keeping.IssuedSummary] = []
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("draft_status")
        self.save_button = QPushButton()
        self.save_button.setObjectName("save_draft")
        self.save_button.clicked.connect(self.save_draft)
        self.issue_button = QPushButton()
        self.issue_button.setObjectName("issue_report")
        self.issue_button.clicked.connect(self.issue)
        self.issued_label = QLabel()
        self.issued_list = QListWidget()
        self.issued_list.setObjectName("issued_reports")
        self.issued_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.issued_list.itemSelectionChanged.connect(self._enable)
        self.issued_list.itemActivated.connect(lambda _item: self.save_issued_copy())
        self.copy_button = QPushButton()
        self.copy_button.setObjectName("save_issued_copy")
        self.copy_button.clicked.connect(self.save_issued_copy)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.issue_button)
        issued_row = QHBoxLayout()
        issued_row.addWidget(self.issued_list, 1)
        issued_row.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.issued_label)
        layout.addLayout(issued_row)
        self.retranslate()

    def retranslate(self) -> None:
        self.save_button.setText(_("Save draft"))
        self.save_button.setToolTip(_(
            "Keep the narrative as a draft of this unit's report for this period: it "
            "reopens here, and every save is kept."))
        self.issue_button.setText(_("Issue report…"))
        self.issue_button.setToolTip(_(
            "Give the report its number and keep it exactly as issued (figures, text and "
            "PDF); it cannot be changed afterwards."))
        self.issued_label.setText(_("Reports issued for this period"))
        self.copy_button.setText(_("Save issued copy…"))
        self._show_issued()
        self._enable()

    # --- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the draft and the reports issued for the chosen unit and period."""
        target = self._target()
        if target is None:
            self._show(None, [])
            return
        unit_id, period = target

        def load(s) -> tuple[keeping.DraftState | None, list[keeping.IssuedSummary]]:
            return keeping.load_draft(s, unit_id, period), keeping.issued_for(s, unit_id, period)

        ops.query(self, self.ctx.db, load, lambda r: self._loaded(r, target), key="load")

    def _loaded(self, result: tuple[Any, list], target: tuple[str, Period]) -> None:
        if self._target() != target:
            return  # the choice changed meanwhile: its own load follows
        draft, issued = result
        self._show(draft, issued)
        if draft is not None:
            self.draft_loaded.emit(dict(draft.narrative))

    def _show(self, draft: keeping.DraftState | None, issued: list) -> None:
        self._issued = issued
        self._show_draft(draft)
        self._show_issued()
        self._enable()

    def _show_draft(self, draft: keeping.DraftState | None) -> None:
        if draft is None or not draft.revision:
            self.status.setText(_("No draft saved for this period yet."))
            return
        self.status.setText(_("Draft saved {when} by {who} (version {revision}).").format(
            when=format_datetime(draft.saved_at), who=draft.saved_by or "—",
            revision=format_number(draft.revision)))

    def _show_issued(self) -> None:
        self.issued_list.clear()
        for r in self._issued:
            text = " · ".join([_("{number} of {day}").format(
                number=r.number, day=format_date(r.issued_on)), *r.notes()])
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.issued_list.addItem(item)
        if not self._issued:
            self.issued_list.addItem(_("None yet."))
            self.issued_list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)

    def _enable(self) -> None:
        valid = self._target() is not None
        guard(self.save_button, keeping.DRAFT_PERMISSION, valid)
        guard(self.issue_button, keeping.ISSUE_PERMISSION, valid)
        self.copy_button.setEnabled(self.selected_issued() is not None)

    def in_force(self) -> keeping.IssuedSummary | None:
        current = [r for r in self._issued if not r.replaced_by_number]
        return current[-1] if current else None

    def selected_issued(self) -> str | None:
        item = self.issued_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    # --- actions -------------------------------------------------------------------------

    def save_draft(self) -> None:
        target = self._target()
        if target is None:
            return
        unit_id, period = target
        texts = self._narrative() or {}

        def done(state: keeping.DraftState) -> None:
            self._show_draft(state)
            self.message.emit(_("Draft saved (version {revision}).").format(
                revision=format_number(state.revision)), False)

        ops.write(self, self.ctx.db, lambda s: keeping.save_draft(s, unit_id, period, texts),
                  done, key="save", failure=self._failed)

    def confirm_issue(self, period: Period, replaces: str | None) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Issue report"))
        if replaces:
            text = _("Issue a correction of report {number} for {period}? It gets the next "
                     "number and replaces {number}, which stays kept as it was issued.").format(
                number=replaces, period=period.title)
        else:
            text = _("Issue the report for {period} under the next number? What is issued is "
                     "kept exactly as it is and cannot be changed; a correction is a new "
                     "report that replaces it.").format(period=period.title)
        box.setText(text)
        issue = box.addButton(_("Issue"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is issue

    def issue(self) -> None:
        target = self._target()
        if target is None:
            return
        unit_id, period = target
        current = self.in_force()
        if not self.confirm_issue(period, current.number if current else None):
            return
        texts = self._narrative()
        replaces = current.id if current else None
        lang = self._language()

        def work(s) -> str:
            if texts is not None:
                keeping.save_draft(s, unit_id, period, texts)
            return keeping.issue_report(s, unit_id, period, texts, replaces_id=replaces,
                                        lang=lang).number

        def done(number: str) -> None:
            self.message.emit(_("Report issued: {number} ({period}).").format(
                number=number, period=period.title), False)
            self.reload()

        ops.write(self, self.ctx.db, work, done, key="issue", failure=self._failed)

    def ask_copy_path(self, suggested: str) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save as"), str(Path.home() / suggested), _("PDF documents (*.pdf)"))
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")

    def save_issued_copy(self) -> None:
        issued_id = self.selected_issued()
        row = next((r for r in self._issued if r.id == issued_id), None)
        if row is None:
            return
        path = self.ask_copy_path(self._file_name(row) + ".pdf")
        if path is None:
            return
        ops.write(self, self.ctx.db,
                  lambda s: outputs.reprint_issued_report(s, row.id, path),
                  lambda _pages: self.message.emit(
                      _("Saved to {path}.").format(path=path), False),
                  key="copy", failure=self._failed)

    def _failed(self, exc: Exception) -> None:
        self.message.emit(str(exc), True)  # a refusal, in the user's language
