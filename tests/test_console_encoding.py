"""Every command's output can be redirected on a Vietnamese Windows console.

Redirected output is written in the console's code page there (cp1258), which cannot
hold precomposed Vietnamese letters; the commands write UTF-8 to files and pipes
instead. ``PYTHONIOENCODING=cp1258`` gives Linux the same starting point.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMANDS = [
    ["--help"],
    ["demo", "--help"], ["db", "--help"], ["db", "backup", "--help"], ["import", "--help"],
    ["export", "--help"], ["codes", "--help"], ["search", "--help"],
    ["screenshot", "--help"], ["print", "--help"], ["report", "--help"],
    ["codes"],
    ["db", "check"], ["db", "location"],
    ["search", "nguyen van an"],
    ["db", "backup", "--out", "{tmp}/copy.db"],
    ["report", "periodic", "--preset", "year", "--year", "2025", "--format", "json",
     "--out", "{tmp}/report.json"],
    ["export", "petitions", "{tmp}/petitions.csv"],
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("console") / "demo.db"
    made = subprocess.run([sys.executable, "-m", "receptiondesk.cli", "demo", "--out",
                           str(path)], capture_output=True, env=_env(), check=False)
    assert made.returncode == 0, made.stderr.decode("utf-8", "replace")
    assert "Tài khoản" in made.stdout.decode("utf-8")  # Vietnamese, written as UTF-8
    return path


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONIOENCODING="cp1258", RECEPTIONDESK_PASSWORD="head-demo-1",
               QT_QPA_PLATFORM="offscreen")
    env.pop("RECEPTIONDESK_DB", None)
    return env


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_each_command_writes_vietnamese_to_a_pipe(demo, tmp_path, argv):
    argv = [a.format(tmp=tmp_path) for a in argv]
    run = subprocess.run(
        [sys.executable, "-m", "receptiondesk.cli", "--db", str(demo), "--lang", "vi",
         "--user", "head", *argv],
        capture_output=True, env=_env(), timeout=300, check=False)
    err = run.stderr.decode("utf-8", "replace")
    assert run.returncode == 0, err
    assert "UnicodeEncodeError" not in err
    run.stdout.decode("utf-8")  # whole UTF-8, not the code page
