"""The trust parts of the desktop application, driven through their widgets: signing in,
the screen locked when idle (with a half-typed form kept), the administrator's accounts
page, the office head's audit viewer, and the petition detail for cleared and uncleared
users."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import select

from receptiondesk.model import AuditEntry, User
from receptiondesk.services import accounts, petitions
from receptiondesk.services.accounts import (
    ADMINISTRATOR,
    CLERK,
    OFFICE_HEAD,
    UserInput,
    acting_as,
    create_user,
)
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.worker import wait_for_background

TODAY = date.today()


@pytest.fixture(autouse=True)
def signed_out(qapp):
    """No process-wide user leaks from one test to the next."""
    accounts.sign_out()
    yield
    wait_for_background()
    qapp.processEvents()
    accounts.sign_out()


@pytest.fixture
def staff(session, unit, official):
    admin = create_user(session, UserInput("quantri", "Quản trị", ADMINISTRATOR),
                        "admin password", must_change_password=False)
    with acting_as(admin):
        clerk = create_user(session, UserInput("thuky", "Nguyễn Thị Hoa", CLERK),
                            "clerk password", must_change_password=False)
        head = create_user(session, UserInput("truongvp", "Lường Thị Mai", OFFICE_HEAD),
                           "head password", must_change_password=False)
    session.commit()
    return {"admin": admin, "clerk": clerk, "head": head}


@pytest.fixture
def ctx(db, session, unit, official, staff):
    session.commit()
    return AppContext(db, unit.id, official_id=official.id)


def _ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_login_dialog_refuses_then_signs_in(qtbot, db, staff):
    from receptiondesk.ui.login import LoginDialog, needs_login

    assert needs_login(db)
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.username.setText("thuky")
    dialog.password.setText("wrong")
    _ok(dialog)
    assert "Wrong user name or password" in dialog.message.text()
    assert dialog.password.text() == "" and dialog.actor is None
    dialog.password.setText("clerk password")
    _ok(dialog)
    assert dialog.actor is not None and dialog.actor.username == "thuky"
    assert dialog.result() == dialog.DialogCode.Accepted


def test_a_database_without_accounts_needs_no_login(db, unit):
    from receptiondesk.ui.login import ensure_signed_in, needs_login

    assert not needs_login(db) and ensure_signed_in(db)


def test_the_screen_locks_when_idle_and_keeps_a_half_typed_form(qtbot, ctx, staff):
    from receptiondesk.ui.citizens import CitizenDialog
    from receptiondesk.ui.login import IdleLock

    accounts.sign_in(staff["clerk"])
    form = CitizenDialog(ctx)
    qtbot.addWidget(form)
    form.show()
    form.full_name.setText("Đỗ Thị Đào")
    form.address.setText("Bản Kéo")
    lock = IdleLock(ctx.db, interval_ms=50)
    try:
        qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)
        dialog = lock.dialog
        assert dialog.isVisible() and dialog.objectName() == "lock_dialog"
        assert dialog.username.text() == "thuky" and dialog.username.isReadOnly()
        assert dialog.windowModality() == Qt.WindowModality.ApplicationModal
        dialog.password.setText("wrong")
        _ok(dialog)
        assert lock.is_locked and "Wrong" in dialog.message.text()
        dialog.password.setText("clerk password")
        _ok(dialog)
        assert not lock.is_locked
        assert form.isVisible()  # the form under the lock is still there, as typed
        assert (form.full_name.text(), form.address.text()) == ("Đỗ Thị Đào", "Bản Kéo")
        assert lock.timer.isActive()  # and the watch goes on
    finally:
        lock.stop()
    actions = [e.action for e in ctx.db.sessions().scalars(
        select(AuditEntry).order_by(AuditEntry.seq))]
    assert "screen_locked" in actions and actions[-1] == "login"


def test_input_resets_the_idle_timer(qtbot, ctx, staff):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    from receptiondesk.ui.login import IdleLock

    accounts.sign_in(staff["clerk"])
    lock = IdleLock(ctx.db, interval_ms=400)
    try:
        for _ in range(6):
            qtbot.wait(120)
            lock.eventFilter(lock, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A,
                                             Qt.KeyboardModifier.NoModifier, "a"))
        assert not lock.is_locked  # 720 ms of typing, never 400 ms idle
        qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)
    finally:
        if lock.dialog is not None:
            lock.dialog.close()
        lock.stop()


def test_the_administrator_manages_accounts_on_the_page(qtbot, ctx, staff):
    from receptiondesk.ui.accounts import AccountDialog, AccountsPage

    accounts.sign_in(staff["admin"])
    page = AccountsPage(ctx)
    qtbot.addWidget(page)
    assert page.manage.isVisibleTo(page)
    names = [page.model.row_at(r).cells[0] for r in range(page.model.loaded_count())]
    assert names == ["quantri", "thuky", "truongvp"]

    def fill(dialog: AccountDialog) -> bool:
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.username.setText("Kiem Tra")
        dialog.full_name.setText("Quàng Văn Tuấn")
        dialog.role.setCurrentIndex(dialog.role.findData("inspector"))
        dialog.password.setText("short")
        dialog.try_save()
        assert "2 to 60 letters" in dialog.errors.message_for("username")
        assert "at least 8" in dialog.errors.message_for("password")
        dialog.username.setText("kiemtra")
        dialog.password.setText("inspector password")
        dialog.try_save()
        return dialog.result() == dialog.DialogCode.Accepted

    page.exec_dialog = fill
    page.new_record()
    with ctx.db.session() as s:
        made = accounts.user_by_name(s, "kiemtra")
        assert made.role == "inspector" and made.must_change_password
    page.idle.setValue(3)
    page.save_idle()
    with ctx.db.session() as s:
        assert accounts.idle_minutes(s) == 3


def test_a_clerk_sees_no_account_management(qtbot, ctx, staff):
    from receptiondesk.ui.accounts import AccountsPage

    accounts.sign_in(staff["clerk"])
    page = AccountsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert not page.manage.isVisible() and page.notice.isVisible()
    assert page.change_own.isVisible()


def test_the_office_head_reads_and_verifies_the_audit_log(qtbot, ctx, staff, wait_for_ops):
    from receptiondesk.ui.audit import AuditPage

    accounts.sign_in(staff["head"])
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    wait_for_ops()
    assert page.body.isVisible()
    assert page.model.loaded_count() > 3
    page.action.setCurrentIndex(page.action.findData("create"))
    wait_for_ops()
    kinds = {page.model.row_at(r).cells[3] for r in range(page.model.loaded_count())}
    assert kinds == {"Created"}
    page.verify()
    wait_for_ops()
    assert "intact" in page.result.text()

    accounts.sign_in(staff["clerk"])
    page.refresh()
    assert not page.body.isVisible() and page.notice.isVisible()


def test_the_petition_detail_reveals_a_denouncer_only_to_the_cleared(qtbot, ctx, staff,
                                                                       session, unit):
    from receptiondesk.ui.petition_detail import load_view

    with acting_as(staff["clerk"]):
        p = petitions.register_petition(session, unit.id, petitions.PetitionInput(
            date(2026, 2, 20), "denunciation", "Tố cáo chủ tịch xã lạm quyền",
            petitioners=[petitions.PetitionerInput("Hoàng Văn Bí", "012345678901")]),
            today=date(2026, 3, 1))
        session.commit()
        assert load_view(session, p.id, TODAY).values["petitioners"] == "(confidential)"
    with acting_as(staff["head"]):
        assert "Hoàng Văn Bí" in load_view(session, p.id, TODAY).values["petitioners"]
    session.commit()
    seen = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "identity_view")).all()
    assert [(e.username, e.record_id) for e in seen] == [("truongvp", p.id)]
    assert session.get(User, staff["head"].id) is not None


def test_the_first_administrator_gets_the_recovery_key_and_its_sheet(qtbot, db, session,
                                                                      unit, official, tmp_path):
    """Issue 16, item 1: the key is issued with the first administrator, shown once, and
    printed on a one-page sheet that carries it."""
    from pypdf import PdfReader

    from receptiondesk.ui.accounts import AccountDialog, AccountsPage

    session.commit()
    ctx = AppContext(db, unit.id, official_id=official.id)
    page = AccountsPage(ctx)
    qtbot.addWidget(page)

    def fill(dialog: AccountDialog) -> bool:
        qtbot.addWidget(dialog)
        dialog.username.setText("quantri")
        dialog.full_name.setText("Quản trị")
        dialog.role.setCurrentIndex(dialog.role.findData(ADMINISTRATOR))
        dialog.password.setText("admin password")
        dialog.try_save()
        return dialog.result() == dialog.DialogCode.Accepted

    shown = []
    page.exec_dialog = fill
    page.show_recovery_key = shown.append
    page.new_record()
    assert len(shown) == 1
    key_dialog = shown[0]
    qtbot.addWidget(key_dialog)
    key = key_dialog.key_label.text()
    assert len(key.split("-")) == 6
    opened = []
    key_dialog.open_url = opened.append
    sheet = key_dialog.print_sheet()
    text = PdfReader(sheet).pages[0].extract_text()
    assert key in text and "Mường Phăng" in text and len(PdfReader(sheet).pages) == 1
    assert opened[0].toLocalFile() == str(sheet)
    with db.session() as s:
        assert accounts.has_recovery_key(s)
    # a second administrator does not replace the key
    with db.session() as s:
        accounts.sign_in(accounts.Actor.of(accounts.user_by_name(s, "quantri")))
    shown.clear()

    def second(dialog: AccountDialog) -> bool:
        qtbot.addWidget(dialog)
        dialog.username.setText("quantri2")
        dialog.full_name.setText("Phó")
        dialog.role.setCurrentIndex(dialog.role.findData(ADMINISTRATOR))
        dialog.password.setText("admin password 2")
        dialog.try_save()
        return dialog.result() == dialog.DialogCode.Accepted

    page.exec_dialog = second
    page.new_record()
    assert shown == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_heading_of_the_accounts_list_is_whole_at_1024_px(qtbot, ctx, staff, lang):
    """Beside the navigation on a 1024-px screen (about 830 px): "Lần đăng nhập gần nhất"
    was cut at both ends when every column had the same width."""
    from receptiondesk import i18n
    from receptiondesk.ui.accounts import AccountsPage

    i18n.set_language(lang)
    try:
        accounts.sign_in(staff["admin"])
        page = AccountsPage(ctx)
        qtbot.addWidget(page)
        page.resize(830, 600)
        page.show()
        qapp = QApplication.instance()
        qapp.processEvents()
        header = page.table.horizontalHeader()
        for col in range(page.model.columnCount()):
            assert header.sectionSizeHint(col) <= header.sectionSize(col), col
    finally:
        i18n.set_language("en")
