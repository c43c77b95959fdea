"""A province-shaped demo — a province, a district, communes, Party and state units, years
of sessions, petitions and their histories — loads on every backend with its foreign keys
enforced, and gives the same report figures on PostgreSQL as on SQLite."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from receptiondesk.demo import SAMPLE_PROVINCE, generate_demo
from receptiondesk.model import Petition, PetitionEvent, Unit
from receptiondesk.reports.periodic import periodic_report
from receptiondesk.reports.periods import year_period
from receptiondesk.services.database import open_database
from receptiondesk.services.units import home_unit

TODAY = date(2026, 3, 16)
#: keys that name rows, the moment of computing or the database's own audit log (its head
#: differs between two databases), not figures
NOT_FIGURES = {"id", "unit_id", "elapsed_ms", "audit_seq", "audit_fingerprint"}


def figures(value):
    """The report as a comparable tree: without row ids and timings."""
    if isinstance(value, dict):
        return {k: figures(v) for k, v in value.items() if k not in NOT_FIGURES}
    if isinstance(value, list):
        return [figures(v) for v in value]
    return value


def year_report(db) -> dict:
    from receptiondesk.i18n import set_language

    set_language("en")  # labels in one language (a module fixture runs before `english`)
    with db.session() as s:
        home = home_unit(s)
        return figures(periodic_report(s, home.id, year_period(2025), today=TODAY).as_dict())


@pytest.fixture(scope="module")
def sqlite_report(tmp_path_factory) -> dict:
    db = open_database(tmp_path_factory.mktemp("sample") / "sample.db")
    try:
        generate_demo(db, scale=SAMPLE_PROVINCE, seed=3, today=TODAY)
        return year_report(db)
    finally:
        db.close()


def test_the_sample_province_loads_with_every_level_and_thousands_of_records(db):
    summary = generate_demo(db, scale=SAMPLE_PROVINCE, seed=3, today=TODAY)
    with db.session() as s:
        levels = set(s.scalars(select(Unit.level)))
        petitions = s.scalar(select(func.count()).select_from(Petition))
        events = s.scalar(select(func.count()).select_from(PetitionEvent))
    assert levels == {"province", "district", "commune"}
    assert petitions == summary.counts["petitions"] > 1000
    assert events == summary.counts["petition_events"] > petitions
    if db.engine.dialect.name == "postgresql":  # the load ran with the keys enforced
        with db.engine.connect() as conn:
            checked = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"
            ).scalar()
        assert checked > 20
        with db.engine.connect() as conn:  # dropped for the load, built again after it
            built = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_indexes WHERE right(indexname, 12) = '_search_trgm'"
            ).scalar()
        assert built == 4  # citizens, visits, petitions, reception sessions


def test_the_report_figures_are_the_same_on_every_backend(db, sqlite_report):
    generate_demo(db, scale=SAMPLE_PROVINCE, seed=3, today=TODAY)
    assert year_report(db) == sqlite_report


def test_a_load_that_fails_midway_leaves_the_database_empty(db, monkeypatch):
    from receptiondesk.demo import generator as demo_generator

    calls = {"n": 0}
    real = demo_generator._Demo.make_work

    def fail_on_the_third_unit(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("the disk is full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(demo_generator._Demo, "make_work", fail_on_the_third_unit)
    with pytest.raises(OSError):
        generate_demo(db, scale=SAMPLE_PROVINCE, seed=3, today=TODAY)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == 0
        assert s.scalar(select(func.count()).select_from(Petition)) == 0
