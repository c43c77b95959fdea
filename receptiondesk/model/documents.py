"""Minutes and attachments (scanned signed copies, documents handed in)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, OwnedMixin


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
