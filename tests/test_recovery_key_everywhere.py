"""Every way to make the first administrator issues the office's recovery key, kept only
as a hash and shown once; a database with accounts but no key (made before keys existed)
is named by ``db check`` and told to every administrator who signs in, in their language
(issue 16, item 1)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date

import pytest
from PySide6.QtWidgets import QDialog

from receptiondesk.cli import main
from receptiondesk.services import accounts, units
from receptiondesk.services.accounts import (
    ADMINISTRATOR,
    CLERK,
    UserInput,
    acting_as,
    create_user,
)

NOTICE_EN = "This database has no recovery key"
NOTICE_VI = "Cơ sở dữ liệu này chưa có khóa khôi phục"


def test_the_first_administrator_comes_with_a_key_kept_only_as_its_hash(session, unit):
    admin = create_user(session, UserInput("quantri", "Quản trị", ADMINISTRATOR), "a password!")
    key = accounts.take_issued_recovery_key(session)
    assert key and len(key.replace("-", "")) == 24
    assert accounts.take_issued_recovery_key(session) is None  # handed out once
    assert accounts.has_recovery_key(session)
    from receptiondesk.services.reference import get_setting

    stored = get_setting(session, accounts.RECOVERY_KEY_SETTING)
    assert key.replace("-", "") not in str(stored) and stored["hash"].startswith("$argon2")
    with acting_as(admin):  # a second administrator: the office keeps its key
        create_user(session, UserInput("quantri2", "Quản trị 2", ADMINISTRATOR), "a password!")
    assert accounts.take_issued_recovery_key(session) is None


def _fast_demo(monkeypatch) -> None:
    """The demo's records are not the point here: only its home unit is made."""
    from receptiondesk import demo

    def generate(db, scale="small", seed=1, progress=None, **_kw):
        with db.session() as s:
            units.create_unit(s, units.UnitInput(code="X", name="Xã Mường Phăng"), home=True)
        return demo.DemoSummary(scale, seed, date.today())

    monkeypatch.setattr(demo, "generate_demo", generate)


@pytest.mark.sqlite_only("the demo command writes a SQLite file")
def test_the_demo_prints_its_recovery_key_which_recovers_the_administrator(
        tmp_path, capsys, monkeypatch):
    _fast_demo(monkeypatch)
    path = tmp_path / "demo.db"
    assert main(["--lang", "en", "demo", "--out", str(path)]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("Recovery key"))
    key = line.rsplit(": ", 1)[1]
    assert "db reset-admin" in line and len(key) == 29
    assert main(["--db", str(path), "--lang", "en", "db", "check"]) == 0
    assert NOTICE_EN not in capsys.readouterr().out
    assert main(["--db", str(path), "--lang", "en", "db", "reset-admin", "--admin", "admin",
                 "--recovery-key", key]) == 0
    assert "temporary password" in capsys.readouterr().out


@pytest.fixture
def upgraded(db, session, unit):
    """A database with accounts made before recovery keys: the key is not there."""
    admin = create_user(session, UserInput("quantri", "Quản trị", ADMINISTRATOR),
                        "admin password", must_change_password=False)
    with acting_as(admin):
        create_user(session, UserInput("thuky", "Nguyễn Thị Hoa", CLERK), "clerk password",
                    must_change_password=False)
    from receptiondesk.model import Setting

    session.delete(session.get(Setting, accounts.RECOVERY_KEY_SETTING))
    session.commit()
    assert accounts.recovery_key_missing(session)
    return db


@pytest.mark.sqlite_only("db check of a file")
def test_db_check_warns_about_accounts_without_a_key(upgraded, capsys):
    path = upgraded.path
    assert main(["--db", str(path), "--lang", "vi", "db", "check"]) == 0
    out = capsys.readouterr().out
    assert NOTICE_VI in out and "db recovery-key" in out


@pytest.mark.sqlite_only("the command line on a file")
def test_an_administrator_on_the_command_line_is_told_a_clerk_is_not(upgraded, capsys,
                                                                     monkeypatch):
    path = str(upgraded.path)
    monkeypatch.setenv(accounts.ENV_PASSWORD, "admin password")
    assert main(["--db", path, "--lang", "vi", "--user", "quantri", "search", "x"]) == 0
    assert NOTICE_VI in capsys.readouterr().err
    monkeypatch.setenv(accounts.ENV_PASSWORD, "clerk password")
    assert main(["--db", path, "--lang", "vi", "--user", "thuky", "search", "x"]) == 0
    assert NOTICE_VI not in capsys.readouterr().err


class _SignsIn:
    """The login dialog, answered by ``who``."""

    who: accounts.Actor | None = None

    def __init__(self, *_args, **_kw) -> None:
        self.actor = type(self).who

    def exec(self):
        return QDialog.DialogCode.Accepted


def test_an_administrator_signing_in_is_told_in_their_language_until_a_key_is_issued(
        qapp, upgraded, session, monkeypatch):
    from receptiondesk import i18n
    from receptiondesk.ui import login

    told: list[str] = []
    monkeypatch.setattr(login, "LoginDialog", _SignsIn)
    monkeypatch.setattr(login, "tell_missing_key",
                        lambda _parent: told.append(accounts.missing_key_notice()))
    admin = accounts.Actor.of(accounts.user_by_name(session, "quantri"))
    clerk = accounts.Actor.of(accounts.user_by_name(session, "thuky"))
    try:
        _SignsIn.who = clerk
        assert login.run_login(upgraded) is not None and told == []
        _SignsIn.who = admin
        with i18n.using_language("vi"):
            assert login.run_login(upgraded) is not None
        assert len(told) == 1 and told[0].startswith(NOTICE_VI)
        with upgraded.session() as s, acting_as(admin):
            accounts.issue_recovery_key(s)
        assert login.run_login(upgraded) is not None and len(told) == 1
    finally:
        accounts.sign_out()


def test_the_accounts_page_issues_a_key_with_its_sheet(qtbot, upgraded, session, unit):
    from receptiondesk.ui.accounts import AccountsPage, RecoveryKeyDialog
    from receptiondesk.ui.context import AppContext

    accounts.sign_in(accounts.user_by_name(session, "quantri"))
    try:
        page = AccountsPage(AppContext(upgraded, unit.id))
        qtbot.addWidget(page)
        shown: list[QDialog] = []
        page.show_recovery_key = shown.append
        page.key_button.click()
        assert len(shown) == 1 and isinstance(shown[0], RecoveryKeyDialog)
        key = shown[0].key
        qtbot.addWidget(shown[0])
        with upgraded.session() as s:
            assert not accounts.recovery_key_missing(s)
        sheet = shown[0].print_sheet()
        assert key and sheet.read_bytes().startswith(b"%PDF")
    finally:
        accounts.sign_out()

