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
