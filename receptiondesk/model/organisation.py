"""Units (the offices), their officials, and the citizens they receive."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, FetchedValue, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .base import Base, OwnedMixin, RecordMixin, SealedIdentityMixin, sealable


class Unit(RecordMixin, Base):
    """An office: a Party committee or a People's Committee at some level."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10), default="state")
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    # The higher body printed above the issuing body when it is not in the database.
    parent_body_name: Mapped[str] = mapped_column(String(200), default="")
    place_name: Mapped[str] = mapped_column(String(100), default="")
    remote_area: Mapped[bool] = mapped_column(Boolean, default=False)
    national_code: Mapped[str] = mapped_column(String(40), default="")
    # Districts ceased on 2025-07-01; they stay for history.
    dissolved_on: Mapped[date | None] = mapped_column(Date)
    # The unit that takes over a dissolved unit's work (two-tier local government from
    # 1/7/2025: a district's communes and open cases pass to the province or a commune).
    # Deferred, left out of an INSERT when not set (FetchedValue: the database gives NULL)
    # and not read back: records written by this model into a database made before the
    # column (the upgrade tests) neither read nor write it.
    successor_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), deferred=True,
                                                     server_default=FetchedValue())
    # One step of the unit's history in the tree: under ``parent_id`` from ``parent_since``,
    # under ``former_parent_id`` before (a commune moved from its dissolved district to the
    # district's successor, the province, on 1/7/2025). Deferred as ``successor_id``.
    former_parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("units.id"), deferred=True, server_default=FetchedValue())
    parent_since: Mapped[date | None] = mapped_column(Date, deferred=True,
                                                      server_default=FetchedValue())

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 - SQLAlchemy declared attribute
        return {"version_id_col": cls.version, "eager_defaults": False}
    # The unit this database is kept for (one per file; others are imported or subordinate).
    is_home: Mapped[bool] = mapped_column(Boolean, default=False)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id", foreign_keys=[parent_id])


class Official(OwnedMixin, Base):
    """A cán bộ: presides sessions, signs documents, is assigned petitions."""

    __tablename__ = "officials"

    full_name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(200), default="")
    duty_role: Mapped[str] = mapped_column(String(30), default="none")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_key: Mapped[str] = mapped_column(String(400), default="", index=True)

    unit: Mapped[Unit] = relationship()


class Citizen(SealedIdentityMixin, OwnedMixin, Base):
    __tablename__ = "citizens"
    __table_args__ = (Index("ix_citizens_unit_sort", "unit_id", "sort_key"),)

    # Text where a length is enforced: a protected person's identity is stored sealed
    # (services.sealed_fields), longer
    # than the 120/12/300/20 characters a plain value is held to (validation).
    full_name: Mapped[str] = mapped_column(sealable(120))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(10))
    id_number: Mapped[str | None] = mapped_column(sealable(12), index=True)
    address: Mapped[str] = mapped_column(sealable(300), default="")
    phone: Mapped[str] = mapped_column(sealable(20), default="")
    # Folded (no case, no diacritics) name and address, for repeat finding.
    name_key: Mapped[str] = mapped_column(String(120), default="", index=True)
    address_key: Mapped[str] = mapped_column(String(300), default="")
    sort_key: Mapped[str] = mapped_column(String(400), default="", index=True)
    # Folded text kept in the search index (name, ID number, address, phone).
    search_text: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[str | None] = mapped_column(ForeignKey("citizens.id"))
