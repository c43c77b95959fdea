"""Sealed identities from end to end (issue 17's "Done means"): the keys made by a real
sign-in, a denouncer recorded by the clerk, then read by the office head through the
services — before and after the head's password changes, and after the head's password
is reset and the recovery key gives the keys back — while the clerk reads only
"(confidential)" and the file never holds the name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from test_key_custody import (  # noqa: F401 - the fixture is used by its name
    PASSWORDS,
    _no_keys_left,
    _office,
    _sign_in,
)

from receptiondesk.model import Petition
from receptiondesk.services import accounts, key_custody, petitions, sealing
from receptiondesk.services.accounts import acting_as

TODAY = date(2026, 3, 2)
NAME, ID_NUMBER, PHONE = "Hoàng Thị Kín", "011223344556", "0911222333"


def sign_in(db, username: str, password: str | None = None):
    """Sign in as the window does (the office's keys unlocked); the acting account."""
    return _sign_in(db, username, password)[0]


def petitioner_seen(db, ref: str) -> tuple[str, str | None]:
    """The denouncer's name and ID number as the signed-in account reads them."""
    with db.session() as s:
        p = s.scalars(select(Petition).where(Petition.ref == ref)).one()
        person = p.petitioners[0]
        return person.full_name, person.id_number


def test_the_head_reads_the_denouncer_after_a_password_change_and_a_recovery(db, session,
                                                                              unit):
    session.commit()  # the unit; each step below works in a session of its own
    recovery_key = _office(db)  # an administrator, an office head and a clerk
    sign_in(db, "truong")  # the first cleared sign-in makes the office's keys
    assert sealing.current_keyring() is not None and sealing.current_keyring().cleared

    clerk = sign_in(db, "vanthu")
    assert not sealing.current_keyring().cleared
    with acting_as(clerk), db.session() as s:
        petitions.register_petition(s, unit.id, petitions.PetitionInput(
            date(2026, 2, 20), "denunciation", "Tố cáo việc thu tiền sai quy định",
            source_code="post", ref="TC-09",
            petitioners=[petitions.PetitionerInput(NAME, ID_NUMBER, "Bản Kín", PHONE)]),
            today=TODAY)
    name, number = petitioner_seen(db, "TC-09")
    assert NAME not in name and number != ID_NUMBER  # the clerk who wrote it cannot read it

    head = sign_in(db, "truong")
    assert petitioner_seen(db, "TC-09") == (NAME, ID_NUMBER)
    with acting_as(head), db.session() as s:
        accounts.change_own_password(s, PASSWORDS["truong"], "mat-khau-moi-2")
    sign_in(db, "truong", "mat-khau-moi-2")
    assert petitioner_seen(db, "TC-09") == (NAME, ID_NUMBER)

    # the head forgets the password; the administrator sets one: not cleared again
    # until the recovery key gives the keys back
    admin = sign_in(db, "quantri")
    with acting_as(admin), db.session() as s:
        accounts.set_password(s, accounts.user_by_name(s, "truong").id, "dat-lai-3",
                              must_change_password=False)
    sign_in(db, "truong", "dat-lai-3")
    assert petitioner_seen(db, "TC-09")[0] != NAME
    with acting_as(None), db.session() as s:
        key_custody.open_with_recovery_key(s, recovery_key)
    sign_in(db, "truong", "dat-lai-3")
    assert petitioner_seen(db, "TC-09") == (NAME, ID_NUMBER)


@pytest.mark.sqlite_only("reads the bytes of the database file")
def test_the_file_holds_the_denouncer_only_sealed(db, session, unit):
    session.commit()
    _office(db)
    head = sign_in(db, "truong")
    with acting_as(head), db.session() as s:
        petitions.register_petition(s, unit.id, petitions.PetitionInput(
            date(2026, 2, 20), "denunciation", "Tố cáo việc thu tiền sai quy định",
            source_code="post", ref="TC-10",
            petitioners=[petitions.PetitionerInput(NAME, ID_NUMBER, "Bản Kín", PHONE)]),
            today=TODAY)
    path = db.engine.url.database
    db.engine.dispose()
    data = b"".join(Path(path + suffix).read_bytes() for suffix in ("", "-wal")
                    if Path(path + suffix).exists())
    for secret in (NAME, ID_NUMBER, PHONE):
        for form in (secret.encode("utf-8"), secret.encode("utf-16-le")):
            assert form not in data, secret
