"""File ▸ Bundles: export this office's signed bundle, import a bundle from an office
below, and resolve the conflicts an import found.

Import goes step by step: choose the file → it is verified (structure, every part's
SHA-256, the signature, the key registered for the sending office) and previewed off the
GUI thread → for an office whose key is new, its fingerprint is shown to be compared by
phone and must be confirmed → the counts (new, updated, unchanged, conflicts, deleted) → Apply
or Cancel. Export and apply run off the GUI thread too.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _, format_datetime, format_number, ngettext, pgettext
from ..services.record_kinds import IMPORTED, RecordKind
from .context import AppContext
from .forms import ERROR_STYLE, date_edit, from_qdate
from .worker import run_in_background

BUNDLE_FILTER_SUFFIX = "(*.rdbundle *.zip)"


def _bundle_filter() -> str:
    return _("ReceptionDesk bundles") + " " + BUNDLE_FILTER_SUFFIX


def _mono(label: QLabel) -> QLabel:
    label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row


class _BundleDialog(QDialog):
    """What the export and import dialogs share: a file row, a message, retranslation."""

    def __init__(self, ctx: AppContext, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.busy = False
        self.file = QLineEdit()
        self.browse = QPushButton()
        self.browse.clicked.connect(self._choose_file)
        self.file_row = QHBoxLayout()
        self.file_row.addWidget(self.file, 1)
        self.file_row.addWidget(self.browse)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.reject)
        ctx.signals.language_changed.connect(self._on_language)

    def _on_language(self, _lang: str) -> None:
        if shiboken6.isValid(self):
            self.retranslate()

    def retranslate(self) -> None:
        self.browse.setText(_("Choose\u2026"))
        self.close_button.setText(pgettext("button", "Close"))

    def _choose_file(self) -> None:
        raise NotImplementedError

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def reject(self) -> None:
        if not self.busy:  # the work in progress finishes and reports first
            super().reject()


# --- export ---------------------------------------------------------------------------------


class ExportBundleDialog(_BundleDialog):
    """Write this office's bundle: what changed since the last bundle, or since a date."""

    exported = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("export_bundle_dialog")
        self.file.setObjectName("bundle_export_file")
        self.since_last = QRadioButton()
        self.since_last.setChecked(True)
        self.since_date = QRadioButton()
        self.since = date_edit(date(date.today().year, 1, 1))
        self.since.setEnabled(False)
        self.since_date.toggled.connect(self.since.setEnabled)
        since_row = QHBoxLayout()
        since_row.addWidget(self.since_date)
        since_row.addWidget(self.since)
        since_row.addStretch(1)
        self.captions = [QLabel(), QLabel()]
        form = QFormLayout()
        form.addRow(self.captions[0], self.file_row)
        since_box = QVBoxLayout()
        since_box.addWidget(self.since_last)
        since_box.addLayout(since_row)
        form.addRow(self.captions[1], since_box)
        self.fingerprint = _mono(QLabel())
        self.fingerprint.setObjectName("bundle_export_fingerprint")
        self.export_button = QPushButton()
        self.export_button.setObjectName("bundle_export_button")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.fingerprint)
        layout.addLayout(_buttons(self.export_button, self.close_button))
        self.setMinimumWidth(600)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Export a bundle for the upper level"))
        self.captions[0].setText(_("File:"))
        self.captions[1].setText(_("Records:"))
        self.since_last.setText(_("changed since the last bundle (the first bundle: all)"))
        self.since_date.setText(_("changed since"))
        self.file.setPlaceholderText(_("Where to save the bundle"))
        self.export_button.setText(_("&Export"))

    def _choose_file(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self, _("Export a bundle for the upper level"),
                                               self.file.text() or "office.rdbundle",
                                               _bundle_filter())
        if path:
            self.file.setText(path)

    def start_export(self) -> None:
        from ..services.outputs import export_bundle

        path = self.file.text().strip()
        if not path:
            self.show_message(_("Choose the file to write first."), error=True)
            return
        since = from_qdate(self.since.date()) if self.since_date.isChecked() else None
        db = self.ctx.db

        def job():
            with db.session() as s:
                return export_bundle(s, Path(path), since)

        self._set_busy(True)
        self.show_message(_("Writing the bundle\u2026"))
        run_in_background(job, self._done, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.export_button.setEnabled(not busy)
        self.close_button.setEnabled(not busy)

    def _done(self, result) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        written = _("Bundle written: {path} — {count} records, {size} kB.").format(
            path=result.path, count=format_number(result.total),
            size=format_number(result.size / 1024, 1))
        if not result.sent:
            written += " " + _("This is a copy: only the office head sends bundles, so the "
                               "next bundle still holds everything changed since the last "
                               "one sent.")
        self.show_message(written)
        self.fingerprint.setText(_("Key fingerprint of {code} (the upper level compares it "
                                   "by phone):").format(code=result.sender_code)
                                 + "\n" + result.fingerprint)
        self.exported.emit(str(result.path))

    def _failed(self, exc: Exception) -> None:
        if shiboken6.isValid(self):
            self._set_busy(False)
            self.show_message(str(exc), error=True)


# --- import ---------------------------------------------------------------------------------

COUNT_COLUMNS = ("new", "updated", "unchanged", "conflicts", "deleted")


class ImportBundleDialog(_BundleDialog):
    """Choose a bundle → verification → fingerprint check for a new office → the counts →
    Apply or Cancel."""

    imported = Signal(object)
    show_conflicts = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("import_bundle_dialog")
        self.file.setObjectName("bundle_import_file")
        # leaving the field re-checks only a file not checked yet
        self.file.editingFinished.connect(lambda: self.verify(only_new=True))
        self.checked_path = ""
        self.bundle = None
        self.preview = None
        self.caption = QLabel()
        form = QFormLayout()
        form.addRow(self.caption, self.file_row)
        self.sender = QLabel()
        self.sender.setObjectName("bundle_sender")
        self.sender.setWordWrap(True)
        self.key_box = QGroupBox()
        self.key_box.setObjectName("bundle_new_key")
        self.key_note = QLabel()
        self.key_note.setWordWrap(True)
        self.fingerprint = _mono(QLabel())
        self.fingerprint.setObjectName("bundle_fingerprint")
        self.confirm = QCheckBox()
        self.confirm.setObjectName("bundle_confirm_key")
        self.confirm.toggled.connect(self._on_confirm)
        inner = QVBoxLayout(self.key_box)
        inner.addWidget(self.key_note)
        inner.addWidget(self.fingerprint)
        inner.addWidget(self.confirm)
        self.key_box.hide()
        self.table = QTableWidget(0, 1 + len(COUNT_COLUMNS))
        self.table.setObjectName("bundle_counts")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.hide()
        self.apply_button = QPushButton()
        self.apply_button.setObjectName("bundle_apply")
        self.apply_button.clicked.connect(self.apply)
        self.conflicts_button = QPushButton()
        self.conflicts_button.clicked.connect(self._show_conflicts)
        self.conflicts_button.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.sender)
        layout.addWidget(self.key_box)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(_buttons(self.conflicts_button, self.apply_button, self.close_button))
        self.setMinimumSize(640, 420)
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Import a bundle from an office"))
        self.caption.setText(_("File:"))
        self.file.setPlaceholderText(_("The bundle an office sent"))
        self.key_box.setTitle(_("A new office key"))
        self.apply_button.setText(_("&Apply"))
        self.close_button.setText(_("Cancel") if self.preview is not None
                                  and not self.preview.applied else pgettext("button", "Close"))
        self.conflicts_button.setText(_("Show conflicts\u2026"))
        self._headers()
        if self.bundle is not None:
            self._show_verified()
        if self.preview is not None:
            self._fill_counts()

    def _choose_file(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Import a bundle from an office"),
                                               self.file.text(), _bundle_filter())
        if path:
            self.file.setText(path)
            self.verify()

    # --- verification and preview ------------------------------------------------------------

    def verify(self, only_new: bool = False) -> None:
        from ..exchange.bundle import verify_bundle
        from ..exchange.bundle_merge import preview_import

        path = self.file.text().strip()
        if not path or self.busy or (only_new and path == self.checked_path):
            return
        self.checked_path = path
        self.bundle = self.preview = None
        self.key_box.hide()
        self.table.hide()
        self.sender.clear()
        self.confirm.setChecked(False)
        db = self.ctx.db

        def job():
            bundle = verify_bundle(Path(path))
            with db.session() as s:
                return bundle, preview_import(s, bundle)

        self._set_busy(True)
        self.show_message(_("Checking the bundle\u2026"))
        run_in_background(job, self._verified, self._failed)

    def _verified(self, result) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.bundle, self.preview = result
        self._show_verified()
        self._fill_counts()
        note = _("Nothing is written until you press Apply.")
        if self.preview.manifest_only:
            note = _("The records are counted once you confirm the fingerprint.") + " " + note
        self.show_message(" ".join([*self.preview.audit_problems, note]),
                          error=bool(self.preview.audit_problems))
        self.retranslate()
        self._update_buttons()

    def _show_verified(self) -> None:
        from datetime import datetime

        sender = self.bundle.sender
        try:
            made = format_datetime(datetime.fromisoformat(
                self.bundle.manifest["created_at"])) + " UTC"
        except (KeyError, TypeError, ValueError):
            made = ""
        self.sender.setText(_("Bundle of {name} ({code}), made {created}: signature and "
                              "{count} parts verified.").format(
                                  name=sender["name"], code=sender["code"], created=made,
                                  count=len(self.bundle.parts)))
        new_key = self.preview is not None and not self.preview.key_registered \
            and not self.preview.applied
        self.key_box.setVisible(new_key)
        if new_key:
            self.key_note.setText(_(
                "No key is registered yet for {name}. Call that office and compare this "
                "fingerprint with the one its export showed, group by group.").format(
                    name=sender["name"]))
            self.fingerprint.setText(self.bundle.fingerprint)
            self.confirm.setText(_("I compared the fingerprint with {name}: it is the "
                                   "same").format(name=sender["name"]))

    def _headers(self) -> None:
        if self.preview is not None and self.preview.manifest_only:
            self.table.setColumnCount(2)
            self.table.setHorizontalHeaderLabels([_("Kind"), _("Records in the bundle")])
            return
        self.table.setColumnCount(1 + len(COUNT_COLUMNS))
        self.table.setHorizontalHeaderLabels([_("Kind"), _("New"), _("Updated"),
                                              _("Unchanged"), _("Conflicts"),
                                              pgettext("bundle count", "Deleted")])

    def _on_confirm(self, checked: bool) -> None:
        """Once the fingerprint is confirmed, the parts are read to count what changes."""
        self._update_buttons()
        if not (checked and self.preview is not None and self.preview.manifest_only
                and not self.busy):
            return
        from ..exchange.bundle_merge import preview_import

        bundle, db = self.bundle, self.ctx.db

        def job():
            with db.session() as s:
                return bundle, preview_import(s, bundle, key_confirmed=True)

        self._set_busy(True)
        self.show_message(_("Counting what the bundle changes\u2026"))
        run_in_background(job, self._verified, self._failed)

    def _fill_counts(self) -> None:
        from ..exchange.bundle_merge import kind_label

        self._headers()
        if self.preview.manifest_only:
            self._fill_listed()
            return
        counts = [(k, c) for k, c in self.preview.counts.items() if c.any]
        total = self.preview.total
        rows = [(kind_label(k), c) for k, c in counts] + [(_("Total"), total)]
        self.table.setRowCount(len(rows))
        for row, (label, c) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(label))
            for col, name in enumerate(COUNT_COLUMNS, start=1):
                item = QTableWidgetItem(format_number(getattr(c, name)))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.show()

    def _fill_listed(self) -> None:
        """The records per part as the manifest lists them (the key is not confirmed)."""
        from ..exchange.bundle_merge import kind_label

        listed = [(kind_label(k), n) for k, n in self.preview.listed.items() if n]
        rows = listed + [(_("Total"), sum(n for _k, n in listed))]
        self.table.setRowCount(len(rows))
        for row, (label, count) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(label))
            item = QTableWidgetItem(format_number(count))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 1, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.show()

    # --- applying ----------------------------------------------------------------------------

    def _ready(self) -> bool:
        if self.busy or self.bundle is None or self.preview is None or self.preview.applied:
            return False
        return self.preview.key_registered or self.confirm.isChecked()

    def _update_buttons(self) -> None:
        self.apply_button.setEnabled(self._ready())
        self.browse.setEnabled(not self.busy)
        self.close_button.setEnabled(not self.busy)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_buttons()

    def apply(self) -> None:
        from ..exchange.bundle_merge import apply_import

        if not self._ready():
            return
        bundle, trust = self.bundle, self.confirm.isChecked()
        db = self.ctx.db

        def job():
            with db.session(write=True) as s:
                return apply_import(s, bundle, trust_new_key=trust)

        self._set_busy(True)
        self.show_message(_("Importing\u2026"))
        run_in_background(job, self._applied, self._failed)

    def _applied(self, result) -> None:
        if not shiboken6.isValid(self):
            return
        self.preview = result
        self._set_busy(False)
        self._fill_counts()
        total = result.total
        text = _("Imported: {new} new, {updated} updated, {unchanged} unchanged.").format(
            new=format_number(total.new), updated=format_number(total.updated),
            unchanged=format_number(total.unchanged))
        if total.deleted:
            from ..exchange.bundle_merge import deleted_message

            text += " " + deleted_message(total.deleted)
        if not result.key_registered:
            text = _("The key of {code} is registered.").format(
                code=result.sender["code"]) + " " + text
        if result.audit_problems:
            text += " " + " ".join(result.audit_problems)
        if total.conflicts:
            text += " " + ngettext(
                "{count} record was changed both here and at the sender: resolve it in the "
                "conflicts list.",
                "{count} records were changed both here and at the sender: resolve them in "
                "the conflicts list.", total.conflicts).format(
                    count=format_number(total.conflicts))
        self.show_message(text)
        self.key_box.hide()
        self.conflicts_button.setVisible(bool(total.conflicts))
        self.retranslate()
        self._update_buttons()
        for kind in IMPORTED:
            self.ctx.signals.data_changed.emit(kind)
        self.imported.emit(result)

    def _failed(self, exc: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.show_message(str(exc), error=True)
        self._update_buttons()

    def _show_conflicts(self) -> None:
        self.show_conflicts.emit()
        self.accept()


# --- conflicts ------------------------------------------------------------------------------


class ConflictsDialog(QDialog):
    """The records changed both here and at a sending office: see both versions, keep
    this copy or take the sender's."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bundle_conflicts_dialog")
        self.ctx = ctx
        self.conflicts: list = []
        self.list = QTableWidget(0, 4)
        self.list.setObjectName("bundle_conflicts_list")
        self.list.verticalHeader().hide()
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.itemSelectionChanged.connect(self._show_selected)
        self.detail = QTableWidget(0, 3)
        self.detail.setObjectName("bundle_conflict_detail")
        self.detail.verticalHeader().hide()
        self.detail.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.detail.setWordWrap(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        self.empty = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.keep_button = QPushButton()
        self.keep_button.setObjectName("bundle_keep_mine")
        self.keep_button.clicked.connect(lambda: self.resolve("keep_mine"))
        self.take_button = QPushButton()
        self.take_button.setObjectName("bundle_take_theirs")
        self.take_button.clicked.connect(lambda: self.resolve("take_theirs"))
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addLayout(_buttons(self.keep_button, self.take_button, self.close_button))
        self.setMinimumSize(760, 480)
        ctx.signals.language_changed.connect(
            lambda _l: self.retranslate() if shiboken6.isValid(self) else None)
        self.retranslate()
        self.reload()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Bundle conflicts"))
        self.empty.setText(_("Records changed both here and at the office that sent them. "
                             "Choose which version to keep; the other stays on record."))
        self.empty.setWordWrap(True)
        self.list.setHorizontalHeaderLabels([_("Kind"), _("Record"), _("Office"),
                                             _("Found on")])
        self.detail.setHorizontalHeaderLabels([_("Field"), _("This copy"),
                                               _("The sender's version")])
        self.keep_button.setText(_("&Keep this copy"))
        self.take_button.setText(_("&Take the sender's version"))
        self.close_button.setText(pgettext("button", "Close"))

    def reload(self) -> None:
        from ..exchange.bundle_merge import kind_label, list_conflicts

        with self.ctx.db.session() as s:
            self.conflicts = list_conflicts(s)
        self.list.setRowCount(len(self.conflicts))
        for row, c in enumerate(self.conflicts):
            for col, text in enumerate((kind_label(c.record_kind), _describe(c),
                                        c.sender_code, format_datetime(c.detected_at))):
                self.list.setItem(row, col, QTableWidgetItem(text))
        self.list.resizeColumnsToContents()
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        if self.conflicts:
            self.list.selectRow(0)
        else:
            self.detail.setRowCount(0)
            self.message.setText(_("There are no open conflicts."))
        self._show_selected()

    def selected(self):
        rows = self.list.selectionModel().selectedRows()
        return self.conflicts[rows[0].row()] if rows else None

    def _show_selected(self) -> None:
        from ..exchange.bundle_merge import conflict_differences
        from ..services.audit_labels import field_label

        conflict = self.selected()
        self.keep_button.setEnabled(conflict is not None)
        self.take_button.setEnabled(conflict is not None)
        if conflict is None:
            return
        diffs = conflict_differences(conflict)
        self.detail.setRowCount(len(diffs))
        for row, (name, mine, theirs) in enumerate(diffs):
            for col, value in enumerate((field_label(name), _plain(mine), _plain(theirs))):
                self.detail.setItem(row, col, QTableWidgetItem(value))
        self.detail.resizeColumnToContents(0)
        header = self.detail.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.detail.resizeRowsToContents()

    def resolve(self, resolution: str) -> None:
        from ..exchange.bundle_merge import resolution_label, resolve_conflict
        from ..services.errors import ServiceError

        conflict = self.selected()
        if conflict is None:
            return
        try:
            with self.ctx.db.session() as s:
                resolve_conflict(s, conflict.id, resolution)
        except ServiceError as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(str(exc))
            return
        self.message.setStyleSheet("")
        self.message.setText(resolution_label(resolution))
        kind = RecordKind.of_record(conflict.record_kind)  # the table's name
        if kind is not None:
            self.ctx.signals.data_changed.emit(kind)
        self.reload()


def _describe(conflict) -> str:
    """A short name for the record: its ref, number, name or content, else its id."""
    from ..exchange.bundle_merge import is_deletion

    # a record the sender deleted is named by this copy
    theirs = json.loads(conflict.mine if is_deletion(conflict) else conflict.theirs)
    for key in ("ref", "number", "full_name", "name", "content"):
        value = theirs.get(key)
        if value:
            text = str(value)
            return text if len(text) <= 60 else text[:59] + "\u2026"
    return conflict.record_id[-8:]  # the last digits differ between records made together


def _plain(value) -> str:
    if value is None:
        return "\u2014"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def open_bundle_dialog(ctx: AppContext, which: str, parent: QWidget | None = None) -> QDialog:
    """File ▸ Bundles: "export", "import" or "conflicts" (non-modal, deleted on close)."""
    dialog: QDialog
    if which == "export":
        dialog = ExportBundleDialog(ctx, parent)
    elif which == "import":
        dialog = ImportBundleDialog(ctx, parent)
        dialog.show_conflicts.connect(lambda: open_bundle_dialog(ctx, "conflicts", parent))
    else:
        dialog = ConflictsDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
