"""Starting the desktop application: one instance per database, the first-run
wizard, start-up failures shown in a dialog instead of vanishing."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ..db import Database, DatabaseError, open_database, resolve_url
from ..i18n import _, current_language, set_language
from .context import AppContext

ENV_CONFIG = "RECEPTIONDESK_CONFIG_DIR"


def config_dir() -> Path:
    """Where window state and preferences live ($RECEPTIONDESK_CONFIG_DIR for tests)."""
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG])
    from platformdirs import user_config_dir

    return Path(user_config_dir("ReceptionDesk", appauthor=False))


def app_settings() -> QSettings:
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "receptiondesk.ini"), QSettings.Format.IniFormat)


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("ReceptionDesk")
        app.setOrganizationName("ReceptionDesk")
    return app  # type: ignore[return-value]


def instance_key(url: str) -> str:
    return "receptiondesk-" + hashlib.sha1(url.encode()).hexdigest()[:16]


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
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_("ReceptionDesk cannot start"))
    box.setText(message)
    box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def open_context(db: Database) -> AppContext | None:
    """The office this database is kept for; None when the first run has not happened."""
    from ..services.units import home_unit

    with db.session() as s:
        unit = home_unit(s)
        return AppContext(db, unit.id) if unit else None


def run_gui(db_path: str | None = None, database_url: str | None = None,
            lang: str | None = None) -> int:
    app = application()
    settings = app_settings()
    set_language(lang or str(settings.value("ui/language", current_language())))
    url = resolve_url(db_path, database_url)
    single = SingleInstance(instance_key(url))
    if single.another_is_running():
        return 0
    single.listen()
    try:
        db = open_database(db_path, database_url)
    except DatabaseError as exc:
        startup_error(str(exc))
        return 1
    ctx = open_context(db)
    if ctx is None:
        from .first_run import run_first_run

        db, ctx = run_first_run(db, settings)
        if ctx is None:
            return 0
    from .main_window import MainWindow

    window = MainWindow(ctx, settings)
    single.window = window
    window.show()
    code = app.exec()
    ctx.db.close()
    return code
