"""Signed offline bundles between offices: this office's key, the keys of the offices
that send bundles here, what was last received of each record, and merge conflicts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id, utcnow


class OfficeKey(Base):
    """This office's Ed25519 signing key (one per home unit), kept in the database so
    that it moves with the database, its backups and every PC sharing it."""

    __tablename__ = "office_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), unique=True)
    #: the raw 32-byte keys in hex
    public_key: Mapped[str] = mapped_column(String(64))
    private_key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: when the last bundle was made: the next one holds what changed since
    last_export_at: Mapped[datetime | None] = mapped_column(DateTime)


class RegisteredOfficeKey(Base):
    """The public key registered (after a fingerprint check by phone) for an office
    that sends bundles here. A bundle of that office signed by any other key is refused."""

    __tablename__ = "registered_office_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    unit_code: Mapped[str] = mapped_column(String(40), unique=True)
    #: the sending office's own unit id (its records name it)
    unit_id: Mapped[str] = mapped_column(String(32))
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    public_key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(100))
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    registered_by: Mapped[str] = mapped_column(String(60), default="")


class BundleRecord(Base):
    """The version of a record last taken from a bundle: a copy changed here since (its
    version moved on) and changed at the sender too is a conflict, not an update."""

    __tablename__ = "bundle_records"

    record_kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class BundleConflict(Base):
    """A record edited both here and at the sending office since the last bundle: both
    versions are kept until someone chooses (keep mine / take theirs)."""

    __tablename__ = "bundle_conflicts"
    __table_args__ = (Index("ix_bundle_conflicts_record", "record_kind", "record_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    record_kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[str | None] = mapped_column(String(32))
    sender_code: Mapped[str] = mapped_column(String(40), default="")
    #: the two versions, as JSON objects of column values
    mine: Mapped[str] = mapped_column(Text)
    theirs: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[str] = mapped_column(String(60), default="")
    #: None while open; 'keep_mine' or 'take_theirs'
    resolution: Mapped[str | None] = mapped_column(String(20))
