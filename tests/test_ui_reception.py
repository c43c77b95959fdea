"""The reception log driven through its real widgets: sessions with visits, a citizen
picked by an unaccented part of the name or created inline, a delegation, a petition
registered in one step, errors shown at their fields, search and the repeat finder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import func, select

from receptiondesk.model import Citizen, Petition, ReceptionSession, Visit
from receptiondesk.services import citizens, petitions, reception
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.petitions import PetitionerInput, PetitionInput
from receptiondesk.services.reception import SessionInput, VisitInput
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.reception import ReceptionPage
from receptiondesk.ui.reception_forms.session_form import SessionDialog
from receptiondesk.ui.reception_forms.visit_form import VisitDialog
from receptiondesk.ui.worker import wait_for_background

YESTERDAY = date.today() - timedelta(days=1)


@pytest.fixture
def anh(session, unit):
    """A citizen already in the directory."""
    return citizens.create_citizen(
        session, unit.id,
        CitizenInput("Nguyễn Văn Ánh", 1968, "male", "011068001234", "Thôn Bản Phăng"),
    )


@pytest.fixture
def ctx(db, session, unit, official, clerk, anh):
    session.commit()  # the page works in its own units of work
    return AppContext(db, unit.id, official_id=clerk.id)


@pytest.fixture
def page(qtbot, ctx):
    # Background jobs an earlier test left running report to widgets that are gone;
    # let them finish now so their errors are not taken for this test's.
    with qtbot.capture_exceptions():
        wait_for_background()
        QApplication.processEvents()
    page = ReceptionPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.activate()
    loaded(qtbot, page)
    yield page
    wait_for_background()


def loaded(qtbot, page: ReceptionPage) -> None:
    """Wait until the lists (read in the background) are shown."""
    qtbot.waitUntil(lambda: not page.is_loading(), timeout=5000)


def count(db, model, *where) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def cells(model, column: int) -> list[str]:
    return [model.row_at(r).cells[column] for r in range(model.rowCount())]


def scripted(monkeypatch, dialog_cls, *scripts: Callable) -> list:
    """Replace the modal exec() of a dialog class: each call runs the next script on the
    real dialog (typing, clicking) and returns its result, as the user would have."""
    queue = list(scripts)
    shown: list = []

    def exec_(self) -> int:
        shown.append(self)
        queue.pop(0)(self)
        return self.result()

    monkeypatch.setattr(dialog_cls, "exec", exec_)
    return shown


def save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def choose(box, code) -> None:
    box.setCurrentIndex(box.findData(code))


def type_into(qtbot, widget, text: str) -> None:
    """Type like a Vietnamese keyboard: one key event per character, with its text
    (QTest.keyClicks only knows ASCII)."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                     ch))
    qtbot.wait(1)


def pick_citizen(qtbot, dialog: VisitDialog, typed: str) -> None:
    """Type part of a name, wait for the matches, take the first with Down and Enter."""
    type_into(qtbot, dialog.picker, typed)
    qtbot.waitUntil(lambda: dialog.matches.rowCount() > 0 and dialog.completer.popup()
                    .isVisible(), timeout=3000)
    popup = dialog.completer.popup()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.citizen_id is not None, timeout=2000)


def double_click(qtbot, view, index) -> None:
    """Press, release, then the double click, as a mouse sends them."""
    pos = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def fill_session(qtbot, dialog: SessionDialog, day: date = YESTERDAY) -> None:
    dialog.date.setDate(day)
    type_into(qtbot, dialog.place, "Phòng tiếp công dân")
    choose(dialog.kind, "unscheduled")


# --- a whole session --------------------------------------------------------------


def test_session_with_two_visits_and_a_delegation(qtbot, monkeypatch, page, ctx, db, anh):
    def existing_citizen(v: VisitDialog) -> None:
        pick_citizen(qtbot, v, "van anh")
        assert "Nguyễn Văn Ánh" in v.picked.text()
        assert v.new_name.isHidden()  # the inline group gives way to the picked citizen
        type_into(qtbot, v.content, "Tranh chấp đất đai với hộ bên cạnh")
        choose(v.field, "land")
        choose(v.handling, "guide")
        save(qtbot, v)

    def new_citizen(v: VisitDialog) -> None:
        type_into(qtbot, v.picker, "Trần Thị Bình")  # not in the directory
        qtbot.waitUntil(lambda: not v.search_timer.isActive())
        assert v.citizen_id is None and not v.new_name.isHidden()
        v.new_name.clear()
        type_into(qtbot, v.new_name, "Trần Thị Bình")
        type_into(qtbot, v.new_birth_year, "1980")
        choose(v.new_gender, "female")
        type_into(qtbot, v.new_id_number, "012345678901")
        type_into(qtbot, v.new_address, "Bản Co Đứa")
        type_into(qtbot, v.content, "Đề nghị chi trả trợ cấp người có công")
        choose(v.field, "social_policy")
        save(qtbot, v)

    def delegation(v: VisitDialog) -> None:
        assert v.representatives.isHidden()
        v.head_count.setValue(7)
        assert not v.representatives.isHidden()  # a delegation names its representatives
        type_into(qtbot, v.representatives, "Lò Văn Pháng")
        v.representatives.appendPlainText("Quàng Thị Mai")
        type_into(qtbot, v.content, "Đề nghị bồi thường khi thu hồi đất làm đường")
        choose(v.field, "compensation")
        save(qtbot, v)

    def session_form(d: SessionDialog) -> None:
        fill_session(qtbot, d)
        choose(d.presiding, d.presiding.itemData(1))
        for _ in range(3):
            qtbot.mouseClick(d.add_visit_button, Qt.MouseButton.LeftButton)
        assert d.visits_model.rowCount() == 3
        save(qtbot, d)

    visits = scripted(monkeypatch, VisitDialog, existing_citizen, new_citizen, delegation)
    sessions = scripted(monkeypatch, SessionDialog, session_form)
    qtbot.mouseClick(page.new_session_button, Qt.MouseButton.LeftButton)

    assert len(sessions) == 1 and len(visits) == 3
    assert all(v.result() for v in visits)
    loaded(qtbot, page)
    assert page.sessions_model.rowCount() == 1
    row = page.sessions_model.row_at(0)
    assert row.cells[2] == "Unscheduled" and row.cells[5] == "Phòng tiếp công dân"
    assert row.cells[6:] == ["3", "9"]  # visits, people received
    assert page.selected_session_id() == row.id
    assert cells(page.visits_model, 2) == [
        "Nguyễn Văn Ánh", "Trần Thị Bình",
        "Delegation of 7 people: Lò Văn Pháng, Quàng Thị Mai",
    ]
    assert cells(page.visits_model, 0) == ["1", "2", "3"]
    assert "3 visits in the selected session" in page.visits_title.text()
    assert count(db, Citizen, Citizen.full_name == "Trần Thị Bình",
                 Citizen.id_number == "012345678901") == 1
    with db.session() as s:
        visit = s.scalar(select(Visit).where(Visit.seq == 3))
        assert visit.is_delegation and visit.head_count == 7 and visit.citizen_id is None


def test_double_click_opens_the_forms(qtbot, monkeypatch, page, ctx, db, anh):
    with db.session() as s:
        rs = reception.create_session(s, ctx.unit_id, SessionInput(YESTERDAY, place="Hội trường",
                                      presiding_official_id=ctx.official_id))
        reception.add_visit(s, rs.id, VisitInput("Xin cấp sổ đỏ", citizen_id=anh.id))
    page.refresh()
    loaded(qtbot, page)
    opened: list = []
    monkeypatch.setattr(SessionDialog, "exec", lambda self: opened.append(self) or 0)
    monkeypatch.setattr(VisitDialog, "exec", lambda self: opened.append(self) or 0)
    double_click(qtbot, page.sessions_view, page.sessions_model.index(0, 1))
    double_click(qtbot, page.visits_view, page.visits_model.index(0, 3))
    assert [type(d) for d in opened] == [SessionDialog, VisitDialog]
    assert opened[0].place.text() == "Hội trường"
    assert opened[1].picker.text() == "Nguyễn Văn Ánh"
    assert opened[1].content.toPlainText() == "Xin cấp sổ đỏ"


# --- a petition from a visit ------------------------------------------------------


@pytest.fixture
def rsession(db, ctx):
    with db.session() as s:
        return reception.create_session(
            s, ctx.unit_id, SessionInput(YESTERDAY, presiding_official_id=ctx.official_id)).id


def test_register_a_petition_from_the_visit_in_one_step(qtbot, page, ctx, db, rsession):
    dialog = page.make_visit_dialog(rsession)
    pick_citizen(qtbot, dialog, "nguyen van")
    type_into(qtbot, dialog.content, "Khiếu nại quyết định thu hồi đất")
    choose(dialog.petition_type, "complaint")
    choose(dialog.field, "land")
    dialog.register.setChecked(True)
    save(qtbot, dialog)
    assert dialog.result()
    with db.session() as s:
        petition = s.scalar(select(Petition).where(Petition.visit_id == dialog.result_id))
        assert petition is not None
        assert petition.petition_type == "complaint" and petition.source_code == "reception"
        assert [p.full_name for p in petition.petitioners] == ["Nguyễn Văn Ánh"]


def test_a_full_id_number_and_enter_picks_the_citizen(qtbot, page, db, rsession, anh):
    dialog = page.make_visit_dialog(rsession)
    dialog.show()
    type_into(qtbot, dialog.picker, "0110 6800 1234")
    qtbot.keyClick(dialog.picker, Qt.Key.Key_Return)
    assert dialog.citizen_id == anh.id and dialog.isVisible()  # picked, not saved
    assert dialog.picker.text() == "Nguyễn Văn Ánh"


def test_a_refused_petition_leaves_no_visit_behind(qtbot, page, db, rsession):
    """The petition is registered in the same unit of work: no type, nothing saved."""
    dialog = page.make_visit_dialog(rsession)
    pick_citizen(qtbot, dialog, "anh")
    type_into(qtbot, dialog.content, "Khiếu nại quyết định thu hồi đất")
    dialog.register.setChecked(True)
    save(qtbot, dialog)
    assert not dialog.result()
    assert "Petition type is required." in dialog.errors.message_for("petition_type")
    assert count(db, Visit) == 0 and count(db, Petition) == 0


def test_register_button_on_the_page(qtbot, page, ctx, db, rsession, anh):
    with db.session() as s:
        visit_id = reception.add_visit(
            s, rsession, VisitInput("Kiến nghị làm đường", citizen_id=anh.id,
                                    petition_type="recommendation")).id
    page.refresh()
    loaded(qtbot, page)
    assert page.open_record("visit", visit_id)
    loaded(qtbot, page)
    assert page.selected_visit_id() == visit_id
    assert page.register_button.isEnabled()
    qtbot.mouseClick(page.register_button, Qt.MouseButton.LeftButton)
    assert count(db, Petition, Petition.visit_id == visit_id) == 1
    assert not page.register_button.isEnabled()  # only once per visit


# --- errors at their fields -------------------------------------------------------


def test_an_eleven_digit_id_number_is_shown_at_its_field(qtbot, page, db, rsession):
    dialog = page.make_visit_dialog(rsession)
    dialog.show()
    type_into(qtbot, dialog.new_name, "Trần Văn Cường")
    type_into(qtbot, dialog.new_id_number, "01234567890")
    type_into(qtbot, dialog.content, "Đề nghị cấp lại giấy tờ")
    before = count(db, Citizen)
    save(qtbot, dialog)
    assert not dialog.result()
    message = dialog.errors.message_for("new_citizen.id_number")
    assert "exactly 12 digits" in message
    error_label = dialog.findChild(type(dialog.picked), "error_new_citizen.id_number")
    assert error_label.isVisible() and error_label.text() == message
    # The message sits right under the ID number, in the same form column.
    row, _role = dialog.form.getWidgetPosition(dialog.new_id_number)
    assert dialog.form.getWidgetPosition(error_label)[0] == row + 1
    assert dialog.errors.message_for("content") == ""
    assert count(db, Citizen) == before and count(db, Visit) == 0


def test_a_session_date_in_the_future_is_refused_at_its_field(qtbot, page, db):
    dialog = page.make_session_dialog()
    dialog.show()
    fill_session(qtbot, dialog, day=date.today() + timedelta(days=3))
    save(qtbot, dialog)
    assert not dialog.result()
    assert dialog.errors.message_for("session_date") == "Session date cannot be in the future."
    assert count(db, ReceptionSession) == 0
    # Adding a visit first saves the session: refused the same way.
    qtbot.mouseClick(dialog.add_visit_button, Qt.MouseButton.LeftButton)
    assert dialog.session_id is None and count(db, ReceptionSession) == 0


def test_a_delegation_needs_its_representatives(qtbot, page, db, rsession):
    dialog = page.make_visit_dialog(rsession)
    dialog.head_count.setValue(5)
    type_into(qtbot, dialog.content, "Phản ánh ô nhiễm suối")
    save(qtbot, dialog)
    assert dialog.errors.message_for("representatives") == "Representatives is required."
    assert count(db, Visit) == 0


# --- search -----------------------------------------------------------------------


def test_search_by_an_unaccented_name_filters_the_visits(qtbot, page, ctx, db, rsession, anh):
    with db.session() as s:
        binh = citizens.create_citizen(s, ctx.unit_id, CitizenInput("Trần Thị Bình"))
        reception.add_visit(s, rsession, VisitInput("Tranh chấp ranh giới", citizen_id=anh.id))
        reception.add_visit(s, rsession, VisitInput("Trợ cấp người có công",
                                                    citizen_id=binh.id))
    page.refresh()
    loaded(qtbot, page)
    qtbot.mouseClick(page.all_visits, Qt.MouseButton.LeftButton)
    loaded(qtbot, page)
    assert page.all_visits.isChecked() and page.visits_model.rowCount() == 2
    page.focus_search()
    type_into(qtbot, page.search, "tran thi binh")
    qtbot.waitUntil(lambda: page.visits_model.rowCount() == 1, timeout=2000)
    assert cells(page.visits_model, 2) == ["Trần Thị Bình"]
    assert page.sessions_model.rowCount() == 1  # the session that received her
    page.search.clear()
    qtbot.waitUntil(lambda: page.visits_model.rowCount() == 2, timeout=2000)


def test_period_and_field_filters(qtbot, page, ctx, db, anh):
    with db.session() as s:
        old = reception.create_session(s, ctx.unit_id, SessionInput(
            date(2020, 5, 4), presiding_official_id=ctx.official_id))
        reception.add_visit(s, old.id, VisitInput("Đất đai", citizen_id=anh.id,
                                                  field_code="land"))
        new = reception.create_session(s, ctx.unit_id, SessionInput(
            YESTERDAY, presiding_official_id=ctx.official_id))
        reception.add_visit(s, new.id, VisitInput("Môi trường", citizen_id=anh.id,
                                                  field_code="environment"))
    page.refresh()
    loaded(qtbot, page)
    choose(page.period, "all")
    loaded(qtbot, page)
    assert page.sessions_model.rowCount() == 2
    assert page.sessions_title.text() == "2 reception sessions"
    choose(page.period, "year")
    loaded(qtbot, page)
    assert page.sessions_model.rowCount() == (1 if YESTERDAY.year == date.today().year else 0)
    choose(page.period, "all")
    page.all_visits.setChecked(True)
    choose(page.field, "land")
    loaded(qtbot, page)
    assert cells(page.visits_model, 3) == ["Đất đai"]
    assert page.visits_title.text() == "1 visit in the period"


# --- repeat petitions -------------------------------------------------------------


def test_repeat_panel_lists_the_citizens_earlier_petition_and_links_it(
        qtbot, page, ctx, db, rsession, anh):
    with db.session() as s:
        earlier = petitions.register_petition(s, ctx.unit_id, PetitionInput(
            received_date=date(2025, 6, 2), petition_type="complaint", source_code="post",
            content="Khiếu nại việc thu hồi đất nông nghiệp", ref="15/2025",
            petitioners=[PetitionerInput("Nguyễn Văn Ánh", citizen_id=anh.id)])).id
    dialog = page.make_visit_dialog(rsession)
    pick_citizen(qtbot, dialog, "Ánh")
    qtbot.waitUntil(lambda: [p.id for p in dialog.repeat_rows("same")] == [earlier],
                    timeout=3000)
    assert dialog.same_list.topLevelItemCount() == 1
    item = dialog.same_list.topLevelItem(0)
    assert item.text(0) == "02/06/2025" and item.text(1) == "Complaint"
    assert item.data(0, Qt.ItemDataRole.UserRole) == earlier
    assert not dialog.link_duplicate.isEnabled()
    dialog.same_list.setCurrentItem(item)
    qtbot.mouseClick(dialog.link_duplicate, Qt.MouseButton.LeftButton)
    assert dialog.register.isChecked()
    assert "duplicate of petition 15/2025" in dialog.link_note.text()
    type_into(qtbot, dialog.content, "Lại khiếu nại việc thu hồi đất")
    choose(dialog.petition_type, "complaint")
    save(qtbot, dialog)
    assert dialog.result()
    with db.session() as s:
        new = s.scalar(select(Petition).where(Petition.visit_id == dialog.result_id))
        assert new.duplicate_of_id == earlier


def test_similar_content_appears_while_typing(qtbot, page, ctx, db, rsession):
    with db.session() as s:
        petitions.register_petition(s, ctx.unit_id, PetitionInput(
            received_date=date(2025, 6, 2), petition_type="complaint", source_code="post",
            content="Tranh chấp đất đai với hàng xóm ở thôn Bản Phăng",
            petitioners=[PetitionerInput("Lò Văn Pháng")]))
    dialog = page.make_visit_dialog(rsession)
    type_into(qtbot, dialog.content, "tranh chap dat dai")
    qtbot.waitUntil(lambda: bool(dialog.repeat_rows("similar")), timeout=3000)
    assert dialog.similar_list.topLevelItem(0).text(2).startswith("Tranh chấp đất đai")
    assert dialog.repeat_rows("same") == []


def test_language_switch_keeps_typed_input(qtbot, page, ctx, rsession):
    from receptiondesk.i18n import set_language

    dialog = page.make_visit_dialog(rsession)
    type_into(qtbot, dialog.content, "Nội dung đang gõ")
    try:
        set_language("vi")
        ctx.signals.language_changed.emit("vi")
        assert dialog.content.toPlainText() == "Nội dung đang gõ"
    finally:
        set_language("en")
        ctx.signals.language_changed.emit("en")
    assert dialog.labels["content"].text() == "Content"
    assert page.new_session_button.text() == "New session…"
