"""Minutes (biên bản) of a reception session, a visit, a dialogue or a working meeting.

Lifecycle: draft → printed → signed. Signing locks the minutes and the records
behind them (the session and its visits, the visit, or the meeting), so the
services refuse to change them; the scanned signed copy is kept as an
attachment. A correction after signing is an addendum: new minutes pointing to
the ones they correct, printed as "BIÊN BẢN BỔ SUNG".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _
from ..model import (
    Minutes,
    MinutesVersion,
    ReceptionSession,
    Unit,
    Visit,
    utcnow,
)
from ..model.codes import MinutesStatus, MinutesSubject
from . import numbering
from .accounts import current_user, require
from .attachments import add_attachment, attachment_data, get_attachment
from .audit import canonical_json
from .errors import LockedError, NotFoundError, ValidationError
from .minutes_subjects import subject_record
from .units import get_unit
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


def _next_number(session: Session, unit: Unit, year: int | None = None) -> str:
    """'05/BB-UBND' (State, Decree 30 art. 15 and Appendix I: the issuer's abbreviation) or
    '05-BB/ĐU' (Party, Guidance 36-HD/VPTW): numbered from 01 each year per unit, by the
    unit's counter (services.numbering), safe with two writers."""
    return numbering.next_minutes_number(session, unit, year or utcnow().year)


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
    found: list[datetime | None] = []
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
    unit = get_unit(session, record.unit_id)
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


# --- printed versions ------------------------------------------------------------------
#
# Printing minutes for signature freezes a version: its number (1, 2, …), the content the
# PDF was made from and that content's fingerprint (printed in the footer). When the
# records change after printing (the place, a visit, the recorder, the minutes' own
# text: anything printed), the content no longer matches the printed version: the
# minutes are at the next version, which must be printed again before they are signed,
# and the printed one is superseded. Signing records which version was signed; a reprint
# of signed minutes is made from that version's content.

#: characters of the fingerprint printed in the footer
SHORT_FINGERPRINT = 8


def fingerprint(content: dict) -> str:
    """SHA-256 (hex) of the canonical content."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def current_content(session: Session, m: Minutes) -> dict:
    """What the minutes would print now, from the records (see documents.minutes)."""
    from ..documents.minutes_facts import snapshot

    return snapshot(session, m)


@dataclass
class PrintedVersion:
    id: str
    number: int
    fingerprint: str
    printed_at: datetime
    printed_by: str
    signed_at: datetime | None
    superseded: bool
    has_scan: bool

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:SHORT_FINGERPRINT].upper()


@dataclass
class VersionState:
    """Where minutes stand: the version the records make now, whether it is printed, the
    one signed, and every printed version (oldest first)."""

    current: int
    fingerprint: str
    printed: bool
    signed: PrintedVersion | None
    versions: list[PrintedVersion] = field(default_factory=list)

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:SHORT_FINGERPRINT].upper()

    @property
    def superseded(self) -> list[PrintedVersion]:
        return [v for v in self.versions if v.superseded]

    @property
    def latest(self) -> PrintedVersion | None:
        return self.versions[-1] if self.versions else None


def _version_rows(session: Session, minutes_id: str) -> list[MinutesVersion]:
    return list(session.scalars(select(MinutesVersion).where(
        MinutesVersion.minutes_id == minutes_id).order_by(MinutesVersion.number)))


def version_state(session: Session, minutes_id: str) -> VersionState:
    """The versions of the minutes, and whether the records still say what was printed."""
    m = get_minutes(session, minutes_id)
    rows = _version_rows(session, m.id)
    signed_row = next((r for r in rows if r.signed_at is not None), None)
    if signed_row is not None:
        now_print, live = signed_row.fingerprint, signed_row.number
    else:
        now_print = fingerprint(current_content(session, m))
        live = None
    versions = []
    for r in rows:
        if signed_row is not None:
            superseded = r is not signed_row and r.number < signed_row.number
        else:
            superseded = r is not rows[-1] or r.fingerprint != now_print
        versions.append(PrintedVersion(r.id, r.number, r.fingerprint, r.printed_at,
                                       r.printed_by, r.signed_at, superseded,
                                       bool(r.signed_copy_id)))
    signed = next((v for v in versions if v.signed_at is not None), None)
    if live is None:
        latest = rows[-1] if rows else None
        printed = latest is not None and latest.fingerprint == now_print
        live = (latest.number if printed else latest.number + 1) if latest is not None else 1
    else:
        printed = True
    return VersionState(current=live, fingerprint=now_print, printed=printed, signed=signed,
                        versions=versions)


def version_content(session: Session, version_id: str) -> dict:
    """The frozen content of a printed version."""
    row = session.get(MinutesVersion, version_id)
    if row is None:
        raise NotFoundError(_("That printed version of the minutes no longer exists."))
    from .sealed_fields import open_snapshot

    return open_snapshot(json.loads(row.content))


def _freeze(session: Session, m: Minutes, when: datetime) -> MinutesVersion:
    """The printed version of what the records say now: the latest one when they still say
    what it froze, else a new one."""
    from .sealed_fields import seal_snapshot

    content = current_content(session, m)
    digest = fingerprint(content)
    rows = _version_rows(session, m.id)
    if rows and rows[-1].fingerprint == digest:
        return rows[-1]
    actor = current_user()
    row = MinutesVersion(
        unit_id=m.unit_id, minutes_id=m.id, number=(rows[-1].number + 1) if rows else 1,
        fingerprint=digest, content=canonical_json(seal_snapshot(content)), printed_at=when,
        printed_by=actor.username if actor is not None else "",
    )
    session.add(row)
    session.flush()
    return row


def mark_printed(session: Session, minutes_id: str) -> Minutes:
    """Record that the minutes were printed for signing: the version printed is frozen
    (a signed one stays signed, and its version too)."""
    require(session, STEP_PERMISSIONS["mark_printed"])
    m = get_minutes(session, minutes_id)
    now = utcnow()
    if m.status != MinutesStatus.SIGNED:
        m.status = MinutesStatus.PRINTED
        _freeze(session, m, now)
    m.printed_at = now
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
    state = version_state(session, m.id)
    if state.versions and not state.printed:
        raise LockedError(_(
            "The records changed after version {printed} of minutes {number} was printed: "
            "print version {version} and mark it printed, then have that one signed."
        ).format(printed=state.versions[-1].number, number=m.number, version=state.current))
    now = utcnow()
    # never printed through the program: what the records say now is what was signed
    version = _freeze(session, m, now)
    if scanned_copy_path is not None:
        attachment = add_attachment(
            session, m.unit_id, "minutes", m.id, scanned_copy_path,
            description=_("Signed copy of minutes {number}, version {version}").format(
                number=m.number, version=version.number),
        )
        m.signed_copy_id = attachment.id
        version.signed_copy_id = attachment.id
    _lock(record)
    m.status = MinutesStatus.SIGNED
    m.signed_at = now
    version.signed_at = now
    if m.printed_at is None:
        m.printed_at = m.signed_at
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
    unit = get_unit(session, original.unit_id)
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
