"""The demo generator: a consistent, deterministic, realistic small commune.

The province scale is not run here (it takes about a minute); see the demo module.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from receptiondesk.db import integrity_problems
from receptiondesk.demo import DEMO_SCALES, DemoSummary, generate_demo
from receptiondesk.demo import generator as demo_generator
from receptiondesk.model import (
    Citizen,
    ConcludingNotice,
    DeadlineExtension,
    Field,
    Inspection,
    Official,
    Petition,
    Petitioner,
    PetitionEvent,
    ReceptionSession,
    Unit,
    Visit,
    VisitAttendee,
    WorkingMeeting,
)
from receptiondesk.model.codes import (
    OPEN_STATUSES,
    InspectionKind,
    PetitionType,
    SessionKind,
    SessionMode,
    Status,
    results_for,
)
from receptiondesk.rules import lifecycle
from receptiondesk.services import petitions as petition_service
from receptiondesk.services.citizens import CitizenInput, create_citizen
from receptiondesk.services.database import open_database
from receptiondesk.services.indexing import (
    citizen_keys,
    petition_search_text,
    visit_search_text,
)
from receptiondesk.services.search import search
from receptiondesk.text import collation_key

TODAY = date(2026, 11, 26)
# Just after Tết 2025: deadlines counted across the longest holiday of the year.
AFTER_TET = date(2025, 2, 3)
HEX32 = re.compile(r"^[0-9a-f]{32}$")
TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"


def _fresh(path):
    return open_database(path)


@pytest.fixture(scope="module", params=[TODAY, AFTER_TET], ids=["2026-11-26", "2025-02-03"])
def demo_db(request, tmp_path_factory):
    """A small demo generated once per module (and per ``today``)."""
    db = _fresh(tmp_path_factory.mktemp("demo") / "d.db")
    summary = generate_demo(db, "small", seed=7, today=request.param)
    yield db, summary, request.param
    db.close()


@pytest.fixture
def s(demo_db):
    db, _summary, _today = demo_db
    with db.session() as session:
        yield session


@pytest.fixture
def today(demo_db):
    return demo_db[2]


def _rows(session, sql, **params):
    return session.execute(text(sql), params).all()


# --- API ---------------------------------------------------------------------------


def test_scales():
    assert DEMO_SCALES == ("small", "province")


def test_summary_counts_match_the_tables(demo_db, s):
    _db, summary, today = demo_db
    assert isinstance(summary, DemoSummary)
    assert summary.scale == "small" and summary.seed == 7 and summary.today == today
    assert summary.elapsed > 0
    for table, count in summary.counts.items():
        assert s.scalar(text(f"SELECT count(*) FROM {table}")) == count, table
    assert summary.total == sum(summary.counts.values())


def test_small_figures_are_commune_sized(demo_db):
    counts = demo_db[1].counts
    assert counts["units"] == 2
    assert 300 <= counts["citizens"] <= 600
    assert 150 <= counts["petitions"] <= 400
    assert counts["visits"] >= counts["reception_sessions"] > 150
    assert counts["petition_events"] > 3 * counts["petitions"]


def test_deterministic_for_a_seed_and_a_day(tmp_path):
    summaries, firsts, digests = [], [], []
    for name in ("a.db", "b.db", "c.db"):
        db = _fresh(tmp_path / name)
        seed = 3 if name != "c.db" else 4
        summaries.append(generate_demo(db, "small", seed=seed, today=TODAY))
        with db.session() as session:
            firsts.append(session.execute(
                select(Petition.id, Petition.ref, Petition.content, Petition.status)
                .order_by(Petition.received_date, Petition.ref)).first())
            digests.append(tuple(session.execute(text(
                "SELECT group_concat(id || status || coalesce(next_due_date, ''), ',') "
                "FROM (SELECT * FROM petitions ORDER BY id)")).scalar_one()))
        db.close()
    assert summaries[0].counts == summaries[1].counts
    assert firsts[0] == firsts[1]
    assert digests[0] == digests[1]
    assert firsts[2] != firsts[0]  # another seed, other records


def test_fast_path_stores_what_sqlalchemy_stores(tmp_path, monkeypatch):
    """Pre-formatted SQLite values equal those SQLAlchemy's Core insert() writes.

    The generic path (used on other engines: Python dates and times, Core inserts) is
    forced on SQLite; both files must hold the very same rows.
    """
    dumps = []
    for name, generic in (("fast.db", False), ("core.db", True)):
        db = _fresh(tmp_path / name)
        if generic:
            monkeypatch.setattr(type(db), "is_sqlite", property(lambda self: False))
        generate_demo(db, "small", seed=5, today=TODAY)
        monkeypatch.undo()
        with db.engine.connect() as conn:
            dumps.append({
                table: conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id").all()
                for table in ("units", "officials", "citizens", "reception_sessions", "visits",
                              "petitions", "petition_events", "deadline_extensions",
                              "concluding_notices", "inspections")
            })
        db.close()
    for table, rows in dumps[0].items():
        assert rows == dumps[1][table], table


def test_refuses_a_database_that_is_not_empty(demo_db):
    db = demo_db[0]
    with pytest.raises(ValueError):
        generate_demo(db, "small", seed=1, today=TODAY)


def test_refuses_an_unknown_scale(tmp_path):
    db = _fresh(tmp_path / "x.db")
    with pytest.raises(ValueError):
        generate_demo(db, "city", today=TODAY)
    db.close()


def test_progress_goes_from_zero_to_one(tmp_path):
    calls = []
    db = _fresh(tmp_path / "p.db")
    generate_demo(db, "small", seed=1, today=TODAY, progress=lambda m, f: calls.append((m, f)))
    db.close()
    fractions = [f for _m, f in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert all(isinstance(m, str) and m for m, _f in calls)


def test_a_failure_midway_leaves_the_database_untouched(tmp_path, monkeypatch):
    db = _fresh(tmp_path / "f.db")
    with db.engine.connect() as conn:
        before = conn.execute(text(TRIGGERS)).all()

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo_generator._Demo, "make_work", boom)
    with pytest.raises(RuntimeError):
        generate_demo(db, "small", seed=1, today=TODAY)
    with db.session() as session:
        for model in (Unit, Citizen, Visit, Petition, PetitionEvent):
            assert session.scalar(select(func.count()).select_from(model)) == 0
        assert session.scalar(text("SELECT count(*) FROM search_index")) == 0
        assert session.execute(text(TRIGGERS)).all() == before
        assert session.scalar(text("PRAGMA foreign_keys")) == 1
    db.close()


# --- the database stays sound --------------------------------------------------------


def test_foreign_keys_and_integrity(demo_db, s):
    assert s.execute(text("PRAGMA foreign_key_check")).all() == []
    assert integrity_problems(demo_db[0].engine) == []


def test_settings_are_restored(demo_db):
    db = demo_db[0]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_search_triggers_are_the_migrations_own(demo_db, s, tmp_path):
    fresh = _fresh(tmp_path / "fresh.db")
    with fresh.engine.connect() as conn:
        expected = conn.execute(text(TRIGGERS)).all()
    fresh.close()
    assert len(expected) == 14  # 12 of the search index, 2 keeping the audit log append-only
    assert s.execute(text(TRIGGERS)).all() == expected


def test_every_record_has_the_common_columns(s, today):
    for model in (Citizen, Official, ReceptionSession, Visit, VisitAttendee, Petition,
                  Petitioner, PetitionEvent, DeadlineExtension, WorkingMeeting,
                  ConcludingNotice, Inspection):
        table = model.__tablename__
        bad = s.scalar(text(
            f"SELECT count(*) FROM {table} WHERE id IS NULL OR length(id) != 32 "
            f"OR unit_id IS NULL OR created_at IS NULL OR updated_at < created_at "
            f"OR version != 1"))
        assert bad == 0, table
        ids = [r[0] for r in s.execute(text(f"SELECT id FROM {table}"))]
        assert all(HEX32.match(i) for i in ids), table
        # Dates as SQLAlchemy stores them: the ORM reads them back.
        row = s.scalars(select(model).limit(1)).one()
        assert row.created_at.date() <= today
    assert s.scalar(text("SELECT count(*) FROM units WHERE version != 1")) == 0


# --- units, officials, citizens ------------------------------------------------------


def test_units_and_officials(s):
    units = {u.kind: u for u in s.scalars(select(Unit))}
    party, state = units["party"], units["state"]
    assert party.is_home and not state.is_home
    assert party.level == state.level == "commune"
    assert party.place_name == "Mường Phăng"
    assert party.parent_body_name == "ĐẢNG BỘ TỈNH ĐIỆN BIÊN"
    assert state.parent_id == party.id
    roles = {(o.unit_id, o.duty_role) for o in s.scalars(select(Official))}
    assert (party.id, "party_secretary") in roles
    assert (state.id, "committee_chairman") in roles
    positions = " | ".join(o.position for o in s.scalars(select(Official)))
    assert "Bí thư Đảng ủy xã" in positions and "Chủ tịch UBND xã" in positions
    assert "Ủy ban Kiểm tra" in positions and "Văn phòng" in positions
    for o in s.scalars(select(Official)):
        assert o.sort_key == collation_key(o.full_name)


def test_citizens_look_vietnamese(s):
    citizens = list(s.scalars(select(Citizen)))
    families = Counter(c.full_name.split()[0] for c in citizens)
    assert {"Nguyễn", "Lò", "Quàng"} <= set(families)
    for c in citizens:
        words = c.full_name.split()
        assert len(words) >= 3
        if words[1] == "Thị":
            assert c.gender == "female"
        if words[1] in ("Văn", "A"):
            assert c.gender == "male"
        assert "xã Mường Phăng" in c.address
        if c.id_number is not None:
            assert re.fullmatch(r"\d{12}", c.id_number)
            century_gender = int(c.id_number[3])
            assert century_gender % 2 == (0 if c.gender == "male" else 1)
            assert (century_gender >= 2) == (c.birth_year >= 2000)
            assert c.id_number[4:6] == f"{c.birth_year % 100:02d}"
        if c.phone:
            assert re.fullmatch(r"0[39]\d{8}", c.phone)
    numbers = [c.id_number for c in citizens if c.id_number]
    assert len(numbers) == len(set(numbers))


def test_folded_keys_are_the_indexing_ones(s):
    """The generator assembles keys from cached parts; they must equal the services' keys."""
    for c in s.scalars(select(Citizen)):
        keys = citizen_keys(c.full_name, c.address, c.id_number, c.phone)
        assert (c.name_key, c.address_key, c.sort_key, c.search_text) == (
            keys["name_key"], keys["address_key"], keys["sort_key"], keys["search_text"])
    names = defaultdict(list)
    for visit_id, name in s.execute(
        select(VisitAttendee.visit_id, Citizen.full_name)
        .join(Citizen, Citizen.id == VisitAttendee.citizen_id).order_by(VisitAttendee.seq)
    ):
        names[visit_id].append(name)
    for v in s.scalars(select(Visit)):
        assert v.search_text == visit_search_text(v.content, names[v.id], v.representatives)
    people = defaultdict(list)
    for p in s.scalars(select(Petitioner).order_by(Petitioner.seq)):
        people[p.petition_id].append((p.full_name, p.id_number, p.address))
    for p in s.scalars(select(Petition)):
        assert p.search_text == petition_search_text(
            p.ref, p.content, people[p.id], denunciation=p.petition_type == "denunciation")


def test_fast_keys_stay_fast(tmp_path, monkeypatch):
    """No mismatch with the official functions (which would silently slow the province)."""
    mismatches = []
    original = demo_generator._Demo.checked

    def checked(self, kind, fast, official):
        value = original(self, kind, fast, official)
        if value != fast:
            mismatches.append((kind, fast, value))
        return value

    monkeypatch.setattr(demo_generator._Demo, "checked", checked)
    db = _fresh(tmp_path / "k.db")
    generate_demo(db, "small", seed=11, today=TODAY)
    db.close()
    assert mismatches == []


# --- reception -----------------------------------------------------------------------


def test_sessions_of_every_kind_and_mode(s, today):
    kinds = Counter(s.scalars(select(ReceptionSession.kind)))
    assert set(kinds) == {k.value for k in SessionKind}
    assert kinds["regular"] > kinds["unscheduled"]
    modes = Counter(s.scalars(select(ReceptionSession.mode)))
    assert set(modes) == {m.value for m in SessionMode}
    assert modes["online"] < modes["in_person"] / 5
    first, last = s.execute(select(func.min(ReceptionSession.session_date),
                                   func.max(ReceptionSession.session_date))).one()
    assert first.year == today.year - 3 and last <= today
    for session in s.scalars(select(ReceptionSession)):
        assert session.start_time < session.end_time
        assert session.presiding_official_id and session.presiding_name


def test_regular_sessions_follow_the_duty(s):
    """The chairman receives weekly, the commune Party secretary twice a month (Regulation
    11-QĐi/TW of 18/02/2019, art. 4(1))."""
    by_role = Counter(
        s.execute(select(Official.duty_role).join(
            ReceptionSession, ReceptionSession.presiding_official_id == Official.id)
            .where(ReceptionSession.kind == "regular")).scalars())
    assert by_role["committee_chairman"] > 1.8 * by_role["party_secretary"] > 0


def test_visits_and_delegations(s):
    counts = Counter(s.scalars(select(func.count()).select_from(Visit)
                               .group_by(Visit.session_id)))
    assert min(counts) >= 1 and max(counts) <= 8
    delegations = list(s.scalars(select(Visit).where(Visit.is_delegation)))
    assert delegations
    for v in delegations:
        assert 5 <= v.head_count <= 40
        assert v.representatives
        reps = s.scalars(select(VisitAttendee).where(VisitAttendee.visit_id == v.id)).all()
        assert reps and all(a.is_representative for a in reps)
    for v in s.scalars(select(Visit)):
        session = s.get(ReceptionSession, v.session_id)
        assert v.visit_date == session.session_date and v.unit_id == session.unit_id
        assert v.citizen_id and v.content and v.field_code
        assert v.handling in ("accept", "guide", "forward", "none")
    assert s.scalar(select(func.count()).select_from(Petition).where(Petition.is_delegation))


def test_petitions_handed_in_at_a_visit(s):
    linked = list(s.scalars(select(Petition).where(Petition.visit_id.is_not(None))))
    assert linked
    for p in linked:
        v = s.get(Visit, p.visit_id)
        assert p.source_code == "reception" and p.received_date == v.visit_date
        assert p.unit_id == v.unit_id and p.is_delegation == v.is_delegation
        signed = {x.citizen_id for x in s.scalars(
            select(Petitioner).where(Petitioner.petition_id == p.id))}
        present = {a.citizen_id for a in s.scalars(
            select(VisitAttendee).where(VisitAttendee.visit_id == v.id))}
        assert signed and signed <= present
        if v.is_delegation:
            assert p.signers == v.head_count
    others = s.scalar(select(func.count()).select_from(Petition)
                      .where(Petition.visit_id.is_(None), Petition.source_code == "reception"))
    assert others == 0


# --- petitions -----------------------------------------------------------------------


def test_every_type_field_status_and_result(s):
    assert set(s.scalars(select(Petition.petition_type).distinct())) == {
        t.value for t in PetitionType}
    assert set(s.scalars(select(Petition.field_code).distinct())) == set(
        s.scalars(select(Field.code)))
    assert set(s.scalars(select(Petition.status).distinct())) == {x.value for x in Status}
    results = set(s.scalars(select(Petition.result).distinct()))
    assert {"correct", "incorrect", "partly_correct", "founded", "unfounded",
            "partly_founded", "withdrawn"} <= results
    assert set(s.scalars(select(Petition.source_code).distinct())) == {
        "reception", "post", "forwarded", "mailbox", "online"}


def test_land_and_compensation_dominate(s):
    fields = Counter(s.scalars(select(Petition.field_code)))
    top_two = {f for f, _n in fields.most_common(2)}
    assert top_two == {"land", "compensation"}


def test_flags_and_links(s):
    petitions = {p.id: p for p in s.scalars(select(Petition))}
    flags = Counter()
    for p in petitions.values():
        flags["long_running"] += p.long_running
        flags["beyond_level"] += p.beyond_level
        flags["many_signers"] += p.many_signers
        flags["anonymous"] += p.anonymous
        assert p.many_signers == (p.signers >= 5)
        if p.duplicate_of_id:
            flags["duplicate"] += 1
            original = petitions[p.duplicate_of_id]
            assert original.received_date <= p.received_date
            assert original.unit_id == p.unit_id and original.content == p.content
        if p.anonymous:
            assert not s.scalars(select(Petitioner).where(Petitioner.petition_id == p.id)).all()
    assert all(flags[k] > 0 for k in ("long_running", "beyond_level", "many_signers",
                                      "anonymous", "duplicate")), flags
    links = s.scalars(select(PetitionEvent.petition_id).where(PetitionEvent.kind == "link"))
    linked = set(links)
    assert linked == {p.id for p in petitions.values() if p.duplicate_of_id or p.long_running}


def test_histories_are_consistent(s, today):
    events = defaultdict(list)
    for e in s.scalars(select(PetitionEvent).order_by(PetitionEvent.petition_id,
                                                      PetitionEvent.seq)):
        events[e.petition_id].append(e)
    extensions = defaultdict(list)
    for x in s.scalars(select(DeadlineExtension)):
        extensions[x.petition_id].append(x)
    to_action = {a.to_status: a.code for a in lifecycle.ACTIONS.values() if a.code != "urge"}
    for p in s.scalars(select(Petition)):
        history = events[p.id]
        assert [e.seq for e in history] == list(range(1, len(history) + 1))
        dates = [e.event_date for e in history]
        assert dates == sorted(dates) and dates[-1] <= today
        assert dates[0] == p.received_date
        stamps = [e.recorded_at for e in history]
        assert stamps == sorted(stamps)
        moves = [e for e in history if e.kind == "transition"]
        assert (moves[0].from_status, moves[0].to_status) == (None, "received")
        for before, after in zip(moves, moves[1:], strict=False):
            assert after.from_status == before.to_status
            action = "urge" if after.from_status == after.to_status == "forwarded" else (
                to_action[after.to_status])
            assert lifecycle.can(after.from_status, action), (p.ref, action)
        assert moves[-1].to_status == p.status
        reached = {e.to_status for e in moves}
        # Fields consistent with the steps taken.
        assert (p.eligible is None) == (p.status == "received")
        assert (p.handling is None) == (p.status in ("received", "classified"))
        assert (p.accepted_date is not None) == ("accepted" in reached)
        assert (p.result is not None) == ("resolved" in reached)
        if p.accepted_date:
            assert p.handling == "accept" and p.assigned_official_id
            accept = next(e for e in moves if e.to_status == "accepted")
            assert accept.event_date == p.accepted_date == p.handling_date
        if p.handling == "urge":
            assert p.status in ("forwarded", "closed") and p.handled_to
        if p.handling in ("guide", "forward"):
            assert p.handled_to
        if p.result:
            # a recommendation or reflection is answered, never "correct"
            assert p.result in results_for(p.petition_type)
            assert p.result_date == p.decision_date == next(
                e.event_date for e in moves if e.to_status == "resolved")
            assert p.result_date >= p.accepted_date and p.decision_number
        assert (p.closed_date is not None) == (p.status == "closed")
        if p.closed_date:
            assert p.closed_date == dates[-1] or p.closed_date == moves[-1].event_date
        if p.status in OPEN_STATUSES and p.status != "received":
            assert p.eligible is not None
        ext_events = [e for e in history if e.kind == "extension"]
        assert len(ext_events) == len(extensions[p.id])
        assert sorted(e.event_date for e in ext_events) == sorted(
            x.decided_on for x in extensions[p.id])


def test_extensions_follow_the_law(s):
    rows = s.execute(select(DeadlineExtension, Petition)
                     .join(Petition, Petition.id == DeadlineExtension.petition_id)).all()
    assert rows
    for x, p in rows:
        assert p.petition_type == "denunciation"
        assert x.deadline_key in ("denunciation_accept", "denunciation_resolve")
        if x.deadline_key == "denunciation_resolve":
            assert x.days == 30 and p.complexity >= 1 and x.decided_on >= p.accepted_date
        else:
            assert x.days == 3
        assert x.reason and x.decision_number


def test_due_dates_are_the_rules_own(s, today):
    """Stored next due dates equal what the services compute; some overdue, some due soon."""
    calc = petition_service.Deadlines(s)
    open_count = 0
    for p in s.scalars(select(Petition)):
        due, key = p.next_due_date, p.next_due_key
        calc.refresh(p)
        assert (p.next_due_date, p.next_due_key) == (due, key), p.ref
        if p.status in OPEN_STATUSES:
            open_count += 1
        else:
            assert due is None
    s.rollback()
    assert open_count > 0
    F = petition_service.PetitionFilter
    overdue = petition_service.count_petitions(s, F(open_only=True, overdue_on=today))
    within_week = petition_service.count_petitions(
        s, F(open_only=True, overdue_on=today, due_within=7))
    assert overdue >= 2
    assert within_week - overdue >= 2
    hot = petition_service.count_petitions(s, F(hot=True))
    assert hot > 0


def test_lists_and_search_work(s):
    page = petition_service.list_petitions(s, limit=100)
    assert len(page) == 100
    assert [p.received_date for p in page] == sorted((p.received_date for p in page),
                                                     reverse=True)
    hits = search(s, "nguyen")
    kinds = {h.kind for h in hits}
    assert {"citizen", "visit", "petition"} <= kinds
    citizen = s.get(Citizen, next(h.record_id for h in hits if h.kind == "citizen"))
    assert "nguyen" in citizen.name_key or "nguyen" in citizen.search_text
    assert s.scalar(text("SELECT count(*) FROM search_index")) == sum(
        s.scalar(select(func.count()).select_from(m))
        for m in (Citizen, Visit, Petition, ReceptionSession))
    assert s.scalar(text(
        "SELECT count(*) FROM search_rows r JOIN search_index i ON i.rowid = r.fts_rowid "
        "AND i.record_id = r.record_id")) == s.scalar(text("SELECT count(*) FROM search_rows"))


def test_denouncers_are_not_in_the_search_index(s):
    row = s.execute(
        select(Petitioner.full_name, Petition.id)
        .join(Petition, Petition.id == Petitioner.petition_id)
        .where(Petition.petition_type == "denunciation", Petitioner.id_number.is_not(None))
        .limit(1)).one()
    number = s.scalar(select(Petitioner.id_number).where(Petitioner.petition_id == row.id))
    hits = search(s, number, kinds=("petition",))
    assert row.id not in {h.record_id for h in hits}


def test_new_records_are_still_indexed(demo_db):
    """The re-created triggers keep the index up to date after the bulk load."""
    db = demo_db[0]
    with db.session() as session:
        unit = session.scalar(select(Unit).where(Unit.is_home))
        citizen = create_citizen(session, unit.id, CitizenInput(
            full_name="Giàng A Zzzdemo", address="Bản Kéo, xã Mường Phăng"), today=TODAY)
        hits = search(session, "zzzdemo")
        assert [h.record_id for h in hits] == [citizen.id]
        session.rollback()


# --- meetings and inspections --------------------------------------------------------


def test_meetings_have_concluding_notices(s):
    meetings = list(s.scalars(select(WorkingMeeting)))
    assert {m.kind for m in meetings} == {"regular", "unscheduled"}
    with_notice = set(s.scalars(select(ConcludingNotice.meeting_id)
                                .where(ConcludingNotice.meeting_id.is_not(None))))
    assert with_notice == {m.id for m in meetings}
    for n in s.scalars(select(ConcludingNotice)):
        assert n.number and n.content and n.signed_by_id and n.issued_on
        if n.meeting_id:
            assert n.issued_on >= s.get(WorkingMeeting, n.meeting_id).meeting_date
    assert s.scalar(select(func.count()).select_from(ConcludingNotice)
                    .where(ConcludingNotice.session_id.is_not(None))) > 0


def test_inspections_and_supervisions(s):
    rows = list(s.scalars(select(Inspection)))
    assert {i.kind for i in rows} == {k.value for k in InspectionKind}
    assert len({i.body for i in rows}) >= 3
    for i in rows:
        assert i.organisation_count == len(i.organisations.split("; "))
        assert i.member_count == (len(i.members.split("; ")) if i.members else 0)
        assert i.content and i.conclusions
    assert any(i.violations_found for i in rows)
    assert not all(i.violations_found for i in rows)


def test_dates_stay_in_the_period(s, today):
    start = date(today.year - 3, 1, 1)
    for sql in ("SELECT min(received_date), max(received_date) FROM petitions",
                "SELECT min(meeting_date), max(meeting_date) FROM working_meetings",
                "SELECT min(inspection_date), max(inspection_date) FROM inspections",
                "SELECT min(issued_on), max(issued_on) FROM concluding_notices",
                "SELECT min(event_date), max(event_date) FROM petition_events"):
        low, high = s.execute(text(sql)).one()
        assert date.fromisoformat(low) >= start and date.fromisoformat(high) <= today, sql
    assert s.scalar(text("SELECT count(*) FROM petitions WHERE received_date >= :d"),
                    {"d": (today - timedelta(days=30)).isoformat()}) > 0
