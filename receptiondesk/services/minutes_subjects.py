"""The record minutes are about: a reception session, a visit, a dialogue or a working
meeting (read by the minutes' service and by the facts the document prints)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..i18n import _
from ..model import ReceptionSession, Visit, WorkingMeeting
from ..model.codes import MinutesSubject, SessionKind
from .errors import NotFoundError, ValidationError


def subject_record(session: Session, subject_kind: str, subject_id: str
                   ) -> tuple[ReceptionSession | Visit | WorkingMeeting, str]:
    """The session, visit or meeting the minutes are about, and its normalised kind.

    A session of kind "dialogue" is always a dialogue subject, whichever of
    "session" or "dialogue" was asked for.
    """
    kind = str(subject_kind)
    record: ReceptionSession | Visit | WorkingMeeting | None
    if kind in (MinutesSubject.SESSION, MinutesSubject.DIALOGUE):
        record = session.get(ReceptionSession, subject_id)
        if record is None:
            raise NotFoundError(_("The reception session no longer exists."))
        kind = (MinutesSubject.DIALOGUE if record.kind == SessionKind.DIALOGUE
                else MinutesSubject.SESSION)
        return record, str(kind)
    if kind == MinutesSubject.VISIT:
        record = session.get(Visit, subject_id)
        if record is None:
            raise NotFoundError(_("The visit no longer exists."))
        return record, kind
    if kind == MinutesSubject.MEETING:
        record = session.get(WorkingMeeting, subject_id)
        if record is None:
            raise NotFoundError(_("The working meeting no longer exists."))
        return record, kind
    raise ValidationError.single(
        "subject_kind",
        _("Minutes are made of a reception session, a visit, a dialogue or a working meeting."),
    )
