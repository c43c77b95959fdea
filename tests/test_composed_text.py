"""Text typed with a legacy Windows keyboard (a Vietnamese letter as a base letter and
combining marks, Unikey's "Unicode tổ hợp") is stored composed (NFC): on input through the
services, on import, and by migration 0015 for what an older version stored; the audit
log, whose hashes cover its text, is left as written and still verifies."""

from __future__ import annotations

import unicodedata
from datetime import date

from sqlalchemy import select, text

from receptiondesk.exchange.importer import import_file
from receptiondesk.model import AuditEntry, Citizen, Petition
from receptiondesk.services import audit, citizens, petitions
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.text import fold, nfc

NAME = "Nguyễn Thị Phương Thảo"
ADDRESS = "Bản Phăng, xã Mường Phăng"
CONTENT = "Khiếu nại việc bồi thường\nkhi thu hồi đất ở bản Phăng"
TODAY = date(2026, 3, 2)


def typed(value: str) -> str:
    """As the legacy keyboard types it: decomposed."""
    decomposed = unicodedata.normalize("NFD", value)
    assert decomposed != value
    return decomposed


def test_nfc_composes_and_folding_is_the_same_either_way():
    assert nfc(typed(NAME)) == NAME
    assert nfc(NAME) is NAME  # composed text is returned as it is
    assert fold(typed(NAME)) == fold(NAME) == "nguyen thi phuong thao"


def test_what_is_typed_decomposed_is_stored_composed(session, unit):
    person = citizens.create_citizen(session, unit.id, CitizenInput(
        typed(NAME), address=typed(ADDRESS)), today=TODAY)
    p = petitions.register_petition(session, unit.id, petitions.PetitionInput(
        date(2026, 3, 1), "recommendation", typed(CONTENT),
        petitioners=[petitions.PetitionerInput(typed(NAME), citizen_id=person.id)]),
        today=TODAY)
    session.commit()
    stored = session.execute(text("SELECT full_name, address FROM citizens WHERE id = :i"),
                             {"i": person.id}).one()
    assert tuple(stored) == (NAME, ADDRESS)
    assert session.scalar(select(Petition.content).where(Petition.id == p.id)) == CONTENT
    # the audit log holds what the database holds
    created = session.scalars(select(AuditEntry.detail).where(
        AuditEntry.record_id == person.id, AuditEntry.action == "create")).one()
    assert NAME in created and typed(NAME) not in created
    # the same person, however the name is typed
    again = citizens.list_citizens(session, typed("Nguyễn Thị Phương"))
    assert [c.id for c in again] == [person.id]


def test_an_imported_file_typed_decomposed_is_stored_composed(session, unit, official,
                                                              tmp_path):
    path = tmp_path / "don.csv"
    path.write_text(
        "ref,received_date,source,type,field_code,petitioner_name,id_number,address,phone,"
        "signers,content,handling,handling_date,status,result,result_date,handled_to,"
        "decision_number\n"
        f"T-7/2026,01/03/2026,post,recommendation,,{typed(NAME)},,{typed('Bản Phăng')},,1,"
        f"{typed('Đề nghị sửa đường vào bản')},,,received,,,,\n", encoding="utf-8")
    session.commit()
    import_file(session, "petitions", path, today=TODAY, official_id=official.id)
    session.commit()
    p = session.scalars(select(Petition).where(Petition.ref == "T-7/2026")).one()
    assert p.content == "Đề nghị sửa đường vào bản"
    assert [x.full_name for x in p.petitioners] == [NAME]


def test_migration_0015_composes_stored_text_and_leaves_the_audit_log(tmp_path):
    from alembic import command
    from sqlalchemy.orm import Session

    from receptiondesk.db import alembic_config, make_engine, sqlite_url
    from receptiondesk.services import units
    from receptiondesk.services.reference import ensure_reference_data

    engine = make_engine(sqlite_url(tmp_path / "old.db"))
    command.upgrade(alembic_config(engine), "0014")
    with Session(engine) as s:
        ensure_reference_data(s)
        unit = units.create_unit(s, units.UnitInput(code="X", name="Xã A"), home=True)
        person = citizens.create_citizen(s, unit.id, CitizenInput(NAME, address=ADDRESS),
                                         today=TODAY)
        s.commit()
        # what an older version stored: the text as typed
        s.execute(text("UPDATE citizens SET full_name = :n, address = :a WHERE id = :i"),
                  {"n": typed(NAME), "a": typed(ADDRESS), "i": person.id})
        s.commit()
        log = s.execute(select(AuditEntry.seq, AuditEntry.detail)).all()
        person_id = person.id
    command.upgrade(alembic_config(engine), "head")
    with Session(engine) as s:
        stored = s.execute(text("SELECT full_name, address FROM citizens WHERE id = :i"),
                           {"i": person_id}).one()
        assert tuple(stored) == (NAME, ADDRESS)
        assert s.execute(select(AuditEntry.seq, AuditEntry.detail)).all() == log
        assert audit.verify_chain(s) == []
        assert [c.id for c in citizens.list_citizens(s, "nguyen thi phuong")] == [person_id]
        assert s.scalar(select(Citizen.full_name).where(Citizen.id == person_id)) == NAME
    engine.dispose()
