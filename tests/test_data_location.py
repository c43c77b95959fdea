"""Where the office's data lives: the machine-wide location record (every Windows account on
the PC opens the same database), the account's own record when the machine's folder cannot
be written, the old per-account default without any record, the drives suggested by the
first run, and the folder checks. The site folder is the test's ($RECEPTIONDESK_SITE_DIR,
set for every test in conftest.py), never the system's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from receptiondesk import location
from receptiondesk.drives import (
    CDROM,
    FIXED,
    REMOTE,
    REMOVABLE,
    Drive,
    same_drive,
    suggest_backup_folder,
    suggest_database_folder,
)
from receptiondesk.i18n import set_language
from receptiondesk.location import (
    DB_FILE,
    LOCATION_FILE,
    default_backup_folder,
    default_db_path,
    folder_problem,
    read_location,
    resolve_url,
    site_folder,
    sqlite_url,
    user_config_folder,
    user_data_folder,
    write_location,
)


def test_without_a_record_the_database_stays_in_the_accounts_own_folder(tmp_path):
    """An install from before the record keeps working where it was: nothing is moved."""
    assert site_folder() == tmp_path / "site"
    assert read_location() is None
    assert default_db_path() == user_data_folder() / DB_FILE
    assert default_backup_folder() == user_data_folder() / "backups"


def test_the_machine_wide_record_names_the_database_and_backup_folders(tmp_path):
    data, usb = tmp_path / "D" / "ReceptionDesk", tmp_path / "E" / "backups 100%"
    record = write_location(data, usb)
    assert record == tmp_path / "site" / LOCATION_FILE
    found = read_location()
    assert found is not None and found.machine_wide
    assert (found.database_folder, found.backup_folder) == (data, usb)  # "%" kept as is
    assert default_db_path() == data / DB_FILE
    assert default_backup_folder() == usb
    assert resolve_url() == sqlite_url(data / DB_FILE)
    # --db and $RECEPTIONDESK_DB still win over the record
    assert resolve_url(tmp_path / "other.db") == sqlite_url(tmp_path / "other.db")
    # with no backup folder recorded, the backups go beside the database
    write_location(data, None)
    assert default_backup_folder() == data / "backups"


def test_a_second_windows_account_opens_the_same_database(tmp_path, monkeypatch):
    data = tmp_path / "D" / "ReceptionDesk"
    write_location(data, tmp_path / "E" / "backups")
    first = default_db_path()
    # another account: its own preferences folder, the same PC (site folder)
    monkeypatch.setenv("RECEPTIONDESK_CONFIG_DIR", str(tmp_path / "second-account"))
    assert user_config_folder() == tmp_path / "second-account"
    assert default_db_path() == first == data / DB_FILE


def test_the_accounts_own_record_when_the_machines_folder_cannot_be_written(tmp_path,
                                                                           monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the site folder should be")
    monkeypatch.setenv("RECEPTIONDESK_SITE_DIR", str(blocked / "ReceptionDesk"))
    with pytest.raises(OSError):
        write_location(tmp_path / "mine", None, machine_wide=True)
    record = write_location(tmp_path / "mine", None, machine_wide=False)
    assert record == user_config_folder() / LOCATION_FILE
    found = read_location()
    assert found is not None and not found.machine_wide
    assert default_db_path() == tmp_path / "mine" / DB_FILE


def test_the_machines_record_once_written_replaces_the_accounts_own(tmp_path):
    write_location(tmp_path / "mine", None, machine_wide=False)
    write_location(tmp_path / "shared", None, machine_wide=True)
    assert not (user_config_folder() / LOCATION_FILE).exists()
    assert default_db_path() == tmp_path / "shared" / DB_FILE


def test_a_damaged_or_empty_record_is_as_if_there_were_none(tmp_path):
    (tmp_path / "site").mkdir()
    record = tmp_path / "site" / LOCATION_FILE
    for text in ("not an ini file at all", "[location]\ndatabase_folder =\n", ""):
        record.write_text(text, encoding="utf-8")
        assert read_location() is None
        assert default_db_path() == user_data_folder() / DB_FILE
    record.write_bytes(b"\xff\xfe\x00garbage")
    assert read_location() is None


def test_the_record_is_read_without_the_database_layer():
    """location.py is read before SQLAlchemy is imported (the window shows first)."""
    import subprocess
    import sys

    code = ("import sys; import receptiondesk.location as l; l.default_db_path(); "
            "l.default_backup_folder(); print('sqlalchemy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={**os.environ})
    assert result.stdout.strip() == "False"


# --- the drives the first run suggests ---------------------------------------------------


def test_the_database_is_suggested_on_another_fixed_drive_than_windows():
    drives = [Drive("C:", FIXED), Drive("D:", FIXED), Drive("E:", REMOVABLE)]
    assert suggest_database_folder(drives, "C:", "C:\\ProgramData\\ReceptionDesk") == (
        "D:\\ReceptionDesk")
    # Windows on D: this time: C: is the other drive
    assert suggest_database_folder(drives, "D:", "x") == "C:\\ReceptionDesk"


def test_with_only_the_system_drive_the_machine_folder_is_suggested():
    fallback = "C:\\ProgramData\\ReceptionDesk"
    for drives in ([Drive("C:", FIXED)],
                   [Drive("C:", FIXED), Drive("D:", CDROM), Drive("Z:", REMOTE),
                    Drive("E:", REMOVABLE), Drive("A:", FIXED)]):
        assert suggest_database_folder(drives, "C:", fallback) == fallback
    assert suggest_database_folder([], "C:", fallback) == fallback  # Linux, macOS


def test_backups_are_suggested_on_a_usb_stick_else_another_drive_else_beside():
    beside = "D:\\ReceptionDesk\\backups"
    usb = [Drive("C:", FIXED), Drive("D:", FIXED), Drive("F:", REMOVABLE)]
    assert suggest_backup_folder(usb, "C:", "D:\\ReceptionDesk", beside) == (
        "F:\\ReceptionDesk backups")
    two = [Drive("C:", FIXED), Drive("D:", FIXED), Drive("G:", FIXED)]
    assert suggest_backup_folder(two, "C:", "D:\\ReceptionDesk", beside) == (
        "G:\\ReceptionDesk backups")
    one = [Drive("C:", FIXED), Drive("D:", FIXED), Drive("Z:", REMOTE)]
    assert suggest_backup_folder(one, "C:", "D:\\ReceptionDesk", beside) == beside
    assert same_drive("D:\\ReceptionDesk", "d:\\backups")
    assert not same_drive("D:\\ReceptionDesk", "/srv/backups")


# --- the folder checks ------------------------------------------------------------------


def test_a_network_folder_is_refused_for_the_database():
    message = folder_problem("\\\\server\\office\\ReceptionDesk", "Database folder:",
                             database=True)
    assert message is not None
    assert message.startswith("Database folder:") and "network folder" in message
    assert "PostgreSQL" in message


def test_an_unwritable_folder_is_refused_naming_the_field(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    message = folder_problem(a_file / "backups", "Backup folder:")
    assert message is not None
    assert message.startswith("Backup folder:") and "cannot write to" in message
    assert str(a_file / "backups") in message


def test_a_relative_or_empty_folder_is_refused_and_a_good_one_is_made(tmp_path):
    assert "whole path" in folder_problem("ReceptionDesk", "Database folder:")
    assert "choose a folder" in folder_problem("  ", "Database folder:")
    good = tmp_path / "new" / "ReceptionDesk"
    assert folder_problem(good, "Database folder:", database=True) is None
    assert good.is_dir() and list(good.iterdir()) == []  # the probe file is gone


def test_the_folder_messages_are_in_vietnamese(tmp_path):
    set_language("vi")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    message = folder_problem(a_file / "x", "Thư mục sao lưu:")
    assert message is not None and message.startswith("Thư mục sao lưu:")
    assert "cannot write" not in message


def test_the_site_folder_on_each_system(monkeypatch):
    monkeypatch.delenv("RECEPTIONDESK_SITE_DIR")
    if os.name == "nt":
        assert site_folder() == Path(os.environ["ProgramData"]) / "ReceptionDesk"
    else:
        assert site_folder().is_absolute() and "eceptiondesk" in str(site_folder())
    assert location.ENV_SITE == "RECEPTIONDESK_SITE_DIR"


# --- the command line: where the data is, and moving it -----------------------------------


def test_the_command_line_shows_and_records_where_the_data_is(tmp_path, capsys):
    from receptiondesk.cli import main

    assert main(["--lang", "en", "db", "location"]) == 0
    out = capsys.readouterr().out
    assert f"Database: {user_data_folder() / DB_FILE}" in out
    assert "no location recorded" in out

    data, usb = tmp_path / "D" / "ReceptionDesk", tmp_path / "E" / "backups"
    assert main(["--lang", "en", "db", "location", "--database-folder", str(data),
                 "--backup-folder", str(usb)]) == 0
    out = capsys.readouterr().out
    assert f"Recorded in {tmp_path / 'site' / LOCATION_FILE}." in out
    assert "no database file" in out.lower()  # moved first, or an empty one is made
    assert f"Database: {data / DB_FILE}" in out and f"Backups: {usb}" in out
    assert "recorded for every Windows account" in out
    assert default_db_path() == data / DB_FILE


def test_the_command_line_refuses_a_network_or_unwritable_folder(tmp_path, capsys):
    from receptiondesk.cli import main

    assert main(["--lang", "en", "db", "location", "--database-folder",
                 "\\\\server\\share\\rd"]) == 1
    assert "--database-folder:" in capsys.readouterr().err
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert main(["--lang", "en", "db", "location", "--database-folder", str(tmp_path / "D"),
                 "--backup-folder", str(a_file / "b")]) == 1
    err = capsys.readouterr().err
    assert "--backup-folder:" in err and "cannot write to" in err
    assert read_location() is None
