"""Petitions (đơn), their petitioners, append-only events and deadline extensions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .base import Base, OwnedMixin, SealedIdentityMixin, sealable, utcnow
from .organisation import Citizen, Official


class Petition(OwnedMixin, Base):
    __tablename__ = "petitions"
    __table_args__ = (
        Index("ix_petitions_unit_received", "unit_id", "received_date"),
        Index("ix_petitions_status_due", "status", "next_due_date"),
        Index("ix_petitions_unit_ref", "unit_id", "ref"),
        # The petition list's default and "due" sorts read these in order instead of sorting.
        Index("ix_petitions_received_id", "received_date", "id"),
        Index("ix_petitions_due_id", "next_due_date", "id"),
        # every column the periodic report reads: its scan never touches the long texts
        Index("ix_petitions_report", "received_date", "status", "unit_id", "petition_type",
              "field_code", "handling", "result", "complexity", "complaint_round",
              "accepted_date", "closed_date", "result_date", "handling_date",
              "is_delegation", "beyond_level", "long_running", "many_signers", "id"),
    )

    # party_matter's database default is not read back after an INSERT (a database made
    # before the column can still take records written by this model, as in the upgrade
    # tests); it is read when the petition is next loaded
    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 - SQLAlchemy declared attribute
        return {"version_id_col": cls.version, "eager_defaults": False}

    ref: Mapped[str] = mapped_column(String(60), default="")
    received_date: Mapped[date] = mapped_column(Date)
    source_code: Mapped[str] = mapped_column(ForeignKey("sources.code"), default="reception")
    petition_type: Mapped[str] = mapped_column(String(20))
    field_code: Mapped[str | None] = mapped_column(ForeignKey("fields.code"), index=True)
    content: Mapped[str] = mapped_column(Text, default="")
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True)
    forwarded_from: Mapped[str] = mapped_column(String(200), default="")
    signers: Mapped[int] = mapped_column(Integer, default=1)

    # Classification (None = not yet classified).
    eligible: Mapped[bool | None] = mapped_column(Boolean)
    within_competence: Mapped[bool | None] = mapped_column(Boolean)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # A Party matter: a complaint about a Party discipline decision or a denunciation of a
    # Party member or organisation, which a Party committee itself resolves under Party
    # rules (``rules.competence``).
    # (no Python default: left out of an INSERT, the database gives false)
    party_matter: Mapped[bool] = mapped_column(Boolean, server_default=false())
    duplicate_of_id: Mapped[str | None] = mapped_column(ForeignKey("petitions.id"))
    many_signers: Mapped[bool] = mapped_column(Boolean, default=False)
    beyond_level: Mapped[bool] = mapped_column(Boolean, default=False)
    long_running: Mapped[bool] = mapped_column(Boolean, default=False)
    is_delegation: Mapped[bool] = mapped_column(Boolean, default=False)
    # 0 ordinary, 1 complex, 2 very complex: selects the longer legal limits.
    complexity: Mapped[int] = mapped_column(Integer, default=0)
    complaint_round: Mapped[int] = mapped_column(Integer, default=1)

    # Handling and resolution.
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    handling: Mapped[str | None] = mapped_column(String(20))
    handling_date: Mapped[date | None] = mapped_column(Date)
    handled_to: Mapped[str] = mapped_column(String(200), default="")
    accepted_date: Mapped[date | None] = mapped_column(Date)
    assigned_official_id: Mapped[str | None] = mapped_column(ForeignKey("officials.id"))
    result: Mapped[str | None] = mapped_column(String(20))
    result_date: Mapped[date | None] = mapped_column(Date)
    decision_number: Mapped[str] = mapped_column(String(60), default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    closed_date: Mapped[date | None] = mapped_column(Date)

    # Computed by the deadline rules whenever the petition changes.
    next_due_date: Mapped[date | None] = mapped_column(Date)
    next_due_key: Mapped[str | None] = mapped_column(String(40))
    # Folded content and petitioners, kept in the search index.
    search_text: Mapped[str] = mapped_column(Text, default="")

    petitioners: Mapped[list[Petitioner]] = relationship(
        back_populates="petition", order_by="Petitioner.seq", cascade="all, delete-orphan"
    )
    events: Mapped[list[PetitionEvent]] = relationship(
        back_populates="petition", order_by="PetitionEvent.seq"
    )
    extensions: Mapped[list[DeadlineExtension]] = relationship(
        back_populates="petition", order_by="DeadlineExtension.decided_on"
    )
    assigned_official: Mapped[Official | None] = relationship()


class Petitioner(SealedIdentityMixin, OwnedMixin, Base):
    """A person who signed the petition, as written on it (a snapshot)."""

    __tablename__ = "petitioners"

    petition_id: Mapped[str] = mapped_column(ForeignKey("petitions.id"), index=True)
    citizen_id: Mapped[str | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    # Text where a length is enforced: a denouncer's identity is stored sealed
    # (services.sealed_fields)
    full_name: Mapped[str] = mapped_column(sealable(120), default="")
    id_number: Mapped[str | None] = mapped_column(sealable(12), index=True)
    address: Mapped[str] = mapped_column(sealable(300), default="")
    phone: Mapped[str] = mapped_column(sealable(20), default="")
    name_key: Mapped[str] = mapped_column(String(120), default="", index=True)

    petition: Mapped[Petition] = relationship(back_populates="petitioners")
    citizen: Mapped[Citizen | None] = relationship()


class PetitionEvent(OwnedMixin, Base):
    """One step of a petition's history. Append-only: never updated or deleted."""

    __tablename__ = "petition_events"

    petition_id: Mapped[str] = mapped_column(ForeignKey("petitions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(20), default="transition")
    event_date: Mapped[date] = mapped_column(Date)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    official_id: Mapped[str | None] = mapped_column(ForeignKey("officials.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    petition: Mapped[Petition] = relationship(back_populates="events")
    official: Mapped[Official | None] = relationship()


class DeadlineExtension(OwnedMixin, Base):
    """A decision extending one of a petition's legal deadlines."""

    __tablename__ = "deadline_extensions"

    petition_id: Mapped[str] = mapped_column(ForeignKey("petitions.id"), index=True)
    deadline_key: Mapped[str] = mapped_column(String(40))
    decided_on: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    decision_number: Mapped[str] = mapped_column(String(60), default="")
    official_id: Mapped[str | None] = mapped_column(ForeignKey("officials.id"))

    petition: Mapped[Petition] = relationship(back_populates="extensions")
