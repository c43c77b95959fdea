"""The audit log (issue 6, item 3): every change recorded with who, when and what; the
log append-only and hash-chained, so that editing or deleting any entry in the file
makes ``db check`` fail and name the entry."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

import pytest
from sqlalchemy import select, text

from receptiondesk.model import AuditEntry
from receptiondesk.services import audit, citizens, petitions, reception
from receptiondesk.services.accounts import ADMINISTRATOR, OFFICE_HEAD, UserInput, acting_as
from receptiondesk.services.accounts import create_user as make_user
from receptiondesk.services.database import open_database
from receptiondesk.services.errors import PermissionDenied

TODAY = date(2026, 3, 2)


def entries(session, action=None, kind=None):
    stmt = select(AuditEntry).order_by(AuditEntry.seq)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if kind:
        stmt = stmt.where(AuditEntry.record_kind == kind)
    return list(session.scalars(stmt))


def detail(entry) -> dict:
    return json.loads(entry.detail)


def a_petition(session, unit, name="Nguyễn Văn An"):
    return petitions.register_petition(session, unit.id, petitions.PetitionInput(
        date(2026, 2, 10), "complaint", "Tranh chấp đất đai với hộ liền kề",
        petitioners=[petitions.PetitionerInput(name, "011068001234", "Bản Phăng")]),
        today=TODAY)


def test_creates_updates_and_deletes_are_recorded_with_what_changed(session, unit):
    c = citizens.create_citizen(session, unit.id, citizens.CitizenInput(
        "Đỗ Thị Đào", 1980, id_number="011080001111", address="Bản Kéo"))
    created = entries(session, "create", "citizen")[-1]
    assert created.record_id == c.id and created.unit_id == unit.id
    assert detail(created)["full_name"] == "Đỗ Thị Đào"
    assert "search_text" not in detail(created)  # derived keys are left out

    citizens.update_citizen(session, c.id, citizens.CitizenInput(
        "Đỗ Thị Đào", 1981, id_number="011080001111", address="Bản Phăng"))
    changed = entries(session, "update", "citizen")[-1]
    assert detail(changed) == {"birth_year": [1980, 1981], "address": ["Bản Kéo", "Bản Phăng"]}

    session.delete(c)
    session.flush()
    gone = entries(session, "delete", "citizen")[-1]
    assert gone.record_id == c.id and detail(gone)["full_name"] == "Đỗ Thị Đào"
    assert audit.verify_chain(session) == []


def test_lifecycle_transitions_are_recorded_with_the_acting_user(session, unit):
    p = a_petition(session, unit)
    with acting_as(None):
        petitions.classify(session, p.id, petitions.Classification(True, True),
                           date(2026, 2, 11), today=TODAY)
    step = entries(session, "transition")[-1]
    assert step.record_id == p.id
    assert detail(step)["status"] == ["received", "classified"]
    assert detail(step)["action"] == "classify"


def test_entries_name_the_user_and_the_time(session, unit):
    from receptiondesk.services.accounts import Actor

    with acting_as(Actor("1" * 32, "thuky", "Nguyễn Thị Hoa", "clerk")):
        a_petition(session, unit)
    mine = [e for e in entries(session) if e.username == "thuky"]
    assert {e.action for e in mine} >= {"create"}
    assert {e.record_kind for e in mine} >= {"petition", "petitioner", "petition_event"}
    assert all(e.at.year >= 2025 for e in mine)


def test_a_unit_of_work_rolled_back_leaves_no_entry(db):
    from receptiondesk.services import units

    with db.session() as s:
        unit_id = units.create_unit(s, units.UnitInput(code="X", name="Xã A"), home=True).id
    with db.session() as s:
        before = len(entries(s))
    with pytest.raises(RuntimeError), db.session() as s:
        a_petition(s, units.get_unit(s, unit_id))
        raise RuntimeError("the user cancelled")
    with db.session() as s:
        assert len(entries(s)) == before
        assert audit.verify_chain(s) == []


def test_the_log_listens_to_the_databases_own_sessions_only(db):
    """The listener is bound to the application's sessionmaker (services.database), not to
    SQLAlchemy's Session class: a session made some other way on the same engine, as a
    migration or a test of an old schema makes one, writes no entry."""
    from sqlalchemy.orm import Session

    from receptiondesk.services import units

    with db.session() as s:
        unit_id = units.create_unit(s, units.UnitInput(code="X", name="Xã A"), home=True).id
        assert [e.record_id for e in entries(s, "create", "unit")] == [unit_id]
    with Session(db.engine) as s:
        units.get_unit(s, unit_id).name = "Xã B"
        s.commit()
    with db.session() as s:
        assert entries(s, "update", "unit") == []
        units.get_unit(s, unit_id).name = "Xã C"
    with db.session() as s:
        assert [detail(e)["name"] for e in entries(s, "update", "unit")] == [["Xã B", "Xã C"]]


def test_the_log_refuses_updates_and_deletes(session, unit):
    a_petition(session, unit)
    session.commit()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text("UPDATE audit_entries SET username = 'x'"))
    session.rollback()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text("DELETE FROM audit_entries"))
    session.rollback()


def _tamper(path, *statements) -> None:
    """What an attacker with the file does: drop the triggers, then edit."""
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER audit_entries_no_update")
    con.execute("DROP TRIGGER audit_entries_no_delete")
    for sql in statements:
        con.execute(sql)
    con.commit()
    con.close()


@pytest.fixture
def logged(tmp_path):
    """A database file with a few dozen audit entries; (path, number of entries)."""
    from receptiondesk.services import units

    path = tmp_path / "audited.db"
    db = open_database(path)
    with db.session() as s:
        unit = units.create_unit(s, units.UnitInput(code="X", name="Xã A"), home=True)
        for i in range(3):
            a_petition(s, unit, name=f"Người {i}")
    with db.session() as s:
        count = len(entries(s))
        assert audit.verify_chain(s) == []
    db.close()
    assert count > 10
    return path, count


def _check(path) -> list[str]:
    from receptiondesk.db import make_engine, sqlite_url

    engine = make_engine(sqlite_url(path))
    try:
        return audit.audit_problems(engine)
    finally:
        engine.dispose()


#: what _tamper leaves: both append-only triggers dropped
TRIGGERS_GONE = [
    f"The audit log's protection {name} is missing: it was removed, so entries could be "
    "changed or deleted." for name in ("audit_entries_no_update", "audit_entries_no_delete")]


def test_an_edited_entry_is_named(logged):
    path, _count = logged
    assert _check(path) == []
    _tamper(path, "UPDATE audit_entries SET detail = '{\"full_name\":\"Ai đó\"}' WHERE seq = 7")
    assert _check(path) == TRIGGERS_GONE + ["Audit log entry 7 was changed after it was written."]


def test_an_edited_entry_with_its_hash_recomputed_is_still_found(logged):
    path, _count = logged
    con = sqlite3.connect(path)
    row = con.execute("SELECT seq, at, username, action, record_kind, record_id, unit_id, "
                      "prev_hash FROM audit_entries WHERE seq = 5").fetchone()
    con.close()
    from datetime import datetime

    forged = audit.entry_hash(row[7], row[0], datetime.fromisoformat(row[1]), "someone else",
                              row[3], row[4], row[5], row[6], "{}")
    _tamper(path, f"UPDATE audit_entries SET username = 'someone else', detail = '{{}}', "
                  f"hash = '{forged}' WHERE seq = 5")
    assert _check(path) == TRIGGERS_GONE + [
        "Audit log entry 6 does not follow entry 5: one of them was changed."]


def test_a_deleted_entry_is_named(logged):
    path, _count = logged
    _tamper(path, "DELETE FROM audit_entries WHERE seq = 4")
    assert _check(path) == TRIGGERS_GONE + ["Audit log entry 4 is missing: it was deleted."]


def test_deleted_last_entries_are_found(logged):
    path, count = logged
    _tamper(path, f"DELETE FROM audit_entries WHERE seq > {count - 2}")
    assert _check(path) == TRIGGERS_GONE + [
        f"Audit log entries {count - 1} to {count} are missing: they were deleted."]


def test_a_database_without_a_log_has_no_audit_problems(tmp_path):
    from alembic import command

    from receptiondesk.db import alembic_config, make_engine, sqlite_url

    engine = make_engine(sqlite_url(tmp_path / "old.db"))
    command.upgrade(alembic_config(engine), "0002")
    assert audit.audit_problems(engine) == []
    engine.dispose()


def test_the_viewer_is_for_the_office_head_with_filters(session, unit):
    a_petition(session, unit)
    admin = make_user(session, UserInput("quantri", "Quản trị", ADMINISTRATOR), "long enough")
    with acting_as(admin):
        head = make_user(session, UserInput("truongvp", "Trưởng VP", OFFICE_HEAD),
                         "long enough")
    with acting_as(admin), pytest.raises(PermissionDenied):
        audit.list_entries(session)
    with acting_as(head):
        newest = audit.list_entries(session, limit=5)
        assert len(newest) == 5 and newest[0].seq > newest[-1].seq
        users = audit.list_entries(session, audit.AuditFilter(action="create",
                                                              record_kind="user"))
        assert [e.record_id for e in users] == [head.id, admin.id]
        assert audit.count_entries(session, audit.AuditFilter(username="quantri")) >= 1
        today = date.today()
        assert audit.count_entries(session, audit.AuditFilter(date_from=today,
                                                              date_to=today)) == \
            audit.count_entries(session)
    change = entries(session, "create", "petition")[-1]
    assert "content: Tranh chấp" in audit.describe_detail(change.detail)
    assert audit.action_label("identity_view") == "Denouncer's identity viewed"


def test_upgrade_from_schema_0002_with_data_protects_denouncers(tmp_path, monkeypatch):
    """A 0002 database with records: upgraded, nothing lost, its denouncers protected,
    an empty sound log that starts recording."""
    from alembic import command
    from sqlalchemy.orm import Session

    from receptiondesk.db import (
        alembic_config,
        current_revision,
        head_revision,
        make_engine,
        sqlite_url,
    )
    from receptiondesk.model import ProtectedCitizen
    from receptiondesk.services import numbering, units
    from receptiondesk.services.reference import ensure_reference_data

    # schema 0002 has no number counters: the petition gets the number a clerk would type
    monkeypatch.setattr(numbering, "next_petition_number", lambda *_a: "0001/2026/X")
    path = tmp_path / "old.db"
    engine = make_engine(sqlite_url(path))
    command.upgrade(alembic_config(engine), "0002")
    with Session(engine) as s:
        ensure_reference_data(s)
        unit = units.create_unit(s, units.UnitInput(code="X", name="Xã A"), home=True)
        # the session as the program of that schema wrote it (no folded text of its own)
        session_id = "s" * 32
        s.execute(text(
            "INSERT INTO reception_sessions (id, created_at, updated_at, version, unit_id, "
            "ref, session_date, place, kind, mode, presiding_name, notes, locked) VALUES "
            "(:id, '2026-02-05 08:00:00', '2026-02-05 08:00:00', 1, :unit, '', '2026-02-05', "
            "'', 'regular', 'in_person', 'Lò Văn Khoa', '', 0)"),
            {"id": session_id, "unit": unit.id})
        v = reception.add_visit(s, session_id, reception.VisitInput(
            "Phản ánh cán bộ", new_citizen=citizens.CitizenInput("Hoàng Văn Kín"),
            petition_type="reflection"), today=TODAY)
        # the petition registered from it is a denunciation (typed so at classification)
        p = reception.register_petition_from_visit(s, v.id, "denunciation", today=TODAY)
        visit_id, petition_id, citizen_id, unit_id = v.id, p.id, v.citizen_id, unit.id
        # what the code before 0003 left: the name in the index of a visit that brought a
        # denunciation petition while being typed otherwise
        s.execute(text("UPDATE visits SET search_text = 'hoang van kin phan anh can bo' "
                       "WHERE id = :i"), {"i": visit_id})
        s.commit()
        # (read from the index itself: the services search the index of the newest schema)
        indexed = set(s.scalars(text("SELECT record_id FROM search_index "
                                     "WHERE search_index MATCH 'hoang van kin'")))
        assert {citizen_id, visit_id} <= indexed
    engine.dispose()

    db = open_database(path)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.session() as s:
            assert petitions.get_petition(s, petition_id).content == "Phản ánh cán bộ"
            assert s.get(ProtectedCitizen, citizen_id) is not None
            assert "kin" not in s.scalar(text("SELECT search_text FROM visits WHERE id = :i"),
                                         {"i": visit_id})
            assert reception.list_visits(s, reception.VisitFilter(query="hoang van kin")) == []
            assert citizens.list_citizens(s, "hoang van kin") == []
            assert audit.verify_chain(s) == []
            citizens.create_citizen(s, unit_id, citizens.CitizenInput("Lò Thị Mai"))
        with db.session() as s:
            assert [e.action for e in entries(s, kind="citizen")] == ["create"]
            assert audit.verify_chain(s) == []
    finally:
        db.close()


def test_viewer_names_fields_in_the_users_language_without_bookkeeping():
    from receptiondesk.i18n import using_language
    from receptiondesk.services.audit_labels import record_kind_label

    detail = json.dumps({"status": ["received", "classified"], "version": [1, 2],
                         "updated_at": ["2026-11-01T08:00:00", "2026-11-02T09:00:00"],
                         "received_date": ["2026-10-30", "2026-10-31"]})
    assert audit.describe_detail(detail) == (
        "status: received → classified; date received: 2026-10-30 → 2026-10-31")
    with using_language("vi"):
        assert audit.describe_detail(detail).startswith("trạng thái: received → classified")
        assert record_kind_label("reception_session") == "buổi tiếp công dân"
    # only bookkeeping changed: still shown rather than an empty line
    assert audit.describe_detail(json.dumps({"version": [1, 2]})) == "version: 1 → 2"


def test_the_viewer_tells_apart_records_whose_ids_begin_alike():
    """Ids made in one run (the demo's sequence layout, an import) share their first
    digits: the list names each record by its last ones."""
    from types import SimpleNamespace

    from receptiondesk.ui.audit import entry_row

    def entry(seq: int, record_id: str):
        return SimpleNamespace(seq=seq, record_kind="petition", record_id=record_id,
                               detail=json.dumps({"where": "dashboard"}),
                               at=datetime(2026, 12, 7, 8, 0), username="head",
                               action="identity_view")

    rows = [entry_row(entry(n, f"01a24dccef{tail}")) for n, tail in
            enumerate(("b87527995a07222ebb02e9", "0673c29b05d8e5528b9d02"))]
    assert rows[0].cells[4] != rows[1].cells[4]
    assert rows[0].cells[4].endswith("ebb02e9")
