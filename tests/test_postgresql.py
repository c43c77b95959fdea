"""A shared office database on PostgreSQL: schema, migrations and the ``db`` commands.

Run with RECEPTIONDESK_TEST_PG_URL set (see tests/conftest.py); skipped without it. The
rest of the suite runs on PostgreSQL through the ``db`` fixture as well.
"""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from receptiondesk.db import alembic_config, current_revision, head_revision, is_modelled
from receptiondesk.model import Base

#: the ``db`` fixture on PostgreSQL alone (skipped, with the reason, without a server)
pytestmark = pytest.mark.parametrize("db", ["postgresql"], indirect=True)


def test_the_migrated_schema_matches_the_models(db):
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_name": is_modelled, "compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []


def test_migrations_go_down_to_nothing_and_up_again(db):
    cfg = alembic_config(db.engine)
    command.downgrade(cfg, "base")
    assert current_revision(db.engine) is None
    command.upgrade(cfg, "head")
    assert current_revision(db.engine) == head_revision()


def test_db_check_names_what_it_checked_and_backup_points_to_pg_dump(db, capsys):
    from receptiondesk.cli import main

    assert main(["--database-url", db.url, "--lang", "en", "db", "check"]) == 0
    out = capsys.readouterr().out
    assert "server's job" in out and "sound" in out
    assert main(["--database-url", db.url, "--lang", "en", "db", "backup", "--out", "x.db"]) != 0
    assert "pg_dump" in capsys.readouterr().err


def test_the_audit_log_is_append_only_on_the_server_too(db, session, unit):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    session.commit()  # the unit's creation is in the audit log
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text("DELETE FROM audit_entries"))
    session.rollback()


def test_a_demo_fills_an_empty_shared_database_and_search_finds_it(db, capsys, cleared):
    from receptiondesk.cli import main
    from receptiondesk.services.search import search

    assert main(["--database-url", db.url, "--lang", "en", "demo", "--seed", "2"]) == 0
    assert "Demo database created: postgresql" in capsys.readouterr().out
    with db.session() as s:
        kinds = {hit.kind for hit in search(s, "dat dai")}
    assert {"visit", "petition"} <= kinds


def _audited_changes(db, count: int) -> int:
    """Make ``count`` audited changes; the number of the last audit entry."""
    from sqlalchemy import func, select

    from receptiondesk.model import AuditEntry
    from receptiondesk.services import units

    with db.session() as s:
        home = units.create_unit(s, units.UnitInput(code="X", name="Xã A"), home=True)
        for i in range(count):
            units.create_official(s, home.id, units.OfficialInput(full_name=f"Cán bộ {i}"))
        s.commit()
        return s.scalar(select(func.max(AuditEntry.seq)))


def test_entries_cut_from_the_end_of_the_log_are_found_on_the_server_too(db):
    from sqlalchemy import text

    from receptiondesk.services import audit

    last = _audited_changes(db, 5)
    assert audit.audit_problems(db.engine) == []
    with db.engine.begin() as conn:  # what an owner of the database can do by hand
        conn.execute(text("DROP TRIGGER audit_entries_append_only ON audit_entries"))
        conn.execute(text("DELETE FROM audit_entries WHERE seq > :n"), {"n": last - 2})
        head = conn.execute(text("SELECT seq, hash FROM audit_entries ORDER BY seq DESC "
                                 "LIMIT 1")).one()
        conn.execute(text("UPDATE settings SET value = :v WHERE key = :k"), {
            "v": audit.canonical_json({"seq": head.seq, "hash": head.hash}),
            "k": audit.HEAD_SETTING})
    assert audit.audit_problems(db.engine) == [
        "The audit log's protection audit_entries_append_only is missing: it was removed, "
        "so entries could be changed or deleted.",
        f"Audit log entries {last - 1} to {last} are missing: they were deleted."]


def test_a_rolled_back_change_leaves_the_log_sound_and_a_dropped_guard_is_named(db):
    from sqlalchemy import text

    from receptiondesk.services import audit, units

    _audited_changes(db, 2)
    with db.session() as s:
        home = units.home_unit(s)
        units.create_official(s, home.id, units.OfficialInput(full_name="Không lưu"))
        s.flush()  # its audit entry is written, then the whole unit of work is undone
        s.rollback()
    assert audit.audit_problems(db.engine) == []
    with db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_entries_high_water ON audit_entries"))
    assert audit.audit_problems(db.engine) == [
        "The audit log's protection audit_entries_high_water is missing: it was removed, so "
        "entries could be changed or deleted."]


def test_the_high_water_mark_starts_at_the_last_entry_of_a_log_with_data(db):
    from sqlalchemy import text

    from receptiondesk.services import audit

    last = _audited_changes(db, 3)
    cfg = alembic_config(db.engine)
    command.downgrade(cfg, f"{audit.HIGH_WATER_MIGRATION}-1")  # the schema before the mark
    command.upgrade(cfg, "head")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT seq FROM audit_high_water")).scalar() == last
    assert audit.audit_problems(db.engine) == []
