"""Restore and backup killed for real (SIGKILL) at each of their file steps (issue 16,
item 5): the database path always holds a sound database with its accounts, and the next
start leaves no half-written file behind.

The command runs in a subprocess that stops at the named step (``files.PAUSE_ENV``),
says so in a file, and is killed there with ``kill -9``."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from receptiondesk.cli import main
from receptiondesk.files import PAUSE_ENV
from receptiondesk.services import accounts, units
from receptiondesk.services.accounts import ADMINISTRATOR, UserInput
from receptiondesk.services.backups import make_backup
from receptiondesk.services.database import open_database

pytestmark = [pytest.mark.sqlite_only("about SQLite files"),
              pytest.mark.skipif(os.name != "posix", reason="SIGKILL")]

PASSWORD = "mat-khau-quan-tri"
RESTORE_STEPS = ["restore-copying", "restore-copied", "restore-kept-aside",
                 "restore-companions-moved", "restore-replaced", "restore-before-record"]
BACKUP_STEPS = ["backup-copying", "backup-copied", "backup-replaced"]


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """A folder with the office's database (an administrator, some work) and a backup."""
    folder = tmp_path_factory.mktemp("office")
    db = open_database(folder / "receptiondesk.db")
    with db.session() as s:
        units.create_unit(s, units.UnitInput(code="X", name="Xã Mường Phăng"), home=True)
        admin = accounts.create_user(s, UserInput("quantri", "Quản trị", ADMINISTRATOR),
                                     PASSWORD, must_change_password=False)
    make_backup(db, folder / "backups", "manual", now=datetime(2026, 3, 1, 8, 0))
    with db.session() as s, accounts.acting_as(admin):
        units.create_unit(s, units.UnitInput(code="Y", name="Xã Nà Tấu"))
    db.close()
    return folder


def _start(step: str, argv: list[str], tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    ready = tmp_path / f"ready-{step}"
    env = dict(os.environ, RECEPTIONDESK_PASSWORD=PASSWORD, **{PAUSE_ENV: f"{step}:{ready}"})
    return subprocess.Popen([sys.executable, "-m", "receptiondesk.cli", *argv], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE), ready


def _kill_when_ready(step: str, process: subprocess.Popen, ready: Path) -> None:
    deadline = time.monotonic() + 120
    while not ready.exists():
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"ended before {step}: {out.decode()} {err.decode()}")
        assert time.monotonic() < deadline, f"never reached {step}"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)  # kill -9, at that very step
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _sound_after_next_start(path: Path, backups: Path, capsys) -> None:
    db = open_database(path)  # the next start
    try:
        with db.session() as s:
            assert accounts.user_by_name(s, "quantri") is not None
    finally:
        db.close()
    left = [p.name for p in path.parent.rglob("*") if p.name.endswith((".part", ".restoring"))
            or ".part-" in p.name]
    assert left == []
    capsys.readouterr()
    assert main(["--db", str(path), "--lang", "en", "db", "check", "--backups",
                 str(backups)]) == 0, capsys.readouterr().out


def test_restores_and_backups_killed_at_each_step_leave_a_sound_database(office, tmp_path,
                                                                          capsys):
    """Every step at once, each in its own copy of the office (they run side by side)."""
    runs = []
    for step in RESTORE_STEPS + BACKUP_STEPS:
        here = tmp_path / step
        shutil.copytree(office, here)
        path, backups = here / "receptiondesk.db", here / "backups"
        if step in RESTORE_STEPS:
            argv = ["restore", "--from", str(next(backups.iterdir()))]
        else:
            argv = ["backup", "--out", str(here / "copy.db")]
        argv = ["--db", str(path), "--lang", "en", "--user", "quantri", "db", *argv]
        runs.append((step, path, backups, argv, *_start(step, argv, here)))
    for step, _path, _backups, _argv, process, ready in runs:
        _kill_when_ready(step, process, ready)
    os.environ["RECEPTIONDESK_PASSWORD"] = PASSWORD
    try:
        for step, path, backups, argv, _process, _ready in runs:
            if step in BACKUP_STEPS:  # the next backup to the same place clears a half copy
                assert main(argv) == 0, step
            _sound_after_next_start(path, backups, capsys)
            if step in BACKUP_STEPS:
                assert main(["--db", str(path.with_name("copy.db")), "--lang", "en", "db",
                             "check", "--backups", str(backups)]) == 0, step
    finally:
        del os.environ["RECEPTIONDESK_PASSWORD"]
