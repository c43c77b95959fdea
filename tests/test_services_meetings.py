"""Working meetings and the concluding notices issued after meetings and sessions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from receptiondesk.model import ConcludingNotice, WorkingMeeting
from receptiondesk.services import meetings, reception
from receptiondesk.services.errors import LockedError, NotFoundError, ValidationError
from receptiondesk.services.meetings import MeetingFilter, MeetingInput, NoticeInput

TODAY = date(2026, 3, 20)


def counts(session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count(WorkingMeeting.id))),
        session.scalar(select(func.count(ConcludingNotice.id))),
    )


def refused(session, call, *args, **kwargs) -> ValidationError:
    before = counts(session)
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    assert not session.new
    assert counts(session) == before
    return info.value


@pytest.fixture
def meeting(session, unit, official):
    return meetings.create_meeting(
        session, unit.id,
        MeetingInput(date(2026, 3, 10), chaired_by_id=official.id, place="Hội trường Đảng ủy",
                     participants="Bí thư các chi bộ thôn Bản Phăng, Co Mỵ",
                     content="Công tác tiếp công dân và giải quyết đơn về đất đai quý I",
                     conclusions="Các chi bộ rà soát đơn tồn đọng", ref="LV-01"),
        today=TODAY,
    )


def test_meeting_takes_the_chairs_name(session, meeting, official):
    assert meeting.chaired_by_id == official.id
    assert meeting.chaired_by_name == "Lò Văn Khoa"
    assert meetings.get_meeting(session, meeting.id) is meeting


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"meeting_date": date(2026, 3, 21)}, "meeting_date"),
        ({"meeting_date": None}, "meeting_date"),
        ({"kind": "weekly"}, "kind"),
        ({"chaired_by_id": None}, "chaired_by_id"),
        ({"chaired_by_id": "f" * 32}, "chaired_by_id"),
        ({"content": " "}, "content"),
    ],
)
def test_meeting_validation_names_the_field_and_writes_nothing(
    session, unit, official, changes, field
):
    values = {"meeting_date": date(2026, 3, 10), "chaired_by_id": official.id,
              "content": "Tiếp dân"} | changes
    error = refused(session, meetings.create_meeting, session, unit.id, MeetingInput(**values),
                    today=TODAY)
    assert error.for_field(field), error.errors


def test_meeting_chaired_by_a_name_only(session, unit):
    m = meetings.create_meeting(
        session, unit.id,
        MeetingInput(date(2026, 1, 5), kind="unscheduled", chaired_by_name="Quàng Văn Hải",
                     content="Vụ việc đông người thôn Co Mỵ"),
        today=TODAY,
    )
    assert m.chaired_by_id is None and m.chaired_by_name == "Quàng Văn Hải"


def test_update_and_delete_meeting(session, meeting, official):
    meetings.update_meeting(
        session, meeting.id,
        MeetingInput(date(2026, 3, 11), chaired_by_id=official.id, content="Sửa nội dung"),
        today=TODAY,
    )
    session.expire_all()
    assert meeting.meeting_date == date(2026, 3, 11) and meeting.content == "Sửa nội dung"
    meetings.delete_meeting(session, meeting.id)
    with pytest.raises(NotFoundError):
        meetings.get_meeting(session, meeting.id)


def test_locked_meeting_refuses_changes(session, meeting, official):
    meeting.locked = True
    session.flush()
    with pytest.raises(LockedError, match="signed"):
        meetings.update_meeting(
            session, meeting.id,
            MeetingInput(date(2026, 3, 11), chaired_by_id=official.id, content="Sửa"),
            today=TODAY,
        )
    with pytest.raises(LockedError):
        meetings.delete_meeting(session, meeting.id)
    session.expire_all()
    assert meeting.content.startswith("Công tác tiếp công dân")


def test_issue_a_notice_after_the_meeting(session, meeting, official, unit):
    notice = meetings.issue_notice(
        session,
        NoticeInput(" 12-TB/ĐU ", date(2026, 3, 12), "Kết luận của đồng chí Bí thư",
                    signed_by_id=official.id),
        meeting_id=meeting.id, today=TODAY,
    )
    assert notice.number == "12-TB/ĐU" and notice.unit_id == unit.id
    assert notice.meeting_id == meeting.id and notice.session_id is None
    assert meetings.notices_of_meeting(session, meeting.id) == [notice]
    # a meeting with a notice cannot be deleted, nor moved after the notice
    with pytest.raises(ValidationError) as info:
        meetings.delete_meeting(session, meeting.id)
    assert info.value.for_field("notices")
    error = refused(
        session, meetings.update_meeting, session, meeting.id,
        MeetingInput(date(2026, 3, 13), chaired_by_id=official.id, content="Tiếp dân"),
        today=TODAY,
    )
    assert error.for_field("meeting_date")


def test_issue_a_notice_after_a_reception_session(session, unit, official):
    rs = reception.create_session(
        session, unit.id,
        reception.SessionInput(date(2026, 3, 2), presiding_official_id=official.id),
        today=TODAY,
    )
    notice = meetings.issue_notice(session, NoticeInput("15-TB/ĐU", date(2026, 3, 2), "Kết luận"),
                                   session_id=rs.id, today=TODAY)
    assert notice.session_id == rs.id and notice.meeting_id is None
    assert meetings.notices_of_session(session, rs.id) == [notice]
    with pytest.raises(ValidationError) as info:
        reception.delete_session(session, rs.id)
    assert info.value.for_field("notices")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": "12-TB/ĐU"}, "number"),  # already used in the unit
        ({"issued_on": date(2026, 3, 9)}, "issued_on"),  # before the meeting
        ({"issued_on": date(2026, 3, 21)}, "issued_on"),  # in the future
        ({"content": ""}, "content"),
        ({"signed_by_id": "f" * 32}, "signed_by_id"),
    ],
)
def test_notice_validation(session, meeting, changes, field):
    meetings.issue_notice(session, NoticeInput("12-TB/ĐU", date(2026, 3, 12), "Kết luận"),
                          meeting_id=meeting.id, today=TODAY)
    values = {"number": "13-TB/ĐU", "issued_on": date(2026, 3, 12), "content": "Kết luận"}
    error = refused(session, meetings.issue_notice, session, NoticeInput(**(values | changes)),
                    meeting_id=meeting.id, today=TODAY)
    assert error.for_field(field), error.errors


def test_notice_follows_exactly_one_meeting_or_session(session, meeting, unit, official):
    rs = reception.create_session(
        session, unit.id,
        reception.SessionInput(date(2026, 3, 2), presiding_official_id=official.id),
        today=TODAY,
    )
    data = NoticeInput("1-TB", date(2026, 3, 12), "Kết luận")
    assert refused(session, meetings.issue_notice, session, data, today=TODAY).for_field(
        "meeting_id")
    assert refused(session, meetings.issue_notice, session, data, meeting_id=meeting.id,
                   session_id=rs.id, today=TODAY).for_field("meeting_id")
    with pytest.raises(NotFoundError):
        meetings.issue_notice(session, data, meeting_id="f" * 32, today=TODAY)


def test_list_notices_by_period(session, meeting):
    for number, day in [("1-TB", date(2026, 3, 10)), ("2-TB", date(2026, 3, 15)),
                        ("3-TB", date(2026, 3, 19))]:
        meetings.issue_notice(session, NoticeInput(number, day, "Kết luận"),
                              meeting_id=meeting.id, today=TODAY)
    assert [n.number for n in meetings.list_notices(session)] == ["3-TB", "2-TB", "1-TB"]
    march_mid = meetings.list_notices(session, date_from=date(2026, 3, 11),
                                      date_to=date(2026, 3, 18))
    assert [n.number for n in march_mid] == ["2-TB"]
    assert meetings.list_notices(session, unit_ids=["x" * 32]) == []


def test_meeting_list_filters_search_and_paging(session, unit, official):
    topics = [
        (date(2026, 1, 8), "regular", "Giải quyết đơn thư về đất đai thôn Bản Phăng"),
        (date(2026, 1, 22), "unscheduled", "Vụ việc đông người về bồi thường"),
        (date(2026, 2, 5), "regular", "Công tác tiếp công dân tháng 2"),
        (date(2026, 2, 26), "regular", "Rà soát ĐẤT ĐAI tồn đọng"),
        (date(2026, 3, 12), "unscheduled", "Môi trường trang trại chăn nuôi"),
    ]
    for day, kind, content in topics:
        meetings.create_meeting(session, unit.id,
                                MeetingInput(day, kind=kind, chaired_by_id=official.id,
                                             content=content),
                                today=TODAY)
    listed = meetings.list_meetings(session, MeetingFilter())
    assert [m.meeting_date for m in listed] == sorted((d for d, _k, _c in topics), reverse=True)
    assert meetings.count_meetings(session, MeetingFilter()) == 5
    assert meetings.count_meetings(session, MeetingFilter(kinds=["unscheduled"])) == 2
    feb = MeetingFilter(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
    assert meetings.count_meetings(session, feb) == 2
    # unaccented, any case, every word must appear
    found = meetings.list_meetings(session, MeetingFilter(query="dat dai"))
    assert [m.meeting_date for m in found] == [date(2026, 2, 26), date(2026, 1, 8)]
    assert meetings.count_meetings(session, MeetingFilter(query="đất đai bản phăng")) == 1
    assert meetings.count_meetings(session, MeetingFilter(query="lo van khoa")) == 5
    assert meetings.count_meetings(session, MeetingFilter(query="100%_")) == 0
    assert meetings.count_meetings(session, MeetingFilter(query="dat dai", kinds=["regular"],
                                                          date_from=date(2026, 2, 1))) == 1
    pages = [meetings.list_meetings(session, MeetingFilter(), offset=o, limit=2)
             for o in (0, 2, 4)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [m.id for p in pages for m in p] == [m.id for m in listed]
