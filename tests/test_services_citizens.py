"""The citizens directory: typeahead, Vietnamese roster order, repeat finding, merging."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from receptiondesk.model import Citizen, Petitioner, Visit, VisitAttendee
from receptiondesk.services import citizens, petitions, reception
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.errors import NotFoundError, ValidationError

TODAY = date(2026, 3, 20)


def add(session, unit, name, id_number=None, address="", **kw) -> Citizen:
    return citizens.create_citizen(
        session, unit.id, CitizenInput(name, id_number=id_number, address=address, **kw),
        today=TODAY,
    )


@pytest.fixture
def people(session, unit):
    return {
        name: add(session, unit, name, id_number, address)
        for name, id_number, address in [
            ("Nguyễn Văn An", "011068001234", "Thôn Bản Phăng"),
            ("Nguyễn Văn Bình", "011070005678", "Thôn Co Mỵ"),
            ("Trần Thị Ánh", "011185009999", "Thôn Bản Phăng"),
            ("Phạm Đức Anh", None, "Thôn 2"),
            ("Hoàng Thị Ân", None, "Thôn 3"),
            ("Lê Văn Dũng", "022090001111", "Thôn 4"),
            ("Vũ Văn Đông", None, "Thôn 5"),
            ("Trần Văn An", None, "Thôn 6"),
        ]
    }


def names(rows) -> list[str]:
    return [c.full_name for c in rows]


def test_typeahead_by_unaccented_partial_name(session, people):
    assert set(names(citizens.find_citizens(session, "nguyen van"))) == {
        "Nguyễn Văn An", "Nguyễn Văn Bình"}
    assert names(citizens.find_citizens(session, "ngu van bin")) == ["Nguyễn Văn Bình"]
    assert names(citizens.find_citizens(session, "DONG")) == ["Vũ Văn Đông"]
    assert names(citizens.find_citizens(session, "tran thi")) == ["Trần Thị Ánh"]
    assert citizens.find_citizens(session, "   ") == []
    assert citizens.find_citizens(session, "xyz") == []


def test_typeahead_by_id_number_prefix(session, people):
    assert set(names(citizens.find_citizens(session, "011"))) == {
        "Nguyễn Văn An", "Nguyễn Văn Bình", "Trần Thị Ánh"}
    assert names(citizens.find_citizens(session, "0220 9")) == ["Lê Văn Dũng"]
    assert names(citizens.find_citizens(session, "011068001234")) == ["Nguyễn Văn An"]
    assert citizens.find_citizens(session, "999") == []


def test_directory_is_in_vietnamese_roster_order(session, people):
    # Given name first (An, Anh, Ánh, Ân, Bình, Dũng, Đông), then surname.
    assert names(citizens.list_citizens(session)) == [
        "Nguyễn Văn An", "Trần Văn An", "Phạm Đức Anh", "Trần Thị Ánh", "Hoàng Thị Ân",
        "Nguyễn Văn Bình", "Lê Văn Dũng", "Vũ Văn Đông",
    ]
    assert citizens.count_citizens(session) == 8
    page = citizens.list_citizens(session, offset=2, limit=3)
    assert names(page) == ["Phạm Đức Anh", "Trần Thị Ánh", "Hoàng Thị Ân"]
    assert names(citizens.list_citizens(session, "an")) == [
        "Nguyễn Văn An", "Trần Văn An", "Phạm Đức Anh", "Trần Thị Ánh", "Hoàng Thị Ân"]
    assert citizens.count_citizens(session, "tran") == 2


def test_same_person_by_id_number(session, unit, people):
    an = people["Nguyễn Văn An"]
    found = citizens.same_person(session, "Nguyen Van Anh", "Hà Nội", "011 068 001 234")
    assert found == [an]
    assert citizens.same_person(session, "Nguyễn Văn An", "", "011068001234",
                                exclude_id=an.id) == []


def test_same_person_by_folded_name_and_address(session, people):
    an = people["Nguyễn Văn An"]
    assert citizens.same_person(session, "NGUYEN VAN AN", "thôn bản phăng,", None) == [an]
    # the same name elsewhere is someone else
    assert citizens.same_person(session, "Nguyễn Văn An", "Thôn Co Mỵ", None) == []
    # a name alone is not enough
    assert citizens.same_person(session, "Nguyễn Văn An", "", None) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": " "}, "full_name"),
        ({"id_number": "12345678901"}, "id_number"),
        ({"id_number": "01106800123A"}, "id_number"),
        ({"birth_year": 1850}, "birth_year"),
        ({"birth_year": 2027}, "birth_year"),
        ({"gender": "unknown"}, "gender"),
        ({"phone": "12ab"}, "phone"),
    ],
)
def test_citizen_validation(session, unit, changes, field):
    before = session.scalar(select(func.count(Citizen.id)))
    with pytest.raises(ValidationError) as info:
        citizens.create_citizen(session, unit.id,
                                CitizenInput(**({"full_name": "Lò Văn Tiến"} | changes)),
                                today=TODAY)
    assert info.value.for_field(field), info.value.errors
    assert session.scalar(select(func.count(Citizen.id))) == before


def test_id_numbers_are_kept_as_digits(session, unit):
    c = add(session, unit, "  Lò   Văn Tiến ", "011.068.001.235")
    assert c.full_name == "Lò Văn Tiến" and c.id_number == "011068001235"
    assert c.name_key == "lo van tien"


def test_merge_moves_visits_and_petitions(session, unit, official, people):
    keep = people["Nguyễn Văn An"]
    dup = add(session, unit, "Nguyễn Văn  An", None, "thôn Bản Phăng", phone="0912 345 678")
    other = people["Nguyễn Văn Bình"]
    assert citizens.same_person(session, dup.full_name, dup.address, None,
                                exclude_id=dup.id) == [keep]
    rs = reception.create_session(
        session, unit.id,
        reception.SessionInput(date(2026, 3, 2), presiding_official_id=official.id),
        today=TODAY,
    )
    own = reception.add_visit(session, rs.id, reception.VisitInput("Đất", citizen_id=dup.id),
                              today=TODAY)
    along = reception.add_visit(
        session, rs.id,
        reception.VisitInput("Lối đi", citizen_id=other.id, attendee_ids=[dup.id], head_count=2),
        today=TODAY,
    )
    petition = petitions.register_petition(
        session, unit.id,
        petitions.PetitionInput(date(2026, 3, 2), "complaint", "Khiếu nại",
                                petitioners=[petitions.PetitionerInput(
                                    dup.full_name, None, dup.address, citizen_id=dup.id)]),
        today=TODAY,
    )

    kept = citizens.merge_citizens(session, keep.id, dup.id)
    assert kept.id == keep.id and kept.phone == "0912 345 678"  # a gap filled
    assert kept.id_number == "011068001234"  # never overwritten
    assert session.scalar(select(Visit.citizen_id).where(Visit.id == own.id)) == keep.id
    assert set(session.scalars(
        select(VisitAttendee.citizen_id).where(VisitAttendee.visit_id == along.id))) == {
        other.id, keep.id}
    assert session.scalar(
        select(Petitioner.citizen_id).where(Petitioner.petition_id == petition.id)) == keep.id
    assert session.scalar(select(func.count(Visit.id)).where(Visit.citizen_id == dup.id)) == 0
    assert citizens.get_citizen(session, dup.id).merged_into_id == keep.id

    visits, petitions_ = reception.citizen_history(session, keep.id)
    assert {v.id for v in visits} == {own.id, along.id}
    assert [p.id for p in petitions_] == [petition.id]
    # the duplicate is gone from the directory, the typeahead and repeat finding
    assert dup.id not in {c.id for c in citizens.list_citizens(session, "nguyen van an")}
    assert dup.id not in {c.id for c in citizens.find_citizens(session, "0912")}
    assert citizens.same_person(session, "Nguyễn Văn An", "Thôn Bản Phăng", None) == [keep]
    # a visit entered with the stale duplicate id goes to the record kept
    late = reception.add_visit(session, rs.id, reception.VisitInput("Hỏi lại",
                                                                     citizen_id=dup.id),
                               today=TODAY)
    assert late.citizen_id == keep.id


def test_merge_refuses_the_same_citizen_twice(session, people):
    an = people["Nguyễn Văn An"]
    with pytest.raises(ValidationError):
        citizens.merge_citizens(session, an.id, an.id)
    with pytest.raises(NotFoundError):
        citizens.merge_citizens(session, an.id, "f" * 32)


def test_merged_duplicate_is_not_offered_by_id_number(session, unit, people):
    keep = people["Nguyễn Văn An"]
    dup = add(session, unit, "Nguyễn Văn An", "011068001234", "Bản Phăng")
    assert len(citizens.find_citizens(session, "011068")) == 2
    citizens.merge_citizens(session, keep.id, dup.id)
    assert citizens.find_citizens(session, "011068") == [keep]
