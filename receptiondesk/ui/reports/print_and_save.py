"""Printing and saving what the Reports page shows: the printer, PDF, Word and Excel
files, and a filled report template."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

from ...i18n import _, format_number, ngettext, using_language
from ...services.errors import ServiceError, os_reason
from .documents import Produced, file_stem, produce_pdf, write_excel


class PrintAndSave:
    """Printing and saving (a mixin of ``ReportsPage``)."""

    def print_document(self) -> None:
        self._with_pdf(self._print_pdf)

    def make_print_dialog(self, printer: QPrinter) -> QPrintDialog:
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print"))
        return dialog

    def _print_pdf(self, _path: Path) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_stem())
        dialog = self.make_print_dialog(printer)
        dialog.setMinMax(1, max(self.preview.page_count(), 1))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        pages = self.preview.print_to(printer)
        text = ngettext("{count} page sent to the printer.", "{count} pages sent to the printer.",
                        pages).format(count=format_number(pages))
        self.show_message(text)
        self.ctx.signals.status_message.emit(text)

    def save_pdf(self) -> None:
        self._with_pdf(self._save_pdf)

    def _save_pdf(self, path: Path) -> None:
        target = self._ask_save_path(".pdf", _("PDF documents (*.pdf)"))
        if target is None:
            return
        try:
            shutil.copyfile(path, target)
        except OSError as exc:
            self.show_message(_("Cannot write {path}: {reason}").format(
                path=target, reason=os_reason(exc)), error=True)
            return
        self._saved(target)

    def save_word(self) -> None:
        """The document as a Word copy (.docx), written off the GUI thread through the
        same door as the PDF."""
        if self._job is not None:
            return
        self._clear_messages()
        try:
            req = self.request()
        except ServiceError as exc:
            self.show_failure(exc)
            return
        target = self._ask_save_path(".docx", _("Word documents (*.docx)"))
        if target is None:
            return

        def done(produced: Produced) -> None:
            if produced.report is not None and req.period is not None:
                self._keep_report(produced.report, req.period)
            self._saved(target)

        self._run(lambda _cancelled: produce_pdf(self.ctx.db, req, target, "docx"), done,
                  self.kind().slow, _("Writing {path}…").format(path=target.name))

    def save_excel(self) -> None:
        if self._job is not None or not self.kind().excel:
            return
        req = self._read_request()
        if req is None:
            return
        target = self._ask_save_path(".xlsx", _("Excel workbooks (*.xlsx)"))
        if target is None:
            return

        def done(produced: Produced) -> None:
            if produced.report is not None and req.period is not None:
                self._keep_report(produced.report, req.period)
            self._saved(target)

        self._run(lambda cancelled: write_excel(self.ctx.db, req, target, cancelled), done,
                  True, _("Writing {path}…").format(path=target.name))

    def ask_template_path(self) -> Path | None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("The upper level's workbook"), str(Path.home()),
            _("Excel workbooks (*.xlsx *.xlsm)"))
        return Path(chosen) if chosen else None

    def fill_template(self) -> None:
        """Fill a workbook sent by the upper level with the report's figures, into a copy
        (the template itself is left as it came)."""
        if self._job is not None or self.kind().code != "periodic":
            return
        req = self._read_request()
        if req is None:
            return
        template = self.ask_template_path()
        if template is None:
            return
        suffix = template.suffix.lower()
        target = self._ask_save_path(suffix, _("Excel workbooks (*{suffix})").format(
            suffix=suffix))
        if target is None:
            return
        if target.resolve() == template.resolve():
            self.show_message(_("Save the filled workbook under another name: the "
                                "template is kept as it came."), error=True)
            return

        def work(_cancelled) -> Any:
            from ...reports.saving import fill_report_template

            with using_language(req.lang):
                return fill_report_template(self.ctx.db, req.unit_id, req.period, template,
                                            target, report=req.report)

        def done(filled: Any) -> None:
            text = ngettext("Saved to {path} ({count} cell filled).",
                            "Saved to {path} ({count} cells filled).", filled.cells).format(
                path=target, count=format_number(filled.cells))
            if filled.not_kept:
                text += " " + _("Not kept from the template: {parts}.").format(
                    parts=", ".join(filled.not_kept))
            self.show_message(text)
            self.ctx.signals.status_message.emit(text)

        self._run(work, done, True, _("Writing {path}…").format(path=target.name))

    def suggested_stem(self) -> str:
        """The file name offered: the shown document's own (minutes: their number and
        the session's day), else the document's name and today."""
        produced = self.last_produced
        if not self._stale and produced is not None and produced.stem:
            return produced.stem
        return file_stem(self.kind().code)

    def _ask_save_path(self, suffix: str, file_filter: str) -> Path | None:
        suggested = str(Path.home() / (self.suggested_stem() + suffix))
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Save as"), suggested,
                                                      file_filter)
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)

    def _saved(self, target: Path) -> None:
        text = _("Saved to {path}.").format(path=target)
        self.show_message(text)
        self.ctx.signals.status_message.emit(text)
