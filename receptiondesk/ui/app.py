"""Starting the desktop application: one instance per database, the first-run
wizard, start-up failures shown in a dialog instead of vanishing. The whole start-up is
here; what the window and the wizard need of it lives below it (the office of a database
in :mod:`.context`, the preferences and the backup policy in :mod:`.preferences`), so
neither imports this module."""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

# Qt classes build their enums when first imported: the ones needed only after the window
# is shown (message boxes, progress, restarting) are imported where they are used.
from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

from ..i18n import _, current_language, set_language
from ..location import (  # noqa: F401 - ENV_CONFIG re-exported
    ENV_CONFIG,
    ENV_DB,
    resolve_url,
    sqlite_url,
    user_config_folder,
)
from .context import AppContext, open_context  # noqa: F401 - open_context re-exported
from .preferences import app_settings, backup_policy, config_dir  # noqa: F401 - re-exported
from .qt_translation import install_qt_translator

if TYPE_CHECKING:  # the database layer is imported after the window is on the screen
    from ..db import Database

def application(translated: bool = True) -> QApplication:
    """The application object; ``translated=False`` leaves Qt's own strings (and the
    non-native dialogs that show them) to :func:`install_qt_translator`, called by the
    start-up once the window is on the screen."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("ReceptionDesk")
        app.setOrganizationName("ReceptionDesk")
        app.setWindowIcon(application_icon())
    if translated:
        install_qt_translator(app)  # Qt's own buttons and dialogs in our languages
    return app  # type: ignore[return-value]


def application_icon() -> QIcon:
    """The icon of every window (the executables carry the same one in ``.ico`` form)."""
    from ..documents.fonts import resources_dir

    return QIcon(str(resources_dir() / "icons" / "receptiondesk.png"))


def instance_key(url: str) -> str:
    # a checksum, not a hash library: loaded before the window is painted
    return "receptiondesk-" + format(zlib.crc32(url.encode()), "08x")


class SingleInstance:
    """The first start listens on a local socket; a second start asks it to come forward."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.server: QLocalServer | None = None
        self.window: QWidget | None = None

    def another_is_running(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if socket.waitForConnected(300):
            socket.write(b"raise\n")
            socket.waitForBytesWritten(300)
            socket.disconnectFromServer()
            return True
        return False

    def listen(self) -> None:
        QLocalServer.removeServer(self.key)  # a stale socket left by a crash
        self.server = QLocalServer()
        self.server.newConnection.connect(self._bring_forward)
        self.server.listen(self.key)

    def _bring_forward(self) -> None:
        assert self.server is not None
        conn = self.server.nextPendingConnection()
        if conn is not None:
            conn.close()
        if self.window is not None:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()


def startup_error(message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_("ReceptionDesk cannot start"))
    box.setText(message)
    box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def run_gui(db_path: str | None = None, database_url: str | None = None,
            lang: str | None = None) -> int:
    app = application(translated=False)
    settings = app_settings()
    set_language(lang or str(settings.value("ui/language", current_language())))
    url = resolve_url(db_path, database_url)
    # the first run asks where to keep the data unless the database was named
    ask_location = not (db_path or database_url or os.environ.get(ENV_DB))
    single = SingleInstance(instance_key(url))
    if single.another_is_running():
        return 0
    single.listen()
    from ..files import remove_stale_temporary_folders

    remove_stale_temporary_folders()  # left by a run that ended at a shut-down or a crash
    from .main_window import MainWindow

    # The frame first: the user sees the window while the database layer loads and the
    # file is checked and opened (dialogs for a damaged file or for signing in come on top).
    window = MainWindow(None, settings)
    window.show()
    app.processEvents()
    install_qt_translator(app)  # before any dialog of the checks or the sign-in
    crash_notice = CrashNotice(window)  # noqa: F841 - lives as the window's child
    single.window = window
    opened = open_office(url, settings, single, ask_location=ask_location)
    if isinstance(opened, int):  # the user quit, or the database cannot be used
        window.hide()
        window.deleteLater()
        return opened
    ctx, complete, single = opened
    single.window = window
    window.attach(ctx)
    from .login import IdleLock

    idle_lock = IdleLock(ctx.db, parent=window)  # noqa: F841 - lives as the window's child
    auto = AutoBackup(ctx, settings, window, full_check=not complete)
    auto.start()
    code = app.exec()
    auto.stop()
    restore = take_restore_request()
    if restore is None:
        backup_at_exit(ctx.db, settings)
    from .worker import wait_for_background

    wait_for_background(-1)  # a daily backup or a check still running ends first
    ctx.db.close()
    from ..services import key_custody

    key_custody.forget()  # the office's keys leave this process's keyring with the window
    if restore is not None and ctx.db.path is not None:
        restore_and_restart(ctx.db.path, restore, single)
    return code


def open_office(url: str, settings: QSettings, single: SingleInstance,
                ask_location: bool = False) -> tuple[AppContext, bool, SingleInstance] | int:
    """Check and open the database, sign in, and find its office (the first-run wizard when
    there is none): the office, whether the start-up check was complete, and the instance
    guard of the file opened. An exit code instead when the user quits (0) or the database
    cannot be used (1, after the reason was shown)."""
    checked, complete = check_before_open(url, settings)
    if checked is None:
        return 1
    if checked != url:  # the user chose another file: one instance per file
        url = checked
        single = SingleInstance(instance_key(url))
        if single.another_is_running():
            return 0
        single.listen()
    from ..db import DatabaseError
    from ..services.database import open_database

    try:
        db = open_database(None, url)
    except DatabaseError as exc:
        startup_error(str(exc))
        return 1
    from .login import ensure_signed_in

    if not ensure_signed_in(db):  # a database with accounts: who is there?
        db.close()
        return 0
    ctx = open_context(db)
    if ctx is None:
        from .first_run import run_first_run

        db, ctx = run_first_run(db, settings, ask_location=ask_location)
        if ctx is None:
            db.close()
            return 0
        if ctx.db.url != url:  # the data folder chosen: one instance per file still
            if single.server is not None:
                single.server.close()
            single = SingleInstance(instance_key(ctx.db.url))
            if single.another_is_running():
                ctx.db.close()
                return 0
            single.listen()
        if not ensure_signed_in(ctx.db):
            return 0
    return ctx, complete, single


# --- start-up checks and backups (issue 6) -----------------------------------------------


def check_before_open(url: str, settings: QSettings) -> tuple[str | None, bool]:
    """The start-up checks of a SQLite file, with the dialog while one fails.

    Returns the URL to open (another file if the user chose one; None to quit) and whether
    the quick check read the whole file (else the full check follows in the background)."""
    from ..services.startup import sqlite_file_of
    from .startup_dialog import resolve_startup_problems

    path = sqlite_file_of(url)
    if path is None:
        return url, True
    resolved = resolve_startup_problems(path, backup_policy(settings).folder)
    if resolved is None:
        return None, True
    chosen, complete = resolved
    return (url if chosen == path else sqlite_url(chosen)), complete


class AutoBackup(QObject):
    """The daily backup: at start when none was made today, then checked every hour; made
    off the GUI thread. After a start-up check that could not read a large file to the end,
    the full check runs in the background too."""

    INTERVAL_MS = 60 * 60 * 1000

    def __init__(self, ctx: AppContext, settings: QSettings, parent: QWidget | None = None,
                 full_check: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings
        self.parent_widget = parent
        self.full_check = full_check
        self.running = False
        self.warned = False
        self.folder_work = None  # made at the first look
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        if self.ctx.db.path is None:
            return  # PostgreSQL: backed up by its own tools
        self.timer.start()
        QTimer.singleShot(0, self.tick)
        if self.full_check:
            self._check_in_background()

    def stop(self) -> None:
        self.timer.stop()

    def tick(self) -> bool:
        """Look whether the daily backup is due and make it then, both off the GUI thread;
        True when the look was started (False while the last one runs).

        The look lists the backup folder: a USB stick pulled out or a mapped drive whose
        server is gone can hold it for a minute, so after a few seconds without an answer
        the user reads which folder did not answer, and the window goes on."""
        from datetime import date

        from .folder_work import FolderWork

        db = self.ctx.db
        if self.running or db.path is None:
            return False
        policy = backup_policy(self.settings)
        self.running = True
        if self.folder_work is None:
            self.folder_work = FolderWork(self)
        today = date.today()
        self.folder_work.run(policy.folder, lambda: policy.due(db.path, today),
                             lambda due: self._looked(policy, due), self._failed,
                             self._folder_silent)
        return True

    def _looked(self, policy, due: bool) -> None:
        if not due:
            self.running = False
            return
        from .worker import run_in_background

        db = self.ctx.db
        run_in_background(lambda: policy.make(db, "daily"), self._done, self._failed)

    def _folder_silent(self, message: str) -> None:
        # the look still runs; a late answer starts the backup then
        self.ctx.signals.status_message.emit(message)
        if not self.warned:  # once per session
            self.warned = True
            _warn(self.parent_widget, message)

    def _done(self, path: Path) -> None:
        self.running = False
        self.ctx.signals.status_message.emit(
            _("Daily backup made: {path}").format(path=path))

    def _failed(self, exc: Exception) -> None:
        self.running = False
        message = _("The daily backup could not be made: {reason}").format(reason=exc)
        self.ctx.signals.status_message.emit(message)
        if not self.warned:  # once per session; the next hour tries again quietly
            self.warned = True
            _warn(self.parent_widget, message)

    def _check_in_background(self) -> None:
        from ..db import integrity_problems
        from .worker import run_in_background

        engine = self.ctx.db.engine
        run_in_background(lambda: integrity_problems(engine, quick=True), self._checked,
                          lambda _exc: None)

    def _checked(self, problems: list[str]) -> None:
        if problems:
            _warn(self.parent_widget, _(
                "The database file has damage: {problems}. Make no more changes; restore "
                "the latest good backup in Settings, Backups."
            ).format(problems="; ".join(problems[:5])))


class CrashNotice(QObject):
    """Uncaught errors (of any thread, or of a Qt slot) go to the log, and the user reads a
    message naming it instead of the window vanishing or silently doing nothing."""

    #: emitted from whichever thread failed; this object lives in the GUI thread, so the
    #: message box is shown there
    message = Signal(str)

    def __init__(self, window: QWidget) -> None:
        from .. import crashlog

        super().__init__(window)
        self.window = window
        self.message.connect(self._show)
        crashlog.install(self.message.emit)

    def _show(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(_("ReceptionDesk"))
        box.setText(message)
        box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
        box.exec()


def _warn(parent: QWidget | None, message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("ReceptionDesk"))
    box.setText(message)
    box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def backup_at_exit(db: Database, settings: QSettings) -> Path | None:
    """After the window closed: back up the database if it changed since its last backup,
    off the GUI thread, with a progress window if it takes more than a moment."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QProgressDialog

    from ..services.backups import make_backup_if_changed
    from .worker import run_in_background

    if db.path is None:
        return None
    policy = backup_policy(settings)
    # Whether anything changed since the last backup, asked of the folder with a timeout
    # first: a USB stick pulled out must not hold the closing program for minutes.
    from ..services.backups import changed_since_last_backup
    from .folder_work import wait_for_answer

    path = db.path
    kind, answer = wait_for_answer(QApplication.instance(), policy.folder,
                                   lambda: changed_since_last_backup(path, policy.folder))
    if kind == "timeout":
        _warn(None, answer + " " + _("No backup was made at exit."))
        return None
    if kind == "done" and not answer:
        return None  # nothing changed since the newest backup
    progress = QProgressDialog(_("Backing up the database before closing…"), "", 0, 0)
    progress.setWindowTitle(_("ReceptionDesk"))
    progress.setCancelButton(None)
    progress.setMinimumDuration(700)
    progress.setValue(0)
    loop = QEventLoop()
    result: dict[str, object] = {}

    def done(path: Path) -> None:
        result["path"] = path
        loop.quit()

    def failed(exc: Exception) -> None:
        result["error"] = exc
        loop.quit()

    # (waits for a daily backup being made, then skips if nothing changed since)
    run_in_background(lambda: make_backup_if_changed(db, policy.folder, "exit",
                                                     keep=policy.keep), done, failed)
    if not result:
        loop.exec()
    progress.close()
    progress.deleteLater()
    if "error" in result:
        _warn(None, _("The backup at exit could not be made: {reason}").format(
            reason=result["error"]))
        return None
    return result.get("path")  # type: ignore[return-value]


#: A backup to restore once the window has closed (Settings, Backups, "Restore…").
_restore_request: Path | None = None


def request_restore(window: QWidget, backup: Path) -> bool:
    """Close the window; once closed, the backup is restored and the application restarts.

    False (and nothing done) when the window refused to close (a form still open)."""
    global _restore_request
    from ..services.backups import authorise_restore

    context = getattr(window, "ctx", None)
    if context is not None and context.db.path is not None:
        authorise_restore(context.db.path)  # PermissionDenied: shown by the caller
    _restore_request = Path(backup)
    if not window.close():
        _restore_request = None
        return False
    return True


def take_restore_request() -> Path | None:
    global _restore_request
    request, _restore_request = _restore_request, None
    return request


def restore_and_restart(db_path: Path, backup: Path, single: SingleInstance) -> bool:
    """With the database closed: restore the backup (the current file kept aside), then
    start the application again on the restored file."""
    from ..db import DatabaseError
    from ..services.backups import record_restore, restore_backup

    try:
        aside = restore_backup(db_path, backup)
        record_restore(db_path, backup, aside)
    except DatabaseError as exc:
        _warn(None, str(exc))
        aside = None
    else:
        if aside is not None:
            _warn(None, _("The backup {name} was restored. The previous database was kept as "
                          "{aside}. ReceptionDesk starts again now.").format(
                name=backup.name, aside=aside))
    if single.server is not None:
        single.server.close()  # the new instance must not find this one running
    return restart_application()


def restart_application() -> bool:
    from PySide6.QtCore import QProcess

    if getattr(sys, "frozen", False):  # the PyInstaller build
        program, args = sys.executable, sys.argv[1:]
    else:
        program = sys.executable
        args = ["-c", "import sys; from receptiondesk.cli import main; sys.exit(main())",
                *sys.argv[1:]]
    started = QProcess.startDetached(program, args)
    return bool(started[0] if isinstance(started, tuple) else started)
