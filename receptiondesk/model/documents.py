"""Minutes and attachments (scanned signed copies, documents handed in)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, OwnedMixin, utcnow


class Minutes(OwnedMixin, Base):
    """A biên bản: draft → printed → signed (then locked; corrections are addenda)."""

    __tablename__ = "minutes"
    __table_args__ = (Index("ix_minutes_subject", "subject_kind", "subject_id"),)

    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    copies: Mapped[int] = mapped_column(Integer, default=2)
    printed_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_copy_id: Mapped[str | None] = mapped_column(ForeignKey("attachments.id"))
    addendum_of_id: Mapped[str | None] = mapped_column(ForeignKey("minutes.id"))
    text: Mapped[str] = mapped_column(Text, default="")


class MinutesVersion(OwnedMixin, Base):
    """One printing of minutes for signature, frozen: its number (1, 2, …), the content it
    was printed from (canonical JSON) and that content's fingerprint, printed in the
    footer. A later change of the records starts the next version; the one signed stays."""

    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("minutes_id", "number",
                                       name="uq_minutes_versions_minutes_number"),)

    minutes_id: Mapped[str] = mapped_column(ForeignKey("minutes.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text, deferred=True)
    printed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    printed_by: Mapped[str] = mapped_column(String(60), default="")
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_copy_id: Mapped[str | None] = mapped_column(ForeignKey("attachments.id"))


class DocumentCounter(Base):
    """The last number given to a unit's documents of one kind in one year (petitions,
    minutes, notices): raised in the transaction that uses the number, so that two
    writers never get the same one."""

    __tablename__ = "document_counters"

    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Attachment(OwnedMixin, Base):
    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner", "owner_kind", "owner_id"),)

    owner_kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(260))
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
