"""Meetings and notices, inspections, and the citizens directory, driven through their
real widgets."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from ui_helpers import click_save

from receptiondesk.services import citizens, reception
from receptiondesk.ui.citizens import CitizensPage
from receptiondesk.ui.inspections import InspectionsPage
from receptiondesk.ui.meetings import MeetingsPage
from receptiondesk.ui.worker import wait_for_background

pytestmark = pytest.mark.usefixtures("no_modal_questions")


def make_page(qtbot, cls, ctx):
    page = cls(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    return page


@pytest.fixture(autouse=True)
def finish_background():
    yield
    wait_for_background()


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def choose(box, code) -> None:
    index = box.findData(code)
    assert index >= 0, f"{code!r} is not offered"
    box.setCurrentIndex(index)


def type_into(qtbot, widget, text: str) -> None:
    """Type as a user would; QTest knows ASCII keys only, so Vietnamese text is inserted
    at the cursor the way an input method commits it."""
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    elif hasattr(widget, "insertPlainText"):
        widget.insertPlainText(text)
    else:
        widget.insert(text)


def driver(qtbot, fill):
    def run(dialog) -> bool:
        qtbot.addWidget(dialog)
        dialog.show()
        fill(dialog)
        click_save(qtbot, dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    return run


def column(page, col: int) -> list[str]:
    return [page.model.row_at(r).cells[col] for r in range(page.model.loaded_count())]


# --- meetings and notices --------------------------------------------------------------------


def test_meeting_with_concluding_notice(qtbot, ctx, wait_for_ops):
    page = make_page(qtbot, MeetingsPage, ctx)
    wait_for_ops()
    held = date.today() - timedelta(days=6)

    def fill_meeting(d):
        d.meeting_date.setDate(qdate(held))
        choose(d.kind, "unscheduled")
        assert d.chaired_by.currentText() == "Lò Văn Khoa"  # the user's own name first
        type_into(qtbot, d.place, "Hội trường Đảng ủy xã")
        type_into(qtbot, d.participants, "Bí thư chi bộ bản Phăng 1\nBí thư chi bộ bản Che Căn")
        type_into(qtbot, d.content, "Tình hình giải quyết đơn thư tồn đọng")
        type_into(qtbot, d.conclusions, "Giải quyết dứt điểm trước 31/12")

    page.exec_dialog = driver(qtbot, fill_meeting)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    wait_for_ops()
    assert page.model.loaded_count() == 1
    row = page.model.row_at(0).cells
    assert row[:3] == [held.strftime("%d/%m/%Y"), "Unscheduled", "Lò Văn Khoa"]
    assert "Phăng 1" in row[3] and "Che Căn" in row[3]
    assert row[4] == ""
    assert page.current_id == page.model.id_at(0)
    assert page.notice_button.isEnabled()

    def fill_notice(d):
        assert d.content.toPlainText() == "Giải quyết dứt điểm trước 31/12"  # from conclusions
        type_into(qtbot, d.number, "12-TB/ĐU")
        d.issued_on.setDate(qdate(held + timedelta(days=1)))

    page.exec_dialog = driver(qtbot, fill_notice)
    qtbot.mouseClick(page.notice_button, Qt.MouseButton.LeftButton)
    wait_for_ops()
    assert page.model.row_at(0).cells[4] == "12-TB/ĐU"
    assert "12-TB/ĐU" in page.detail.text()

    # The same number cannot be used twice: the message sits at the number.
    again = page.make_notice_dialog()
    qtbot.addWidget(again)
    again.show()
    type_into(qtbot, again.number, "12-TB/ĐU")
    click_save(qtbot, again)
    assert again.result() != QDialog.DialogCode.Accepted
    assert "already used" in again.errors.message_for("number")


def test_meeting_filters_and_required_content(qtbot, ctx, wait_for_ops):
    page = make_page(qtbot, MeetingsPage, ctx)
    wait_for_ops()
    dialog = page.make_meeting_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    click_save(qtbot, dialog)
    assert "Content is required" in dialog.errors.message_for("content")

    for kind, content in (("regular", "Quý I"), ("unscheduled", "Đất đai bản Phăng")):
        def fill(d, kind=kind, content=content):
            choose(d.kind, kind)
            type_into(qtbot, d.content, content)

        page.exec_dialog = driver(qtbot, fill)
        page.new_record()
        wait_for_ops()
    assert page.model.loaded_count() == 2
    choose(page.kind_filter, "regular")
    wait_for_ops()
    assert column(page, 5) == ["Quý I"]
    choose(page.kind_filter, None)
    wait_for_ops()
    page.search.setText("dat dai")
    wait_for_ops()
    page.search.flush()
    wait_for_ops()
    assert column(page, 5) == ["Đất đai bản Phăng"]


# --- inspections ------------------------------------------------------------------------------


def test_inspection_with_violations_appears_under_violations_only(qtbot, ctx, wait_for_ops):
    page = make_page(qtbot, InspectionsPage, ctx)
    wait_for_ops()
    day = date.today() - timedelta(days=10)

    def fill(found: bool, orgs: str, content: str):
        def run(d):
            d.inspection_date.setDate(qdate(day))
            choose(d.body, "inspection_committee")
            choose(d.kind, "supervision" if found else "inspection")
            type_into(qtbot, d.organisations, orgs)
            type_into(qtbot, d.members, "Đ/c Lò Văn Thắng")
            type_into(qtbot, d.content, content)
            type_into(qtbot, d.findings, "Chậm giải quyết đơn")
            if found:
                box = d.violations  # click its tick box, at the left of the row
                qtbot.mouseClick(box, Qt.MouseButton.LeftButton,
                                 pos=QPoint(8, box.height() // 2))
                assert box.isChecked()
        return run

    page.exec_dialog = driver(qtbot, fill(True, "Chi bộ bản Phăng 1\nChi bộ bản Che Căn",
                                          "Giám sát việc tiếp công dân"))
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    wait_for_ops()
    page.exec_dialog = driver(qtbot, fill(False, "Chi bộ Trường Tiểu học",
                                          "Kiểm tra công tác dân vận"))
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    wait_for_ops()
    assert page.model.loaded_count() == 2
    qtbot.mouseClick(page.violations_check, Qt.MouseButton.LeftButton)
    wait_for_ops()
    assert page.model.loaded_count() == 1
    cells = page.model.row_at(0).cells
    assert cells[1:6] == ["Supervision", "Inspection committee", "2", "1", "Yes"]
    assert page.model.row_at(0).tint == "hot"
    page.violations_check.setChecked(False)
    wait_for_ops()
    choose(page.kind_filter, "inspection")
    wait_for_ops()
    assert column(page, 6) == ["Kiểm tra công tác dân vận"]


def test_inspection_needs_someone_inspected(qtbot, ctx, wait_for_ops):
    page = make_page(qtbot, InspectionsPage, ctx)
    wait_for_ops()
    dialog = page.make_inspection_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.content, "Kiểm tra")
    click_save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "at least one organisation" in dialog.errors.message_for("organisations")


# --- citizens ---------------------------------------------------------------------------------


def add_citizens(ctx, *people) -> list[str]:
    with ctx.db.session() as s:
        return [citizens.create_citizen(s, ctx.unit_id, citizens.CitizenInput(*p)).id
                for p in people]


def test_directory_is_in_vietnamese_order_and_searches_unaccented(qtbot, ctx, wait_for_ops):
    add_citizens(ctx, ("Nguyễn Văn Đức",), ("Trần Thị An",), ("Đặng Văn Dũng",),
                 ("Lê Văn Ánh",), ("Nguyễn Văn Bình",), ("Phạm Thị Anh",))
    page = make_page(qtbot, CitizensPage, ctx)
    wait_for_ops()
    # Given name first, then the rest of the name; Vietnamese letters (d before đ);
    # tones only break ties, so "Ánh Lê Văn" comes before "Anh Phạm Thị".
    assert page.names_in_order() == ["Trần Thị An", "Lê Văn Ánh", "Phạm Thị Anh",
                                     "Nguyễn Văn Bình", "Đặng Văn Dũng", "Nguyễn Văn Đức"]
    qtbot.keyClicks(page.search, "duc")
    wait_for_ops()
    qtbot.waitUntil(lambda: page.names_in_order() == ["Nguyễn Văn Đức"], timeout=2000)
    qtbot.waitUntil(lambda: page.count_label.text() == "1 citizen", timeout=2000)


def test_citizen_form_shows_id_error_at_its_field(qtbot, ctx, wait_for_ops):
    page = make_page(qtbot, CitizensPage, ctx)
    wait_for_ops()
    dialog = page.make_citizen_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.full_name, "Hà Thị Lụa")
    type_into(qtbot, dialog.id_number, "01234567890")
    click_save(qtbot, dialog)
    assert "12 digits" in dialog.errors.message_for("id_number")
    dialog.id_number.setText("012345678901")
    dialog.birth_year.setValue(1980)
    click_save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_merging_two_records_moves_the_visits(qtbot, ctx, official, wait_for_ops):
    keep_id, dup_id = add_citizens(
        ctx,
        ("Nguyễn Văn An", 1970, "male", "001070012345", "Bản Phăng 1"),
        ("Nguyen Van An", None, None, None, "Ban Phang 1", "0912345678"),
    )
    with ctx.db.session() as s:
        rs = reception.create_session(s, ctx.unit_id, reception.SessionInput(
            date.today() - timedelta(days=2), presiding_official_id=official.id))
        for content in ("Hỏi về sổ đỏ", "Đề nghị cấp lại giấy tờ"):
            reception.add_visit(s, rs.id, reception.VisitInput(content=content,
                                                               citizen_id=dup_id))
    page = make_page(qtbot, CitizensPage, ctx)
    wait_for_ops()
    assert page.model.loaded_count() == 2
    page.open_record("citizen", keep_id)
    wait_for_ops()
    assert page.visits.rowCount() == 0
    assert page.merge_button.isEnabled()

    def fill(d):
        d.find.setText("nguyen van an")
        d.find.flush()
        wait_for_ops()  # the matches are found on a worker
        texts = [d.matches.item(i).text() for i in range(d.matches.count())]
        assert texts == ["Nguyen Van An, Ban Phang 1"]  # the record kept is not offered
        d.matches.setCurrentRow(0)
        asked = []
        d.confirm = lambda question: asked.append(question) or True
        d._asked = asked

    page.exec_dialog = driver(qtbot, fill)
    qtbot.mouseClick(page.merge_button, Qt.MouseButton.LeftButton)
    wait_for_ops()
    assert page.names_in_order() == ["Nguyễn Văn An"]
    assert page.current_id == keep_id
    assert page.visits.rowCount() == 2
    assert {page.visits.item(r, 2).text() for r in range(2)} == {
        "Hỏi về sổ đỏ", "Đề nghị cấp lại giấy tờ"}
    with ctx.db.session() as s:
        kept = citizens.get_citizen(s, keep_id)
        assert kept.phone == "0912345678"  # a gap filled from the duplicate


def test_merge_without_a_choice_is_refused_at_the_list(qtbot, ctx, wait_for_ops):
    (keep_id,) = add_citizens(ctx, ("Lò Thị Hoa",))
    page = make_page(qtbot, CitizensPage, ctx)
    wait_for_ops()
    page.open_record("citizen", keep_id)
    wait_for_ops()
    dialog = page.make_merge_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    click_save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "Choose the duplicate" in dialog.errors.message_for("duplicate")


def test_citizen_history_never_shows_a_denunciation(qtbot, ctx, official, wait_for_ops):
    from receptiondesk.services import petitions

    (cid,) = add_citizens(ctx, ("Vi Văn Nam", 1965, "male", "001065000111"))
    with ctx.db.session() as s:
        for kind in ("complaint", "denunciation"):
            petitions.register_petition(s, ctx.unit_id, petitions.PetitionInput(
                received_date=date.today(), petition_type=kind, content="Nội dung",
                petitioners=[petitions.PetitionerInput("Vi Văn Nam", citizen_id=cid)]))
        rs = reception.create_session(s, ctx.unit_id, reception.SessionInput(
            date.today(), presiding_official_id=official.id))
        for kind, content in (("recommendation", "Kiến nghị làm đường"),
                              ("denunciation", "Tố cáo cán bộ địa chính")):
            reception.add_visit(s, rs.id, reception.VisitInput(
                content=content, citizen_id=cid, petition_type=kind))
    page = make_page(qtbot, CitizensPage, ctx)
    wait_for_ops()
    page.open_record("citizen", cid)
    wait_for_ops()
    assert page.petitions.rowCount() == 1
    assert page.petitions.item(0, 2).text() == "Complaint"
    assert page.visits.rowCount() == 1
    assert page.visits.item(0, 2).text() == "Kiến nghị làm đường"


# --- saves off the GUI thread ------------------------------------------------------------------


def test_a_form_saves_off_the_gui_thread_and_a_refusal_is_shown_at_its_field(
        qtbot, ctx, monkeypatch, wait_for_ops):
    """The services are called from a worker thread, Save is disabled while they run,
    and what they refuse is still shown at the field it concerns."""
    import threading

    from receptiondesk.services import meetings
    from receptiondesk.ui.meetings import MeetingDialog

    threads: list[threading.Thread] = []
    real_create = meetings.create_meeting

    def create(*args, **kwargs):
        threads.append(threading.current_thread())
        return real_create(*args, **kwargs)

    monkeypatch.setattr(meetings, "create_meeting", create)
    dialog = MeetingDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)

    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert not save.isEnabled()  # while the worker writes
    wait_for_ops()
    assert threads and threads[0] is not threading.main_thread()
    assert "Content is required" in dialog.errors.message_for("content")
    assert save.isEnabled()
    assert dialog.isVisible()

    dialog.content.setPlainText("Giao ban tháng 12")
    click_save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert len(threads) == 2 and threads[1] is not threading.main_thread()
    with ctx.db.session() as s:
        assert meetings.get_meeting(s, dialog.result_id).content == "Giao ban tháng 12"
