"""The screens commune offices have: every page fits a 1024×768 screen (and so 1366×768)
beside the navigation, in Vietnamese and in English; the main lists show their key columns
without scrolling sideways; the window opens within the screen; a screenshot is exactly
the size asked for."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import struct
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QApplication

from receptiondesk import i18n
from receptiondesk.services import petitions, reception
from receptiondesk.services.reception import SessionInput
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.main_window import PAGE_NAMES, MainWindow
from receptiondesk.ui.worker import wait_for_background

#: the screen, less the taskbar (40 px) and the window's title bar and borders
SCREEN = (1024, 768)
ROOM = (SCREEN[0], SCREEN[1] - 40 - 32)


@pytest.fixture
def ctx(db, session, unit, official, clerk):
    for n in range(3):
        petitions.register_petition(session, unit.id, petitions.PetitionInput(
            received_date=date.today() - timedelta(days=n + 1), petition_type="complaint",
            content="Khiếu nại về việc bồi thường, hỗ trợ, tái định cư khi thu hồi đất",
            field_code="compensation",
            petitioners=[petitions.PetitionerInput("Nguyễn Thị Phương Thảo")]))
    reception.create_session(session, unit.id, SessionInput(
        date.today() - timedelta(days=1), place="Phòng Tiếp công dân UBND xã Mường Phăng",
        presiding_official_id=official.id))
    session.commit()
    return AppContext(db, unit.id, official_id=clerk.id)


def settle_window(window: MainWindow) -> None:
    """Every background job and read finished, its results shown and laid out."""
    from receptiondesk.ui import ops

    for _round in range(3):
        QApplication.processEvents()
        wait_for_background()
        ops.wait()
    QApplication.processEvents()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_fits_a_1024_by_768_screen(qtbot, ctx, lang):
    i18n.set_language(lang)
    window = MainWindow(ctx, None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window.pages))
    too_big = {}
    for name in PAGE_NAMES:
        window.show_page(name)
        settle_window(window)
        # the window is as large as its largest page needs (the pages shown so far stay
        # in the stack): checked after each one, it names the page that is too large
        need = window.minimumSizeHint()
        if need.width() > ROOM[0] or need.height() > ROOM[1]:
            too_big[name] = (need.width(), need.height())
    assert too_big == {}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_main_lists_show_their_key_columns_at_1024_px(qtbot, ctx, lang):
    i18n.set_language(lang)
    window = MainWindow(ctx, None)
    qtbot.addWidget(window)
    window.resize(*ROOM)
    window.show()
    qtbot.waitUntil(lambda: bool(window.pages))
    lists = {"petitions": "table", "reception": "sessions_view", "meetings": "table",
             "inspections": "table", "citizens": "table", "audit": "table"}
    scrolling = []
    for name, attribute in lists.items():
        page = window.show_page(name)
        settle_window(window)
        view = getattr(page, attribute)
        if view.horizontalScrollBar().maximum() > 0:
            scrolling.append(name)
    assert scrolling == []
    petitions_list = window.page("petitions").table
    last = petitions_list.model().columnCount() - 1  # the days left, the clerk's first look
    window.show_page("petitions")
    settle_window(window)
    right = petitions_list.columnViewportPosition(last) + petitions_list.columnWidth(last)
    assert right <= petitions_list.viewport().width()
    # every heading of the petitions list whole, and a usual type ("Recommendation")
    header = petitions_list.horizontalHeader()
    metrics = header.fontMetrics()
    model = petitions_list.model()
    for col in range(model.columnCount()):
        title = str(model.headerData(col, Qt.Orientation.Horizontal))
        assert metrics.horizontalAdvance(title) + 8 <= header.sectionSize(col), title
    usual = i18n._("Recommendation")
    assert petitions_list.fontMetrics().horizontalAdvance(usual) < header.sectionSize(2)


def test_the_window_opens_within_the_screen(qtbot, ctx):
    room = QGuiApplication.primaryScreen().availableGeometry()
    assert room.width() < 1280 or room.height() < 800  # the test screen is the small one
    window = MainWindow(ctx, None)
    qtbot.addWidget(window)
    assert window.width() <= room.width() and window.height() <= room.height()
    assert room.contains(window.pos())


@pytest.mark.sqlite_only("the screenshot command opens a database file")
def test_a_screenshot_is_exactly_the_size_asked_for(ctx, db, tmp_path):
    from receptiondesk.ui.screenshot import take_screenshot

    path = db.engine.url.database
    out = tmp_path / "reception.png"
    take_screenshot(path, None, "vi", "reception", out, size=(1024, 768))
    width, height = struct.unpack(">II", out.read_bytes()[16:24])
    assert (width, height) == (1024, 768)


def test_the_size_option_reads_width_by_height():
    import argparse

    from receptiondesk.cli.window_commands import parse_size

    assert parse_size("1024x768") == (1024, 768)
    assert parse_size("1366×768") == (1366, 768)
    with pytest.raises(argparse.ArgumentTypeError, match="WIDTHxHEIGHT"):
        parse_size("big")


def _dialogs(ctx, db):
    """Each form of a clerk's day, on real records."""
    from sqlalchemy import select

    from receptiondesk.model import Citizen, Petition, ReceptionSession
    from receptiondesk.services import citizens
    from receptiondesk.services.citizens import CitizenInput
    from receptiondesk.ui import citizens as citizen_ui
    from receptiondesk.ui import inspections, meetings
    from receptiondesk.ui import petition_forms as pf
    from receptiondesk.ui.reception_forms import session_form, visit_form

    with db.session() as s:
        citizens.create_citizen(s, ctx.unit_id, CitizenInput("Nguyễn Văn An", 1968))
    with db.session() as s:
        sid = s.scalars(select(ReceptionSession.id)).first()
        pid = s.scalars(select(Petition.id)).first()
        cid = s.scalars(select(Citizen.id)).first()
    return {
        "session": lambda: session_form.SessionDialog(ctx, sid),
        "visit": lambda: visit_form.VisitDialog(ctx, sid),
        "petition": lambda: pf.PetitionDialog(ctx, pid),
        "classify": lambda: pf.ClassifyDialog(ctx, pid),
        "citizen": lambda: citizen_ui.CitizenDialog(ctx, cid),
        "meeting": lambda: meetings.MeetingDialog(ctx),
        "inspection": lambda: inspections.InspectionDialog(ctx),
    }


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_form_fits_1024_by_768_and_starts_in_its_first_field(qtbot, ctx, db, lang):
    i18n.set_language(lang)
    room = QGuiApplication.primaryScreen().availableGeometry()
    too_big = {}
    for name, make in _dialogs(ctx, db).items():
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.activateWindow()
        QApplication.processEvents()
        # keyboard first: the cursor is in the form's first field, not on a button
        focus = QApplication.focusWidget()
        assert focus is not None and focus is dialog.first_field(), (name, focus)
        assert not isinstance(focus, QAbstractButton), name
        need = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
        if need.width() > ROOM[0] or need.height() > ROOM[1]:
            too_big[name] = (need.width(), need.height())
        # opened within the screen's room (this test screen is smaller still: down to
        # the form's minimum)
        assert dialog.width() <= max(room.width(), need.width()), name
        assert dialog.height() <= max(room.height(), need.height()), name
        dialog.done(0)
    assert too_big == {}


def test_no_field_is_crushed_on_1280_by_720_at_125_percent(qtbot, ctx):
    """1280×720 with Windows' 125 % scaling leaves 1024×576 for the window: a page may
    scroll, but no text field or list box is squeezed below the height its text needs."""
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit

    window = MainWindow(ctx, None)
    qtbot.addWidget(window)
    window.resize(1024, 576 - 32)
    window.show()
    qtbot.waitUntil(lambda: bool(window.pages))
    crushed = {}
    for name in PAGE_NAMES:
        page = window.show_page(name)
        settle_window(window)
        fields = (page.findChildren(QLineEdit) + page.findChildren(QComboBox)
                  + page.findChildren(QAbstractSpinBox))
        for field in fields:
            if isinstance(field.parent(), (QAbstractSpinBox, QComboBox)):
                continue  # the text part inside a date or list box: the box is checked
            if field.isVisible() and field.height() < field.minimumSizeHint().height():
                crushed.setdefault(name, []).append(field.objectName() or type(field).__name__)
    assert crushed == {}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_settings_tab_is_in_sight_at_1024_px(qtbot, ctx, lang):
    """No tab of Settings hides behind the tab bar's scroll arrows on a 1024-px screen
    (the national codes' tab did, in both languages)."""
    i18n.set_language(lang)
    window = MainWindow(ctx, None)
    qtbot.addWidget(window)
    window.resize(*ROOM)
    window.show()
    qtbot.waitUntil(lambda: bool(window.pages))
    page = window.show_page("settings")
    settle_window(window)
    bar = page.tabs.tabBar()
    hidden = [bar.tabText(i) for i in range(bar.count())
              if bar.tabRect(i).right() > bar.width() or bar.tabRect(i).left() < 0]
    assert hidden == []
    assert sum(bar.tabRect(i).width() for i in range(bar.count())) <= page.tabs.width()
