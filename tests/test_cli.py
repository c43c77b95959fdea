"""The command line as an administrator uses it: demo data, search, checks,
backups, and one clear line (no traceback) for a mistake."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from receptiondesk.cli import main


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    assert main(["--lang", "en", "demo", "--out", str(path), "--seed", "3"]) == 0
    return path


def test_demo_then_search_finds_names_spelled_with_diacritics(demo_db, capsys):
    capsys.readouterr()
    assert main(["--db", str(demo_db), "--lang", "en", "search", "nguyen", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert results, "the demo has people called Nguyễn"
    assert any("Nguyễn" in r["title"] for r in results)


def test_demo_refuses_to_overwrite_a_file(demo_db, capsys):
    assert main(["--lang", "en", "demo", "--out", str(demo_db)]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "Traceback" not in err


def test_db_check_passes_on_the_demo_and_fails_on_a_damaged_file(demo_db, tmp_path, capsys):
    assert main(["--db", str(demo_db), "--lang", "en", "db", "check"]) == 0
    assert "sound" in capsys.readouterr().out
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert main(["--db", str(broken), "--lang", "en", "db", "check"]) == 1


def test_db_check_reports_an_old_schema(tmp_path, capsys):
    path = tmp_path / "old.db"
    assert main(["--db", str(path), "db", "upgrade"]) == 0
    con = sqlite3.connect(path)
    con.execute("DELETE FROM alembic_version")
    con.commit()
    con.close()
    assert main(["--db", str(path), "--lang", "en", "db", "check"]) == 1
    assert "db upgrade" in capsys.readouterr().out


def test_backup_writes_a_verified_copy(demo_db, tmp_path, capsys):
    out = tmp_path / "copy.db"
    assert main(["--db", str(demo_db), "--lang", "en", "db", "backup", "--out", str(out)]) == 0
    assert main(["--db", str(out), "db", "check"]) == 0


def test_codes_lists_the_canonical_codes(demo_db, capsys):
    assert main(["--db", str(demo_db), "--lang", "en", "codes"]) == 0
    out = capsys.readouterr().out
    for code in ("complaint", "denunciation", "land", "compensation", "mailbox", "in_resolution",
                 "partly_founded", "dialogue"):
        assert code in out


def test_messages_follow_the_language(demo_db, capsys):
    main(["--db", str(demo_db), "--lang", "vi", "search", "zzzzqqq"])
    assert "Không tìm thấy" in capsys.readouterr().out


def test_a_mistake_is_one_line_without_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "receptiondesk.cli", "--db", str(tmp_path / "x.db"), "--lang",
         "en", "import", "petitions", str(tmp_path / "missing.csv")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"Error: There is no file at {tmp_path / 'missing.csv'}."
    ]
