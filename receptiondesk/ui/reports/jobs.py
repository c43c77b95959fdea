"""The Reports page's background jobs (with their progress dialog and cancel), its
messages, and the preview of the produced PDF."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QProgressDialog

from ...i18n import _, format_number, ngettext
from ...services.errors import ServiceError, ValidationError
from ...services.record_kinds import RecordKind
from ..forms import ERROR_STYLE
from ..worker import run_in_background
from .documents import Produced, Request, produce_pdf

#: a slow job's progress dialog appears once the job has run this long
PROGRESS_DELAY_MS = 400


class BackgroundJobs:
    """Background jobs, messages and the preview (a mixin of ``ReportsPage``)."""

    def _run(self, work: Callable[[threading.Event], Any], done: Callable[[Any], None],
             slow: bool, text: str) -> None:
        """Run ``work`` off the GUI thread; a slow job shows a progress dialog that cancels."""
        token = object()
        cancelled = threading.Event()
        self._job, self._cancel_event = token, cancelled
        if slow:
            # shows itself after a moment, so a quick job does not flash a dialog
            self._progress = self.make_progress(text)
            self._progress.canceled.connect(self.cancel_job)
        self._enable()
        self.ctx.signals.status_message.emit(text)

        def finish(result: Any) -> None:
            if self._job is not token:
                _discard(result)  # cancelled: nobody wants it
                return
            self._end_job()
            try:
                done(result)
            finally:
                self.job_finished.emit()

        def fail(exc: Exception) -> None:
            if self._job is not token:
                return
            self._end_job()
            self.ctx.signals.status_message.emit("")
            self.show_failure(exc)
            self.job_finished.emit()

        run_in_background(lambda: work(cancelled), finish, fail)

    def make_progress(self, text: str) -> QProgressDialog:
        dialog = QProgressDialog(text, _("Cancel"), 0, 0, self)
        dialog.setObjectName("report_progress")
        dialog.setWindowTitle(_("ReceptionDesk"))
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        return dialog

    def cancel_job(self) -> None:
        """Stop waiting for the running job: its result is thrown away when it comes."""
        if self._job is None:
            return
        if self._cancel_event is not None:
            self._cancel_event.set()
        self._end_job()
        self.show_message(_("Cancelled."))
        self.ctx.signals.status_message.emit(_("Cancelled."))
        self.job_finished.emit()

    def _end_job(self) -> None:
        self._job = None
        self._cancel_event = None
        if self._progress is not None:
            self._progress.canceled.disconnect(self.cancel_job)
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None
        self._enable()

    def is_busy(self) -> bool:
        return self._job is not None

    def _clear_messages(self) -> None:
        self.message.hide()
        self.message.clear()
        self.slip_errors.clear()
        self.receipt_errors.clear()

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "color: #2f5d1f;")
        self.message.setText(text)
        self.message.show()

    def show_failure(self, exc: Exception) -> None:
        """A refusal from the services next to its field; anything else below the options."""
        if isinstance(exc, ServiceError):
            code = self.kind().code
            if code == "slip" and isinstance(exc, ValidationError) and \
                    any(e.field in self.slip_errors.labels for e in exc.errors):
                self.slip_errors.show(exc)
            elif code == "receipt" and isinstance(exc, ValidationError) and \
                    any(e.field in self.receipt_errors.labels for e in exc.errors):
                self.receipt_errors.show(exc)
            else:
                self.show_message(str(exc), error=True)
            return
        self.show_message(_("The document could not be produced: {reason}").format(
            reason=exc), error=True)

    def message_text(self) -> str:
        return self.message.text() if self.message.isVisibleTo(self) else ""

    def preview_document(self, then: Callable[[Path], None] | None = None) -> None:
        """Produce the chosen document off the GUI thread and show it in the preview."""
        if self._job is not None:
            return
        req = self._read_request()
        if req is None:
            return
        out = self._next_path()
        kind = self.kind()
        changes = self._changes
        self._run(lambda _c: produce_pdf(self.ctx.db, req, out),
                  lambda produced: self._show_produced(req, produced, then, changes),
                  kind.slow, _("Producing: {document}…").format(document=_(kind.title)))

    def _show_produced(self, req: Request, produced: Produced,
                       then: Callable[[Path], None] | None, changes: int) -> None:
        previous = self.preview.path
        self.preview.load(produced.path)
        _remove(previous)
        self.last_produced = produced
        # choices changed while it was being made: the pages are already out of date
        self._stale = self._changes != changes
        self.preview.set_stale(self._stale)
        self.tabs.setCurrentIndex(0)
        if produced.report is not None and req.period is not None:
            self._keep_report(produced.report, req.period)
        if produced.skeleton is not None:
            self._set_narrative(produced.skeleton, req.period, req.unit_id)
        if produced.minutes_id:
            self._load_minutes(select=produced.minutes_id)
            self.ctx.signals.data_changed.emit(RecordKind.MINUTES)
        text = ngettext("{count} page ready.", "{count} pages ready.", produced.pages).format(
            count=format_number(produced.pages))
        self.ctx.signals.status_message.emit(text)
        self.preview_ready.emit(str(produced.path))
        if then is not None:
            then(produced.path)

    def _discard_preview(self) -> None:
        if self.preview.path is not None:
            previous = self.preview.path
            self.preview.clear()
            _remove(previous)
        self.last_produced = None
        self._set_stale(True)

    def _with_pdf(self, then: Callable[[Path], None]) -> None:
        """Call ``then`` with the PDF of the current choices (produced again if changed)."""
        if not self._stale and self.preview.path is not None:
            then(self.preview.path)
        else:
            self.preview_document(then)


def _remove(path: Path | None) -> None:
    if path is None:
        return
    try:
        path.unlink(missing_ok=True)
    except OSError:  # still open by the viewer (Windows): the folder goes at exit
        pass


def _discard(result: Any) -> None:
    """A cancelled job's file goes: the user asked for none."""
    if isinstance(result, Produced) and result.path.suffix in (".pdf", ".xlsx"):
        _remove(result.path)
