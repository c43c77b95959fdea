"""Forms opened on a record that someone else then saves: the user is told, keeps what
they typed until they choose, and can reload the current version."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from receptiondesk.services import citizens, meetings, petitions
from receptiondesk.services.accounts import OFFICE_HEAD, Actor, acting_as
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.ui.citizens import CitizenDialog
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.meetings import MeetingDialog
from receptiondesk.ui.petition_forms import PetitionDialog
from receptiondesk.ui.petitions import PetitionsPage
from receptiondesk.ui.worker import wait_for_background

NAM = Actor("2" * 32, "nam", "Trần Văn Nam", OFFICE_HEAD)


@pytest.fixture(autouse=True)
def no_modal_questions(monkeypatch):
    """Dialogs left open with typed input are closed at teardown without asking."""
    monkeypatch.setattr("receptiondesk.ui.forms.confirm_discard", lambda _parent: True)


@pytest.fixture
def asked(monkeypatch):
    """The "changed by another user" box: records what it said; answers with ``reload``."""
    calls: list[str] = []
    answer = {"reload": False}

    def ask(_parent, error, can_reload=True) -> bool:
        calls.append(str(error))
        return answer["reload"] and can_reload

    monkeypatch.setattr("receptiondesk.ui.forms.ask_reload", ask)
    calls_and_answer = (calls, answer)
    return calls_and_answer


@pytest.fixture
def ctx(db, session, unit, official, clerk):
    session.commit()  # the UI works in sessions of its own
    return AppContext(db, unit.id, official_id=official.id)


@pytest.fixture
def page(qtbot, ctx, wait_for_ops):
    p = PetitionsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    wait_for_ops()
    yield p
    wait_for_background()


def petition_data(content: str) -> petitions.PetitionInput:
    return petitions.PetitionInput(
        received_date=date.today(), petition_type="complaint", content=content,
        ref="15/KN", petitioners=[petitions.PetitionerInput("Nguyễn Văn An", None, "Bản Phăng")])


@pytest.fixture
def petition_id(ctx) -> str:
    with ctx.db.session() as s:
        return petitions.register_petition(s, ctx.unit_id, petition_data("Nội dung ban đầu")).id


def someone_else_corrects(ctx, petition_id: str, content: str) -> None:
    """Another user, on another PC, saves the same petition."""
    with acting_as(NAM), ctx.db.session() as s:
        petitions.update_petition(s, petition_id, petition_data(content))


def stored_content(ctx, petition_id: str) -> str:
    with ctx.db.session() as s:
        return petitions.get_petition(s, petition_id).content


def click_save(qtbot, dialog) -> None:
    """Press Save and wait for the save, which runs off the GUI thread, to be shown."""
    from receptiondesk.ui import ops

    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.wait(50), timeout=30_000)


def open_edit_form(qtbot, ctx, petition_id: str) -> PetitionDialog:
    dialog = PetitionDialog(ctx, petition_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_stale_save_is_refused_and_the_typed_text_stays(qtbot, ctx, petition_id, asked):
    calls, _answer = asked
    dialog = open_edit_form(qtbot, ctx, petition_id)
    dialog.content.setPlainText("Nội dung A đã gõ cẩn thận")
    someone_else_corrects(ctx, petition_id, "Nội dung B đã lưu trước")

    click_save(qtbot, dialog)

    assert len(calls) == 1
    assert calls[0].startswith("Petition 15/KN was changed by nam at ")  # no account: user name
    assert "Your changes were not saved" in calls[0]
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.content.toPlainText() == "Nội dung A đã gõ cẩn thận"  # not lost
    assert dialog.errors.general.isVisible() and "15/KN" in dialog.errors.general.text()
    assert stored_content(ctx, petition_id) == "Nội dung B đã lưu trước"


def test_reload_opens_the_current_version_and_saving_it_works(
        qtbot, ctx, petition_id, asked, monkeypatch):
    _calls, answer = asked
    answer["reload"] = True
    dialog = open_edit_form(qtbot, ctx, petition_id)
    dialog.content.setPlainText("Nội dung A")
    someone_else_corrects(ctx, petition_id, "Nội dung B")
    shown: list[str] = []

    def exec_fresh(fresh) -> int:  # the reloaded form, as the user sees and saves it
        qtbot.addWidget(fresh)
        fresh.show()
        shown.append(fresh.content.toPlainText())
        fresh.content.setPlainText("Nội dung B, bổ sung của A")
        click_save(qtbot, fresh)
        return fresh.result()

    monkeypatch.setattr(PetitionDialog, "exec", exec_fresh)
    click_save(qtbot, dialog)

    assert shown == ["Nội dung B"]  # the other user's version, not A's typed text
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.result_id == petition_id
    assert stored_content(ctx, petition_id) == "Nội dung B, bổ sung của A"


def test_a_step_chosen_on_a_stale_detail_view_is_refused(qtbot, page, ctx, petition_id, asked,
                                                        wait_for_ops):
    calls, _answer = asked
    page.select_petition(petition_id)
    wait_for_ops()
    seen = page.detail.view.version
    someone_else_corrects(ctx, petition_id, "Nội dung B")
    states = []

    def run(dialog) -> bool:  # the user fills the classification and saves
        qtbot.addWidget(dialog)
        dialog.show()
        click_save(qtbot, dialog)
        states.append(dialog.result())
        dialog.reject()
        return dialog.result() == QDialog.DialogCode.Accepted

    page.exec_dialog = run
    assert page.run_action("classify") is False
    assert states == [QDialog.DialogCode.Rejected] and len(calls) == 1
    assert calls[0].startswith("Petition 15/KN")
    with ctx.db.session() as s:
        assert petitions.get_petition(s, petition_id).status == "received"
    # the detail view now shows the other user's version
    wait_for_ops()
    assert page.detail.view.version > seen


def test_the_citizen_form_is_refused_too(qtbot, ctx, asked):
    calls, _answer = asked
    with ctx.db.session() as s:
        cid = citizens.create_citizen(s, ctx.unit_id, CitizenInput("Lò Thị Mai", 1975)).id
    dialog = CitizenDialog(ctx, cid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.address.setText("Bản A")
    with acting_as(NAM), ctx.db.session() as s:
        citizens.update_citizen(s, cid, CitizenInput("Lò Thị Mai", 1975, address="Bản B"))
    click_save(qtbot, dialog)
    assert calls and calls[0].startswith("This citizen's record was changed by")
    assert dialog.address.text() == "Bản A"
    with ctx.db.session() as s:
        assert citizens.get_citizen(s, cid).address == "Bản B"


def test_the_meeting_form_is_refused_too(qtbot, ctx, asked):
    calls, _answer = asked
    data = meetings.MeetingInput(date(2026, 3, 10), chaired_by_name="Lò Văn Khoa",
                                 content="Nghe báo cáo", conclusions="Kết luận ban đầu")
    with ctx.db.session() as s:
        mid = meetings.create_meeting(s, ctx.unit_id, data).id
    dialog = MeetingDialog(ctx, mid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.conclusions.setPlainText("Kết luận của A")
    with acting_as(NAM), ctx.db.session() as s:
        meetings.update_meeting(s, mid, meetings.MeetingInput(
            date(2026, 3, 10), chaired_by_name="Lò Văn Khoa", content="Nghe báo cáo",
            conclusions="Kết luận của B"))
    click_save(qtbot, dialog)
    assert calls and calls[0].startswith("The working meeting of 10/03/2026 was changed by")
    assert dialog.conclusions.toPlainText() == "Kết luận của A"
    with ctx.db.session() as s:
        assert meetings.get_meeting(s, mid).conclusions == "Kết luận của B"


def test_an_unchanged_record_saves_as_before(qtbot, ctx, petition_id, asked):
    calls, _answer = asked
    dialog = open_edit_form(qtbot, ctx, petition_id)
    dialog.content.setPlainText("Nội dung A")
    click_save(qtbot, dialog)
    assert not calls and dialog.result() == QDialog.DialogCode.Accepted
    assert stored_content(ctx, petition_id) == "Nội dung A"
