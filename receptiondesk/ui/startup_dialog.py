"""What the user sees when the database file fails the start-up checks
(:mod:`receptiondesk.services.startup`): the problem in plain words and the ways out —
restore the latest good backup (the damaged file is kept aside), restore a backup file
chosen by hand, open another database file, try again (a USB drive plugged in, space
freed), or quit. Never a crash, never a write to the damaged file.

The dialog can be driven without ``exec()`` (tests): :meth:`StartupDialog.restore_latest`,
:meth:`~StartupDialog.restore_file`, :meth:`~StartupDialog.open_another`,
:meth:`~StartupDialog.retry` and :meth:`~StartupDialog.quit`; the choice is in
:attr:`~StartupDialog.outcome`. The slow work (checking backups, restoring a province-size
file) runs off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ..i18n import N_, _, format_datetime
from ..services.backups import (
    BackupInfo,
    check_backup,
    list_backups,
    record_restore,
    restore_backup,
)
from ..services.startup import StartupProblem, inspect_database_file
from .folder_work import FolderWork
from .worker import run_in_background

HEADLINES = {
    "damaged": N_("The database file is damaged"),
    "unreadable": N_("The database file cannot be read"),
    "newer": N_("The database comes from a newer version of ReceptionDesk"),
    "disk_full": N_("The disk is full"),
    "read_only": N_("The database cannot be saved in its folder"),
    "missing_folder": N_("The database folder cannot be found"),
    "network": N_("The database is on a network folder"),
}
#: Problems a backup can cure (the file itself is bad); the others are cured by waiting.
RESTORABLE = frozenset({"damaged", "unreadable"})
RETRYABLE = frozenset({"disk_full", "read_only", "missing_folder", "unreadable"})
DATABASE_FILTER = N_("ReceptionDesk databases (*.db);;All files (*)")


class StartupDialog(QDialog):
    RESTORED, OTHER, RETRY, QUIT = "restored", "other", "retry", "quit"

    def __init__(self, problem: StartupProblem, backup_dir: Path,
                 parent: QWidget | None = None, *, search: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("startup_dialog")
        self.setWindowTitle(_("ReceptionDesk cannot open the database"))
        self.problem = problem
        self.backup_dir = Path(backup_dir)
        self.outcome: str | None = None
        self.chosen_path: Path | None = None  # "open another database file"
        self.restored_from: Path | None = None
        self.aside_path: Path | None = None  # where the damaged file was kept
        self.backup: BackupInfo | None = None  # the latest good backup, once found
        self.searching = False
        self.folder_silent = ""  # the backup folder did not answer: why, for the user
        self.folder_work = FolderWork(self)
        self.busy = False

        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.headline = QLabel(_(HEADLINES.get(problem.kind, HEADLINES["damaged"])))
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.headline.setFont(font)
        self.message = QLabel(problem.message)
        self.message.setObjectName("startup_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel(_("SQLite reported: {details}").format(details=problem.details)
                              if problem.details else "")
        self.details.setWordWrap(True)
        self.details.setVisible(bool(problem.details))
        self.details.setStyleSheet("color: #555555;")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.backup_label = QLabel()
        self.backup_label.setObjectName("startup_backup")
        self.backup_label.setWordWrap(True)
        self.restore_button = QPushButton(_("&Restore the latest good backup"))
        self.restore_button.setObjectName("startup_restore")
        self.restore_button.clicked.connect(self.restore_latest)
        self.restore_file_button = QPushButton(_("Restore a backup &file…"))
        self.restore_file_button.setObjectName("startup_restore_file")
        self.restore_file_button.clicked.connect(lambda: self.restore_file())
        self.backup_group = QGroupBox(_("Backups"))
        group = QVBoxLayout(self.backup_group)
        group.addWidget(self.backup_label)
        row = QHBoxLayout()
        row.addWidget(self.restore_button)
        row.addWidget(self.restore_file_button)
        row.addStretch(1)
        group.addLayout(row)
        self.backup_group.setVisible(problem.kind in RESTORABLE)

        self.status = QLabel()
        self.status.setObjectName("startup_status")
        self.status.setWordWrap(True)
        self.open_button = QPushButton(_("&Open another database file…"))
        self.open_button.setObjectName("startup_open")
        self.open_button.clicked.connect(lambda: self.open_another())
        self.retry_button = QPushButton(_("&Try again"))
        self.retry_button.setObjectName("startup_retry")
        self.retry_button.clicked.connect(self.retry)
        self.retry_button.setVisible(problem.kind in RETRYABLE)
        self.quit_button = QPushButton(_("&Quit"))
        self.quit_button.setObjectName("startup_quit")
        self.quit_button.clicked.connect(self.quit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)

        text = QVBoxLayout()
        text.addWidget(self.headline)
        text.addWidget(self.message)
        text.addWidget(self.details)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.backup_group)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.setMinimumWidth(620)
        self._show_backup()
        if search and problem.kind in RESTORABLE:
            self.find_backup()

    # --- the latest good backup ------------------------------------------------

    def find_backup(self) -> None:
        """Look for the newest backup of this database that passes its check (off the GUI
        thread: each check reads the whole backup)."""
        self.searching = True
        self.folder_silent = ""
        self._show_backup()
        folder, database = self.backup_dir, self.problem.path
        # the listing first, with a timeout (a USB stick pulled out, a mapped drive gone);
        # then the checks, which read whole files and may take long on their own
        self.folder_work.run(folder, lambda: list_backups(folder, database), self._listed,
                             self._search_failed, self._silent)

    def _listed(self, backups: list[BackupInfo]) -> None:
        if not shiboken6.isValid(self):
            return
        self.folder_silent = ""
        self._show_backup()

        def first_good() -> BackupInfo | None:
            return next((info for info in backups if not check_backup(info.path)), None)

        run_in_background(first_good, self._found, self._search_failed)

    def _silent(self, message: str) -> None:
        self.folder_silent = message
        self._show_backup()

    def _found(self, info: BackupInfo | None) -> None:
        if not shiboken6.isValid(self):
            return
        self.searching = False
        self.backup = info
        self._show_backup()

    def _search_failed(self, exc: Exception) -> None:
        self._found(None)

    def _show_backup(self) -> None:
        if self.searching and self.folder_silent:
            text = self.folder_silent
        elif self.searching:
            text = _("Looking for the latest good backup in {folder}…").format(
                folder=self.backup_dir)
        elif self.backup is not None:
            text = _("Latest good backup: {name}, made {when} ({size}). Restoring it brings "
                     "back the records as they were then; the damaged file is kept aside, "
                     "not deleted.").format(name=self.backup.path.name,
                                            when=format_datetime(self.backup.time),
                                            size=self.backup.size_text)
        else:
            text = _("No good backup of this database was found in {folder}. If the backups "
                     "are on a USB drive, plug it in and choose the file with \u201cRestore a "
                     "backup file\u201d.").format(folder=self.backup_dir)
        self.backup_label.setText(text)
        self._enable()

    def _enable(self) -> None:
        idle = not self.busy
        self.restore_button.setEnabled(idle and not self.searching and self.backup is not None)
        for button in (self.restore_file_button, self.open_button, self.retry_button,
                       self.quit_button):
            button.setEnabled(idle)

    # --- the ways out ----------------------------------------------------------

    def restore_latest(self) -> bool:
        if self.backup is None or self.busy:
            return False
        self._restore(self.backup.path)
        return True

    def restore_file(self, path: str | Path | None = None) -> bool:
        """Restore a backup file chosen by hand (asked with a file dialog when not given)."""
        if self.busy:
            return False
        if path is None:
            path = self._ask_file(_("Choose the backup to restore"), self.backup_dir)
            if path is None:
                return False
        self._restore(Path(path))
        return True

    def _restore(self, backup: Path) -> None:
        self.busy = True
        self._enable()
        self.status.setText(_("Checking the backup and restoring it… This can take a while "
                              "for a large database."))
        target = self.problem.path
        def restore() -> Path | None:
            aside = restore_backup(target, backup)
            record_restore(target, backup, aside)
            return aside

        run_in_background(restore, lambda aside: self._restored(backup, aside),
                          self._restore_failed)

    def _restored(self, backup: Path, aside: Path | None) -> None:
        if not shiboken6.isValid(self):
            return
        self.busy = False
        self.restored_from = backup
        self.aside_path = aside
        self.outcome = self.RESTORED
        self.accept()

    def _restore_failed(self, exc: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self.busy = False
        self.status.setText(str(exc))
        self._enable()

    def restored_message(self) -> str:
        if self.restored_from is None:
            return ""
        if self.aside_path is None:
            return _("The backup {name} was restored.").format(name=self.restored_from.name)
        return _("The backup {name} was restored. The file that could not be opened was kept "
                 "as {aside}.").format(name=self.restored_from.name, aside=self.aside_path)

    def open_another(self, path: str | Path | None = None) -> bool:
        """Open another database file instead (asked with a file dialog when not given)."""
        if self.busy:
            return False
        if path is None:
            path = self._ask_file(_("Open a database file"), self.problem.path.parent)
            if path is None:
                return False
        self.chosen_path = Path(path)
        self.outcome = self.OTHER
        self.accept()
        return True

    def retry(self) -> None:
        if not self.busy:
            self.outcome = self.RETRY
            self.accept()

    def quit(self) -> None:
        if not self.busy:
            self.outcome = self.QUIT
            super().reject()

    def reject(self) -> None:  # Esc and the window's close button
        self.quit()

    def _ask_file(self, title: str, folder: Path) -> Path | None:
        name, _filter = QFileDialog.getOpenFileName(
            self, title, str(folder), _(DATABASE_FILTER),
            options=QFileDialog.Option.DontUseNativeDialog)
        return Path(name) if name else None


def _run(dialog: StartupDialog) -> None:
    dialog.exec()


def _notify(message: str) -> None:
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(_("ReceptionDesk"))
    box.setText(message)
    box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def resolve_startup_problems(
    path: Path,
    backup_dir: Path,
    *,
    run: Callable[[StartupDialog], object] = _run,
    notify: Callable[[str], object] = _notify,
) -> tuple[Path, bool] | None:
    """Check ``path``; while a check fails, show the dialog and follow the user's choice.

    Returns the database file to open (``path``, or another one the user chose) and
    whether its quick check could read the whole file in its time; None when the user
    quits. ``run`` shows a dialog (``exec()`` by default; tests drive it).
    """
    while True:
        checked = inspect_database_file(path)
        problem = checked.problem
        if problem is None:
            return path, checked.complete
        dialog = StartupDialog(problem, backup_dir)
        try:
            run(dialog)
            outcome, chosen = dialog.outcome, dialog.chosen_path
            message = dialog.restored_message()
        finally:
            dialog.deleteLater()
        if outcome == StartupDialog.RESTORED:
            notify(message)
        elif outcome == StartupDialog.OTHER and chosen is not None:
            path = chosen
        elif outcome != StartupDialog.RETRY:
            return None
