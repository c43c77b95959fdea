"""File ▸ Export for the national database…: the petitions of a unit and a period, coded
for the national complaints database (see :mod:`receptiondesk.exchange.national`).

The values with no national code are looked up as soon as the unit or the period changes
and listed in the dialog, with a way to export anyway (left blank) or to go to Settings ▸
National codes. The export runs off the GUI thread with a progress bar and can be
cancelled; the file appears only when complete.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..exchange.exporter import ExportCancelled
from ..exchange.national import (
    Scope,
    Unmapped,
    UnmappedCodesError,
    find_unmapped,
    summary_lines,
)
from ..i18n import _, format_number, ngettext, pgettext
from ..services.errors import ServiceError
from ..services.outputs import export_national
from . import ops
from .context import AppContext
from .forms import ERROR_STYLE, fill_combo
from .report_forms import PeriodPicker
from .worker import run_in_background

FORMATS = (("xlsx", ".xlsx"), ("json", ".json"))


class _Relay(QObject):
    """Carries the export's progress from the worker thread to the dialog (queued)."""

    progress = Signal(int, int)


class NationalExportDialog(QDialog):
    """Choose the unit, the period, the format and the file; see what is unmapped; export."""

    #: the user asked to fix the codes: the main window shows Settings ▸ National codes
    open_settings = Signal()
    #: a file was written: its path
    exported = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("national_export_dialog")
        self.ctx = ctx
        self.today = today
        self.unmapped: list[Unmapped] = []
        self._cancel: threading.Event | None = None
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_progress)
        self._build()
        ctx.signals.language_changed.connect(self._on_language)
        self.retranslate()
        self._fill_units()
        self.check_codes()

    # --- construction ---------------------------------------------------------------------

    def _build(self) -> None:
        self.unit = QComboBox()
        self.unit.setObjectName("national_unit")
        self.period = PeriodPicker(self.today)
        self.period.set_preset("year")
        self.format = QComboBox()
        self.format.setObjectName("national_format")
        self.file = QLineEdit()
        self.file.setObjectName("national_file")
        self.browse = QPushButton()
        self.browse.clicked.connect(self._choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse)
        self.form = QFormLayout()
        self.captions = [QLabel() for _i in range(4)]
        for caption, widget in zip(self.captions, (self.unit, self.period, self.format,
                                                   file_row), strict=True):
            self.form.addRow(caption, widget)
        self.unmapped_box = self._build_unmapped()
        self.message = QLabel()
        self.message.setObjectName("national_message")
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.hide()
        self.export_button = QPushButton()
        self.export_button.setObjectName("national_export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel_export)
        self.cancel_button.hide()
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.export_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.unmapped_box)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.unit.currentIndexChanged.connect(lambda _i: self.check_codes())
        self.period.changed.connect(self.check_codes)
        self.format.currentIndexChanged.connect(lambda _i: self._match_suffix())
        self.setMinimumWidth(620)

    def _build_unmapped(self) -> QGroupBox:
        box = QGroupBox()
        box.setObjectName("national_unmapped")
        self.unmapped_note = QLabel()
        self.unmapped_note.setWordWrap(True)
        self.unmapped_list = QListWidget()
        self.unmapped_list.setObjectName("national_unmapped_list")
        self.unmapped_list.setMaximumHeight(130)
        self.unmapped_list.setWordWrap(True)  # a long unit name breaks, never hides the count
        self.unmapped_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.unmapped_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.allow_unmapped = QCheckBox()
        self.allow_unmapped.setObjectName("national_allow_unmapped")
        self.settings_button = QPushButton()
        self.settings_button.setObjectName("national_open_settings")
        self.settings_button.clicked.connect(self._go_to_settings)
        row = QHBoxLayout()
        row.addWidget(self.allow_unmapped, 1)
        row.addWidget(self.settings_button)
        inner = QVBoxLayout(box)
        inner.addWidget(self.unmapped_note)
        inner.addWidget(self.unmapped_list)
        inner.addLayout(row)
        box.hide()
        return box

    def retranslate(self) -> None:
        self.setWindowTitle(_("Export for the national database"))
        for caption, text in zip(self.captions, (_("Unit:"), _("Period:"), _("Format:"),
                                                 _("File:")), strict=True):
            caption.setText(text)
        fill_combo(self.format, [("xlsx", _("Excel workbook (.xlsx)")),
                                 ("json", _("JSON document (.json)"))],
                   self.format.currentData() or "xlsx")
        self.period.retranslate()
        self.browse.setText(_("Choose\u2026"))
        self.file.setPlaceholderText(_("Where to save the file"))
        self.unmapped_box.setTitle(_("Values without a national code"))
        self.unmapped_note.setText(_(
            "The national database cannot take these values until they have a national code. "
            "Give them one in Settings, or export anyway with these codes left blank."))
        self.allow_unmapped.setText(_("Export anyway, leaving these codes blank"))
        self.settings_button.setText(_("Open Settings \u25b8 National codes"))
        self.export_button.setText(_("&Export"))
        self.cancel_button.setText(_("Cancel"))
        self.close_button.setText(pgettext("button", "Close"))  # "Close" alone: a petition step
        self._show_unmapped()

    def _on_language(self, _lang: str) -> None:
        if shiboken6.isValid(self):
            self.retranslate()
            self._fill_units()

    def _fill_units(self) -> None:
        """The office and the units below it, the office first."""
        from ..services.units import list_units

        ids = self.ctx.unit_ids()
        with self.ctx.db.session() as s:
            units = {u.id: u for u in list_units(s) if u.id in ids}
        order = [self.ctx.unit_id] + [uid for uid in units if uid != self.ctx.unit_id]
        fill_combo(self.unit, [(uid, units[uid].name) for uid in order if uid in units],
                   self.unit.currentData() or self.ctx.unit_id)

    # --- the choices ----------------------------------------------------------------------

    def scope(self) -> Scope:
        """The chosen unit and period; ValueError with a message when the period is wrong."""
        period = self.period.period()
        return Scope(self.unit.currentData() or self.ctx.unit_id, period.start, period.end)

    def suffix(self) -> str:
        return dict(FORMATS)[self.format.currentData() or "xlsx"]

    def _match_suffix(self) -> None:
        text = self.file.text().strip()
        if text:
            self.file.setText(str(Path(text).with_suffix(self.suffix())))

    def _choose_file(self) -> None:
        suggested = self.file.text() or str(Path.home() / f"national{self.suffix()}")
        filters = {"xlsx": _("Excel workbook (*.xlsx)"), "json": _("JSON document (*.json)")}
        path, _chosen = QFileDialog.getSaveFileName(
            self, _("Export for the national database"), suggested,
            filters[self.format.currentData() or "xlsx"])
        if path:
            self.file.setText(str(Path(path).with_suffix(self.suffix())))

    def _go_to_settings(self) -> None:
        self.open_settings.emit()
        self.reject()

    # --- the unmapped values --------------------------------------------------------------

    def check_codes(self) -> None:
        """Look up, off the GUI thread, which values of the scope have no national code."""
        try:
            scope = self.scope()
        except ValueError as exc:
            self.show_message(str(exc), error=True)
            return
        def done(found: list[Unmapped]) -> None:
            self.unmapped = found
            self._show_unmapped()

        # the newest check wins; none reaches a dialog closed meanwhile
        ops.query(self, self.ctx.db, lambda s: find_unmapped(s, scope), done, key="check",
                  failure=lambda exc: self.show_message(str(exc), error=True))

    def _show_unmapped(self) -> None:
        self.unmapped_list.clear()
        for item in self.unmapped:
            self.unmapped_list.addItem(item.message())
        self.unmapped_box.setVisible(bool(self.unmapped))
        self.adjustSize()

    # --- the export -----------------------------------------------------------------------

    def start_export(self) -> None:
        """Check the choices and write the file off the GUI thread."""
        if self._cancel is not None:
            return
        text = self.file.text().strip()
        if not text:
            self.show_message(_("Choose the file to write."), error=True)
            return
        try:
            scope = self.scope()
        except ValueError as exc:
            self.show_message(str(exc), error=True)
            return
        path = Path(text)
        if path.suffix.lower() != self.suffix():
            path = path.with_suffix(self.suffix())
            self.file.setText(str(path))
        allow = self.allow_unmapped.isChecked()
        cancel = self._cancel = threading.Event()
        db, relay = self.ctx.db, self._relay

        def progress(done: int, total: int) -> bool:
            relay.progress.emit(done, total)
            return not cancel.is_set()

        def work():
            with db.session() as s:
                return export_national(s, path, scope, allow_unmapped=allow, progress=progress,
                                       today=self.today)

        self._busy(True)
        self.show_message(_("Exporting\u2026"))
        run_in_background(work, self._finished, self._failed)

    def cancel_export(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def _on_progress(self, done: int, total: int) -> None:
        if not shiboken6.isValid(self):
            return
        # the count rather than a bare percentage: a province writes for a minute or more
        self.progress.setFormat(ngettext(
            "{done} of {total} petition written", "{done} of {total} petitions written",
            total).format(done=format_number(done), total=format_number(total)))
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finished(self, summary) -> None:
        if not shiboken6.isValid(self):
            return
        self._busy(False)
        lines = summary_lines(summary)
        self.show_message("\n".join(lines))
        self.ctx.signals.status_message.emit(lines[0])
        self.exported.emit(str(summary.path))

    def _failed(self, exc: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self._busy(False)
        if isinstance(exc, UnmappedCodesError):
            self.unmapped = exc.unmapped
            self._show_unmapped()
            self.show_message(str(exc), error=True)
        elif isinstance(exc, ExportCancelled):
            self.show_message(str(exc))
        elif isinstance(exc, ServiceError):
            self.show_message(str(exc), error=True)
        else:
            self.show_message(_("The export failed: {reason}").format(reason=exc), error=True)

    def _busy(self, busy: bool) -> None:
        if not busy:
            self._cancel = None
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)
        self.progress.setFormat("")
        self.cancel_button.setVisible(busy)
        for widget in (self.export_button, self.close_button, self.unit, self.period,
                       self.format, self.file, self.browse, self.allow_unmapped):
            widget.setEnabled(not busy)

    def is_busy(self) -> bool:
        return self._cancel is not None

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "color: #2f5d1f;")
        self.message.setText(text)

    def reject(self) -> None:
        if self.is_busy():  # closing waits for the cancel to land; the file is not kept
            self.cancel_export()
            return
        try:
            self.ctx.signals.language_changed.disconnect(self._on_language)
        except (RuntimeError, TypeError):
            pass
        super().reject()
