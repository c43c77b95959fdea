"""Migration 0013 (printed versions of minutes, number counters) from an empty database and
from the schema before it (0012) with records in it: the numbers already given are never
given again."""

from __future__ import annotations

from datetime import date, datetime

from alembic import command
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from receptiondesk.db import alembic_config, make_engine, sqlite_url
from receptiondesk.model import Minutes, Petition, ReceptionSession, utcnow
from receptiondesk.services import minutes as minutes_service
from receptiondesk.services import petitions, reception, units
from receptiondesk.services.database import open_database
from receptiondesk.services.reference import ensure_reference_data

NEW_TABLES = {"minutes_versions", "document_counters"}


def _old_database(path) -> dict[str, str]:
    """A database at schema 0012 with a unit, a numbered petition and numbered minutes."""
    engine = make_engine(sqlite_url(path))
    command.upgrade(alembic_config(engine), "0012")
    with Session(engine) as s:
        ensure_reference_data(s)
        unit = units.create_unit(s, units.UnitInput(
            code="DU-MP", name="Đảng ủy xã Mường Phăng", level="commune", kind="party"),
            home=True)
        rs = ReceptionSession(unit_id=unit.id, session_date=date(2026, 2, 5), place="Trụ sở")
        s.add(rs)
        s.flush()
        year = utcnow().year
        s.add(Minutes(unit_id=unit.id, subject_kind="session", subject_id=rs.id,
                      number="01-BB/ĐU", status="printed", copies=2, text="",
                      created_at=datetime(year, 1, 2), printed_at=datetime(year, 1, 2)))
        s.add(Petition(unit_id=unit.id, ref="0001/2026/ĐU", received_date=date(2026, 2, 5),
                       petition_type="complaint", content="Khiếu nại", status="received"))
        s.commit()
        made = {"unit": unit.id, "session": rs.id}
    engine.dispose()
    return made


def test_an_empty_database_gets_the_new_tables(tmp_path):
    db = open_database(tmp_path / "new.db")
    try:
        assert NEW_TABLES <= set(inspect(db.engine).get_table_names())
    finally:
        db.close()


def test_from_0012_with_records_the_numbers_go_on_after_those_given(tmp_path):
    path = tmp_path / "old.db"
    made = _old_database(path)
    db = open_database(path)  # upgrades to head
    try:
        with db.session() as s:
            assert s.scalar(select(Minutes.number)) == "01-BB/ĐU"  # kept
            p = petitions.register_petition(s, made["unit"], petitions.PetitionInput(
                date(2026, 3, 2), "complaint", "Khiếu nại mới",
                petitioners=[petitions.PetitionerInput("Lò Thị Mai")]), today=date(2026, 3, 2))
            assert p.ref == "0002/2026/ĐU"
            khoa = units.create_official(s, made["unit"], units.OfficialInput("Lò Văn Khoa"))
            other = reception.create_session(s, made["unit"], reception.SessionInput(
                date(2026, 3, 2), place="Trụ sở", presiding_official_id=khoa.id),
                today=date(2026, 3, 2))
            assert minutes_service.minutes_for(s, "session", other.id).number == "02-BB/ĐU"
            # the old minutes were printed before versions were kept: the next print
            # freezes version 1
            old = s.scalar(select(Minutes).where(Minutes.subject_id == made["session"]))
            assert minutes_service.version_state(s, old.id).versions == []
            minutes_service.mark_printed(s, old.id)
            assert [v.number for v in minutes_service.version_state(s, old.id).versions] == [1]
    finally:
        db.close()


def test_the_migration_can_be_undone_keeping_the_records(tmp_path):
    path = tmp_path / "down.db"
    _old_database(path)
    engine = make_engine(sqlite_url(path))
    command.upgrade(alembic_config(engine), "0013")
    assert NEW_TABLES <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(engine), "0012")
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    with Session(engine) as s:
        assert s.scalar(select(Petition.ref)) == "0001/2026/ĐU"
        assert s.scalar(select(Minutes.number)) == "01-BB/ĐU"
    engine.dispose()
