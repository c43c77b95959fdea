"""Shared fixtures: a fresh migrated database, a session, a home commune and its officials.

Every test using ``db`` runs on SQLite, in a copy of a file migrated once per run; when
``RECEPTIONDESK_TEST_PG_URL`` names a PostgreSQL server
(``postgresql+psycopg://rd:rd@127.0.0.1:5432/rd``) it runs again there, each time in a
new database copied from a template migrated once per test session
(``CREATE DATABASE ... TEMPLATE`` takes a fraction of a second, migrating takes seconds).
A test about SQLite files is marked ``@pytest.mark.sqlite_only("why")``.
"""

from __future__ import annotations

import os
import queue
import secrets
import shutil
import sys
import threading
from pathlib import Path

import pytest
import windows_files

from receptiondesk.i18n import current_language, set_language
from receptiondesk.services import units
from receptiondesk.services.database import open_database

PG_ENV = "RECEPTIONDESK_TEST_PG_URL"
#: the backends every database test runs on: SQLite always, PostgreSQL when configured
BACKENDS = ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else None


def pytest_configure(config: pytest.Config) -> None:
    # Windows refuses to rename or delete a file the program holds open: so do the tests
    windows_files.install()
    config.addinivalue_line(
        "markers", "sqlite_only(reason): the test is about SQLite files; not run on PostgreSQL"
    )


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    """Window state and preferences in the test's folder, never the user's profile; the
    machine-wide location record too, never the system's folders."""
    monkeypatch.setenv("RECEPTIONDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("RECEPTIONDESK_SITE_DIR", str(tmp_path / "site"))
    return tmp_path / "config"


@pytest.fixture(autouse=True)
def settle_the_window(request):
    """After each test of the window (tests/test_ui_*.py and the Qt catalog's): its
    background jobs finished, its queued events run, nobody left signed in."""
    module = request.module.__name__.rpartition(".")[2]
    if not module.startswith(("test_ui_", "test_i18n_qt")):
        yield
        return
    qapp = request.getfixturevalue("qapp")
    yield
    from receptiondesk.services.accounts import sign_out
    from receptiondesk.ui import ops
    from receptiondesk.ui.worker import wait_for_background

    wait_for_background()
    ops.wait()
    qapp.processEvents()
    sign_out()


@pytest.fixture
def wait_for_ops(qtbot):
    """A function that returns once the window's background reads and writes
    (``ui/ops.py``) have finished and been shown: lists loaded, counts and details in."""
    from receptiondesk.ui import ops

    def wait(timeout_ms: int = 30_000) -> None:
        qtbot.waitUntil(lambda: ops.wait(50), timeout=timeout_ms)

    return wait


@pytest.fixture
def no_modal_questions(monkeypatch):
    """Dialogs left open with typed input are closed at teardown without asking (a UI test
    file takes it with ``pytestmark = pytest.mark.usefixtures("no_modal_questions")``)."""
    monkeypatch.setattr("receptiondesk.ui.forms.confirm_discard", lambda _parent: True)


@pytest.fixture
def ctx(db, session, unit, official, clerk):
    """The window's context as an office sets it up on first run (its unit, the official
    who presides), the clerk signed in; what the test made is committed first, as the UI
    works in sessions of its own. A test file needing another context overrides it."""
    from receptiondesk.ui.context import AppContext

    session.commit()
    return AppContext(db, unit.id, official_id=official.id)


@pytest.fixture(autouse=True)
def no_keys_left():
    """No test leaves the office's keys in the process for the next one (a worker runs
    many tests: a keyring left behind would seal what the next test writes)."""
    yield
    from receptiondesk.services import key_custody

    key_custody.forget()


@pytest.fixture(autouse=True)
def english():
    """Messages in English for every test; the previous language is restored after."""
    previous = current_language()
    set_language("en")
    yield
    set_language(previous)


class PostgresServer:
    """The test server: an administrative connection, the migrated template, and a thread
    that makes the next test's database and drops the last one while tests run (each
    takes the better part of a second)."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", pool_size=2)
        self.template = f"rdtpl_{os.getpid()}_{secrets.token_hex(3)}"
        self.jobs: queue.Queue = queue.Queue()
        self.ready: queue.Queue = queue.Queue()
        self.worker = threading.Thread(target=self._work, daemon=True)

    def execute(self, sql: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def start(self) -> None:
        """Migrate the template, then have the first test's database made."""
        self.execute(f'CREATE DATABASE "{self.template}"')
        open_database(database_url=self.url_of(self.template)).close()
        self.worker.start()
        self.jobs.put(("create", None))

    def _work(self) -> None:
        while (job := self.jobs.get()) is not None:
            action, name = job
            try:
                if action == "create":
                    name = f"t_{secrets.token_hex(6)}"
                    self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
                    self.ready.put(name)
                else:
                    self.drop(name)
            except Exception as exc:  # handed to the test waiting for its database
                if action == "create":
                    self.ready.put(exc)

    def new_database(self) -> str:
        """A fresh copy of the template (the next one starts being made at once)."""
        self.jobs.put(("create", None))
        name = self.ready.get(timeout=120)
        if isinstance(name, Exception):
            raise name
        return name

    def release(self, name: str) -> None:
        self.jobs.put(("drop", name))

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        self.jobs.put(None)
        self.worker.join(timeout=120)
        while not self.ready.empty():
            name = self.ready.get()
            if isinstance(name, str):
                self.drop(name)
        self.drop(self.template)
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server():
    """The PostgreSQL server of ``RECEPTIONDESK_TEST_PG_URL`` with a migrated template;
    tests on it are skipped (with the reason) when it cannot be reached."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set")
    try:
        server = PostgresServer(url)
        server.execute("SELECT 1")
    except Exception as exc:  # refused connection, bad password, missing driver
        pytest.skip(f"PostgreSQL at {PG_ENV} cannot be used: {exc}")
    server.start()  # a migration that fails on PostgreSQL is an error, not a skip
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file migrated once per test run, with its reference data; each test gets
    a copy (migrating takes most of a second, copying a hundredth)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    open_database(path).close()  # closing checkpoints the journal into the file
    return path


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    """A fresh database, migrated to the newest schema with its reference data: a SQLite
    file, or (second run, when configured) a new PostgreSQL database."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        target = tmp_path / "t.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        database = open_database(target)
        yield database
        _wait_for_gui_workers()
        database.close()
        return
    marker = request.node.get_closest_marker("sqlite_only")
    if marker is not None:
        pytest.skip(marker.args[0] if marker.args else "about SQLite files")
    server = request.getfixturevalue("postgres_server")
    name = server.new_database()
    database = open_database(database_url=server.url_of(name))
    try:
        yield database
    finally:
        _wait_for_gui_workers()  # a page still loading would reconnect to a dropped database
        database.close()
        server.release(name)


def _wait_for_gui_workers() -> None:
    """Let the window's background jobs end and its queued events run (a selection that
    changed still asks the database which buttons to enable) while the database is there."""
    worker = sys.modules.get("receptiondesk.ui.worker")
    if worker is None:
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    ops = sys.modules.get("receptiondesk.ui.ops")
    for _round in range(2):
        worker.wait_for_background(30_000)
        if ops is not None and app is not None:
            ops.wait(30_000)
        if app is not None:
            app.processEvents()


@pytest.fixture
def session(db):
    """One unit of work on ``db``: committed (rolled back if it cannot be) and closed after."""
    s = db.sessions()
    yield s
    try:
        s.commit()
    except Exception:
        s.rollback()
    finally:
        s.close()


@pytest.fixture
def unit(session):
    """The home unit: the Party committee of Mường Phăng commune."""
    return units.create_unit(
        session,
        units.UnitInput(
            code="DU-MP",
            name="Đảng ủy xã Mường Phăng",
            level="commune",
            kind="party",
            parent_body_name="Đảng bộ tỉnh Điện Biên",
            place_name="Mường Phăng",
        ),
        home=True,
    )


@pytest.fixture
def official(session, unit):
    """The presiding official: the commune Party secretary."""
    return units.create_official(
        session,
        unit.id,
        units.OfficialInput(
            full_name="Lò Văn Khoa", position="Bí thư Đảng ủy", duty_role="party_secretary"
        ),
    )


@pytest.fixture
def clerk(session, unit):
    """The clerk who keeps the log and records the minutes."""
    return units.create_official(
        session,
        unit.id,
        units.OfficialInput(full_name="Nguyễn Thị Hoa", position="Công chức Văn phòng"),
    )


@pytest.fixture
def people(session, unit, official, clerk):
    """An account per role, keyed by role: the administrator made first, the others by it
    (the clerk and the inspector are not cleared for denouncers, the office head and the
    receiving official are)."""
    from receptiondesk.services.accounts import (
        ADMINISTRATOR,
        CLERK,
        INSPECTOR,
        OFFICE_HEAD,
        RECEIVING_OFFICIAL,
        UserInput,
        acting_as,
        create_user,
    )

    admin = create_user(session, UserInput("quantri", "Quản trị", ADMINISTRATOR), "long enough")
    made = {ADMINISTRATOR: admin}
    with acting_as(admin):
        for role in (CLERK, INSPECTOR, OFFICE_HEAD, RECEIVING_OFFICIAL):
            made[role] = create_user(session, UserInput(role.replace("_", "-"), role, role),
                                     "long enough", must_change_password=False)
    session.commit()
    return made


@pytest.fixture
def cleared():
    """Act as an office head — a role cleared for denouncers' identity — without any
    account in the database (permissions then follow the role)."""
    from receptiondesk.services.accounts import OFFICE_HEAD, Actor, acting_as

    with acting_as(Actor("0" * 32, "head", "Lường Thị Mai", OFFICE_HEAD)) as actor:
        yield actor
