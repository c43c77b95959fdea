"""The petition tracker driven through its real widgets: a petition from receipt to
closure, refused steps, errors at their fields, the due-date filters and tints, the
denouncer's confidentiality and attachments."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from ui_helpers import click_save

from receptiondesk.i18n import format_date
from receptiondesk.rules import lifecycle
from receptiondesk.rules.calendar import WorkCalendar
from receptiondesk.services import petitions, units
from receptiondesk.ui.paged import TINTS
from receptiondesk.ui.petition_rows import COLUMNS, due_tint
from receptiondesk.ui.petitions import PetitionsPage
from receptiondesk.ui.worker import wait_for_background

pytestmark = pytest.mark.usefixtures("no_modal_questions")

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
COL = {c.title: i for i, c in enumerate(COLUMNS)}


@pytest.fixture
def page(qtbot, ctx, wait_for_ops):
    p = PetitionsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    wait_for_ops()  # the first page of the list, and its count
    yield p
    wait_for_background()


# --- helpers: what a user does --------------------------------------------------------------


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def choose(box, code) -> None:
    index = box.findData(code)
    assert index >= 0, f"{code!r} is not offered"
    box.setCurrentIndex(index)


def type_into(qtbot, widget, text: str) -> None:
    """Type text as a user would. QTest only knows ASCII keys, so Vietnamese text is
    entered the way an input method commits it: inserted at the cursor."""
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    elif hasattr(widget, "insertPlainText"):
        widget.insertPlainText(text)
    else:
        widget.insert(text)


def driver(qtbot, fill):
    """A stand-in for dialog.exec(): show the dialog, fill it as a user would, save."""

    def run(dialog) -> bool:
        qtbot.addWidget(dialog)
        dialog.show()
        fill(dialog)
        click_save(qtbot, dialog)
        assert dialog.result() == QDialog.DialogCode.Accepted, dialog.errors.general.text() + \
            " ".join(lab.text() for lab in dialog.errors.labels.values())
        return True

    return run


def press(qtbot, page, code: str, fill) -> None:
    """Click a step button of the detail view, filling the dialog it opens."""
    button = page.detail.buttons[code]
    assert button.isVisible(), f"{code} is not offered"
    page.exec_dialog = driver(qtbot, fill)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def cells(page, row: int) -> list[str]:
    return page.model.row_at(row).cells


def row_of(page, petition_id: str) -> int:
    for r in range(page.model.loaded_count()):
        if page.model.id_at(r) == petition_id:
            return r
    raise AssertionError("petition not in the list")


def offered(page) -> list[str]:
    return page.detail.offered_actions()


def allowed(status: str) -> list[str]:
    return [a.code for a in lifecycle.allowed_actions(status)]


def register(ctx, **kw):
    data = petitions.PetitionInput(
        received_date=kw.pop("received", date.today()),
        petition_type=kw.pop("petition_type", "complaint"),
        content=kw.pop("content", "Khiếu nại quyết định thu hồi đất"),
        petitioners=[petitions.PetitionerInput(n, kw.pop("id_number", None), "Bản Phăng 1")
                     for n in kw.pop("names", ["Nguyễn Văn An"])],
        **kw,
    )
    with ctx.db.session() as s:
        return petitions.register_petition(s, ctx.unit_id, data).id


def start_date_with_clean_due(today: date) -> date:
    """An acceptance date whose 30- and 60-day ends both fall on working days, so that an
    extension of 30 days moves the due date by exactly 30 days."""
    cal = WorkCalendar()
    for back in range(36, 60):
        start = today - timedelta(days=back)
        if all(cal.is_working_day(d) for d in (start, start + timedelta(days=30),
                                               start + timedelta(days=60))):
            return start
    raise AssertionError("no suitable date")


# --- a whole petition --------------------------------------------------------------------------


def test_petition_from_receipt_to_resolution(qtbot, page, ctx, wait_for_ops):
    today = date.today()
    accepted_on = start_date_with_clean_due(today)
    received_on = accepted_on - timedelta(days=2)

    def fill_new(d):
        d.received.setDate(qdate(received_on))
        choose(d.ptype, "denunciation")
        choose(d.field, "corruption")
        type_into(qtbot, d.content, "Tố cáo cán bộ địa chính nhận tiền khi cấp sổ đỏ")
        type_into(qtbot, d.ref, "15/TC")
        type_into(qtbot, d.rows[0].name, "Trần Văn Bảo")
        type_into(qtbot, d.rows[0].id_number, "001200012345")
        type_into(qtbot, d.rows[0].address, "Bản Che Căn")

    page.exec_dialog = driver(qtbot, fill_new)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    wait_for_ops()
    assert page.model.loaded_count() == 1
    pid = page.current_id
    assert page.detail.view.status == "received"
    assert offered(page) == allowed("received") == ["classify"]
    assert "note" in page.detail.offered_extras()

    def fill_classify(d):
        d.date.setDate(qdate(received_on + timedelta(days=1)))
        assert d.eligible.isChecked() and d.within_competence.isChecked()
        choose(d.complexity, "2")  # very complex: two extensions allowed
        type_into(qtbot, d.note, "Đủ điều kiện thụ lý")

    press(qtbot, page, "classify", fill_classify)
    wait_for_ops()
    assert page.detail.view.status == "classified"
    assert offered(page) == allowed("classified") == [
        "accept", "guide", "forward", "urge", "archive", "return"]

    def fill_accept(d):
        assert not d.handled_to.isVisible()  # accepting sends the matter nowhere
        d.date.setDate(qdate(accepted_on))

    press(qtbot, page, "accept", fill_accept)
    wait_for_ops()
    assert offered(page) == allowed("accepted") == ["start"]
    # the denouncer and the denounced are notified within 5 working days (Luật Tố cáo
    # 2018, Điều 29): offered until recorded
    assert "notify" in page.detail.offered_extras()
    press(qtbot, page, "notify", lambda d: d.date.setDate(qdate(accepted_on)))
    wait_for_ops()
    assert "notify" not in page.detail.offered_extras()

    press(qtbot, page, "start", lambda d: d.date.setDate(qdate(accepted_on)))
    wait_for_ops()
    assert offered(page) == allowed("in_resolution") == ["resolve"]
    assert "extend" in page.detail.offered_extras()

    old_due = accepted_on + timedelta(days=30)
    row = row_of(page, pid)
    assert cells(page, row)[COL["Next due"]] == format_date(old_due)
    assert page.model.row_at(row).tint == due_tint((old_due - today).days)

    def fill_extend(d):
        choose(d.deadline, "denunciation_resolve")
        assert d.days.value() == 30
        d.date.setDate(qdate(today))
        type_into(qtbot, d.note, "Vụ việc rất phức tạp, cần xác minh thêm")
        type_into(qtbot, d.decision_number, "07/QĐ-UBND")

    press(qtbot, page, "extend", fill_extend)
    wait_for_ops()
    new_due = old_due + timedelta(days=30)
    row = row_of(page, pid)
    assert cells(page, row)[COL["Next due"]] == format_date(new_due)
    assert cells(page, row)[COL["Days left"]] == str((new_due - today).days)
    deadlines_text = page.detail.deadline_box.text()
    assert "Resolve the denunciation" in deadlines_text
    assert "Điều 30" in deadlines_text  # the legal basis
    assert format_date(new_due) in deadlines_text
    assert "07/QĐ-UBND" in page.detail.extension_box.text()

    def fill_result(d):
        box = d.result_box
        codes = [box.itemData(i) for i in range(box.count()) if box.itemData(i)]
        assert codes == ["founded", "unfounded", "partly_founded", "withdrawn"]
        choose(d.result_box, "partly_founded")
        d.date.setDate(qdate(today))
        type_into(qtbot, d.decision_number, "21/KL-UBND")
        d.has_decision_date.setChecked(True)
        wait_for_ops()
        d.decision_date.setDate(qdate(today))

    press(qtbot, page, "resolve", fill_result)
    wait_for_ops()
    assert offered(page) == allowed("resolved") == ["close"]
    assert "21/KL-UBND" in page.detail.values["decision"].text()

    press(qtbot, page, "close", lambda d: d.date.setDate(qdate(today)))
    wait_for_ops()
    assert page.detail.view.status == "closed"
    assert offered(page) == allowed("closed") == []
    assert "edit" not in page.detail.offered_extras()
    assert cells(page, row_of(page, pid))[COL["Status"]] == "Closed"
    steps = [page.detail.timeline.item(r, 1).text()
             for r in range(page.detail.timeline.rowCount())]
    assert steps == ["Received", "Received → Classified", "Classified → Accepted",
                     "Parties notified", "Accepted → In resolution", "Extension",
                     "In resolution → Resolved", "Resolved → Closed"]
    assert page.detail.timeline.item(0, 2).text() == "Lò Văn Khoa"


def test_guide_needs_the_body_named_at_its_field(qtbot, page, ctx, wait_for_ops):
    pid = register(ctx, received=date.today() - timedelta(days=3))
    wait_for_ops()
    with ctx.db.session() as s:
        petitions.classify(s, pid, petitions.Classification(True, False),
                           date.today() - timedelta(days=2))
    page.refresh()
    wait_for_ops()
    page.select_petition(pid)
    wait_for_ops()
    dialog = page.make_action_dialog("guide")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.handled_to.isVisible()
    click_save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "Name the body" in dialog.errors.message_for("handled_to")
    type_into(qtbot, dialog.handled_to, "Tòa án nhân dân khu vực 1")
    click_save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_extension_is_offered_only_where_the_law_allows_one(qtbot, page, ctx, wait_for_ops):
    today = date.today()
    pid = register(ctx, received=today - timedelta(days=5))
    wait_for_ops()
    with ctx.db.session() as s:
        petitions.classify(s, pid, petitions.Classification(True, True, complexity=1,
                                                            party_matter=True),
                           today - timedelta(days=4))
        handler = units.create_official(s, ctx.unit_id, units.OfficialInput("Lò Văn Thụ"))
        petitions.decide_handling(s, pid, "accept", today - timedelta(days=3), handler.id)
    page.refresh()
    wait_for_ops()
    page.select_petition(pid)
    wait_for_ops()
    # A complaint's time limit is longer when complex, but it is never extended.
    assert page.detail.view.deadlines
    assert "extend" not in page.detail.offered_extras()


# --- refusals and errors -----------------------------------------------------------------------


def test_refused_transition_shows_the_message(qtbot, page, ctx, wait_for_ops):
    pid = register(ctx)
    wait_for_ops()
    page.refresh()
    wait_for_ops()
    page.select_petition(pid)
    wait_for_ops()
    assert not page.detail.buttons["close"].isVisible()
    # The page's own action for a step the lifecycle does not allow now.
    assert page.run_action("close") is False
    expected = "\u201cClose\u201d is not allowed for a petition that is received."
    assert page.detail.message.isVisible()
    assert page.detail.message.text() == expected

    # A dialog opened earlier, saved after the status moved on, is refused by the service.
    dialog = page.make_action_dialog("start")
    qtbot.addWidget(dialog)
    dialog.show()
    click_save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors.general.isVisible()
    assert dialog.errors.general.text() == (
        "\u201cStart resolution\u201d is not allowed for a petition that is received.")
    with ctx.db.session() as s:
        assert petitions.get_petition(s, pid).status == "received"


def test_id_number_error_is_shown_at_its_field(qtbot, page, ctx):
    dialog = page.make_petition_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    choose(dialog.ptype, "complaint")
    type_into(qtbot, dialog.content, "Khiếu nại việc bồi thường")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert len(dialog.rows) == 2
    type_into(qtbot, dialog.rows[0].name, "Nguyễn Văn An")
    type_into(qtbot, dialog.rows[1].name, "Lê Thị Hồng")
    type_into(qtbot, dialog.rows[1].id_number, "01234567890")  # 11 digits
    click_save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    message = dialog.errors.message_for("petitioners.1.id_number")
    assert "must be exactly 12 digits" in message
    assert dialog.errors.message_for("petitioners.0.id_number") == ""
    # The message sits right under the second petitioner's row.
    error_row = dialog.form.getWidgetPosition(dialog.errors.labels["petitioners.1.id_number"])[0]
    person_row = dialog.form.getWidgetPosition(dialog.rows[1].label)[0]
    assert person_row < error_row <= person_row + 4
    with ctx.db.session() as s:
        assert petitions.count_petitions(s) == 0
    # Corrected, it saves.
    dialog.rows[1].id_number.setText("012345678901")
    click_save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_removing_a_petitioner_keeps_errors_on_the_right_row(qtbot, page):
    dialog = page.make_petition_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    choose(dialog.ptype, "recommendation")
    type_into(qtbot, dialog.content, "Kiến nghị sửa đường")
    dialog.add_petitioner(("Người thứ nhất", "", "", "", None))
    dialog.add_petitioner(("Người thứ hai", "123", "", "", None))
    dialog.remove_petitioner(dialog.rows[1])
    assert [r.name.text() for r in dialog.rows] == ["", "Người thứ hai"]
    click_save(qtbot, dialog)
    assert "12 digits" in dialog.errors.message_for("petitioners.1.id_number")


def test_no_petitioner_and_not_anonymous_is_refused(qtbot, page, wait_for_ops):
    dialog = page.make_petition_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    choose(dialog.ptype, "reflection")
    type_into(qtbot, dialog.content, "Phản ánh ô nhiễm")
    click_save(qtbot, dialog)
    assert "at least one petitioner" in dialog.errors.message_for("petitioners")
    dialog.anonymous.setChecked(True)
    wait_for_ops()
    click_save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted


# --- list: tints, filters, confidentiality -------------------------------------------------------


def test_overdue_filter_and_tints(qtbot, page, ctx, wait_for_ops):
    today = date.today()
    ids = [register(ctx, received=today - timedelta(days=back), ref=f"{back}/Đ")
           for back in (0, 3, 8, 10, 12, 40, 70)]
    with ctx.db.session() as s:
        due = {pid: petitions.get_petition(s, pid).next_due_date for pid in ids}
    overdue = {pid for pid, d in due.items() if d < today}
    assert overdue and len(overdue) < len(ids)
    page.refresh()
    wait_for_ops()
    assert page.model.loaded_count() == len(ids)
    for r in range(page.model.loaded_count()):
        pid = page.model.id_at(r)
        left = (due[pid] - today).days
        assert page.model.row_at(r).tint == due_tint(left)
        assert cells(page, r)[COL["Days left"]] == str(left)
    qtbot.mouseClick(page.overdue_check, Qt.MouseButton.LeftButton)
    wait_for_ops()
    assert page.overdue_check.isChecked()
    shown = {page.model.id_at(r) for r in range(page.model.loaded_count())}
    assert shown == overdue
    background = page.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert background.color().name() == TINTS["overdue"][1]
    for r in range(page.model.loaded_count()):
        assert page.model.row_at(r).tint == "overdue"
    qtbot.waitUntil(lambda: page.count_label.text() == f"{len(overdue)} petitions")

    page.overdue_check.setChecked(False)
    wait_for_ops()
    page.due_soon_check.setChecked(True)
    wait_for_ops()
    week = {pid for pid, d in due.items() if d <= today + timedelta(days=7)}
    assert {page.model.id_at(r) for r in range(page.model.loaded_count())} == week
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    wait_for_ops()
    assert page.model.loaded_count() == len(ids)


def test_hot_filter_type_filter_and_search(qtbot, page, ctx, wait_for_ops):
    calm = register(ctx, names=["Lê Văn Cường"])
    wait_for_ops()
    crowd = register(ctx, signers=12, names=["Hoàng Văn Đông"])  # many signers: hot
    wait_for_ops()
    other = register(ctx, petition_type="reflection", names=["Vi Thị Én"])
    wait_for_ops()
    page.refresh()
    wait_for_ops()
    page.hot_check.setChecked(True)
    wait_for_ops()
    assert [page.model.id_at(r) for r in range(page.model.loaded_count())] == [crowd]
    page.hot_check.setChecked(False)
    wait_for_ops()
    choose(page.type_filter, "reflection")
    wait_for_ops()
    assert [page.model.id_at(r) for r in range(page.model.loaded_count())] == [other]
    choose(page.type_filter, None)
    wait_for_ops()
    type_into(qtbot, page.search, "cuong")  # no accents typed
    qtbot.waitUntil(lambda: page.model.loaded_count() == 1, timeout=2000)
    assert page.model.id_at(0) == calm


def test_sorting_by_a_column(qtbot, page, ctx, wait_for_ops):
    today = date.today()
    for ref, back in (("B-2", 5), ("A-1", 1), ("C-3", 3)):
        register(ctx, received=today - timedelta(days=back), ref=ref)
    page.refresh()
    wait_for_ops()
    assert [cells(page, r)[0] for r in range(3)] == ["A-1", "C-3", "B-2"]  # newest first
    page.table.sortByColumn(COL["Reference"], Qt.SortOrder.AscendingOrder)
    wait_for_ops()
    assert [cells(page, r)[0] for r in range(3)] == ["A-1", "B-2", "C-3"]


def test_denunciation_petitioners_are_redacted(qtbot, page, ctx, wait_for_ops):
    secret = register(ctx, petition_type="denunciation", names=["Trần Văn Bảo"],
                      id_number="001200012345", content="Tố cáo cán bộ xã")
    wait_for_ops()
    open_ = register(ctx, petition_type="complaint", names=["Nguyễn Văn An", "Lê Thị Hồng"])
    wait_for_ops()
    page.refresh()
    wait_for_ops()
    denunciation_cells = cells(page, row_of(page, secret))
    assert denunciation_cells[COL["Petitioner"]] == "(confidential)"
    assert not any("Bảo" in c or "001200012345" in c for c in denunciation_cells)
    assert cells(page, row_of(page, open_))[COL["Petitioner"]] == "Nguyễn Văn An and 1 other"
    page.select_petition(secret)
    wait_for_ops()
    assert page.detail.values["petitioners"].text() == "(confidential)"
    # The denouncer cannot be found by name either.
    page.search.setText("Tran Van Bao")
    wait_for_ops()
    page.search.flush()
    wait_for_ops()
    assert page.model.loaded_count() == 0


def test_correcting_a_denunciation_never_shows_the_denouncer(qtbot, page, ctx, wait_for_ops):
    secret = register(ctx, petition_type="denunciation", names=["Trần Văn Bảo"],
                      id_number="001200012345", content="Tố cáo cán bộ xã")
    wait_for_ops()
    page.refresh()
    wait_for_ops()
    page.select_petition(secret)
    wait_for_ops()
    assert "edit" in page.detail.offered_extras()

    def fill(d):
        from PySide6.QtWidgets import QLabel, QLineEdit

        texts = [w.text() for w in d.findChildren(QLineEdit) + d.findChildren(QLabel)
                 if w.isVisible()]
        assert not any("Bảo" in t or "001200012345" in t for t in texts)
        assert d.findChild(QLabel, "petitioners_confidential").text() == "(confidential)"
        d.content.selectAll()
        type_into(qtbot, d.content, "Tố cáo cán bộ địa chính xã")

    press(qtbot, page, "edit", fill)
    wait_for_ops()
    with ctx.db.session() as s:
        p = petitions.get_petition(s, secret)
        assert p.content == "Tố cáo cán bộ địa chính xã"
        assert [(x.full_name, x.id_number) for x in p.petitioners] == [
            ("Trần Văn Bảo", "001200012345")]


# --- attachments -------------------------------------------------------------------------------


def test_attachments_are_checked_stored_and_opened(qtbot, page, ctx, tmp_path, wait_for_ops):
    pid = register(ctx)
    wait_for_ops()
    page.refresh()
    wait_for_ops()
    page.select_petition(pid)
    wait_for_ops()
    fake = tmp_path / "don.pdf"
    fake.write_bytes(b"just some text, not a PDF")
    assert page.detail.add_file(fake) is False
    assert page.detail.file_error.isVisible()
    assert "not a real PDF file" in page.detail.file_error.text()
    assert page.detail.files.rowCount() == 0

    real = tmp_path / "don-goc.pdf"
    real.write_bytes(PDF_BYTES)
    page.detail.choose_file = lambda: str(real)
    qtbot.mouseClick(page.detail.add_file_button, Qt.MouseButton.LeftButton)
    wait_for_ops()
    assert page.detail.files.rowCount() == 1
    assert page.detail.files.item(0, 0).text() == "don-goc.pdf"
    assert not page.detail.file_error.isVisible()
    opened = []
    page.detail.open_url = opened.append
    page.detail.files.selectRow(0)
    wait_for_ops()
    target = page.detail.open_selected_file()
    assert target is not None and target.read_bytes() == PDF_BYTES
    assert opened[0].toLocalFile() == str(target)
    page.detail.files.setFocus()
    page.detail.files.setCurrentCell(0, 0)
    qtbot.keyClick(page.detail.files, Qt.Key.Key_Return)  # Enter on the row opens it too
    assert len(opened) == 2


def test_language_switch_keeps_what_was_typed(qtbot, page, ctx, wait_for_ops):
    pid = register(ctx)
    wait_for_ops()
    page.refresh()
    wait_for_ops()
    page.select_petition(pid)
    wait_for_ops()
    page.search.setText("an")
    wait_for_ops()
    ctx.signals.language_changed.emit("en")
    assert page.search.text() == "an"
    assert page.current_id == pid
    assert page.detail.tabs.tabText(1) == "Timeline"


def test_an_anonymous_denunciation_is_not_offered_acceptance(qtbot, page, ctx,
                                                            wait_for_ops):
    """Luật Tố cáo 2018, Điều 25: handled as information; the other handlings stay."""
    pid = register(ctx, petition_type="denunciation", names=[], anonymous=True,
                   received=date.today() - timedelta(days=3),
                   content="Tố cáo nặc danh cán bộ thu tiền sai quy định")
    page.reload()
    wait_for_ops()
    page.show_petition(pid)
    wait_for_ops()
    press(qtbot, page, "classify", lambda d: d.date.setDate(qdate(date.today())))
    wait_for_ops()
    assert page.detail.view.status == "classified"
    assert "accept" not in offered(page)
    assert {"forward", "archive"} <= set(offered(page))
    assert page.run_action("accept") is False  # refused with the law's words, no dialog
    assert "Điều 25" in page.detail.message.text()


def test_a_party_committee_is_not_offered_to_accept_a_complaint(qtbot, page, ctx,
                                                                wait_for_ops):
    """Complaints against administrative decisions are resolved by state bodies; the
    Party committee guides or forwards them (rules.competence), unless the complaint is
    about a Party discipline decision."""
    pid = register(ctx, received=date.today() - timedelta(days=3))
    page.reload()
    wait_for_ops()
    page.show_petition(pid)
    wait_for_ops()

    def fill(d):
        assert d.party_matter.isVisibleTo(d)  # offered at a Party committee
        d.date.setDate(qdate(date.today()))

    press(qtbot, page, "classify", fill)
    wait_for_ops()
    assert "accept" not in offered(page) and {"guide", "forward"} <= set(offered(page))
    assert page.run_action("accept") is False
    assert "28-HD/VPTW" in page.detail.message.text()


def test_a_mixed_petition_is_offered_a_split_not_an_acceptance(qtbot, page, ctx,
                                                               wait_for_ops):
    pid = register(ctx, petition_type="mixed", received=date.today() - timedelta(days=3),
                   content="Khiếu nại thu hồi đất và tố cáo cán bộ địa chính")
    page.reload()
    wait_for_ops()
    page.show_petition(pid)
    wait_for_ops()
    press(qtbot, page, "classify", lambda d: d.date.setDate(qdate(date.today())))
    wait_for_ops()
    assert "accept" not in offered(page) and "split" in page.detail.offered_extras()

    def fill(d):
        assert d.parts["complaint"].isChecked() and d.parts["denunciation"].isChecked()
        d.date.setDate(qdate(date.today()))

    press(qtbot, page, "split", fill)
    wait_for_ops()
    assert page.detail.view.status == "archived"
    with ctx.db.session() as s:
        kinds = sorted(p.petition_type for p in petitions.list_petitions(
            s, petitions.PetitionFilter(unit_ids=[ctx.unit_id])))
    assert kinds == ["complaint", "denunciation", "mixed"]
