"""The first run asks where the data is kept, for every Windows account on the PC; Settings
and the About box show it; the backup folder is read off the GUI thread, and a folder that
does not answer is named in a message while the window goes on."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QWizard

from receptiondesk.location import DB_FILE, LOCATION_FILE, default_db_path, read_location
from receptiondesk.services.backups import make_backup
from receptiondesk.services.database import open_database
from receptiondesk.services.units import home_unit
from receptiondesk.ui import folder_work
from receptiondesk.ui.app import app_settings
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.first_run import LOCATION, OFFICE, FirstRunWizard


@pytest.fixture
def home(session, unit) -> str:
    session.commit()  # the widgets work in their own units of work
    return unit.id


@pytest.fixture
def fresh(sqlite_template, tmp_path):
    """The empty database a first start opens in the account's own folder."""
    path = tmp_path / "localappdata" / DB_FILE
    path.parent.mkdir()
    shutil.copyfile(sqlite_template, path)
    database = open_database(path)
    yield database
    database.close()


def _wizard(qtbot, db, notes: list[str] | None = None) -> FirstRunWizard:
    wizard = FirstRunWizard(db, app_settings(), ask_location=True)
    qtbot.addWidget(wizard)
    if notes is not None:
        # the message boxes, read instead of clicked
        wizard.notify = lambda message, warning=False: notes.append(message)
    wizard.show()
    return wizard


def _next(qtbot, wizard: FirstRunWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def _error(wizard: FirstRunWizard, field: str) -> str:
    return wizard.location.errors.labels[field].text()


def test_the_first_run_keeps_the_data_where_chosen_for_every_account(qtbot, fresh, tmp_path,
                                                                   monkeypatch):
    notes: list[str] = []
    wizard = _wizard(qtbot, fresh, notes)
    _next(qtbot, wizard)
    assert wizard.currentId() == LOCATION
    assert wizard.location.database_folder.text()  # a folder is suggested
    assert "reinstalling Windows" in wizard.location.intro.text()
    data, usb = tmp_path / "D" / "ReceptionDesk", tmp_path / "E" / "ReceptionDesk backups"
    wizard.fill_location(data, usb)
    _next(qtbot, wizard)
    assert wizard.currentId() == OFFICE, wizard.location.errors.general.text()
    assert notes == []  # written machine-wide, nothing to warn about
    assert wizard.db.path == data / DB_FILE  # the new database, in the chosen folder
    wizard.fill_office("Ủy ban nhân dân xã Tân Lập", "XA-TAN-LAP")
    wizard.fill_official("Lò Văn Thành")
    context = wizard.finish()
    assert context is not None and context.db.path == data / DB_FILE
    recorded = read_location()
    assert recorded is not None and recorded.machine_wide
    assert recorded.record == tmp_path / "site" / LOCATION_FILE
    assert (recorded.database_folder, recorded.backup_folder) == (data, usb)
    context.db.close()

    # Another Windows account on the PC: its own (fresh) preferences, the same machine.
    monkeypatch.setenv("RECEPTIONDESK_CONFIG_DIR", str(tmp_path / "second-account"))
    assert default_db_path() == data / DB_FILE
    second = open_database(default_db_path())
    try:
        with second.session() as s:
            assert home_unit(s).name == "Ủy ban nhân dân xã Tân Lập"
    finally:
        second.close()


def test_backups_beside_the_database_are_pointed_out(qtbot, fresh, tmp_path):
    wizard = _wizard(qtbot, fresh)
    _next(qtbot, wizard)
    page = wizard.location
    wizard.fill_location("D:\\ReceptionDesk", "D:\\ReceptionDesk backups")
    assert page.backups_beside_database() and not page.same_disk.isHidden()
    assert "same drive" in page.same_disk.text()
    wizard.fill_location("D:\\ReceptionDesk", "E:\\ReceptionDesk backups")
    assert page.same_disk.isHidden()
    wizard.fill_location(tmp_path / "data", tmp_path / "data" / "backups")
    assert not page.same_disk.isHidden()


def test_a_network_folder_is_refused_for_the_database(qtbot, fresh, tmp_path):
    wizard = _wizard(qtbot, fresh)
    _next(qtbot, wizard)
    wizard.fill_location("\\\\server\\office\\ReceptionDesk", tmp_path / "usb")
    _next(qtbot, wizard)
    assert wizard.currentId() == LOCATION
    assert "network folder" in _error(wizard, "database_folder")
    assert _error(wizard, "backup_folder") == ""
    assert read_location() is None and wizard.db is fresh


def test_an_unwritable_backup_folder_is_refused_naming_its_field(qtbot, fresh, tmp_path):
    wizard = _wizard(qtbot, fresh)
    _next(qtbot, wizard)
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    wizard.fill_location(tmp_path / "D", a_file / "backups")
    _next(qtbot, wizard)
    assert wizard.currentId() == LOCATION
    message = _error(wizard, "backup_folder")
    assert message.startswith("Backup folder:") and "cannot write to" in message
    assert read_location() is None


def test_without_rights_on_the_machine_folder_the_choice_is_kept_for_the_account(
        qtbot, fresh, tmp_path, monkeypatch):
    blocked = tmp_path / "programdata-file"
    blocked.write_text("x")
    monkeypatch.setenv("RECEPTIONDESK_SITE_DIR", str(blocked / "ReceptionDesk"))
    notes: list[str] = []
    wizard = _wizard(qtbot, fresh, notes)
    _next(qtbot, wizard)
    wizard.fill_location(tmp_path / "D", tmp_path / "E")
    _next(qtbot, wizard)
    assert wizard.currentId() == OFFICE
    [note] = notes
    assert "kept for this account only" in note and "administrator" in note
    recorded = read_location()
    assert recorded is not None and not recorded.machine_wide
    assert default_db_path() == tmp_path / "D" / DB_FILE


@pytest.mark.sqlite_only("the data folder and its backups are files")
def test_a_database_found_in_the_chosen_folder_is_opened(qtbot, fresh, db, home, tmp_path):
    """After a reinstall of C:, the office's database on D: is found again."""
    kept = tmp_path / "D" / "ReceptionDesk"
    kept.mkdir(parents=True)
    db.close()
    shutil.copyfile(db.path, kept / DB_FILE)
    notes: list[str] = []
    wizard = _wizard(qtbot, fresh, notes)
    _next(qtbot, wizard)
    wizard.fill_location(kept, tmp_path / "E")
    _next(qtbot, wizard)
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.context is not None and wizard.context.unit_id == home
    assert "already holds" in notes[0]
    wizard.db.close()


def test_a_silent_folder_in_the_wizard_is_named_at_its_field(qtbot, fresh, tmp_path,
                                                           monkeypatch):
    from receptiondesk.ui import first_run

    release = threading.Event()
    real = first_run.folder_problem

    def hangs(folder, field, database=False):
        if not database:
            release.wait(30)
        return real(folder, field, database)

    monkeypatch.setattr("receptiondesk.ui.first_run.folder_problem", hangs)
    monkeypatch.setattr(folder_work, "TIMEOUT_S", 1)
    wizard = _wizard(qtbot, fresh)
    _next(qtbot, wizard)
    wizard.fill_location(tmp_path / "D", tmp_path / "usb")
    _next(qtbot, wizard)
    release.set()
    assert wizard.currentId() == LOCATION
    assert "did not answer within 1 second" in _error(wizard, "backup_folder")


# --- Settings and About show where the data is -----------------------------------------


def test_settings_and_about_show_the_database_file_and_backup_folder(qtbot, fresh, tmp_path,
                                                                    wait_for_ops):
    from receptiondesk.location import write_location
    from receptiondesk.services.units import UnitInput, create_unit
    from receptiondesk.ui.main_window import MainWindow
    from receptiondesk.ui.settings.backups import BackupsTab

    db = fresh
    with db.session() as s:
        home = create_unit(s, UnitInput(code="XA-TL", name="Ủy ban nhân dân xã Tân Lập",
                                        level="commune", kind="state"), home=True).id
    write_location(db.path.parent, tmp_path / "usb")
    ctx = AppContext(db, home)
    tab = BackupsTab(ctx)
    qtbot.addWidget(tab)
    tab.retranslate()
    assert tab.database.text() == str(db.path)
    assert tab.folder.text() == str(tmp_path / "usb")
    assert "every Windows account" in tab.kept_for.text()
    # changing the backup folder changes it for every account
    assert tab.choose_folder(str(tmp_path / "usb2"))
    assert read_location().backup_folder == tmp_path / "usb2"

    window = MainWindow(ctx, app_settings())
    qtbot.addWidget(window)
    box = window.about_box()
    info = box.informativeText()
    assert str(db.path) in info and str(tmp_path / "usb2") in info
    box.deleteLater()
    wait_for_ops()


@pytest.mark.sqlite_only("the data folder and its backups are files")
def test_a_database_without_a_record_says_it_is_this_accounts_only(qtbot, db, home):
    from receptiondesk.ui.settings.backups import BackupsTab

    tab = BackupsTab(AppContext(db, home))
    qtbot.addWidget(tab)
    tab.retranslate()
    assert "this Windows account only" in tab.kept_for.text()
    assert LOCATION_FILE in tab.kept_for.text()


# --- the backup folder off the GUI thread ------------------------------------------------


@pytest.fixture
def blocked_listing(monkeypatch):
    """The backup folder's listing hangs (a mapped drive whose server is gone) until
    released; a folder answers within a second in these tests."""
    from receptiondesk.services import backups

    release = threading.Event()
    real = backups.list_backups

    def hangs(folder, database=None):
        release.wait(30)
        return real(folder, database)

    monkeypatch.setattr(backups, "list_backups", hangs)
    # the start-up dialog holds its own name for it (imported before, in a whole run)
    monkeypatch.setattr("receptiondesk.ui.startup_dialog.list_backups", hangs)
    monkeypatch.setattr(folder_work, "TIMEOUT_S", 1)
    yield release
    release.set()


class _Ticks(list):
    """Counts a 20 ms timer's ticks: they go on only while the GUI thread is free."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(lambda: self.append(1))
        self.timer.start()


def _ticking(qtbot) -> _Ticks:
    return _Ticks()


@pytest.mark.sqlite_only("the data folder and its backups are files")
def test_a_silent_backup_folder_leaves_the_settings_responsive(qtbot, db, home, tmp_path,
                                                              blocked_listing):
    from receptiondesk.ui.settings.backups import BackupsTab

    make_backup(db, tmp_path / "usb", "manual")
    settings = app_settings()
    settings.setValue("backup/folder", str(tmp_path / "usb"))
    settings.sync()
    ticks = _ticking(qtbot)
    tab = BackupsTab(AppContext(db, home))  # lists the folder: it hangs
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: "did not answer" in tab.status.text(), timeout=10_000)
    assert str(tmp_path / "usb") in tab.status.text()
    assert "USB stick or network drive" in tab.status.text()
    assert len(ticks) > 3  # the window's timers ran while the folder was silent
    assert tab.model.rowCount() == 0
    blocked_listing.set()  # the drive answers after all: its backups are shown
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    assert "did not answer" not in tab.status.text()
    qtbot.waitUntil(lambda: folder_work.running() == 0)


@pytest.mark.sqlite_only("the data folder and its backups are files")
def test_the_backup_list_shows_the_newest_listing(qtbot, db, home, tmp_path):
    from receptiondesk.ui.settings.backups import BackupsTab

    settings = app_settings()
    settings.setValue("backup/folder", str(tmp_path / "usb"))
    settings.sync()
    tab = BackupsTab(AppContext(db, home))
    qtbot.addWidget(tab)
    make_backup(db, tmp_path / "usb", "manual")
    tab.reload()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1 and not tab.folder_work.waiting)
    assert tab.backups[0].reason == "manual"


@pytest.mark.sqlite_only("the data folder and its backups are files")
def test_a_deleted_tab_is_never_called_back(qtbot, db, home, tmp_path, blocked_listing):
    from shiboken6 import isValid

    from receptiondesk.ui.settings.backups import BackupsTab

    tab = BackupsTab(AppContext(db, home))
    work = tab.folder_work
    tab.deleteLater()
    qtbot.waitUntil(lambda: not isValid(work))
    blocked_listing.set()
    qtbot.waitUntil(lambda: folder_work.running() == 0)
    qtbot.wait(50)  # the late answer's queued delivery finds nobody: no error


@pytest.mark.sqlite_only("the data folder and its backups are files")
def test_the_hourly_backup_check_names_a_silent_folder_and_goes_on(qtbot, db, home, tmp_path,
                                                                   monkeypatch,
                                                                   blocked_listing):
    from receptiondesk.ui import app

    warnings: list[str] = []
    monkeypatch.setattr(app, "_warn", lambda _parent, message: warnings.append(message))
    settings = app_settings()
    settings.setValue("backup/folder", str(tmp_path / "usb"))
    ctx = AppContext(db, home)
    statuses: list[str] = []
    ctx.signals.status_message.connect(statuses.append)
    ticks = _ticking(qtbot)
    auto = app.AutoBackup(ctx, settings)
    assert auto.tick()
    qtbot.waitUntil(lambda: bool(warnings), timeout=10_000)
    assert "The backup folder" in warnings[0] and "did not answer" in warnings[0]
    assert statuses == warnings and len(ticks) > 3
    assert not auto.tick()  # the look still runs: no second one
    blocked_listing.set()  # the folder answers: the daily backup is made then
    qtbot.waitUntil(lambda: not auto.running, timeout=20_000)
    assert any("Daily backup made" in s for s in statuses)


def test_the_start_up_dialog_names_a_silent_backup_folder(qtbot, tmp_path, blocked_listing):
    from receptiondesk.services.startup import StartupProblem
    from receptiondesk.ui.startup_dialog import StartupDialog

    problem = StartupProblem("damaged", "The database file is damaged.", tmp_path / "x.db")
    dialog = StartupDialog(problem, tmp_path / "usb")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "did not answer" in dialog.backup_label.text(), timeout=10_000)
    blocked_listing.set()
    qtbot.waitUntil(lambda: not dialog.searching, timeout=10_000)
    assert "No good backup" in dialog.backup_label.text()


def test_the_timeout_message_in_vietnamese():
    from receptiondesk.i18n import set_language

    set_language("vi")
    message = folder_work.timeout_message(Path("E:/"), 5)
    assert "E:" in message and "did not answer" not in message


@pytest.mark.sqlite_only("the data folder and its backups are files")
def test_the_backup_at_exit_does_not_wait_for_a_silent_folder(qtbot, db, home, tmp_path,
                                                             monkeypatch, blocked_listing):
    from receptiondesk.ui import app

    warnings: list[str] = []
    monkeypatch.setattr(app, "_warn", lambda _parent, message: warnings.append(message))
    settings = app_settings()
    settings.setValue("backup/folder", str(tmp_path / "usb"))
    assert app.backup_at_exit(db, settings) is None
    [warning] = warnings
    assert "did not answer" in warning and "No backup was made at exit" in warning
    blocked_listing.set()
    qtbot.waitUntil(lambda: folder_work.running() == 0)


def test_the_start_up_asks_where_and_opens_the_chosen_database(qtbot, sqlite_template,
                                                              tmp_path, monkeypatch):
    """The application's own start-up path: the default database (no --db) is empty, the
    first run is asked where to keep the data, and the office is opened from there; the
    next start (any account) resolves the same file."""
    from receptiondesk.location import resolve_url, sqlite_url
    from receptiondesk.ui import app, first_run

    monkeypatch.setattr("receptiondesk.location.user_data_folder",
                        lambda: tmp_path / "localappdata")
    (tmp_path / "localappdata").mkdir()
    shutil.copyfile(sqlite_template, tmp_path / "localappdata" / DB_FILE)
    url = resolve_url()
    assert url == sqlite_url(tmp_path / "localappdata" / DB_FILE)
    data = tmp_path / "D" / "ReceptionDesk"
    asked: list[bool] = []

    def drive_the_wizard(db, settings, ask_location=False):
        asked.append(ask_location)
        wizard = FirstRunWizard(db, settings, ask_location=ask_location)
        qtbot.addWidget(wizard)
        wizard.show()
        _next(qtbot, wizard)
        wizard.fill_location(data, tmp_path / "E")
        _next(qtbot, wizard)
        wizard.fill_office("Ủy ban nhân dân xã Tân Lập", "XA-TAN-LAP")
        wizard.fill_official("Lò Văn Thành")
        return wizard.db, wizard.finish()

    monkeypatch.setattr(first_run, "run_first_run", drive_the_wizard)
    single = app.SingleInstance(app.instance_key(url))
    opened = app.open_office(url, app_settings(), single, ask_location=True)
    assert not isinstance(opened, int)
    ctx, _complete, guard = opened
    try:
        assert asked == [True]
        assert ctx.db.path == data / DB_FILE
        assert resolve_url() == ctx.db.url  # the next start opens this file
        assert guard.key == app.instance_key(ctx.db.url) and guard is not single
    finally:
        if guard.server is not None:
            guard.server.close()
        ctx.db.close()
