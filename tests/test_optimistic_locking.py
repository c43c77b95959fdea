"""Two users edit the same record from two PCs: the second save is refused, not lost.

Each "user" works in units of work of their own (``db.session()``), as two PCs on one
database do: A reads the record, B saves it, then A saves from the version A read.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from datetime import date, time

import pytest
from sqlalchemy import select

from receptiondesk.model import (
    AuditEntry,
    Citizen,
    Inspection,
    Petition,
    ReceptionSession,
    Visit,
    WorkingMeeting,
)
from receptiondesk.services import citizens, inspections, meetings, petitions, reception
from receptiondesk.services.accounts import OFFICE_HEAD, Actor, acting_as
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.errors import ChangedByAnotherUser, ConflictError
from receptiondesk.services.inspections import InspectionInput
from receptiondesk.services.meetings import MeetingInput
from receptiondesk.services.petitions import Classification, PetitionerInput, PetitionInput
from receptiondesk.services.reception import SessionInput, VisitInput

TODAY = date(2026, 6, 30)
HOA = Actor("1" * 32, "hoa", "Nguyễn Thị Hoa", OFFICE_HEAD)
NAM = Actor("2" * 32, "nam", "Trần Văn Nam", OFFICE_HEAD)


def petition_input(content: str) -> PetitionInput:
    return PetitionInput(
        received_date=date(2026, 3, 2), petition_type="complaint", content=content,
        field_code="land", ref="15/2026",
        petitioners=[PetitionerInput("Nguyễn Văn An", "011068001234", "Thôn Bản Phăng")])


def meeting_input(conclusions: str) -> MeetingInput:
    return MeetingInput(date(2026, 3, 10), content="Họp", chaired_by_name="Lò Văn Khoa",
                        conclusions=conclusions)


@pytest.fixture
def records(db, session, unit, official):
    """A petition, a citizen, a reception session and a meeting, committed for everyone."""
    p = petitions.register_petition(session, unit.id, petition_input("Khiếu nại thu hồi đất"),
                                    today=TODAY)
    c = citizens.create_citizen(session, unit.id, CitizenInput("Lò Thị Mai", 1975, "female"),
                                today=TODAY)
    rs = reception.create_session(session, unit.id, SessionInput(
        date(2026, 3, 2), place="Trụ sở Đảng ủy", start_time=time(8),
        presiding_official_id=official.id), today=TODAY)
    m = meetings.create_meeting(session, unit.id, MeetingInput(
        date(2026, 3, 10), chaired_by_id=official.id, place="Hội trường",
        content="Nghe báo cáo tiếp công dân"), today=TODAY)
    v = reception.add_visit(session, rs.id, VisitInput("Hỏi về đất", citizen_id=c.id),
                            today=TODAY)
    i = inspections.create_inspection(session, unit.id, inspection_input("Chi bộ A"),
                                      today=TODAY)
    session.commit()
    return {"petition": p.id, "citizen": c.id, "session": rs.id, "meeting": m.id,
            "visit": v.id, "inspection": i.id, "official": official.id}


def inspection_input(organisations: str) -> InspectionInput:
    return InspectionInput(date(2026, 4, 1), organisations=organisations,
                           content="Kiểm tra việc tiếp công dân")


def version_of(db, model, record_id: str) -> int:
    with db.session() as s:
        return s.get(model, record_id).version


def entries_by(db, username: str) -> int:
    with db.session() as s:
        return len(s.scalars(select(AuditEntry).where(AuditEntry.username == username)).all())


# --- what each kind of record does -------------------------------------------------------

# (model, how user B saves it, how user A saves it with the version read, what A typed,
#  how to read the stored value, what names the record in the message)
CASES = {
    "petition": (
        Petition,
        lambda s, r, v: petitions.update_petition(
            s, r["petition"], petition_input("B: đã bổ sung nội dung"), TODAY,
            expected_version=v),
        lambda s, r, v: petitions.update_petition(
            s, r["petition"], petition_input("A: nội dung sửa của A"), TODAY,
            expected_version=v),
        "A: nội dung sửa của A",
        lambda rec: rec.content,
        "Petition 15/2026",
    ),
    "citizen": (
        Citizen,
        lambda s, r, v: citizens.update_citizen(
            s, r["citizen"], CitizenInput("Lò Thị Mai", 1975, "female", address="Bản B"),
            TODAY, expected_version=v),
        lambda s, r, v: citizens.update_citizen(
            s, r["citizen"], CitizenInput("Lò Thị Mai", 1975, "female", address="Bản A"),
            TODAY, expected_version=v),
        "Bản A",
        lambda rec: rec.address,
        "This citizen's record",
    ),
    "session": (
        ReceptionSession,
        lambda s, r, v: reception.update_session(
            s, r["session"], SessionInput(date(2026, 3, 2), place="Nhà văn hóa B",
                                          presiding_official_id=r["official"]),
            TODAY, expected_version=v),
        lambda s, r, v: reception.update_session(
            s, r["session"], SessionInput(date(2026, 3, 2), place="Phòng họp A",
                                          presiding_official_id=r["official"]),
            TODAY, expected_version=v),
        "Phòng họp A",
        lambda rec: rec.place,
        "The reception session of 02/03/2026",
    ),
    "meeting": (
        WorkingMeeting,
        lambda s, r, v: meetings.update_meeting(
            s, r["meeting"], meeting_input("B: kết luận"),
            TODAY, expected_version=v),
        lambda s, r, v: meetings.update_meeting(
            s, r["meeting"], meeting_input("A: kết luận khác"),
            TODAY, expected_version=v),
        "A: kết luận khác",
        lambda rec: rec.conclusions,
        "The working meeting of 10/03/2026",
    ),
    "visit": (
        Visit,
        lambda s, r, v: reception.update_visit(
            s, r["visit"], VisitInput("B: hỏi về đất và nhà", citizen_id=r["citizen"]),
            TODAY, expected_version=v),
        lambda s, r, v: reception.update_visit(
            s, r["visit"], VisitInput("A: nội dung khác", citizen_id=r["citizen"]),
            TODAY, expected_version=v),
        "A: nội dung khác",
        lambda rec: rec.content,
        "The visit of 02/03/2026",
    ),
    "inspection": (
        Inspection,
        lambda s, r, v: inspections.update_inspection(
            s, r["inspection"], inspection_input("Chi bộ B"), TODAY, expected_version=v),
        lambda s, r, v: inspections.update_inspection(
            s, r["inspection"], inspection_input("Chi bộ A, Chi bộ C"), TODAY,
            expected_version=v),
        "Chi bộ A, Chi bộ C",
        lambda rec: rec.organisations,
        "The inspection of 01/04/2026",
    ),
}


def test_the_refusal_names_who_changed_it_by_the_full_name_of_their_account(db, records):
    from receptiondesk.services.accounts import ADMINISTRATOR, UserInput, create_user

    with db.session() as s:
        admin = create_user(s, UserInput("admin", "Quản trị", ADMINISTRATOR), "mat-khau-dai-12")
        s.commit()
        with acting_as(admin):
            nam = create_user(s, UserInput("nam", "Trần Văn Nam", OFFICE_HEAD),
                              "mat-khau-dai-12")
            s.commit()
        nam_actor = Actor.of(nam)
    seen = version_of(db, Petition, records["petition"])
    with acting_as(nam_actor), db.session() as s:
        petitions.update_petition(s, records["petition"], petition_input("B"), TODAY,
                                  expected_version=seen)
    with acting_as(HOA), pytest.raises(ChangedByAnotherUser) as refused, db.session() as s:
        petitions.update_petition(s, records["petition"], petition_input("A"), TODAY,
                                  expected_version=seen)
    assert "changed by Trần Văn Nam at" in str(refused.value)


@pytest.mark.parametrize("kind", list(CASES))
def test_the_second_save_is_refused_and_the_first_stays(db, records, kind):
    model, save_b, save_a, typed_by_a, stored, named = CASES[kind]
    record_id = records[kind]
    seen_by_a = version_of(db, model, record_id)  # A opens the form
    with acting_as(NAM), db.session() as s:  # B opens the same record and saves
        save_b(s, records, version_of(db, model, record_id))
    after_b = version_of(db, model, record_id)
    with db.session() as s:
        first = stored(s.get(model, record_id))
    assert after_b > seen_by_a

    with acting_as(HOA), pytest.raises(ChangedByAnotherUser) as refused, db.session() as s:
        save_a(s, records, seen_by_a)

    message = str(refused.value)
    assert message.startswith(named)
    assert "changed by nam at" in message  # who (an actor without an account: the user name)
    assert "while you were editing it" in message and "reload" in message
    assert refused.value.username == "nam" and refused.value.changed_at is not None
    assert isinstance(refused.value, ConflictError)
    with db.session() as s:
        rec = s.get(model, record_id)
        assert stored(rec) == first != typed_by_a  # B's change stays, A's is nowhere
        assert rec.version == after_b
    assert entries_by(db, "hoa") == 0  # nothing of A's save reached the audit log


@pytest.mark.parametrize("kind", list(CASES))
def test_a_save_from_the_current_version_works(db, records, kind):
    model, _save_b, save_a, typed_by_a, stored, _named = CASES[kind]
    record_id = records[kind]
    current = version_of(db, model, record_id)
    with acting_as(HOA), db.session() as s:
        save_a(s, records, current)
    with db.session() as s:
        assert stored(s.get(model, record_id)) == typed_by_a
    assert version_of(db, model, record_id) > current


def test_callers_without_a_version_save_as_before(db, records):
    """Imports and the command line give no version: the last save wins, as before."""
    with db.session() as s:
        petitions.update_petition(s, records["petition"], petition_input("B"), TODAY)
    with db.session() as s:
        petitions.update_petition(s, records["petition"], petition_input("A"), TODAY)
    with db.session() as s:
        assert s.get(Petition, records["petition"]).content == "A"


def test_without_a_known_user_the_message_still_says_when(db, records):
    seen = version_of(db, Petition, records["petition"])
    with db.session() as s:  # nobody signed in (a database without accounts)
        petitions.update_petition(s, records["petition"], petition_input("B"), TODAY)
    with pytest.raises(ChangedByAnotherUser) as refused, db.session() as s:
        petitions.update_petition(s, records["petition"], petition_input("A"), TODAY,
                                  expected_version=seen)
    assert "changed by someone else at" in str(refused.value)
    assert refused.value.username == ""


def test_a_lifecycle_step_on_a_stale_view_is_refused(db, records):
    """A opens "Classify"; B classifies first: A is told, not shown a transition error."""
    seen = version_of(db, Petition, records["petition"])
    ok = Classification(eligible=True, within_competence=True)
    with acting_as(NAM), db.session() as s:
        petitions.classify(s, records["petition"], ok, date(2026, 3, 4), today=TODAY,
                           expected_version=seen)
    with acting_as(HOA), pytest.raises(ChangedByAnotherUser), db.session() as s:
        petitions.classify(s, records["petition"], dataclasses.replace(ok, complexity=2),
                           date(2026, 3, 5), today=TODAY, expected_version=seen)
    with db.session() as s:
        p = s.get(Petition, records["petition"])
        assert p.status == "classified" and p.complexity == 0
        assert len(petitions.events(s, p.id)) == 2  # received, classified by B only


def test_the_whole_unit_of_work_is_rolled_back(db, records):
    """A's note, written before the refused correction in the same save, is not kept."""
    seen = version_of(db, Petition, records["petition"])
    with db.session() as s:
        petitions.update_petition(s, records["petition"], petition_input("B"), TODAY)
    with pytest.raises(ChangedByAnotherUser), db.session() as s:
        petitions.add_note(s, records["petition"], date(2026, 3, 3), "A's note", today=TODAY)
        petitions.update_petition(s, records["petition"], petition_input("A"), TODAY,
                                  expected_version=seen)
    with db.session() as s:
        notes = [e.note for e in petitions.events(s, records["petition"])]
    assert "A's note" not in notes


def test_a_concurrent_write_caught_at_flush_is_the_same_error(db, records):
    """The race after the check: A's session still holds version 1 when B's commit lands;
    SQLAlchemy's StaleDataError at flush becomes the user's message, nothing is written."""
    a = db.sessions()
    try:
        held = petitions.get_petition(a, records["petition"])
        seen = held.version
        a.commit()  # A's read transaction ends; the loaded record stays in A's session
        with acting_as(NAM), db.session() as s:
            petitions.update_petition(s, records["petition"], petition_input("B"), TODAY)
        with acting_as(HOA), pytest.raises(ChangedByAnotherUser) as refused:
            # A's version check passes against A's stale copy; the UPDATE finds no row
            petitions.update_petition(a, records["petition"], petition_input("A"), TODAY,
                                      expected_version=seen)
        assert str(refused.value).startswith("Petition 15/2026")
        assert refused.value.current_version > seen
        a.commit()  # A's session is usable again and has nothing to write
    finally:
        a.close()
    with db.session() as s:
        assert s.get(Petition, records["petition"]).content == "B"
    assert entries_by(db, "hoa") == 0


def test_two_processes_on_one_database(db, records):
    """B is another program on another PC (here: another process on the same database)."""
    seen = version_of(db, Petition, records["petition"])
    script = textwrap.dedent(f"""
        from datetime import date
        from receptiondesk.services.database import open_database
        from receptiondesk.services import petitions
        from receptiondesk.services.accounts import OFFICE_HEAD, Actor, acting_as
        from receptiondesk.services.petitions import PetitionerInput, PetitionInput
        db = open_database(database_url={db.url!r})
        data = PetitionInput(date(2026, 3, 2), "complaint", "B from the other PC", "post",
                             "land", ref="15/2026",
                             petitioners=[PetitionerInput("Nguyễn Văn An")])
        with acting_as(Actor("2" * 32, "nam", "Trần Văn Nam", {OFFICE_HEAD!r})):
            with db.session() as s:
                petitions.update_petition(s, {records["petition"]!r}, data,
                                          expected_version={seen})
        db.close()
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    with acting_as(HOA), pytest.raises(ChangedByAnotherUser) as refused, db.session() as s:
        petitions.update_petition(s, records["petition"], petition_input("A"), TODAY,
                                  expected_version=seen)
    assert "changed by nam at" in str(refused.value)
    with db.session() as s:
        assert s.get(Petition, records["petition"]).content == "B from the other PC"
