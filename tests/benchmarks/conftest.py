"""Benchmarks on the province demo database, each beside its floor (issue 8).

Not part of the default test run (``--ignore=tests/benchmarks`` in pyproject). Run:

    .venv/bin/pip install pytest-benchmark
    .venv/bin/python -m pytest tests/benchmarks --benchmark-only -p no:cacheprovider

The database is ``$RECEPTIONDESK_BENCH_DB`` (default ``/tmp/rd/prov.db``); when it does
not exist it is made first with ``receptiondesk demo --scale province`` (about six
minutes). Every figure is the median of its rounds, and so is its floor, measured in
the same run:

==========================  =============================================================
measure                     floor
==========================  =============================================================
cold start, window shown    a bare PySide6 QMainWindow shown, in a subprocess too
petition list, first page   the SQL ``list_petitions`` issues, replayed with ``sqlite3``
search keystroke            the SQL of ``list_petitions(query="nguyen v")``, with sqlite3
year's periodic report      the SQL the report issues (temp tables, aggregates), sqlite3
session minutes PDF         reportlab alone writing the same text in the same font
1,000-row log book PDF      reportlab alone writing the same text in the same font
bundle export / import      (only when receptiondesk/exchange/bundle*.py exists)
peak memory, window open    a bare PySide6 QMainWindow shown
==========================  =============================================================

At the end a table lists every measure with its floor, the ratio and the target of
issue 8 (start within 1.5x the bare window; a search keystroke under 50 ms and within 2x
its raw query; the year's report within 2x its raw queries and under 1 s; minutes under
200 ms; peak memory under 300 MB). ``RECEPTIONDESK_BENCH_JSON=FILE`` also writes it as
JSON.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

pytest.importorskip("pytest_benchmark", reason="pip install pytest-benchmark")

DEFAULT_DB = "/tmp/rd/prov.db"
ENV_DB = "RECEPTIONDESK_BENCH_DB"
ENV_JSON = "RECEPTIONDESK_BENCH_JSON"
#: a PostgreSQL database holding the province demo (``receptiondesk --database-url URL demo
#: --scale province``): the benchmarks then run there, floors replayed with psycopg
ENV_URL = "RECEPTIONDESK_BENCH_URL"


def bench_url() -> str | None:
    return os.environ.get(ENV_URL) or None


def backend_name() -> str:
    return "PostgreSQL (floors: psycopg)" if bench_url() else "SQLite (floors: sqlite3)"


# --- the results table ----------------------------------------------------------------------


@dataclass
class Figure:
    measure: str
    value: float  # seconds, or MB for memory
    floor: float | None
    floor_label: str
    target: str
    met: bool | None
    unit: str = "ms"  # how value and floor are shown: "ms" (from seconds) or "MB"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor <= 0:
            return None
        return self.value / self.floor

    def shown(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.unit == "MB":
            return f"{value:,.0f} MB"
        ms = value * 1000
        return f"{ms:,.1f} ms" if ms < 100 else f"{ms:,.0f} ms"


_FIGURES: list[Figure] = []
_SKIPPED: list[tuple[str, str]] = []


class Results:
    """Where a benchmark puts its figure for the closing table."""

    def add(self, measure: str, value: float, floor: float | None, floor_label: str,
            target: str = "", met: bool | None = None, unit: str = "ms",
            note: str = "") -> Figure:
        fig = Figure(measure, value, floor, floor_label, target, met, unit, note)
        _FIGURES.append(fig)
        return fig

    def skipped(self, measure: str, reason: str) -> None:
        _SKIPPED.append((measure, reason))


@pytest.fixture(scope="session")
def results() -> Results:
    return Results()


def bundle_modules() -> list[Path]:
    import receptiondesk

    return sorted((Path(receptiondesk.__file__).parent / "exchange").glob("bundle*.py"))


def _table() -> list[str]:
    head = ("measure", "time", "floor", "ratio", "target", "met?")
    rows = []
    for f in _FIGURES:
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "—"
        met = {True: "yes", False: "NO", None: "—"}[f.met]
        rows.append((f.measure, f.shown(f.value), f.shown(f.floor), ratio, f.target or "—", met))
    for measure, _reason in _SKIPPED:
        rows.append((measure, "skipped", "—", "—", "—", "—"))
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def line(cells) -> str:
        return "  ".join(str(c).ljust(w) if i in (0, 4) else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    out = [line(head), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    out.append("")
    out.append("floors:")
    for f in _FIGURES:
        out.append(f"  {f.measure}: {f.floor_label}" + (f" — {f.note}" if f.note else ""))
    for measure, reason in _SKIPPED:
        out.append(f"  {measure}: skipped — {reason}")
    return out


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001
    if not _FIGURES and not _SKIPPED:
        return
    if not bundle_modules():
        _SKIPPED.append(("bundle export / import of 100,000 records",
                         "receptiondesk/exchange/bundle*.py does not exist yet"))
    terminalreporter.section("ReceptionDesk benchmarks: each figure beside its floor")
    terminalreporter.write_line(f"database: {backend_name()}")
    for text in _table():
        terminalreporter.write_line(text)
    target = os.environ.get(ENV_JSON)
    if target:
        data = [dict(asdict(f), ratio=f.ratio, backend=backend_name()) for f in _FIGURES]
        data += [{"measure": m, "skipped": r} for m, r in _SKIPPED]
        Path(target).write_text(json.dumps(data, indent=1, ensure_ascii=False), "utf-8")


# --- timing ----------------------------------------------------------------------------------


def median_of(fn: Callable[[], object], rounds: int, warmup: int = 1) -> float:
    """The median wall time of ``fn`` over ``rounds`` calls, after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_median(benchmark) -> float:
    """The median pytest-benchmark measured (seconds)."""
    return float(benchmark.stats.stats.median)


@dataclass(frozen=True)
class Tools:
    """The helpers the benchmark modules use (a fixture: conftest is not importable)."""

    median_of: Callable
    bench_median: Callable
    captured_sql: Callable


@pytest.fixture(scope="session")
def tools() -> Tools:
    return Tools(median_of, bench_median, captured_sql)


# --- the database -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def bench_db_path() -> Path:
    """The SQLite file of the benchmarks (those about the file itself — start-up, memory,
    bundles — skip on PostgreSQL)."""
    if bench_url():
        pytest.skip(f"measured on SQLite only ({ENV_URL} is set)")
    path = Path(os.environ.get(ENV_DB, DEFAULT_DB)).expanduser()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"\nmaking the province demo database {path} (a few minutes)...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "receptiondesk.cli", "--lang", "en", "demo", "--out",
             str(path), "--scale", "province"],
            check=True,
        )
    return path


@pytest.fixture(scope="session")
def db(request):
    from receptiondesk.services.database import open_database

    url = bench_url()
    if url:
        database = open_database(database_url=url)
    else:
        database = open_database(request.getfixturevalue("bench_db_path"))
    yield database
    database.close()


@pytest.fixture(scope="session")
def signed_in_clerk(db):
    """The benchmarks act as the demo's clerk where the database has accounts (the services
    refuse to list or print for nobody), as a signed-in user of the window does. The clerk,
    not the office head: what the head sees of denouncers is written to the audit log,
    which the replayed floors would write again (and the figures are the same)."""
    from receptiondesk.services.accounts import sign_in, sign_out, user_by_name, users_exist

    with db.session() as s:
        user = user_by_name(s, "clerk") if users_exist(s) else None
        actor = sign_in(user) if user is not None else None
    yield actor
    sign_out()


@dataclass(frozen=True)
class Office:
    unit_id: str
    unit_ids: list[str]  # the office and every unit below it, as the pages pass them
    name: str


@pytest.fixture(scope="session")
def office(db, signed_in_clerk) -> Office:
    from receptiondesk.services.units import home_unit, unit_and_descendants

    with db.session() as s:
        unit = home_unit(s)
        assert unit is not None, "the benchmark database has no home office"
        return Office(unit.id, unit_and_descendants(s, unit.id), unit.name)


# --- the SQL a call issues, and the same SQL on the bare driver ----------------------------


@dataclass
class Statement:
    sql: str
    params: object
    many: bool


@contextmanager
def captured_sql(engine) -> Iterator[list[Statement]]:
    """Every statement sent to the driver inside the block, with its parameters as sent."""
    from sqlalchemy import event

    statements: list[Statement] = []

    def before(_conn, _cursor, statement, parameters, _context, executemany):
        statements.append(Statement(statement, parameters, executemany))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _without_transaction_control(statements: list[Statement]) -> list[Statement]:
    # the transaction is the replay's own
    return [st for st in statements
            if st.sql.strip().upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]


class PgReplay:
    """The captured statements run with psycopg directly (rows fetched in full), in one
    transaction, as SQLAlchemy sent them (psycopg's own parameter style)."""

    def __init__(self, url: str, statements: list[Statement]) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(url)
        self.statements = _without_transaction_control(statements)
        self.conn = psycopg.connect(host=u.host, port=u.port, user=u.username,
                                    password=u.password, dbname=u.database)

    def __call__(self) -> int:
        rows = 0
        with self.conn.transaction(), self.conn.cursor() as cur:
            for st in self.statements:
                if st.many:
                    cur.executemany(st.sql, st.params)
                else:
                    cur.execute(st.sql, st.params or None)
                    if cur.description is not None:
                        rows += len(cur.fetchall())
        return rows

    def close(self) -> None:
        self.conn.close()


class RawReplay:
    """The captured statements run with :mod:`sqlite3` directly (rows fetched in full),
    in one transaction, on a connection tuned like the application's."""

    def __init__(self, path: Path, statements: list[Statement]) -> None:
        self.statements = _without_transaction_control(statements)
        self.conn = sqlite3.connect(str(path), isolation_level=None,
                                    check_same_thread=False)
        for pragma in ("busy_timeout = 10000", "foreign_keys = ON", "synchronous = NORMAL"):
            self.conn.execute(f"PRAGMA {pragma}")
        # the folding function the application registers for its text searches
        from receptiondesk.services.search import FOLD_FUNCTION
        from receptiondesk.text import fold

        self.conn.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)

    def __call__(self) -> int:
        rows = 0
        cur = self.conn.cursor()
        # one transaction, as the application's unit of work
        cur.execute("BEGIN")
        for st in self.statements:
            if st.many:
                cur.executemany(st.sql, st.params)
            else:
                rows += len(cur.execute(st.sql, st.params).fetchall())
        if self.conn.in_transaction:
            self.conn.commit()
        return rows

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def raw_replay(request):
    """The statements a call sent, run again on the bare driver of the benchmark database."""
    made: list[RawReplay | PgReplay] = []
    url = bench_url()

    def make(statements: list[Statement]) -> RawReplay | PgReplay:
        replay: RawReplay | PgReplay
        if url:
            replay = PgReplay(url, statements)
        else:
            replay = RawReplay(request.getfixturevalue("bench_db_path"), statements)
        made.append(replay)
        return replay

    yield make
    for replay in made:
        replay.close()


# --- subprocesses (start-up, memory) -------------------------------------------------------


@pytest.fixture(scope="session")
def gui_env(tmp_path_factory) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["RECEPTIONDESK_CONFIG_DIR"] = str(tmp_path_factory.mktemp("config"))
    # Compiled modules are cached as an installed program's are (the warm-up round
    # writes them), outside the source tree; a development shell's
    # PYTHONDONTWRITEBYTECODE would otherwise recompile every module at every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path_factory.mktemp("pycache"))
    env.pop("RECEPTIONDESK_DB", None)
    return env
