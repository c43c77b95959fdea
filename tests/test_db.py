"""Opening databases: migrations from empty, the schema matching the models,
SQLite tuning, the search index kept by triggers, refusing newer files."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from receptiondesk.db import (
    DatabaseError,
    backup_sqlite,
    current_revision,
    default_db_path,
    head_revision,
    integrity_problems,
    is_modelled,
    resolve_url,
)
from receptiondesk.model import Base, Field
from receptiondesk.services import citizens, units
from receptiondesk.services.database import open_database


def test_empty_database_migrates_to_head_and_matches_the_models(tmp_path):
    db = open_database(tmp_path / "new.db")
    try:
        assert current_revision(db.engine) == head_revision()
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"include_name": is_modelled})
            diff = compare_metadata(ctx, Base.metadata)
        assert diff == []
    finally:
        db.close()


def test_sqlite_is_tuned_for_a_shared_office_pc(tmp_path):
    db = open_database(tmp_path / "t.db")
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    finally:
        db.close()


def test_reference_data_is_seeded_once(tmp_path):
    path = tmp_path / "t.db"
    open_database(path).close()
    db = open_database(path)
    try:
        with db.session() as s:
            codes = [f.code for f in s.query(Field).order_by(Field.sort_order)]
        assert codes[:2] == ["land", "compensation"] and len(codes) == 9
    finally:
        db.close()


def test_database_location_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("RECEPTIONDESK_DB", str(tmp_path / "env.db"))
    assert resolve_url(None, None).endswith("env.db")
    assert resolve_url(tmp_path / "flag.db", None).endswith("flag.db")
    assert resolve_url(tmp_path / "flag.db", "postgresql://x/y") == "postgresql://x/y"
    monkeypatch.delenv("RECEPTIONDESK_DB")
    assert resolve_url(None, None).endswith(str(default_db_path().name))


def test_search_index_follows_inserts_updates_and_deletes(session, unit):
    c = citizens.create_citizen(session, unit.id, citizens.CitizenInput("Đỗ Thị Đào"))
    session.flush()
    assert [x.full_name for x in citizens.list_citizens(session, "do thi dao")] == ["Đỗ Thị Đào"]
    citizens.update_citizen(session, c.id, citizens.CitizenInput("Lò Văn Minh"))
    assert citizens.list_citizens(session, "dao") == []
    assert [x.full_name for x in citizens.list_citizens(session, "lo van")] == ["Lò Văn Minh"]
    session.delete(c)
    session.flush()
    assert citizens.list_citizens(session, "minh") == []


def test_a_file_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.db"
    open_database(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer version"):
        open_database(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError, match="Cannot open the database"):
        open_database(path)


def test_backup_is_a_verified_copy(tmp_path):
    db = open_database(tmp_path / "live.db")
    try:
        with db.session() as s:
            units.create_unit(s, units.UnitInput(code="X", name="Xã Mường Phăng"), home=True)
        backup_sqlite(db, tmp_path / "copy.db")
    finally:
        db.close()
    copy = open_database(tmp_path / "copy.db")
    try:
        assert integrity_problems(copy.engine) == []
        with copy.session() as s:
            assert units.home_unit(s).name == "Xã Mường Phăng"
    finally:
        copy.close()


def test_upgrade_from_the_previous_schema_keeps_the_data(tmp_path):
    """A database at the previous schema with records in it upgrades to head with nothing
    lost. The records are written with today's model (which reads petitions.party_matter),
    then the schema is taken back to 0011, before that column, keeping them."""
    from datetime import date

    from alembic import command
    from sqlalchemy import inspect

    from receptiondesk.db import alembic_config, make_engine, sqlite_url
    from receptiondesk.services import petitions
    from receptiondesk.services.reference import ensure_reference_data

    path = tmp_path / "old.db"
    engine = make_engine(sqlite_url(path))
    command.upgrade(alembic_config(engine), "head")
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        ensure_reference_data(s)
        unit = units.create_unit(s, units.UnitInput(code="X", name="Xã A"), home=True)
        p = petitions.register_petition(
            s, unit.id,
            petitions.PetitionInput(date(2026, 2, 13), "complaint", "Tranh chấp đất đai",
                                    ref="01/2026",  # schema 0001 has no number counters
                                    petitioners=[petitions.PetitionerInput("Nguyễn Văn An")]),
            today=date(2026, 3, 1),
        )
        s.commit()
        petition_id, due = p.id, p.next_due_date
    command.downgrade(alembic_config(engine), "0011")
    assert "party_matter" not in {c["name"] for c in inspect(engine).get_columns("petitions")}
    engine.dispose()

    db = open_database(path)
    try:
        assert current_revision(db.engine) == head_revision() != "0001"
        indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("petitions")}
        assert {"ix_petitions_received_id", "ix_petitions_due_id"} <= indexes
        with db.session() as s:
            kept = petitions.get_petition(s, petition_id)
            assert (kept.content, kept.next_due_date) == ("Tranh chấp đất đai", due)
            assert [p.id for p in petitions.list_petitions(
                s, petitions.PetitionFilter(query="nguyen van an"))] == [petition_id]
    finally:
        db.close()
