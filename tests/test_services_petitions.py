"""Petitions through their lifecycle, with the deadlines the law sets, on real dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from receptiondesk.model import DeadlineExtension, Petition, Petitioner, PetitionEvent
from receptiondesk.model.codes import Status
from receptiondesk.rules.lifecycle import ACTIONS
from receptiondesk.services import petitions, units
from receptiondesk.services.errors import LockedError, TransitionError, ValidationError
from receptiondesk.services.petitions import Classification, PetitionerInput, PetitionInput

TODAY = date(2026, 6, 30)
RECEIVED = date(2026, 3, 2)  # a Monday


def counts(session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(m))
        for m in (Petition, Petitioner, PetitionEvent, DeadlineExtension)
    )


def register(session, unit, official=None, **changes) -> Petition:
    values = dict(
        received_date=RECEIVED,
        petition_type="complaint",
        content="Khiếu nại quyết định thu hồi đất của UBND xã",
        field_code="land",
        petitioners=[PetitionerInput("Nguyễn Văn An", "011068001234", "Thôn Bản Phăng")],
    ) | changes
    return petitions.register_petition(
        session, unit.id, PetitionInput(**values),
        official_id=official.id if official else None, today=TODAY,
    )


@pytest.fixture
def state(session, unit):
    """The commune's People's Committee: it accepts and resolves complaints (a Party
    committee does not: ``rules.competence``)."""
    from receptiondesk.services import units

    return units.create_unit(session, units.UnitInput(
        code="UB-MP", name="Ủy ban nhân dân xã Mường Phăng", level="commune", kind="state",
        place_name="Mường Phăng"))


def ok(**kw) -> Classification:
    return Classification(eligible=True, within_competence=True, **kw)


def test_a_complaint_through_its_whole_lifecycle(session, unit, state, official, clerk):
    p = register(session, state, clerk)
    assert p.status == "received"
    # Process within 10 working days (16/03), but the complaint must be accepted within
    # 10 days: 12/03 comes first.
    assert (p.next_due_date, p.next_due_key) == (date(2026, 3, 12), "complaint_accept")
    due = {d.key: d.due for d in petitions.deadlines(session, p.id)}
    assert due == {"petition_process": date(2026, 3, 16),
                   "complaint_accept": date(2026, 3, 12)}
    # at the Party committee the head also answers within 10 working days (16/03)
    q = register(session, unit, clerk)
    assert {d.key: d.due for d in petitions.deadlines(session, q.id)} == {
        **due, "party_head_answer": date(2026, 3, 16)}

    petitions.classify(session, p.id, ok(), date(2026, 3, 4), clerk.id, today=TODAY)
    assert p.status == "classified" and p.next_due_date == date(2026, 3, 12)

    petitions.decide_handling(session, p.id, "accept", date(2026, 3, 9), official.id,
                              today=TODAY)
    assert p.status == "accepted" and p.accepted_date == date(2026, 3, 9)
    assert p.assigned_official_id == official.id
    # resolve a first-level complaint within 30 days of acceptance
    assert (p.next_due_date, p.next_due_key) == (date(2026, 4, 8), "complaint_resolve_first")

    petitions.start_resolution(session, p.id, date(2026, 3, 10), official.id, today=TODAY)
    assert p.status == "in_resolution" and p.next_due_date == date(2026, 4, 8)

    petitions.record_result(session, p.id, "partly_correct", date(2026, 4, 6),
                            decision_number="25/QĐ-UBND", decision_date=date(2026, 4, 6),
                            official_id=official.id, today=TODAY)
    assert p.status == "resolved" and p.result == "partly_correct"
    assert p.next_due_date is None and p.next_due_key is None

    petitions.close_petition(session, p.id, date(2026, 4, 10), clerk.id, today=TODAY)
    assert p.status == "closed" and p.closed_date == date(2026, 4, 10)
    assert p.next_due_date is None

    history = petitions.events(session, p.id)
    assert [(e.seq, e.from_status, e.to_status, e.event_date) for e in history] == [
        (1, None, "received", date(2026, 3, 2)),
        (2, "received", "classified", date(2026, 3, 4)),
        (3, "classified", "accepted", date(2026, 3, 9)),
        (4, "accepted", "in_resolution", date(2026, 3, 10)),
        (5, "in_resolution", "resolved", date(2026, 4, 6)),
        (6, "resolved", "closed", date(2026, 4, 10)),
    ]
    assert [e.official_id for e in history] == [
        clerk.id, clerk.id, official.id, official.id, official.id, clerk.id]
    assert petitions.allowed_actions(p) == []
    with pytest.raises(LockedError):
        petitions.update_petition(session, p.id, PetitionInput(RECEIVED, "complaint", "Sửa",
                                                               anonymous=True), today=TODAY)


# --- every illegal step is refused ------------------------------------------------------

# The steps that bring a new petition to each status.
PATHS: dict[str, list[tuple[str, dict]]] = {
    "received": [],
    "classified": [("classify", {})],
    "accepted": [("classify", {}), ("accept", {})],
    "in_resolution": [("classify", {}), ("accept", {}), ("start", {})],
    "resolved": [("classify", {}), ("accept", {}), ("start", {}), ("resolve", {})],
    "guided": [("classify", {}), ("guide", {})],
    "forwarded": [("classify", {}), ("forward", {})],
    "archived": [("classify", {}), ("archive", {})],
    "returned": [("classify", {}), ("return", {})],
    "closed": [("classify", {}), ("guide", {}), ("close", {})],
}


def run_action(session, p: Petition, action: str, on: date) -> None:
    """Call the service that performs ``action`` (with otherwise valid input)."""
    if action == "classify":
        petitions.classify(session, p.id, ok(), on, today=TODAY)
    elif action == "start":
        petitions.start_resolution(session, p.id, on, today=TODAY)
    elif action == "resolve":
        petitions.record_result(session, p.id, "correct", on, today=TODAY)
    elif action == "close":
        petitions.close_petition(session, p.id, on, today=TODAY)
    else:
        handling = {"accept": "accept", "guide": "guide", "forward": "forward",
                    "urge": "urge", "archive": "archive", "return": "return"}[action]
        handler = None
        if handling == "accept":  # an accepted petition needs the official who handles it
            handler = units.create_official(session, p.unit_id,
                                            units.OfficialInput("Lò Văn Thụ")).id
        petitions.decide_handling(session, p.id, handling, on, handler,
                                  handled_to="UBND huyện Điện Biên", today=TODAY)


def test_paths_cover_every_status():
    assert set(PATHS) == {str(s) for s in Status}


@pytest.mark.parametrize("status", [str(s) for s in Status])
def test_every_illegal_transition_is_refused(session, state, status):
    p = register(session, state)
    on = RECEIVED
    for action, _kw in PATHS[status]:
        on += timedelta(days=2)
        run_action(session, p, action, on)
    assert p.status == status
    illegal = [code for code, a in ACTIONS.items() if status not in a.from_statuses]
    assert illegal, status
    for action in illegal:
        before = counts(session)
        with pytest.raises(TransitionError) as info:
            run_action(session, p, action, on + timedelta(days=1))
        assert "is not allowed" in str(info.value)
        assert counts(session) == before, action
        assert p.status == status, action
    # and every legal one is offered
    assert {a.code for a in petitions.allowed_actions(p)} == set(ACTIONS) - set(illegal)


def test_a_result_before_acceptance_is_refused(session, state, official):
    p = register(session, state)
    petitions.classify(session, p.id, ok(), date(2026, 3, 4), today=TODAY)
    before = counts(session)
    with pytest.raises(TransitionError):
        petitions.record_result(session, p.id, "correct", date(2026, 3, 20), today=TODAY)
    assert counts(session) == before and p.result is None
    # nor dated before the acceptance once in resolution
    petitions.decide_handling(session, p.id, "accept", date(2026, 3, 9), official.id,
                              today=TODAY)
    petitions.start_resolution(session, p.id, date(2026, 3, 10), today=TODAY)
    before = counts(session)
    with pytest.raises(ValidationError) as info:
        petitions.record_result(session, p.id, "correct", date(2026, 3, 5), today=TODAY)
    assert info.value.for_field("result_date")
    assert counts(session) == before and p.status == "in_resolution" and p.result is None


def test_a_result_of_the_wrong_family_is_refused(session, state, official):
    p = register(session, state)
    petitions.classify(session, p.id, ok(), date(2026, 3, 4), today=TODAY)
    petitions.decide_handling(session, p.id, "accept", date(2026, 3, 9), official.id,
                              today=TODAY)
    petitions.start_resolution(session, p.id, date(2026, 3, 10), today=TODAY)
    before = counts(session)
    with pytest.raises(ValidationError) as info:
        petitions.record_result(session, p.id, "founded", date(2026, 4, 1), today=TODAY)
    assert info.value.for_field("result")
    assert counts(session) == before
    assert p.status == "in_resolution" and p.result is None


def test_extensions_of_a_very_complex_denunciation(session, unit, official):
    p = register(session, unit, petition_type="denunciation",
                 content="Tố cáo cán bộ địa chính nhận tiền")
    petitions.classify(session, p.id, ok(complexity=2), date(2026, 3, 4), today=TODAY)
    petitions.decide_handling(session, p.id, "accept", date(2026, 3, 9), official.id,
                              today=TODAY)
    # the parties are notified within 5 working days of the acceptance (Điều 29)
    assert (p.next_due_date, p.next_due_key) == (date(2026, 3, 16), "denunciation_notice")
    petitions.record_notice(session, p.id, date(2026, 3, 10), today=TODAY)
    assert (p.next_due_date, p.next_due_key) == (date(2026, 4, 8), "denunciation_resolve")

    petitions.extend_deadline(session, p.id, "denunciation_resolve", 30, date(2026, 4, 1),
                              "Vụ việc phức tạp, cần xác minh thêm", "30/QĐ-UBND",
                              official.id, today=TODAY)
    assert p.next_due_date == date(2026, 4, 8) + timedelta(days=30)  # 08/05, a Friday
    petitions.extend_deadline(session, p.id, "denunciation_resolve", 30, date(2026, 5, 4),
                              "Đặc biệt phức tạp", today=TODAY)
    # 07/06/2026 is a Sunday: the period ends on the next working day
    assert p.next_due_date == date(2026, 6, 8)

    before = counts(session)
    with pytest.raises(ValidationError) as info:
        petitions.extend_deadline(session, p.id, "denunciation_resolve", 30, date(2026, 6, 1),
                                  "Thêm lần nữa", today=TODAY)
    assert "at most 2" in info.value.for_field("deadline_key")
    assert counts(session) == before and p.next_due_date == date(2026, 6, 8)
    notes = [e.note for e in petitions.events(session, p.id) if e.kind == "extension"]
    assert len(notes) == 2 and notes[0].startswith("Extended by 30 days")


def test_an_ordinary_denunciation_cannot_be_extended(session, unit, official):
    p = register(session, unit, petition_type="denunciation", content="Tố cáo")
    petitions.classify(session, p.id, ok(), date(2026, 3, 4), today=TODAY)
    petitions.decide_handling(session, p.id, "accept", date(2026, 3, 9), official.id,
                              today=TODAY)
    with pytest.raises(ValidationError) as info:
        petitions.extend_deadline(session, p.id, "denunciation_resolve", 30, date(2026, 4, 1),
                                  "Phức tạp", today=TODAY)
    assert info.value.for_field("deadline_key")


def test_a_bad_id_number_is_refused(session, unit):
    before = counts(session)
    with pytest.raises(ValidationError) as info:
        register(session, unit, petitioners=[
            PetitionerInput("Nguyễn Văn An", "01106800123", "Thôn Bản Phăng")])
    assert info.value.for_field("petitioners.0.id_number")
    assert "12 digits" in info.value.for_field("petitioners.0.id_number")
    assert counts(session) == before and not session.new


def test_a_future_date_received_is_refused(session, unit):
    before = counts(session)
    with pytest.raises(ValidationError) as info:
        register(session, unit, received_date=TODAY + timedelta(days=1))
    assert info.value.for_field("received_date") == "Date received cannot be in the future."
    assert counts(session) == before


def test_every_registration_error_at_once(session, unit):
    before = counts(session)
    with pytest.raises(ValidationError) as info:
        register(session, unit, petition_type="gossip", content=" ", source_code="pigeon",
                 field_code="astrology", signers=0, petitioners=[])
    assert {e.field for e in info.value.errors} == {
        "petition_type", "content", "source_code", "field_code", "signers", "petitioners"}
    assert counts(session) == before


def test_guided_petition_names_the_body(session, unit):
    p = register(session, unit, petition_type="recommendation")
    petitions.classify(session, p.id, ok(), date(2026, 3, 4), today=TODAY)
    with pytest.raises(ValidationError) as info:
        petitions.decide_handling(session, p.id, "guide", date(2026, 3, 5), today=TODAY)
    assert info.value.for_field("handled_to")
    assert p.status == "classified"
    petitions.decide_handling(session, p.id, "guide", date(2026, 3, 5),
                              handled_to="Tòa án nhân dân khu vực", today=TODAY)
    assert p.status == "guided" and p.handling == "guide" and p.next_due_date is None


def test_list_filters_and_search(session, unit):
    a = register(session, unit)
    b = register(session, unit, petition_type="reflection", content="Phản ánh ô nhiễm",
                 field_code="environment",
                 petitioners=[PetitionerInput("Trần Thị Bình", None, "Thôn 2")])
    d = register(session, unit, petition_type="denunciation", content="Tố cáo cán bộ",
                 field_code="corruption")
    f = petitions.PetitionFilter
    assert petitions.count_petitions(session, f()) == 3
    assert [p.id for p in petitions.list_petitions(session, f(query="tran thi binh"))] == [b.id]
    assert [p.id for p in petitions.list_petitions(session, f(query="nguyen van an"))] == [a.id]
    # a denouncer's name is never in the search index
    assert petitions.count_petitions(session, f(query="tố cáo cán bộ")) == 1
    assert d.search_text == "0003 2026 du to cao can bo"  # its number and content only
    assert petitions.count_petitions(session, f(types=["complaint", "reflection"])) == 2
    # on 13/03 the complaint (accept by 12/03) and the denunciation (7 working days: 11/03)
    # are overdue; the reflection has until 16/03
    overdue = petitions.list_petitions(session, f(overdue_on=date(2026, 3, 13)))
    assert {p.id for p in overdue} == {a.id, d.id}
    assert petitions.count_petitions(session, f(overdue_on=date(2026, 3, 13), due_within=3)) == 3
    page = petitions.list_petitions(session, f(), sort="due", descending=False, limit=2)
    assert len(page) == 2
