"""Settings ▸ Backups: the data folder, the backups kept, making and restoring one."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import N_, _, format_datetime
from ..context import AppContext
from ..folder_work import FolderWork, open_folder
from ..forms import show_error, spin
from ..paged import Column, PagedTableModel, Row
from ..widgets.tables import new_table
from ..worker import run_in_background
from .common import slice_rows


class BackupsTab(QWidget):
    """Backups of the database file: where they go (a USB drive, say), how many are kept,
    "Back up now", the list, and restoring one.

    Restoring closes the window; once the database is closed, the backup is restored (the
    current file kept aside) and the application starts again (see ``app.request_restore``):
    every page, the login and the home office then come from the restored file, with no
    connection left open on the file being replaced.
    """

    COLUMNS = (Column(N_("Made")), Column(N_("Kind")), Column(N_("Size")), Column(N_("File")))

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.busy = False
        self.backups: list = []
        self.folder_work = FolderWork(self)  # the folder may be a USB stick pulled out
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.database = QLineEdit()
        self.database.setObjectName("data_database_file")
        self.database.setReadOnly(True)
        self.database_caption = QLabel()
        self.open_database_folder = QPushButton()
        self.open_database_folder.setObjectName("data_open_database_folder")
        self.open_database_folder.clicked.connect(
            lambda: open_folder(self.ctx.db.path.parent if self.ctx.db.path else None))
        self.open_backup_folder = QPushButton()
        self.open_backup_folder.setObjectName("data_open_backup_folder")
        self.open_backup_folder.clicked.connect(lambda: open_folder(Path(self.folder.text())))
        self.kept_for = QLabel()
        self.kept_for.setObjectName("data_kept_for")
        self.kept_for.setWordWrap(True)
        self.kept_for.setStyleSheet("color: #555555;")
        self.folder = QLineEdit()
        self.folder.setObjectName("backup_folder")
        self.folder.setReadOnly(True)
        self.folder_caption = QLabel()
        self.choose_button = QPushButton()
        self.choose_button.setObjectName("backup_choose_folder")
        self.choose_button.clicked.connect(lambda: self.choose_folder())
        self.default_button = QPushButton()
        self.default_button.clicked.connect(lambda: self.choose_folder(""))
        self.keep = spin(14, 1, 365)
        self.keep.setObjectName("backup_keep")
        self.keep.valueChanged.connect(self._keep_changed)
        self.keep_caption = QLabel()
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        folder_row.addWidget(self.default_button)
        folder_row.addWidget(self.open_backup_folder)
        database_row = QHBoxLayout()
        database_row.addWidget(self.database, 1)
        database_row.addWidget(self.open_database_folder)
        form = QFormLayout()
        form.addRow(self.database_caption, database_row)
        form.addRow(QLabel(), self.kept_for)
        form.addRow(self.folder_caption, folder_row)
        form.addRow(self.keep_caption, self.keep)
        self.model = PagedTableModel(self.COLUMNS, self._fetch, self)
        self.view = new_table(self.model, "backups_table")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.backup_button = QPushButton()
        self.backup_button.setObjectName("backup_now")
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton()
        self.restore_button.setObjectName("backup_restore")
        self.restore_button.clicked.connect(lambda: self.restore_selected())
        self.restore_file_button = QPushButton()
        self.restore_file_button.clicked.connect(lambda: self.restore_file())
        self.status = QLabel()
        self.status.setObjectName("backup_status")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.restore_file_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self.load()

    # --- preferences ----------------------------------------------------------

    @staticmethod
    def _settings():
        from ..app import app_settings

        return app_settings()

    def policy(self):
        from ..app import backup_policy

        return backup_policy(self._settings())

    def load(self) -> None:
        policy = self.policy()
        self.folder.setText(str(policy.folder))
        self._show_location()
        self.keep.blockSignals(True)
        self.keep.setValue(policy.keep)
        self.keep.blockSignals(False)
        supported = self.ctx.db.path is not None
        for widget in (self.backup_button, self.restore_button, self.restore_file_button,
                       self.choose_button, self.default_button, self.keep):
            widget.setEnabled(supported and not self.busy)
        self.reload()

    def choose_folder(self, folder: str | None = None) -> bool:
        """Save the backup folder ("" for the default; asked with a dialog when None)."""
        if folder is None:
            folder = QFileDialog.getExistingDirectory(
                self, _("Choose the folder for backups"), self.folder.text(),
                QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.ShowDirsOnly)
            if not folder:
                return False
        settings = self._settings()
        recorded = self._office_record()
        if recorded is not None:  # the office's folders are kept for every account
            from ...location import write_location

            try:
                write_location(recorded.database_folder, folder or None,
                               machine_wide=recorded.machine_wide)
            except OSError as exc:
                self.status.setText(_(
                    "The backup folder could not be saved for every account on this PC "
                    "({reason}); ask an administrator.").format(reason=exc.strerror or exc))
                return False
            settings.remove("backup/folder")
        else:
            settings.setValue("backup/folder", str(folder))
        settings.sync()
        self.load()
        return True

    def _office_record(self):
        """The location record that names this database's folder, or None (a database
        named on the command line, or one from before the record)."""
        from ...location import DB_FILE, read_location

        recorded = read_location()
        path = self.ctx.db.path
        if recorded is None or recorded.database_folder is None or path is None:
            return None
        try:
            same = (recorded.database_folder / DB_FILE).resolve() == path.resolve()
        except OSError:
            return None
        return recorded if same else None

    def _show_location(self) -> None:
        path = self.ctx.db.path
        if path is None:
            self.database.setText(self.ctx.db.engine.url.render_as_string(hide_password=True))
            self.open_database_folder.setEnabled(False)
            self.kept_for.setText(_("A PostgreSQL database, kept by its server."))
            return
        self.database.setText(str(path))
        self.open_database_folder.setEnabled(True)
        recorded = self._office_record()
        if recorded is not None and recorded.machine_wide:
            text = _("Kept for every Windows account on this PC (recorded in {record}).")
        elif recorded is not None:
            text = _("Kept for this Windows account only (recorded in {record}): the folder "
                     "for every account could not be written.")
        else:
            text = _("Kept for this Windows account only. To keep the data off the system "
                     "drive for every account, close ReceptionDesk, move the database file "
                     "and its backups, and write the new folders into {record} (see the "
                     "README, \u201cWhere the data lives\u201d).")
        from ...location import LOCATION_FILE, site_folder

        self.kept_for.setText(text.format(
            record=recorded.record if recorded is not None else site_folder() / LOCATION_FILE))

    def _keep_changed(self, value: int) -> None:
        settings = self._settings()
        settings.setValue("backup/keep", int(value))
        settings.sync()

    # --- the list -------------------------------------------------------------

    def reload(self) -> None:
        """List the backups off the GUI thread; a folder that does not answer in a few
        seconds is named in the status line, and the window goes on."""
        from ...services.backups import list_backups

        path = self.ctx.db.path
        if path is None:
            self._listed([])
            return
        folder = self.policy().folder
        self.folder_work.run(folder, lambda: list_backups(folder, path), self._listed,
                             self._list_failed, self._list_timed_out)

    def _listed(self, backups: list) -> None:
        if self.status.property("folder_silent"):
            self.status.setProperty("folder_silent", False)
            self.status.clear()
        self.backups = backups
        self.model.reload()

    def _list_failed(self, exc: Exception) -> None:
        self.status.setText(str(exc))

    def _list_timed_out(self, message: str) -> None:
        self.status.setProperty("folder_silent", True)
        self.status.setText(message)

    def _fetch(self, offset: int, limit: int, _sort: str | None, _desc: bool) -> list[Row]:
        rows = [Row(str(b.path), [format_datetime(b.time), b.reason_title, b.size_text,
                                  b.path.name]) for b in self.backups]
        return slice_rows(rows, offset, limit)

    def retranslate(self) -> None:
        self.intro.setText(_(
            "A backup is made every day and each time the program closes, with SQLite's "
            "online backup, and checked. Choose a folder on a USB drive to keep the backups "
            "away from this computer. Restoring keeps the current database as a separate "
            "file, never deleting it."))
        self.database_caption.setText(_("Database file:"))
        self.open_database_folder.setText(_("Open its folder"))
        self.open_backup_folder.setText(_("Open"))
        self._show_location()
        self.folder_caption.setText(_("Backup &folder:"))
        self.folder_caption.setBuddy(self.choose_button)
        self.keep_caption.setText(_("Backups &kept:"))
        self.keep_caption.setBuddy(self.keep)
        self.choose_button.setText(_("&Choose…"))
        self.default_button.setText(_("&Default folder"))
        self.backup_button.setText(_("&Back up now"))
        self.restore_button.setText(_("&Restore the selected backup…"))
        self.restore_file_button.setText(_("Restore a backup &file…"))
        if self.ctx.db.path is None:
            self.status.setText(_("Backups here are for a SQLite database file; back up a "
                                  "PostgreSQL database with its own tools."))
        self.model.retranslate()
        self.reload()

    # --- backing up -----------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.backup_button, self.restore_button, self.restore_file_button):
            widget.setEnabled(not busy and self.ctx.db.path is not None)

    def back_up_now(self) -> bool:
        """Make a backup now, off the GUI thread; False when one is already running."""
        if self.busy or self.ctx.db.path is None:
            return False
        self._set_busy(True)
        self.status.setText(_("Backing up…"))
        policy, db = self.policy(), self.ctx.db
        run_in_background(lambda: policy.make(db, "manual"), self._backed_up, self._failed)
        return True

    def _backed_up(self, path: Path) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.status.setText(_("Backup made and checked: {path}").format(path=path))
        self.reload()

    def _failed(self, exc: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.status.setText(str(exc))

    # --- restoring ------------------------------------------------------------

    def selected_backup(self):
        row = self.view.currentIndex().row()
        return self.backups[row] if 0 <= row < len(self.backups) else None

    def restore_selected(self) -> bool:
        info = self.selected_backup()
        if info is None:
            self.status.setText(_("Choose the backup to restore in the list."))
            return False
        return self.restore_file(info.path)

    def restore_file(self, path: str | Path | None = None) -> bool:
        """Check the backup (off the GUI thread), ask, then restore it and restart."""
        if self.busy or self.ctx.db.path is None:
            return False
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, _("Choose the backup to restore"), self.folder.text(),
                _("ReceptionDesk databases (*.db);;All files (*)"),
                options=QFileDialog.Option.DontUseNativeDialog)
            if not path:
                return False
        from ...services.backups import check_backup

        backup = Path(path)
        self._set_busy(True)
        self.status.setText(_("Checking the backup {name}…").format(name=backup.name))
        run_in_background(lambda: check_backup(backup),
                          lambda problems: self._checked(backup, problems), self._failed)
        return True

    def _checked(self, backup: Path, problems: list[str]) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        if problems:
            self.status.setText(_("The backup {name} cannot be restored: {problems}").format(
                name=backup.name, problems=" ".join(problems)))
            return
        self.status.setText(_("The backup {name} passed its check.").format(name=backup.name))
        if self.confirm_restore(backup):
            self.request_restore(backup)

    def confirm_restore(self, backup: Path) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Restore a backup"))
        box.setText(_(
            "Restore the backup {name}? Records entered after it was made will no longer be "
            "in the database. The current database is kept as a separate file. ReceptionDesk "
            "closes, restores the backup and starts again.").format(name=backup.name))
        yes = box.addButton(_("&Restore and restart"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes

    def request_restore(self, backup: Path) -> bool:
        from ...services.errors import ServiceError
        from ..app import request_restore

        try:
            return request_restore(self.window(), backup)
        except ServiceError as exc:  # only an administrator may restore
            show_error(self, exc)
            return False
