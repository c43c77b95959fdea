"""Signing in at start-up, changing a password, and locking the screen when idle.

:func:`run_login` asks for a user name and password when the database has
accounts (:func:`needs_login`), makes the user the process-wide acting user
(:func:`receptiondesk.services.accounts.sign_in`) and, when the account must
change its password (new, reset, recovered), asks for a new one first.

:class:`IdleLock` watches the keyboard and mouse of the whole application; after
``security/idle_minutes`` without input (default 10; 0: never) it shows a
password dialog over every window. Nothing underneath is closed: a half-typed
form is still there after unlocking.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ..db import Database
from ..i18n import _, pgettext
from ..model import User
from ..services import accounts, audit
from ..services.accounts import Actor
from ..services.errors import ServiceError
from .forms import ERROR_STYLE


def needs_login(db: Database) -> bool:
    """Whether the database has accounts (then the application asks who is there)."""
    with db.session() as s:
        return accounts.users_exist(s)


def _password() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class LoginDialog(QDialog):
    """User name and password; ``actor`` is set when accepted."""

    def __init__(self, db: Database, parent: QWidget | None = None,
                 username: str = "", locked: bool = False) -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.setObjectName("lock_dialog" if locked else "login_dialog")
        self.setWindowTitle(_("Screen locked") if locked else _("Sign in to ReceptionDesk"))
        self.intro = QLabel(
            _("The screen was locked after a while without use. {name}, enter your password "
              "to go on; nothing you typed is lost.").format(name=username) if locked else
            _("Enter your user name and password."))
        self.intro.setWordWrap(True)
        self.username = QLineEdit(username)
        self.username.setObjectName("login_username")
        self.username.setReadOnly(locked)
        self.password = _password()
        self.password.setObjectName("login_password")
        self.message = QLabel()
        self.message.setObjectName("login_message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.forgot = QLabel(_("Forgot the administrator password? On the PC that keeps the "
                               "database, run \u201creceptiondesk db reset-admin\u201d."))
        self.forgot.setWordWrap(True)
        self.forgot.setStyleSheet("color: #555;")
        form = QFormLayout()
        form.addRow(_("User name"), self.username)
        form.addRow(_("Password"), self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            _("Unlock") if locked else _("Sign in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Quit"))
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.forgot)
        layout.addWidget(self.buttons)
        self.forgot.setVisible(not locked)
        (self.password if username else self.username).setFocus()
        self.setMinimumWidth(420)

    def try_sign_in(self) -> None:
        self.message.clear()
        try:
            actor = accounts.sign_in_with_password(self.db, self.username.text(),
                                                   self.password.text())
        except ServiceError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        self.actor = actor
        self.accept()


class ChangePasswordDialog(QDialog):
    """The acting user changes their own password (forced after a reset)."""

    def __init__(self, db: Database, parent: QWidget | None = None,
                 forced: bool = False) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("change_password_dialog")
        self.setWindowTitle(_("Change your password"))
        note = QLabel(_("Your password was set by someone else: choose your own before going "
                        "on.") if forced else _("Choose a new password."))
        note.setWordWrap(True)
        self.old = _password()
        self.new = _password()
        self.again = _password()
        for name, edit in (("old_password", self.old), ("new_password", self.new),
                           ("new_again", self.again)):
            edit.setObjectName(name)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Current password"), self.old)
        form.addRow(_("New password"), self.new)
        form.addRow(_("New password again"), self.again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(pgettext("button", "Change"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.try_change)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def try_change(self) -> None:
        if self.new.text() != self.again.text():
            self.message.setText(_("The two new passwords differ."))
            return
        try:
            with self.db.session() as s:
                accounts.change_own_password(s, self.old.text(), self.new.text())
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        self.accept()


def run_login(db: Database, parent: QWidget | None = None) -> Actor | None:
    """Ask who is there; the signed-in user (also made the process-wide acting user), or
    None when the user quits. A password set by someone else must be changed first."""
    dialog = LoginDialog(db, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
        return None
    actor = accounts.sign_in(dialog.actor)
    if actor is not None and actor.must_change_password:
        change = ChangePasswordDialog(db, parent, forced=True)
        if change.exec() != QDialog.DialogCode.Accepted:
            accounts.sign_out()
            return None
        with db.session() as s:
            actor = accounts.sign_in(accounts.get_user(s, actor.id))
    if actor is not None and actor.may("accounts.manage"):
        with db.session() as s:
            missing = accounts.recovery_key_missing(s)
        if missing:  # a database from before recovery keys: told at each sign-in until issued
            tell_missing_key(parent)
    return actor


def tell_missing_key(parent: QWidget | None) -> None:
    """Tell an administrator that the database has no recovery key (tests replace this)."""
    QMessageBox.warning(parent, _("No recovery key"), accounts.missing_key_notice())


def ensure_signed_in(db: Database, parent: QWidget | None = None) -> bool:
    """At start-up: True when the application may go on with ``db`` — it has no accounts,
    or the signed-in user is one of its accounts, or someone signs in now."""
    with db.session() as s:
        if not accounts.users_exist(s):
            return True
        actor = accounts.current_user()
        if actor is not None and s.get(User, actor.id) is not None:
            return True
    accounts.sign_out()
    return run_login(db, parent) is not None


# --- locking the screen when idle ------------------------------------------------------------

_INPUT = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.ShortcutOverride,
})


class IdleLock(QObject):
    """Locks the application after ``minutes`` without keyboard or mouse input."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, db: Database, minutes: int | None = None,
                 interval_ms: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        if interval_ms is None:
            if minutes is None:
                with db.session() as s:
                    minutes = accounts.idle_minutes(s)
            interval_ms = minutes * 60_000
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.dialog: LoginDialog | None = None
        self.set_interval(interval_ms)
        QApplication.instance().installEventFilter(self)

    def set_interval(self, interval_ms: int) -> None:
        self.interval_ms = interval_ms
        self.timer.stop()
        if interval_ms > 0 and self.dialog is None:
            self.timer.start(interval_ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if self.dialog is None and event.type() in _INPUT and self.interval_ms > 0:
            self.timer.start(self.interval_ms)
        return False

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def lock(self) -> None:
        """Cover the application with the password dialog (the windows stay as they are)."""
        actor = accounts.current_user()
        if self.dialog is not None or actor is None:
            return
        self.timer.stop()
        with self.db.session() as s:
            audit.record(s, "screen_locked", "user", actor.id, None, {"username": actor.username})
        parent = QApplication.activeWindow()
        self.dialog = LoginDialog(self.db, parent, username=actor.username, locked=True)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.accepted.connect(self._unlocked)
        self.dialog.rejected.connect(self._quit)
        self.dialog.show()
        self.dialog.raise_()
        self.locked.emit()

    def _unlocked(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None and dialog.actor is not None:
            accounts.sign_in(dialog.actor)
            dialog.deleteLater()
        self.set_interval(self.interval_ms)
        self.unlocked.emit()

    def _quit(self) -> None:
        """Quit from the lock: the application closes (the data saved so far is kept)."""
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
        app = QApplication.instance()
        for window in app.topLevelWidgets():
            if window.objectName() == "main_window":
                window.close()
        app.quit()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
