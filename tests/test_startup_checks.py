"""Start-up checks (issue 6, item 5): a damaged or unreadable file, a file from a newer
version, a full disk or a read-only folder each gets a clear message and a way out; the
damaged file is never written to; the start-up dialog restores the latest good backup."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from receptiondesk.services import startup
from receptiondesk.services.backups import make_backup
from receptiondesk.services.citizens import CitizenInput, create_citizen
from receptiondesk.services.database import open_database
from receptiondesk.services.petitions import PetitionerInput, PetitionInput, register_petition
from receptiondesk.services.startup import (
    MIN_FREE_BYTES,
    check_database_file,
    inspect_database_file,
    read_only_uri,
)
from receptiondesk.services.units import UnitInput, create_unit

T0 = datetime(2026, 2, 5, 8, 0, 0)
PROVINCE_FILE = Path("/tmp/rd/prov.db")


def fill(db, n: int = 80) -> str:
    with db.session() as s:
        unit_id = create_unit(s, UnitInput(code="UB-TL", name="UBND xã Tân Lập",
                                           level="commune", kind="state"), home=True).id
        for i in range(n):
            c = create_citizen(s, unit_id, CitizenInput(f"Lò Thị {i}", address=f"Bản {i}"))
            register_petition(s, unit_id, PetitionInput(
                received_date=date(2026, 1, 6), petition_type="recommendation",
                content=f"Kiến nghị số {i} " + "về đường giao thông nông thôn " * 10,
                petitioners=[PetitionerInput(c.full_name, citizen_id=c.id)]))
    return unit_id


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "receptiondesk.db"
    db = open_database(path)
    try:
        fill(db)
    finally:
        db.close()  # the last connection checkpoints: the file is complete, no -wal
    return path


@pytest.fixture
def good_file(template, tmp_path) -> Path:
    """A sound commune database with 80 petitions (a copy of the module's template)."""
    path = tmp_path / "data" / "receptiondesk.db"
    path.parent.mkdir()
    shutil.copyfile(template, path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_of(path: Path) -> dict[str, tuple[str, int]]:
    """The database file and its companions with content: bytes and modification times.

    (A read-only connection to a WAL database may create an empty ``-wal`` and the
    ``-shm`` index beside it, as SQLite does for any reader; it never writes the file.)
    """
    return {p.name: (digest(p), p.stat().st_mtime_ns) for p in path.parent.glob(path.name + "*")
            if not p.name.endswith("-shm") and p.stat().st_size > 0}


def garble_page(path: Path, which: float = 0.5) -> None:
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    start = int(len(data) // page_size * which) * page_size
    for i in range(start, start + page_size):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


# --- the checks ---------------------------------------------------------------------------


def test_a_good_file_passes_completely(good_file):
    result = inspect_database_file(good_file)
    assert result.problem is None and result.complete


def test_a_missing_file_in_an_existing_folder_is_a_new_database(tmp_path):
    assert check_database_file(tmp_path / "new.db") is None
    assert not (tmp_path / "new.db").exists()


def test_an_empty_file_is_a_new_database(tmp_path):
    (tmp_path / "empty.db").touch()
    assert check_database_file(tmp_path / "empty.db") is None


def test_a_damaged_page_is_found_and_the_file_is_not_written(good_file):
    garble_page(good_file)
    before = files_of(good_file)
    problem = check_database_file(good_file)
    assert problem is not None and problem.kind == "damaged"
    assert "damaged" in problem.message and str(good_file) in problem.message
    assert problem.details  # SQLite's own words, for whoever helps the office
    assert files_of(good_file) == before


def test_a_damaged_beginning_is_found(good_file):
    data = bytearray(good_file.read_bytes())
    data[0:100] = b"\0" * 100
    good_file.write_bytes(bytes(data))
    before = digest(good_file)
    problem = check_database_file(good_file)
    assert problem.kind == "damaged" and "SQLite header" in problem.details
    assert digest(good_file) == before


@pytest.mark.parametrize("content", [
    "Sổ tiếp công dân năm 2025\nNguyễn Văn An, Thôn 1\n" * 50,
    "x",
])
def test_a_text_file_named_db_is_damaged_not_a_crash(tmp_path, content):
    fake = tmp_path / "receptiondesk.db"
    fake.write_text(content, encoding="utf-8")
    problem = check_database_file(fake)
    assert problem is not None and problem.kind in ("damaged", "unreadable")
    assert fake.read_text(encoding="utf-8") == content


def test_a_database_of_another_program_is_not_opened(tmp_path):
    other = tmp_path / "songs.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    problem = check_database_file(other)
    assert problem.kind == "unreadable" and "another program" in problem.message


def test_a_file_from_a_newer_version_is_recognised(good_file):
    conn = sqlite3.connect(good_file)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.commit()
    conn.close()
    before = digest(good_file)
    problem = check_database_file(good_file)
    assert problem.kind == "newer" and "0099_from_the_future" in problem.message
    assert digest(good_file) == before


def _deny_writing(monkeypatch, folder: Path) -> None:
    real = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and Path(path) in (folder, *folder.iterdir()):
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(startup.os, "access", access)


def test_a_read_only_folder(good_file, monkeypatch):
    folder = good_file.parent
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):  # root writes anyway: simulate what a user meets
            _deny_writing(monkeypatch, folder)
        problem = check_database_file(good_file)
    finally:
        folder.chmod(0o755)
    assert problem.kind == "read_only" and str(folder) in problem.message


def test_a_read_only_file(good_file, monkeypatch):
    good_file.chmod(0o444)
    real = os.access
    if real(good_file, os.W_OK):  # root
        monkeypatch.setattr(startup.os, "access", lambda p, m, *a, **k: False
                            if Path(p) == good_file and m & os.W_OK else real(p, m, *a, **k))
    try:
        problem = check_database_file(good_file)
    finally:
        good_file.chmod(0o644)
    assert problem.kind == "read_only" and "read-only" in problem.message


def test_a_full_disk(good_file, monkeypatch):
    usage = shutil._ntuple_diskusage(500 * 2**30, 500 * 2**30 - 10 * 2**20, 10 * 2**20)
    monkeypatch.setattr(startup.shutil, "disk_usage", lambda _p: usage)
    problem = check_database_file(good_file)
    assert problem.kind == "disk_full" and "full" in problem.message
    enough = shutil._ntuple_diskusage(500 * 2**30, 0, MIN_FREE_BYTES + 1)
    monkeypatch.setattr(startup.shutil, "disk_usage", lambda _p: enough)
    assert check_database_file(good_file) is None


def test_a_missing_folder_is_not_created_elsewhere(tmp_path, monkeypatch):
    usb = tmp_path / "usb-drive" / "receptiondesk.db"
    problem = check_database_file(usb)
    assert problem.kind == "missing_folder" and "USB" in problem.message
    assert not usb.parent.exists()
    # the first start on the default data folder is not a problem: it is created then
    monkeypatch.setattr("receptiondesk.db.default_db_path",
                        lambda: tmp_path / "appdata" / "ReceptionDesk" / "receptiondesk.db")
    assert check_database_file(tmp_path / "appdata" / "ReceptionDesk" / "receptiondesk.db") \
        is None


def test_a_recorded_data_folder_that_is_missing_is_not_made_anew(tmp_path):
    """D: not connected (or its letter changed): the office's records are not replaced by an
    empty database in a new D:\\ReceptionDesk."""
    from receptiondesk.location import default_db_path, write_location

    write_location(tmp_path / "D" / "ReceptionDesk", None)
    problem = check_database_file(default_db_path())
    assert problem is not None and problem.kind == "missing_folder"
    assert not (tmp_path / "D").exists()


def test_a_folder_named_like_the_database(tmp_path):
    (tmp_path / "receptiondesk.db").mkdir()
    assert check_database_file(tmp_path / "receptiondesk.db").kind == "unreadable"


def test_messages_follow_the_language(tmp_path):
    from receptiondesk.i18n import set_language

    set_language("vi")
    problem = check_database_file(tmp_path / "nowhere" / "x.db")
    assert problem.kind == "missing_folder" and problem.message


def test_the_read_only_uri_quotes_odd_paths(tmp_path):
    odd = tmp_path / "Tài liệu #1 ?50%" / "sổ tiếp.db"
    odd.parent.mkdir()
    conn = sqlite3.connect(odd)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert read_only_uri(odd).endswith("?mode=ro")
    ro = sqlite3.connect(read_only_uri(odd), uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            ro.execute("INSERT INTO t VALUES (1)")
    finally:
        ro.close()


def test_a_wal_left_by_a_crash_is_read_not_lost(good_file):
    """A file whose last saves are still in its -wal (the process was killed) is sound."""
    db = open_database(good_file)
    with db.session() as s:
        from sqlalchemy import text

        s.execute(text("PRAGMA wal_autocheckpoint = 0"))
    copy = good_file.with_name("copy.db")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
        conn.exec_driver_sql("UPDATE units SET name = 'Đổi tên' WHERE 1")
        conn.commit()
        for suffix in ("", "-wal"):
            shutil.copy(str(good_file) + suffix, str(copy) + suffix)
    db.close()
    assert Path(str(copy) + "-wal").stat().st_size > 0
    assert check_database_file(copy) is None
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT name FROM units").fetchone()[0] == "Đổi tên"
    conn.close()


@pytest.mark.skipif(not PROVINCE_FILE.exists(), reason="no province-size file at /tmp/rd")
def test_a_province_file_is_checked_within_its_time_budget():
    """A province file is not read to its end at start-up: its check stops at the budget
    and says it was partial (how long it takes is a benchmark's figure, not a test's:
    a loaded machine would fail a timed assertion)."""
    startup.known_revisions()  # loaded once per run, shared with the migrations
    before = PROVINCE_FILE.stat().st_mtime_ns
    result = inspect_database_file(PROVINCE_FILE)
    assert result.problem is None and result.complete is False
    assert PROVINCE_FILE.stat().st_mtime_ns == before


# --- the start-up dialog ------------------------------------------------------------------


@pytest.fixture
def damaged_with_backups(good_file, tmp_path):
    """A damaged database; its backups: a good one, then a newer damaged one."""
    folder = tmp_path / "backups"
    db = open_database(good_file)
    try:
        good = make_backup(db, folder, "daily", now=T0)
        bad = make_backup(db, folder, "exit", now=T0 + timedelta(hours=9))
    finally:
        db.close()
    garble_page(bad)
    garble_page(good_file)
    return good_file, folder, good, bad


def make_dialog(qtbot, path: Path, folder: Path):
    from receptiondesk.ui.startup_dialog import StartupDialog

    problem = check_database_file(path)
    assert problem is not None
    dialog = StartupDialog(problem, folder)
    qtbot.addWidget(dialog)
    return dialog


def test_the_dialog_restores_the_latest_good_backup(qtbot, damaged_with_backups):
    from receptiondesk.ui.startup_dialog import StartupDialog

    path, folder, good, _bad = damaged_with_backups
    damaged = digest(path)
    dialog = make_dialog(qtbot, path, folder)
    assert "damaged" in dialog.message.text()
    qtbot.waitUntil(lambda: not dialog.searching, timeout=20_000)
    assert dialog.backup is not None and dialog.backup.path == good  # the bad newest skipped
    assert good.name in dialog.backup_label.text() and "05/02/2026" in dialog.backup_label.text()
    assert dialog.restore_button.isEnabled()

    assert dialog.restore_latest()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20_000)

    assert dialog.outcome == StartupDialog.RESTORED
    assert dialog.aside_path is not None and digest(dialog.aside_path) == damaged
    assert dialog.aside_path.name.startswith("receptiondesk.before-restore-")
    assert "kept as" in dialog.restored_message()
    assert check_database_file(path) is None
    db = open_database(path)
    try:
        with db.session() as s:
            from sqlalchemy import text

            assert s.execute(text("SELECT count(*) FROM petitions")).scalar() == 80
    finally:
        db.close()


def test_the_dialog_without_a_good_backup_offers_the_other_ways(qtbot, good_file, tmp_path):
    from receptiondesk.ui.startup_dialog import StartupDialog

    garble_page(good_file)
    dialog = make_dialog(qtbot, good_file, tmp_path / "no-backups")
    qtbot.waitUntil(lambda: not dialog.searching, timeout=20_000)
    assert dialog.backup is None and not dialog.restore_button.isEnabled()
    assert "No good backup" in dialog.backup_label.text()
    assert not dialog.restore_latest()
    other = tmp_path / "other.db"
    assert dialog.open_another(other)
    assert (dialog.outcome, dialog.chosen_path) == (StartupDialog.OTHER, other)


def test_the_dialog_refuses_a_bad_backup_file_and_stays_open(qtbot, damaged_with_backups):
    path, folder, _good, bad = damaged_with_backups
    before = digest(path)
    dialog = make_dialog(qtbot, path, folder)
    qtbot.waitUntil(lambda: not dialog.searching, timeout=20_000)
    assert dialog.restore_file(bad)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert dialog.outcome is None and "was not restored" in dialog.status.text()
    assert digest(path) == before


def test_the_dialog_for_a_newer_file_offers_no_restore(qtbot, good_file, tmp_path):
    from receptiondesk.ui.startup_dialog import StartupDialog

    conn = sqlite3.connect(good_file)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.commit()
    conn.close()
    dialog = make_dialog(qtbot, good_file, tmp_path)
    assert dialog.backup_group.isHidden() and dialog.retry_button.isHidden()
    dialog.quit()
    assert dialog.outcome == StartupDialog.QUIT


def test_the_start_up_loop_follows_the_choices(qtbot, damaged_with_backups, tmp_path):
    from receptiondesk.ui.startup_dialog import resolve_startup_problems

    path, folder, good, _bad = damaged_with_backups
    seen, notes = [], []

    def run(dialog):
        seen.append(dialog.problem.kind)
        qtbot.waitUntil(lambda: not dialog.searching, timeout=20_000)
        dialog.restore_latest()
        qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20_000)

    assert resolve_startup_problems(path, folder, run=run, notify=notes.append) == (path, True)
    assert seen == ["damaged"] and "was restored" in notes[0]

    def quit_(dialog):
        dialog.quit()

    assert resolve_startup_problems(tmp_path / "gone" / "x.db", folder, run=quit_) is None
