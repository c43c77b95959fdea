"""Bundle export and import of 100,000 records (issue 7's offline bundles), beside a
plain SQLite copy of the same file (the online backup API) as the floor.

Skipped while ``receptiondesk/exchange/bundle*.py`` does not exist. The bundle is made
with the command line (``export bundle --out FILE --since DATE``, the date chosen so
that about 100,000 records changed since) and imported into a fresh database
(``import bundle FILE --yes --trust-new-key``). When the demo database has accounts,
the export signs in as its office head (``--user head``, the demo password).

With ``RECEPTIONDESK_BENCH_URL`` the bundle is exported from that PostgreSQL database and
imported into a new database of the same server; the floor is then the rows the import
wrote, copied raw (psycopg's ``COPY ... FROM STDIN``) into another new database.
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



# --- PostgreSQL: the same bundle imported into a new database of the server ---------------


def _pg(url: str, database: str | None = None):
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password,
                           dbname=database or u.database, autocommit=database is None)


def _url_of(url: str, database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=database).render_as_string(hide_password=False)


@pytest.fixture
def new_pg_databases():
    """New databases on the benchmark's server, dropped afterwards: ``make()`` names one."""
    url = os.environ.get("RECEPTIONDESK_BENCH_URL")
    if not url:
        pytest.skip("PostgreSQL only (RECEPTIONDESK_BENCH_URL is not set)")
    made: list[str] = []

    def make() -> str:
        name = f"rd_bench_{os.getpid()}_{len(made)}"
        with _pg(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return _url_of(url, name)

    yield url, make
    with _pg(url) as admin:
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_since_for(url: str, records: int) -> tuple[str, list[str]]:
    """The day since which about ``records`` records changed, and ``--user head`` where
    the database has accounts."""
    with _pg(url, _database(url)) as conn:
        row = conn.execute(
            "SELECT d FROM (SELECT updated_at::date d FROM petitions UNION ALL "
            "SELECT updated_at::date FROM visits UNION ALL "
            "SELECT updated_at::date FROM citizens) x ORDER BY d DESC LIMIT 1 OFFSET %s",
            (records - 1,),
        ).fetchone()
        users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    assert row is not None
    return row[0].isoformat(), (["--user", DEMO_USER] if users else [])


def _database(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database


def _copy_floor(source_url: str, target_url: str) -> tuple[float, int]:
    """The rows the import left in ``source_url`` written raw into ``target_url`` (a new
    database migrated by the application, its tables emptied first, untimed): every
    modelled table, parents first, with ``COPY ... FROM STDIN`` in one transaction."""
    from receptiondesk.model import Base
    from receptiondesk.services.database import open_database

    open_database(database_url=target_url).close()  # the same schema, triggers and indexes
    tables = [t.name for t in Base.metadata.sorted_tables]
    data: dict[str, bytes] = {}
    rows = 0
    with _pg(source_url, _database(source_url)) as src, src.cursor() as cur:
        for name in tables:
            with cur.copy(f'COPY "{name}" TO STDOUT') as copy:
                data[name] = b"".join(bytes(chunk) for chunk in copy)
            rows += data[name].count(b"\n")
    with _pg(target_url, _database(target_url)) as dst:
        dst.execute("TRUNCATE " + ", ".join(f'"{n}"' for n in tables) + " CASCADE")
        dst.commit()
        start = time.perf_counter()
        with dst.transaction(), dst.cursor() as cur:
            for name in tables:
                with cur.copy(f'COPY "{name}" FROM STDIN') as copy:
                    copy.write(data[name])
        return time.perf_counter() - start, rows


def test_bundle_import_on_postgresql(benchmark, results, new_pg_databases, tmp_path):
    """The bundle of ~100,000 changed records of the province on PostgreSQL, exported from
    it and imported into a new database of the same server; the floor is the rows that
    import wrote, written again raw with psycopg's COPY into another new database."""
    url, new_database = new_pg_databases
    since, user = _pg_since_for(url, RECORDS)
    out = tmp_path / "office.bundle"
    timings: dict[str, float] = {}
    start = time.perf_counter()
    made = _cli("--database-url", url, *user, "export", "bundle", "--out", str(out),
                "--since", since)
    timings["export"] = time.perf_counter() - start
    if made.returncode == 2:
        pytest.skip(f"export bundle is not a command: {made.stderr.strip()[:200]}")
    assert made.returncode == 0, made.stderr
    found = re.search(r"^([\d,]+) records, ", made.stdout, re.M)
    records = float(found.group(1).replace(",", "")) if found else 0
    target = new_database()

    def run() -> None:
        begun = time.perf_counter()
        done = _cli("--database-url", target, "import", "bundle", str(out), "--yes",
                    "--trust-new-key")
        timings["import"] = time.perf_counter() - begun
        assert done.returncode == 0, done.stderr

    benchmark.pedantic(run, rounds=1, warmup_rounds=0)
    floor, rows = _copy_floor(target, new_database())
    results.add(f"bundle export, ~{RECORDS:,} records since {since}", timings["export"], None,
                "—", target="(report)", met=None,
                note=f"{out.stat().st_size / 1_048_576:,.1f} MB bundle of {records:,.0f} "
                     "records in all")
    results.add(f"bundle import, ~{RECORDS:,} records", timings["import"], floor,
                f"the {rows:,} rows it left, COPY with psycopg into a new database",
                target="(report)", met=None)
