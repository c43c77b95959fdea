"""The self-test, from source and (on request) from a fresh PyInstaller build.

The build test is slow (a minute or two) and needs PyInstaller; it runs only with
``RECEPTIONDESK_BUILD_TEST=1``:

    .venv/bin/pip install pyinstaller
    RECEPTIONDESK_BUILD_TEST=1 .venv/bin/python -m pytest tests/test_selftest.py -m slow
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SELFTEST = ("from receptiondesk.selftest import run_selftest; "
            "raise SystemExit(run_selftest(lang='en'))")
STEPS = ("program", "database and migrations", "records through the services",
         "document printed to PDF", "document saved as Word", "national workbook written",
         "message catalogs",
         "workbooks read through defusedxml", "main window rendered offscreen",
         "password hashed and checked at sign-in")


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["RECEPTIONDESK_CONFIG_DIR"] = str(tmp_path / "config")  # never the user's settings
    env["RECEPTIONDESK_BUNDLED_FONTS"] = "1"
    env.pop("RECEPTIONDESK_DB", None)
    return env


def _assert_passed(result: subprocess.CompletedProcess) -> None:
    out = result.stdout
    assert result.returncode == 0, (
        f"self-test failed ({result.returncode}):\n{out}\n{result.stderr}")
    lines = out.splitlines()
    for step in STEPS:
        assert any(line.startswith("ok") and step in line for line in lines), (step, out)
    assert not any(line.startswith("FAIL") for line in lines), out


def test_selftest_passes_in_a_subprocess(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SELFTEST], cwd=tmp_path, env=_env(tmp_path),
        capture_output=True, text=True, timeout=300,
    )
    _assert_passed(result)
    assert "(from source)" in result.stdout


def test_selftest_reports_a_failing_step(monkeypatch, tmp_path):
    """A broken step is one FAIL line with its reason, and the result is 1."""
    from receptiondesk import selftest

    def broken(_folder, _state):
        raise RuntimeError("the disk is full")

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # restored after the test
    monkeypatch.setattr(selftest, "_database", broken)
    out = io.StringIO()
    assert selftest.run_selftest(out, lang="en") == 1
    text = out.getvalue()
    assert "FAIL  database and migrations" in text and "the disk is full" in text
    assert "Self-test failed" in text


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("RECEPTIONDESK_BUILD_TEST") != "1",
                    reason="builds the PyInstaller bundle; set RECEPTIONDESK_BUILD_TEST=1")
def test_frozen_build_passes_its_selftest(tmp_path):
    pytest.importorskip("PyInstaller", reason="pip install pyinstaller")
    dist, work = tmp_path / "dist", tmp_path / "build"
    started = time.perf_counter()
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(ROOT / "build.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )
    seconds = time.perf_counter() - started
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    folder = dist / "ReceptionDesk"
    suffix = ".exe" if sys.platform == "win32" else ""
    cli = folder / f"receptiondesk-cli{suffix}"
    assert cli.is_file() and (folder / f"ReceptionDesk{suffix}").is_file()
    internal = folder / "_internal"
    # only the Qt modules the application uses
    shipped = {p.name for p in internal.rglob("*")}
    for unwanted in ("QtWebEngineCore", "QtQml", "QtQuick", "Qt3DCore", "QtMultimedia",
                     "QtDesigner", "QtBluetooth"):
        assert not any(unwanted in name for name in shipped), unwanted
    assert not (internal / "PySide6" / "Qt" / "qml").exists()
    # catalogs compiled, fonts and migrations as files
    data = internal / "receptiondesk"
    assert (data / "_data" / "i18n" / "vi" / "LC_MESSAGES" / "receptiondesk.mo").is_file()
    assert list((data / "_data" / "resources" / "fonts").glob("*.ttf"))
    assert (data / "migrations" / "env.py").is_file()
    assert list((data / "migrations" / "versions").glob("*.py"))

    result = subprocess.run(
        [str(cli), "--lang", "en", "--selftest"], cwd=tmp_path, env=_env(tmp_path),
        capture_output=True, text=True, timeout=300,
    )
    size = sum(p.stat().st_size for p in folder.rglob("*")
               if p.is_file() and not p.is_symlink())  # the libraries' links: once
    print(f"\nbuild {seconds:.0f} s, {size / 1_048_576:.0f} MB\n{result.stdout}")
    _assert_passed(result)
    assert "(frozen)" in result.stdout
