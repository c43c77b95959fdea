"""Keys that follow clearance: a cleared account's sign-in unlocks the office's private
sealing key, any other account's only the index key; a password change, a reset by the
administrator with the recovery key, and role changes keep the right keys with the right
accounts; the database file holds none of the keys in plain; migration 0022."""

from __future__ import annotations

import base64
import os

import pytest
from alembic import command
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.orm import Session

from receptiondesk.db import alembic_config, make_engine, sqlite_url
from receptiondesk.i18n import using_language
from receptiondesk.model import KeyGrant, KeyHolder, OfficeKey, User
from receptiondesk.model.base import new_id, utcnow
from receptiondesk.services import accounts, key_custody, sealing, units
from receptiondesk.services.accounts import (
    ADMINISTRATOR,
    CLERK,
    OFFICE_HEAD,
    RECEIVING_OFFICIAL,
    AuthenticationError,
    UserInput,
    acting_as,
    create_user,
    sign_in_with_password,
)
from receptiondesk.services.database import open_database
from receptiondesk.services.office_keys import own_key, signer
from receptiondesk.services.reference import ensure_reference_data

PASSWORDS = {"quantri": "quan-tri-1", "truong": "truong-ban-1", "vanthu": "van-thu-01"}
NEW_TABLES = {"sealing_keys", "key_holders", "key_grants"}


@pytest.fixture(autouse=True)
def _no_keys_left():
    key_custody.forget()
    yield
    accounts.sign_out()


def _sign_in(db, username: str, password: str | None = None):
    """Sign in as the window does; the keyring the sign-in left."""
    actor = sign_in_with_password(db, username, password or PASSWORDS[username])
    accounts.sign_in(actor)
    return actor, sealing.current_keyring()


def _office(db) -> str:
    """An administrator, an office head and a clerk; the recovery key issued with them."""
    with db.session() as s:
        admin = create_user(s, UserInput("quantri", "Quản trị", ADMINISTRATOR),
                            PASSWORDS["quantri"], must_change_password=False)
        key = accounts.take_issued_recovery_key(s)
        with acting_as(admin):
            create_user(s, UserInput("truong", "Lường Thị Mai", OFFICE_HEAD),
                        PASSWORDS["truong"], must_change_password=False)
            create_user(s, UserInput("vanthu", "Nguyễn Thị Hoa", CLERK),
                        PASSWORDS["vanthu"], must_change_password=False)
    assert key
    return key


def _seal(ring, name="Nguyễn Văn Tố") -> str:
    return sealing.seal(name, context="petitioners.full_name", keyring=ring)


def _opens(ring, value) -> str:
    return sealing.open_sealed(value, context="petitioners.full_name", keyring=ring)


def test_cleared_sign_in_unlocks_the_private_key_others_only_the_index_key(db):
    _office(db)
    _, ring = _sign_in(db, "vanthu")
    assert ring is None  # no office keys yet: they are made by a cleared account
    _, head = _sign_in(db, "truong")
    assert head is not None and head.cleared and head.index_key is not None
    value = _seal(head)
    _, clerk = _sign_in(db, "vanthu")
    assert clerk is not None and not clerk.cleared
    assert clerk.index_key == head.index_key  # given at the head's sign-in
    assert clerk.public_key == head.public_key
    with pytest.raises(sealing.NotCleared):
        _opens(clerk, value)
    clerks_value = _seal(clerk, "Lò Văn Khoa")  # a clerk seals, the head opens
    _, admin = _sign_in(db, "quantri")
    assert admin is not None and not admin.cleared and admin.index_key == head.index_key
    _, head = _sign_in(db, "truong")
    assert _opens(head, clerks_value) == "Lò Văn Khoa" and _opens(head, value) == "Nguyễn Văn Tố"
    accounts.sign_out()
    assert sealing.current_keyring() is None  # signing out takes the keys away


def test_a_wrong_password_unlocks_nothing(db):
    _office(db)
    _sign_in(db, "truong")
    accounts.sign_out()
    with pytest.raises(AuthenticationError):
        sign_in_with_password(db, "truong", "not-the-password")
    assert sealing.current_keyring() is None and key_custody.unlocked() is None


def test_after_a_password_change_and_a_reset_the_head_still_opens_old_values(db):
    recovery_key = _office(db)
    head_actor, head = _sign_in(db, "truong")
    value = _seal(head)
    with acting_as(head_actor), db.session() as s:
        accounts.change_own_password(s, PASSWORDS["truong"], "mat-khau-moi-2")
    with pytest.raises(AuthenticationError):
        sign_in_with_password(db, "truong", PASSWORDS["truong"])
    _, head = _sign_in(db, "truong", "mat-khau-moi-2")
    assert _opens(head, value) == "Nguyễn Văn Tố"
    # the head forgets the password: the administrator sets a new one; the old key pair
    # cannot be opened, so the head is cleared again only with the recovery key
    admin_actor, _ring = _sign_in(db, "quantri")
    with acting_as(admin_actor), db.session() as s:
        head_id = accounts.user_by_name(s, "truong").id
        accounts.set_password(s, head_id, "dat-lai-3", must_change_password=False)
    _, head = _sign_in(db, "truong", "dat-lai-3")
    assert head is not None and not head.cleared and head.index_key is not None
    with acting_as(None), db.session() as s:
        opened = key_custody.open_with_recovery_key(s, recovery_key.lower())
        assert key_custody.OFFICE_PRIVATE in opened
    _, head = _sign_in(db, "truong", "dat-lai-3")
    assert head is not None and _opens(head, value) == "Nguyễn Văn Tố"


def test_a_role_change_into_and_out_of_clearance_grants_and_removes(db):
    _office(db)
    _, head = _sign_in(db, "truong")
    value = _seal(head)
    admin_actor, _ring = _sign_in(db, "quantri")
    with acting_as(admin_actor), db.session() as s:
        clerk = accounts.user_by_name(s, "vanthu")
        accounts.update_user(s, clerk.id, UserInput("vanthu", clerk.full_name,
                                                      RECEIVING_OFFICIAL))
    _, ring = _sign_in(db, "vanthu")
    assert not ring.cleared  # the administrator does not hold the key: pending
    _sign_in(db, "truong")  # a cleared sign-in makes the pending grant
    _, ring = _sign_in(db, "vanthu")
    assert ring.cleared and _opens(ring, value) == "Nguyễn Văn Tố"
    admin_actor, _ring = _sign_in(db, "quantri")
    with acting_as(admin_actor), db.session() as s:
        clerk = accounts.user_by_name(s, "vanthu")
        accounts.update_user(s, clerk.id, UserInput("vanthu", clerk.full_name, CLERK))
        holder = s.scalar(select(KeyHolder.id).where(KeyHolder.user_id == clerk.id))
        names = set(s.scalars(select(KeyGrant.key_name).where(KeyGrant.holder_id == holder)))
    assert names == {key_custody.INDEX}  # removed at once, not at the next sign-in
    _, ring = _sign_in(db, "vanthu")
    assert not ring.cleared


def test_the_last_copy_of_the_private_key_is_kept(db):
    """Demoting the only holder of the private key (no recovery key holds it either)
    would lose every sealed value: that grant stays, unused by the uncleared role."""
    with db.session() as s:
        admin = create_user(s, UserInput("quantri", "Quản trị", ADMINISTRATOR),
                            PASSWORDS["quantri"], must_change_password=False)
        s.execute(text("DELETE FROM key_holders WHERE kind = 'recovery'"))
        with acting_as(admin):
            create_user(s, UserInput("truong", "Trưởng", OFFICE_HEAD), PASSWORDS["truong"],
                        must_change_password=False)
    _sign_in(db, "truong")
    admin_actor, _ring = _sign_in(db, "quantri")
    with acting_as(admin_actor), db.session() as s:
        head = accounts.user_by_name(s, "truong")
        accounts.update_user(s, head.id, UserInput("truong", head.full_name, CLERK))
        assert s.scalar(select(KeyGrant.id).where(
            KeyGrant.key_name == key_custody.OFFICE_PRIVATE)) is not None
    _, ring = _sign_in(db, "truong")
    assert not ring.cleared


def test_only_a_role_that_sends_bundles_signs_and_others_are_told_why(db):
    with db.session() as s:
        unit = units.create_unit(s, units.UnitInput(code="DU-MP", name="Đảng ủy xã",
                                                    level="commune", kind="party"), home=True)
    _office(db)
    with db.session() as s:
        unit = units.home_unit(s)
        row = own_key(s, unit)  # made before the office has keys: in plain for now
        plain = row.private_key
        public = row.public_key
    assert plain
    head_actor, _ring = _sign_in(db, "truong")  # seals it and blanks the plain column
    with db.session() as s:
        row = s.scalar(select(OfficeKey))
        assert row.private_key == ""
        with acting_as(head_actor):
            key = signer(row)
        assert key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex() == public
    clerk_actor, _ring = _sign_in(db, "vanthu")
    with db.session() as s, acting_as(clerk_actor):
        row = s.scalar(select(OfficeKey))
        with pytest.raises(key_custody.KeysUnavailable, match="send bundles"):
            signer(row)
        with using_language("vi"), pytest.raises(key_custody.KeysUnavailable,
                                               match="khóa ký của cơ quan"):
            signer(row)


def _raw_forms(key: bytes) -> list[bytes]:
    return [key, key.hex().encode(), key.hex().upper().encode(),
            base64.b64encode(key).rstrip(b"="), base64.urlsafe_b64encode(key).rstrip(b"=")]


@pytest.mark.sqlite_only("searches the bytes of the database file")
def test_the_file_holds_no_key_in_plain(db, tmp_path):
    with db.session() as s:
        unit = units.create_unit(s, units.UnitInput(code="DU-MP", name="Đảng ủy xã",
                                                    level="commune", kind="party"), home=True)
    _office(db)
    with db.session() as s:
        unit = units.home_unit(s)
        signing = bytes.fromhex(own_key(s, unit).private_key)
    _, head = _sign_in(db, "truong")
    _sign_in(db, "vanthu")
    secrets = {"office private key": head.private_key, "index key": head.index_key,
               "signing key": signing}
    path = db.engine.url.database
    db.close()  # checkpoints the journal into the file
    data = open(path, "rb").read()
    for name, key in secrets.items():
        assert key is not None
        for form in _raw_forms(key):
            assert form not in data, name


def test_the_demo_accounts_hold_their_keys(db):
    with db.session() as s:
        units.create_unit(s, units.UnitInput(code="DU-MP", name="Đảng ủy xã",
                                             level="commune", kind="party"), home=True)
        made = accounts.create_demo_accounts(s)
    rings = {}
    for username, _role, password in made:
        _actor, rings[username] = _sign_in(db, username, password)
    assert rings["head"].cleared and rings["official"].cleared
    assert not rings["clerk"].cleared and not rings["admin"].cleared
    assert rings["clerk"].index_key == rings["head"].index_key
    value = _seal(rings["clerk"])
    assert _opens(rings["official"], value) == "Nguyễn Văn Tố"


# --- migration 0022 ------------------------------------------------------------------------


def _old_database(path) -> tuple[str, str]:
    """A database at schema 0021 with a head's account and a plain signing key."""
    engine = make_engine(sqlite_url(path))
    command.upgrade(alembic_config(engine), "0021")
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes_raw().hex()
    with Session(engine) as s:
        ensure_reference_data(s)
        unit = units.create_unit(s, units.UnitInput(
            code="DU-MP", name="Đảng ủy xã Mường Phăng", level="commune", kind="party"),
            home=True)
        s.add(User(username="truong", full_name="Lường Thị Mai", role=OFFICE_HEAD,
                   password_hash=accounts.hash_password(PASSWORDS["truong"]),
                   failed_logins=0))
        s.execute(insert(OfficeKey).values(
            id=new_id(), unit_id=unit.id, public_key=private.public_key().public_bytes_raw()
            .hex(), private_key=raw, fingerprint="x", created_at=utcnow()))
        s.commit()
    engine.dispose()
    return raw, private.public_key().public_bytes_raw().hex()


def test_an_empty_database_gets_the_key_tables(tmp_path):
    db = open_database(tmp_path / "new.db")
    try:
        assert NEW_TABLES <= set(inspect(db.engine).get_table_names())
    finally:
        db.close()


def test_from_0021_the_first_sign_in_makes_the_keys_and_seals_the_signing_key(tmp_path):
    path = tmp_path / "old.db"
    plain, public = _old_database(path)
    db = open_database(path)  # upgrades to head
    try:
        with db.session() as s:
            assert s.scalar(select(OfficeKey.private_key)) == plain  # readable until then
        actor, ring = _sign_in(db, "truong")
        assert ring.cleared
        with db.session() as s, acting_as(actor):
            row = s.scalar(select(OfficeKey))
            assert row.private_key == ""
            assert signer(row).public_key().public_bytes_raw().hex() == public
    finally:
        db.close()


def test_the_migration_can_be_undone(tmp_path):
    path = tmp_path / "down.db"
    _old_database(path)
    engine = make_engine(sqlite_url(path))
    command.upgrade(alembic_config(engine), "0022")
    assert NEW_TABLES <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(engine), "0021")
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    with engine.connect() as c:
        assert c.execute(text("SELECT username FROM users")).scalar() == "truong"
    engine.dispose()


@pytest.mark.sqlite_only("a recovery works on the PC that holds the database file")
def test_a_recovery_gives_the_administrator_its_keys_and_makes_the_missing_grants(db):
    recovery_key = _office(db)
    _, head = _sign_in(db, "truong")
    value = _seal(head)
    admin_actor, _ring = _sign_in(db, "quantri")
    with acting_as(admin_actor), db.session() as s:  # the head's password reset, too
        accounts.set_password(s, accounts.user_by_name(s, "truong").id, "dat-lai-3",
                              must_change_password=False)
    accounts.sign_out()
    with acting_as(None), db.session() as s:
        name, temporary, _file = accounts.start_recovery(s, recovery_key=recovery_key)
    assert name == "quantri"
    _, admin = _sign_in(db, "quantri", temporary)
    assert admin is not None and not admin.cleared and admin.index_key == head.index_key
    admin_actor = accounts.current_user()
    with acting_as(admin_actor), db.session() as s:  # the new password keeps the keys
        accounts.change_own_password(s, temporary, "quan-tri-moi-4")
    _, admin = _sign_in(db, "quantri", "quan-tri-moi-4")
    assert admin.index_key == head.index_key
    _, head = _sign_in(db, "truong", "dat-lai-3")  # given back by the recovery key
    assert head.cleared and _opens(head, value) == "Nguyễn Văn Tố"


def test_the_command_lines_user_unlocks_the_keys_too(db):
    _office(db)
    _sign_in(db, "truong")  # makes the office's keys
    accounts.sign_out()
    url = db.engine.url
    where = ({"db_path": url.database} if url.get_backend_name() == "sqlite"
             else {"database_url": url.render_as_string(hide_password=False)})
    actor = accounts.sign_in_for_cli(username="truong", password=PASSWORDS["truong"], **where)
    ring = sealing.current_keyring()
    assert actor.username == "truong" and ring is not None and ring.cleared


def test_the_values_already_there_are_sealed_once_when_the_keys_are_made(db, monkeypatch):
    import sys
    import types

    calls = []
    fake = types.ModuleType("receptiondesk.services.sealed_fields")

    def seal_existing(session):
        ring = sealing.current_keyring()
        calls.append(ring is not None and ring.cleared)
        return 0

    fake.seal_existing = seal_existing
    monkeypatch.setitem(sys.modules, "receptiondesk.services.sealed_fields", fake)
    _office(db)
    _sign_in(db, "vanthu")
    _sign_in(db, "truong")
    _sign_in(db, "truong")
    assert calls == [True]


def test_resetting_the_only_holders_password_does_not_lose_the_private_key(db):
    """No recovery key holds the private key yet (a database from before): the head's
    password reset keeps the old pair aside; signing in with the old password again
    gives the key back to the new pair."""
    _office(db)
    with db.session() as s:
        s.execute(text("DELETE FROM key_holders WHERE kind = 'recovery'"))
    _, head = _sign_in(db, "truong")
    value = _seal(head)
    admin_actor, _ring = _sign_in(db, "quantri")
    with acting_as(admin_actor), db.session() as s:
        head_id = accounts.user_by_name(s, "truong").id
        accounts.set_password(s, head_id, "dat-lai-3", must_change_password=False)
        assert s.scalar(select(KeyGrant.id).where(
            KeyGrant.key_name == key_custody.OFFICE_PRIVATE)) is not None
        # the head remembers the old password after all: set back to it
        accounts.set_password(s, head_id, PASSWORDS["truong"], must_change_password=False)
    _, head = _sign_in(db, "truong")
    assert head.cleared and _opens(head, value) == "Nguyễn Văn Tố"
    with db.session() as s:
        assert not s.scalars(select(KeyHolder).where(
            KeyHolder.kind == key_custody.RETIRED)).all()


def test_the_windows_sign_in_unlocks_the_keys(qtbot, db):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QDialogButtonBox

    from receptiondesk.ui.login import LoginDialog

    _office(db)
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.username.setText("truong")
    dialog.password.setText(PASSWORDS["truong"])
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.actor is not None
    ring = sealing.current_keyring()
    assert ring is not None and ring.cleared


def test_a_new_account_and_a_new_recovery_key_get_their_grants(db):
    _office(db)
    _, head = _sign_in(db, "truong")
    admin_actor, _ring = _sign_in(db, "quantri")
    with acting_as(admin_actor), db.session() as s:
        create_user(s, UserInput("vanthu2", "Lò Thị Lan", CLERK), "van-thu-02",
                    must_change_password=False)
        new_key = accounts.issue_recovery_key(s)
        kinds = {h.id: h.kind for h in s.scalars(select(KeyHolder))}
        recovery = [h for h, kind in kinds.items() if kind == "recovery"]
        assert len(recovery) == 2  # the replaced key's holder stays until the new one
    _, clerk = _sign_in(db, "vanthu2", "van-thu-02")
    assert clerk.index_key == head.index_key  # given by the administrator at once
    _sign_in(db, "truong")  # gives the new recovery key the private key
    with db.session() as s:
        assert len(s.scalars(select(KeyHolder).where(KeyHolder.kind == "recovery")).all()) == 1
    with acting_as(None), db.session() as s:
        opened = key_custody.open_with_recovery_key(s, new_key)
    assert opened[key_custody.OFFICE_PRIVATE] == head.private_key
