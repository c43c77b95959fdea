"""Bounded input (issue 16, item 3): every text a form takes has a length limit, and a
longer text is refused with a message naming the field and the limit, writing nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from receptiondesk.model import Inspection, Petition, Visit, WorkingMeeting
from receptiondesk.services import inspections, meetings, petitions, reception
from receptiondesk.services.errors import ValidationError
from receptiondesk.services.validation import (
    ADDRESS_LENGTH,
    NOTE_LENGTH,
    TEXT_LENGTH,
)

TODAY = date.today()
DAY = TODAY - timedelta(days=3)


def _refused(call, field: str, limit: int) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    messages = {e.field: e.message for e in caught.value.errors}
    assert field in messages, messages
    assert "{:,}".format(limit) in messages[field] and "too long" in messages[field]
    return messages[field]


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_petition_longer_than_a_spreadsheet_cell_is_refused_by_field(session, unit):
    def register(**changes):
        values = dict(received_date=DAY, petition_type="complaint",
                      content="Khiếu nại việc thu hồi đất", field_code="land",
                      petitioners=[petitions.PetitionerInput("Nguyễn Văn An")]) | changes
        return petitions.register_petition(session, unit.id, petitions.PetitionInput(**values),
                                           today=TODAY)

    message = _refused(lambda: register(content="x" * (TEXT_LENGTH + 1)), "content", TEXT_LENGTH)
    assert message.startswith("Content")
    _refused(lambda: register(petitioners=[petitions.PetitionerInput(
        "Nguyễn Văn An", address="a" * (ADDRESS_LENGTH + 1))]), "petitioners.0.address",
        ADDRESS_LENGTH)
    _refused(lambda: register(petitioners=[petitions.PetitionerInput("N" * 121)]),
             "petitioners.0.full_name", 120)
    assert _count(session, Petition) == 0
    p = register(content="x" * TEXT_LENGTH)  # exactly the limit is kept
    _refused(lambda: petitions.add_note(session, p.id, DAY, "n" * (NOTE_LENGTH + 1),
                                        today=TODAY), "note", NOTE_LENGTH)


def test_visit_meeting_and_inspection_texts_are_bounded(session, unit, official):
    rs = reception.create_session(session, unit.id, reception.SessionInput(
        session_date=DAY, presiding_official_id=official.id), today=TODAY)
    _refused(lambda: reception.add_visit(session, rs.id, reception.VisitInput(
        content="Đề nghị", head_count=6, representatives="r",
        notes="n" * (NOTE_LENGTH + 1)), today=TODAY), "notes", NOTE_LENGTH)
    assert _count(session, Visit) == 0
    _refused(lambda: meetings.create_meeting(session, unit.id, meetings.MeetingInput(
        meeting_date=DAY, chaired_by_id=official.id, content="Họp",
        conclusions="c" * (TEXT_LENGTH + 1)), today=TODAY), "conclusions", TEXT_LENGTH)
    assert _count(session, WorkingMeeting) == 0
    _refused(lambda: inspections.create_inspection(session, unit.id, inspections.InspectionInput(
        inspection_date=DAY, organisations="Chi bộ thôn Bản Phăng", content="Kiểm tra",
        findings="f" * (TEXT_LENGTH + 1)), today=TODAY), "findings", TEXT_LENGTH)
    assert _count(session, Inspection) == 0


def test_the_limit_is_written_in_the_users_language(session, unit):
    from receptiondesk.i18n import set_language

    set_language("vi")
    try:
        with pytest.raises(ValidationError) as caught:
            petitions.register_petition(session, unit.id, petitions.PetitionInput(
                received_date=DAY, petition_type="complaint", content="x" * (TEXT_LENGTH + 1),
                petitioners=[petitions.PetitionerInput("Nguyễn Văn An")]), today=TODAY)
    finally:
        set_language("en")
    message = caught.value.errors[0].message
    assert "32.767" in message and "Nội dung" in message
