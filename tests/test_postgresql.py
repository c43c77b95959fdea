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
