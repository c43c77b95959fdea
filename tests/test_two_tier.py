"""Issue 15, point 9: two-tier local government. From 1/7/2025 the district level ends
(Luật Tổ chức chính quyền địa phương 72/2025/QH15): a dissolved district takes no new
record, naming its successor, and its open cases pass to the successor with a history
step. Both kinds of unit."""

from __future__ import annotations

from datetime import date

import pytest

from receptiondesk.model.codes import EventKind
from receptiondesk.services import petitions, units
from receptiondesk.services.errors import ValidationError
from receptiondesk.services.petitions import PetitionerInput, PetitionInput

TODAY = date(2026, 11, 5)
KINDS = {"party": ("TU", "Tỉnh ủy Điện Biên", "HU", "Huyện ủy Điện Biên Đông"),
         "state": ("UBT", "Ủy ban nhân dân tỉnh Điện Biên", "UBH",
                   "Ủy ban nhân dân huyện Điện Biên Đông")}


def setup(session, kind, successor=True):
    pcode, pname, dcode, dname = KINDS[kind]
    province = units.create_unit(session, units.UnitInput(pcode, pname, "province", kind))
    district = units.create_unit(session, units.UnitInput(
        dcode, dname, "district", kind, parent_code=pcode))
    return province, district


def petition(session, unit, received, ptype="recommendation"):
    return petitions.register_petition(session, unit.id, PetitionInput(
        received, ptype, "Kiến nghị sửa đường liên bản",
        petitioners=[PetitionerInput("Lò Văn Pầng", address="Bản Na Sang")]), today=TODAY)


def dissolve(session, district, successor_code):
    units.update_unit(session, district.id, units.UnitInput(
        district.code, district.name, "district", district.kind,
        parent_code=None, dissolved_on=date(2025, 7, 1), successor_code=successor_code))


@pytest.mark.parametrize("kind", ["party", "state"])
def test_a_dissolved_district_refuses_new_records_naming_its_successor(session, kind):
    province, district = setup(session, kind)
    dissolve(session, district, province.code)
    with pytest.raises(ValidationError) as err:
        petition(session, district, date(2026, 11, 2))
    message = err.value.for_field("received_date")
    assert district.name in message and province.name in message
    assert "dissolved" in message
    # a record dated before the dissolution is still history and is kept
    assert petition(session, district, date(2025, 6, 20)).unit_id == district.id


def test_without_a_successor_the_refusal_says_to_name_one(session):
    province, district = setup(session, "state")
    dissolve(session, district, None)
    with pytest.raises(ValidationError) as err:
        petition(session, district, date(2026, 11, 2))
    assert "name its successor" in err.value.for_field("received_date")
    with pytest.raises(ValidationError):
        petitions.transfer_open_cases(session, district.id, TODAY)


@pytest.mark.parametrize("kind", ["party", "state"])
def test_open_cases_pass_to_the_successor_with_a_history_step(session, kind):
    province, district = setup(session, kind)
    open_one = petition(session, district, date(2025, 6, 20))
    done = petition(session, district, date(2025, 6, 10))
    petitions.classify(session, done.id, petitions.Classification(True, True),
                       date(2025, 6, 11), today=TODAY)
    petitions.decide_handling(session, done.id, "archive", date(2025, 6, 12), today=TODAY)
    dissolve(session, district, province.code)
    assert petitions.transfer_open_cases(session, district.id, date(2025, 7, 1)) == 1
    assert open_one.unit_id == province.id
    assert all(x.unit_id == province.id for x in open_one.petitioners)
    assert done.unit_id == district.id  # a handled case stays in the district's history
    last = petitions.events(session, open_one.id)[-1]
    assert last.kind == EventKind.NOTE and province.name in last.note
    assert district.name in last.note and last.event_date == date(2025, 7, 1)


def test_a_successor_must_exist_and_be_in_being(session):
    province, district = setup(session, "state")
    with pytest.raises(ValidationError) as err:
        dissolve(session, district, "NOPE")
    assert err.value.for_field("successor_code")
    with pytest.raises(ValidationError):
        dissolve(session, district, district.code)
