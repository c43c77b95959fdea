"""Issue 15, points 6 and 7: what the law refuses a body for a petition, each refusal
naming its text — anonymous denunciations (Luật Tố cáo 2018, Điều 25), the notice of an
acceptance (Điều 29), content already in resolution and mixed petitions."""

from __future__ import annotations

from datetime import date

import pytest

from receptiondesk.rules.competence import RESOLVES_BY_KIND, PetitionCase, refusal, refused_steps
from receptiondesk.services import petitions, units
from receptiondesk.services.errors import TransitionError, ValidationError
from receptiondesk.services.petitions import Classification, PetitionerInput, PetitionInput

TODAY = date(2026, 6, 30)
RECEIVED = date(2026, 3, 2)  # a Monday


@pytest.fixture
def state(session, unit):
    """The People's Committee of the same commune."""
    return units.create_unit(session, units.UnitInput(
        code="UB-MP", name="Ủy ban nhân dân xã Mường Phăng", level="commune", kind="state",
        place_name="Mường Phăng"))


def register(session, body, **changes):
    values = dict(
        received_date=RECEIVED, petition_type="denunciation",
        content="Tố cáo cán bộ địa chính nhận tiền khi cấp giấy chứng nhận",
        petitioners=[PetitionerInput("Nguyễn Văn An", "011068001234", "Thôn Bản Phăng")],
    ) | changes
    return petitions.register_petition(session, body.id, PetitionInput(**values), today=TODAY)


def classified(session, p, on=date(2026, 3, 3), **kw):
    petitions.classify(session, p.id, Classification(eligible=True, within_competence=True,
                                                     **kw), on, today=TODAY)
    return p


def accept(session, p, on=date(2026, 3, 4)):
    """Accepted, with the official who handles it (an accepted petition needs one)."""
    official = units.create_official(session, p.unit_id, units.OfficialInput("Lò Văn Khoa"))
    return petitions.decide_handling(session, p.id, "accept", on, official.id, today=TODAY)


def refused_with(session, p, *words):
    with pytest.raises(ValidationError) as err:
        accept(session, p)
    text = err.value.for_field("handling") or ""
    for w in words:
        assert w in text
    assert p.status == "classified" and p.accepted_date is None  # nothing written


@pytest.mark.parametrize("kind", ["state", "party"])
def test_an_anonymous_denunciation_is_information_not_accepted(session, unit, state, kind):
    body = state if kind == "state" else unit
    p = register(session, body, petitioners=[], anonymous=True)
    # not handled under the Denunciations Law: no acceptance limit runs, only processing
    assert {d.key for d in petitions.deadlines(session, p.id)} >= {"petition_process"}
    assert "denunciation_accept" not in {d.key for d in petitions.deadlines(session, p.id)}
    classified(session, p, anonymous=True)
    assert set(petitions.refused_steps(session, p)) == {"accept"}
    refused_with(session, p, "anonymous", "Luật Tố cáo 25/2018/QH14, Điều 25")
    # it may be archived, or forwarded for inspection (Điều 25 khoản 2)
    petitions.decide_handling(session, p.id, "forward", date(2026, 3, 5),
                              handled_to="Thanh tra huyện", today=TODAY)
    assert p.status == "forwarded"


def test_a_named_denunciation_notifies_the_parties_within_five_working_days(session, state):
    p = classified(session, register(session, state))
    accept(session, p, date(2026, 3, 4))  # a Wednesday
    due = {d.key: d for d in petitions.deadlines(session, p.id)}
    # 5 working days from Wed 4/3/2026: Thu 5, Fri 6, Mon 9, Tue 10, Wed 11
    assert due["denunciation_notice"].due == date(2026, 3, 11)
    assert due["denunciation_notice"].rule.legal_basis.endswith("Điều 29")
    assert p.next_due_key == "denunciation_notice"
    with pytest.raises(ValidationError) as err:
        petitions.record_notice(session, p.id, date(2026, 3, 3), today=TODAY)
    assert err.value.for_field("date")
    petitions.record_notice(session, p.id, date(2026, 3, 9), today=TODAY)
    assert {d.key for d in petitions.deadlines(session, p.id)} == {"denunciation_resolve"}
    assert p.next_due_key == "denunciation_resolve"
    with pytest.raises(TransitionError):  # once is enough
        petitions.record_notice(session, p.id, date(2026, 3, 10), today=TODAY)


def test_a_complaint_has_no_separate_notice_limit(session, state):
    p = classified(session, register(session, state, petition_type="complaint",
                                     content="Khiếu nại quyết định thu hồi đất"))
    accept(session, p)
    assert {d.key for d in petitions.deadlines(session, p.id)} == {"complaint_resolve_first"}


@pytest.mark.parametrize("kind", ["state", "party"])
def test_content_already_in_resolution_is_not_accepted_again(session, unit, state, kind):
    body = state if kind == "state" else unit
    first = classified(session, register(session, body, ref="01/TC"))
    accept(session, first)
    again = register(session, body, ref="02/TC", received_date=date(2026, 3, 5))
    classified(session, again, date(2026, 3, 5), duplicate_of_id=first.id)
    with pytest.raises(ValidationError) as err:
        accept(session, again, date(2026, 3, 6))
    assert "01/TC" in err.value.for_field("handling")
    assert "not accepted again" in err.value.for_field("handling")
    # once the first one is resolved, a new petition on it may be taken up again
    petitions.start_resolution(session, first.id, date(2026, 3, 6), today=TODAY)
    petitions.record_result(session, first.id, "unfounded", date(2026, 3, 20), today=TODAY)
    assert petitions.refused_steps(session, again) == {}


@pytest.mark.parametrize("kind", ["state", "party"])
def test_a_mixed_petition_has_the_limits_of_its_parts_and_is_split(session, unit, state,
                                                                   kind):
    body = state if kind == "state" else unit
    p = register(session, body, petition_type="mixed",
                 content="Khiếu nại quyết định thu hồi đất và tố cáo cán bộ địa chính")
    keys = {d.key: d.due for d in petitions.deadlines(session, p.id)}
    # complaint: 10 days (12/3); denunciation: 7 working days (11/3) — the earlier binds
    assert keys["complaint_accept"] == date(2026, 3, 12)
    assert keys["denunciation_accept"] == date(2026, 3, 11)
    assert p.next_due_key == "denunciation_accept"
    classified(session, p)
    refused_with(session, p, "split")


def test_migration_0014_adds_the_notice_limit_to_a_database_holding_rules(tmp_path):
    """From the previous schema with rules in it: the limit is added (both versions), and
    taken out again on downgrade; an office's own version on the same day stays."""
    from alembic import command
    from sqlalchemy import text

    from receptiondesk.db import alembic_config, make_engine, sqlite_url

    engine = make_engine(sqlite_url(tmp_path / "old.sqlite"))
    cfg = alembic_config(engine)
    command.upgrade(cfg, "0013")
    rows = "SELECT effective_from, days, mode, legal_basis FROM deadline_rules WHERE key = " \
           "'denunciation_notice' ORDER BY effective_from"
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO deadline_rules (id, created_at, updated_at, version, key, "
            "effective_from, days, mode, max_extensions, legal_basis) VALUES ('x1', "
            "'2026-01-05', '2026-01-05', 1, 'denunciation_resolve', '2019-01-01', 30, "
            "'calendar', 2, 'Luật Tố cáo 2018, Điều 30')"))
    command.upgrade(cfg, "0014")
    with engine.connect() as conn:
        got = [tuple(r) for r in conn.execute(text(rows))]
    assert [(str(f)[:10], d, m) for f, d, m, _b in got] == [
        ("2019-01-01", 5, "working"), ("2026-07-01", 5, "working")]
    assert got[0][3] == "Luật Tố cáo 2018, Điều 29"
    command.downgrade(cfg, "0013")
    with engine.connect() as conn:
        assert list(conn.execute(text(rows))) == []
    engine.dispose()


def test_migration_0014_leaves_an_empty_database_to_the_defaults(tmp_path):
    from receptiondesk.services import reference
    from receptiondesk.services.database import open_database

    db = open_database(tmp_path / "new.sqlite")
    with db.sessions() as s:
        keys = [(r.key, r.effective_from) for r in reference.deadline_rules(s)
                if r.key == "denunciation_notice"]
    assert keys == [("denunciation_notice", date(2019, 1, 1)),
                    ("denunciation_notice", date(2026, 7, 1))]
    db.engine.dispose()


# --- point 6: who may resolve what, by the kind of body -----------------------------------


def test_a_party_committee_does_not_accept_a_complaint(session, unit, state):
    p = classified(session, register(session, unit, petition_type="complaint",
                                     content="Khiếu nại quyết định của UBND xã"))
    assert set(petitions.refused_steps(session, p)) == {"accept"}
    refused_with(session, p, "Party committee", "Hướng dẫn 28-HD/VPTW")
    petitions.decide_handling(session, p.id, "forward", date(2026, 3, 5),
                              handled_to="Ủy ban nhân dân xã Mường Phăng", today=TODAY)
    assert p.status == "forwarded"
    # the People's Committee accepts the same complaint
    q = classified(session, register(session, state, petition_type="complaint",
                                     content="Khiếu nại quyết định của UBND xã"))
    accept(session, q)
    assert q.status == "accepted"


@pytest.mark.parametrize("petition_type", ["denunciation", "recommendation", "reflection"])
def test_a_party_committee_takes_up_what_party_rules_give_it(petition_type):
    assert refusal("accept", PetitionCase(petition_type, "party")) is None


def test_the_refusals_are_the_rule_data_for_both_kinds():
    assert refused_steps(PetitionCase("complaint", "state")) == {}
    assert set(refused_steps(PetitionCase("complaint", "party"))) == {"accept"}
    assert refusal("guide", PetitionCase("complaint", "party")) is None
    assert refusal("forward", PetitionCase("denunciation", "state", anonymous=True)) is None
    assert RESOLVES_BY_KIND["state"] >= RESOLVES_BY_KIND["party"]


def test_a_party_committee_resolves_a_complaint_about_party_discipline(session, unit):
    """Complaints about Party discipline decisions are resolved by Party bodies (Quy định
    30-QĐ/TW, then 22-QĐ/TW): marked so at classification, the complaint is accepted."""
    p = register(session, unit, petition_type="complaint",
                 content="Khiếu nại quyết định kỷ luật khiển trách của Đảng ủy")
    classified(session, p, party_matter=True)
    assert petitions.refused_steps(session, p) == {}
    accept(session, p)
    assert p.status == "accepted" and p.party_matter is True


@pytest.mark.parametrize("kind", ["state", "party"])
def test_a_mixed_petition_is_split_into_its_contents(session, unit, state, kind):
    body = state if kind == "state" else unit
    p = register(session, body, petition_type="mixed", ref="07/HH",
                 content="Khiếu nại quyết định thu hồi đất và tố cáo cán bộ địa chính")
    with pytest.raises(ValidationError) as err:
        petitions.split_petition(session, p.id, ["complaint"], date(2026, 3, 4),
                                 today=TODAY)
    assert err.value.for_field("parts")
    classified(session, p)
    complaint, denunciation = petitions.split_petition(
        session, p.id, ["complaint", "denunciation"], date(2026, 3, 4), today=TODAY)
    assert p.status == "archived"
    assert "Complaint" in petitions.events(session, p.id)[-1].note
    # each part counts its own limits from the day the paper was received
    assert complaint.received_date == denunciation.received_date == RECEIVED
    assert complaint.next_due_key == "complaint_accept"
    assert {d.key for d in petitions.deadlines(session, denunciation.id)} >= {
        "denunciation_accept"}
    assert [x.full_name for x in denunciation.petitioners] == ["Nguyễn Văn An"]
    assert "07/HH" in petitions.events(session, complaint.id)[-1].note
