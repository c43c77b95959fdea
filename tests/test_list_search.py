"""Every list searches through the one search index: reception sessions (by their own text
or a visit received in them), visits and citizens, accents and case ignored, on SQLite
(FTS5) and PostgreSQL (folded text, pg_trgm); and migration 0012, which puts the sessions
in the index, from an empty database and from schema 0011 with records in it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from receptiondesk.model import ReceptionSession
from receptiondesk.services import citizens, reception, search
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.reception import SessionFilter, SessionInput, VisitFilter, VisitInput

TODAY = date(2026, 3, 20)


@pytest.fixture
def desk(session, unit):
    """Three sessions: one presided by Nguyễn Văn Hùng at the culture house, one whose
    only visit is Nguyễn Văn An's, one with neither name."""
    an = citizens.create_citizen(session, unit.id, CitizenInput("Nguyễn Văn An", address="Bản Kéo"),
                                 today=TODAY)
    binh = citizens.create_citizen(session, unit.id, CitizenInput("Trần Thị Bình"), today=TODAY)
    presided = reception.create_session(session, unit.id, SessionInput(
        date(2026, 3, 2), presiding_name="Nguyễn Văn Hùng", place="Nhà văn hóa bản Phăng",
        notes="Đối thoại về đền bù"), today=TODAY)
    reception.add_visit(session, presided.id, VisitInput("Hỏi về chế độ", citizen_id=binh.id),
                        today=TODAY)
    by_visit = reception.create_session(session, unit.id, SessionInput(
        date(2026, 2, 16), presiding_name="Lò Văn Khoa", place="Trụ sở"), today=TODAY)
    reception.add_visit(session, by_visit.id,
                        VisitInput("Tranh chấp đất đai", citizen_id=an.id), today=TODAY)
    neither = reception.create_session(session, unit.id, SessionInput(
        date(2026, 1, 15), presiding_name="Lò Văn Khoa", place="Trụ sở"), today=TODAY)
    reception.add_visit(session, neither.id, VisitInput("Môi trường", citizen_id=binh.id),
                        today=TODAY)
    session.flush()
    return {"presided": presided.id, "by_visit": by_visit.id, "neither": neither.id,
            "an": an.id, "binh": binh.id, "unit": unit.id}


def sessions_found(session, query: str, unit_ids=None) -> list[str]:
    f = SessionFilter(unit_ids=unit_ids, query=query)
    found = [s.id for s in reception.list_sessions(session, f)]
    assert reception.count_sessions(session, f) == len(found)
    return found


@pytest.fixture(params=["few", "many"])
def both_ways(request, monkeypatch, db):
    """A list takes the matches and sorts them when they are few, and reads its own index
    in order checking each row when they are many (on PostgreSQL the sessions list, by the
    planner's estimate): both ways must find the same."""
    if request.param == "many":
        monkeypatch.setattr(search, "FEW_MATCHES", 1)
        monkeypatch.setattr(search, "FEW_ESTIMATED", 0)
    return request.param


def test_sessions_are_found_by_their_own_text_or_a_visit_accents_ignored(session, desk,
                                                                         both_ways):
    # "nguyen v" is typed so far: the presiding official's name, or the visitor's
    assert sessions_found(session, "nguyen v") == [desk["presided"], desk["by_visit"]]
    assert sessions_found(session, "NGUYỄN VĂN") == [desk["presided"], desk["by_visit"]]
    assert sessions_found(session, "nha van hoa") == [desk["presided"]]
    assert sessions_found(session, "doi thoai den bu") == [desk["presided"]]
    assert sessions_found(session, "nguyen van an") == [desk["by_visit"]]
    assert sessions_found(session, "tranh chap") == [desk["by_visit"]]
    assert sessions_found(session, "lo van khoa") == [desk["by_visit"], desk["neither"]]
    assert sessions_found(session, "nguyen v", unit_ids=[desk["unit"]]) == [
        desk["presided"], desk["by_visit"]]
    assert sessions_found(session, "nguyen v", unit_ids=["x" * 32]) == []
    assert sessions_found(session, "khong co ai") == []


def test_a_corrected_session_is_found_by_its_new_text_only(session, desk, both_ways):
    s = session.get(ReceptionSession, desk["neither"])
    reception.update_session(session, s.id, SessionInput(
        s.session_date, presiding_name="Lò Văn Khoa", place="Điểm cầu trực tuyến Mường Ảng"),
        today=TODAY)
    session.flush()
    assert sessions_found(session, "muong ang") == [desk["neither"]]
    assert sessions_found(session, "tru so") == [desk["by_visit"]]


def test_visits_and_citizens_are_found_accents_ignored(session, desk, both_ways):
    found = reception.list_visits(session, VisitFilter(query="nguyen v"))
    assert [v.citizen_id for v in found] == [desk["an"]]
    assert reception.count_visits(session, VisitFilter(query="nguyen v")) == 1
    assert len(reception.list_visits(session, VisitFilter(query="tran thi"))) == 2
    assert [c.full_name for c in citizens.list_citizens(session, "nguyen v")] == [
        "Nguyễn Văn An"]
    assert citizens.count_citizens(session, "nguyen v") == 1
    assert [c.full_name for c in citizens.list_citizens(session, "ban keo")] == [
        "Nguyễn Văn An"]
    assert citizens.list_citizens(session, "nguyen v", unit_ids=["x" * 32]) == []


def test_a_merged_citizen_is_not_listed_nor_found_by_the_global_search(session, unit,
                                                                        both_ways):
    from receptiondesk.services.search_results import describe_hits, list_hits

    keep = citizens.create_citizen(session, unit.id, CitizenInput("Nguyễn Văn Sơn"),
                                   today=TODAY)
    dup = citizens.create_citizen(session, unit.id, CitizenInput("Nguyễn Văn Sơn"),
                                  today=TODAY)
    citizens.merge_citizens(session, keep.id, dup.id)
    # what an older version left: the merged record still in the index under its name
    session.execute(text("UPDATE citizens SET search_text = 'nguyen van son' WHERE id = :i"),
                    {"i": dup.id})
    session.flush()
    assert [c.id for c in citizens.list_citizens(session, "nguyen van son")] == [keep.id]
    assert [h.record_id for h in describe_hits(session, "nguyen van son")] == [keep.id]
    assert [h.record_id for h in list_hits(session, "nguyen van son")] == [keep.id]


# --- migration 0012 ------------------------------------------------------------------------


def _old_database(url: str):
    """A database at schema 0011 holding a unit, two sessions (one with a visit) and a
    petition, written as the program of schema 0011 wrote them (no sessions' text)."""
    from alembic import command
    from sqlalchemy.orm import Session

    from receptiondesk.db import alembic_config, make_engine
    from receptiondesk.services import petitions, units
    from receptiondesk.services.reference import ensure_reference_data

    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0011")
    with Session(engine) as s:
        ensure_reference_data(s)
        unit = units.create_unit(s, units.UnitInput(code="X", name="Xã A"), home=True)
        an = citizens.create_citizen(s, unit.id, CitizenInput("Nguyễn Văn An"), today=TODAY)
        # numbered by hand: schema 0011 had no number counters (0013)
        petitions.register_petition(s, unit.id, petitions.PetitionInput(
            date(2026, 2, 13), "complaint", "Tranh chấp đất đai",
            petitioners=[petitions.PetitionerInput("Nguyễn Văn An", citizen_id=an.id)],
            ref="0001/2026/X"), today=TODAY)
        s.flush()
        ids = {}
        for key, day, who, where, visit in (
                ("hung", "2026-03-02", "Nguyễn Văn Hùng", "Nhà văn hóa", None),
                ("khoa", "2026-02-16", "Lò Văn Khoa", "Trụ sở", an.id)):
            ids[key] = f"{key:x<32}"
            s.execute(text(
                "INSERT INTO reception_sessions (id, created_at, updated_at, version, unit_id, "
                "ref, session_date, place, kind, mode, presiding_name, notes, locked) VALUES "
                "(:id, :now, :now, 1, :unit, '', :day, :place, 'regular', 'in_person', :who, "
                "'Ghi chú', :no)"),
                {"id": ids[key], "now": "2026-03-02 08:00:00", "unit": unit.id, "day": day,
                 "place": where, "who": who, "no": False})
            if visit:
                s.execute(text(
                    "INSERT INTO visits (id, created_at, updated_at, version, unit_id, "
                    "session_id, seq, visit_date, citizen_id, head_count, is_delegation, "
                    "representatives, content, previously_handled_by, handling, direction, "
                    "follow_up, notes, search_text, locked) VALUES (:id, :now, :now, 1, :unit, "
                    ":sid, 1, :day, :cid, 1, :no, '', 'Đất đai', '', 'none', '', '', '', "
                    "'nguyen van an dat dai', :no)"),
                    {"id": "v" * 32, "now": "2026-03-02 08:00:00", "unit": unit.id,
                     "sid": ids[key], "day": day, "cid": visit, "no": False})
        s.commit()
        unit_id = unit.id
    engine.dispose()
    return ids, unit_id


def _upgraded_database_is_searched(url: str, ids: dict, unit_id: str) -> None:
    from receptiondesk.db import current_revision, head_revision
    from receptiondesk.services.database import open_database

    db = open_database(database_url=url)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.session() as s:
            assert s.scalar(text("SELECT search_text FROM reception_sessions WHERE id = :i"),
                            {"i": ids["hung"]}) == "nha van hoa nguyen van hung ghi chu"
            assert sessions_found(s, "nguyen v") == [ids["hung"], ids["khoa"]]
            assert sessions_found(s, "nha van") == [ids["hung"]]
            assert sessions_found(s, "nguyen van an") == [ids["khoa"]]
            # the other kinds are found as before
            assert [c.full_name for c in citizens.list_citizens(s, "nguyen v")] == [
                "Nguyễn Văn An"]
            from receptiondesk.services.petitions import PetitionFilter, list_petitions

            assert len(list_petitions(s, PetitionFilter(query="tranh chap"))) == 1
            # a session written afterwards is kept in the index by the program
            new = reception.create_session(s, unit_id, SessionInput(
                date(2026, 3, 10), presiding_name="Quàng Thị Mai", place="Bản Co"),
                today=TODAY)
            s.flush()
            assert sessions_found(s, "quang thi") == [new.id]
        with db.session() as s:
            assert sessions_found(s, "ban co") == [new.id]
    finally:
        db.close()


def test_upgrade_from_0011_with_sessions_puts_them_in_the_index(tmp_path):
    from receptiondesk.db import sqlite_url

    url = sqlite_url(tmp_path / "old.db")
    ids, unit_id = _old_database(url)
    _upgraded_database_is_searched(url, ids, unit_id)


def test_upgrade_from_0011_on_postgresql(request):
    """The same on PostgreSQL: a database of the test server taken down to 0011 first."""
    from alembic import command

    from receptiondesk.db import alembic_config, make_engine

    server = request.getfixturevalue("postgres_server")
    name = server.new_database()
    try:
        url = server.url_of(name)
        engine = make_engine(url)
        command.downgrade(alembic_config(engine), "0011")
        engine.dispose()
        ids, unit_id = _old_database(url)
        _upgraded_database_is_searched(url, ids, unit_id)
    finally:
        server.release(name)


def test_down_to_0011_and_up_again_keeps_the_search_whole(tmp_path):
    from alembic import command

    from receptiondesk.db import alembic_config, make_engine, sqlite_url

    url = sqlite_url(tmp_path / "t.db")
    ids, unit_id = _old_database(url)
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "head")
    command.downgrade(alembic_config(engine), "0011")
    with engine.connect() as conn:
        kinds = dict(conn.execute(text("SELECT kind, count(*) FROM search_index GROUP BY kind"))
                     .all())
        assert kinds == {"citizen": 1, "petition": 1, "visit": 1}
        assert conn.scalar(text("SELECT count(*) FROM search_rows")) == 3
        assert "search_text" not in {c[1] for c in conn.execute(
            text("PRAGMA table_info(reception_sessions)"))}
    engine.dispose()
    _upgraded_database_is_searched(url, ids, unit_id)
