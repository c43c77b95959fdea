"""The command line as an administrator uses it: demo data, search, checks,
backups, and one clear line (no traceback) for a mistake."""

from __future__ import annotations

import json
import os
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


@pytest.fixture
def as_clerk(monkeypatch):
    """The demo has accounts: search results leave only for a signed-in user."""
    monkeypatch.setenv("RECEPTIONDESK_PASSWORD", "clerk-demo-1")
    return ["--user", "clerk"]


def test_demo_then_search_finds_names_spelled_with_diacritics(demo_db, capsys, as_clerk):
    capsys.readouterr()
    assert main(["--db", str(demo_db), "--lang", "en", *as_clerk, "search", "nguyen",
                 "--json"]) == 0
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


def test_messages_follow_the_language(demo_db, capsys, as_clerk):
    main(["--db", str(demo_db), "--lang", "vi", *as_clerk, "search", "zzzzqqq"])
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


def test_plain_start_goes_to_the_window_with_its_options(monkeypatch):
    import receptiondesk.ui.app as app_module

    calls = []
    monkeypatch.setattr(app_module, "run_gui", lambda *a: calls.append(a) or 0)
    assert main(["--db", "office.db", "--lang=en"]) == 0
    assert calls == [("office.db", None, "en")]


def test_plain_start_with_a_wrong_language_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--lang", "fr"])
    assert exit_info.value.code == 2
    assert "--lang" in capsys.readouterr().err


def test_window_is_painted_before_the_database_layer_is_loaded(tmp_path):
    """Start-up shows the window frame first: SQLAlchemy (a third of a second to import on
    an office PC) is loaded after the first paint."""
    script = """
import os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

class Shown(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
            print("sqlalchemy" in sys.modules, flush=True)
            os._exit(0)
        return False

app = QApplication(sys.argv[:1])
shown = Shown()
app.installEventFilter(shown)
from receptiondesk.cli import main
main(["--db", sys.argv[1], "--lang", "en"])
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               RECEPTIONDESK_CONFIG_DIR=str(tmp_path / "config"))
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "new.db")],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.stdout.strip() == "False", done.stderr[-2000:]
