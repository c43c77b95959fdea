"""Restore and backup that survive a kill at any moment (issue 16, item 5).

A kill is simulated by an exception no code of the restore catches, raised at the n-th
file-system step (copy, flush, link, rename, SQLite connection), for every n until the
restore runs through. After each, the database's path must hold a sound database: the
old one (with what its WAL held) or the restored one — never nothing, never an empty
file. A backup onto a full disk ends in a message and leaves no ``.part`` file."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

import pytest

from receptiondesk.db import backup_sqlite
from receptiondesk.services import backups, units
from receptiondesk.services.database import open_database

pytestmark = pytest.mark.sqlite_only("about SQLite files")


class Killed(BaseException):
    """The process died here."""


def _office(path: Path) -> None:
    db = open_database(path)
    with db.session() as s:
        units.create_unit(s, units.UnitInput(code="DU-MP", name="Đảng ủy xã Mường Phăng",
                                             level="commune", kind="party"), home=True)
    db.close()


def _with_wal_marker(path: Path, crash_copy: Path) -> None:
    """``crash_copy``: ``path`` as a power cut leaves it, a marker committed in its WAL only."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("INSERT INTO settings (key, value) VALUES ('h5-marker', 'old')")
    for suffix in ("", "-wal"):
        shutil.copyfile(str(path) + suffix, str(crash_copy) + suffix)
    conn.close()
    assert Path(str(crash_copy) + "-wal").stat().st_size > 0


def _state(path: Path, backup: Path | None = None) -> str:
    """What the path holds, after checking it is a sound database of the office: 'new'
    (the backup's bytes), 'old' (with what its WAL held) or 'old-at-checkpoint' (its WAL
    moved aside with the kept copy). Read from a scratch copy: the file is not touched."""
    assert path.is_file() and path.stat().st_size > 0, "the database path is empty"
    if backup is not None and path.read_bytes() == backup.read_bytes():
        return "new"
    scratch = Path(tempfile.mkdtemp()) / "look.db"
    for suffix in ("", "-wal"):
        if Path(str(path) + suffix).exists():
            shutil.copyfile(str(path) + suffix, str(scratch) + suffix)
    with closing(sqlite3.connect(scratch)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT code FROM units").fetchall() == [("DU-MP",)]
        marker = conn.execute("SELECT value FROM settings WHERE key = 'h5-marker'").fetchone()
    shutil.rmtree(scratch.parent)
    return "old" if marker else "old-at-checkpoint"


@pytest.fixture
def backup(tmp_path) -> Path:
    source = tmp_path / "source.db"
    _office(source)
    db = open_database(source)
    target = tmp_path / "backups" / "receptiondesk-20260101-080000-manual.db"
    backup_sqlite(db, target)
    db.close()
    _with_wal_marker(source, tmp_path / "template.db")
    return target


def _fresh(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / f"run-{n}"
    folder.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(str(tmp_path / "template.db") + suffix,
                        str(folder / "receptiondesk.db") + suffix)
    return folder / "receptiondesk.db"


STEPS = [("os", "replace"), ("os", "link"), ("os", "fsync"), ("shutil", "copyfileobj"),
         ("sqlite3", "connect")]


def test_a_restore_killed_at_any_step_leaves_a_sound_database(tmp_path, backup, monkeypatch):
    seen = set()
    for n in range(1, 100):
        db_path = _fresh(tmp_path, n)
        assert _state(db_path, backup) == "old"
        calls = [0]

        def step(real, calls=calls, n=n):
            def wrapper(*args, **kwargs):
                calls[0] += 1
                if calls[0] == n:
                    raise Killed
                return real(*args, **kwargs)
            return wrapper

        with monkeypatch.context() as m:
            for module, name in STEPS:
                target = getattr(backups, module)
                m.setattr(target, name, step(getattr(target, name)))
            try:
                backups.restore_backup(db_path, backup)
                finished = True
            except Killed:
                finished = False
        seen.add(_state(db_path, backup))  # at this instant: the old or the new, sound
        if finished:
            assert _state(db_path, backup) == "new"
            break
    assert n > 5 and {"old", "new"} <= seen


def test_the_kept_copy_holds_what_the_wal_held(tmp_path, backup):
    db_path = _fresh(tmp_path, 0)
    before = db_path.read_bytes()
    aside = backups.restore_backup(db_path, backup)
    assert _state(db_path, backup) == "new" and _state(aside) == "old"
    assert aside.read_bytes() == before  # kept byte for byte
    assert not Path(str(db_path) + "-wal").exists()


def test_a_backup_that_cannot_grow_says_why_and_leaves_no_part_file(tmp_path):
    database = tmp_path / "office.db"
    _office(database)
    db = open_database(database)
    with db.session() as s:  # a database of some size
        from receptiondesk.model import Setting

        s.add_all(Setting(key=f"filler-{i}", value="x" * 2000) for i in range(300))
    db.close()
    out = tmp_path / "usb" / "copy.db"
    out.parent.mkdir()

    def small_disk() -> None:  # files may not grow beyond 64 KB, as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))

    result = subprocess.run(
        [sys.executable, "-m", "receptiondesk.cli", "--db", str(database), "--lang", "en",
         "db", "backup", "--out", str(out)],
        capture_output=True, text=True, preexec_fn=small_disk, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "The backup could not be written to" in result.stderr
    assert os.listdir(out.parent) == []


def test_a_full_disk_is_named_and_no_part_file_stays(tmp_path, monkeypatch):
    from receptiondesk import db as db_module

    database = tmp_path / "office.db"
    _office(database)

    def fills_the_disk(source: Path, tmp: Path) -> str:
        tmp.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4096)  # as far as it got
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(db_module, "_copy_verified", fills_the_disk)
    out = tmp_path / "usb" / "copy.db"
    from receptiondesk.cli import main

    db = open_database(database)
    try:
        with pytest.raises(db_module.DiskFull, match="is full: the backup was not made"):
            backup_sqlite(db, out)
    finally:
        db.close()
    assert os.listdir(out.parent) == []
    assert main(["--db", str(database), "--lang", "vi", "db", "backup", "--out",
                 str(out)]) == 1
    assert os.listdir(out.parent) == []
