"""Database work off the GUI thread (ui/ops.py): results come back to the GUI thread, the
newest request wins, a closed page is never called back, errors reach the user."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re
import threading
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from receptiondesk.services import citizens
from receptiondesk.services.accounts import acting_as, current_user, sign_in
from receptiondesk.services.errors import ServiceError
from receptiondesk.services.record_kinds import RecordKind
from receptiondesk.ui import ops
from receptiondesk.ui.context import AppSignals
from receptiondesk.ui.paged import Column, PagedTableModel, Row

UI = Path(__file__).resolve().parent.parent / "receptiondesk" / "ui"


@pytest.fixture
def owner(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    return w


def test_the_query_runs_on_a_worker_and_its_result_comes_back_to_the_gui_thread(
        qtbot, db, owner, wait_for_ops):
    gui = threading.get_ident()
    seen = {}

    def op(s):
        seen["worker"] = threading.get_ident()
        return s.execute(__import__("sqlalchemy").text("select 41 + 1")).scalar()

    ops.query(owner, db, op, lambda n: seen.update(result=n, thread=threading.get_ident()))
    wait_for_ops()
    assert seen["result"] == 42
    assert seen["worker"] != gui and seen["thread"] == gui


def test_work_for_a_closed_database_is_dropped(qtbot, tmp_path, owner, wait_for_ops):
    """The window closing (or a test's database going) leaves nothing to reconnect to a
    database that is gone: queued work is dropped, neither run nor reported."""
    from receptiondesk.services.database import open_database

    database = open_database(tmp_path / "closing.db")
    ran, answers = [], []
    database.close()
    ops.query(owner, database, lambda s: ran.append(1), answers.append,
              failure=answers.append)
    wait_for_ops()
    assert ran == [] and answers == [] and ops.pending() == 0


def test_the_newest_request_wins(qtbot, db, owner, wait_for_ops):
    """An older answer arriving after a newer one (a slow search overtaken by the next
    keystroke) is never shown."""
    release = threading.Event()
    shown: list[str] = []

    def slow(_s):
        release.wait(10)
        return "old"

    ops.query(owner, db, slow, shown.append, key="list")
    ops.query(owner, db, lambda _s: "new", shown.append, key="list")
    qtbot.waitUntil(lambda: shown == ["new"])
    release.set()
    wait_for_ops()
    assert shown == ["new"]


def test_other_keys_and_owners_do_not_overtake_each_other(qtbot, db, wait_for_ops):
    a, b = QWidget(), QWidget()
    qtbot.addWidget(a)
    qtbot.addWidget(b)
    shown: list[str] = []
    ops.query(a, db, lambda _s: "a-list", shown.append, key="list")
    ops.query(a, db, lambda _s: "a-count", shown.append, key="count")
    ops.query(b, db, lambda _s: "b-list", shown.append, key="list")
    wait_for_ops()
    assert sorted(shown) == ["a-count", "a-list", "b-list"]


def test_a_closed_page_is_never_called_back(qtbot, db, wait_for_ops):
    release = threading.Event()
    page = QWidget()
    called = []
    ops.query(page, db, lambda _s: release.wait(10), called.append)
    page.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the page is closed
    assert not shiboken6.isValid(page)
    release.set()
    wait_for_ops()
    assert called == []


def test_an_expected_refusal_goes_to_the_failure_callback_or_a_message_box(
        qtbot, db, owner, wait_for_ops):
    def refuse(_s):
        raise ServiceError("The citizen was merged into another record.")

    failures = []
    ops.query(owner, db, refuse, failure=failures.append)
    wait_for_ops()
    assert [str(e) for e in failures] == ["The citizen was merged into another record."]

    owner.show()
    ops.query(owner, db, refuse)
    wait_for_ops()
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert [b.text() for b in boxes] == ["The citizen was merged into another record."]
    for box in boxes:
        box.close()


def test_an_unexpected_error_goes_to_the_crash_log_path(qtbot, db, owner, monkeypatch,
                                                         wait_for_ops):
    reported = []
    monkeypatch.setattr("sys.excepthook", lambda kind, exc, tb: reported.append(exc))

    def broken(_s):
        raise KeyError("no such column")

    ops.query(owner, db, broken, lambda _r: None)
    wait_for_ops()
    assert len(reported) == 1 and isinstance(reported[0], KeyError)


def test_the_worker_acts_for_the_user_the_window_acts_for(qtbot, db, owner, people,
                                                         wait_for_ops):
    clerk = people["clerk"]
    seen = []
    with acting_as(clerk):
        ops.query(owner, db, lambda _s: current_user(), seen.append)
    sign_in(None)
    wait_for_ops()
    assert seen[0] is not None and seen[0].username == clerk.username


def test_a_write_commits_then_announces_what_changed(qtbot, db, owner, unit, session,
                                                    wait_for_ops):
    session.commit()
    signals = AppSignals()
    announced: list[str] = []
    signals.data_changed.connect(announced.append)
    saved = []
    ops.write(owner, db,
              lambda s: citizens.create_citizen(s, unit.id, citizens.CitizenInput(
                  full_name="Lò Thị Xuân", address="Bản Phăng")).id,
              saved.append, changed=[RecordKind.CITIZEN], signals=signals)
    wait_for_ops()
    assert announced == ["citizen"] and len(saved) == 1
    with db.session() as s:
        assert citizens.get_citizen(s, saved[0]).full_name == "Lò Thị Xuân"


def test_a_list_reloaded_while_its_page_is_read_shows_only_the_newest_rows(
        qtbot, db, owner, wait_for_ops):
    release = threading.Event()
    query = {"text": "old"}

    def plan(offset, limit, _sort, _desc):
        text = query["text"]

        def read(_s):
            if text == "old":
                release.wait(10)
            return [Row(f"{text}-{i}", [f"{text} {i}"]) for i in range(3)]

        return read

    model = PagedTableModel([Column("Name")], None, owner, plan=plan, db=db)
    model.reload()
    assert model.is_loading() and model.loaded_count() == 0
    query["text"] = "new"
    model.reload()
    wait_for_ops()
    release.set()
    wait_for_ops()
    assert [model.id_at(r) for r in range(model.loaded_count())] == ["new-0", "new-1", "new-2"]


def test_every_announced_change_is_a_record_kind():
    """``data_changed`` carries RecordKind members: no page announces or listens for a
    plain string that nothing else uses (as "notice" was)."""
    values = {k.value for k in RecordKind}
    literal_emits, literal_kinds = [], []
    for path in UI.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        literal_emits += re.findall(r'data_changed\.emit\("[^"]*"\)', text)
        for body in re.findall(r"def _(?:on_)?data_changed\(.*?(?=\n    def |\Z)", text, re.S):
            literal_kinds += [w for w in re.findall(r'"(\w+)"', body) if w in values]
        for listed in re.findall(r"(?:refresh_on|WATCHED) = [^\n]*", text):
            literal_kinds += [w for w in re.findall(r'"(\w+)"', listed) if w in values]
    assert literal_emits == [] and literal_kinds == []
    assert RecordKind.of_record("reception_sessions") is RecordKind.SESSION
    assert RecordKind.of_record("concluding_notices") is RecordKind.NOTICE
    assert RecordKind.of_record("minutes") is RecordKind.MINUTES
    assert RecordKind.of_record("petition_events") is RecordKind.PETITION


@pytest.mark.parametrize("page_name", ["citizens", "meetings", "inspections", "petitions"])
def test_a_list_page_closed_while_it_loads_is_left_alone(qtbot, db, unit, official, session,
                                                         page_name, wait_for_ops):
    """Closing a page (or the window) while its rows, count and detail are read never
    reaches the deleted widgets (citizens, meetings and inspections used to)."""
    import importlib

    from receptiondesk.ui.context import AppContext
    from receptiondesk.ui.main_window import PAGES

    session.commit()
    _name, module, cls, _title = next(p for p in PAGES if p[0] == page_name)
    page_class = getattr(importlib.import_module(f"receptiondesk.ui.{module}"), cls)
    page = page_class(AppContext(db, unit.id, official_id=official.id))
    assert ops.pending(page) + ops.pending(page.model) > 0  # its first page is being read
    page.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(page)
    wait_for_ops()  # the results arrive and are dropped: no error, no call into the page
    assert ops.pending() == 0
