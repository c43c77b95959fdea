"""Migration 0019 (report drafts, issued reports) from an empty database and from the
schema before it (0015) with records in it: the records stay, a report is drafted and
issued on the upgraded file, and the migration can be undone."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from receptiondesk.db import alembic_config, make_engine, sqlite_url
from receptiondesk.reports.periods import custom_period
from receptiondesk.services import report_keeping, units
from receptiondesk.services.accounts import OFFICE_HEAD, Actor, acting_as
from receptiondesk.services.database import open_database
from receptiondesk.services.reference import ensure_reference_data

NEW_TABLES = {"report_drafts", "report_draft_revisions", "issued_reports"}
PERIOD = custom_period(date(2026, 1, 1), date(2026, 3, 31))
HEAD = Actor("0" * 32, "head", "Lường Thị Mai", OFFICE_HEAD)


def _old_database(path) -> str:
    """A database at schema 0015 with a unit and a numbered concluding notice."""
    engine = make_engine(sqlite_url(path))
    command.upgrade(alembic_config(engine), "0015")
    with Session(engine) as s:
        ensure_reference_data(s)
        unit = units.create_unit(s, units.UnitInput(
            code="DU-MP", name="Đảng ủy xã Mường Phăng", level="commune", kind="party"),
            home=True)
        unit_id = unit.id
        s.commit()
    engine.dispose()
    return unit_id


def test_an_empty_database_gets_the_new_tables(tmp_path):
    db = open_database(tmp_path / "new.db")
    try:
        assert NEW_TABLES <= set(inspect(db.engine).get_table_names())
    finally:
        db.close()


def test_from_0015_with_records_a_report_is_drafted_and_issued(tmp_path):
    path = tmp_path / "old.db"
    unit_id = _old_database(path)
    db = open_database(path)  # upgrades to head
    try:
        with acting_as(HEAD), db.session() as s:
            assert units.home_unit(s).id == unit_id  # kept
            report_keeping.save_draft(s, unit_id, PERIOD, {"situation": "Ổn định."})
            issued = report_keeping.issue_report(s, unit_id, PERIOD, today=date(2026, 4, 2))
            assert issued.number == "01-BC/ĐU"
    finally:
        db.close()


def test_the_migration_can_be_undone_keeping_the_records(tmp_path):
    path = tmp_path / "down.db"
    _old_database(path)
    engine = make_engine(sqlite_url(path))
    command.upgrade(alembic_config(engine), "0019")
    assert NEW_TABLES <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(engine), "0015")
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    with engine.connect() as c:
        assert c.execute(text("SELECT code FROM units")).scalar() == "DU-MP"
    engine.dispose()
