"""Migration 0024 (the index of the day a petition was last open) on both databases, from
an empty database and from the schema before it (0023) with petitions in it: the
petitions stay, the index finds exactly the petitions the report's former condition
found, the database uses it for the report's query, the year's report counts the
petitions carried over as worked out by hand, and the migration can be undone."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import func, or_, select, text

from receptiondesk.db import alembic_config, current_revision, head_revision
from receptiondesk.model import Petition
from receptiondesk.reports.periodic import _OPEN, OPEN_UNTIL_SQL, carried_in, periodic_report
from receptiondesk.reports.periods import year_period
from receptiondesk.services import units

INDEX = "ix_petitions_open_until"
START = date(2025, 1, 1)

#: (ref, received, status, handling date, result date, closed date, possibly still open on
#: 1/1/2025, so read by the report of 2025?)
PETITIONS = [
    ("open-old", date(2023, 5, 2), "received", None, None, None, True),
    ("classified-old", date(2024, 11, 20), "classified", None, None, None, True),
    # accepted in 2024 and still being resolved: its handling date is before the start
    ("in-resolution", date(2024, 3, 1), "in_resolution", date(2024, 3, 10), None, None,
     True),
    ("resolved-2024", date(2024, 2, 1), "resolved", date(2024, 2, 5), date(2024, 6, 1),
     None, False),
    ("resolved-2025", date(2024, 12, 1), "resolved", date(2024, 12, 5), date(2025, 2, 1),
     None, True),
    ("closed-2025", date(2024, 6, 1), "closed", date(2024, 6, 3), date(2024, 12, 30),
     date(2025, 1, 1), True),
    ("guided-2024", date(2024, 7, 1), "guided", date(2024, 7, 4), None, None, False),
    ("guided-2025", date(2024, 12, 28), "guided", date(2025, 1, 3), None, None, True),
    # imported without any date of its steps: never known to have left before the start
    ("archived-no-dates", date(2022, 1, 1), "archived", None, None, None, True),
    ("received-2025", date(2025, 4, 1), "resolved", date(2025, 4, 2), date(2025, 5, 2),
     None, False),
]
CARRIED = {ref for ref, *_, carried in PETITIONS if carried}
#: Of those, carried over into 2025 (left the open statuses on or after 1/1/2025, by the
#: result, else the handling, else the closing date): open-old, classified-old,
#: in-resolution, resolved-2025 (result 1/2/2025) and guided-2025 (handled 3/1/2025). The
#: closed one had its result on 30/12/2024; the archived one has no date but its receipt.
CARRIED_OVER = 5


def _index_exists(conn) -> bool:
    if conn.dialect.name == "sqlite":
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = :n"
    else:
        sql = "SELECT count(*) FROM pg_indexes WHERE indexname = :n"
    return conn.execute(text(sql), {"n": INDEX}).scalar() == 1


def _add_petitions(session, unit_id: str) -> None:
    for ref, received, status, handled, resulted, closed, _carried in PETITIONS:
        session.add(Petition(
            ref=ref, unit_id=unit_id, received_date=received, petition_type="complaint",
            status=status, handling_date=handled, accepted_date=handled
            if status in ("in_resolution", "resolved", "closed") else None,
            handling="accept" if status in ("in_resolution", "resolved", "closed")
            else ("guide" if status == "guided" else None),
            result_date=resulted, result="correct" if resulted else None,
            closed_date=closed, content=ref))


def _carried_by_index(session, start: date) -> set[str]:
    dialect = session.get_bind().dialect.name
    return set(session.scalars(select(Petition.ref).where(carried_in(dialect, start))))


def _carried_by_former_condition(session, start: date) -> set[str]:
    """The condition the report used before the index, joined by OR."""
    p = Petition
    return set(session.scalars(select(p.ref).where(p.received_date < start, or_(
        p.status.in_(_OPEN),
        func.coalesce(p.closed_date, p.result_date, p.handling_date, start) >= start))))


def _plan(session) -> str:
    conn = session.connection()
    query = select(Petition.id).where(carried_in(conn.dialect.name, START))
    compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
        return "\n".join(str(r[-1]) for r in rows)
    # a handful of rows: a plain scan would be cheaper, so the scan is ruled out to see
    # whether the index answers the expression at all
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}"))


def test_the_migration_writes_the_expression_the_report_queries():
    from importlib import import_module

    migration = import_module(
        "receptiondesk.migrations.versions.0024_petitions_open_until_index")
    assert migration.OPEN_UNTIL_SQL == OPEN_UNTIL_SQL.format(t="")
    # the statuses written out in the text are the open ones
    assert OPEN_UNTIL_SQL.startswith(
        "CASE WHEN {t}status IN (" + ", ".join(f"'{s}'" for s in _OPEN) + ")")


def test_an_empty_database_has_the_index(db):
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        assert _index_exists(conn)


def test_from_0023_with_petitions_the_index_finds_those_carried_over(db):
    cfg = alembic_config(db.engine)
    command.downgrade(cfg, "0023")
    with db.engine.connect() as conn:
        assert not _index_exists(conn)
    with db.session() as s:
        unit = units.create_unit(s, units.UnitInput(
            code="UB-MP", name="UBND xã Mường Phăng", level="commune", kind="state"),
            home=True)
        unit_id = unit.id
        _add_petitions(s, unit_id)
    command.upgrade(cfg, "head")

    with db.engine.connect() as conn:
        assert _index_exists(conn)
    with db.session() as s:
        assert s.scalar(select(func.count(Petition.id))) == len(PETITIONS)  # kept
        assert _carried_by_index(s, START) == CARRIED
        for start in (date(2023, 1, 1), date(2024, 7, 1), START, date(2025, 3, 1)):
            assert _carried_by_index(s, start) == _carried_by_former_condition(s, start)
        assert INDEX in _plan(s)
        report = periodic_report(s, unit_id, year_period(2025))
        assert report.total.petitions.carried_over == CARRIED_OVER
        assert report.total.petitions.received == 1

    command.downgrade(cfg, "0023")
    with db.engine.connect() as conn:
        assert not _index_exists(conn)
    with db.session() as s:
        assert s.scalar(select(func.count(Petition.id))) == len(PETITIONS)
    command.upgrade(cfg, "head")
