"""Search behaves the same on SQLite (FTS5) and PostgreSQL (folded text, pg_trgm index).

Every test here runs on both backends when RECEPTIONDESK_TEST_PG_URL is set (the ``db``
fixture); the last ones are about PostgreSQL alone.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from receptiondesk.model import Citizen
from receptiondesk.services import citizens
from receptiondesk.services.meetings import (
    MeetingFilter,
    MeetingInput,
    count_meetings,
    create_meeting,
)
from receptiondesk.services.search import matching_ids, search
from receptiondesk.text import fold


def names_found(session, query: str) -> list[str]:
    return sorted(c.full_name for c in citizens.list_citizens(session, query))


@pytest.fixture
def people(session, unit):
    for name in ("Nguyễn Văn An", "Trần Văn Toàn", "Đỗ Thị Đào", "Lê Thị Anh"):
        citizens.create_citizen(session, unit.id, citizens.CitizenInput(name))
    session.flush()


def test_unaccented_words_find_accented_names(session, people):
    assert names_found(session, "nguyen van an") == ["Nguyễn Văn An"]
    assert names_found(session, "NGUYỄN VĂN AN") == ["Nguyễn Văn An"]
    assert names_found(session, "do thi dao") == ["Đỗ Thị Đào"]  # đ → d


def test_each_word_matches_the_start_of_a_word(session, people):
    # "v" starts "Văn"; "an" starts "An" and "Anh", not the end of "Toàn"
    assert names_found(session, "nguyen v") == ["Nguyễn Văn An"]
    assert names_found(session, "tran v") == ["Trần Văn Toàn"]
    assert names_found(session, "an") == ["Lê Thị Anh", "Nguyễn Văn An"]
    assert names_found(session, "oan") == []
    assert names_found(session, "anh le") == ["Lê Thị Anh"]  # in any order


def test_the_search_command_finds_every_kind_and_nothing_for_punctuation(session, people):
    hits = search(session, "dao")
    assert [h.kind for h in hits] == ["citizen"]
    assert search(session, "%_") == [] and matching_ids(session, "  ", "citizen") is None


def test_small_tables_fold_their_text_on_both_backends(session, unit, official):
    create_meeting(session, unit.id, MeetingInput(
        meeting_date=date(2026, 3, 2), chaired_by_id=official.id,
        content="Giải quyết tranh chấp ĐẤT ĐAI thôn Bản Phăng"))
    session.flush()
    assert count_meetings(session, MeetingFilter(query="dat dai ban phang")) == 1
    assert count_meetings(session, MeetingFilter(query="đất đai")) == 1
    assert count_meetings(session, MeetingFilter(query="dat dai x")) == 0


# --- PostgreSQL alone ------------------------------------------------------------------


#: the ``db`` fixture on PostgreSQL alone (skipped, with the reason, without a server)
postgresql_only = pytest.mark.parametrize("db", ["postgresql"], indirect=True)

FOLD_SAMPLES = [
    "Nguyễn Văn An", "ĐẤT ĐAI, Thôn 2!!", "Nguye\u0301n  -- x_y", "Trần  Thị\tBé (con)",
    "a\u00adb", "Đường “Lê Lợi” – số 5…", "", "Ỹ Ỵ ỹ ỵ Ơ Ư",
]


@postgresql_only
def test_postgresql_folds_like_python(db, session):
    for value in FOLD_SAMPLES:
        assert session.scalar(text("SELECT rd_fold(:v)"), {"v": value}) == fold(value), value


@postgresql_only
def test_postgresql_search_reads_the_trigram_index(db, session, people):
    session.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table: force the choice
    stmt = matching_ids(session, "nguyen van", "citizen")
    compiled = stmt.compile(session.get_bind())
    plan = "\n".join(row[0] for row in session.connection().exec_driver_sql(
        "EXPLAIN " + str(compiled), compiled.params))
    assert f"ix_{Citizen.__tablename__}_search_trgm" in plan, plan
