"""This office's bundle-signing key, and the keys registered for the offices that send
bundles here.

**Where the private key lives.** In the database, sealed: once the office has its sealing
keys (``services.key_custody``) the private key is stored only as grants sealed to the
accounts whose role may send bundles (and to the recovery key); ``office_keys`` keeps its
public half. A key made before that stays in plain in ``office_keys.private_key`` until
the first sign-in that can seal it. It is in the database, not in the user's data
folder: the database is the office — several PCs may share it (PostgreSQL),
it is what gets backed up, restored and moved to a new PC — and the province registered
*this office's* key, so the key must travel with the office's records. Someone holding a
copy of the database could sign in its name, but they already hold every record it has.

**Fingerprints** are the SHA-256 of the raw 32-byte public key, written as 16 groups of
four hex digits so that two people can read them to each other over the phone.

**Trust on first use, then pinned.** The first bundle of an office whose key is unknown
is accepted only after someone compares the fingerprint with the sending office and
confirms; afterwards a bundle of that office (its unit code) signed by another key is
refused.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..i18n import _
from ..model import OfficeKey, RegisteredOfficeKey, Unit
from ..model.base import new_id, utcnow
from . import audit
from .accounts import current_user, require
from .errors import ServiceError

#: what changing bundles between offices takes: importing and changing units
TRUST_PERMISSIONS = ("data.import", "units.edit")


class KeyMismatch(ServiceError):
    """A bundle of a known office signed by another key than the one registered."""


def fingerprint(public_hex: str) -> str:
    """SHA-256 of the raw public key as groups of four hex digits ("1a2b 3c4d …")."""
    digest = hashlib.sha256(bytes.fromhex(public_hex)).hexdigest().upper()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def _raw_public(key: Ed25519PublicKey) -> str:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def own_key(session: Session, unit: Unit, *, create: bool = True) -> OfficeKey | None:
    """The signing key of ``unit`` (this office), made on first use."""
    row = session.scalar(select(OfficeKey).where(OfficeKey.unit_id == unit.id))
    if row is None and create:
        private = Ed25519PrivateKey.generate()
        public_hex = _raw_public(private.public_key())
        # Written with Core, not the ORM: the audit listener would copy the private key
        # into the log; the explicit entry names only the fingerprint.
        session.execute(insert(OfficeKey).values(
            id=new_id(), unit_id=unit.id, public_key=public_hex,
            private_key=private.private_bytes(Encoding.Raw, PrivateFormat.Raw,
                                              NoEncryption()).hex(),
            fingerprint=fingerprint(public_hex), created_at=utcnow()))
        audit.record(session, "create", "office_key", public_hex[:32], unit.id,
                     {"fingerprint": fingerprint(public_hex)})
        row = session.scalar(select(OfficeKey).where(OfficeKey.unit_id == unit.id))
        assert row is not None
        # sealed to the accounts that may send bundles at once, when the office has keys
        from . import key_custody

        raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        if key_custody.seal_new_signing_key(session, row.id, raw):
            key_custody.blank_signing_keys(session, [row.id])
            session.refresh(row)
    return row


def signer(row: OfficeKey) -> Ed25519PrivateKey:
    """The office's signing key: from the row while it is in plain, else from the
    signed-in account's grant (KeysUnavailable, in the user's language, for a role that
    may not send bundles or an account not given it yet)."""
    from . import key_custody

    return Ed25519PrivateKey.from_private_bytes(key_custody.signing_key(row))


def registered_key(session: Session, unit_code: str) -> RegisteredOfficeKey | None:
    return session.scalar(
        select(RegisteredOfficeKey).where(RegisteredOfficeKey.unit_code == unit_code))


def check_registered(session: Session, unit_code: str, public_hex: str) -> bool:
    """True when ``public_hex`` is the key registered for the office, False when the
    office has no key registered yet; :class:`KeyMismatch` for another key."""
    row = registered_key(session, unit_code)
    if row is None:
        return False
    if row.public_key != public_hex:
        raise KeyMismatch(_(
            "The bundle of {code} is signed by another key than the one registered for "
            "that office on {date}: registered {registered}, in the bundle {found}. It "
            "was refused.").format(
                code=unit_code, date=row.registered_at.date().isoformat(),
                registered=row.fingerprint, found=fingerprint(public_hex)))
    return True


def register_key(session: Session, unit_code: str, unit_id: str, unit_name: str,
                 public_hex: str) -> RegisteredOfficeKey:
    """Register the key of an office after its fingerprint was confirmed."""
    for permission in TRUST_PERMISSIONS:
        require(session, permission)
    if check_registered(session, unit_code, public_hex):
        existing = registered_key(session, unit_code)
        assert existing is not None  # check_registered just read it
        return existing
    user = current_user()
    row = RegisteredOfficeKey(
        unit_code=unit_code, unit_id=unit_id, unit_name=unit_name, public_key=public_hex,
        fingerprint=fingerprint(public_hex), registered_at=utcnow(),
        registered_by=user.username if user else "")
    session.add(row)  # the audit listener records the registration
    session.flush()
    return row

