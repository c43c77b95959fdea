"""Two writers at once (issue 16, item 4): write transactions begin IMMEDIATE and wait
their turn within the busy timeout, so two imports side by side both land; when the
wait runs out the user reads that another program is writing, not a traceback."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from receptiondesk import db as db_module
from receptiondesk.cli import main
from receptiondesk.services import units
from receptiondesk.services.database import open_database

pytestmark = pytest.mark.sqlite_only("about SQLite's locking")

DAY = date.today() - timedelta(days=10)
ROWS = 200


def _database(tmp_path: Path, template: Path) -> Path:
    path = tmp_path / "office.db"
    shutil.copyfile(template, path)
    db = open_database(path)
    with db.session() as s:
        units.create_unit(s, units.UnitInput(code="DU-MP", name="Đảng ủy xã Mường Phăng",
                                             level="commune", kind="party"), home=True)
    db.close()
    return path


def _petitions_file(path: Path, prefix: str) -> Path:
    rows = [f"{prefix}-{i},{DAY.isoformat()},complaint,Người gửi {prefix} {i},Nội dung {i}"
            for i in range(ROWS)]
    path.write_text("\n".join(["ref,received_date,type,petitioner_name,content", *rows])
                    + "\n", encoding="utf-8")
    return path


def _petition_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM petitions").fetchone()[0]


def test_two_imports_at_once_both_land(tmp_path, sqlite_template):
    database = _database(tmp_path, sqlite_template)
    files = [_petitions_file(tmp_path / f"{p}.csv", p) for p in ("A", "B")]
    go = tmp_path / "go"
    # Each process waits for the same moment, then imports its file.
    script = ("import os, sys, time\n"
              "from receptiondesk.cli import main\n"
              f"while not os.path.exists({str(go)!r}): time.sleep(0.005)\n"
              "sys.exit(main(sys.argv[1:]))\n")
    processes = [subprocess.Popen(
        [sys.executable, "-c", script, "--db", str(database), "--lang", "en", "import",
         "petitions", str(f)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for f in files]
    go.touch()
    results = [p.communicate(timeout=300) for p in processes]
    for process, (_out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        assert "Traceback" not in err
    assert _petition_count(database) == 2 * ROWS


def test_a_writer_that_keeps_the_lock_too_long_is_named(tmp_path, sqlite_template,
                                                        monkeypatch, capsys):
    database = _database(tmp_path, sqlite_template)
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 300)
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing, and keeps on
    try:
        code = main(["--db", str(database), "--lang", "en", "import", "petitions",
                     str(_petitions_file(tmp_path / "A.csv", "A"))])
        err = capsys.readouterr().err
        assert code == 1
        assert "Another program is writing to this database; try again" in err
        assert "Traceback" not in err
        main(["--db", str(database), "--lang", "vi", "import", "petitions",
              str(tmp_path / "A.csv")])
        assert "Một chương trình khác đang ghi vào cơ sở dữ liệu" in capsys.readouterr().err
    finally:
        other.rollback()
        other.close()
    assert _petition_count(database) == 0
    assert main(["--db", str(database), "--lang", "en", "import", "petitions",
                 str(tmp_path / "A.csv")]) == 0
    assert _petition_count(database) == ROWS


def test_an_import_that_cannot_grow_the_file_says_why_and_changes_nothing(tmp_path,
                                                                          sqlite_template):
    """The database may not grow (as on a full disk): the import ends in a message."""
    import resource
    import signal

    database = _database(tmp_path, sqlite_template)
    source = _petitions_file(tmp_path / "A.csv", "A")
    limit = database.stat().st_size + 16 * 1024

    def no_room() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    result = subprocess.run(
        [sys.executable, "-m", "receptiondesk.cli", "--db", str(database), "--lang", "en",
         "import", "petitions", str(source)],
        capture_output=True, text=True, preexec_fn=no_room, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "nothing was saved" in result.stderr
    assert _petition_count(database) == 0
