"""Minutes (biên bản) of a reception session, a visit, a dialogue or a working meeting.

Lifecycle: draft → printed → signed. Signing locks the minutes and the records
behind them (the session and its visits, the visit, or the meeting), so the
services refuse to change them; the scanned signed copy is kept as an
attachment. A correction after signing is an addendum: new minutes pointing to
the ones they correct, printed as "BIÊN BẢN BỔ SUNG".
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from ..documents.numbering import document_symbol
from ..i18n import _
from ..model import Minutes, ReceptionSession, Unit, Visit, WorkingMeeting, utcnow
from ..model.codes import MinutesStatus, MinutesSubject, SessionKind
from .accounts import require
from .attachments import add_attachment, attachment_data, get_attachment
from .errors import LockedError, NotFoundError, ValidationError
from .validation import MINUTES_LENGTH, too_long

#: copies made of minutes unless the office says otherwise (one for each side)
DEFAULT_COPIES = 2

#: what each step on minutes takes (accounts.ROLE_PERMISSIONS); the window disables a
#: step its user may not take from the same table
STEP_PERMISSIONS: dict[str, str] = {
    "prepare": "minutes.edit",
    "mark_printed": "documents.print",
    "mark_signed": "minutes.sign",
    "add_addendum": "minutes.edit",
}


def subject_record(session: Session, subject_kind: str, subject_id: str):
    """The session, visit or meeting the minutes are about, and its normalised kind.

    A session of kind "dialogue" is always a dialogue subject, whichever of
    "session" or "dialogue" was asked for.
    """
    kind = str(subject_kind)
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


def subject_date(record):
    if isinstance(record, ReceptionSession):
        return record.session_date
    if isinstance(record, Visit):
        return record.visit_date
    return record.meeting_date


def _next_number(session: Session, unit: Unit) -> str:
    """'05/BB-UBND' (State, Decree 30 art. 15 and Appendix I: the issuer's abbreviation) or
    '05-BB/ĐU' (Party, Guidance 36-HD/VPTW): numbered from 01 each year per unit."""
    year = utcnow().year
    count = session.scalar(
        select(func.count(Minutes.id)).where(
            Minutes.unit_id == unit.id, extract("year", Minutes.created_at) == year
        )
    ) or 0
    return document_symbol(unit.kind, unit.name, "BB", f"{count + 1:02d}")


def get_minutes(session: Session, minutes_id: str) -> Minutes:
    m = session.get(Minutes, minutes_id)
    if m is None:
        raise NotFoundError(_("The minutes no longer exist."))
    return m


def minutes_date_and_number(session: Session, minutes_id: str) -> tuple[date | None, str]:
    """The day of the session, visit or meeting the minutes record, and their number
    (what names their file: two sessions' minutes never share a name)."""
    m = get_minutes(session, minutes_id)
    record, _kind = subject_record(session, m.subject_kind, m.subject_id)
    when = next((getattr(record, name) for name in ("session_date", "visit_date",
                                                     "meeting_date")
                 if getattr(record, name, None) is not None), None)
    return when, m.number


def signed_on(session: Session, subject_kind: str, subject_id: str) -> datetime | None:
    """When the minutes that lock this session, visit or meeting were signed (for a visit,
    its own minutes or its session's); None when none are signed."""
    subjects = [(subject_kind, subject_id)]
    if subject_kind == MinutesSubject.VISIT:
        visit = session.get(Visit, subject_id)
        if visit is not None:
            subjects.append((MinutesSubject.SESSION, visit.session_id))
    found = []
    for kind, record_id in subjects:
        kinds = ([MinutesSubject.SESSION, MinutesSubject.DIALOGUE]
                 if kind in (MinutesSubject.SESSION, MinutesSubject.DIALOGUE) else [kind])
        found += session.scalars(select(Minutes.signed_at).where(
            Minutes.subject_kind.in_([str(k) for k in kinds]), Minutes.subject_id == record_id,
            Minutes.addendum_of_id.is_(None), Minutes.status == MinutesStatus.SIGNED)).all()
    dates = [d for d in found if d is not None]
    return min(dates) if dates else None


def minutes_for(session: Session, subject_kind: str, subject_id: str) -> Minutes:
    """The minutes of a session, visit, dialogue or meeting: the existing ones, or a new
    numbered draft."""
    record, kind = subject_record(session, subject_kind, subject_id)
    kinds = ([MinutesSubject.SESSION, MinutesSubject.DIALOGUE]
             if kind in (MinutesSubject.SESSION, MinutesSubject.DIALOGUE) else [kind])
    existing = session.scalar(
        select(Minutes)
        .where(
            Minutes.subject_kind.in_([str(k) for k in kinds]),
            Minutes.subject_id == record.id,
            Minutes.addendum_of_id.is_(None),
        )
        .order_by(Minutes.created_at, Minutes.id)
        .limit(1)
    )
    if existing is not None:
        return existing
    require(session, STEP_PERMISSIONS["prepare"])
    unit = session.get(Unit, record.unit_id)
    m = Minutes(
        unit_id=record.unit_id,
        subject_kind=kind,
        subject_id=record.id,
        number=_next_number(session, unit),
        status=MinutesStatus.DRAFT,
        copies=DEFAULT_COPIES,
        text="",
    )
    session.add(m)
    session.flush()
    return m



def update_minutes(
    session: Session, minutes_id: str, copies: int | None = None, text: str | None = None
) -> Minutes:
    """Change the number of copies or the free text of minutes not yet signed."""
    require(session, STEP_PERMISSIONS["prepare"])
    m = get_minutes(session, minutes_id)
    if m.status == MinutesStatus.SIGNED:
        raise LockedError(
            _("These minutes are already signed; record corrections as an addendum.")
        )
    if copies is not None and not 1 <= copies <= 20:
        raise ValidationError.single(
            "copies", _("The number of copies must be between 1 and 20."))
    if text is not None and len(text) > MINUTES_LENGTH:
        raise ValidationError.single("text", too_long(_("Text of the minutes"), MINUTES_LENGTH))
    if copies is not None:
        m.copies = copies
    if text is not None:
        m.text = text.strip()
    session.flush()
    return m


def mark_printed(session: Session, minutes_id: str) -> Minutes:
    """Record that the minutes were printed for signing (a signed one stays signed)."""
    require(session, STEP_PERMISSIONS["mark_printed"])
    m = get_minutes(session, minutes_id)
    if m.status != MinutesStatus.SIGNED:
        m.status = MinutesStatus.PRINTED
    m.printed_at = utcnow()
    session.flush()
    return m


def mark_signed(
    session: Session, minutes_id: str, scanned_copy_path: str | Path | None = None
) -> Minutes:
    """Record that the minutes were signed: they and the records behind them are locked.

    The scanned signed copy (PDF, PNG or JPEG) is kept with the minutes when given;
    a file that cannot be kept leaves everything as it was.
    """
    require(session, STEP_PERMISSIONS["mark_signed"])
    m = get_minutes(session, minutes_id)
    if m.status == MinutesStatus.SIGNED:
        raise LockedError(
            _("These minutes are already signed; record corrections as an addendum.")
        )
    record, _kind = subject_record(session, m.subject_kind, m.subject_id)
    if scanned_copy_path is not None:
        attachment = add_attachment(
            session, m.unit_id, "minutes", m.id, scanned_copy_path,
            description=_("Signed copy of minutes {number}").format(number=m.number),
        )
        m.signed_copy_id = attachment.id
    _lock(record)
    m.status = MinutesStatus.SIGNED
    m.signed_at = utcnow()
    if m.printed_at is None:
        m.printed_at = m.signed_at
    session.flush()
    return m


def attach_signed_copy(session: Session, minutes_id: str, path: str | Path) -> Minutes:
    """Keep (or replace) the scanned copy of minutes already marked signed."""
    require(session, STEP_PERMISSIONS["mark_signed"])
    m = get_minutes(session, minutes_id)
    if m.status != MinutesStatus.SIGNED:
        raise ValidationError.single(
            "minutes_id", _("Mark the minutes as signed before attaching the signed copy.")
        )
    attachment = add_attachment(
        session, m.unit_id, "minutes", m.id, path,
        description=_("Signed copy of minutes {number}").format(number=m.number),
    )
    m.signed_copy_id = attachment.id
    session.flush()
    return m


def _lock(record) -> None:
    record.locked = True
    if isinstance(record, ReceptionSession):
        for visit in record.visits:
            visit.locked = True


def signed_copy(session: Session, minutes_id: str) -> tuple[str, bytes] | None:
    """The scanned signed copy of the minutes: (file name, bytes), or None."""
    m = get_minutes(session, minutes_id)
    if not m.signed_copy_id:
        return None
    attachment = get_attachment(session, m.signed_copy_id)
    return attachment.file_name, attachment_data(session, attachment.id)


def add_addendum(session: Session, minutes_id: str, text: str) -> Minutes:
    """A correction to signed minutes: new minutes (an addendum) about the same subject."""
    require(session, STEP_PERMISSIONS["add_addendum"])
    original = get_minutes(session, minutes_id)
    text = (text or "").strip()
    if original.status != MinutesStatus.SIGNED:
        raise ValidationError.single(
            "minutes_id",
            _("These minutes are not signed yet; correct the records themselves instead of "
              "adding an addendum."),
        )
    if not text:
        raise ValidationError.single("text", _("{field} is required.").format(
            field=_("Correction")))
    if len(text) > MINUTES_LENGTH:
        raise ValidationError.single("text", too_long(_("Correction"), MINUTES_LENGTH))
    unit = session.get(Unit, original.unit_id)
    addendum = Minutes(
        unit_id=original.unit_id,
        subject_kind=original.subject_kind,
        subject_id=original.subject_id,
        number=_next_number(session, unit),
        status=MinutesStatus.DRAFT,
        copies=original.copies or DEFAULT_COPIES,
        addendum_of_id=original.id,
        text=text,
    )
    session.add(addendum)
    session.flush()
    return addendum


def addenda(session: Session, minutes_id: str) -> list[Minutes]:
    """The addenda made to the minutes, oldest first."""
    return list(session.scalars(
        select(Minutes).where(Minutes.addendum_of_id == minutes_id)
        .order_by(Minutes.created_at, Minutes.id)
    ))


def minutes_of_subject(session: Session, subject_kind: str, subject_id: str) -> list[Minutes]:
    """Every minutes of a subject (the original, then its addenda), oldest first."""
    record, kind = subject_record(session, subject_kind, subject_id)
    kinds = ([MinutesSubject.SESSION, MinutesSubject.DIALOGUE]
             if kind in (MinutesSubject.SESSION, MinutesSubject.DIALOGUE) else [kind])
    return list(session.scalars(
        select(Minutes).where(Minutes.subject_kind.in_([str(k) for k in kinds]),
                              Minutes.subject_id == record.id)
        .order_by(Minutes.created_at, Minutes.id)
    ))
