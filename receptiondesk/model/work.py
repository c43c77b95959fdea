"""Working meetings, concluding notices, and inspections and supervisions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, OwnedMixin
from .organisation import Official


class WorkingMeeting(OwnedMixin, Base):
    """A head of committee with subordinate secretaries or agency heads about this work."""

    __tablename__ = "working_meetings"
    __table_args__ = (Index("ix_meetings_unit_date", "unit_id", "meeting_date"),)

    ref: Mapped[str] = mapped_column(String(60), default="", index=True)
    meeting_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default="regular")
    chaired_by_id: Mapped[str | None] = mapped_column(ForeignKey("officials.id"))
    chaired_by_name: Mapped[str] = mapped_column(String(120), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    participants: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    conclusions: Mapped[str] = mapped_column(Text, default="")
    locked: Mapped[bool] = mapped_column(Boolean, default=False)

    chaired_by: Mapped[Official | None] = relationship()
    notices: Mapped[list[ConcludingNotice]] = relationship(back_populates="meeting")


class ConcludingNotice(OwnedMixin, Base):
    """A thông báo kết luận issued after a meeting or a reception session."""

    __tablename__ = "concluding_notices"

    number: Mapped[str] = mapped_column(String(60), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    meeting_id: Mapped[str | None] = mapped_column(ForeignKey("working_meetings.id"), index=True)
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("reception_sessions.id"), index=True
    )
    content: Mapped[str] = mapped_column(Text, default="")
    signed_by_id: Mapped[str | None] = mapped_column(ForeignKey("officials.id"))

    meeting: Mapped[WorkingMeeting | None] = relationship(back_populates="notices")


class Inspection(OwnedMixin, Base):
    """An inspection or supervision of subordinate organisations on this work."""

    __tablename__ = "inspections"
    __table_args__ = (Index("ix_inspections_unit_date", "unit_id", "inspection_date"),)

    ref: Mapped[str] = mapped_column(String(60), default="", index=True)
    inspection_date: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(String(40), default="standing_committee")
    kind: Mapped[str] = mapped_column(String(20), default="inspection")
    organisations: Mapped[str] = mapped_column(Text, default="")
    organisation_count: Mapped[int] = mapped_column(Integer, default=0)
    members: Mapped[str] = mapped_column(Text, default="")
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    violations_found: Mapped[bool] = mapped_column(Boolean, default=False)
    conclusions: Mapped[str] = mapped_column(Text, default="")
