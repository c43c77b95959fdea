"""A self-test of an installed or frozen ReceptionDesk: ``receptiondesk --selftest``.

It proves that the pieces a build can lose are there and work together, without
touching the user's own database or settings:

1. the program itself (version, Python, Qt, frozen or not);
2. a temporary database is created and migrated to the newest schema (the Alembic
   scripts are found and loaded from files) and its reference data is seeded;
3. records are made through the services: a unit, an official, a reception
   session and a visit (with a new citizen), and the search index finds them;
4. a document is printed to PDF (the minutes of the session; a periodic report
   when the minutes module is not available), with the embedded fonts;
5. the message catalogs are found (Vietnamese and English);
6. the main window is rendered offscreen, every page in turn, and grabbed to an
   image (Qt is reached only through ``receptiondesk.ui``, as everywhere below the
   user interface).

One line is printed per step; the return value is 0 when every step passed and
1 otherwise (the failing step says why). Usage from Python::

    from receptiondesk.selftest import run_selftest
    raise SystemExit(run_selftest())
"""

from __future__ import annotations

import importlib
import os
import platform
import secrets
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import date
from datetime import time as clock
from pathlib import Path
from typing import TextIO

from .i18n import _

__all__ = ["run_selftest"]

#: a visit's content, the name searched for afterwards
_CITIZEN = "Nguyễn Văn Thử"
_CONTENT = "Đề nghị cấp giấy chứng nhận quyền sử dụng đất (kiểm tra tự động)."


class _Failed(Exception):
    """A step's check did not hold; the message says which."""


class _Run:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.failures = 0

    def step(self, title: str, fn: Callable[[], str]) -> bool:
        started = time.perf_counter()
        try:
            detail = fn()
        except Exception as exc:  # every failure is reported, never raised
            self.failures += 1
            ms = (time.perf_counter() - started) * 1000
            reason = str(exc) or exc.__class__.__name__
            self.line(f"FAIL  {title} ({ms:.0f} ms): {exc.__class__.__name__}: {reason}")
            if os.environ.get("RECEPTIONDESK_SELFTEST_TRACE") == "1" or not isinstance(
                exc, _Failed
            ):
                for tb_line in traceback.format_exc().rstrip().splitlines():
                    self.line("      " + tb_line)
            return False
        ms = (time.perf_counter() - started) * 1000
        self.line(f"ok    {title} ({ms:.0f} ms){': ' + detail if detail else ''}")
        return True

    def line(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise _Failed(message)


def _no_display() -> bool:
    if sys.platform.startswith(("win", "darwin")):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_selftest(out: TextIO | None = None, *, offscreen: bool = True,
                 lang: str | None = None) -> int:
    """Run every step; print one line per step to ``out`` (stdout); 0 when all passed.

    The lines are in the current language, or in ``lang`` ("vi", "en") when given. The
    window is rendered offscreen (``QT_QPA_PLATFORM=offscreen``) unless the caller chose
    a platform, or asked for the real one with ``offscreen=False`` on a machine with a
    display.
    """
    if lang:
        from .i18n import set_language

        set_language(lang)
    out = out or sys.stdout
    if os.environ.get("QT_QPA_PLATFORM") is None and (offscreen or _no_display()):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    run = _Run(out)
    state: dict = {}
    with tempfile.TemporaryDirectory(prefix="receptiondesk-selftest-") as tmp:
        folder = Path(tmp)
        try:
            run.step(_("program"), _program)
            if run.step(_("database and migrations"), lambda: _database(folder, state)):
                if run.step(_("records through the services"), lambda: _records(state)):
                    run.step(_("document printed to PDF"), lambda: _document(folder, state))
                    run.step(_("document saved as Word"),
                             lambda: _word_document(folder, state))
                    run.step(_("signed bundle written and verified"),
                             lambda: _bundle(folder, state))
                    run.step(_("national workbook written"),
                             lambda: _national_workbook(folder, state))
                else:
                    run.line("skip  " + _("document printed to PDF") + ": "
                             + _("no records to print"))
            run.step(_("message catalogs"), _catalogs)
            run.step(_("workbooks read through defusedxml"), _safe_workbooks)
            run.step(_("PostgreSQL driver"), _postgresql_driver)
            if "db" in state and "unit_id" in state:
                run.step(_("main window rendered offscreen"), lambda: _window(folder, state))
                # last: once the database has an account, outputs need a signed-in user
                run.step(_("password hashed and checked at sign-in"),
                         lambda: _sign_in(state))
            else:
                run.failures += 1
                run.line("FAIL  " + _("main window rendered offscreen") + ": "
                         + _("no database to show"))
        finally:
            db = state.get("db")
            if db is not None:
                db.close()  # before the folder goes (Windows keeps open files locked)
    if run.failures:
        run.line(_("Self-test failed: {count} step(s) did not pass.").format(
            count=run.failures))
        return 1
    run.line(_("Self-test passed."))
    return 0


# --- the steps ----------------------------------------------------------------------------


def _program() -> str:
    from . import __version__

    frozen = _("frozen") if getattr(sys, "frozen", False) else _("from source")
    return (f"ReceptionDesk {__version__} ({frozen}), Python {platform.python_version()} "
            f"on {platform.system()} {platform.machine()}")


def _safe_workbooks() -> str:
    """An imported workbook's XML is parsed by defusedxml, never by lxml (which python-docx
    brings): a build missing defusedxml would read entity bombs."""
    import openpyxl

    if openpyxl.LXML or not openpyxl.DEFUSEDXML:
        raise RuntimeError(_("openpyxl would not parse workbooks through defusedxml"))
    return "openpyxl " + openpyxl.__version__ + ", defusedxml"


def _qt_versions() -> str:
    """PySide6's and Qt's versions, read from the modules the user interface loaded (only
    ``receptiondesk.ui`` imports Qt)."""
    pyside, core = sys.modules.get("PySide6"), sys.modules.get("PySide6.QtCore")
    if pyside is None or core is None:
        return "Qt not loaded"
    return f"PySide6 {getattr(pyside, '__version__', '?')}, Qt {core.qVersion()}"


def _database(folder: Path, state: dict) -> str:
    from .db import current_revision, head_revision, table_names
    from .services.database import open_database

    path = folder / "selftest.db"
    db = open_database(path)
    state["db"] = db
    head = head_revision()
    current = current_revision(db.engine)
    _check(bool(head), _("no migration scripts were found"))
    _check(current == head, f"schema {current} after migrating, expected {head}")
    tables = table_names(db.engine)
    for needed in ("units", "petitions", "visits", "search_index"):
        _check(needed in tables, f"table {needed} is missing after migrating")
    return _("{path}, schema {revision}, {count} tables").format(
        path=path.name, revision=head, count=len(tables))


def _records(state: dict) -> str:
    from .services import reception, search, units
    from .services.citizens import CitizenInput
    from .services.reception import SessionInput, VisitInput

    db = state["db"]
    today = date.today()
    with db.session() as s:
        unit = units.create_unit(
            s,
            units.UnitInput(
                code="SELFTEST", name="Ủy ban nhân dân xã Kiểm Tra", level="commune",
                kind="state", parent_body_name="Ủy ban nhân dân tỉnh Kiểm Tra",
                place_name="Kiểm Tra",
            ),
            home=True,
        )
        chair = units.create_official(
            s, unit.id,
            units.OfficialInput(full_name="Lò Văn Khoa", position="Chủ tịch UBND xã",
                                duty_role="committee_chairman"),
        )
        clerk = units.create_official(
            s, unit.id, units.OfficialInput(full_name="Đỗ Thị Hằng", position="Công chức"))
        rs = reception.create_session(
            s, unit.id,
            SessionInput(today, place="Trụ sở Ủy ban nhân dân xã", start_time=clock(8),
                         end_time=clock(10), presiding_official_id=chair.id,
                         recorder_official_id=clerk.id, ref="TCD-SELFTEST"),
            today=today,
        )
        visit = reception.add_visit(
            s, rs.id,
            VisitInput(_CONTENT, new_citizen=CitizenInput(
                _CITIZEN, 1970, "male", "011070001234", "Thôn Một, xã Kiểm Tra"),
                petition_type="recommendation", field_code="land", handling="guide",
                direction="Hướng dẫn nộp hồ sơ tại bộ phận một cửa."),
            today=today,
        )
        state.update(unit_id=unit.id, session_id=rs.id, visit_id=visit.id)
    with db.session() as s:
        hits = search.search(s, "nguyen van thu")
        kinds = sorted({h.kind for h in hits})
        _check("citizen" in kinds, "the search index does not find the new citizen")
    return _("unit, 2 officials, session, visit; search finds {kinds}").format(
        kinds=", ".join(kinds))


def _bundle(folder: Path, state: dict) -> str:
    """The office's signature (the cryptography package) and the bundle's checks."""
    from .exchange.bundle import verify_bundle
    from .services.outputs import export_bundle

    path = folder / "selftest.bundle"
    with state["db"].session() as s:
        written = export_bundle(s, path)
    verified = verify_bundle(path)
    _check(verified.sender["code"] == "SELFTEST", "the bundle names another office")
    return _("{count} records, key {fingerprint}").format(
        count=written.total, fingerprint=written.fingerprint[:19])


def _national_workbook(folder: Path, state: dict) -> str:
    """The national export's XLSX (xlsxwriter, in constant memory), read back: a build
    missing xlsxwriter would fail the export of a province."""
    import xlsxwriter
    from openpyxl import load_workbook

    from .exchange.national import COLUMNS, Scope
    from .services.outputs import export_national

    path = folder / "selftest-national.xlsx"
    with state["db"].session() as s:
        written = export_national(s, path, Scope(state["unit_id"]), allow_unmapped=True)
        s.commit()
    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    _check(rows[0] == COLUMNS, "the workbook's header is not the national columns")
    _check(len(rows) - 1 == written.records, "the workbook holds other records")
    return _("{count} records, XlsxWriter {version}").format(
        count=written.records, version=xlsxwriter.__version__)


def _postgresql_driver() -> str:
    """A shared office database needs the driver in the build (nothing is connected)."""
    import psycopg
    from sqlalchemy import create_engine

    create_engine("postgresql+psycopg://selftest@127.0.0.1/selftest").dispose()
    return f"psycopg {psycopg.__version__}"


def _document(folder: Path, state: dict) -> str:
    db = state["db"]
    path = folder / "selftest.pdf"
    try:  # is the module in the build? (it is used through the door below)
        importlib.import_module(".documents.minutes", __package__)
    except ImportError as exc:
        what = _("periodic report (the minutes module is missing: {reason})").format(
            reason=exc)
        _report_pdf(db, state["unit_id"], path)
    else:
        from .services import minutes as minutes_service
        from .services import outputs

        what = _("minutes of the session")
        with db.session() as s:
            m = minutes_service.minutes_for(s, "session", state["session_id"])
            outputs.print_minutes(s, m.id, path)
    data = path.read_bytes()
    _check(data.startswith(b"%PDF"), "the file written does not start with %PDF")
    _check(b"/FontFile2" in data or b"/FontFile" in data,
           "the PDF does not embed its fonts")
    from .documents.fonts import register_fonts

    family = register_fonts().family_name
    return _("{what}: {size} bytes, font {family}").format(
        what=what, size=len(data), family=family)


def _word_document(folder: Path, state: dict) -> str:
    """The session's minutes as a Word copy (python-docx and its templates in the build),
    read back."""
    import zipfile

    from docx import Document

    from .services import minutes as minutes_service
    from .services import outputs

    path = folder / "selftest.docx"
    with state["db"].session() as s:
        m = minutes_service.minutes_for(s, "session", state["session_id"])
        outputs.print_minutes(s, m.id, path, fmt="docx")
    _check(zipfile.is_zipfile(path), "the Word file is not a zip package")
    doc = Document(str(path))
    _check(any(p.text.strip() for p in doc.paragraphs), "the Word file has no text")
    font = doc.styles["Normal"].font.name
    _check(font == "Times New Roman", f"the Word file's font is {font}")
    return _("minutes of the session: {size} bytes, font {family}").format(
        size=path.stat().st_size, family=font)


def _report_pdf(db, unit_id: str, path: Path) -> None:
    from .reports.periodic import periodic_report
    from .reports.periods import year_period
    from .services import outputs

    with db.session() as s:
        report = periodic_report(s, unit_id, year_period(date.today().year))
        outputs.write_report(s, report, "pdf", path)


def _catalogs() -> str:
    import gettext

    from .i18n import LANGUAGES, catalog_dir, translations_for

    found = []
    for lang in LANGUAGES:
        cat = translations_for(lang)
        _check(isinstance(cat, gettext.GNUTranslations),
               f"no message catalog for {lang!r} under {catalog_dir()}")
        found.append(lang)
    vi = translations_for("vi").gettext("Reception log")
    _check(vi != "Reception log", "the Vietnamese catalog does not translate the menus")
    return _("{langs} from {folder}").format(langs=", ".join(found), folder=catalog_dir())


def _sign_in(state: dict) -> str:
    """Argon2 (argon2-cffi's compiled part) hashes and verifies a password, through the
    same sign-in as the application's: a build missing it would fail here, not at an
    office's first sign-in."""
    from .services.accounts import (
        ADMINISTRATOR,
        AuthenticationError,
        UserInput,
        create_user,
        sign_in_with_password,
    )

    password = secrets.token_urlsafe(12)
    with state["db"].session(write=True) as s:
        user = create_user(s, UserInput("selftest", "Kiểm Tra", ADMINISTRATOR), password,
                           must_change_password=False)
        scheme = user.password_hash.split("$")[1]
    actor = sign_in_with_password(state["db"], "selftest", password)
    _check(actor.username == "selftest", "signing in gave another account")
    try:
        sign_in_with_password(state["db"], "selftest", password + "x")
    except AuthenticationError:
        refused = True
    else:
        refused = False
    _check(refused, "a wrong password was accepted")
    return _("{scheme}: the right password accepted, a wrong one refused").format(
        scheme=scheme)


def _window(folder: Path, state: dict) -> str:
    from .ui.app import application, open_context
    from .ui.main_window import PAGE_NAMES, MainWindow
    from .ui.worker import wait_for_background

    app = application()
    ctx = open_context(state["db"])
    _check(ctx is not None, "the test database has no home office")

    def settle() -> None:
        for _round in range(3):
            app.processEvents()
            wait_for_background(20_000)
            app.processEvents()

    window = MainWindow(ctx, settings=None)  # never the user's remembered window state
    try:
        window.resize(1280, 800)
        window.show()
        settle()
        for name in PAGE_NAMES:  # every page is imported on first show: all bundled?
            window.show_page(name)
            settle()
        window.show_page("reception")
        settle()
        image = window.grab().toImage()
        _check(not image.isNull() and image.width() > 0 and image.height() > 0,
               "grabbing the window gave an empty image")
        # a blank picture means nothing was painted
        sample = {image.pixel(x, y) for x in range(0, image.width(), 37)
                  for y in range(0, image.height(), 41)}
        _check(len(sample) > 2, "the window's picture is blank")
        png = folder / "selftest.png"
        _check(image.save(str(png), "PNG"), "cannot save the window's picture")
        return _("{pages} pages on the {platform} platform, image {w}×{h}").format(
            pages=len(PAGE_NAMES), platform=app.platformName(), w=image.width(),
            h=image.height()) + f"; {_qt_versions()}"
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
        wait_for_background(20_000)


if __name__ == "__main__":
    raise SystemExit(run_selftest())
