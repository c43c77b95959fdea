"""The one protection (issue 12, item 2): what a viewer may see of a person and a text.

A denouncer's name, ID number and phone are blotted out of any text and any person for
a viewer not cleared, however they are typed; a cleared viewer sees everything.
"""

from __future__ import annotations

from receptiondesk.i18n import using_language
from receptiondesk.services.protection import Shield, redacted

NAME = "Hoàng Văn Bí"
ID_NUMBER = "012345678901"
PHONE = "0912345678"


def uncleared() -> Shield:
    return Shield(False, [NAME], [ID_NUMBER, PHONE])


def test_the_name_id_and_phone_are_blotted_out_however_they_are_typed():
    shield = uncleared()
    for typed in (f"Ông {NAME} tố cáo", "ông hoang van bi tố cáo", "ÔNG HOÀNG  VĂN BÍ tố cáo",
                  "ông Hoa\u0300ng Va\u0306n Bi\u0301 tố cáo",  # decomposed accents
                  "CCCD 012345678901 tố cáo", "ĐT 0912.345.678 tố cáo",
                  "ĐT +84 912 345 678 tố cáo", "ĐT 0912-345-678 tố cáo"):
        shown = shield.text(typed)
        assert redacted() in shown, typed
        assert shown.endswith("tố cáo"), typed
        for secret in ("oàng", "oang", "OÀNG", "345", "Bi\u0301"):
            assert secret not in shown, (typed, shown)


def test_other_names_and_words_are_left_alone():
    shield = uncleared()
    for text in ("Hoàng Văn Bình khiếu nại", "Bí thư Hoàng", "An ninh trật tự",
                 "Số 2026 ngày 05", "ĐT 0912345679"):
        assert shield.text(text) == text


def test_a_cleared_viewer_sees_everything():
    shield = Shield(True, [NAME], [ID_NUMBER, PHONE])
    text = f"{NAME}, {ID_NUMBER}, {PHONE}"
    assert shield.text(text) == text
    person = shield.person(NAME, ID_NUMBER, PHONE, "Bản Ẩn Mật", 1975, protected=True)
    assert (person.name, person.id_number, person.address, person.hidden) == (
        NAME, ID_NUMBER, "Bản Ẩn Mật", False)


def test_a_protected_person_is_blotted_out_whole_for_an_uncleared_viewer():
    shield = uncleared()
    # a protected person's ordinary complaint: matched by name alone
    person = shield.person("hoàng văn bí", "", "", "Bản Ẩn Mật", 1975)
    assert (person.name, person.id_number, person.phone, person.address, person.birth_year,
            person.hidden) == (redacted(), "", "", "", None, True)
    # or marked protected by the caller (a protected citizen whatever the name)
    assert shield.person("Lò Thị Mai", protected=True).hidden
    other = shield.person("Lò Thị Mai", "", "", "Bản Phăng")
    assert (other.name, other.address, other.hidden) == ("Lò Thị Mai", "Bản Phăng", False)


def test_the_blot_is_in_the_viewer_language():
    assert uncleared().text(NAME) == "(confidential)"
    with using_language("vi"):
        assert uncleared().text(NAME) == "(được bảo mật)"


def test_a_denunciation_saved_elsewhere_is_blotted_out_at_once(db, session, unit):
    """The shield is kept between pages and searches (a province's identities take most of
    a second to read), yet a denouncer registered in another unit of work — a new name,
    by post, linked to no citizen — is blotted out from the next look on."""
    from datetime import date

    from receptiondesk.services import petitions, protection

    other = "Đinh Thị Gấm"
    text = f"Bà {other} cho biết"
    session.commit()  # the home unit, for the other unit of work
    assert protection.shield(session).text(text) == text
    session.commit()
    with db.session() as s:
        petitions.register_petition(s, unit.id, petitions.PetitionInput(
            date.today(), "denunciation", "Tố cáo việc thu tiền", source_code="post",
            petitioners=[petitions.PetitionerInput(other, "", "", "")]))
    session.commit()  # a new snapshot
    assert protection.shield(session).text(text) == f"Bà {redacted()} cho biết"


def test_a_namesake_with_another_id_number_is_a_different_person():
    """A person is told apart by their ID number: a namesake who has one of their own is
    shown; one without any cannot be told apart, and is blotted out."""
    shield = uncleared()
    assert not shield.person(NAME, "079123456789").hidden
    assert shield.person(NAME, "").hidden
    assert shield.person("Lò Thị Mai", ID_NUMBER).hidden  # the denouncer's number
    assert shield.person("Lò Thị Mai", "", PHONE).hidden
    # in a text the name cannot be told apart: blotted wherever it stands
    assert shield.text(f"{NAME}, CCCD 079123456789") == f"{redacted()}, CCCD 079123456789"
