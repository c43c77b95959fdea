"""The smaller frictions of a clerk's day: a form that shows an error keeps its buttons
on screen, a missing scan is explained in the user's language, minutes files are named
after their own session, and a recommendation is not shown as "accepted"."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel

from receptiondesk import i18n
from receptiondesk.services import petitions
from receptiondesk.ui.petitions import PetitionsPage
from receptiondesk.ui.worker import wait_for_background


@pytest.fixture(autouse=True)
def settle(qapp, monkeypatch):
    monkeypatch.setattr("receptiondesk.ui.forms.confirm_discard", lambda _parent: True)
    yield
    wait_for_background()
    qapp.processEvents()


@pytest.fixture
def vi():
    i18n.set_language("vi")
    yield
    i18n.set_language("en")


def register(ctx, petition_type: str = "complaint", days_ago: int = 3) -> str:
    data = petitions.PetitionInput(
        received_date=date.today() - timedelta(days=days_ago), petition_type=petition_type,
        content="Khiếu nại quyết định thu hồi đất",
        petitioners=[petitions.PetitionerInput("Nguyễn Văn An", None, "Bản Phăng 1")])
    with ctx.db.session() as s:
        return petitions.register_petition(s, ctx.unit_id, data).id


def test_an_error_under_a_field_keeps_save_and_cancel_in_the_forward_dialog(qtbot, ctx, vi):
    pid = register(ctx)
    with ctx.db.session() as s:
        petitions.classify(s, pid, petitions.Classification(True, False),
                           date.today() - timedelta(days=2))
    page = PetitionsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    page.select_petition(pid)
    dialog = page.make_action_dialog("forward")
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors.message_for("handled_to")  # the error is shown under its field
    note_bottom = dialog.note.mapTo(dialog, dialog.note.rect().bottomLeft()).y()
    for button in dialog.buttons.buttons():
        top = button.mapTo(dialog, button.rect().topLeft()).y()
        bottom = button.mapTo(dialog, button.rect().bottomLeft()).y()
        assert button.isVisible() and note_bottom < top and bottom < dialog.height(), \
            button.text()
    label = dialog.errors.labels["handled_to"]
    assert label.height() >= label.heightForWidth(label.width())  # not cut in half


def test_a_missing_scan_is_explained_in_the_users_language(ctx, vi, tmp_path):
    from receptiondesk.services.attachments import add_attachment
    from receptiondesk.services.errors import ValidationError

    pid = register(ctx)
    with ctx.db.session() as s, pytest.raises(ValidationError) as refused:
        add_attachment(s, ctx.unit_id, "petition", pid, tmp_path / "ban-ky.pdf")
    message = refused.value.errors[0].message
    assert refused.value.errors[0].field == "path"
    assert message == ("Không đọc được tệp ban-ky.pdf: tệp không tồn tại (đã bị chuyển, đổi "
                       "tên hoặc nằm trên ổ đĩa đã tháo ra)")
    assert "No such file" not in message


def test_the_lists_say_a_reflection_was_taken_up_not_accepted(vi):
    from receptiondesk.ui.reception_forms.cells import handling_cell

    assert handling_cell("accept", "complaint") == "Đã thụ lý"
    assert handling_cell("accept", "reflection") == "Đã tiếp nhận, xử lý"
    assert handling_cell("accept", "recommendation") == "Đã tiếp nhận, xử lý"
    assert handling_cell("guide", "reflection") == "Đã hướng dẫn"
    assert handling_cell("none", "reflection") == ""


def test_a_signed_session_opens_read_only_saying_when_and_how_to_correct(qtbot, ctx):
    from receptiondesk.services import minutes, reception
    from receptiondesk.services.citizens import CitizenInput
    from receptiondesk.services.reception import SessionInput, VisitInput
    from receptiondesk.ui.reception_forms.session_form import SessionDialog
    from receptiondesk.ui.reception_forms.visit_form import VisitDialog

    with ctx.db.session() as s:
        rs = reception.create_session(s, ctx.unit_id, SessionInput(
            date.today() - timedelta(days=2), place="Hội trường",
            presiding_official_id=ctx.official_id))
        visit = reception.add_visit(s, rs.id, VisitInput(
            "Đề nghị sửa đường", new_citizen=CitizenInput("Nguyễn Văn An", 1968)))
        m = minutes.minutes_for(s, "session", rs.id)
        minutes.mark_printed(s, m.id)
        minutes.mark_signed(s, m.id)
        session_id, visit_id = rs.id, visit.id
    dialog = SessionDialog(ctx, session_id)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    banner = dialog.findChild(type(dialog.to_label), "read_only_banner")
    assert banner is not None and banner.isVisible()
    assert banner.text().startswith("The minutes of this session were signed on ")
    assert "addendum" in banner.text()
    assert dialog.place.isReadOnly() and not dialog.kind.isEnabled()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isVisible()
    assert not dialog.add_visit_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # nothing to save: Enter closes
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected

    visit_form = VisitDialog(ctx, session_id, visit_id)
    qtbot.addWidget(visit_form)
    visit_form.show()
    assert visit_form.read_only and visit_form.content.isReadOnly()
    assert not visit_form.register.isEnabled()
    visit_form.done(0)


def test_a_signed_meeting_opens_read_only_and_the_service_refuses_an_edit(qtbot, ctx, vi):
    from receptiondesk.services import meetings, minutes
    from receptiondesk.services.errors import LockedError
    from receptiondesk.ui.meetings import MeetingDialog

    held_on = date.today() - timedelta(days=3)
    data = meetings.MeetingInput(held_on, chaired_by_id=ctx.official_id, place="Hội trường",
                                 content="Công tác tiếp công dân quý IV")
    with ctx.db.session() as s:
        meeting_id = meetings.create_meeting(s, ctx.unit_id, data).id
    with ctx.db.session() as s:
        m = minutes.minutes_for(s, "meeting", meeting_id)
        minutes.mark_printed(s, m.id)
        minutes.mark_signed(s, m.id)
        signed_at = minutes.get_minutes(s, m.id).signed_at
    dialog = MeetingDialog(ctx, meeting_id)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    banner = dialog.findChild(QLabel, "read_only_banner")
    assert banner is not None and banner.isVisible()
    assert banner.text().startswith("Biên bản buổi làm việc này đã được ký ngày "
                                    + i18n.format_date(signed_at.date()))
    assert "biên bản bổ sung" in banner.text()
    for field in (dialog.place, dialog.participants, dialog.content, dialog.conclusions,
                  dialog.ref):
        assert field.isReadOnly()
    assert not dialog.meeting_date.isEnabled() and not dialog.kind.isEnabled()
    assert not dialog.chaired_by.isEnabled()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isVisible()
    qtbot.keyClicks(dialog.content, "sua")  # typing changes nothing
    assert dialog.content.toPlainText() == "Công tác tiếp công dân quý IV"
    i18n.set_language("en")
    ctx.signals.language_changed.emit("en")
    assert banner.text().startswith("The minutes of this meeting were signed on ")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # nothing to save: Enter closes
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected

    from receptiondesk.ui.meetings import MeetingsPage

    page = MeetingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.model.loaded_count() == 1, timeout=5000)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: "signed on" in page.detail.text(), timeout=5000)
    assert "Minutes signed on " + i18n.format_date(signed_at.date()) in page.detail.text()

    data.content = "Sửa sau khi ký"
    with ctx.db.session() as s, pytest.raises(LockedError, match="signed"):
        meetings.update_meeting(s, meeting_id, data)
    with ctx.db.session() as s:
        assert meetings.get_meeting(s, meeting_id).content == "Công tác tiếp công dân quý IV"


def test_an_unsigned_meeting_opens_editable(qtbot, ctx):
    from receptiondesk.services import meetings
    from receptiondesk.ui.meetings import MeetingDialog

    data = meetings.MeetingInput(date.today() - timedelta(days=3),
                                 chaired_by_id=ctx.official_id, content="Họp giao ban")
    with ctx.db.session() as s:
        meeting_id = meetings.create_meeting(s, ctx.unit_id, data).id
    dialog = MeetingDialog(ctx, meeting_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.findChild(QLabel, "read_only_banner") is None
    assert not dialog.read_only and not dialog.content.isReadOnly()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isVisible()
    dialog.done(0)
