"""A clerk's day by keyboard: every menu action and shortcut of the main window works for
every role in both languages, and a reception session with a visit and a petition is
recorded with keys alone (the cursor starts in the first field, Tab moves on, a date is
one Tab stop, Enter saves, Ctrl+Enter saves from multi-line text, Esc asks first)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from sqlalchemy import select

from receptiondesk import i18n
from receptiondesk.model import Petition, ReceptionSession, Visit
from receptiondesk.services import accounts, citizens
from receptiondesk.services.accounts import ROLES, UserInput
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.forms import RecordDialog
from receptiondesk.ui.main_window import PAGE_NAMES, MainWindow
from receptiondesk.ui.reception import ReceptionPage
from receptiondesk.ui.reception_forms.session_form import SessionDialog
from receptiondesk.ui.reception_forms.visit_form import VisitDialog
from receptiondesk.ui.worker import wait_for_background

YESTERDAY = date.today() - timedelta(days=1)


@pytest.fixture
def ctx(db, session, unit, official, clerk):
    citizens.create_citizen(session, unit.id, CitizenInput(
        "Nguyễn Văn Ánh", 1968, "male", "011068001234", "Thôn Bản Phăng"))
    session.commit()
    return AppContext(db, unit.id, official_id=clerk.id)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    return widget


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed where the cursor is."""
    qtbot.keyClick(focused(), key, modifier)


def type_keys(qtbot, text: str) -> None:
    """Type where the cursor is, one key event per character (QTest's keyClicks only
    knows ASCII, a Vietnamese keyboard sends the letters themselves)."""
    widget = focused()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                     ch))
    qtbot.wait(1)


def tab_to(qtbot, widget: QWidget, limit: int = 30) -> int:
    """Press Tab until ``widget`` has the cursor; the number of presses."""
    for presses in range(limit):
        if focused() is widget:
            return presses
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"{widget!r} not reached with {limit} Tabs")


def shown(monkeypatch, dialog_cls, *scripts) -> list:
    """exec() of ``dialog_cls`` shows the real dialog and runs the next script on it,
    which drives it with keys as the user would; returns the dialogs shown."""
    queue = list(scripts)
    dialogs: list = []

    def exec_(self) -> int:
        dialogs.append(self)
        self.show()
        self.activateWindow()
        QApplication.processEvents()
        queue.pop(0)(self)
        return self.result()

    monkeypatch.setattr(dialog_cls, "exec", exec_)
    return dialogs


# --- a session, a visit and a petition with keys alone -----------------------------------


def test_a_session_with_a_visit_and_a_petition_by_keyboard_only(qtbot, monkeypatch, ctx, db):
    window = MainWindow(ctx, None)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    qtbot.waitUntil(lambda: bool(window.pages))
    window.activateWindow()
    QApplication.processEvents()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # the log
    page = window.current()
    assert isinstance(page, ReceptionPage)
    qtbot.waitUntil(lambda: not page.is_loading(), timeout=5000)

    def visit_form(v: VisitDialog) -> None:
        assert focused() is v.picker  # the cursor starts at the citizen
        type_keys(qtbot, "011068001234")
        press(qtbot, Qt.Key.Key_Return)  # a full ID number and Enter take the citizen
        qtbot.waitUntil(lambda: v.citizen_id is not None, timeout=3000)
        assert v.isVisible()  # picking did not save the visit
        # The offscreen platform leaves the closed match list active (a desktop gives the
        # activation back to the form): do what the window manager does.
        v.activateWindow()
        QApplication.processEvents()
        tab_to(qtbot, v.content)
        type_keys(qtbot, "Khiếu nại quyết định thu hồi đất")
        press(qtbot, Qt.Key.Key_Return)  # a new line in the content, not a save
        assert v.isVisible() and v.content.toPlainText().endswith("\n")
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is v.field
        type_keys(qtbot, "Land")  # a drop-down takes the first letters of its entry
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is v.petition_type
        type_keys(qtbot, "Complaint")
        tab_to(qtbot, v.register)
        press(qtbot, Qt.Key.Key_Space)
        assert v.register.isChecked()
        press(qtbot, Qt.Key.Key_Return)  # saves the visit and registers the petition

    def session_form(d: SessionDialog) -> None:
        assert focused() is d.date  # the cursor starts in the first field
        type_keys(qtbot, YESTERDAY.strftime("%d%m%Y"))
        assert d.date.date().toPython() == YESTERDAY
        press(qtbot, Qt.Key.Key_Tab)  # one Tab leaves the date
        assert focused() is d.start
        tab_to(qtbot, d.place)
        type_keys(qtbot, "Phòng tiếp công dân")
        tab_to(qtbot, d.add_visit_button)
        press(qtbot, Qt.Key.Key_Space)  # saves the session, opens the visit form
        assert d.visits_model.rowCount() == 1
        assert d.isVisible()
        d.activateWindow()  # the window manager's part, as above
        QApplication.processEvents()
        assert focused() is d.add_visit_button
        press(qtbot, Qt.Key.Key_Return)  # Enter saves the session (not another visit)

    visits = shown(monkeypatch, VisitDialog, visit_form)
    sessions = shown(monkeypatch, SessionDialog, session_form)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # File ▸ New

    assert len(sessions) == 1 and len(visits) == 1
    assert sessions[0].result() == QDialog.DialogCode.Accepted
    assert visits[0].result() == QDialog.DialogCode.Accepted
    with db.session() as s:
        rs = s.scalars(select(ReceptionSession)).one()
        assert (rs.session_date, rs.place) == (YESTERDAY, "Phòng tiếp công dân")
        visit = s.scalars(select(Visit)).one()
        assert visit.session_id == rs.id
        assert visit.content == "Khiếu nại quyết định thu hồi đất"
        assert visit.field_code == "land"
        petition = s.scalars(select(Petition)).one()
        assert petition.visit_id == visit.id and petition.petition_type == "complaint"


def test_escape_asks_before_dropping_what_was_typed(qtbot, monkeypatch, ctx, db):
    page = ReceptionPage(ctx)
    qtbot.addWidget(page)
    asked: list[str] = []

    def answer(box: QMessageBox) -> int:
        asked.append(box.text())
        return 0  # "Keep editing"

    monkeypatch.setattr(QMessageBox, "exec", answer)
    dialog = page.make_session_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    press(qtbot, Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert not dialog.isVisible() and asked == []

    dialog = page.make_session_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    tab_to(qtbot, dialog.place)
    type_keys(qtbot, "Hội trường")
    press(qtbot, Qt.Key.Key_Escape)
    assert asked == ["This form has changes that are not saved. Discard them?"]
    assert dialog.isVisible() and dialog.place.text() == "Hội trường"  # kept
    dialog.done(0)


def test_enter_on_a_session_row_opens_it(qtbot, monkeypatch, ctx, db):
    from receptiondesk.services import reception
    from receptiondesk.services.reception import SessionInput

    with db.session() as s:
        reception.create_session(s, ctx.unit_id, SessionInput(
            YESTERDAY, place="Hội trường", presiding_official_id=ctx.official_id))
    page = ReceptionPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: not page.is_loading() and page.sessions_model.rowCount() == 1,
                    timeout=5000)
    opened: list = []
    monkeypatch.setattr(SessionDialog, "exec", lambda self: opened.append(self) or 0)
    page.sessions_view.setFocus()
    page.sessions_view.setCurrentIndex(page.sessions_model.index(0, 1))
    press(qtbot, Qt.Key.Key_Return)
    assert [d.place.text() for d in opened] == ["Hội trường"]


# --- every menu action, every role, both languages ---------------------------------------


def _close_modal_windows() -> None:
    """What a user does with each dialog the menus open: close it (a form unsaved)."""
    widget = QApplication.activeModalWidget()
    if isinstance(widget, QDialog):
        widget.done(0)
    elif widget is not None:
        widget.close()


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_menu_action_works_for_every_role(qtbot, ctx, db, lang):
    with db.session() as s:
        admin = accounts.create_user(s, UserInput("admin", "Quản trị", "administrator"),
                                     "admin-pass-1")
        with accounts.acting_as(admin):
            users = {role: accounts.create_user(
                s, UserInput(role.replace("_", "-"), role, role), "secret-pass-1")
                for role in ROLES if role != "administrator"}
        users["administrator"] = admin
        actors = {role: accounts.Actor.of(u) for role, u in users.items()}
    i18n.set_language(lang)
    closer = QTimer()
    closer.setInterval(20)
    closer.timeout.connect(_close_modal_windows)
    closer.start()
    try:
        for role in ROLES:
            accounts.sign_in(actors[role])
            window = MainWindow(ctx, None)
            qtbot.addWidget(window)
            window.show()
            qtbot.waitUntil(lambda w=window: bool(w.pages))
            menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
            assert len(menus) == 4
            quit_action = window.act_quit
            for menu in menus:
                for action in menu.actions():
                    if action.isSeparator() or action is quit_action:
                        continue
                    assert action.text(), f"an action without text in {menu.title()}"
                    action.trigger()
                    qtbot.wait(30)
                    wait_for_background()
                    QApplication.processEvents()
            # View ▸ page and its shortcut: the page named is the page shown (the pages
            # this role cannot use are not offered: ui/permissions.py)
            offered = [name for i, name in enumerate(PAGE_NAMES)
                       if window.page_actions[i].isVisible()]
            assert "dashboard" in offered and "reception" in offered
            for i, name in enumerate(PAGE_NAMES):
                if name in offered:
                    window.page_actions[i].trigger()
                    assert window.current_name() == name
            window.show_page("dashboard")
            window.activateWindow()  # given back by the window manager after the dialogs
            QApplication.processEvents()
            for i, name in enumerate(PAGE_NAMES, start=1):
                digit = Qt.Key(Qt.Key.Key_0.value + i % 10)
                qtbot.keyClick(window, digit, Qt.KeyboardModifier.ControlModifier)
                if name in offered:
                    assert window.current_name() == name, (role, name)
                else:
                    assert window.current_name() != name, (role, name)
            wait_for_background()
            quit_action.trigger()
            assert not window.isVisible()
    finally:
        closer.stop()
        wait_for_background()
        QApplication.processEvents()


def test_forms_open_with_the_cursor_in_their_first_field(qtbot, ctx):
    from receptiondesk.ui.citizens import CitizenDialog

    dialog = CitizenDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    assert isinstance(dialog, RecordDialog)
    assert focused() is dialog.first_field() and focused() is not None
    assert dialog.buttons.buttons()[0] is not focused()


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_no_two_entries_of_a_menu_share_their_alt_key(qtbot, ctx, lang):
    import re

    i18n.set_language(lang)
    window = MainWindow(ctx, None)
    qtbot.addWidget(window)
    bars = [window.menuBar().actions()] + [
        a.menu().actions() for a in window.menuBar().actions() if a.menu() is not None]
    for actions in bars:
        keys = [m.group(1).lower() for a in actions
                if (m := re.search(r"&(\w)", a.text())) is not None]
        assert len(keys) == len(set(keys)), [a.text() for a in actions]


def test_ctrl_enter_in_multi_line_text_saves_the_form(qtbot, ctx, db):
    from receptiondesk.model import WorkingMeeting
    from receptiondesk.ui import ops
    from receptiondesk.ui.meetings import MeetingDialog

    dialog = MeetingDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    QApplication.processEvents()
    assert focused() is dialog.meeting_date
    tab_to(qtbot, dialog.content)
    type_keys(qtbot, "Giao ban công tác tiếp công dân")
    press(qtbot, Qt.Key.Key_Return)  # a new line
    assert dialog.isVisible() and dialog.content.toPlainText().endswith("\n")
    type_keys(qtbot, "quý IV")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # saves
    qtbot.waitUntil(lambda: ops.wait(50), timeout=30_000)  # the save runs on a worker
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    with db.session() as s:
        meeting = s.scalars(select(WorkingMeeting)).one()
        assert meeting.content == "Giao ban công tác tiếp công dân\nquý IV"
