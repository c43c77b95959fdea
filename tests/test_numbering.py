"""Numbering: petitions get their number when registered (per unit and year, in the pattern
set in Settings), minutes and notices are numbered 01, 02, … per unit and year (Decree
30/2020/NĐ-CP), two writers never get the same number, and an import keeps the numbers
its file gives. Every test runs on SQLite and, when configured, on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
from sqlalchemy import select

from receptiondesk.exchange.importer import import_file
from receptiondesk.model import Petition, Setting, utcnow
from receptiondesk.services import citizens, meetings, numbering, petitions, reception, units
from receptiondesk.services import minutes as minutes_service
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.errors import ValidationError
from receptiondesk.services.meetings import MeetingInput, NoticeInput
from receptiondesk.services.reception import SessionInput, VisitInput

TODAY = date(2026, 3, 20)


def register(session, unit, received=date(2026, 3, 2), ref="", **extra):
    return petitions.register_petition(session, unit.id, petitions.PetitionInput(
        received, "complaint", "Khiếu nại thu hồi đất", ref=ref,
        petitioners=[petitions.PetitionerInput("Nguyễn Văn An")], **extra),
        today=max(received, TODAY))


@pytest.fixture
def state_unit(session):
    return units.create_unit(session, units.UnitInput(
        code="UBND-MP", name="Ủy ban nhân dân xã Mường Phăng", level="commune",
        kind="state"))


# --- petitions ------------------------------------------------------------------------------


def test_petitions_are_numbered_per_unit_and_year_on_registration(session, unit, state_unit):
    assert [register(session, unit).ref for _ in range(3)] == [
        "0001/2026/ĐU", "0002/2026/ĐU", "0003/2026/ĐU"]
    # another unit counts on its own, with its own abbreviation
    assert register(session, state_unit).ref == "0001/2026/UBND"
    # a new year starts again at 1; the old year goes on where it was
    assert register(session, unit, received=date(2027, 1, 4)).ref == "0001/2027/ĐU"
    assert register(session, unit, received=date(2026, 12, 30)).ref == "0004/2026/ĐU"


def test_a_petition_registered_from_a_visit_gets_its_number(session, unit, official):
    rs = reception.create_session(session, unit.id, SessionInput(
        date(2026, 3, 2), place="Trụ sở", presiding_official_id=official.id), today=TODAY)
    an = citizens.create_citizen(session, unit.id, CitizenInput("Nguyễn Văn An"))
    visit = reception.add_visit(session, rs.id, VisitInput(
        "Khiếu nại về bồi thường", citizen_id=an.id, petition_type="complaint",
        field_code="land"), today=TODAY)
    petition = reception.register_petition_from_visit(session, visit.id, today=TODAY)
    assert petition.ref == "0001/2026/ĐU"


def test_a_number_typed_or_imported_is_kept_and_never_given_again(session, unit, tmp_path):
    assert register(session, unit, ref="0002/2026/ĐU").ref == "0002/2026/ĐU"
    path = tmp_path / "don.csv"
    path.write_text("ref,received_date,type,petitioner_name,content\n"
                    "0003/2026/ĐU,2026-03-01,complaint,Lò Thị Bình,Khiếu nại\n"
                    "SỐ-CŨ-17,2026-03-01,complaint,Lò Văn Chung,Khiếu nại\n",
                    encoding="utf-8")
    report = import_file(session, "petitions", path, today=TODAY)
    assert report.created["petitions"] == 2
    refs = set(session.scalars(select(Petition.ref)))
    assert {"0002/2026/ĐU", "0003/2026/ĐU", "SỐ-CŨ-17"} <= refs
    # the next ones skip the numbers already used
    assert [register(session, unit).ref for _ in range(2)] == ["0001/2026/ĐU", "0004/2026/ĐU"]


def test_the_pattern_set_in_settings_numbers_the_next_petitions(session, unit):
    assert numbering.set_petition_pattern(session, " {unit_code}-{year}-{seq:03d} ") == \
        "{unit_code}-{year}-{seq:03d}"
    assert register(session, unit).ref == "DU-MP-2026-001"


@pytest.mark.parametrize(("pattern", "says"), [
    ("", "is required"),
    ("{year}/{unit_abbr}", "must contain the sequence number {seq}"),
    ("{seq:04d}/{unit_abbr}", "must contain the year {year}"),
    ("{seq}/{yaer}", "\u201c{yaer}\u201d is not known"),
    ("{seq:>8}/{year}", "only the sequence number takes a width"),
    ("{year:04d}/{seq}", "only the sequence number takes a width"),
    ("{seq/{year}", "needs its"),
    ("x" * 61 + "{seq}{year}", "too long"),
])
def test_a_pattern_that_cannot_number_petitions_is_refused(session, unit, pattern, says):
    with pytest.raises(ValidationError) as refused:
        numbering.set_petition_pattern(session, pattern)
    message = refused.value.for_field("pattern")
    assert message.startswith("Petition number pattern") and says in message
    assert session.get(Setting, numbering.PETITION_PATTERN_KEY) is None  # nothing kept
    assert register(session, unit).ref == "0001/2026/ĐU"


def test_two_writers_never_get_the_same_number(db, session, unit):
    """Eight clerks register at the same moment, each in a transaction of their own."""
    session.commit()
    unit_id = unit.id
    start = threading.Barrier(8)
    refs: list[str] = []
    errors: list[BaseException] = []

    def clerk() -> None:
        try:
            start.wait()
            with db.session(write=True) as s:
                p = petitions.register_petition(s, unit_id, petitions.PetitionInput(
                    date(2026, 3, 2), "complaint", "Khiếu nại",
                    petitioners=[petitions.PetitionerInput("Nguyễn Văn An")]), today=TODAY)
                refs.append(p.ref)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=clerk) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(refs) == [f"{n:04d}/2026/ĐU" for n in range(1, 9)]


# --- minutes and notices ------------------------------------------------------------------


def _session_on(session, unit, official, day):
    return reception.create_session(session, unit.id, SessionInput(
        day, place="Trụ sở", start_time=time(8), presiding_official_id=official.id),
        today=max(day, TODAY))


def test_minutes_are_numbered_from_01_each_year_per_unit(session, unit, state_unit, official):
    numbers = [minutes_service.minutes_for(
        session, "session", _session_on(session, unit, official, date(2026, 2, d)).id).number
        for d in range(1, 12)]
    assert numbers[:3] == ["01-BB/ĐU", "02-BB/ĐU", "03-BB/ĐU"]
    assert numbers[8:] == ["09-BB/ĐU", "10-BB/ĐU", "11-BB/ĐU"]  # a leading zero below 10
    chairman = units.create_official(session, state_unit.id, units.OfficialInput("Vừ A Sùng"))
    other = reception.create_session(session, state_unit.id, SessionInput(
        date(2026, 2, 3), place="Trụ sở", presiding_official_id=chairman.id), today=TODAY)
    assert minutes_service.minutes_for(session, "session", other.id).number == "01/BB-UBND"
    # numbered in the year they are made: the next year starts again at 01
    next_year = utcnow().year + 1
    assert numbering.next_minutes_number(session, unit, next_year) == "01-BB/ĐU"


def test_notices_are_numbered_unless_a_number_is_given(session, unit, official):
    meeting = meetings.create_meeting(session, unit.id, MeetingInput(
        date(2026, 3, 10), chaired_by_id=official.id, place="Hội trường",
        content="Công tác tiếp công dân"), today=TODAY)
    first = meetings.issue_notice(session, NoticeInput("", date(2026, 3, 12), "Kết luận"),
                                  meeting_id=meeting.id, today=TODAY)
    typed = meetings.issue_notice(session, NoticeInput("02-TB/ĐU", date(2026, 3, 13),
                                                       "Kết luận"),
                                  meeting_id=meeting.id, today=TODAY)
    third = meetings.issue_notice(session, NoticeInput("  ", date(2026, 3, 14), "Kết luận"),
                                  meeting_id=meeting.id, today=TODAY)
    assert (first.number, typed.number, third.number) == ("01-TB/ĐU", "02-TB/ĐU", "03-TB/ĐU")
