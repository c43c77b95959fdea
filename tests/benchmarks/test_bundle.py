"""Bundle export and import of 100,000 records (issue 7's offline bundles), beside a
plain SQLite copy of the same file (the online backup API) as the floor.

Skipped while ``receptiondesk/exchange/bundle*.py`` does not exist. The bundle is made
with the command line (``export bundle --out FILE --since DATE``, the date chosen so
that about 100,000 records changed since) and imported into a fresh database
(``import bundle FILE --yes --trust-new-key``). When the demo database has accounts,
the export signs in as its office head (``--user head``, the demo password).
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import receptiondesk

RECORDS = 100_000
#: the demo database's office head (see ``receptiondesk demo``)
DEMO_USER, DEMO_PASSWORD = "head", "head-demo-1"
BUNDLE_MODULES = sorted((Path(receptiondesk.__file__).parent / "exchange").glob("bundle*.py"))

pytestmark = pytest.mark.skipif(
    not BUNDLE_MODULES, reason="receptiondesk/exchange/bundle*.py does not exist yet")


def _cli(*args: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    env = dict(os.environ, RECEPTIONDESK_PASSWORD=DEMO_PASSWORD)
    return subprocess.run([sys.executable, "-m", "receptiondesk.cli", "--lang", "en", *args],
                          capture_output=True, text=True, timeout=timeout, env=env)


def _since_for(path: Path, records: int) -> str:
    """The day since which about ``records`` petitions, visits and citizens changed."""
    conn = sqlite3.connect(str(path))
    try:
        row = conn.execute(
            "SELECT d FROM (SELECT date(updated_at) d FROM petitions UNION ALL "
            "SELECT date(updated_at) FROM visits UNION ALL "
            "SELECT date(updated_at) FROM citizens) ORDER BY d DESC LIMIT 1 OFFSET ?",
            (records - 1,),
        ).fetchone()
    finally:
        conn.close()
    assert row is not None
    return row[0]


def _sign_in(path: Path) -> list[str]:
    """``--user head`` on a database with accounts (a demo made before accounts existed
    has none, and every command then runs without signing in)."""
    conn = sqlite3.connect(str(path))
    try:
        users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    finally:
        conn.close()
    return ["--user", DEMO_USER] if users else []


def test_bundle_export_and_import(benchmark, results, bench_db_path, tmp_path):
    since = _since_for(bench_db_path, RECORDS)
    out = tmp_path / "office.bundle"
    timings: dict[str, float] = {}

    def floor_copy() -> float:
        target = tmp_path / "copy.db"
        target.unlink(missing_ok=True)
        start = time.perf_counter()
        src, dst = sqlite3.connect(str(bench_db_path)), sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return time.perf_counter() - start

    floor = floor_copy()

    def run() -> None:
        out.unlink(missing_ok=True)
        start = time.perf_counter()
        made = _cli("--db", str(bench_db_path), *_sign_in(bench_db_path), "export", "bundle",
                    "--out", str(out), "--since", since)
        timings["export"] = time.perf_counter() - start
        if made.returncode == 2:  # the command line does not know bundles (yet)
            pytest.skip(f"export bundle is not a command: {made.stderr.strip()[:200]}")
        assert made.returncode == 0, made.stderr
        # every record the bundle holds: the changed ones and those they refer to
        found = re.search(r"^([\d,]+) records, ", made.stdout, re.M)
        timings["records"] = float(found.group(1).replace(",", "")) if found else 0
        target = tmp_path / "upper.db"
        target.unlink(missing_ok=True)
        start = time.perf_counter()
        done = _cli("--db", str(target), "import", "bundle", str(out), "--yes",
                    "--trust-new-key")
        timings["import"] = time.perf_counter() - start
        assert done.returncode == 0, done.stderr

    benchmark.pedantic(run, rounds=1, warmup_rounds=0)
    results.add(f"bundle export, ~{RECORDS:,} records since {since}", timings["export"], floor,
                "SQLite online backup of the whole file", target="(report)", met=None,
                note=f"{out.stat().st_size / 1_048_576:,.1f} MB bundle of "
                     f"{timings['records']:,.0f} records in all")
    results.add(f"bundle import, ~{RECORDS:,} records", timings["import"], floor,
                "SQLite online backup of the whole file", target="(report)", met=None)

