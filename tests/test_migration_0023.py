"""Migration 0023 (room for sealed identities) from an empty database and from the schema
before it (0022) with a denunciation in it: the records stay, the new columns are there,
the database is then sealed in place and read back by a cleared process, and the
migration can be undone."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from receptiondesk.db import alembic_config, make_engine, sqlite_url
from receptiondesk.model import Petition
from receptiondesk.services import petitions, sealed_fields, sealing, units
from receptiondesk.services.accounts import OFFICE_HEAD, Actor, acting_as
from receptiondesk.services.database import open_database
from receptiondesk.services.reference import ensure_reference_data

HEAD = Actor("0" * 32, "head", "Lường Thị Mai", OFFICE_HEAD)
NAME, NUMBER = "Hoàng Văn Bí", "012345678901"


def _columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


@pytest.fixture
def keys():
    """Makes the office's keys when called (after the old database is written)."""
    def make():
        private, public = sealing.new_key_pair()
        sealing.set_keyring(sealing.Keyring(public_key=public, private_key=private,
                                            index_key=sealing.new_index_key()))
    yield make
    sealing.set_keyring(None)


def _old_database(path) -> str:
    """A database at schema 0022 with a denunciation by post."""
    engine = make_engine(sqlite_url(path))
    command.upgrade(alembic_config(engine), "0022")
    with acting_as(HEAD), Session(engine) as s:
        ensure_reference_data(s)
        unit = units.create_unit(s, units.UnitInput(code="X", name="Xã A"), home=True)
        p = petitions.register_petition(s, unit.id, petitions.PetitionInput(
            date(2026, 2, 20), "denunciation", "Tố cáo chủ tịch xã", source_code="post",
            ref="TC-1", petitioners=[petitions.PetitionerInput(NAME, NUMBER, "Bản A",
                                                               "0912345678")]),
            today=date(2026, 3, 2))
        petition_id = p.id
        s.commit()
    engine.dispose()
    return petition_id


def test_an_empty_database_gets_the_columns(tmp_path):
    db = open_database(tmp_path / "new.db")
    try:
        for table in ("citizens", "petitioners"):
            assert {"id_hash", "seal_marks"} <= _columns(db.engine, table)
    finally:
        db.close()


def test_from_0022_with_a_denunciation_it_is_sealed_in_place_and_undone(tmp_path, keys):
    path = tmp_path / "old.db"
    petition_id = _old_database(path)
    db = open_database(path)  # upgrades to head
    try:
        with acting_as(HEAD), db.session() as s:
            assert s.get(Petition, petition_id).petitioners[0].full_name == NAME
            keys()  # the keys are made first now, and the database sealed once
            assert sealed_fields.seal_existing(s) >= 2
            s.commit()
        with acting_as(HEAD), db.session() as s:
            assert sealed_fields.plaintext_left(s) == 0
            raw = s.execute(text("SELECT full_name, id_hash FROM petitioners")).one()
            assert sealing.is_sealed(raw[0]) and raw[1] == sealed_fields.id_hash(NUMBER)
            p = s.scalar(select(Petition).where(Petition.id == petition_id))
            assert (p.content, p.petitioners[0].full_name) == ("Tố cáo chủ tịch xã", NAME)
    finally:
        db.close()
    engine = make_engine(sqlite_url(path))
    try:
        command.downgrade(alembic_config(engine), "0022")
        assert "seal_marks" not in _columns(engine, "petitioners")
        with engine.connect() as conn:  # the search triggers are still there
            triggers = set(conn.scalars(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        assert "citizens_search_insert" in triggers
    finally:
        engine.dispose()
