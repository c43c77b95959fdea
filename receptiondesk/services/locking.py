"""Optimistic locking: a save from a form is refused when someone saved the record since.

Several PCs of one office share one database. A form reads a record and keeps its
``version``; the service that saves the form is given that ``expected_version`` and
refuses (:class:`ChangedByAnotherUser`) when the stored record has moved on, naming
who changed it and when (from the audit log). The race between that check and the
write is closed by SQLAlchemy's ``version_id_col``: an UPDATE that finds the row
changed raises ``StaleDataError`` at flush, which :func:`refuses_stale` turns into the
same error after rolling the whole unit of work back. ``expected_version=None`` (imports,
the command line) skips the check and keeps the old behaviour.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..i18n import _, format_date, format_datetime
from ..model import (
    AuditEntry,
    Citizen,
    DeadlineRuleRow,
    Inspection,
    Official,
    Petition,
    ReceptionSession,
    Unit,
    User,
    Visit,
    WorkingMeeting,
)
from . import audit
from .errors import ChangedByAnotherUser

F = TypeVar("F", bound=Callable[..., Any])

#: audit actions that change a record (a print or an identity view does not)
CHANGING_ACTIONS = ("create", "update", "transition", "merge", "import")
#: an audit entry this close to the record's updated_at belongs to that change
SAME_CHANGE = timedelta(seconds=5)


def describe(record: object) -> str:
    """The record named for the start of a sentence, without any protected identity
    (a citizen may be a denouncer, so neither citizens nor visits are named)."""
    if isinstance(record, Petition):
        return (_("Petition {ref}").format(ref=record.ref) if record.ref
                else _("This petition"))
    if isinstance(record, Citizen):
        return _("This citizen's record")
    if isinstance(record, ReceptionSession):
        return _("The reception session of {date}").format(date=format_date(record.session_date))
    if isinstance(record, Visit):
        return _("The visit of {date}").format(date=format_date(record.visit_date))
    if isinstance(record, WorkingMeeting):
        return _("The working meeting of {date}").format(date=format_date(record.meeting_date))
    if isinstance(record, Inspection):
        return _("The inspection of {date}").format(date=format_date(record.inspection_date))
    if isinstance(record, Unit):
        return _("The unit {name}").format(name=record.name)
    if isinstance(record, Official):
        return _("The official {name}").format(name=record.full_name)
    if isinstance(record, User):
        return _("The account {name}").format(name=record.username)
    if isinstance(record, DeadlineRuleRow):
        return _("This deadline rule")
    return _("This record")


def _local(at: datetime | None) -> datetime | None:
    """Stored times are UTC without a zone; the user reads the PC's clock."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def last_change(session: Session, record: object) -> tuple[str, datetime | None]:
    """(who, when in local time) of the record's latest change; who is "" when unknown."""
    when = getattr(record, "updated_at", None)
    who = ""
    if audit.schema_ready(session):
        row = session.execute(
            select(AuditEntry.username, AuditEntry.at)
            .where(AuditEntry.record_kind == audit.record_kind(record),
                   AuditEntry.record_id == getattr(record, "id", ""),
                   AuditEntry.action.in_(CHANGING_ACTIONS))
            .order_by(AuditEntry.seq.desc()).limit(1)
        ).first()
        # Every change of a record is audited, except an account's: a sign-in moves its
        # version without an entry of its own, so for an account only an entry written
        # with the stored version (close to its time) names who made it. For the others
        # the time is not compared: a loaded server may write the entry seconds after
        # the row's time of change.
        if row is not None and (not isinstance(record, User) or when is None
                                or row.at is None or abs(row.at - when) <= SAME_CHANGE):
            who, when = row.username or "", when or row.at
    if who:
        full = session.scalar(select(User.full_name).where(User.username == who))
        who = full or who
    return who, _local(when)


def conflict(session: Session, record: object) -> ChangedByAnotherUser:
    """The error telling that ``record`` (as stored now) was changed by someone else."""
    who, when = last_change(session, record)
    what = describe(record)
    if who:
        message = _("{record} was changed by {user} at {time} while you were editing it. "
                    "Your changes were not saved; reload to see the current version.").format(
            record=what, user=who, time=format_datetime(when))
    else:
        message = _("{record} was changed by someone else at {time} while you were editing "
                    "it. Your changes were not saved; reload to see the current version.").format(
            record=what, time=format_datetime(when))
    return ChangedByAnotherUser(message, record_id=getattr(record, "id", ""), username=who,
                                changed_at=when, current_version=getattr(record, "version", None))


def check_version(session: Session, record: object, expected_version: int | None) -> None:
    """Refuse when the form's version is not the stored one (None: no check)."""
    if expected_version is None:
        return
    if getattr(record, "version", None) != expected_version:
        raise conflict(session, record)


def refuses_stale(model: type, id_arg: str) -> Callable[[F], F]:
    """Decorate a service ``f(session, ..., <id_arg>, ...)`` editing one ``model`` record.

    Flushes before returning, so that a concurrent change surfaces here, and turns
    SQLAlchemy's ``StaleDataError`` into :class:`ChangedByAnotherUser` after rolling
    back the whole unit of work (nothing of the save is kept).
    """

    def decorate(fn: F) -> F:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(session: Session, *args: Any, **kwargs: Any) -> Any:
            try:
                result = fn(session, *args, **kwargs)
                session.flush()
                return result
            except StaleDataError:
                session.rollback()
                record_id = signature.bind(session, *args, **kwargs).arguments.get(id_arg)
                current = (session.get(model, record_id, populate_existing=True)
                           if record_id else None)
                if current is None:
                    raise ChangedByAnotherUser(
                        _("This record was changed or deleted by someone else while you were "
                          "editing it. Your changes were not saved.")) from None
                raise conflict(session, current) from None

        return wrapper  # type: ignore[return-value]  # wraps() keeps fn's signature

    return decorate
