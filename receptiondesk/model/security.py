"""Accounts, the hash-chained audit log, and the citizens whose identity is protected."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, RecordMixin, utcnow
from .organisation import Official


class User(RecordMixin, Base):
    """A person who signs in: a role says what they may see and do."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(30))
    # Argon2id, in the PHC string format ($argon2id$v=19$m=...,t=...,p=...$salt$hash)
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    official_id: Mapped[str | None] = mapped_column(ForeignKey("officials.id"))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    #: the official this person is: forms fill recorder and handler with them
    official: Mapped[Official | None] = relationship()


class AuditEntry(Base):
    """One line of the audit log. Append-only (triggers refuse UPDATE and DELETE) and
    hash-chained: ``hash`` = SHA-256 of ``prev_hash`` and the entry's canonical JSON."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_at", "at"),
        Index("ix_audit_entries_username", "username"),
        Index("ix_audit_entries_action", "action"),
        Index("ix_audit_entries_record", "record_kind", "record_id"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    username: Mapped[str] = mapped_column(String(60), default="")
    action: Mapped[str] = mapped_column(String(30))
    record_kind: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[str] = mapped_column(String(64), default="")
    unit_id: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ProtectedCitizen(Base):
    """A citizen linked to a denunciation (as its petitioner or at the visit that brought
    it): hidden from the directory and from search for users not cleared (DESIGN §4).
    Once protected, always protected."""

    __tablename__ = "protected_citizens"

    citizen_id: Mapped[str] = mapped_column(
        ForeignKey("citizens.id", ondelete="CASCADE"), primary_key=True
    )
    since: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SealingKey(Base):
    """The office's X25519 *public* sealing key (one row): anyone signed in seals with it.
    Its private half is only ever stored sealed, in :class:`KeyGrant` rows."""

    __tablename__ = "sealing_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: the raw 32-byte public key in hex
    public_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class KeyHolder(Base):
    """Someone who can hold the office's keys: an account (``kind`` "account"; "pending"
    for the pair made by a password recovery, which replaces the account's at the first
    sign-in with the temporary password) or the recovery key of the recovery sheet
    ("recovery"). Its own X25519 private key is stored wrapped (AES-256-GCM) under a key
    derived with Argon2id from the account's password or from the recovery key."""

    __tablename__ = "key_holders"
    __table_args__ = (Index("ix_key_holders_user", "user_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    public_key: Mapped[str] = mapped_column(String(64))
    #: "argon2id$v=19$m=65536,t=3,p=4$<salt, base64>" (the parameters of this wrap)
    kdf: Mapped[str] = mapped_column(String(200))
    #: base64 of nonce + ciphertext + tag of the raw private key
    wrapped: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class KeyGrant(Base):
    """One of the office's keys (``key_name``: "office_private", "index" or
    "signing:<office key id>") sealed to a holder's public key: whoever holds a key can
    give it without knowing the receiver's password."""

    __tablename__ = "key_grants"
    __table_args__ = (Index("ux_key_grants_holder_key", "holder_id", "key_name", unique=True),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder_id: Mapped[str] = mapped_column(ForeignKey("key_holders.id"))
    key_name: Mapped[str] = mapped_column(String(80))
    #: the key, sealed (``sealing.seal``) to the holder's public key
    sealed: Mapped[str] = mapped_column(Text)
    granted_by: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
