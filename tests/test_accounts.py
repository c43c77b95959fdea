"""Accounts and roles (issue 6, item 1): Argon2 passwords, sign-in and lockout, the
permissions of each role enforced in the services, the recovery of a forgotten
administrator password, and the rule for a database without accounts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from receptiondesk.model import AuditEntry, Minutes, User
from receptiondesk.model.base import utcnow
from receptiondesk.services import accounts, minutes, petitions, reception, units
from receptiondesk.services.accounts import (
    ADMINISTRATOR,
    CLEARED_ROLES,
    CLERK,
    INSPECTOR,
    OFFICE_HEAD,
    PERMISSIONS,
    RECEIVING_OFFICIAL,
    ROLE_PERMISSIONS,
    ROLES,
    Actor,
    AuthenticationError,
    UserInput,
    acting_as,
    authenticate,
    create_user,
    current_user,
    require,
)
from receptiondesk.services.errors import PermissionDenied, ServiceError, ValidationError

TODAY = date(2026, 3, 2)


def entries(session, action=None):
    stmt = select(AuditEntry).order_by(AuditEntry.seq)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return list(session.scalars(stmt))


@pytest.fixture
def admin(session, unit, official):
    """The first account: an administrator (made while the database has none)."""
    return create_user(session, UserInput("quantri", "Trần Quốc Bảo", ADMINISTRATOR),
                       "mat-khau-quan-tri", must_change_password=False)


@pytest.fixture
def staff(session, admin, unit, official):
    """One account per role, made by the administrator; password = username + '-secret'."""
    made = {}
    with acting_as(admin):
        for role in (CLERK, RECEIVING_OFFICIAL, INSPECTOR, OFFICE_HEAD):
            made[role] = create_user(session, UserInput(role.replace("_", "-"), role, role),
                                     role + "-secret", must_change_password=False)
    made[ADMINISTRATOR] = admin
    session.commit()
    return made


def open_session(session, unit, official):
    return reception.create_session(session, unit.id, reception.SessionInput(
        date(2026, 2, 5), presiding_official_id=official.id), today=TODAY)


# --- the tables --------------------------------------------------------------------------


def test_the_role_tables_are_data_and_consistent():
    assert set(ROLE_PERMISSIONS) == set(ROLES)
    for role, granted in ROLE_PERMISSIONS.items():
        assert granted <= set(PERMISSIONS), role
    assert ROLE_PERMISSIONS[OFFICE_HEAD] == set(PERMISSIONS) - {"accounts.manage"}
    assert "minutes.sign" not in ROLE_PERMISSIONS[CLERK]
    assert {"minutes.sign", "petitions.resolve"} <= ROLE_PERMISSIONS[RECEIVING_OFFICIAL]
    assert ROLE_PERMISSIONS[INSPECTOR] >= {"inspections.edit"}
    assert "reception.edit" not in ROLE_PERMISSIONS[INSPECTOR]
    assert {"accounts.manage", "settings.edit", "database.restore"} <= \
        ROLE_PERMISSIONS[ADMINISTRATOR]
    assert "audit.view" not in ROLE_PERMISSIONS[ADMINISTRATOR]
    assert CLEARED_ROLES == {OFFICE_HEAD, RECEIVING_OFFICIAL}
    assert [accounts.role_label(r) for r in ROLES] == [
        "Clerk", "Receiving official", "Inspector", "Office head", "Administrator"]


# --- passwords and signing in --------------------------------------------------------------


def test_passwords_are_argon2_hashes_and_sign_in_is_audited(session, admin):
    stored = session.get(User, admin.id).password_hash
    assert stored.startswith("$argon2id$") and "mat-khau" not in stored
    user = authenticate(session, "QuanTri ", "mat-khau-quan-tri")
    assert user.id == admin.id and user.last_login_at is not None
    login = entries(session, "login")[-1]
    assert (login.username, login.record_id) == ("quantri", admin.id)
    # the hash never reaches the audit log
    assert all("$argon2" not in e.detail for e in entries(session))


def test_a_wrong_password_is_refused_counted_and_audited(session, admin):
    with pytest.raises(AuthenticationError, match="Wrong user name or password"):
        authenticate(session, "quantri", "nope")
    with pytest.raises(AuthenticationError, match="Wrong user name or password"):
        authenticate(session, "nobody", "nope")
    session.rollback()  # what a caller does after the error: the refusals were committed
    failed = entries(session, "login_failed")
    assert [f.username for f in failed] == ["quantri", "nobody"]
    assert session.get(User, admin.id).failed_logins == 1


def test_five_failures_lock_the_account_for_five_minutes(session, admin):
    now = utcnow()
    for _ in range(accounts.MAX_FAILURES - 1):
        with pytest.raises(AuthenticationError, match="Wrong"):
            authenticate(session, "quantri", "wrong", now=now)
    with pytest.raises(AuthenticationError, match="locked until"):
        authenticate(session, "quantri", "wrong", now=now)
    # even the right password is refused while locked
    with pytest.raises(AuthenticationError, match="locked until"):
        authenticate(session, "quantri", "mat-khau-quan-tri", now=now + timedelta(minutes=4))
    user = authenticate(session, "quantri", "mat-khau-quan-tri",
                        now=now + accounts.LOCKOUT + timedelta(seconds=1))
    assert user.failed_logins == 0 and user.locked_until is None
    reasons = [e.detail for e in entries(session, "login_failed")]
    assert sum('"locked"' in r for r in reasons) == 1
    assert sum('"locked now"' in r for r in reasons) == 1


def test_a_closed_account_cannot_sign_in(session, staff):
    with acting_as(staff[ADMINISTRATOR]):
        accounts.deactivate(session, staff[CLERK].id)
    with pytest.raises(AuthenticationError, match="closed"):
        authenticate(session, "clerk", "clerk-secret")


def test_the_last_administrator_cannot_be_closed_or_demoted(session, staff):
    admin = staff[ADMINISTRATOR]
    with acting_as(admin), pytest.raises(ValidationError, match="last active administrator"):
        accounts.deactivate(session, admin.id)
    with acting_as(admin), pytest.raises(ValidationError, match="last active administrator"):
        accounts.update_user(session, admin.id, UserInput("quantri", "X", CLERK))


def test_account_input_is_checked(session, admin):
    with acting_as(admin), pytest.raises(ValidationError) as err:
        create_user(session, UserInput("Quan Tri", "", "boss"), "short")
    fields = {e.field for e in err.value.errors}
    assert fields == {"username", "full_name", "role", "password"}
    with acting_as(admin), pytest.raises(ValidationError, match="taken"):
        create_user(session, UserInput("QUANTRI", "Someone", CLERK), "long enough")


def test_the_first_account_must_be_an_administrator(session):
    with pytest.raises(ValidationError, match="first account"):
        create_user(session, UserInput("thuky", "Nguyễn Thị Hoa", CLERK), "long enough")


def test_changing_ones_own_password_needs_the_current_one(session, staff):
    clerk = staff[CLERK]
    with acting_as(clerk):
        with pytest.raises(ValidationError, match="current password is wrong"):
            accounts.change_own_password(session, "nope", "a new password")
        accounts.change_own_password(session, "clerk-secret", "a new password")
    assert authenticate(session, "clerk", "a new password").id == clerk.id
    assert entries(session, "password_change")


# --- enforcement -------------------------------------------------------------------------------


def test_without_accounts_nothing_is_enforced(session, unit, official):
    """A database with no account (a fresh install, the tests, the demo generator)."""
    assert current_user() is None and not accounts.users_exist(session)
    rs = open_session(session, unit, official)
    assert rs.id and require(session, "accounts.manage") is None


def test_with_accounts_a_call_without_a_user_is_refused(session, staff, unit, official):
    with pytest.raises(PermissionDenied, match="Sign in first"):
        open_session(session, unit, official)
    assert isinstance(PermissionDenied("x"), ServiceError)
    with acting_as(staff[CLERK]):
        assert open_session(session, unit, official).id


def test_a_clerk_may_not_sign_minutes_a_receiving_official_may(session, staff, unit, official):
    with acting_as(staff[CLERK]):
        rs = open_session(session, unit, official)
        m = minutes.minutes_for(session, "session", rs.id)
        with pytest.raises(PermissionDenied,
                           match=r"Your role \(Clerk\) may not mark minutes as signed"):
            minutes.mark_signed(session, m.id)
    assert session.get(Minutes, m.id).status == "draft"
    with acting_as(staff[RECEIVING_OFFICIAL]):
        assert minutes.mark_signed(session, m.id).status == "signed"


def test_each_role_is_held_to_its_permissions_in_the_services(session, staff, unit, official):
    def petition():
        return petitions.register_petition(session, unit.id, petitions.PetitionInput(
            date(2026, 2, 10), "complaint", "Tranh chấp đất",
            petitioners=[petitions.PetitionerInput("Nguyễn Văn An")]), today=TODAY)

    with acting_as(staff[INSPECTOR]), pytest.raises(PermissionDenied, match="Inspector"):
        petition()
    with acting_as(staff[ADMINISTRATOR]), pytest.raises(PermissionDenied):
        open_session(session, unit, official)
    with acting_as(staff[CLERK]):
        p = petition()
        # at a Party committee, a complaint about Party discipline (rules.competence)
        petitions.classify(session, p.id, petitions.Classification(True, True,
                                                                   party_matter=True),
                           date(2026, 2, 11), today=TODAY)
        petitions.decide_handling(session, p.id, "accept", date(2026, 2, 12), official.id,
                                  today=TODAY)
        with pytest.raises(PermissionDenied, match="resolve"):
            petitions.start_resolution(session, p.id, date(2026, 2, 13), today=TODAY)
        with pytest.raises(PermissionDenied):
            units.create_official(session, unit.id, units.OfficialInput("Cán bộ mới"))
    with acting_as(staff[RECEIVING_OFFICIAL]):
        petitions.start_resolution(session, p.id, date(2026, 2, 13), today=TODAY)
    with acting_as(staff[OFFICE_HEAD]):
        petitions.record_result(session, p.id, "correct", date(2026, 2, 20), today=TODAY)
        with pytest.raises(PermissionDenied, match="manage user accounts"):
            create_user(session, UserInput("moi", "Mới", CLERK), "long enough")
    with acting_as(staff[ADMINISTRATOR]):
        units.create_official(session, unit.id, units.OfficialInput("Cán bộ mới"))
    assert petitions.get_petition(session, p.id).status == "resolved"


def test_the_acting_user_is_per_context_over_the_signed_in_one(session, staff):
    head = Actor.of(staff[OFFICE_HEAD])
    try:
        accounts.sign_in(head)
        assert current_user() == head
        with acting_as(staff[CLERK]) as clerk:
            assert current_user() == clerk and not clerk.cleared
            with acting_as(None):
                assert current_user() is None
        assert current_user() == head and head.cleared
    finally:
        accounts.sign_out()
    assert current_user() is None


def test_the_command_line_signs_in_with_a_password(db, session, staff):
    actor = accounts.sign_in_with_password(db, "inspector", "inspector-secret")
    assert actor.role == INSPECTOR and actor.username == "inspector"
    with pytest.raises(AuthenticationError):
        accounts.sign_in_with_password(db, "inspector", "wrong")


# --- recovery of a forgotten administrator password ---------------------------------------------

#: the recovery file lies beside the database file: there is none for a shared server
RECOVERY_FILE = pytest.mark.sqlite_only("recovery needs the SQLite database's own file")



def _key(session, staff) -> str:
    """The office's recovery key, issued by its administrator."""
    with acting_as(staff[ADMINISTRATOR]):
        return accounts.issue_recovery_key(session)


@RECOVERY_FILE
def test_recovery_needs_the_file_beside_the_database_and_works_once(db, session, staff):
    key = _key(session, staff)
    username, temporary, file = accounts.start_recovery(session, recovery_key=key)
    session.commit()
    assert username == "quantri" and file.parent == db.path.parent and file.exists()
    assert temporary in file.read_text(encoding="utf-8")
    # the old password works until the recovery is used
    assert authenticate(session, "quantri", "mat-khau-quan-tri").username == "quantri"
    session.commit()
    moved = file.with_name("elsewhere.txt")
    file.rename(moved)
    with pytest.raises(AuthenticationError, match="recovery file"):
        authenticate(session, "quantri", temporary)
    moved.rename(file)
    user = authenticate(session, "quantri", temporary)
    session.commit()
    assert user.must_change_password and not file.exists()
    with pytest.raises(AuthenticationError, match="Wrong"):  # now the old password is gone
        authenticate(session, "quantri", "mat-khau-quan-tri")
    steps = [e.detail for e in entries(session, "recovery")]
    # the first administrator came with a key; the one issued here replaced it
    assert len(steps) == 4 and '"key_issued"' in steps[0] and '"key_issued"' in steps[1] \
        and '"started"' in steps[2] and '"used"' in steps[3]
    # the temporary password worked once: the pending recovery is gone
    assert accounts._pending_recovery(session, user) is None


@RECOVERY_FILE
def test_recovery_names_the_administrator_when_there_are_several(session, staff):
    with acting_as(staff[ADMINISTRATOR]):
        create_user(session, UserInput("quantri2", "Phó", ADMINISTRATOR), "long enough")
    key = _key(session, staff)
    with pytest.raises(ValidationError, match="several administrators"):
        accounts.start_recovery(session, recovery_key=key)
    assert accounts.start_recovery(session, "quantri2", recovery_key=key)[0] == "quantri2"
    with pytest.raises(ServiceError):
        accounts.start_recovery(session, "clerk", recovery_key=key)


@RECOVERY_FILE
def test_recovery_without_any_administrator_makes_one(session, unit):
    username, temporary, file = accounts.start_recovery(session)
    session.commit()
    assert username == "admin" and file.exists()
    assert authenticate(session, username, temporary).role == ADMINISTRATOR


# --- demo accounts -------------------------------------------------------------------------------


def test_demo_accounts_one_per_role_sign_in(session, unit):
    made = accounts.create_demo_accounts(session)
    assert sorted(role for _u, role, _p in made) == sorted(ROLES)
    for username, role, password in made:
        assert authenticate(session, username, password).role == role
    assert accounts.create_demo_accounts(session) == made  # again: nothing new


# --- the command line's helpers (wired into cli.py by its author) -------------------------------


def test_the_command_line_password_comes_from_the_environment_or_a_prompt(db, session, staff):
    assert accounts.cli_password("clerk", {"RECEPTIONDESK_PASSWORD": "from env"}) == "from env"
    asked = []
    assert accounts.cli_password("clerk", {}, prompt=lambda text: asked.append(text) or "typed"
                                 ) == "typed"
    assert asked == ["Password for clerk: "]

    def no_terminal(_text: str) -> str:
        raise EOFError

    with pytest.raises(AuthenticationError, match="set RECEPTIONDESK_PASSWORD"):
        accounts.cli_password("clerk", {}, prompt=no_terminal)
    session.commit()
    actor = accounts.sign_in_for_cli(None, db.url, "clerk", "clerk-secret")
    assert actor.role == CLERK
    with pytest.raises(AuthenticationError):
        accounts.sign_in_for_cli(None, db.url, "clerk", "wrong")


@RECOVERY_FILE
def test_reset_admin_from_the_command_line(db, session, staff):
    key = _key(session, staff)
    session.commit()
    lines = accounts.reset_admin_for_cli(db.path, None, recovery_key=key.lower())
    assert "Recovery file written" in lines[0] and "quantri" in lines[1]
    temporary = lines[1].split("temporary password ")[1].split(" ")[0]
    session.expire_all()  # another connection changed the account
    assert authenticate(session, "quantri", temporary).must_change_password


# --- recovery without takeover (issue 16, item 1) -----------------------------------------------


@RECOVERY_FILE
def test_reaching_the_file_is_not_enough_to_become_administrator(db, session, staff, capsys):
    """The attack of issue 16: db reset-admin by anyone who reaches the database file."""
    from receptiondesk.cli import main
    from receptiondesk.model import Setting

    # a database from before recovery keys: its first administrator came without one
    session.delete(session.get(Setting, accounts.RECOVERY_KEY_SETTING))
    session.commit()
    base = ["--db", str(db.path), "--lang", "en", "db", "reset-admin"]
    assert main(base) == 1  # no key was ever issued: refused
    assert "No recovery key was issued" in capsys.readouterr().err
    key = _key(session, staff)
    session.commit()
    assert main([*base, "--recovery-key", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"]) == 1
    assert "The recovery key is wrong" in capsys.readouterr().err
    session.expire_all()
    assert accounts._pending_recovery(session, staff[ADMINISTRATOR]) is None
    assert authenticate(session, "quantri", "mat-khau-quan-tri")  # untouched
    session.commit()
    refused = [e.detail for e in entries(session, "recovery") if '"refused"' in e.detail]
    assert len(refused) == 2 and '"no key issued"' in refused[0] and '"wrong key"' in refused[1]
    assert main([*base, "--recovery-key", key]) == 0
    assert "Recovery file written" in capsys.readouterr().out


@RECOVERY_FILE
def test_a_temporary_password_must_be_changed_before_the_command_line(db, session, staff):
    key = _key(session, staff)
    session.commit()
    lines = accounts.reset_admin_for_cli(db.path, None, recovery_key=key)
    temporary = lines[1].split("temporary password ")[1].split(" ")[0]
    with pytest.raises(AuthenticationError, match="must choose a new password"):
        accounts.sign_in_for_cli(db.path, None, "quantri", temporary)


def test_the_recovery_key_is_for_administrators_and_shown_once(session, staff):
    from receptiondesk.services.reference import get_setting

    with acting_as(staff[OFFICE_HEAD]), pytest.raises(PermissionDenied):
        accounts.issue_recovery_key(session)
    key = _key(session, staff)
    groups = key.split("-")
    assert len(groups) == 6 and all(len(g) == 4 for g in groups)
    stored = get_setting(session, accounts.RECOVERY_KEY_SETTING, {})
    assert key.replace("-", "") not in str(stored) and accounts.has_recovery_key(session)
