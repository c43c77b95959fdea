"""The application shell driven through its real widgets: the first-run wizard, the main
window and its pages, the dashboard's figures, switching the language without losing typed
text, the remembered window state, the global search, and Settings.

Also the two Qt-free services behind them: dashboard figures and lookup editing.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QWizard
from sqlalchemy import func, select

from receptiondesk import i18n
from receptiondesk.model import CalendarDay, Official, Petition, Unit
from receptiondesk.services import citizens, lookups, petitions, reception
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.dashboard import dashboard_figures, duty_check
from receptiondesk.services.errors import ValidationError
from receptiondesk.services.petitions import PetitionerInput, PetitionInput
from receptiondesk.services.reception import SessionInput
from receptiondesk.services.search_results import redacted
from receptiondesk.services.units import home_unit
from receptiondesk.ui.app import app_settings
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.first_run import FirstRunWizard, suggest_code
from receptiondesk.ui.main_window import PAGES, MainWindow
from receptiondesk.ui.worker import wait_for_background

TODAY = date.today()

# Vietnamese texts used when the catalog in the checkout does not translate them yet, so
# that a language switch is visible whatever the state of the translations.
#: what the Vietnamese catalog must say for these messages (a missing translation fails)
VIETNAMESE = {
    "Reception log": "Sổ tiếp công dân",
    "Settings": "Cài đặt",
    "Full name:": "Họ và tên:",
    "Welcome to ReceptionDesk": "Chào mừng đến với ReceptionDesk",
}


@pytest.fixture
def vietnamese():
    """The application in Vietnamese, with its real catalog; yields the expected texts."""
    previous = i18n.current_language()
    i18n.set_language("vi")
    yield VIETNAMESE
    i18n.set_language(previous)


@pytest.fixture
def ctx(db, session, unit, official):
    session.commit()  # the widgets work in their own units of work
    return AppContext(db, unit.id, official_id=official.id)


def type_text(widget, text: str) -> None:
    """Type ``text`` key by key (QTest's keyClicks cannot type Vietnamese letters)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def _register(session, unit_id: str, received: date, name: str = "Trần Thị Bình",
              petition_type: str = "recommendation", content: str = "Đề nghị sửa đường") -> str:
    p = petitions.register_petition(session, unit_id, PetitionInput(
        received_date=received, petition_type=petition_type, content=content,
        field_code="land", petitioners=[PetitionerInput(name)]))
    return p.id


def _count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def _window(qtbot, ctx, settings=None) -> MainWindow:
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window.pages))  # the first page is shown on a zero timer
    return window


# --- first run -------------------------------------------------------------------------


def _next(qtbot, wizard: FirstRunWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def test_first_run_creates_the_office_and_its_first_official(qtbot, db):
    wizard = FirstRunWizard(db, app_settings())
    qtbot.addWidget(wizard)
    wizard.show()
    _next(qtbot, wizard)
    assert wizard.currentId() == 1
    type_text(wizard.office.name, "Ủy ban nhân dân xã Tân Lập")
    assert wizard.office.code.text() == "UY-BAN-NHAN-DAN-XA-TAN-LAP"  # suggested
    wizard.office.kind.setCurrentIndex(wizard.office.kind.findData("party"))
    type_text(wizard.office.place_name, "Tân Lập")
    wizard.office.remote_area.setChecked(True)
    _next(qtbot, wizard)
    assert wizard.currentId() == 2
    # A Party committee's head who receives citizens is its secretary.
    assert wizard.official.duty_role.currentData() == "party_secretary"
    type_text(wizard.official.full_name, "Lò Văn Thành")
    type_text(wizard.official.position, "Bí thư Đảng ủy xã")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)

    assert wizard.result() == QWizard.DialogCode.Accepted
    ctx = wizard.context
    assert ctx is not None and ctx.official_id
    with db.session() as s:
        unit = home_unit(s)
        assert unit is not None and unit.id == ctx.unit_id
        assert (unit.name, unit.kind, unit.place_name, unit.remote_area) == (
            "Ủy ban nhân dân xã Tân Lập", "party", "Tân Lập", True)
        official = s.get(Official, ctx.official_id)
        assert (official.full_name, official.duty_role) == ("Lò Văn Thành", "party_secretary")


def test_first_run_shows_an_empty_unit_name_at_its_field_and_creates_nothing(qtbot, db):
    wizard = FirstRunWizard(db, app_settings())
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.fill_office("", code="XA-1")
    wizard.fill_official("Lò Văn Thành")
    assert wizard.finish() is None
    assert wizard.currentId() == 1  # brought to the page of the error
    assert wizard.office_errors.message_for("name") == "Unit name is required."
    assert wizard.office_errors.message_for("code") == ""
    assert wizard.office.findChild(QLabel, "error_name").isVisible()
    assert _count(db, Unit) == 0 and _count(db, Official) == 0

    # Corrected, Finish goes through, and the driver API gives the same result.
    type_text(wizard.office.name, "Xã Mường Phăng")
    ctx = wizard.finish()
    assert ctx is not None
    assert _count(db, Unit) == 1 and _count(db, Official) == 1


def test_first_run_official_error_is_shown_on_the_official_page(qtbot, db):
    wizard = FirstRunWizard(db, None)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.fill_office("Xã Mường Phăng")
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    assert wizard.currentId() == 2
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.official_errors.message_for("full_name") == "Full name is required."
    assert wizard.context is None and _count(db, Unit) == 0


def test_first_run_language_relabels_the_wizard_and_is_remembered(qtbot, db, vietnamese):
    i18n.set_language("en")
    settings = app_settings()
    wizard = FirstRunWizard(db, settings)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.welcome.title() == "Welcome to ReceptionDesk"
    combo = wizard.welcome.language
    combo.setCurrentIndex(combo.findData("vi"))
    assert i18n.current_language() == "vi"
    assert wizard.welcome.title() == vietnamese["Welcome to ReceptionDesk"]
    assert settings.value("ui/language") == "vi"
    combo.setCurrentIndex(combo.findData("en"))
    assert wizard.welcome.title() == "Welcome to ReceptionDesk"
    assert app_settings().value("ui/language") == "en"


def test_first_run_cancel_returns_no_context(qtbot, db):
    wizard = FirstRunWizard(db, None)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CancelButton), Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Rejected and wizard.context is None


def test_first_run_can_make_a_demo_database(qtbot, db):
    pytest.importorskip("receptiondesk.demo")
    wizard = FirstRunWizard(db, None)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.mouseClick(wizard.welcome.demo, Qt.MouseButton.LeftButton)
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isVisible()  # the wizard ends here
    assert not wizard.button(QWizard.WizardButton.NextButton).isVisible()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Accepted
    ctx = wizard.context
    assert ctx is not None
    assert _count(db, Petition) > 0
    with db.session() as s:
        assert home_unit(s).id == ctx.unit_id

def test_suggested_unit_code():
    assert suggest_code("Đảng ủy xã Mường Phăng") == "DANG-UY-XA-MUONG-PHANG"
    assert suggest_code("") == ""


# --- main window -----------------------------------------------------------------------


@pytest.mark.parametrize("name,module", [(p[0], p[1]) for p in PAGES])
def test_every_page_can_be_shown(qtbot, ctx, name, module):
    pytest.importorskip(f"receptiondesk.ui.{module}")
    window = _window(qtbot, ctx)
    window.resize(1366, 768)
    page = window.show_page(name)
    wait_for_background()
    qtbot.wait(10)
    assert window.stack.currentWidget() is page
    assert window.current_name() == name
    assert page.isVisible()


def test_window_geometry_and_last_page_are_restored(qtbot, ctx):
    settings = app_settings()
    window = _window(qtbot, ctx, settings)
    window.resize(760, 560)  # within the offscreen screen (800×600)
    window.show_page("settings")
    window.close()  # saves the state

    again = MainWindow(ctx, app_settings())
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.current_name() == "settings")
    assert (again.width(), again.height()) == (760, 560)
    assert again.stack.currentWidget() is again.pages["settings"]


def test_window_frame_is_shown_before_the_database_then_opens_the_office(qtbot, ctx):
    settings = app_settings()
    settings.setValue("window/page", "citizens")
    window = MainWindow(None, settings)  # start-up paints this before opening the file
    qtbot.addWidget(window)
    window.show()
    assert not window.isEnabled()  # no page, menu or shortcut works without a database
    assert window.statusBar().currentMessage() == "Opening the database…"
    assert not window.pages
    window.attach(ctx)
    qtbot.waitUntil(lambda: "citizens" in window.pages)
    assert window.isEnabled()
    assert window.current_name() == "citizens"
    assert window.unit_label.text() == "Đảng ủy xã Mường Phăng"


def test_language_switch_relabels_navigation_and_keeps_typed_text(qtbot, ctx, vietnamese):
    settings = app_settings()
    window = _window(qtbot, ctx, settings)
    reception_item = window.nav.item([p[0] for p in PAGES].index("reception"))
    assert reception_item.text() == vietnamese["Reception log"]
    page = window.show_page("settings")
    dialog = page.make_official_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.full_name, "Trần Văn Bình")
    caption = dialog.labels["full_name"][0]
    assert caption.text() == vietnamese["Full name:"]

    combo = page.language_tab.language
    combo.setCurrentIndex(combo.findData("en"))
    assert reception_item.text() == "Reception log"
    assert caption.text() == "Full name:"
    assert dialog.full_name.text() == "Trần Văn Bình"
    assert settings.value("ui/language") == "en"

    combo.setCurrentIndex(combo.findData("vi"))
    assert reception_item.text() == vietnamese["Reception log"]
    assert dialog.full_name.text() == "Trần Văn Bình"
    # The form can still be saved after the switch, with what was typed.
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)
    with ctx.db.session() as s:
        assert s.scalar(select(Official).where(Official.full_name == "Trần Văn Bình"))


# --- dashboard -------------------------------------------------------------------------


def test_dashboard_shows_overdue_petitions_and_opens_them(qtbot, db, session, unit, official):
    overdue = [_register(session, unit.id, TODAY - timedelta(days=60 + i)) for i in range(3)]
    _register(session, unit.id, TODAY)  # its deadlines are weeks away
    session.commit()
    ctx = AppContext(db, unit.id)
    window = _window(qtbot, ctx)
    page = window.show_page("dashboard")
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)
    assert page.overdue_card.number.text() == "3"
    assert page.soon_card.number.text() == "0"
    assert set(page.attention_ids()) == set(overdue)
    first = page.attention.visualItemRect(page.attention.item(0, 1)).center()
    with qtbot.waitSignal(ctx.signals.open_record) as opened:
        qtbot.mouseClick(page.attention.viewport(), Qt.MouseButton.LeftButton, pos=first)
    assert opened.args == ["petition", page.attention_ids()[0]]

    # A new overdue petition elsewhere: the dashboard follows the change.
    _register(session, unit.id, TODAY - timedelta(days=90))
    session.commit()
    window.show_page("dashboard")
    ctx.signals.data_changed.emit("petition")
    qtbot.waitUntil(lambda: page.overdue_card.number.text() == "4", timeout=10_000)


def test_dashboard_figures_service(session, unit, official):
    _register(session, unit.id, TODAY - timedelta(days=60))
    _register(session, unit.id, TODAY)
    month_start = TODAY.replace(day=1)
    for day, kind in ((month_start, "regular"), (month_start, "dialogue"),
                      (TODAY, "routine")):
        reception.create_session(session, unit.id, SessionInput(
            session_date=day, kind=kind, presiding_official_id=official.id))
    figures = dashboard_figures(session, [unit.id], TODAY)
    assert (figures.open_count, figures.overdue_count) == (2, 1)
    assert figures.sessions_month == {"regular": 1, "dialogue": 1, "routine": 1}
    assert sum(n for _m, n in figures.by_month) == 2
    assert figures.by_month[-1] == ((TODAY.year, TODAY.month), 1)
    assert dict(figures.by_field) == {"land": 2}
    assert "land" in figures.field_names


def test_duty_check_counts_distinct_days_of_reception_kinds(session, unit, official):
    last = TODAY.replace(day=1) - timedelta(days=1)  # the last day of last month
    first = last.replace(day=1)
    for day, kind in ((first, "regular"), (first, "unscheduled"), (last, "dialogue"),
                      (first + timedelta(days=1), "routine")):
        reception.create_session(session, unit.id, SessionInput(
            session_date=day, kind=kind, presiding_official_id=official.id))
    rows = duty_check(session, [unit.id], TODAY)
    assert [r.official_id for r in rows] == [official.id]
    month = next(m for m in rows[0].months if (m.year, m.month) == (first.year, first.month))
    # Two distinct days: the same day twice counts once, a routine desk not at all.
    assert month.held == 2
    assert month.met == (month.held >= month.required)


# --- search ----------------------------------------------------------------------------


def test_search_by_unaccented_name_finds_and_opens_the_citizen(qtbot, db, session, unit):
    an = citizens.create_citizen(session, unit.id, CitizenInput(
        "Nguyễn Văn An", 1970, "male", "011070001234", "Thôn Bản Phăng"))
    citizens.create_citizen(session, unit.id, CitizenInput("Trần Thị Bình", 1980))
    session.commit()
    ctx = AppContext(db, unit.id)
    from receptiondesk.ui.search_dialog import SearchDialog

    dialog = SearchDialog(ctx, "")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.query, "nguyen van an")
    qtbot.waitUntil(lambda: not dialog.is_searching() and dialog.model.rowCount() > 0)
    names = [row[1] for row in dialog.result_texts()]
    assert any(n.startswith("Nguyễn Văn An") for n in names)
    assert not any("Trần Thị Bình" in n for n in names)

    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)  # to the results
    assert dialog.focusWidget() is dialog.table
    with qtbot.waitSignal(ctx.signals.open_record) as opened:
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert opened.args == ["citizen", an.id]
    assert dialog.result() == dialog.DialogCode.Accepted


def test_search_never_shows_a_denouncers_name(qtbot, db, session, unit):
    _register(session, unit.id, TODAY, name="Nguyễn Văn An", petition_type="denunciation",
              content="Tố cáo cán bộ địa chính nhận tiền")
    session.commit()
    from receptiondesk.ui.search_dialog import SearchDialog

    dialog = SearchDialog(AppContext(db, unit.id), "dia chinh")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.is_searching())
    rows = dialog.result_texts()
    assert len(rows) == 1
    assert "Nguyễn Văn An" not in " ".join(rows[0])
    assert redacted() in rows[0][1]
    assert "địa chính" in rows[0][3]


# --- settings --------------------------------------------------------------------------


@pytest.fixture
def settings_page(qtbot, ctx):
    from receptiondesk.ui.settings import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1180, 660)
    page.show()
    return page


def _save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def test_settings_adds_an_official_and_shows_errors_at_the_field(qtbot, settings_page,
                                                                  wait_for_ops):
    dialog = settings_page.make_official_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    _save(qtbot, dialog)
    assert dialog.errors.message_for("full_name") == "Full name is required."
    assert dialog.isVisible()
    type_text(dialog.full_name, "Quàng Văn Pọm")
    type_text(dialog.position, "Chủ tịch UBND xã")
    dialog.duty_role.setCurrentIndex(dialog.duty_role.findData("committee_chairman"))
    _save(qtbot, dialog)
    assert not dialog.isVisible()
    model = settings_page.officials_tab.model
    wait_for_ops()  # the list reads again on a worker
    rows = [model.row_at(r).cells for r in range(model.rowCount())]
    assert ["Quàng Văn Pọm", "Chủ tịch UBND xã", "People's Committee chairman", "Yes"] in rows


def test_settings_office_details_are_saved_with_errors_at_fields(qtbot, settings_page, ctx,
                                                               wait_for_ops):
    settings_page.show_tab("office")
    office = settings_page.office_tab
    wait_for_ops()  # the details arrive from the worker
    assert office.name.text()
    office.name.clear()
    qtbot.mouseClick(office.save_button, Qt.MouseButton.LeftButton)
    assert office.errors.message_for("name") == "Unit name is required."
    type_text(office.name, "Đảng ủy xã Mường Phăng mới")
    qtbot.mouseClick(office.save_button, Qt.MouseButton.LeftButton)
    assert office.errors.message_for("name") == ""
    with ctx.db.session() as s:
        assert s.get(Unit, ctx.unit_id).name == "Đảng ủy xã Mường Phăng mới"
    # The remote-area flag moves deadlines: the open petitions' due dates follow.
    office.remote_area.setChecked(True)
    with qtbot.waitSignal(ctx.signals.data_changed, timeout=10_000,
                          check_params_cb=lambda kind: kind == "petition"):
        qtbot.mouseClick(office.save_button, Qt.MouseButton.LeftButton)
    with ctx.db.session() as s:
        assert s.get(Unit, ctx.unit_id).remote_area


def test_saving_office_details_keeps_the_dissolution_and_the_successor(qtbot, settings_page,
                                                                      ctx, wait_for_ops):
    """The form does not edit them; saving it must not clear them (two-tier government)."""
    from datetime import date as _date

    from receptiondesk.services import units

    with ctx.db.session(write=True) as s:
        units.create_unit(s, units.UnitInput("TU-X", "Tỉnh ủy X", "province", "party"))
        home = s.get(Unit, ctx.unit_id)
        units.update_unit(s, home.id, units.UnitInput(
            home.code, home.name, home.level, home.kind, dissolved_on=_date(2025, 7, 1),
            successor_code="TU-X"))
    settings_page.show_tab("office")
    office = settings_page.office_tab
    office.load()
    wait_for_ops()
    qtbot.mouseClick(office.save_button, Qt.MouseButton.LeftButton)
    with ctx.db.session() as s:
        home = s.get(Unit, ctx.unit_id)
        assert home.dissolved_on == _date(2025, 7, 1)
        assert s.get(Unit, home.successor_id).code == "TU-X"


def test_settings_new_rule_version_recomputes_due_dates(qtbot, settings_page, ctx,
                                                        wait_for_ops):
    received = TODAY - timedelta(days=2)
    with ctx.db.session() as s:
        pid = _register(s, ctx.unit_id, received)
    with ctx.db.session() as s:
        before = s.get(Petition, pid).next_due_date
    tab = settings_page.rules_tab
    settings_page.show_tab("rules")
    wait_for_ops()
    row = next(r for r in range(tab.model.rowCount())
               if tab.model.row_at(r).cells[0] == "Process the petition")
    tab.view.selectRow(row)
    data, _rule_id = tab._selected_input()
    data.effective_from = received - timedelta(days=30)
    dialog = settings_page.make_rule_dialog(data)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.days.setValue(3)  # sooner than every other running deadline
    dialog.legal_basis.setText("Thông tư mới")
    _save(qtbot, dialog)
    settings_page.rule_saved(dialog)
    with qtbot.waitSignal(ctx.signals.data_changed, timeout=10_000,
                          check_params_cb=lambda kind: kind == "petition"):
        pass
    with ctx.db.session() as s:
        after = s.get(Petition, pid).next_due_date
    assert after < before
    wait_for_ops()
    assert "Thông tư mới" in [tab.model.row_at(r).cells[6] for r in range(tab.model.rowCount())]


def test_settings_calendar_days_are_added_and_removed(qtbot, settings_page, ctx,
                                                      wait_for_ops):
    from receptiondesk.ui.forms import to_qdate

    tab = settings_page.calendar_tab
    day = date(TODAY.year, 12, 31)
    tab.day.setDate(to_qdate(day))
    tab.kind.setCurrentIndex(tab.kind.findData("day_off"))
    type_text(tab.note, "Nghỉ bù")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    wait_for_ops()
    assert tab.day_texts() == [day.strftime("%d/%m/%Y")]
    assert _count(ctx.db, CalendarDay) == 1
    wait_for_background()
    tab.view.selectRow(0)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    wait_for_ops()
    assert tab.day_texts() == []
    assert _count(ctx.db, CalendarDay) == 0


def test_settings_flag_rules_whose_source_is_not_confirmed(settings_page, wait_for_ops):
    """Issue 15, point 8: the versions from 1/7/2026 (Law 136/2025/QH15) and the articles
    of Regulation 11 and Circular 05/2021 could not be confirmed: Settings says so."""
    tab = settings_page.rules_tab
    settings_page.show_tab("rules")
    wait_for_ops()
    rows = [tab.model.row_at(r).cells for r in range(tab.model.rowCount())]
    flagged = {(c[0], c[1]) for c in rows if c[7] == "not confirmed"}
    assert ("Accept the complaint", "01/07/2026") in flagged
    assert ("Accept the complaint", "01/07/2012") not in flagged
    assert ("Process the petition", "15/11/2021") in flagged
    assert "not confirmed" in tab.note.text()


def test_settings_calendar_shows_the_swaps_and_keeps_the_cultural_day(qtbot, settings_page,
                                                                      ctx):
    from receptiondesk.services import reference

    tab = settings_page.calendar_tab
    assert "12729/VPCP-KGVX" in tab.intro.text()
    assert not tab.cultural_day.isChecked()
    tab.cultural_day.setChecked(True)
    with ctx.db.session() as s:
        assert not reference.work_calendar(s).is_working_day(date(2026, 11, 24))
    wait_for_background()
    tab.cultural_day.setChecked(False)
    with ctx.db.session() as s:
        assert reference.work_calendar(s).is_working_day(date(2026, 11, 24))
    wait_for_background()


# --- lookups service -------------------------------------------------------------------


def test_lookup_entries_are_checked_and_saved(session):
    with pytest.raises(ValidationError) as bad:
        lookups.save_lookup(session, "field", lookups.LookupInput("Đất Đai", "", "Land"))
    assert {e.field for e in bad.value.errors} == {"code", "name_vi"}
    with pytest.raises(ValidationError) as taken:
        lookups.save_lookup(session, "field", lookups.LookupInput("land", "Đất", "Land"))
    assert taken.value.for_field("code")
    row = lookups.save_lookup(session, "field", lookups.LookupInput(
        "forest", "Quản lý rừng", "Forest management", "LV10"))
    assert row.sort_order > 0
    edited = lookups.save_lookup(session, "field", lookups.LookupInput(
        "ignored", "Quản lý, bảo vệ rừng", "Forest protection", "", False), "forest")
    assert (edited.code, edited.name_vi, edited.active) == ("forest", "Quản lý, bảo vệ rừng",
                                                            False)


def test_rule_versions_are_checked(session):
    existing = next(r for r in lookups.list_rule_rows(session) if r.key == "complaint_accept")
    clash = lookups.RuleInput("complaint_accept", existing.effective_from, 12)
    with pytest.raises(ValidationError) as err:
        lookups.save_rule_version(session, clash)
    assert err.value.for_field("effective_from")
    with pytest.raises(ValidationError) as err:
        lookups.save_rule_version(session, lookups.RuleInput(
            "complaint_accept", date(2026, 7, 1), 0, max_extensions=1))
    assert {e.field for e in err.value.errors} >= {"days", "extension_days"}
    row = lookups.save_rule_version(session, lookups.RuleInput(
        "complaint_accept", date(2026, 8, 1), 15, legal_basis="Luật 136/2025/QH15"))
    # the shipped versions from 2012 and from 1/7/2026, and this one
    assert row.id and len([r for r in lookups.list_rule_rows(session)
                           if r.key == "complaint_accept"]) == 3

