"""Errors the services raise, each carrying a message for the user in their language."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from datetime import datetime

from ..i18n import _


@dataclass(frozen=True)
class FieldError:
    """A rejected value: which field (a code the forms map to a widget) and why."""

    field: str
    message: str


class ServiceError(Exception):
    """Base of the errors a user can act on; ``str(error)`` is already translated."""


class ValidationError(ServiceError):
    """One or more fields were rejected; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.message}" for e in errors))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls([FieldError(field, message)])

    def for_field(self, field: str) -> str | None:
        return next((e.message for e in self.errors if e.field == field), None)


class NotFoundError(ServiceError):
    pass


class LockedError(ServiceError):
    """The record is locked by signed minutes; corrections are addenda."""


class TransitionError(ServiceError):
    """A lifecycle step the rules do not allow from the petition's current state."""


class ConflictError(ServiceError):
    """Someone else saved the same record since it was opened."""


class ChangedByAnotherUser(ConflictError):
    """The record was saved by someone else after the form read it (optimistic locking).

    Nothing of this save was written; the form offers to reload the current version.
    ``username`` and ``changed_at`` (local time) say who and when, where known.
    """

    def __init__(self, message: str, *, record_id: str = "", username: str = "",
                 changed_at: datetime | None = None, current_version: int | None = None) -> None:
        super().__init__(message)
        self.record_id = record_id
        self.username = username
        self.changed_at = changed_at
        self.current_version = current_version


class PermissionDenied(ServiceError):
    """The acting user's role may not do this (or nobody is signed in); nothing was written."""


def os_reason(exc: OSError) -> str:
    """Why the system refused a file, in the user's language (the system's own text is
    in the language of Windows or of the C library, often English)."""
    reasons = {
        errno.ENOENT: _("the file does not exist (moved, renamed or on a removed disk)"),
        errno.EACCES: _("access is denied"),
        errno.EPERM: _("access is denied"),
        errno.EISDIR: _("it is a folder, not a file"),
        errno.ENOTDIR: _("a part of the path is not a folder"),
        errno.ENOSPC: _("the disk is full"),
        errno.EROFS: _("the disk is read-only"),
        errno.EBUSY: _("the file is in use by another program"),
        errno.ENAMETOOLONG: _("the name is too long"),
    }
    reason = reasons.get(exc.errno or 0)
    if reason is None:
        reason = _("the system refused it (error {number})").format(number=exc.errno or "?")
    return reason
