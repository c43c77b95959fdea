"""Custody of the sealing keys: where the keys of :mod:`.sealing` come from, so that they
follow clearance (issue: a lost USB backup or a stolen PC reveals no denouncer).

**Holders and grants.** Every account, and the recovery key of the recovery sheet, is a
*holder* with its own X25519 key pair (table ``key_holders``): the public half in plain,
the private half wrapped with AES-256-GCM under a key derived with Argon2id from the
account's password (or from the recovery key). The office's keys — its private sealing
key (``office_private``), its index key (``index``) and its bundle-signing key
(``signing:<office key id>``) — are stored only as *grants* (table ``key_grants``), each
sealed to one holder's public key. Whoever holds a key can therefore give it to another
holder without knowing that holder's password.

**Who is entitled to what** (:func:`entitled`): every active account to the index key
(a clerk must find a repeat petition of a protected person); the cleared roles
(``accounts.CLEARED_ROLES``) to the private sealing key; the roles that may send bundles
to the signing key; the recovery key to all of them (it is how an office gets its keys
back when the cleared accounts' passwords are forgotten). A closed account is entitled to
nothing.

**When keys move.**

- At a sign-in (:func:`unlock`, called by ``accounts.sign_in_with_password``, the
  window's and the command line's ``--user`` path): the account's pair is made if it has
  none (accounts existing before the upgrade; the password is known only then), its
  grants are opened, the office's keys are made if the database has none yet and the
  account is cleared (then ``sealed_fields.seal_existing`` seals the values already
  there), the grants still missing are made with the keys this account holds
  (:func:`reconcile`: e.g. the private key for a newly cleared account, at the next sign-in
  of a cleared account), and the keys are put in :func:`sealing.set_keyring`.
- A password change rewraps the account's private half; an administrator setting a
  password (the old one unknown) gives the account a new pair: its grants are made again
  by whoever holds them (the index key at once by the administrator).
- A role change removes the grants the new role is not entitled to at once, and makes
  the new ones when the acting user holds them (else at a later sign-in).
- Using the recovery key (``db reset-admin``) opens its grants and makes every missing
  grant with them, so an office whose only cleared account had its password reset gets
  its private key back. A new recovery key gets its grants from whoever holds them; the
  holder of the replaced one is removed once the new one holds the private key.

**The last copy is kept.** A grant of the private sealing key is never removed when no
other holder has it (the sealed values would be lost for good); :func:`unlock` still
opens it only for a cleared role.
"""

from __future__ import annotations

import base64
import importlib
import os
from dataclasses import dataclass, field

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ..i18n import _
from ..model import KeyGrant, KeyHolder, OfficeKey, SealingKey, User
from ..model.base import new_id, utcnow
from . import audit, sealing
from .errors import ServiceError

OFFICE_PRIVATE = "office_private"
INDEX = "index"
SIGNING_PREFIX = "signing:"

ACCOUNT = "account"
PENDING = "pending"  # the pair made by a password recovery for the temporary password
RECOVERY = "recovery"
#: an account's replaced pair that held the last copy of the private sealing key: kept,
#: holding nothing new, until a sign-in with the old password opens it
RETIRED = "retired"

#: Argon2id parameters of a new wrap: RFC 9106 §4, the second recommended option for
#: memory-constrained environments (t=3 passes, p=4 lanes, m=64 MiB), which is also
#: argon2-cffi's RFC_9106_LOW_MEMORY profile used for the password hashes. The first
#: option (2 GiB) is out of reach of a commune's office PCs. Measured on the development
#: machine (2 cores, loaded): 0.32-0.39 s per derivation, so a sign-in pays it once (twice
#: for a password change). The parameters are stored with each wrap, so they can be
#: raised later without losing the old wraps.
ARGON2_TIME = 3
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_LANES = 4
_SALT_LEN = 16


class KeysUnavailable(ServiceError):
    """A key the action needs is not held by the signed-in account."""


# --- wrapping a holder's private half -----------------------------------------------------


def _kdf_text(salt: bytes, t: int, m: int, p: int) -> str:
    return "argon2id$v=19$m={m},t={t},p={p}${salt}".format(
        m=m, t=t, p=p, salt=base64.b64encode(salt).decode("ascii"))


def _derive(secret: str, kdf: str) -> bytes:
    name, _version, params, salt = kdf.split("$")
    if name != "argon2id":
        raise ValueError(kdf)
    values = dict(part.split("=") for part in params.split(","))
    return hash_secret_raw(secret.encode("utf-8"), base64.b64decode(salt),
                           time_cost=int(values["t"]), memory_cost=int(values["m"]),
                           parallelism=int(values["p"]), hash_len=32, type=Type.ID)


def wrap(private: bytes, secret: str, holder_id: str) -> tuple[str, str]:
    """(kdf, wrapped) of ``private`` under ``secret`` (a password or the recovery key)."""
    kdf = _kdf_text(os.urandom(_SALT_LEN), ARGON2_TIME, ARGON2_MEMORY_KIB, ARGON2_LANES)
    nonce = os.urandom(12)
    body = AESGCM(_derive(secret, kdf)).encrypt(nonce, private, _aad(holder_id))
    return kdf, base64.b64encode(nonce + body).decode("ascii")


def unwrap(kdf: str, wrapped: str, secret: str, holder_id: str) -> bytes | None:
    """The private half, or None for a wrong secret (or a damaged wrap)."""
    try:
        raw = base64.b64decode(wrapped)
        return AESGCM(_derive(secret, kdf)).decrypt(raw[:12], raw[12:], _aad(holder_id))
    except (InvalidTag, ValueError, KeyError):
        return None


def _aad(holder_id: str) -> bytes:
    return f"key_holders/{holder_id}".encode("ascii")


# --- the keys this process holds -------------------------------------------------------------


@dataclass
class Unlocked:
    """What a sign-in opened: the account's holder and the office's keys it holds."""

    user_id: str
    holder_id: str
    keys: dict[str, bytes] = field(default_factory=dict)


_unlocked: Unlocked | None = None


def unlocked() -> Unlocked | None:
    return _unlocked


def forget() -> None:
    """Sign-out, closing: this process holds no key any more."""
    global _unlocked
    _unlocked = None
    sealing.set_keyring(None)


def _held_keys() -> dict[str, bytes]:
    from .accounts import current_user

    user = current_user()
    if _unlocked is None or user is None or user.id != _unlocked.user_id:
        return {}
    return dict(_unlocked.keys)


# --- reading the tables -------------------------------------------------------------------


def office_public_key(session: Session) -> bytes | None:
    row = session.scalar(select(SealingKey.public_key).order_by(SealingKey.created_at)
                         .limit(1))
    return bytes.fromhex(row) if row else None


def _holder(session: Session, user_id: str, kind: str = ACCOUNT) -> KeyHolder | None:
    return session.scalar(select(KeyHolder).where(
        KeyHolder.user_id == user_id, KeyHolder.kind == kind)
        .order_by(KeyHolder.created_at.desc()).limit(1))


def _grants(session: Session, holder_id: str) -> dict[str, str]:
    return {name: sealed for name, sealed in session.execute(
        select(KeyGrant.key_name, KeyGrant.sealed).where(KeyGrant.holder_id == holder_id))}


def _context(holder_id: str, key_name: str) -> str:
    return f"key_grants/{holder_id}/{key_name}"


def _open_grants(session: Session, holder_id: str, public: bytes,
                 private: bytes) -> dict[str, bytes]:
    ring = sealing.Keyring(public_key=public, private_key=private)
    opened = {}
    for name, sealed in _grants(session, holder_id).items():
        try:
            opened[name] = bytes.fromhex(sealing.open_sealed(
                sealed, context=_context(holder_id, name), keyring=ring))
        except (sealing.DamagedSealedValue, ValueError):
            continue  # a damaged grant gives nothing; it is made again by a holder
    return opened


def entitled(role: str | None, kind: str, active: bool = True) -> set[str]:
    """The office's keys (their kinds: names without the signing key's id) a holder may
    have: see the module's documentation."""
    from .accounts import CLEARED_ROLES, role_may

    if kind == RECOVERY:
        return {INDEX, OFFICE_PRIVATE, SIGNING_PREFIX}
    if not active:
        return set()
    names = {INDEX}
    if role in CLEARED_ROLES:
        names.add(OFFICE_PRIVATE)
    if role_may(role, "bundles.send"):
        names.add(SIGNING_PREFIX)
    return names


def _kind_of(key_name: str) -> str:
    return SIGNING_PREFIX if key_name.startswith(SIGNING_PREFIX) else key_name


# --- writing ----------------------------------------------------------------------------------


def _new_holder(session: Session, kind: str, user_id: str | None,
                secret: str) -> tuple[str, bytes]:
    """A new holder's id and its private half (wrapped under ``secret`` in the table)."""
    private, public = sealing.new_key_pair()
    holder_id = new_id()
    kdf, wrapped = wrap(private, secret, holder_id)
    session.execute(insert(KeyHolder).values(
        id=holder_id, kind=kind, user_id=user_id, public_key=public.hex(), kdf=kdf,
        wrapped=wrapped, created_at=utcnow()))
    return holder_id, private


def _drop_holder(session: Session, holder_id: str) -> None:
    session.execute(delete(KeyGrant).where(KeyGrant.holder_id == holder_id))
    session.execute(delete(KeyHolder).where(KeyHolder.id == holder_id))


def _replace_holder(session: Session, holder: KeyHolder) -> None:
    """An account's pair replaced (its password reset): dropped, unless it holds the
    only copy of the private sealing key outside retired pairs; then it is retired."""
    others = session.scalar(select(KeyGrant.id).join(
        KeyHolder, KeyHolder.id == KeyGrant.holder_id).where(
        KeyGrant.key_name == OFFICE_PRIVATE, KeyGrant.holder_id != holder.id,
        KeyHolder.kind.in_([ACCOUNT, RECOVERY])).limit(1))
    mine = session.scalar(select(KeyGrant.id).where(
        KeyGrant.key_name == OFFICE_PRIVATE, KeyGrant.holder_id == holder.id).limit(1))
    if mine is not None and others is None:
        session.execute(update(KeyHolder).where(KeyHolder.id == holder.id)
                        .values(kind=RETIRED))
    else:
        _drop_holder(session, holder.id)


def _grant(session: Session, holder: KeyHolder, key_name: str, value: bytes) -> None:
    from .accounts import current_user

    ring = sealing.Keyring(public_key=bytes.fromhex(holder.public_key))
    sealed = sealing.seal(value.hex(), context=_context(holder.id, key_name), keyring=ring)
    user = current_user()
    session.execute(insert(KeyGrant).values(
        id=new_id(), holder_id=holder.id, key_name=key_name, sealed=sealed,
        granted_by=user.username if user else "", created_at=utcnow()))
    audit.record(session, "create", "key_grant", holder.id, None,
                 {"key": key_name, "holder": _holder_label(session, holder)})


def _holder_label(session: Session, holder: KeyHolder) -> str:
    if holder.kind == RECOVERY:
        return "(recovery key)"
    user = session.get(User, holder.user_id) if holder.user_id else None
    return user.username if user is not None else holder.user_id or ""


def new_account_pair(session: Session, user: User, password: str) -> None:
    """A new key pair for ``user`` under ``password`` (a new account, or a password set
    by an administrator: the old private half cannot be opened, so its grants go), then
    the grants the acting user can make."""
    old = _holder(session, user.id)
    if old is not None:
        _replace_holder(session, old)
    _new_holder(session, ACCOUNT, user.id, password)
    session.flush()
    reconcile(session, _held_keys())


def rewrap(session: Session, user: User, old_password: str, new_password: str) -> None:
    """The account's private half under its new password (its grants stay valid)."""
    holder = _holder(session, user.id)
    if holder is None:
        _new_holder(session, ACCOUNT, user.id, new_password)
        return
    private = unwrap(holder.kdf, holder.wrapped, old_password, holder.id)
    if private is None:  # a wrap that never matched this password: start again
        new_account_pair(session, user, new_password)
        return
    kdf, wrapped = wrap(private, new_password, holder.id)
    session.execute(update(KeyHolder).where(KeyHolder.id == holder.id).values(
        kdf=kdf, wrapped=wrapped))


def recovery_key_issued(session: Session, recovery_key: str) -> None:
    """A new recovery key: its own pair, and its grants from whoever holds them (the
    replaced key's holder is removed by :func:`reconcile` once this one has the private
    sealing key)."""
    _new_holder(session, RECOVERY, None, _normal(recovery_key))
    session.flush()
    reconcile(session, _held_keys())


def _normal(recovery_key: str) -> str:
    return "".join(c for c in recovery_key.upper() if c.isalnum())


def open_with_recovery_key(session: Session, recovery_key: str) -> dict[str, bytes]:
    """The keys the recovery key's holder has (the newest holder that opens with it), and
    every missing grant made with them. Called when the key has been checked."""
    secret = _normal(recovery_key)
    for holder in session.scalars(select(KeyHolder).where(KeyHolder.kind == RECOVERY)
                                  .order_by(KeyHolder.created_at.desc())):
        private = unwrap(holder.kdf, holder.wrapped, secret, holder.id)
        if private is not None:
            keys = _open_grants(session, holder.id, bytes.fromhex(holder.public_key), private)
            reconcile(session, keys)
            return keys
    # a recovery key from before the key custody: it gets a pair now
    recovery_key_issued(session, recovery_key)
    return {}


def recovery_pair(session: Session, user: User, temporary_password: str,
                  recovery_key: str | None) -> None:
    """A password recovery: a pair for the temporary password, given the keys the
    account is entitled to from the recovery key's; it replaces the account's pair at the
    first sign-in with the temporary password (the old password works until then)."""
    for old in session.scalars(select(KeyHolder.id).where(
            KeyHolder.user_id == user.id, KeyHolder.kind == PENDING)).all():
        _drop_holder(session, old)
    keys = open_with_recovery_key(session, recovery_key) if recovery_key else {}
    holder_id, _private = _new_holder(session, PENDING, user.id, temporary_password)
    session.flush()
    holder = session.get(KeyHolder, holder_id)
    assert holder is not None
    allowed = entitled(user.role, ACCOUNT, True)
    for name, value in keys.items():
        if _kind_of(name) in allowed:
            _grant(session, holder, name, value)


def follow_roles(session: Session) -> None:
    """After an account's role or active flag changed: grants removed and made."""
    reconcile(session, _held_keys())


def reconcile(session: Session, held: dict[str, bytes]) -> None:
    """Remove the grants their holders are no longer entitled to (keeping a last copy of
    the private sealing key), and make the missing ones with the keys in ``held``."""
    roles = {u.id: (u.role, bool(u.active)) for u in session.scalars(select(User))}
    holders = list(session.scalars(select(KeyHolder).where(
        KeyHolder.kind.in_([ACCOUNT, RECOVERY]))))
    grants = {h.id: set(_grants(session, h.id)) for h in holders}
    signing = [f"{SIGNING_PREFIX}{key_id}" for key_id in session.scalars(select(OfficeKey.id))]
    changed = False
    for holder in holders:
        role, active = roles.get(holder.user_id or "", (None, holder.kind == RECOVERY))
        allowed = entitled(role, holder.kind, active)
        for name in sorted(grants[holder.id]):
            if _kind_of(name) in allowed:
                continue
            if name == OFFICE_PRIVATE and not any(
                    OFFICE_PRIVATE in grants[other.id] for other in holders
                    if other.id != holder.id):
                continue  # the last copy of the private sealing key is kept
            session.execute(delete(KeyGrant).where(KeyGrant.holder_id == holder.id,
                                                   KeyGrant.key_name == name))
            grants[holder.id].discard(name)
            audit.record(session, "delete", "key_grant", holder.id, None,
                         {"key": name, "holder": _holder_label(session, holder)})
            changed = True
        wanted = {INDEX, OFFICE_PRIVATE} & allowed
        if SIGNING_PREFIX in allowed:
            wanted |= set(signing)
        for name in sorted(wanted - grants[holder.id]):
            if name in held:
                _grant(session, holder, name, held[name])
                grants[holder.id].add(name)
                changed = True
    # a replaced recovery key's holder goes once the newest one holds the private key
    recovery = sorted((h for h in holders if h.kind == RECOVERY),
                      key=lambda h: h.created_at, reverse=True)
    if recovery and OFFICE_PRIVATE in grants[recovery[0].id]:
        for old in recovery[1:]:
            _drop_holder(session, old.id)
            changed = True
    # retired pairs go once a holder in use has the private key again
    if any(OFFICE_PRIVATE in names for names in grants.values()):
        for retired_id in session.scalars(select(KeyHolder.id).where(
                KeyHolder.kind == RETIRED)).all():
            _drop_holder(session, retired_id)
            changed = True
    if changed:
        session.flush()


def _create_office_keys(session: Session) -> dict[str, bytes]:
    private, public = sealing.new_key_pair()
    session.execute(insert(SealingKey).values(id=new_id(), public_key=public.hex(),
                                              created_at=utcnow()))
    audit.record(session, "create", "sealing_key", public.hex()[:32], None,
                 {"public_key": public.hex()})
    return {OFFICE_PRIVATE: private, INDEX: sealing.new_index_key()}


def _seal_plain_signing_keys(session: Session, held: dict[str, bytes]) -> list[str]:
    """The ids of the signing keys still stored in plain; their keys go in ``held``."""
    plain = session.execute(select(OfficeKey.id, OfficeKey.private_key).where(
        OfficeKey.private_key != "")).all()
    for key_id, private_hex in plain:
        held[f"{SIGNING_PREFIX}{key_id}"] = bytes.fromhex(private_hex)
    return [key_id for key_id, _hex in plain]


def blank_signing_keys(session: Session, key_ids: list[str]) -> None:
    """Blank the plain signing keys now sealed to at least one holder; on SQLite with
    ``secure_delete`` so the old bytes are overwritten, not left in a free page."""
    done = [key_id for key_id in key_ids if session.scalar(select(KeyGrant.id).where(
        KeyGrant.key_name == f"{SIGNING_PREFIX}{key_id}").limit(1)) is not None]
    if not done:
        return
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
    session.execute(update(OfficeKey).where(OfficeKey.id.in_(done)).values(private_key=""))
    session.flush()
    if sqlite:
        conn.exec_driver_sql("PRAGMA secure_delete = OFF")


def unlock(session: Session, user: User, password: str) -> sealing.Keyring | None:
    """At a sign-in with ``password`` (already checked): open the account's keys, make what
    is missing (module documentation), and hand the keys to :mod:`.sealing`. Returns the
    keyring (None while the database has no office keys)."""
    global _unlocked
    from .accounts import acting_as, is_cleared

    holder = _promote_pending(session, user, password) or _holder(session, user.id)
    private = unwrap(holder.kdf, holder.wrapped, password, holder.id) if holder else None
    if holder is None or private is None:  # no pair yet (an account from before), or a
        if holder is not None:  # wrap that does not open: a new pair, grants made again
            _replace_holder(session, holder)
        holder_id, private = _new_holder(session, ACCOUNT, user.id, password)
        session.flush()
        holder = session.get(KeyHolder, holder_id)
        assert holder is not None
    keys = _open_grants(session, holder.id, bytes.fromhex(holder.public_key), private)
    retired_ids: list[str] = []
    for retired in list(session.scalars(select(KeyHolder).where(
            KeyHolder.user_id == user.id, KeyHolder.kind == RETIRED))):
        old_private = unwrap(retired.kdf, retired.wrapped, password, retired.id)
        if old_private is not None:  # the old password: its keys are given again
            old_keys = _open_grants(session, retired.id, bytes.fromhex(retired.public_key),
                                    old_private)
            keys = {**old_keys, **keys}
            retired_ids.append(retired.id)
    # every key opened is passed on to the holders entitled to it (a kept last copy of the
    # private key too); only the entitled ones go in the keyring
    allowed = entitled(user.role, ACCOUNT, bool(user.active))
    created = False
    with acting_as(user):
        if office_public_key(session) is None and is_cleared() and _lock_keys(session):
            keys.update(_create_office_keys(session))
            created = True
        plain_signing = _seal_plain_signing_keys(session, keys) if (
            office_public_key(session) is not None) else []
        reconcile(session, keys)
        blank_signing_keys(session, plain_signing)
        for retired_id in retired_ids:
            _drop_holder(session, retired_id)
    keys = {name: value for name, value in keys.items() if _kind_of(name) in allowed}
    _unlocked = Unlocked(user.id, holder.id, keys)
    public = office_public_key(session)
    ring = sealing.Keyring(public_key=public, private_key=keys.get(OFFICE_PRIVATE),
                           index_key=keys.get(INDEX)) if public is not None else None
    sealing.set_keyring(ring)
    if created:
        _seal_existing(session, user)
    return ring


def _lock_keys(session: Session) -> bool:
    """Whether the office's keys are still to be made, once no other PC can make them at
    the same time (PostgreSQL: the table locked until the end of this unit of work; SQLite:
    the sign-in's unit of work already holds the write lock)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE sealing_keys IN EXCLUSIVE MODE")
    return office_public_key(session) is None


def _promote_pending(session: Session, user: User, password: str) -> KeyHolder | None:
    """The recovery's pair, when this sign-in is with its temporary password."""
    pending = _holder(session, user.id, PENDING)
    if pending is None or unwrap(pending.kdf, pending.wrapped, password, pending.id) is None:
        return None
    old = _holder(session, user.id)
    if old is not None:
        _replace_holder(session, old)
    session.execute(update(KeyHolder).where(KeyHolder.id == pending.id).values(kind=ACCOUNT))
    session.flush()
    session.refresh(pending)
    return pending


def _seal_existing_values(session: Session) -> int:
    """Seal the values written before the office had keys, with the keyring in place
    (``services.sealed_fields``, its own module; absent, nothing to do)."""
    try:
        module = importlib.import_module(f"{__package__}.sealed_fields")
    except ModuleNotFoundError:
        return 0
    return int(module.seal_existing(session))


def _seal_existing(session: Session, user: User) -> None:
    from .accounts import acting_as

    with acting_as(user):
        _seal_existing_values(session)


def bootstrap(session: Session, passwords: dict[str, str]) -> None:
    """Keys for a database made without signing in (the demo): a pair for each named
    account with its password, the office's keys, and every grant."""
    for name, password in passwords.items():
        user = session.scalar(select(User).where(User.username == name))
        if user is not None and _holder(session, user.id) is None:
            _new_holder(session, ACCOUNT, user.id, password)
    session.flush()
    keys: dict[str, bytes] = {}
    if office_public_key(session) is None:
        keys.update(_create_office_keys(session))
    plain_signing = _seal_plain_signing_keys(session, keys)
    reconcile(session, keys)
    blank_signing_keys(session, plain_signing)
    if keys.get(OFFICE_PRIVATE) is not None:
        public = office_public_key(session)
        assert public is not None
        previous = sealing.current_keyring()
        sealing.set_keyring(sealing.Keyring(public_key=public,
                                            private_key=keys[OFFICE_PRIVATE],
                                            index_key=keys[INDEX]))
        from .accounts import CLEARED_ROLES, acting_as

        cleared = session.scalar(select(User).where(
            User.username.in_(list(passwords)), User.role.in_(sorted(CLEARED_ROLES)),
            User.active.is_(True)).order_by(User.username).limit(1))
        try:
            with acting_as(cleared):  # as the demo's office head (or official)
                _seal_existing_values(session)
        finally:
            sealing.set_keyring(previous)


# --- the bundle-signing key ------------------------------------------------------------------


def signing_key(row: OfficeKey) -> bytes:
    """The raw private signing key of ``row``: in plain until a sign-in sealed it, then
    only from the signed-in account's grant."""
    if row.private_key:
        return bytes.fromhex(row.private_key)
    from .accounts import current_user, role_label, role_may

    user = current_user()
    key = _held_keys().get(f"{SIGNING_PREFIX}{row.id}")
    if key is not None:
        return key
    if user is None or not role_may(user.role, "bundles.send"):
        raise KeysUnavailable(_(
            "Only a role that may send bundles holds the office's signing key; your role "
            "({role}) does not.").format(role=role_label(user.role if user else None)))
    raise KeysUnavailable(_(
        "Your account has not been given the office's signing key yet. It is given at the "
        "next sign-in of an account that holds it (another account that may send "
        "bundles), or with the recovery key; then sign in again."))


def seal_new_signing_key(session: Session, key_id: str, private: bytes) -> bool:
    """Give a new signing key to every holder entitled to it; False when the office has
    no holders yet (then it stays in plain until a sign-in seals it)."""
    if office_public_key(session) is None:
        return False
    held = {f"{SIGNING_PREFIX}{key_id}": private}
    reconcile(session, held)
    if session.scalar(select(KeyGrant.id).where(
            KeyGrant.key_name == f"{SIGNING_PREFIX}{key_id}").limit(1)) is None:
        return False
    from .accounts import current_user, role_may

    user = current_user()
    if _unlocked is not None and user is not None and user.id == _unlocked.user_id \
            and role_may(user.role, "bundles.send"):
        _unlocked.keys.update(held)
    return True
