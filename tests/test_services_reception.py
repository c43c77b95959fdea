"""Reception sessions and visits as the clerk keeps them: the log book, delegations,
petitions registered from a visit, locks from signed minutes, lists and search."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from receptiondesk.model import (
    Citizen,
    Petition,
    Petitioner,
    PetitionEvent,
    ReceptionSession,
    Visit,
    VisitAttendee,
)
from receptiondesk.services import citizens, reception
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.errors import LockedError, NotFoundError, ValidationError
from receptiondesk.services.reception import SessionInput, VisitInput

TODAY = date(2026, 3, 20)
MODELS = (ReceptionSession, Visit, VisitAttendee, Citizen, Petition, Petitioner, PetitionEvent)


def counts(session) -> dict[str, int]:
    return {
        m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in MODELS
    }


def refused(session, call, *args, **kwargs) -> ValidationError:
    """Run a call that must be refused; check it wrote nothing and return the error."""
    before = counts(session)
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    assert not session.new
    assert counts(session) == before
    return info.value


@pytest.fixture
def citizen(session, unit):
    return citizens.create_citizen(
        session, unit.id,
        CitizenInput("Nguyễn Văn An", 1968, "male", "011068001234", "Thôn Bản Phăng"),
        today=TODAY,
    )


@pytest.fixture
def neighbour(session, unit):
    return citizens.create_citizen(
        session, unit.id, CitizenInput("Lò Thị Mai", 1975, "female", None, "Thôn Bản Phăng"),
        today=TODAY,
    )


@pytest.fixture
def rsession(session, unit, official, clerk):
    return reception.create_session(
        session, unit.id,
        SessionInput(date(2026, 3, 2), place="Trụ sở Đảng ủy", start_time=time(8),
                     end_time=time(11), presiding_official_id=official.id,
                     recorder_official_id=clerk.id, ref="TCD-03/2026"),
        today=TODAY,
    )


# --- sessions ------------------------------------------------------------------


def test_session_takes_the_presiding_officials_name(session, rsession, official):
    assert rsession.presiding_name == "Lò Văn Khoa"
    assert rsession.presiding_official_id == official.id
    assert rsession.kind == "regular" and rsession.mode == "in_person"
    assert reception.get_session(session, rsession.id) is rsession


def test_session_presided_by_a_name_only(session, unit):
    # Imported log books name officials who are not in the database.
    s = reception.create_session(
        session, unit.id,
        SessionInput(date(2026, 1, 5), kind="unscheduled", presiding_name="  Quàng  Văn Hải "),
        today=TODAY,
    )
    assert s.presiding_official_id is None
    assert s.presiding_name == "Quàng Văn Hải"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"session_date": date(2026, 3, 21)}, "session_date"),
        ({"session_date": None}, "session_date"),
        ({"kind": "weekly"}, "kind"),
        ({"mode": "telepathy"}, "mode"),
        ({"start_time": time(14), "end_time": time(9)}, "end_time"),
        ({"presiding_official_id": None}, "presiding_official_id"),
        ({"presiding_official_id": "f" * 32}, "presiding_official_id"),
        ({"recorder_official_id": "f" * 32}, "recorder_official_id"),
    ],
)
def test_session_validation_names_the_field_and_writes_nothing(
    session, unit, official, changes, field
):
    values = {"session_date": date(2026, 3, 2), "presiding_official_id": official.id} | changes
    error = refused(session, reception.create_session, session, unit.id,
                    SessionInput(**values), today=TODAY)
    assert error.for_field(field), error.errors


def test_every_session_error_is_reported_at_once(session, unit):
    error = refused(
        session, reception.create_session, session, unit.id,
        SessionInput(date(2027, 1, 1), kind="x", mode="y"), today=TODAY,
    )
    assert {e.field for e in error.errors} == {
        "session_date", "kind", "mode", "presiding_official_id"}
    assert error.for_field("session_date") == "Session date cannot be in the future."


def test_changing_the_session_date_moves_its_visits(session, rsession, citizen, neighbour):
    a = reception.add_visit(session, rsession.id, VisitInput("Đất", citizen_id=citizen.id),
                            today=TODAY)
    b = reception.add_visit(session, rsession.id, VisitInput("Nhà", citizen_id=neighbour.id),
                            today=TODAY)
    assert a.visit_date == b.visit_date == date(2026, 3, 2)
    reception.update_session(
        session, rsession.id,
        SessionInput(date(2026, 3, 3), presiding_official_id=rsession.presiding_official_id),
        today=TODAY,
    )
    session.expire_all()
    assert {v.visit_date for v in session.scalars(select(Visit))} == {date(2026, 3, 3)}


def test_locked_session_refuses_changes(session, rsession, citizen):
    visit = reception.add_visit(session, rsession.id, VisitInput("Đất", citizen_id=citizen.id),
                                today=TODAY)
    rsession.locked = True  # its minutes were signed
    session.flush()
    data = SessionInput(date(2026, 3, 1), presiding_name="Someone else")
    with pytest.raises(LockedError, match="signed"):
        reception.update_session(session, rsession.id, data, today=TODAY)
    with pytest.raises(LockedError):
        reception.add_visit(session, rsession.id, VisitInput("Khác", citizen_id=citizen.id),
                            today=TODAY)
    with pytest.raises(LockedError):
        reception.update_visit(session, visit.id, VisitInput("Sửa", citizen_id=citizen.id),
                               today=TODAY)
    with pytest.raises(LockedError):
        reception.delete_visit(session, visit.id)
    with pytest.raises(LockedError):
        reception.delete_session(session, rsession.id)
    session.expire_all()
    assert rsession.session_date == date(2026, 3, 2)
    assert rsession.presiding_name == "Lò Văn Khoa"
    assert visit.content == "Đất"
    assert session.scalar(select(func.count(Visit.id))) == 1


def test_locked_visit_refuses_changes_and_keeps_its_date(session, rsession, citizen):
    visit = reception.add_visit(session, rsession.id, VisitInput("Đất", citizen_id=citizen.id),
                                today=TODAY)
    visit.locked = True
    session.flush()
    with pytest.raises(LockedError, match="visit"):
        reception.update_visit(session, visit.id, VisitInput("Sửa", citizen_id=citizen.id),
                               today=TODAY)
    with pytest.raises(LockedError):
        reception.delete_visit(session, visit.id)
    with pytest.raises(LockedError):
        reception.update_session(
            session, rsession.id,
            SessionInput(date(2026, 3, 3), presiding_official_id=rsession.presiding_official_id),
            today=TODAY,
        )
    session.expire_all()
    assert visit.content == "Đất" and visit.visit_date == date(2026, 3, 2)
    assert rsession.session_date == date(2026, 3, 2)


def test_delete_session_only_when_empty(session, rsession, citizen):
    visit = reception.add_visit(session, rsession.id, VisitInput("Đất", citizen_id=citizen.id),
                                today=TODAY)
    with pytest.raises(ValidationError) as info:
        reception.delete_session(session, rsession.id)
    assert info.value.for_field("visits")
    reception.delete_visit(session, visit.id)
    reception.delete_session(session, rsession.id)
    with pytest.raises(NotFoundError):
        reception.get_session(session, rsession.id)
    assert session.scalar(select(func.count(VisitAttendee.id))) == 0
    # the citizen stays in the directory
    assert citizens.get_citizen(session, citizen.id).full_name == "Nguyễn Văn An"


# --- visits --------------------------------------------------------------------


def test_visits_are_numbered_and_list_the_main_citizen_first(
    session, rsession, citizen, neighbour
):
    first = reception.add_visit(
        session, rsession.id,
        VisitInput("Đề nghị cấp giấy chứng nhận quyền sử dụng đất", citizen_id=citizen.id,
                   attendee_ids=[neighbour.id, citizen.id], head_count=2, field_code="land",
                   petition_type="recommendation", handling="guide",
                   previously_handled_by="UBND xã", direction="Hướng dẫn nộp hồ sơ"),
        today=TODAY,
    )
    second = reception.add_visit(session, rsession.id,
                                 VisitInput("Chế độ chính sách", citizen_id=neighbour.id),
                                 today=TODAY)
    assert (first.seq, second.seq) == (1, 2)
    assert first.visit_date == date(2026, 3, 2)
    assert [a.citizen.full_name for a in first.attendees] == ["Nguyễn Văn An", "Lò Thị Mai"]
    assert [a.seq for a in first.attendees] == [1, 2]
    assert not first.is_delegation and first.field_code == "land"
    assert [v.id for v in reception.get_session(session, rsession.id).visits] == [
        first.id, second.id]


def test_the_visits_of_a_session_list_in_number_order(session, rsession, citizen):
    """Rows typed in another order than their numbers (an import, a correction) still list
    1, 2, 3 in the session, and 3, 2, 1 newest first."""
    from datetime import datetime

    visits = [reception.add_visit(session, rsession.id, VisitInput(f"Việc {n}",
                                  citizen_id=citizen.id), today=TODAY) for n in (1, 2, 3)]
    for visit, hour in zip(visits, (11, 9, 8), strict=True):  # number 3 typed first
        visit.created_at = datetime(2026, 3, 2, hour)
    session.flush()
    one = reception.VisitFilter(session_id=rsession.id)
    assert [v.seq for v in reception.list_visits(session, one, descending=False)] == [1, 2, 3]
    assert [v.seq for v in reception.list_visits(session, one)] == [3, 2, 1]


def test_visit_with_a_new_citizen_creates_the_citizen(session, rsession, unit):
    visit = reception.add_visit(
        session, rsession.id,
        VisitInput("Khiếu nại về bồi thường",
                   new_citizen=CitizenInput("Quàng Thị Lan", 1980, "female", "011180004321",
                                            "Thôn Co Mỵ")),
        today=TODAY,
    )
    lan = session.scalar(select(Citizen).where(Citizen.id_number == "011180004321"))
    assert lan is not None and lan.unit_id == unit.id and lan.full_name == "Quàng Thị Lan"
    assert visit.citizen_id == lan.id
    assert [a.citizen_id for a in visit.attendees] == [lan.id]
    assert citizens.find_citizens(session, "quang thi lan") == [lan]


def test_a_bad_new_citizen_writes_neither_citizen_nor_visit(session, rsession):
    error = refused(
        session, reception.add_visit, session, rsession.id,
        VisitInput("Khiếu nại", new_citizen=CitizenInput("Quàng Thị Lan", 1780, None,
                                                         "0111800043")),
        today=TODAY,
    )
    assert {e.field for e in error.errors} == {"new_citizen.id_number", "new_citizen.birth_year"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"content": "   "}, "content"),
        ({"citizen_id": None}, "citizen_id"),
        ({"new_citizen": CitizenInput("Lò Văn Tiến")}, "citizen_id"),  # both given
        ({"citizen_id": "f" * 32}, "citizen_id"),
        ({"head_count": 0}, "head_count"),
        ({"head_count": 6}, "representatives"),  # a delegation names its representatives
        ({"field_code": "astrology"}, "field_code"),
        ({"petition_type": "praise"}, "petition_type"),
        ({"handling": "ignore"}, "handling"),
        ({"handling": ""}, "handling"),
        ({"attendee_ids": ["f" * 32]}, "attendee_ids.0"),
    ],
)
def test_visit_validation_names_the_field_and_writes_nothing(
    session, rsession, citizen, changes, field
):
    values = {"content": "Tranh chấp đất", "citizen_id": citizen.id} | changes
    error = refused(session, reception.add_visit, session, rsession.id, VisitInput(**values),
                    today=TODAY)
    assert error.for_field(field), error.errors


def test_a_refused_update_keeps_the_visit(session, rsession, citizen):
    visit = reception.add_visit(session, rsession.id,
                                VisitInput("Đất", citizen_id=citizen.id, field_code="land"),
                                today=TODAY)
    refused(session, reception.update_visit, session, visit.id,
            VisitInput("", citizen_id=citizen.id, field_code="nope"), today=TODAY)
    session.expire_all()
    assert visit.content == "Đất" and visit.field_code == "land"
    assert len(visit.attendees) == 1


def test_update_visit_replaces_its_attendees(session, rsession, citizen, neighbour):
    visit = reception.add_visit(session, rsession.id, VisitInput("Đất", citizen_id=citizen.id),
                                today=TODAY)
    reception.update_visit(
        session, visit.id,
        VisitInput("Đất đai, lối đi chung", citizen_id=neighbour.id, attendee_ids=[citizen.id],
                   head_count=2, handling="accept"),
        today=TODAY,
    )
    session.expire_all()
    visit = reception.get_visit(session, visit.id)
    assert visit.citizen_id == neighbour.id and visit.handling == "accept"
    assert [a.citizen_id for a in visit.attendees] == [neighbour.id, citizen.id]
    assert session.scalar(select(func.count(VisitAttendee.id))) == 2


def test_a_delegation_of_seven_with_representatives(session, rsession):
    visit = reception.add_visit(
        session, rsession.id,
        VisitInput("Đề nghị bồi thường khi thu hồi đất làm đường", head_count=7,
                   representatives="Lò Văn Tiến\nQuàng Văn Hải", field_code="compensation",
                   petition_type="complaint"),
        today=TODAY,
    )
    assert visit.is_delegation and visit.head_count == 7
    assert visit.citizen_id is None and visit.attendees == []
    assert reception.count_visits(session, reception.VisitFilter(delegations_only=True)) == 1
    found = reception.list_visits(session, reception.VisitFilter(query="quang van hai"))
    assert [v.id for v in found] == [visit.id]


def test_four_people_are_not_a_delegation_five_are(session, rsession, citizen):
    four = reception.add_visit(session, rsession.id,
                               VisitInput("Đất", citizen_id=citizen.id, head_count=4),
                               today=TODAY)
    five = reception.add_visit(
        session, rsession.id,
        VisitInput("Đất", citizen_id=citizen.id, head_count=5, representatives="Nguyễn Văn An"),
        today=TODAY,
    )
    assert not four.is_delegation
    assert five.is_delegation
    assert all(a.is_representative for a in five.attendees)


def test_delete_visit_keeps_the_others_and_their_numbers(session, rsession, citizen):
    a, b, c = (
        reception.add_visit(session, rsession.id, VisitInput(t, citizen_id=citizen.id),
                            today=TODAY)
        for t in ("một", "hai", "ba")
    )
    reception.delete_visit(session, b.id)
    with pytest.raises(NotFoundError):
        reception.get_visit(session, b.id)
    assert [v.seq for v in reception.get_session(session, rsession.id).visits] == [1, 3]
    d = reception.add_visit(session, rsession.id, VisitInput("bốn", citizen_id=citizen.id),
                            today=TODAY)
    assert d.seq == 4
    # two more deleted in the same unit of work
    reception.delete_visit(session, a.id)
    reception.delete_visit(session, d.id)
    assert [v.content for v in reception.get_session(session, rsession.id).visits] == ["ba"]


# --- petitions from visits ----------------------------------------------------------


def test_register_petition_from_visit(session, rsession, citizen, neighbour, clerk):
    visit = reception.add_visit(
        session, rsession.id,
        VisitInput("Khiếu nại quyết định thu hồi đất", citizen_id=citizen.id,
                   attendee_ids=[neighbour.id], head_count=2, field_code="land",
                   petition_type="complaint", handling="accept"),
        today=TODAY,
    )
    petition = reception.register_petition_from_visit(session, visit.id, official_id=clerk.id,
                                                      today=TODAY)
    assert petition.status == "received"
    assert petition.received_date == date(2026, 3, 2)
    assert petition.petition_type == "complaint" and petition.field_code == "land"
    assert petition.content == visit.content and petition.visit_id == visit.id
    assert petition.source_code == "reception" and petition.signers == 2
    assert [(p.full_name, p.id_number, p.citizen_id) for p in petition.petitioners] == [
        ("Nguyễn Văn An", "011068001234", citizen.id),
        ("Lò Thị Mai", None, neighbour.id),
    ]
    # deadlines run from the day of the visit: accept a complaint within 10 days
    assert petition.next_due_date == date(2026, 3, 12)
    assert petition.next_due_key == "complaint_accept"
    events = session.scalars(select(PetitionEvent)).all()
    assert [(e.to_status, e.event_date, e.official_id) for e in events] == [
        ("received", date(2026, 3, 2), clerk.id)]
    # a second registration of the same visit is refused
    again = refused(session, reception.register_petition_from_visit, session, visit.id,
                    today=TODAY)
    assert again.for_field("visit_id")


def test_register_petition_from_a_delegation(session, rsession):
    visit = reception.add_visit(
        session, rsession.id,
        VisitInput("Đề nghị bồi thường", head_count=7,
                   representatives="Lò Văn Tiến; Quàng Văn Hải", field_code="compensation"),
        today=TODAY,
    )
    petition = reception.register_petition_from_visit(session, visit.id, "recommendation",
                                                      today=TODAY)
    assert petition.is_delegation and petition.signers == 7 and petition.many_signers
    assert [p.full_name for p in petition.petitioners] == ["Lò Văn Tiến", "Quàng Văn Hải"]
    assert petition.next_due_date is not None


def test_register_petition_needs_a_type(session, rsession, citizen):
    visit = reception.add_visit(session, rsession.id, VisitInput("Đất", citizen_id=citizen.id),
                                today=TODAY)
    error = refused(session, reception.register_petition_from_visit, session, visit.id,
                    today=TODAY)
    assert error.for_field("petition_type")
    # and the visit cannot be deleted once a petition was registered from it
    reception.register_petition_from_visit(session, visit.id, "reflection", today=TODAY)
    with pytest.raises(ValidationError) as info:
        reception.delete_visit(session, visit.id)
    assert info.value.for_field("petitions")


# --- lists and search ---------------------------------------------------------------


@pytest.fixture
def log_book(session, unit, official, clerk):
    """Four sessions over two months, nine visits."""
    people = [
        citizens.create_citizen(session, unit.id, CitizenInput(n, address=a), today=TODAY)
        for n, a in [("Nguyễn Văn An", "Thôn 1"), ("Trần Thị Bình", "Thôn 2"),
                     ("Lê Văn Cường", "Thôn 3")]
    ]
    plan = [
        (date(2026, 1, 15), "regular", official.id, [("land", "accept"), ("housing", "none")]),
        (date(2026, 2, 2), "unscheduled", official.id,
         [("land", "guide"), ("land", "none"), ("social_policy", "forward")]),
        (date(2026, 2, 16), "regular", None, [("environment", "none")]),
        (date(2026, 3, 2), "dialogue", official.id,
         [("compensation", "accept"), ("land", "none"), ("other", "guide")]),
    ]
    sessions = []
    n = 0
    for day, kind, presiding, visits in plan:
        s = reception.create_session(
            session, unit.id,
            SessionInput(day, kind=kind, presiding_official_id=presiding,
                         presiding_name="" if presiding else "Quàng Văn Hải"),
            today=TODAY,
        )
        for field_code, handling in visits:
            person = people[n % 3]
            n += 1
            reception.add_visit(
                session, s.id,
                VisitInput(f"Nội dung số {n}", citizen_id=person.id, field_code=field_code,
                           handling=handling),
                today=TODAY,
            )
        sessions.append(s)
    return sessions, people


def test_session_list_newest_first_with_filters_and_paging(session, unit, official, log_book):
    sessions, _people = log_book
    listed = reception.list_sessions(session, reception.SessionFilter())
    assert [s.session_date for s in listed] == [
        date(2026, 3, 2), date(2026, 2, 16), date(2026, 2, 2), date(2026, 1, 15)]
    assert reception.count_sessions(session, reception.SessionFilter()) == 4
    regular = reception.SessionFilter(kinds=["regular"])
    assert reception.count_sessions(session, regular) == 2
    february = reception.SessionFilter(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
    assert [s.kind for s in reception.list_sessions(session, february)] == [
        "regular", "unscheduled"]
    presided = reception.SessionFilter(presiding_official_id=official.id)
    assert reception.count_sessions(session, presided) == 3
    assert reception.count_sessions(session, reception.SessionFilter(unit_ids=["x" * 32])) == 0
    pages = [reception.list_sessions(session, reception.SessionFilter(), offset=o, limit=3)
             for o in (0, 3)]
    assert [len(p) for p in pages] == [3, 1]
    assert [s.id for s in pages[0] + pages[1]] == [s.id for s in listed]
    counts_ = reception.visit_counts(session, [s.id for s in sessions])
    assert [counts_[s.id] for s in sessions] == [(2, 2), (3, 3), (1, 1), (3, 3)]


def test_session_search_by_presiding_name_or_by_visitor(session, log_book):
    sessions, _people = log_book
    by_name = reception.list_sessions(session, reception.SessionFilter(query="quang van hai"))
    assert [s.id for s in by_name] == [sessions[2].id]
    # Trần Thị Bình came to the first, second and fourth sessions
    by_visitor = reception.SessionFilter(query="tran thi binh")
    assert reception.count_sessions(session, by_visitor) == 3


def test_visit_list_filters_and_paging(session, official, log_book):
    sessions, _people = log_book
    everything = reception.list_visits(session, reception.VisitFilter())
    assert len(everything) == reception.count_visits(session, reception.VisitFilter()) == 9
    dates = [v.visit_date for v in everything]
    assert dates == sorted(dates, reverse=True)
    assert everything[0].session.session_date == date(2026, 3, 2)
    assert everything[0].citizen is not None

    def count(**kw) -> int:
        return reception.count_visits(session, reception.VisitFilter(**kw))

    assert count(fields=["land"]) == 4
    assert count(handlings=["accept", "guide"]) == 4
    assert count(kinds=["regular"]) == 3
    assert count(kinds=["dialogue"], fields=["land"]) == 1
    assert count(presiding_official_id=official.id) == 8
    assert count(session_id=sessions[1].id) == 3
    assert count(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)) == 4
    assert count(delegations_only=True) == 0

    seen = []
    for offset in range(0, 9, 4):
        page = reception.list_visits(session, reception.VisitFilter(), offset=offset, limit=4)
        assert len(page) == min(4, 9 - offset)
        seen += [v.id for v in page]
    assert seen == [v.id for v in everything]
    in_order = reception.list_visits(session, reception.VisitFilter(session_id=sessions[1].id),
                                     descending=False)
    assert [v.seq for v in in_order] == [1, 2, 3]


def test_search_by_unaccented_name(session, log_book):
    _sessions, (an, _binh, _cuong) = log_book
    found = reception.list_visits(session, reception.VisitFilter(query="nguyen van an"))
    assert found and {v.citizen_id for v in found} == {an.id}
    assert reception.count_visits(session, reception.VisitFilter(query="NGUYEN van")) == len(found)
    assert reception.count_visits(session, reception.VisitFilter(query="nguyen van an",
                                                                 fields=["land"])) == 2
    assert reception.count_visits(session, reception.VisitFilter(query="Phạm Văn Xa")) == 0
    by_content = reception.list_visits(session, reception.VisitFilter(query="noi dung so 7"))
    assert [v.content for v in by_content] == ["Nội dung số 7"]


def test_renaming_a_citizen_updates_the_search(session, rsession, citizen):
    visit = reception.add_visit(session, rsession.id, VisitInput("Đất", citizen_id=citizen.id),
                                today=TODAY)
    citizens.update_citizen(session, citizen.id,
                            CitizenInput("Nguyễn Văn Ân", 1968, "male", "011068001234"),
                            today=TODAY)
    found = reception.list_visits(session, reception.VisitFilter(query="nguyen van an"))
    assert [v.id for v in found] == [visit.id]
    assert visit.search_text.startswith("nguyen van an")


def test_a_denouncers_name_is_not_searchable(session, rsession, citizen):
    reception.add_visit(
        session, rsession.id,
        VisitInput("Tố cáo cán bộ địa chính nhận tiền", citizen_id=citizen.id,
                   petition_type="denunciation"),
        today=TODAY,
    )
    assert reception.count_visits(session, reception.VisitFilter(query="nguyen van an")) == 0
    assert reception.count_visits(session, reception.VisitFilter(query="can bo dia chinh")) == 1


def test_citizen_history(session, rsession, citizen, neighbour):
    own = reception.add_visit(session, rsession.id,
                              VisitInput("Đất", citizen_id=citizen.id, petition_type="complaint"),
                              today=TODAY)
    along = reception.add_visit(
        session, rsession.id,
        VisitInput("Lối đi chung", citizen_id=neighbour.id, attendee_ids=[citizen.id],
                   head_count=2),
        today=TODAY,
    )
    reception.add_visit(session, rsession.id, VisitInput("Khác", citizen_id=neighbour.id),
                        today=TODAY)
    petition = reception.register_petition_from_visit(session, own.id, today=TODAY)
    visits, petitions = reception.citizen_history(session, citizen.id)
    assert {v.id for v in visits} == {own.id, along.id}
    assert [p.id for p in petitions] == [petition.id]
    visits, petitions = reception.citizen_history(session, neighbour.id)
    assert len(visits) == 2 and petitions == []
