"""The repeat-petition finder: the same citizen's earlier petitions and petitions of
similar content, found by indexed SQL with diacritics optional."""

from __future__ import annotations

from datetime import date

import pytest

from receptiondesk.services import citizens, petitions
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.petitions import PetitionerInput, PetitionInput
from receptiondesk.services.repeats import find_repeats

TODAY = date(2026, 3, 20)


def petition(session, unit, content, *people, received=date(2025, 11, 3),
             petition_type="complaint"):
    return petitions.register_petition(
        session, unit.id,
        PetitionInput(received_date=received, petition_type=petition_type, content=content,
                      source_code="post", petitioners=list(people)),
        today=TODAY,
    )


@pytest.fixture
def land(session, unit):
    """Nguyễn Văn An's earlier complaint about a land dispute."""
    return petition(
        session, unit, "Tranh chấp đất đai với hộ ông Lò Văn Pháng ở ranh giới thửa đất số 12",
        PetitionerInput("Nguyễn Văn An", "011068001234", "Thôn Bản Phăng, xã Mường Phăng"),
    )


@pytest.fixture
def allowance(session, unit):
    """An unrelated petition by someone else."""
    return petition(
        session, unit, "Chế độ trợ cấp người có công chưa được chi trả",
        PetitionerInput("Lò Thị Mai", None, "Bản Co Đứa"),
        petition_type="recommendation",
    )


def test_same_id_number_finds_the_citizens_earlier_petition(session, unit, land, allowance):
    found = find_repeats(session, id_number="0110 6800 1234", full_name="Ng V An")
    assert [p.id for p in found.same_citizen] == [land.id]


def test_same_name_without_diacritics_and_same_address(session, unit, land, allowance):
    found = find_repeats(session, full_name="nguyen van an",
                         address="thon ban phang xa muong phang")
    assert [p.id for p in found.same_citizen] == [land.id]


def test_same_name_at_another_address_is_not_the_same_citizen(session, unit, land):
    found = find_repeats(session, full_name="Nguyễn Văn An", address="Bản Noong Luống")
    assert found.same_citizen == []


def test_directory_citizen_matches_through_their_folded_address(session, unit):
    """A petition signed from the directory: the citizen's folded address decides."""
    an = citizens.create_citizen(
        session, unit.id, CitizenInput("Nguyễn Văn An", 1968, "male", None, "Thôn Bản Phăng"),
        today=TODAY,
    )
    earlier = petition(
        session, unit, "Đề nghị cấp giấy chứng nhận quyền sử dụng đất",
        PetitionerInput("Nguyễn Văn An", None, "Thôn  Bản Phăng", citizen_id=an.id),
    )
    found = find_repeats(session, full_name="NGUYEN VAN AN", address="thon ban phang")
    assert [p.id for p in found.same_citizen] == [earlier.id]


def test_similar_content_found_by_unaccented_words(session, unit, land, allowance):
    found = find_repeats(session, content="tranh chap dat dai voi hang xom")
    assert [p.id for p in found.similar_content] == [land.id]
    assert found.same_citizen == []


def test_unrelated_content_is_not_found(session, unit, land, allowance):
    found = find_repeats(session, content="Xin làm lại sổ hộ khẩu bị mất",
                         full_name="Trần Văn Bình", address="Bản Che Căn")
    assert not found
    assert found.same_citizen == [] and found.similar_content == []


def test_a_petition_is_listed_once_and_never_itself(session, unit, land):
    found = find_repeats(session, id_number="011068001234", content="tranh chấp đất đai")
    assert [p.id for p in found.same_citizen] == [land.id]
    assert found.similar_content == []
    itself = find_repeats(session, id_number="011068001234", content="tranh chấp đất đai",
                          exclude_petition_id=land.id)
    assert not itself


def test_best_match_first_and_limit(session, unit, land, allowance):
    weaker = petition(session, unit, "Đất đai bị lấn chiếm",
                      PetitionerInput("Quàng Văn Hùng", None, "Bản Phăng 2"))
    found = find_repeats(session, content="tranh chấp đất đai ranh giới thửa đất", limit=1)
    assert [p.id for p in found.similar_content] == [land.id]
    both = find_repeats(session, content="tranh chấp đất đai ranh giới thửa đất")
    assert [p.id for p in both.similar_content] == [land.id, weaker.id]


def test_units_outside_the_filter_are_ignored(session, unit, land):
    found = find_repeats(session, id_number="011068001234", content="tranh chấp đất đai",
                         unit_ids=["someone-else"])
    assert not found


def test_earlier_denunciations_are_not_tied_to_a_person_unless_cleared(session, unit):
    secret = petition(
        session, unit, "Tố cáo cán bộ địa chính nhận tiền",
        PetitionerInput("Nguyễn Văn An", "011068001234", "Thôn Bản Phăng"),
        petition_type="denunciation",
    )
    assert find_repeats(session, id_number="011068001234").same_citizen == []
    cleared = find_repeats(session, id_number="011068001234", cleared=True)
    assert [p.id for p in cleared.same_citizen] == [secret.id]


def test_like_fallback_for_other_engines_ranks_by_words_matched(session, unit, land, allowance):
    """The LIKE query other engines use gives the same answer (run here on SQLite)."""
    from receptiondesk.services.repeats import _fts_words, _ranked_by_like
    from receptiondesk.text import fts_any

    words = _fts_words(fts_any("tranh chap dat dai voi hang xom"))
    assert "tranh" in words and "voi" not in words
    assert _ranked_by_like(session, words, None, [], 10) == [land.id]
    assert _ranked_by_like(session, words, None, [land.id], 10) == []
