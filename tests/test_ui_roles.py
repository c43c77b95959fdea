"""The window knows the roles (accounts.ROLE_PERMISSIONS, the table the services refuse
with): a page a role cannot use is not offered, and a step it may not take is disabled
before anything is filled in, its tooltip saying why."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QApplication

from receptiondesk.services import accounts, petitions
from receptiondesk.services.accounts import ROLES, Actor, UserInput
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.main_window import PAGE_NAMES, MainWindow
from receptiondesk.ui.petitions import PetitionsPage
from receptiondesk.ui.reception import ReceptionPage
from receptiondesk.ui.reception_forms.session_form import SessionDialog


@pytest.fixture
def actors(db, session, unit, official, clerk) -> dict[str, Actor]:
    admin = accounts.create_user(session, UserInput("admin", "Quản trị", "administrator"),
                                 "admin-pass-1")
    made = {"administrator": admin}
    with accounts.acting_as(admin):
        for role in ROLES[:-1]:
            made[role] = accounts.create_user(
                session, UserInput(role.replace("_", "-"), role, role), "secret-pass-1")
    session.commit()
    return {role: Actor.of(user) for role, user in made.items()}


@pytest.fixture
def ctx(db, actors, unit, official):
    return AppContext(db, unit.id, official_id=official.id)


def offered_pages(window: MainWindow) -> list[str]:
    return [name for row, name in enumerate(PAGE_NAMES) if not window.nav.isRowHidden(row)]


def test_pages_a_role_cannot_use_are_not_offered(qtbot, ctx, actors):
    seen = {}
    for role in ROLES:
        accounts.sign_in(actors[role])
        window = MainWindow(ctx, None)
        qtbot.addWidget(window)
        seen[role] = offered_pages(window)
        for row, name in enumerate(PAGE_NAMES):
            assert window.page_actions[row].isVisible() == (name in seen[role])
        window.show_page("audit")
        assert window.current_name() == ("audit" if "audit" in seen[role] else "dashboard")
    everyone = [n for n in PAGE_NAMES if n not in ("accounts", "audit")]
    assert seen["clerk"] == everyone
    assert seen["inspector"] == everyone
    assert seen["office_head"] == everyone + ["audit"]
    assert seen["administrator"] == everyone + ["accounts"]


def test_a_step_the_role_may_not_take_is_disabled_saying_why(qtbot, ctx, actors, db,
                                                              wait_for_ops):
    with accounts.acting_as(actors["clerk"]), db.session() as s:
        pid = petitions.register_petition(s, ctx.unit_id, petitions.PetitionInput(
            received_date=date.today() - timedelta(days=2), petition_type="complaint",
            content="Khiếu nại quyết định thu hồi đất",
            petitioners=[petitions.PetitionerInput("Nguyễn Văn An")])).id
    accounts.sign_in(actors["inspector"])
    page = PetitionsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    wait_for_ops()
    page.select_petition(pid)
    wait_for_ops()
    classify = page.detail.buttons["classify"]
    assert classify.isVisible() and not classify.isEnabled()
    assert classify.toolTip() == "Your role (Inspector) may not classify petitions."
    assert not page.new_button.isEnabled()
    assert page.new_button.toolTip() == \
        "Your role (Inspector) may not register or correct petitions."

    accounts.sign_in(actors["clerk"])  # the clerk classifies
    page2 = PetitionsPage(ctx)
    qtbot.addWidget(page2)
    page2.show()
    page2.refresh()
    wait_for_ops()
    page2.select_petition(pid)
    wait_for_ops()
    assert page2.detail.buttons["classify"].isEnabled()
    assert page2.new_button.isEnabled()


def test_file_new_tells_a_role_that_may_not_record_sessions_why(qtbot, ctx, actors,
                                                                  monkeypatch, wait_for_ops):
    accounts.sign_in(actors["inspector"])
    page = ReceptionPage(ctx)
    qtbot.addWidget(page)
    messages: list[str] = []
    ctx.signals.status_message.connect(messages.append)
    opened: list = []
    monkeypatch.setattr(SessionDialog, "exec", lambda self: opened.append(self) or 0)
    assert not page.new_session_button.isEnabled()
    page.new_record()  # File ▸ New, Ctrl+N
    wait_for_ops()
    QApplication.processEvents()
    assert opened == []
    assert messages == ["Your role (Inspector) may not record reception sessions and visits."]


def test_a_clerk_cannot_mark_minutes_signed_and_is_told_so_before(qtbot, ctx, actors, db,
                                                                    official, wait_for_ops):
    from PySide6.QtCore import Qt

    from receptiondesk.services import reception
    from receptiondesk.services.citizens import CitizenInput
    from receptiondesk.services.reception import SessionInput, VisitInput
    from receptiondesk.ui.reports import ReportsPage

    with accounts.acting_as(actors["clerk"]), db.session() as s:
        rs = reception.create_session(s, ctx.unit_id, SessionInput(
            date.today() - timedelta(days=1), place="Hội trường",
            presiding_official_id=official.id))
        reception.add_visit(s, rs.id, VisitInput("Đề nghị sửa đường", new_citizen=CitizenInput(
            "Nguyễn Văn An", 1968)))
        session_id = rs.id
    for role, allowed in (("clerk", False), ("receiving_official", True)):
        accounts.sign_in(actors[role])
        page = ReportsPage(ctx)
        qtbot.addWidget(page)
        page.resize(1366, 768)
        page.show()
        page.document.setCurrentIndex(page.document.findData("minutes_session"))
        wait_for_ops()  # the sessions to choose from
        assert page.subject.select_id(session_id)
        with qtbot.waitSignal(page.job_finished, timeout=60_000):
            qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
            wait_for_ops()
        assert page.mark_printed_button.isEnabled()  # both may print
        assert page.mark_signed_button.isEnabled() is allowed, role
        if not allowed:
            assert page.mark_signed_button.toolTip() == \
                "Your role (Clerk) may not mark minutes as signed."


def test_edit_and_merge_buttons_say_why_a_role_may_not_use_them(qtbot, ctx, actors, db,
                                                               wait_for_ops):
    """The inspector may read citizens and the reception log, not change them: with a
    record chosen, Edit and Merge stay disabled, saying why; the clerk may use them."""
    from receptiondesk.services import citizens, reception
    from receptiondesk.services.citizens import CitizenInput
    from receptiondesk.services.reception import SessionInput
    from receptiondesk.ui.citizens import CitizensPage

    with accounts.acting_as(actors["clerk"]), db.session() as s:
        citizens.create_citizen(s, ctx.unit_id, CitizenInput("Nguyễn Văn An"))
        reception.create_session(s, ctx.unit_id, SessionInput(
            date.today() - timedelta(days=1), place="Trụ sở", presiding_name="Lò Văn Khoa"))
    shown = {}
    for role in ("inspector", "clerk"):
        accounts.sign_in(actors[role])
        people = CitizensPage(ctx)
        qtbot.addWidget(people)
        people.show()
        people.refresh()
        wait_for_ops()
        people.table.selectRow(0)
        wait_for_ops()
        log = ReceptionPage(ctx)
        qtbot.addWidget(log)
        log.show()
        log.refresh()
        wait_for_ops()
        log.sessions_view.selectRow(0)
        wait_for_ops()
        shown[role] = [(b.isEnabled(), b.toolTip()) for b in (
            people.edit_button, people.merge_button, log.edit_session_button)]
    citizen_refusal = "Your role (Inspector) may not enter or change citizens."
    assert shown["inspector"] == [
        (False, citizen_refusal), (False, citizen_refusal),
        (False, "Your role (Inspector) may not record reception sessions and visits.")]
    assert [enabled for enabled, _tip in shown["clerk"]] == [True, True, True]


def test_settings_saves_say_why_a_role_may_not_use_them(qtbot, ctx, actors):
    """The clerk reads the settings; saving the office, the officials, the lists, rules,
    calendar or numbering is disabled, saying why; the language stays the clerk's own."""
    from receptiondesk.ui.settings import SettingsPage

    states = {}
    for role in ("clerk", "office_head"):
        accounts.sign_in(actors[role])
        page = SettingsPage(ctx)
        qtbot.addWidget(page)
        page.show()
        page.activate()
        buttons = [page.office_tab.save_button, page.officials_tab.add_button,
                   page.numbering_tab.save_button, page.rules_tab.edit_button,
                   page.calendar_tab.add_button, *page.lookups_tab.add_buttons.values()]
        states[role] = [(b.isEnabled(), b.toolTip()) for b in buttons]
        assert page.language_tab.isEnabled()
    assert states["clerk"][0] == (
        False, "Your role (Clerk) may not change the office, its units and officials.")
    assert states["clerk"][2] == (
        False, "Your role (Clerk) may not change settings, lookup tables, rules and the "
               "calendar.")
    assert not any(enabled for enabled, _tip in states["clerk"])
    assert all(enabled for enabled, _tip in states["office_head"])
