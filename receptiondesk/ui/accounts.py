"""The accounts page: the administrator's list of user accounts (new, edit, set a
password, close), the idle time before the screen locks; anyone may change their own
password here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..i18n import N_, _, format_datetime
from ..services import accounts
from ..services.accounts import UserInput
from ..services.errors import ServiceError, ValidationError
from ..services.record_kinds import RecordKind
from ..services.units import list_officials
from .context import AppContext
from .forms import ERROR_STYLE, RecordDialog, check, combo, line, open_on_enter, show_error
from .login import ChangePasswordDialog
from .page import Page
from .paged import Column, PagedTableModel, Row

COLUMNS = (
    Column(N_("User name")),
    Column(N_("Full name")),
    Column(N_("Role")),
    Column(N_("Official")),  # the official the account is linked to
    Column(N_("In use")),
    Column(N_("Last sign-in")),
)


def user_row(u) -> Row:
    return Row(u.id, [u.username, u.full_name, accounts.role_label(u.role),
                      u.official.full_name if u.official is not None else "—",
                      _("Yes") if u.active else _("No"), format_datetime(u.last_login_at)],
               None if u.active else "muted")


class AccountDialog(RecordDialog):
    """A new account (with its first password) or the change of one."""

    def __init__(self, ctx: AppContext, user_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, _("User account"))
        self.ctx = ctx
        self.user_id = user_id
        self.setObjectName("account_dialog")
        with ctx.db.session() as s:
            user = accounts.get_user(s, user_id) if user_id else None
            officials = [(o.id, o.full_name) for o in list_officials(s, None)]
        self.loaded_version = user.version if user else None
        self.username = line(user.username if user else "")
        self.full_name = line(user.full_name if user else "")
        self.role = combo(accounts.role_choices(), user.role if user else accounts.CLERK)
        self.official = combo(officials, user.official_id if user else None, blank="—")
        self.active = check(_("The account may sign in"), user.active if user else True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for name, widget in (("username", self.username), ("full_name", self.full_name),
                             ("role", self.role), ("official_id", self.official)):
            widget.setObjectName(f"account_{name}")
        self.form.addRow(_("User name"), self.username)
        self.errors.bind("username", self.username)
        self.form.addRow(_("Full name"), self.full_name)
        self.errors.bind("full_name", self.full_name)
        self.form.addRow(_("Role"), self.role)
        self.errors.bind("role", self.role)
        self.official.setToolTip(_("The official this person is: forms fill in the recorder "
                                   "and the handling official with them."))
        self.form.addRow(_("Official"), self.official)
        self.errors.bind("official_id", self.official)
        self.form.addRow("", self.active)
        if user is None:
            self.password.setObjectName("account_password")
            self.form.addRow(_("First password"), self.password)
            self.errors.bind("password", self.password)
        self.watch(self.username, self.full_name, self.role, self.official, self.active,
                   self.password)
        # the official chosen names a new account whose full name is not typed yet
        self.official.currentIndexChanged.connect(lambda _i: self._name_from_official())

    def _name_from_official(self) -> None:
        if self.user_id is None and not self.full_name.text().strip() and \
                self.official.currentData():
            self.full_name.setText(self.official.currentText())

    def data(self) -> UserInput:
        return UserInput(self.username.text(), self.full_name.text(),
                         self.role.currentData() or "", self.official.currentData(),
                         self.active.isChecked())

    #: the office's recovery key, issued with the first administrator (shown once)
    recovery_key: str | None = None

    def save(self) -> str | None:
        with self.ctx.db.session(write=True) as s:
            if self.user_id is None:
                user_id = accounts.create_user(s, self.data(), self.password.text()).id
                # a first administrator comes with the office's recovery key (shown once)
                self.recovery_key = accounts.take_issued_recovery_key(s)
                return user_id
            return accounts.update_user(s, self.user_id, self.data(),
                                        expected_version=self.loaded_version).id


class RecoveryKeyDialog(QDialog):
    """The office's recovery key, shown once, with its one-page sheet to print."""

    def __init__(self, ctx: AppContext, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recovery_key_dialog")
        self.setWindowTitle(_("Recovery key"))
        self.ctx, self.key = ctx, key
        self.sheet: Path | None = None
        note = QLabel(_("This is the office's recovery key. It is shown only now: print the "
                        "recovery sheet and keep it in the office safe. It is needed to "
                        "recover a forgotten administrator password."))
        note.setWordWrap(True)
        self.key_label = QLabel(key)
        self.key_label.setObjectName("recovery_key")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet("font-family: monospace; font-size: 18pt;")
        self.print_button = QPushButton(_("&Print the recovery sheet\u2026"))
        self.print_button.clicked.connect(self.print_sheet)
        close = QPushButton(_("I have kept it"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.key_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.open_url = QDesktopServices.openUrl

    def print_sheet(self) -> Path:
        """Write the sheet to this run's private folder and open it to print."""
        from datetime import date

        from ..documents.recovery_sheet import write_recovery_sheet
        from ..services.attachments import private_path
        from ..services.units import home_unit

        with self.ctx.db.session() as s:
            home = home_unit(s)
            office = home.name if home is not None else ""
        self.sheet = write_recovery_sheet(private_path("recovery-key.pdf"), office, self.key,
                                          date.today())
        self.open_url(QUrl.fromLocalFile(str(self.sheet)))
        return self.sheet

    def reopened(self) -> RecordDialog | None:
        return AccountDialog(self.ctx, self.user_id, self.parentWidget()) \
            if self.user_id else None


class SetPasswordDialog(RecordDialog):
    """The administrator sets someone's password; they must change it at next sign-in."""

    def __init__(self, ctx: AppContext, user_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, _("Set a password"))
        self.ctx = ctx
        self.user_id = user_id
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setObjectName("set_password")
        self.form.addRow(_("New password"), self.password)
        self.errors.bind("password", self.password)
        self.watch(self.password)

    def save(self) -> str | None:
        with self.ctx.db.session(write=True) as s:
            return accounts.set_password(s, self.user_id, self.password.text()).id


class AccountsPage(Page):
    name = "accounts"
    title = N_("Accounts")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.who = QLabel()
        self.who.setObjectName("signed_in_as")
        self.change_own = QPushButton()
        self.change_own.clicked.connect(self.change_own_password)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #555;")
        self.new_button, self.edit_button = QPushButton(), QPushButton()
        self.password_button, self.close_button = QPushButton(), QPushButton()
        self.key_button = QPushButton()
        self.key_button.setObjectName("issue_recovery_key")
        self.key_button.clicked.connect(self.issue_recovery_key)
        self.new_button.setObjectName("account_new")
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_current)
        self.password_button.clicked.connect(self.set_password)
        self.close_button.clicked.connect(self.close_current)
        self.model = PagedTableModel(COLUMNS, self._fetch, self)
        self.table = QTableView()
        self.table.setObjectName("accounts_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # each column as wide as its heading and cells, the names sharing what is left
        # (equal widths cut "Lần đăng nhập gần nhất" at 1024 px)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for col in (1, 3):  # the account's full name, its official
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        open_on_enter(self.table, self.edit_current)
        self.idle_label = QLabel()
        self.idle = QSpinBox()
        self.idle.setObjectName("idle_minutes")
        self.idle.setRange(0, accounts.MAX_IDLE_MINUTES)
        self.idle_save = QPushButton()
        self.idle_save.clicked.connect(self.save_idle)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        top = QHBoxLayout()
        top.addWidget(self.who, 1)
        top.addWidget(self.change_own)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.password_button, self.close_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.key_button)
        idle = QHBoxLayout()
        idle.addWidget(self.idle_label)
        idle.addWidget(self.idle)
        idle.addWidget(self.idle_save)
        idle.addStretch(1)
        self.manage = QWidget()
        manage = QVBoxLayout(self.manage)
        manage.setContentsMargins(0, 0, 0, 0)
        manage.addLayout(buttons)
        manage.addWidget(self.table, 1)
        manage.addLayout(idle)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.manage, 1)
        layout.addWidget(self.message)
        self.retranslate()
        self.refresh()

    def may_manage(self) -> bool:
        actor = accounts.current_user()
        if actor is None:  # no account yet: whoever runs it sets up the first one
            with self.ctx.db.session() as s:
                return not accounts.users_exist(s)
        return actor.may("accounts.manage")

    def retranslate(self) -> None:
        actor = accounts.current_user()
        self.who.setText(_("Signed in as {user}").format(
            user=f"{actor.full_name} ({actor.username}, {actor.role_label})") if actor
            else _("Nobody is signed in: this database has no accounts yet. Make the first "
                   "one, an administrator's, to require signing in."))
        self.change_own.setText(_("Change my password…"))
        self.change_own.setVisible(actor is not None)
        self.notice.setText(_("Only an administrator manages the accounts."))
        self.new_button.setText(_("New account…"))
        self.edit_button.setText(_("Edit…"))
        self.password_button.setText(_("Set password…"))
        self.close_button.setText(_("Close account"))
        self.key_button.setText(_("Issue a recovery key\u2026"))
        self.key_button.setToolTip(_("A new recovery key for the administrators' passwords, "
                                     "shown once with its sheet to print; the old key stops "
                                     "working."))
        self.idle_label.setText(_("Lock the screen after this many minutes without use "
                                  "(0: never):"))
        self.idle_save.setText(_("Save"))
        self.model.retranslate()

    def refresh(self) -> None:
        allowed = self.may_manage()
        self.manage.setVisible(allowed)
        self.notice.setVisible(not allowed)
        if allowed:
            with self.ctx.db.session() as s:
                self.idle.setValue(accounts.idle_minutes(s))
            self.model.reload()
        self.retranslate()

    def activate(self) -> None:
        self.refresh()

    def _fetch(self, offset: int, limit: int, _sort, _desc) -> list[Row]:
        with self.ctx.db.session() as s:
            return [user_row(u) for u in accounts.list_users(s)[offset:offset + limit]]

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Show a modal dialog; True when saved (tests replace this to drive it)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def new_record(self) -> None:
        dialog = AccountDialog(self.ctx, None, self)
        if self.exec_dialog(dialog):
            self._done(_("The account was saved."))
            if dialog.recovery_key:
                self.show_recovery_key(RecoveryKeyDialog(self.ctx, dialog.recovery_key, self))

    def issue_recovery_key(self) -> str | None:
        """Issue a new recovery key (administrators) and show it once with its sheet."""
        try:
            with self.ctx.db.session(write=True) as s:
                key = accounts.issue_recovery_key(s)
        except ServiceError as exc:
            self.message.setText(str(exc))
            return None
        self._done(_("A new recovery key was issued; the old one no longer works."))
        self.show_recovery_key(RecoveryKeyDialog(self.ctx, key, self))
        return key

    def show_recovery_key(self, dialog: QDialog) -> None:
        """Show the recovery key once (tests replace this to look at it)."""
        dialog.exec()

    def edit_current(self) -> None:
        user_id = self.current_id()
        if user_id and self.exec_dialog(AccountDialog(self.ctx, user_id, self)):
            self._done(_("The account was saved."))

    def set_password(self) -> None:
        user_id = self.current_id()
        if user_id and self.exec_dialog(SetPasswordDialog(self.ctx, user_id, self)):
            self._done(_("The password was set; it must be changed at the next sign-in."))

    def close_current(self) -> None:
        user_id = self.current_id()
        if not user_id:
            return
        try:
            with self.ctx.db.session() as s:
                accounts.deactivate(s, user_id)
        except ServiceError as exc:
            show_error(self, exc)
            return
        self._done(_("The account was closed."))

    def save_idle(self) -> None:
        self.message.clear()
        try:
            with self.ctx.db.session() as s:
                accounts.set_idle_minutes(s, self.idle.value())
        except ValidationError as exc:
            self.message.setText(str(exc))
            return
        except ServiceError as exc:
            show_error(self, exc)
            return
        self.ctx.signals.data_changed.emit(RecordKind.SETTINGS)
        self.ctx.signals.status_message.emit(_("Saved."))

    def change_own_password(self) -> None:
        if self.exec_dialog(ChangePasswordDialog(self.ctx.db, self)):
            self.ctx.signals.status_message.emit(_("Your password was changed."))

    def _done(self, message: str) -> None:
        self.model.reload()
        self.ctx.signals.data_changed.emit(RecordKind.ACCOUNTS)
        self.ctx.signals.status_message.emit(message)
