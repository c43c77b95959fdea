"""Reception sessions and the visits received in them (one visit = one log-book row)."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, OwnedMixin
from .organisation import Citizen, Official


class ReceptionSession(OwnedMixin, Base):
    """A buổi tiếp công dân: regular, unscheduled, routine desk or dialogue."""

    __tablename__ = "reception_sessions"
    __table_args__ = (
        Index("ix_sessions_unit_date", "unit_id", "session_date"),
        Index("ix_sessions_presiding_date", "presiding_official_id", "session_date"),
        Index("ix_sessions_date", "session_date"),  # the list's order (migration 0012)
    )

    ref: Mapped[str] = mapped_column(String(60), default="", index=True)
    session_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="regular")
    mode: Mapped[str] = mapped_column(String(20), default="in_person")
    presiding_official_id: Mapped[str | None] = mapped_column(ForeignKey("officials.id"))
    # Kept as text too: imported log books name officials who are not in the database.
    presiding_name: Mapped[str] = mapped_column(String(120), default="")
    recorder_official_id: Mapped[str | None] = mapped_column(ForeignKey("officials.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the folded ref, place, presiding official and notes, in the search index as the
    #: other lists' texts are (migration 0012). Deferred: no list shows it, and a list
    #: page need not load it.
    search_text: Mapped[str] = mapped_column(Text, default="", deferred=True)

    presiding_official: Mapped[Official | None] = relationship(
        foreign_keys=[presiding_official_id]
    )
    recorder_official: Mapped[Official | None] = relationship(foreign_keys=[recorder_official_id])
    visits: Mapped[list[Visit]] = relationship(
        back_populates="session", order_by="Visit.seq", cascade="all, delete-orphan"
    )


class Visit(OwnedMixin, Base):
    """A lượt tiếp: one citizen or one delegation received in a session."""

    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_unit_date", "unit_id", "visit_date"),
        # the list's order, newest first or log-book order (migration 0012)
        Index("ix_visits_date", "visit_date", "created_at", "seq"),
    )

    session_id: Mapped[str] = mapped_column(ForeignKey("reception_sessions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    # Denormalised from the session so that log-book queries need no join.
    visit_date: Mapped[date] = mapped_column(Date)
    citizen_id: Mapped[str | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    head_count: Mapped[int] = mapped_column(Integer, default=1)
    # A delegation (đoàn đông người) is five or more people.
    is_delegation: Mapped[bool] = mapped_column(Boolean, default=False)
    representatives: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    field_code: Mapped[str | None] = mapped_column(ForeignKey("fields.code"), index=True)
    petition_type: Mapped[str | None] = mapped_column(String(20))
    previously_handled_by: Mapped[str] = mapped_column(Text, default="")
    handling: Mapped[str] = mapped_column(String(20), default="none")
    # The direction the presiding official gave (answers and conclusions).
    direction: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    locked: Mapped[bool] = mapped_column(Boolean, default=False)

    session: Mapped[ReceptionSession] = relationship(back_populates="visits")
    citizen: Mapped[Citizen | None] = relationship()
    attendees: Mapped[list[VisitAttendee]] = relationship(
        back_populates="visit", order_by="VisitAttendee.seq", cascade="all, delete-orphan"
    )


class VisitAttendee(OwnedMixin, Base):
    """A citizen present at a visit; for a delegation, its representatives."""

    __tablename__ = "visit_attendees"

    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    is_representative: Mapped[bool] = mapped_column(Boolean, default=False)

    visit: Mapped[Visit] = relationship(back_populates="attendees")
    citizen: Mapped[Citizen] = relationship()
