"""Accounts, roles and what each role may do; signing in; the acting user.

Roles and permissions are data (:data:`ROLE_PERMISSIONS`, :data:`CLEARED_ROLES`):
an office that divides the work differently changes the tables, not the code.

**The rule of enforcement.** The services call :func:`require` at the top of
every function that changes data (and before revealing a denouncer's identity):

- when a user is acting (:func:`current_user` is not None), their role must
  grant the permission, whatever the database holds;
- when no user is acting, the call is allowed only if the database has no user
  accounts at all — a fresh install before its first account, the tests, the demo
  generator and the migrations work as before accounts existed. As soon as one
  account exists, a call without an acting user is refused.

A refusal is a :class:`~receptiondesk.services.errors.PermissionDenied` with a
message in the user's language; nothing is written.

A denouncer's identity is a different matter: it is shown only to an acting user
whose role is cleared (:func:`is_cleared`) — never when nobody is signed in.

**The acting user** is held in a context variable (:func:`acting_as`, for the
command line and tests) over a process-wide default (:func:`sign_in`, for the
desktop application, whose worker threads must act as the signed-in user too).

**Passwords** are hashed with Argon2id (argon2-cffi). Five wrong passwords in a
row lock the account for five minutes. Every sign-in, failed or not, is audited.

**A forgotten administrator password** is recovered on the PC that holds the
database (:func:`start_recovery`, ``receptiondesk db reset-admin``): it writes a
one-time recovery file beside the database file and sets a temporary password
that works only while that file is there, for 24 hours, once; the administrator
must then choose a new password. Both steps are in the audit log.
"""

from __future__ import annotations

import contextvars
import getpass
import hashlib
import platform
import re
import secrets
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..i18n import N_, _, format_datetime
from ..model import Official, User
from ..model.base import utcnow
from . import audit, key_custody
from .errors import NotFoundError, PermissionDenied, ServiceError, ValidationError
from .locking import check_version, refuses_stale
from .validation import Checker, clean

# --- roles and permissions (data) ------------------------------------------------------

CLERK = "clerk"
RECEIVING_OFFICIAL = "receiving_official"
INSPECTOR = "inspector"
OFFICE_HEAD = "office_head"
ADMINISTRATOR = "administrator"
ROLES: tuple[str, ...] = (CLERK, RECEIVING_OFFICIAL, INSPECTOR, OFFICE_HEAD, ADMINISTRATOR)

ROLE_LABELS = {
    CLERK: N_("Clerk"),
    RECEIVING_OFFICIAL: N_("Receiving official"),
    INSPECTOR: N_("Inspector"),
    OFFICE_HEAD: N_("Office head"),
    ADMINISTRATOR: N_("Administrator"),
}

#: every permission, with what it lets a user do (a phrase completing "may not …")
PERMISSIONS: dict[str, str] = {
    "reception.edit": N_("record reception sessions and visits"),
    "citizens.edit": N_("enter or change citizens"),
    "petitions.register": N_("register or correct petitions"),
    "petitions.classify": N_("classify petitions"),
    "petitions.handle": N_("decide how petitions are handled"),
    "petitions.resolve": N_("resolve, extend or close petitions"),
    "minutes.edit": N_("prepare minutes"),
    "minutes.sign": N_("mark minutes as signed"),
    "meetings.edit": N_("record working meetings and concluding notices"),
    "inspections.edit": N_("record inspections and supervisions"),
    "attachments.edit": N_("attach or remove files"),
    "units.edit": N_("change the office, its units and officials"),
    "settings.edit": N_("change settings, lookup tables, rules and the calendar"),
    "data.import": N_("import files"),
    "data.export": N_("export files"),
    "bundles.send": N_("send bundles to the upper level"),
    "documents.print": N_("print documents"),
    "reports.issue": N_("issue reports under a number"),
    "audit.view": N_("read the audit log"),
    "accounts.manage": N_("manage user accounts"),
    "database.restore": N_("restore the database from a backup"),
}

_CLERK = frozenset({
    "reception.edit", "citizens.edit", "petitions.register", "petitions.classify",
    "petitions.handle", "minutes.edit", "meetings.edit", "attachments.edit", "data.import",
    "data.export", "documents.print",
})
#: what each role may do
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    CLERK: _CLERK,
    RECEIVING_OFFICIAL: _CLERK | {"petitions.resolve", "minutes.sign"},
    INSPECTOR: frozenset({"inspections.edit", "attachments.edit", "data.export",
                          "documents.print"}),
    OFFICE_HEAD: frozenset(PERMISSIONS) - {"accounts.manage"},
    ADMINISTRATOR: frozenset({"accounts.manage", "settings.edit", "units.edit",
                              "database.restore", "data.import"}),
}
#: roles cleared to see denouncers' identity (Denunciations Law art. 9, DESIGN §4)
CLEARED_ROLES: frozenset[str] = frozenset({OFFICE_HEAD, RECEIVING_OFFICIAL})

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD = 8
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
RECOVERY_HOURS = 24
RECOVERY_SETTING = "security/recovery"


def role_label(role: str | None) -> str:
    msg = ROLE_LABELS.get(role or "")
    return _(msg) if msg else (role or "")


def role_choices() -> list[tuple[str, str]]:
    return [(r, role_label(r)) for r in ROLES]


def permission_label(permission: str) -> str:
    msg = PERMISSIONS.get(permission)
    return _(msg) if msg else permission


def role_may(role: str | None, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(role or "", frozenset())


# --- the acting user -------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """A snapshot of the signed-in user, safe to hand between threads and sessions."""

    id: str
    username: str
    full_name: str
    role: str
    official_id: str | None = None
    must_change_password: bool = False
    #: this sign-in (a new one each time the user signs in): what they were shown once
    #: in it is audited once (``protection``)
    sign_in_id: str = field(default_factory=lambda: secrets.token_hex(8), compare=False)

    @classmethod
    def of(cls, user: User | Actor) -> Actor:
        if isinstance(user, Actor):
            return user
        return cls(user.id, user.username, user.full_name, user.role, user.official_id,
                   bool(user.must_change_password))

    def may(self, permission: str) -> bool:
        return role_may(self.role, permission)

    @property
    def cleared(self) -> bool:
        return self.role in CLEARED_ROLES

    @property
    def role_label(self) -> str:
        return role_label(self.role)


_UNSET = object()
_acting: contextvars.ContextVar[object] = contextvars.ContextVar(
    "receptiondesk_acting_user", default=_UNSET)
_signed_in: Actor | None = None


def current_user() -> Actor | None:
    """The user the current code acts for (None: nobody signed in)."""
    value = _acting.get()
    # (mypy cannot narrow a sentinel object: the variable holds an Actor or None otherwise)
    return _signed_in if value is _UNSET else value  # type: ignore[return-value]


@contextmanager
def acting_as(user: User | Actor | None) -> Iterator[Actor | None]:
    """Act as ``user`` (None: as nobody) inside the block, in this thread/context."""
    actor = Actor.of(user) if user is not None else None
    token = _acting.set(actor)
    try:
        yield actor
    finally:
        _acting.reset(token)


def sign_in(user: User | Actor | None) -> Actor | None:
    """Make ``user`` the process-wide acting user (the desktop application's session)."""
    global _signed_in
    _signed_in = Actor.of(user) if user is not None else None
    return _signed_in


def sign_out() -> None:
    sign_in(None)
    from . import key_custody

    key_custody.forget()


def is_cleared(user: Actor | None = None) -> bool:
    """Whether the acting user (or ``user``) may see denouncers' identity."""
    user = user if user is not None else current_user()
    return user is not None and user.role in CLEARED_ROLES


# --- enforcement ----------------------------------------------------------------------

def _engine(session: Session):
    bind = session.get_bind()
    return getattr(bind, "engine", bind)


def users_exist(session: Session) -> bool:
    """Whether the database has any user account (then every guarded call needs a user)."""
    if session.info.get("users_exist"):
        return True
    if not audit.schema_ready(session):
        return False
    found = session.scalar(select(User.id).limit(1)) is not None
    if found:
        session.info["users_exist"] = True  # accounts are never deleted
    return found


def require(session: Session, permission: str) -> Actor | None:
    """Refuse (PermissionDenied) unless the acting user may ``permission`` (module doc)."""
    user = current_user()
    if user is None:
        if users_exist(session):
            raise PermissionDenied(_("Sign in first: this database has user accounts."))
        return None
    reason = refusal(user, permission)
    if reason is not None:
        raise PermissionDenied(reason)
    return user


def permits(session: Session, permission: str) -> bool:
    """Whether :func:`require` would let the acting user ``permission`` (no refusal)."""
    user = current_user()
    if user is None:
        return not users_exist(session)
    return user.may(permission)


def refusal(user: Actor | None, permission: str) -> str | None:
    """Why ``user`` may not ``permission``, as :func:`require` refuses it (None: they may,
    or nobody is signed in to a database without accounts). The window disables what its
    user may not do with these words as the tooltip, before anything is typed."""
    if user is None or user.may(permission):
        return None
    return _("Your role ({role}) may not {action}.").format(
        role=role_label(user.role), action=permission_label(permission))


def require_cleared(session: Session) -> Actor:
    """Refuse unless a user cleared for denouncers' identity is acting."""
    user = current_user()
    if user is None or not is_cleared(user):
        raise PermissionDenied(
            _("Only a user cleared for it may see a denouncer's identity."))
    return user


# --- passwords --------------------------------------------------------------------------


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    """A hash to verify against for unknown names, so that they take as long to refuse."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(16))
    return _DUMMY_HASH


def check_password(password: str, field: str = "password") -> list:
    ck = Checker()
    if len(password or "") < MIN_PASSWORD:
        ck.add(field, _("A password needs at least {count} characters.").format(
            count=MIN_PASSWORD))
    return ck.errors


# --- accounts ---------------------------------------------------------------------------


@dataclass
class UserInput:
    username: str
    full_name: str
    role: str
    official_id: str | None = None
    active: bool = True


def normalise_username(username: str) -> str:
    return clean(username).lower()


def _check_user(session: Session, data: UserInput, existing: User | None) -> Checker:
    ck = Checker()
    name = normalise_username(data.username)
    if not USERNAME.match(name):
        ck.add("username", _("A user name has 2 to 60 letters a–z, digits, dots, dashes or "
                             "underscores, and no spaces."))
    else:
        other = session.scalar(select(User).where(User.username == name))
        if other is not None and (existing is None or other.id != existing.id):
            ck.add("username", _("The user name {name} is taken.").format(name=name))
    ck.required("full_name", clean(data.full_name), _("Full name"))
    ck.max_length("full_name", clean(data.full_name), 120, _("Full name"))
    if data.role not in ROLES:
        ck.add("role", _("Choose a role."))
    if data.official_id and session.get(Official, data.official_id) is None:
        ck.add("official_id", _("The official chosen does not exist."))
    return ck


def _active_administrators(session: Session, exclude_id: str | None = None) -> int:
    stmt = select(func.count(User.id)).where(User.role == ADMINISTRATOR, User.active.is_(True))
    if exclude_id:
        stmt = stmt.where(User.id != exclude_id)
    return session.scalar(stmt) or 0


def _new_user(session: Session, data: UserInput, password: str,
              must_change_password: bool) -> User:
    user = User(username=normalise_username(data.username), full_name=clean(data.full_name),
                role=data.role, official_id=data.official_id or None, active=data.active,
                password_hash=hash_password(password),
                must_change_password=must_change_password, failed_logins=0)
    session.add(user)
    session.flush()
    session.info["users_exist"] = True
    key_custody.new_account_pair(session, user, password)
    if user.role == ADMINISTRATOR and not has_recovery_key(session):
        # Whatever makes the first administrator (the Accounts page, the demo) issues the
        # office's recovery key with it: a database with accounts is never without one.
        session.info[_ISSUED_KEY] = _issue_key(session)
    return user


def create_user(session: Session, data: UserInput, password: str,
                must_change_password: bool = True) -> User:
    """A new account (administrators only). The first account must be an administrator,
    so that someone can always manage the others."""
    require(session, "accounts.manage")
    ck = _check_user(session, data, None)
    ck.errors.extend(check_password(password))
    if not users_exist(session) and data.role != ADMINISTRATOR:
        ck.add("role", _("The first account must be an administrator's."))
    ck.raise_if_any()
    return _new_user(session, data, password, must_change_password)


@refuses_stale(User, "user_id")
def update_user(session: Session, user_id: str, data: UserInput, *,
                expected_version: int | None = None) -> User:
    """Change an account's name, role, official or active flag (administrators only)."""
    require(session, "accounts.manage")
    user = get_user(session, user_id)
    check_version(session, user, expected_version)
    ck = _check_user(session, data, user)
    losing_admin = user.role == ADMINISTRATOR and user.active and (
        data.role != ADMINISTRATOR or not data.active)
    if losing_admin and not _active_administrators(session, exclude_id=user.id):
        ck.add("role", _("This is the last active administrator's account: make another "
                         "administrator first."))
    ck.raise_if_any()
    user.username = normalise_username(data.username)
    user.full_name = clean(data.full_name)
    user.role = data.role
    user.official_id = data.official_id or None
    user.active = data.active
    session.flush()
    key_custody.follow_roles(session)  # grants removed or made for the new role
    return user


def deactivate(session: Session, user_id: str) -> User:
    """Close an account (it stays in the records and the audit log; it cannot sign in)."""
    user = get_user(session, user_id)
    return update_user(session, user_id, UserInput(user.username, user.full_name, user.role,
                                                   user.official_id, active=False))


def set_password(session: Session, user_id: str, password: str,
                 must_change_password: bool = True) -> User:
    """An administrator sets someone's password (and unlocks the account)."""
    require(session, "accounts.manage")
    user = get_user(session, user_id)
    errors = check_password(password)
    if errors:
        raise ValidationError(errors)
    _store_password(user, password, must_change_password)
    session.flush()
    key_custody.new_account_pair(session, user, password)  # the old half cannot be opened
    audit.record(session, "password_set", "user", user.id, None,
                 {"username": user.username, "must_change": must_change_password})
    return user


def change_own_password(session: Session, old_password: str, new_password: str) -> User:
    """The acting user changes their own password, giving the current one."""
    actor = current_user()
    if actor is None:
        raise PermissionDenied(_("Sign in first: this database has user accounts."))
    user = get_user(session, actor.id)
    ck = Checker()
    if not _verify(user.password_hash, old_password):
        ck.add("old_password", _("The current password is wrong."))
    ck.errors.extend(check_password(new_password, "new_password"))
    if old_password and old_password == new_password:
        ck.add("new_password", _("Choose a password different from the current one."))
    ck.raise_if_any()
    _store_password(user, new_password, False)
    session.flush()
    key_custody.rewrap(session, user, old_password, new_password)
    audit.record(session, "password_change", "user", user.id, None,
                 {"username": user.username})
    if _signed_in is not None and _signed_in.id == user.id:
        sign_in(user)
    return user


def _store_password(user: User, password: str, must_change: bool) -> None:
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    user.failed_logins = 0
    user.locked_until = None


def get_user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(_("The user account no longer exists."))
    return user


def user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.active.desc(), User.username)))


# --- signing in -------------------------------------------------------------------------


class AuthenticationError(ServiceError):
    """A refused sign-in (the attempt is audited and counted)."""


def authenticate(session: Session, username: str, password: str,
                 now: datetime | None = None) -> User:
    """The account if ``password`` is right; else AuthenticationError.

    A refusal is written (the failure count, the lock, the ``login_failed`` audit
    entry) and COMMITTED before raising, so that rolling the caller's unit of work
    back cannot erase it.
    """
    now = now or utcnow()
    name = normalise_username(username)
    user = session.scalar(select(User).where(User.username == name)) if name else None
    wrong = _("Wrong user name or password.")
    if user is None:
        _verify(_dummy_hash(), password or "")
        _refuse(session, name[:60], None, "unknown user")
        raise AuthenticationError(wrong)
    if not user.active:
        _refuse(session, user.username, user, "inactive")
        raise AuthenticationError(_("This account is closed. Ask the administrator."))
    if user.locked_until is not None and user.locked_until > now:
        _refuse(session, user.username, user, "locked")
        raise AuthenticationError(_locked_message(user.locked_until))
    recovery = _pending_recovery(session, user)
    temporary = bool(recovery and recovery.get("password_hash")
                     and _verify(recovery["password_hash"], password or ""))
    if not temporary and not _verify(user.password_hash, password or ""):
        user.failed_logins = (user.failed_logins or 0) + 1
        locked = user.failed_logins >= MAX_FAILURES
        if locked:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        _refuse(session, user.username, user, "locked now" if locked else "wrong password")
        raise AuthenticationError(_locked_message(now + LOCKOUT) if locked else wrong)
    # the temporary password of a recovery (an older version replaced the password at
    # once and kept no hash of its own: then the password just checked is the temporary)
    if recovery is not None and (temporary or not recovery.get("password_hash")):
        problem = _check_recovery_file(session, recovery, now)
        if problem:
            _refuse(session, user.username, user, "recovery file missing")
            raise AuthenticationError(problem)
        if temporary:
            user.password_hash = recovery["password_hash"]  # the old password ends here
        _finish_recovery(session, user, recovery)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    hasher = _hasher()
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    session.flush()
    with acting_as(user):
        audit.record(session, "login", "user", user.id, None, {"username": user.username})
    return user


def _locked_message(until: datetime) -> str:
    return _("Too many wrong passwords: the account is locked until {time} (UTC).").format(
        time=format_datetime(until))


def _refuse(session: Session, username: str, user: User | None, reason: str) -> None:
    with acting_as(None):
        audit.record(session, "login_failed", "user", user.id if user else "", None,
                     {"username": username, "reason": reason}, username=username)
    session.commit()


def sign_in_with_password(db, username: str, password: str) -> Actor:
    """Authenticate against an open Database in its own unit of work; the Actor to act as
    (for the command line's ``--user``)."""
    with db.session(write=True) as s:
        user = authenticate(s, username, password)
        key_custody.unlock(s, user, password)  # the office's keys this account holds
        return Actor.of(user)


# --- recovery of an administrator's password --------------------------------------------


def _database_file(session: Session) -> Path | None:
    engine = _engine(session)
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    return Path(database) if database and database != ":memory:" else None


def start_recovery(session: Session, username: str | None = None,
                   now: datetime | None = None, *,
                   recovery_key: str | None = None) -> tuple[str, str, Path]:
    """Recover an administrator's password on the PC holding the database file.

    A database with accounts needs its recovery key (:func:`issue_recovery_key`, kept
    on paper in the office safe): reaching the file is not enough. It writes a recovery
    file beside the database and gives the named administrator (the only one when
    ``username`` is None; a new ``admin`` account when there is none) a temporary
    password that works once, only while the file is there, for 24 hours, beside the
    old password, which works until the temporary one is used; a new password must
    then be chosen. Returns (username, temporary password, recovery file). Every step,
    a refused key included, is audited as ``recovery``.
    """
    now = now or utcnow()
    path = _database_file(session)
    if path is None:
        raise ServiceError(_("Recovery works only on the PC that holds the database file."))
    _check_recovery_key(session, recovery_key)
    admins = list(session.scalars(select(User).where(User.role == ADMINISTRATOR)))
    if username:
        user = user_by_name(session, username)
        if user is None or user.role != ADMINISTRATOR:
            raise NotFoundError(_("There is no administrator called {name}.").format(
                name=username))
    elif len(admins) == 1:
        user = admins[0]
    elif not admins:
        user = None
    else:
        raise ValidationError.single("username", _(
            "There are several administrators: name the one to recover ({names}).").format(
                names=", ".join(sorted(a.username for a in admins))))
    password = secrets.token_urlsafe(9)
    if user is None:
        name = "admin"
        while user_by_name(session, name) is not None:
            name = f"admin{secrets.randbelow(1000)}"
        user = _new_user(session, UserInput(name, _("Administrator"), ADMINISTRATOR),
                         password, True)
        temporary_hash = None  # a new account: its only password is the temporary one
    else:
        temporary_hash = _hasher().hash(password)  # the old password stays until used
    user.active = True
    token = secrets.token_hex(32)
    file = path.with_name(path.name + f".recovery-{user.username}.txt")
    text = _(
        "ReceptionDesk: recovery of the administrator password\n"
        "Account: {username}\nTemporary password: {password}\n"
        "Valid until {until} (UTC), once, only while this file stays beside the database.\n"
        "Sign in with it and choose a new password; the file is then deleted.\n"
    ).format(username=user.username, password=password,
             until=format_datetime(now + timedelta(hours=RECOVERY_HOURS)))
    try:
        file.write_text(text + f"token: {token}\n", encoding="utf-8")
    except OSError as exc:
        raise ServiceError(_("Cannot write the recovery file {path}: {reason}").format(
            path=file, reason=exc.strerror or exc)) from exc
    from .reference import get_setting, put_setting

    pending = dict(get_setting(session, RECOVERY_SETTING, {}) or {})
    pending[user.username] = {
        "file": file.name, "sha256": hashlib.sha256(file.read_bytes()).hexdigest(),
        "until": (now + timedelta(hours=RECOVERY_HOURS)).isoformat(),
    }
    if temporary_hash is not None:
        pending[user.username]["password_hash"] = temporary_hash
    put_setting(session, RECOVERY_SETTING, pending)
    # the keys: a pair for the temporary password, given the account's keys by the
    # recovery key (which also makes every grant still missing)
    key_custody.recovery_pair(session, user, password, recovery_key)
    audit.record(session, "recovery", "user", user.id, None, {
        "username": user.username, "step": "started", "file": file.name,
        "host": platform.node(), "os_user": _os_user()}, username="(recovery)")
    session.flush()
    return user.username, password, file


RECOVERY_KEY_SETTING = "security/recovery_key"
#: letters and digits that cannot be misread on paper (no 0/O, 1/I)
_KEY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_KEY_GROUPS, _KEY_GROUP = 6, 4  # 24 characters, 120 bits


def _normal_key(text: str | None) -> str:
    return "".join(c for c in (text or "").upper() if c.isalnum())


def has_recovery_key(session: Session) -> bool:
    from .reference import get_setting

    return bool((get_setting(session, RECOVERY_KEY_SETTING, {}) or {}).get("hash"))


def issue_recovery_key(session: Session) -> str:
    """A new recovery key for the office (the old one stops working), to show once and
    keep on paper in the office safe; only its hash is kept. Administrators only."""
    require(session, "accounts.manage")
    return _issue_key(session)


_ISSUED_KEY = "recovery_key_issued"


def take_issued_recovery_key(session: Session) -> str | None:
    """The recovery key issued in this unit of work with a first administrator (to show
    once), or None; it is handed out only once."""
    return session.info.pop(_ISSUED_KEY, None)


def recovery_key_missing(session: Session) -> bool:
    """A database with accounts but no recovery key (made before keys existed): its
    administrator cannot be recovered until one is issued."""
    return users_exist(session) and not has_recovery_key(session)


def missing_key_notice() -> str:
    return _("This database has no recovery key: if the administrators' passwords are "
             "forgotten, no one can recover them. Issue one now (Accounts page, “Issue "
             "a recovery key…”, or “receptiondesk --user NAME db "
             "recovery-key”), print its sheet and keep it in the office safe.")


def _issue_key(session: Session) -> str:
    from .reference import put_setting

    key = "".join(secrets.choice(_KEY_ALPHABET) for _i in range(_KEY_GROUPS * _KEY_GROUP))
    put_setting(session, RECOVERY_KEY_SETTING, {"hash": _hasher().hash(key),
                                                 "issued_at": utcnow().isoformat()})
    key_custody.recovery_key_issued(session, key)
    audit.record(session, "recovery", "settings", RECOVERY_KEY_SETTING, None,
                 {"step": "key_issued"})
    session.flush()
    return "-".join(key[i:i + _KEY_GROUP] for i in range(0, len(key), _KEY_GROUP))


def _check_recovery_key(session: Session, given: str | None) -> None:
    """Refuse a recovery without the office's key (a database with no account at all
    needs none: nobody signs in to it). A refusal is audited and committed."""
    from .reference import get_setting

    if not session.scalar(select(func.count(User.id))):
        return
    stored = (get_setting(session, RECOVERY_KEY_SETTING, {}) or {}).get("hash")
    if stored and given and _verify(stored, _normal_key(given)):
        return
    audit.record(session, "recovery", "user", "", None, {
        "step": "refused", "reason": "no key issued" if not stored else "wrong key",
        "host": platform.node(), "os_user": _os_user()}, username="(recovery)")
    session.commit()
    if not stored:
        raise AuthenticationError(_(
            "No recovery key was issued for this database, so its administrator cannot be "
            "recovered this way. An administrator issues one with \u201creceptiondesk --user "
            "NAME db recovery-key\u201d and keeps it in the office safe."))
    raise AuthenticationError(_("The recovery key is wrong: nothing was changed."))


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in this environment
        return ""


def _pending_recovery(session: Session, user: User) -> dict | None:
    from .reference import get_setting

    pending = get_setting(session, RECOVERY_SETTING, {}) or {}
    return pending.get(user.username)


def _check_recovery_file(session: Session, recovery: dict, now: datetime) -> str | None:
    path = _database_file(session)
    file = path.with_name(recovery.get("file", "")) if path else None
    if file is None or not file.is_file():
        return _("The temporary password works only while its recovery file is beside the "
                 "database. Run \u201creceptiondesk db reset-admin\u201d again.")
    if hashlib.sha256(file.read_bytes()).hexdigest() != recovery.get("sha256"):
        return _("The recovery file was changed. Run \u201creceptiondesk db reset-admin\u201d "
                 "again.")
    if now > datetime.fromisoformat(recovery.get("until", "1970-01-01T00:00:00")):
        return _("The temporary password has expired. Run \u201creceptiondesk db "
                 "reset-admin\u201d again.")
    return None


def _finish_recovery(session: Session, user: User, recovery: dict) -> None:
    from .reference import get_setting, put_setting

    pending = dict(get_setting(session, RECOVERY_SETTING, {}) or {})
    pending.pop(user.username, None)
    put_setting(session, RECOVERY_SETTING, pending)
    path = _database_file(session)
    if path is not None:
        path.with_name(recovery.get("file", "")).unlink(missing_ok=True)
    user.must_change_password = True
    audit.record(session, "recovery", "user", user.id, None,
                 {"username": user.username, "step": "used"}, username=user.username)


# --- demo accounts -----------------------------------------------------------------------

DEMO_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    # username, role, password, full name
    ("clerk", CLERK, "clerk-demo-1", "Nguyễn Thị Hoa"),
    ("official", RECEIVING_OFFICIAL, "official-demo-1", "Lò Văn Khoa"),
    ("inspector", INSPECTOR, "inspector-demo-1", "Quàng Văn Tuấn"),
    ("head", OFFICE_HEAD, "head-demo-1", "Lường Thị Mai"),
    ("admin", ADMINISTRATOR, "admin-demo-1", "Trần Quốc Bảo"),
)


def create_demo_accounts(session: Session) -> list[tuple[str, str, str]]:
    """One account per role on a demo database: [(username, role, password)].

    Call after ``generate_demo`` (the accounts' passwords are the README's). Also
    protects the demo's denouncers (:func:`protection.protect_all`), which the bulk
    generator writes without the services.
    """
    from .protection import protect_all

    protect_all(session)
    made = []
    for username, role, password, full_name in DEMO_ACCOUNTS:
        if user_by_name(session, username) is None:
            official = _demo_official(session, role)
            _new_user(session, UserInput(
                username, official.full_name if official is not None else full_name, role,
                official_id=official.id if official is not None else None), password, False)
        made.append((username, role, password))
    session.flush()
    # the demo shows sealing at work: every account's keys, the office's keys made
    key_custody.bootstrap(session, {name: password for name, _role, password in made})
    return made


def _demo_official(session: Session, role: str) -> Official | None:
    """The home unit's official a demo account is linked to: the head of the unit for the
    office head, a deputy for the receiving official, the inspection (or justice) official
    for the inspector, the office's clerk for the clerk; none for the administrator."""
    from ..model import Unit

    home = session.scalar(select(Unit).where(Unit.is_home.is_(True)).limit(1))
    if home is None or role == ADMINISTRATOR:
        return None
    officials = list(session.scalars(select(Official).where(
        Official.unit_id == home.id, Official.active.is_(True)).order_by(Official.created_at,
                                                                          Official.id)))

    def first(test) -> Official | None:
        return next((o for o in officials if test(o.position.lower())), None)

    if role == OFFICE_HEAD:
        return next((o for o in officials
                     if o.duty_role in ("party_secretary", "committee_chairman")), None)
    if role == RECEIVING_OFFICIAL:
        return first(lambda p: p.startswith("phó"))
    if role == INSPECTOR:
        return first(lambda p: any(w in p for w in ("kiểm tra", "thanh tra", "tư pháp")))
    if role == CLERK:
        return first(lambda p: "văn phòng" in p or "tiếp công dân" in p)
    return None


# --- locking the screen ------------------------------------------------------------------

IDLE_SETTING = "security/idle_minutes"
DEFAULT_IDLE_MINUTES = 10
MAX_IDLE_MINUTES = 240


def idle_minutes(session: Session) -> int:
    """Minutes without input before the desktop application locks (0: never)."""
    from .reference import get_setting

    try:
        value = int(get_setting(session, IDLE_SETTING, DEFAULT_IDLE_MINUTES))
    except (TypeError, ValueError):
        return DEFAULT_IDLE_MINUTES
    return min(max(value, 0), MAX_IDLE_MINUTES)


def set_idle_minutes(session: Session, minutes: int) -> int:
    require(session, "settings.edit")
    if not 0 <= minutes <= MAX_IDLE_MINUTES:
        raise ValidationError.single("idle_minutes", _(
            "Lock the screen after 0 (never) to {limit} minutes.").format(
                limit=MAX_IDLE_MINUTES))
    from .reference import put_setting

    put_setting(session, IDLE_SETTING, minutes)
    return minutes


# --- the command line -----------------------------------------------------------------------

ENV_PASSWORD = "RECEPTIONDESK_PASSWORD"


def cli_password(username: str, environ: Mapping[str, str] | None = None, prompt=None) -> str:
    """The password of ``--user``: $RECEPTIONDESK_PASSWORD, else asked on the terminal."""
    import os

    environ = os.environ if environ is None else environ
    if environ.get(ENV_PASSWORD):
        return environ[ENV_PASSWORD]
    ask = prompt or getpass.getpass
    try:
        return ask(_("Password for {user}: ").format(user=username))
    except EOFError:  # no terminal to ask on (a script, a scheduled task)
        raise AuthenticationError(_(
            "No password for {user}: set RECEPTIONDESK_PASSWORD, or run the command in a "
            "terminal to be asked.").format(user=username)) from None


def sign_in_for_cli(db_path=None, database_url: str | None = None,
                    username: str = "", password: str | None = None) -> Actor:
    """Authenticate ``--user`` against the database a command is about to use; the Actor
    to run the command as (``with acting_as(actor): ...``). AuthenticationError if refused."""
    from .database import open_database

    db = open_database(db_path, database_url)
    try:
        actor = sign_in_with_password(db, username, password if password is not None
                                      else cli_password(username))
        if actor.may("accounts.manage"):
            with db.session() as s:
                if recovery_key_missing(s):
                    print(_("Warning: {notice}").format(notice=missing_key_notice()),
                          file=sys.stderr)
    finally:
        db.close()
    if actor.must_change_password:
        raise AuthenticationError(_(
            "{user} must choose a new password before anything else: sign in to the "
            "window with this password, choose the new one, then use the command line."
        ).format(user=actor.username))
    return actor


def accounts_exist_for_cli(db_path=None, database_url: str | None = None) -> bool:
    """Whether the database a command is about to use has user accounts (then a command
    that reads records or copies the file needs ``--user``)."""
    from .database import open_database

    db = open_database(db_path, database_url)
    try:
        with db.session() as s:
            return users_exist(s)
    finally:
        db.close()


def reset_admin_for_cli(db_path=None, database_url: str | None = None,
                        username: str | None = None, recovery_key: str | None = None
                        ) -> list[str]:
    """``receptiondesk db reset-admin [--user NAME]``: start a recovery; the lines to print."""
    from .database import open_database

    db = open_database(db_path, database_url)
    try:
        with db.session() as s, acting_as(None):
            name, password, file = start_recovery(s, username, recovery_key=recovery_key)
    finally:
        db.close()
    return [
        _("Recovery file written: {path}").format(path=file),
        _("Account {username}: sign in with the temporary password {password} while the "
          "file stays beside the database (24 hours, once), then choose a new password.")
        .format(username=name, password=password),
    ]
