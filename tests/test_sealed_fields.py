"""Sealed identities (issue 17): a denouncer's and a protected person's name, ID number,
phone and address, and a denunciation's free text, are stored sealed whenever the database
has keys. The raw bytes of the database file, its WAL, a backup and the temp folder hold
none of them in any form; the cleared role reads them through the services, the others
read "(confidential)"; the audit log and the search index keep no plaintext."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from receptiondesk.model import AuditEntry, Citizen, Petition, Petitioner
from receptiondesk.services import (
    attachments,
    citizens,
    minutes,
    petitions,
    protection,
    reception,
    sealed_fields,
    sealing,
)
from receptiondesk.services.accounts import CLERK, OFFICE_HEAD, acting_as
from receptiondesk.services.sealing import Keyring
from receptiondesk.text import fold

TODAY = date(2026, 3, 2)
HELD_ON = date(2026, 2, 5)

NAME = "Hoàng Văn Bí"
ID_NUMBER = "012345678901"
ADDRESS = "Bản Ẩn Mật, xã Mường Phăng"
PHONE = "0912345678"
# a protected person who is not a petitioner of the denunciation: came with the visit
OTHER = ("Quàng Thị Sương", "034567890123", "Bản Sương Mù", "0987654321")
CONTENT = "Tố cáo chủ tịch xã Đèo Văn Lạm lạm quyền thu tiền"
IDENTITIES = (NAME, ID_NUMBER, ADDRESS, PHONE, *OTHER)
SECRETS = (*IDENTITIES, "Đèo Văn Lạm", "hoang-van-bi")
# a scan of the denouncer's paper: their name in its bytes
SCAN = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + NAME.encode("utf-8") + b"\x00" * 32


def forms(secret: str) -> list[bytes]:
    """The byte forms a secret may be found in: UTF-8, UTF-16-LE, folded (and its words
    of the search index, folded without spaces)."""
    folded = fold(secret)
    out = {secret.encode("utf-8"), secret.encode("utf-16-le"), folded.encode("utf-8"),
           folded.encode("utf-16-le")}
    return sorted(out)


def found_in(data: bytes, secrets=SECRETS) -> list[str]:
    return [s for s in secrets if any(f in data for f in forms(s))]


@pytest.fixture
def keys():
    private, public = sealing.new_key_pair()
    ring = Keyring(public_key=public, private_key=private, index_key=sealing.new_index_key())
    sealing.set_keyring(ring)
    yield ring
    sealing.set_keyring(None)


def uncleared(ring: Keyring) -> Keyring:
    """The keys of a process where only an uncleared account signed in."""
    return Keyring(public_key=ring.public_key, index_key=ring.index_key)


def plant(session, unit, official, clerk, people, tmp=None):
    """The clerk records a visit of a denouncer with a companion (the visit a denunciation),
    and a denunciation by post from the same person."""
    tmp = tmp or Path(tempfile.mkdtemp())
    with acting_as(people[CLERK]):
        rs = reception.create_session(session, unit.id, reception.SessionInput(
            HELD_ON, presiding_official_id=official.id, recorder_official_id=clerk.id,
            place="Trụ sở Đảng ủy"), today=TODAY)
        visit = reception.add_visit(session, rs.id, reception.VisitInput(
            CONTENT, new_citizen=citizens.CitizenInput(NAME, 1975, "male", ID_NUMBER,
                                                       ADDRESS, PHONE),
            petition_type="denunciation"), today=TODAY)
        # a person the office protects as it records them (one protected only later was
        # written plain first: its words stay in the full-text index's older segments
        # until they are merged, as seal_existing does)
        with sealed_fields.sealing_new_citizens(session):
            companion = citizens.create_citizen(session, unit.id, citizens.CitizenInput(
                OTHER[0], 1980, "female", OTHER[1], OTHER[2], OTHER[3]), today=TODAY)
        by_post = petitions.register_petition(session, unit.id, petitions.PetitionInput(
            date(2026, 2, 20), "denunciation", CONTENT, source_code="post", ref="TC-02",
            petitioners=[petitions.PetitionerInput(NAME, ID_NUMBER, ADDRESS, PHONE)]),
            today=TODAY)
        protection.protect_visit(session, visit)
        protection._protect_citizens(session, [companion.id])
        m = minutes.minutes_for(session, "session", rs.id)
        minutes.mark_printed(session, m.id)  # a printed version is frozen
        scan = tmp / "don-to-cao-hoang-van-bi.png"
        scan.write_bytes(SCAN)
        kept = attachments.add_attachment(session, unit.id, "petition", by_post.id, scan,
                                          description=f"Đơn của {NAME}")
    session.commit()
    return {"visit": visit, "by_post": by_post, "companion": companion, "scan": kept,
            "minutes": m}


def test_the_database_holds_sealed_values_and_the_cleared_read_them(
        keys, session, db, unit, official, clerk, people):
    made = plant(session, unit, official, clerk, people)
    raw = session.execute(select(Petitioner.full_name, Petitioner.id_number,
                                 Petitioner.address, Petitioner.phone)).all()
    assert raw and all(sealing.is_sealed(v) for row in raw for v in row)
    stored = session.execute(text(
        "SELECT full_name, id_number, address, phone, name_key, search_text, sort_key "
        "FROM citizens")).all()
    assert len(stored) == 2
    for row in stored:
        assert all(sealing.is_sealed(v) for v in row[:4]) and not any(row[4:])
    content = session.execute(text("SELECT content, search_text FROM petitions")).one()
    assert sealing.is_sealed(content[0]) and "lam" not in content[1]
    audit_text = " ".join(session.scalars(select(AuditEntry.detail)))
    assert found_in(audit_text.encode()) == []

    session.expunge_all()
    p = session.get(Petition, made["by_post"].id)
    assert p.content == CONTENT
    assert [(x.full_name, x.id_number, x.address, x.phone) for x in p.petitioners] == [
        (NAME, ID_NUMBER, ADDRESS, PHONE)]
    c = session.get(Citizen, made["companion"].id)
    assert (c.full_name, c.id_number, c.address, c.phone) == OTHER
    with acting_as(people[OFFICE_HEAD]):
        shown = protection.shield(session).person(c.full_name, c.id_number, c.phone,
                                                  c.address, protected=True)
        assert shown.name == OTHER[0]


def test_an_uncleared_process_reads_confidential_and_saves_nothing_over_it(
        keys, session, db, unit, official, clerk, people):
    made = plant(session, unit, official, clerk, people)
    session.expunge_all()
    sealing.set_keyring(uncleared(keys))
    p = session.get(Petition, made["by_post"].id)
    assert p.content == protection.redacted()
    assert p.petitioners[0].full_name == protection.redacted()
    with acting_as(people[CLERK]):
        blot = protection.shield(session)
        # the shield still blots the sealed people out of free text, by their keyed hashes
        assert NAME not in blot.text(f"Ông {NAME} đến, số điện thoại {PHONE}.")
        assert PHONE not in blot.text(f"gọi {PHONE}")
        assert blot.text("Ông Lò Văn Khoa đến") == "Ông Lò Văn Khoa đến"
        p.forwarded_from = "UBND huyện"
        p.petitioners[0].seq = 1
    session.commit()
    session.expunge_all()
    sealing.set_keyring(keys)
    p = session.get(Petition, made["by_post"].id)
    assert p.content == CONTENT and p.petitioners[0].full_name == NAME
    assert p.forwarded_from == "UBND huyện"


def _unpacked(data: bytes) -> bytes:
    """A bundle's part as written (its parts are gzip streams inside the zip)."""
    import gzip

    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _temp_files(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.mark.sqlite_only("the raw bytes of the database file, its WAL and its backup")
def test_no_identity_in_the_file_its_wal_a_backup_or_the_temp_folder(
        keys, session, db, unit, official, clerk, people, tmp_path, monkeypatch):
    import tempfile

    from receptiondesk.services import backups

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    made = plant(session, unit, official, clerk, people, tmp_path)
    path = db.path
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the writes are still in the WAL
    for f in (path, wal):
        assert found_in(f.read_bytes()) == [], f
    copy = backups.make_backup(db, tmp_path / "backups", "manual")
    assert found_in(copy.read_bytes()) == []
    for f in _temp_files(temp):
        assert found_in(f.read_bytes()) == [], f
    # the cleared role still reads them through the services, the scan too
    session.expunge_all()
    with acting_as(people[OFFICE_HEAD]):
        rows = petitions.list_petitions(session)
        assert [x.full_name for p in rows for x in p.petitioners] == [NAME]
        assert attachments.attachment_data(session, made["scan"].id) == SCAN
        from receptiondesk.services import outputs

        outputs.export_table(session, "petitions", tmp_path / "p.csv", reveal_identity=True)
        exported = (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
        assert NAME in exported and CONTENT in exported and sealing.PREFIX not in exported
        frozen = minutes.version_state(session, made["minutes"].id).versions[-1]
        snap = minutes.version_content(session, frozen.id)
        assert snap["visits"][0]["people"][0]["name"] == NAME
        assert attachments.get_attachment(session, made["scan"].id).file_name == \
            "don-to-cao-hoang-van-bi.png"
        # a bundle for the upper level: identities blotted (it cannot open this office's
        # seals), the denunciation's text opened (the exporter is cleared)
        from receptiondesk.services.outputs import export_bundle

        bundle = tmp_path / "out.bundle"
        export_bundle(session, bundle)
        session.commit()
    with zipfile.ZipFile(bundle) as z:
        members = b"".join(_unpacked(z.read(n)) for n in z.namelist())
    assert found_in(members, IDENTITIES) == [] and sealing.PREFIX.encode() not in members
    assert "lạm quyền".encode() in members
    for f in _temp_files(temp):
        assert found_in(f.read_bytes()) == [], f


def test_an_existing_database_is_sealed_in_place_and_db_check_tells(
        session, db, unit, official, clerk, people, capsys):
    from receptiondesk.cli import main
    from receptiondesk.services import sealed_fields

    made = plant(session, unit, official, clerk, people)  # no keys yet: plain text
    assert not sealed_fields.database_sealed(session)
    assert sealed_fields.plaintext_left(session) > 0
    assert main(["--database-url", db.url, "--lang", "en", "db", "check"]) == 0
    capsys.readouterr()

    private, public = sealing.new_key_pair()
    ring = Keyring(public_key=public, private_key=private, index_key=sealing.new_index_key())
    sealing.set_keyring(ring)
    try:
        assert sealed_fields.seal_existing(session) >= 4
        session.commit()
        assert sealed_fields.plaintext_left(session) == 0
        assert sealed_fields.database_sealed(session)
        stored = session.execute(text("SELECT full_name, search_text FROM citizens")).all()
        assert all(sealing.is_sealed(n) and s == "" for n, s in stored)
        assert main(["--database-url", db.url, "--lang", "en", "db", "check"]) == 0
        capsys.readouterr()
        # a program that did not seal writes one back in plain text: db check says so
        session.execute(text("UPDATE citizens SET phone = '0912345678' WHERE id = :i"),
                        {"i": made["companion"].id})
        session.commit()
        assert main(["--database-url", db.url, "--lang", "en", "db", "check"]) != 0
        out = capsys.readouterr()
        assert "1 protected record keeps" in out.out + out.err
        session.expunge_all()
        c = session.get(Citizen, made["companion"].id)
        assert c.full_name == OTHER[0]
    finally:
        sealing.set_keyring(None)


def test_repeats_find_a_sealed_person_by_the_keyed_hash_of_the_id_number(
        keys, session, db, unit, official, clerk, people):
    from receptiondesk.services import repeats

    plant(session, unit, official, clerk, people)
    session.expunge_all()
    with acting_as(people[OFFICE_HEAD]):
        found = repeats.find_repeats(session, id_number=ID_NUMBER, full_name="",
                                     address="", content="", cleared=True)
        assert [p.ref for p in found.same_citizen] == ["TC-02"]


def test_a_sealed_citizen_is_found_as_the_same_person_by_the_id_number(
        keys, session, db, unit, official, clerk, people):
    made = plant(session, unit, official, clerk, people)
    session.expunge_all()
    with acting_as(people[OFFICE_HEAD]):
        same = citizens.same_person(session, "", "", OTHER[1])
        assert [c.id for c in same] == [made["companion"].id]


def test_a_cleared_user_finds_sealed_people_by_name_and_id_number_others_do_not(
        keys, session, db, unit, official, clerk, people):
    from receptiondesk.services.search import search

    made = plant(session, unit, official, clerk, people)
    companion = made["companion"].id
    session.expunge_all()
    with acting_as(people[OFFICE_HEAD]):
        for query in ("quang thi suong", "Quàng Thị", OTHER[1], "sương mù"):
            assert companion in [h.record_id for h in search(session, query)], query
            assert companion in [c.id for c in citizens.list_citizens(session, query)], query
        assert citizens.count_citizens(session, "quang thi") == 1
        assert search(session, "quang van") == []
        # a denunciation by the words of its sealed text
        found = {(h.kind, h.record_id) for h in search(session, "lạm quyền thu")}
        assert {("petition", made["by_post"].id), ("visit", made["visit"].id)} <= found
    with acting_as(people[CLERK]):
        for query in ("quang thi suong", OTHER[1]):
            assert search(session, query) == []
            assert citizens.list_citizens(session, query) == []


def test_an_import_in_bulk_seals_what_it_writes_of_denunciations(
        keys, session, db, unit, official, tmp_path):
    from receptiondesk.exchange.importer import import_file

    path = tmp_path / "petitions.csv"
    path.write_text(
        "ref,received_date,source,type,field_code,petitioner_name,id_number,address,phone,"
        "signers,content,handling,handling_date,status,result,result_date,handled_to,"
        "decision_number\n"
        f"TC-9,03/06/2025,post,denunciation,,{NAME},{ID_NUMBER},\"{ADDRESS}\",{PHONE},1,"
        f"{CONTENT},,,,,,,\n"
        f"KN-9,03/06/2025,post,complaint,,Lò Thị Mai,,Bản Phăng,,1,Khiếu nại đất,,,,,,,\n",
        encoding="utf-8")
    import_file(session, "petitions", path, today=TODAY, official_id=official.id)
    session.commit()
    rows = session.execute(text(
        "SELECT p.ref, x.full_name, x.id_number, x.address, x.phone, p.content, "
        "p.search_text FROM petitioners x JOIN petitions p ON p.id = x.petition_id "
        "ORDER BY p.ref")).all()
    assert [r[0] for r in rows] == ["KN-9", "TC-9"]
    assert rows[0][1] == "Lò Thị Mai"  # an ordinary complaint stays as it was
    assert all(sealing.is_sealed(v) for v in rows[1][1:6]) and "lam" not in rows[1][6]
    stored = " ".join(session.scalars(select(AuditEntry.detail))) + " ".join(
        str(v) for r in session.execute(text("SELECT * FROM citizens")) for v in r)
    assert found_in(stored.encode(), IDENTITIES) == []
    session.expunge_all()
    p = session.scalar(select(Petition).where(Petition.ref == "TC-9"))
    assert (p.content, p.petitioners[0].full_name) == (CONTENT, NAME)


def test_the_uncleared_see_confidential_in_lists_and_searches_never_a_sealed_value(
        keys, session, db, unit, official, clerk, people):
    from receptiondesk.services.search import search
    from receptiondesk.services.search_results import describe_hits
    from receptiondesk.ui import petitions as petitions_page
    from receptiondesk.ui import reception as reception_page
    from receptiondesk.ui.petition_forms import field_names

    made = plant(session, unit, official, clerk, people)
    session.expunge_all()
    sealing.set_keyring(uncleared(keys))  # a clerk signed in: no private key
    with acting_as(people[CLERK]):
        names = field_names(session)
        out = [repr([petitions_page.petition_row(p, TODAY, names).cells
                     for p in petitions.list_petitions(session)])]
        visits = reception.list_visits(session)
        hidden = reception_page.visits_shown(session, visits, "test")
        out.append(repr([reception_page.visit_row(v, names, v.id in hidden).cells
                         for v in visits]))
        for query in (NAME, ID_NUMBER, OTHER[0], "lạm quyền"):
            assert search(session, query) == []
            out.append(repr(describe_hits(session, query)))
        out.append(repr(attachments.get_attachment(session, made["scan"].id).file_name))
        with pytest.raises(Exception):  # noqa: B017 - the scan is refused, whatever the type
            attachments.attachment_data(session, made["scan"].id)
    text_ = " ".join(out)
    assert found_in(text_.encode(), SECRETS) == [] and sealing.PREFIX not in text_
    assert protection.redacted() in text_


def test_the_shield_blots_a_sealed_person_by_keyed_hashes_as_by_plain_names(keys):
    marks = sealed_fields.marks(NAME, [ID_NUMBER, PHONE])
    assert NAME not in marks and "hoang" not in marks
    blot = protection.Shield(False, marks=marks.split())
    hidden = protection.redacted()
    assert blot.text(f"Ông hoàng văn bí, ĐT +84 912.345.678, CCCD {ID_NUMBER}.") == \
        f"Ông {hidden}, ĐT +{hidden}, CCCD {hidden}."
    assert blot.text("Ông Hoàng Văn Bình") == "Ông Hoàng Văn Bình"
    assert blot.names_protected(NAME) and not blot.names_protected(NAME, "001234567890")
