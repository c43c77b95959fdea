"""Saving the log book and the periodic report as Excel takes the same permission as
printing them (``documents.print``) and leaves an audit entry, like the PDF: checked below
the UI (the functions the window calls), then once through the Reports page."""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from receptiondesk.model import AuditEntry
from receptiondesk.reports.periods import Period
from receptiondesk.reports.saving import save_periodic_report
from receptiondesk.services import outputs, reception
from receptiondesk.services.accounts import (
    ADMINISTRATOR,
    CLERK,
    INSPECTOR,
    OFFICE_HEAD,
    UserInput,
    acting_as,
    create_user,
    sign_in,
    sign_out,
)
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.errors import PermissionDenied

TODAY = date.today()
HELD_ON = TODAY - timedelta(days=3)
PERIOD = Period(TODAY - timedelta(days=30), TODAY)


@pytest.fixture
def users(session, unit, official):
    """A session with one visit, and an account per role that matters here."""
    rs = reception.create_session(session, unit.id, reception.SessionInput(
        HELD_ON, presiding_official_id=official.id), today=TODAY)
    reception.add_visit(session, rs.id, reception.VisitInput(
        "Tranh chấp đất đai với hộ liền kề", handling="guide", petition_type="complaint",
        new_citizen=CitizenInput("Nguyễn Văn An", 1968, "male", None, "Bản Phăng")),
        today=TODAY)
    admin = create_user(session, UserInput("quantri", "Quản trị", ADMINISTRATOR),
                        "long enough")
    made = {ADMINISTRATOR: admin}
    with acting_as(admin):
        for role in (CLERK, INSPECTOR, OFFICE_HEAD):
            made[role] = create_user(session, UserInput(role.replace("_", "-"), role, role),
                                     "long enough", must_change_password=False)
    session.commit()
    return made


def _entries(db, kind: str) -> list[dict]:
    with db.session() as s:
        return [json.loads(e.detail) | {"user": e.username} for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == "print",
                                     AuditEntry.record_kind == kind))]


def _logbook(db, unit_id, out):
    with db.session() as s:  # through the door, as the window's Save Excel
        return outputs.save_logbook_xlsx(s, [unit_id], PERIOD.start, PERIOD.end, out)


def test_an_administrator_gets_no_excel_the_printing_roles_do(db, unit, users, tmp_path):
    for doc in ("logbook_xlsx", "periodic_report"):
        out = tmp_path / f"admin-{doc}.xlsx"
        with acting_as(users[ADMINISTRATOR]), pytest.raises(PermissionDenied,
                                                           match="may not print"):
            if doc == "logbook_xlsx":
                _logbook(db, unit.id, out)
            else:
                save_periodic_report(db, unit.id, PERIOD, out, "xlsx")
        assert not out.exists()
        assert _entries(db, doc) == []
    for role in (CLERK, INSPECTOR, OFFICE_HEAD):
        with acting_as(users[role]):
            assert _logbook(db, unit.id, tmp_path / f"{role}-book.xlsx") == 1
            save_periodic_report(db, unit.id, PERIOD, tmp_path / f"{role}-report.xlsx", "xlsx")
    books, reports = _entries(db, "logbook_xlsx"), _entries(db, "periodic_report")
    assert [(e["user"], e["file"]) for e in books] == [
        (u, f"{r}-book.xlsx") for u, r in
        (("clerk", CLERK), ("inspector", INSPECTOR), ("office-head", OFFICE_HEAD))]
    assert [(e["user"], e["format"], e["file"]) for e in reports] == [
        (u, "xlsx", f"{r}-report.xlsx") for u, r in
        (("clerk", CLERK), ("inspector", INSPECTOR), ("office-head", OFFICE_HEAD))]


def test_nobody_signed_in_gets_no_excel_either(db, unit, users, tmp_path):
    with pytest.raises(PermissionDenied, match="Sign in"):
        _logbook(db, unit.id, tmp_path / "b.xlsx")
    with pytest.raises(PermissionDenied, match="Sign in"):
        save_periodic_report(db, unit.id, PERIOD, tmp_path / "r.xlsx", "xlsx")
    assert not list(tmp_path.glob("*.xlsx"))


def test_the_window_functions_check_and_audit(db, unit, users, tmp_path):
    """What the Reports page runs on its worker (no widget involved)."""
    from receptiondesk.ui.reports.documents import Request, write_excel

    for doc in ("logbook", "periodic"):
        req = Request(doc, unit.id, "vi", period=PERIOD)
        with acting_as(users[ADMINISTRATOR]), pytest.raises(PermissionDenied):
            write_excel(db, req, tmp_path / f"a-{doc}.xlsx", threading.Event())
        with acting_as(users[CLERK]):
            write_excel(db, req, tmp_path / f"c-{doc}.xlsx", threading.Event())
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == ["c-logbook.xlsx",
                                                               "c-periodic.xlsx"]
    assert [e["user"] for e in _entries(db, "logbook_xlsx")] == ["clerk"]
    assert [e["user"] for e in _entries(db, "periodic_report")] == ["clerk"]


def test_save_excel_on_the_reports_page(qtbot, db, unit, official, users, tmp_path,
                                        monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    from receptiondesk.ui.context import AppContext
    from receptiondesk.ui.reports import ReportsPage
    from receptiondesk.ui.worker import wait_for_background

    monkeypatch.setenv("RECEPTIONDESK_CONFIG_DIR", str(tmp_path / "config"))
    targets = iter([tmp_path / "admin.xlsx", tmp_path / "clerk.xlsx"])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a: (str(next(targets)), "")))
    page = ReportsPage(AppContext(db, unit.id, official_id=official.id))
    qtbot.addWidget(page)
    page.show()
    page.document.setCurrentIndex(page.document.findData("logbook"))
    try:
        sign_in(users[ADMINISTRATOR])
        with qtbot.waitSignal(page.job_finished, timeout=60_000):
            qtbot.mouseClick(page.save_excel_button, Qt.MouseButton.LeftButton)
        assert "may not print documents" in page.message_text()
        assert not (tmp_path / "admin.xlsx").exists()
        sign_in(users[CLERK])
        with qtbot.waitSignal(page.job_finished, timeout=60_000):
            qtbot.mouseClick(page.save_excel_button, Qt.MouseButton.LeftButton)
        assert (tmp_path / "clerk.xlsx").exists()
        assert page.message_text() == f"Saved to {tmp_path / 'clerk.xlsx'}."
    finally:
        wait_for_background()
        sign_out()
    assert [(e["user"], e["file"]) for e in _entries(db, "logbook_xlsx")] == [
        ("clerk", "clerk.xlsx")]
