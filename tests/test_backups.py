"""Backups that restore (issue 6, item 4): made with SQLite's online backup and verified,
rotated without touching anything else, checked before a restore, restored with the current
file kept aside; a damaged backup is refused and the database left as it was."""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from receptiondesk.cli.restore_commands import add_restore_parser, cmd_restore
from receptiondesk.db import DatabaseError
from receptiondesk.services import backups
from receptiondesk.services.backups import (
    BackupPolicy,
    backup_due,
    backup_folder,
    changed_since_last_backup,
    check_backup,
    latest_good_backup,
    list_backups,
    make_backup,
    make_backup_if_changed,
    restore_backup,
)
from receptiondesk.services.citizens import CitizenInput, create_citizen
from receptiondesk.services.database import open_database
from receptiondesk.services.petitions import PetitionerInput, PetitionInput, register_petition
from receptiondesk.services.units import UnitInput, create_unit

T0 = datetime(2026, 2, 5, 17, 15, 0)


# --- helpers -------------------------------------------------------------------------------


def add_petitions(db, unit_id: str, n: int, tag: str) -> None:
    with db.session() as s:
        for i in range(n):
            c = create_citizen(s, unit_id, CitizenInput(f"Nguyễn Văn {tag} {i}",
                                                        address=f"Thôn {tag} {i}"))
            register_petition(s, unit_id, PetitionInput(
                received_date=date(2026, 1, 5), petition_type="complaint",
                content=f"Khiếu nại {tag} số {i}: " + "nội dung dài " * 20,
                petitioners=[PetitionerInput(c.full_name, citizen_id=c.id)]))


def petition_contents(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT content FROM petitions")}
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def garble_middle(path: Path, pages: int = 2) -> None:
    """Flip every bit of a few pages in the middle of a SQLite file."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    count = len(data) // page_size
    start = (count // 2) * page_size
    for i in range(start, min(start + pages * page_size, len(data))):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, str]:
    """A commune database with 60 petitions, made once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "t.db"
    db = open_database(path)
    try:
        with db.session() as s:
            unit = create_unit(s, UnitInput(code="DU-MP", name="Đảng ủy xã Mường Phăng",
                                            level="commune", kind="party"), home=True)
            unit_id = unit.id
        add_petitions(db, unit_id, 60, "A")
        with db.engine.connect() as conn:  # outside a transaction (they begin IMMEDIATE)
            conn.connection.dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return path, unit_id


@pytest.fixture
def db(template, tmp_path):
    """This module's database: a copy of the template (overrides the conftest fixture)."""
    shutil.copyfile(template[0], tmp_path / "t.db")
    database = open_database(tmp_path / "t.db")
    yield database
    database.close()


@pytest.fixture
def home(db, template) -> str:
    return template[1]


# --- making, verifying, rotating ----------------------------------------------------------


def test_half_written_backups_left_by_a_killed_backup_are_removed_by_the_next(db, home,
                                                                              tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    abandoned = [folder / "t-20260204-180001-exit.db.part",
                 folder / "t-20260204-180001-exit.db.part-journal"]
    being_written = folder / "t-20260205-171459-daily.db.part"
    someone_elses = folder / "holiday-photos.db.part"
    for path in (*abandoned, being_written, someone_elses):
        path.write_bytes(b"x" * 1000)
    hour_ago = T0.timestamp() - 3600
    for path in (*abandoned, someone_elses):
        os.utime(path, (hour_ago, hour_ago))
    os.utime(being_written, (T0.timestamp() - 60, T0.timestamp() - 60))
    assert sorted(backups.remove_stale_parts(folder, now=T0.timestamp())) == abandoned
    make_backup(db, folder, "manual", now=T0)  # each backup clears what is stale first
    assert not any(p.exists() for p in abandoned)
    assert being_written.exists() and someone_elses.exists()


def test_a_backup_is_verified_named_and_listed(db, home, tmp_path):
    folder = tmp_path / "backups"
    path = make_backup(db, folder, "manual", now=T0)
    assert path.name == "t-20260205-171500-manual.db"  # the database file is t.db
    assert not list(folder.glob("*.part"))
    assert check_backup(path) == []
    assert petition_contents(path) == petition_contents(db.path)
    [info] = list_backups(folder)
    assert (info.path, info.time, info.reason, info.size) == (path, T0, "manual",
                                                             path.stat().st_size)
    assert info.reason_title == "By hand" and info.size_text.endswith(" MB")


def test_the_default_database_gets_the_documented_name(tmp_path):
    db = open_database(tmp_path / "receptiondesk.db")
    try:
        path = make_backup(db, tmp_path / "b", "daily", now=T0)
    finally:
        db.close()
    assert path.name == "receptiondesk-20260205-171500-daily.db"


def test_rotation_keeps_the_newest_and_nothing_else_is_touched(db, home, tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    strangers = [folder / "notes.txt", folder / "other-20200101-101010-daily.db",
                 folder / "t.db", folder / "t-2026-manual.db"]
    for f in strangers:
        f.write_text("not ours")
    made = [make_backup(db, folder, reason, keep=3, now=T0 + timedelta(hours=i))
            for i, reason in enumerate(["daily", "exit", "manual", "exit", "daily"])]
    assert [b.path for b in list_backups(folder, db.path)] == made[:1:-1]
    assert all(f.exists() for f in strangers)


def test_the_backup_just_made_is_never_rotated_away(db, home, tmp_path):
    folder = tmp_path / "b"
    later = [make_backup(db, folder, "daily", keep=5, now=T0 + timedelta(days=d))
             for d in (1, 2)]
    # the clock was put back: the new backup is the "oldest" by its name, and keep=1
    earlier = make_backup(db, folder, "manual", keep=1, now=T0)
    assert earlier.exists()
    assert [b.path for b in list_backups(folder)] == [later[1], earlier]


def test_two_backups_in_the_same_second_do_not_overwrite_each_other(db, home, tmp_path):
    a = make_backup(db, tmp_path / "b", "manual", now=T0)
    b = make_backup(db, tmp_path / "b", "manual", now=T0)
    assert a != b and a.exists() and b.exists()
    assert b.name == "t-20260205-171500-manual-1.db"
    assert [i.path for i in list_backups(tmp_path / "b")] == [b, a]


def test_backups_of_another_database_in_the_same_folder_are_left_alone(db, home, tmp_path):
    folder = tmp_path / "b"
    demo = open_database(tmp_path / "demo.db")
    try:
        demo_backup = make_backup(demo, folder, "exit", keep=1, now=T0)
    finally:
        demo.close()
    for i in range(3):
        make_backup(db, folder, "daily", keep=1, now=T0 + timedelta(days=i))
    assert demo_backup.exists()
    assert len(list_backups(folder, db.path)) == 1
    assert len(list_backups(folder)) == 2
    assert latest_good_backup(folder, db.path) != demo_backup


def test_a_backup_is_due_once_a_day(db, home, tmp_path):
    folder = tmp_path / "b"
    assert backup_due(folder, T0.date())  # the folder does not even exist yet
    make_backup(db, folder, "exit", now=T0 - timedelta(days=1))
    assert backup_due(folder, T0.date())
    make_backup(db, folder, "exit", now=T0)
    assert not backup_due(folder, T0.date())
    assert BackupPolicy(folder).due(db.path, T0.date()) is False


def age(db_path: Path, seconds: int = 60) -> None:
    """Make the database look last changed ``seconds`` ago."""
    for f in db_path.parent.glob(db_path.name + "*"):
        past = f.stat().st_mtime - seconds
        os.utime(f, (past, past))


def test_the_backup_at_exit_is_skipped_when_nothing_changed(db, home, tmp_path):
    folder = tmp_path / "b"
    age(db.path)
    first = make_backup_if_changed(db, folder, "exit")
    assert first is not None
    assert not changed_since_last_backup(db.path, folder)
    assert make_backup_if_changed(db, folder, "exit") is None
    add_petitions(db, home, 1, "B")
    assert changed_since_last_backup(db.path, folder)


def test_an_unplugged_usb_folder_is_not_recreated_on_the_system_disk(db, home, tmp_path):
    folder = tmp_path / "E_drive" / "backups"  # the drive (its parent) is not there
    with pytest.raises(DatabaseError, match="cannot be reached"):
        make_backup(db, folder, "daily")
    assert not (tmp_path / "E_drive").exists()


def test_a_full_backup_disk_is_reported_and_nothing_is_written(db, home, tmp_path,
                                                               monkeypatch):
    folder = tmp_path / "b"
    folder.mkdir()
    monkeypatch.setattr(backups.shutil, "disk_usage",
                        lambda _p: backups.shutil._ntuple_diskusage(10**9, 10**9, 1000))
    with pytest.raises(DatabaseError, match="not enough free space"):
        make_backup(db, folder, "daily")
    assert list(folder.iterdir()) == []


def test_the_backup_folder_setting(tmp_path):
    assert backup_folder(None).name == "backups"
    assert backup_folder("") == backup_folder(None)
    assert backup_folder(str(tmp_path)) == tmp_path
    policy = BackupPolicy.from_settings(str(tmp_path), "3")
    assert (policy.folder, policy.keep) == (tmp_path, 3)
    assert BackupPolicy.from_settings(None, "lots").keep == 14
    assert BackupPolicy.from_settings(None, "0").keep == 1


# --- checking and restoring -----------------------------------------------------------------


def test_restore_keeps_the_current_file_aside_and_brings_back_the_backup(db, home, tmp_path):
    folder = tmp_path / "b"
    backup = make_backup(db, folder, "daily", now=T0)
    in_backup = petition_contents(db.path)
    add_petitions(db, home, 5, "AFTER")  # entered after the backup
    current = petition_contents(db.path)
    db_path = db.path
    db.close()  # the caller closes the database first

    aside = restore_backup(db_path, backup, now=T0 + timedelta(hours=1))

    assert aside == db_path.with_name("t.before-restore-20260205-181500.db")
    assert petition_contents(aside) == current  # nothing of the current file is lost
    assert not Path(str(db_path) + "-wal").exists()  # its WAL went aside with it
    restored = open_database(db_path)
    try:
        with restored.session() as s:
            from sqlalchemy import text

            assert {r[0] for r in s.execute(text("SELECT content FROM petitions"))} == in_backup
        from receptiondesk.db import integrity_problems

        assert integrity_problems(restored.engine) == []
    finally:
        restored.close()
    assert backup.exists()  # the backup itself is untouched


def test_a_damaged_backup_is_refused_and_the_database_is_untouched(db, home, tmp_path):
    folder = tmp_path / "b"
    backup = make_backup(db, folder, "daily", now=T0)
    garble_middle(backup)
    problems = check_backup(backup)
    assert problems and "damaged" in problems[0]
    db_path = db.path
    db.close()
    before = {p.name: digest(p) for p in tmp_path.glob("t.db*")}

    with pytest.raises(DatabaseError) as caught:
        restore_backup(db_path, backup)

    assert "was not restored" in str(caught.value) and "not changed" in str(caught.value)
    assert {p.name: digest(p) for p in tmp_path.glob("t.db*")} == before
    assert not list(tmp_path.glob("*before-restore*")) and not list(tmp_path.glob("*.restoring"))


@pytest.mark.parametrize("content, expected", [
    (b"", "not a database file"),
    (b"hello, this is a text file\n" * 40, "not a database file"),
])
def test_a_file_that_is_no_backup_is_refused(tmp_path, content, expected):
    fake = tmp_path / "receptiondesk-20260205-171500-manual.db"
    fake.write_bytes(content)
    assert expected in check_backup(fake)[0]
    assert "no backup file" in check_backup(tmp_path / "missing.db")[0]


def test_a_backup_of_a_newer_version_or_of_another_program_is_refused(db, home, tmp_path):
    backup = make_backup(db, tmp_path / "b", "manual", now=T0)
    conn = sqlite3.connect(backup)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    assert "newer version" in check_backup(backup)[0]
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    assert "not a ReceptionDesk database" in check_backup(other)[0]


def test_latest_good_backup_skips_a_damaged_newest_one(db, home, tmp_path):
    folder = tmp_path / "b"
    good = make_backup(db, folder, "daily", now=T0)
    bad = make_backup(db, folder, "exit", now=T0 + timedelta(hours=2))
    garble_middle(bad)
    assert [b.path for b in list_backups(folder)] == [bad, good]
    assert latest_good_backup(folder) == good
    assert latest_good_backup(tmp_path / "nowhere") is None


def test_restoring_into_a_missing_file_and_onto_itself(db, home, tmp_path):
    backup = make_backup(db, tmp_path / "b", "manual", now=T0)
    fresh = tmp_path / "new" / "receptiondesk.db"
    fresh.parent.mkdir()
    assert restore_backup(fresh, backup) is None
    assert petition_contents(fresh) == petition_contents(backup)
    with pytest.raises(DatabaseError, match="itself"):
        restore_backup(backup, backup)


# --- the command line ---------------------------------------------------------------------


def restore_args(db_path: Path, backup: Path) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--database-url")
    sub = parser.add_subparsers(dest="db_command")
    add_restore_parser(sub)
    return parser.parse_args(["--db", str(db_path), "restore", "--from", str(backup)])


def test_db_restore_prints_one_line_and_keeps_the_file_aside(db, home, tmp_path, capsys):
    backup = make_backup(db, tmp_path / "b", "manual", now=T0)
    db_path = db.path
    db.close()
    args = restore_args(db_path, backup)
    assert args.backup_file == str(backup)
    assert cmd_restore(args) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "kept as" in out[0]
    assert list(tmp_path.glob("t.before-restore-*.db"))


def test_db_restore_refuses_a_bad_backup_with_a_clear_message(db, home, tmp_path, capsys):
    backup = make_backup(db, tmp_path / "b", "manual", now=T0)
    garble_middle(backup)
    db_path = db.path
    db.close()
    before = digest(db_path)
    with pytest.raises(DatabaseError, match="was not restored"):
        cmd_restore(restore_args(db_path, backup))
    assert digest(db_path) == before
    assert capsys.readouterr().out == ""


def test_db_restore_messages_are_translated(db, home, tmp_path):
    from receptiondesk.i18n import set_language

    backup = tmp_path / "missing.db"
    db_path = db.path
    db.close()
    set_language("vi")
    with pytest.raises(DatabaseError) as caught:
        cmd_restore(restore_args(db_path, backup))
    assert str(caught.value)  # the message exists in the user's language (catalog pending)


# --- the Backups tab of the settings ------------------------------------------------------


@pytest.fixture
def backups_tab(qtbot, db, home, tmp_path, monkeypatch):
    from receptiondesk.ui.context import AppContext
    from receptiondesk.ui.settings.backups import BackupsTab

    monkeypatch.setenv("RECEPTIONDESK_CONFIG_DIR", str(tmp_path / "config"))
    tab = BackupsTab(AppContext(db, home))
    qtbot.addWidget(tab)
    tab.retranslate()
    assert tab.choose_folder(str(tmp_path / "usb"))
    yield tab
    from receptiondesk.ui.worker import wait_for_background

    wait_for_background()


def test_the_backups_tab_backs_up_now_and_lists_the_backup(qtbot, backups_tab, tmp_path):
    tab = backups_tab
    assert tab.folder.text() == str(tmp_path / "usb")
    tab.keep.setValue(5)
    assert tab.policy().keep == 5
    assert tab.back_up_now()
    qtbot.waitUntil(lambda: not tab.busy, timeout=20_000)
    assert "Backup made and checked" in tab.status.text()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)  # listed off the GUI thread
    assert tab.model.row_at(0).cells[1] == "By hand"
    assert check_backup(tab.backups[0].path) == []


def test_the_backups_tab_checks_asks_and_requests_the_restore(qtbot, backups_tab, tmp_path,
                                                              monkeypatch):
    tab = backups_tab
    tab.back_up_now()
    qtbot.waitUntil(lambda: not tab.busy and tab.model.rowCount() == 1, timeout=20_000)
    asked, requested = [], []
    monkeypatch.setattr(tab, "confirm_restore", lambda b: asked.append(b) or True)
    monkeypatch.setattr(tab, "request_restore", lambda b: requested.append(b) or True)
    tab.view.selectRow(0)
    assert tab.restore_selected()
    qtbot.waitUntil(lambda: not tab.busy, timeout=20_000)
    assert asked == requested == [tab.backups[0].path]

    garble_middle(tab.backups[0].path)  # a damaged backup is refused before any question
    asked.clear()
    assert tab.restore_selected()
    qtbot.waitUntil(lambda: not tab.busy, timeout=20_000)
    assert asked == [] and "cannot be restored" in tab.status.text()


def test_a_restore_request_waits_for_the_window_to_close(qtbot, tmp_path):
    from PySide6.QtWidgets import QWidget

    from receptiondesk.ui import app

    class Stubborn(QWidget):
        def closeEvent(self, event):  # noqa: N802 - a form with unsaved input
            event.ignore()

    stubborn = Stubborn()
    qtbot.addWidget(stubborn)
    assert not app.request_restore(stubborn, tmp_path / "x.db")
    assert app.take_restore_request() is None  # never restored on a later exit
    willing = QWidget()
    qtbot.addWidget(willing)
    assert app.request_restore(willing, tmp_path / "x.db")
    assert app.take_restore_request() == tmp_path / "x.db"


# --- the application: daily backups, the backup at exit, restore and restart ---------------


@pytest.fixture
def app_settings(tmp_path, qapp):
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "receptiondesk.ini"), QSettings.Format.IniFormat)
    settings.setValue("backup/folder", str(tmp_path / "usb"))
    settings.setValue("backup/keep", 3)
    return settings


def test_the_daily_backup_is_made_once_a_day_off_the_gui_thread(qtbot, db, home, tmp_path,
                                                               app_settings):
    from receptiondesk.ui.app import AutoBackup
    from receptiondesk.ui.context import AppContext

    auto = AutoBackup(AppContext(db, home), app_settings)
    assert auto.tick()
    qtbot.waitUntil(lambda: not auto.running, timeout=20_000)
    [made] = list_backups(tmp_path / "usb")
    assert made.reason == "daily" and made.time.date() == date.today()
    assert auto.tick()  # the hourly look finds today's backup and makes no other
    qtbot.waitUntil(lambda: not auto.running, timeout=20_000)
    assert len(list_backups(tmp_path / "usb")) == 1
    auto.start()
    assert auto.timer.isActive() and auto.timer.interval() == 3_600_000
    auto.stop()


def test_a_failing_daily_backup_warns_once(qtbot, db, home, tmp_path, app_settings,
                                           monkeypatch):
    from receptiondesk.ui import app
    from receptiondesk.ui.context import AppContext

    warnings: list[str] = []
    monkeypatch.setattr(app, "_warn", lambda _parent, message: warnings.append(message))
    app_settings.setValue("backup/folder", str(tmp_path / "E_drive" / "backups"))
    auto = app.AutoBackup(AppContext(db, home), app_settings)
    for _ in range(2):
        assert auto.tick()
        qtbot.waitUntil(lambda: not auto.running, timeout=20_000)
    assert len(warnings) == 1 and "cannot be reached" in warnings[0]


def test_the_backup_at_exit_only_when_something_changed(qtbot, db, home, tmp_path,
                                                       app_settings):
    from receptiondesk.ui.app import backup_at_exit

    first = backup_at_exit(db, app_settings)
    assert first is not None and first.name.endswith("-exit.db")
    assert check_backup(first) == []
    age(db.path)  # nothing was saved since that backup
    assert backup_at_exit(db, app_settings) is None
    add_petitions(db, home, 1, "EVENING")
    second = backup_at_exit(db, app_settings)
    assert second is not None and second != first
    assert len(list_backups(tmp_path / "usb")) == 2


def test_restore_and_restart_after_the_window_closed(qtbot, db, home, tmp_path, monkeypatch):
    from receptiondesk.ui import app

    backup = make_backup(db, tmp_path / "b", "manual", now=T0)
    add_petitions(db, home, 2, "LATE")
    db_path = db.path
    db.close()
    started, warnings = [], []
    from PySide6.QtCore import QProcess

    monkeypatch.setattr(QProcess, "startDetached",
                        lambda program, args: started.append((program, args)) or (True, 1))
    monkeypatch.setattr(app, "_warn", lambda _parent, message: warnings.append(message))
    single = app.SingleInstance("receptiondesk-test-" + os.urandom(4).hex())
    single.listen()
    assert app.restore_and_restart(db_path, backup, single)
    assert petition_contents(db_path) == petition_contents(backup)
    assert "kept as" in warnings[0] and list(tmp_path.glob("t.before-restore-*.db"))
    assert started and started[0][1][:1] == ["-c"] and not single.server.isListening()
