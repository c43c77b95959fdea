"""Declarative base and the columns every record carries.

Every record has a globally unique id (a UUID in hex), the unit that owns it,
and created/updated times, because records from several offices are merged at
the upper level by their id.
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, ClassVar, cast

from sqlalchemy import (
    DateTime,
    FetchedValue,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Mapper,
    Session,
    declared_attr,
    mapped_column,
    object_mapper,
)

# Stable constraint names so that Alembic migrations (batch mode on SQLite) can
# find and change them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def naive_utc(value: datetime) -> datetime:
    """A date-time as the database keeps it: naive UTC. One given with a zone is
    converted to UTC explicitly (the columns have no zone, and SQLite would drop it)."""
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    if TYPE_CHECKING:
        # Every model is mapped to a Table (declarative, no mapping to a select or a
        # join); SQLAlchemy declares the general FromClause.
        __table__: ClassVar[Table]


def mapped_table(mapper: Mapper) -> Table:
    """The table a model's mapper writes to (SQLAlchemy types it as any FromClause; here
    every model is declared on a Table)."""
    return cast(Table, mapper.local_table)


@cache
def _datetime_keys(mapper: Mapper) -> tuple[str, ...]:
    return tuple(attr.key for attr in mapper.column_attrs
                 if any(isinstance(c.type, DateTime) for c in attr.columns))


#: tables whose text a hash covers or that keep a document as issued (the audit chain, the
#: printed versions of minutes, the reports issued): kept exactly as written
COMPOSED_EXEMPT = frozenset({"audit_entries", "minutes_versions", "issued_reports"})


@cache
def _text_keys(mapper: Mapper) -> tuple[str, ...]:
    if mapped_table(mapper).name in COMPOSED_EXEMPT:
        return ()
    return tuple(attr.key for attr in mapper.column_attrs
                 if any(isinstance(c.type, String) for c in attr.columns))


def _store_composed_text(session: Session, _context: object, _instances: object) -> None:
    """Every text a record keeps is stored composed (NFC, :func:`receptiondesk.text.nfc`),
    however it was typed or received; before the audit log reads the changes, so that the
    log holds what the database holds."""
    for target in (*session.new, *session.dirty):
        for key in _text_keys(object_mapper(target)):
            value = target.__dict__.get(key)
            if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
                setattr(target, key, unicodedata.normalize("NFC", value))


event.listen(Session, "before_flush", _store_composed_text, insert=True)


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _store_naive_utc(mapper: Mapper, _connection: object, target: object) -> None:
    for key in _datetime_keys(mapper):
        value = target.__dict__.get(key)
        if isinstance(value, datetime) and value.tzinfo is not None:
            setattr(target, key, naive_utc(value))


class RecordMixin:
    """Global id, timestamps and an optimistic-locking version counter."""

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 - SQLAlchemy declared attribute
        return {"version_id_col": cls.version}


class OwnedMixin(RecordMixin):
    """A record that belongs to one unit (the office that keeps it)."""

    @declared_attr
    def unit_id(cls) -> Mapped[str]:  # noqa: N805
        return mapped_column(String(32), ForeignKey("units.id"), index=True, nullable=False)


class SealedIdentityMixin:
    """A person's identity that may be stored sealed (citizens, petitioners): the keyed
    hashes of its folded ID number and of its name and numbers (services.sealed_fields),
    for equality and blotting without the plaintext.

    Deferred and left out of an INSERT when not set (as Unit.successor_id): records written
    by this model into a database made before the columns neither read nor write them; for
    the same reason the database's defaults are not fetched after an insert."""

    id_hash: Mapped[str | None] = mapped_column(String(64), index=True, deferred=True,
                                                server_default=FetchedValue())
    seal_marks: Mapped[str] = mapped_column(Text, server_default="", deferred=True)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 - SQLAlchemy declared attribute
        return {"version_id_col": cls.version, "eager_defaults": False}  # type: ignore[attr-defined]


def sealable(length: int):
    """A column that may hold a sealed value (services.sealing: about 100 characters and
    more): its plain length on SQLite, which does not enforce it, unbounded text on
    PostgreSQL (migration 0023)."""
    from sqlalchemy import String, Text

    return String(length).with_variant(Text(), "postgresql")
