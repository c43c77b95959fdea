"""Editable lookup tables, rules kept as data, and settings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, RecordMixin


class Field(Base):
    """A lĩnh vực (land, compensation, ...), mappable to the national database's codes."""

    __tablename__ = "fields"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    national_code: Mapped[str] = mapped_column(String(40), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SourceEntry(Base):
    """Where a petition came from (reception, post, forwarded, mailbox, online)."""

    __tablename__ = "sources"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    national_code: Mapped[str] = mapped_column(String(40), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class NationalCode(Base):
    """Mapping of our codes to a code list of the national complaints database."""

    __tablename__ = "national_codes"
    __table_args__ = (UniqueConstraint("code_list", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # 'type', 'competence', 'handling', 'result', ...
    code_list: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(40))
    national_code: Mapped[str] = mapped_column(String(40), default="")


class DeadlineRuleRow(RecordMixin, Base):
    """One version of one legal time limit, effective from a date."""

    __tablename__ = "deadline_rules"
    __table_args__ = (UniqueConstraint("key", "effective_from"),)

    key: Mapped[str] = mapped_column(String(40))
    effective_from: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(10), default="calendar")
    complex_days: Mapped[int | None] = mapped_column(Integer)
    remote_days: Mapped[int | None] = mapped_column(Integer)
    remote_complex_days: Mapped[int | None] = mapped_column(Integer)
    extension_days: Mapped[int | None] = mapped_column(Integer)
    max_extensions: Mapped[int] = mapped_column(Integer, default=0)
    legal_basis: Mapped[str] = mapped_column(Text, default="")


class DutyRuleRow(RecordMixin, Base):
    """How many reception days a head owes, by role and level, effective from a date."""

    __tablename__ = "duty_rules"
    __table_args__ = (UniqueConstraint("role", "level", "effective_from"),)

    role: Mapped[str] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(20))
    days: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(10), default="month")
    effective_from: Mapped[date] = mapped_column(Date)
    legal_basis: Mapped[str] = mapped_column(Text, default="")


class CalendarDay(RecordMixin, Base):
    """An office's make-up day off or make-up working day."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, unique=True)
    # 'day_off' or 'working_day'
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
