"""Working meetings (buổi làm việc) and the concluding notices issued after them.

A concluding notice (thông báo kết luận) follows a working meeting or a
reception session; its number is unique within the unit that issues it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from ..i18n import _
from ..model import ConcludingNotice, Official, ReceptionSession, WorkingMeeting
from ..model.codes import MeetingKind
from ..text import search_tokens
from . import numbering
from .accounts import require
from .errors import LockedError, NotFoundError, ValidationError
from .locking import check_version, refuses_stale
from .search import register_fold
from .units import get_unit, require_unit
from .validation import TEXT_LENGTH, Checker, clean

# --- folded text matching for the small tables ------------------------------------


def text_match(
    session: Session, columns: Sequence[QueryableAttribute[str]], query: str
) -> ColumnElement[bool] | None:
    """Every word of ``query`` in one of ``columns``, accents and case ignored (None: no words).

    For small tables without a search index (meetings, inspections): on
    SQLite the columns are folded by a registered function, so "dat dai" finds
    "Đất đai"; other engines match the words as typed, ignoring case.
    """
    if register_fold(session):
        words = search_tokens(query)
        per_word = [
            or_(*(func.rd_fold(c).contains(w, autoescape=True) for c in columns)) for w in words
        ]
    else:
        words = query.split()
        per_word = [or_(*(c.icontains(w, autoescape=True) for c in columns)) for w in words]
    return and_(*per_word) if per_word else None


# --- meetings ------------------------------------------------------------------


@dataclass
class MeetingInput:
    meeting_date: date
    kind: str = MeetingKind.REGULAR
    chaired_by_id: str | None = None
    chaired_by_name: str = ""
    place: str = ""
    participants: str = ""
    content: str = ""
    conclusions: str = ""
    ref: str = ""


def _check_meeting(session: Session, data: MeetingInput, today: date) -> Official | None:
    ck = Checker()
    ck.required("meeting_date", data.meeting_date, _("Meeting date"))
    ck.not_future("meeting_date", data.meeting_date, _("Meeting date"), today)
    ck.enum("kind", data.kind, MeetingKind, _("Kind of meeting"))
    chair = None
    if data.chaired_by_id:
        chair = session.get(Official, data.chaired_by_id)
        if chair is None:
            ck.add("chaired_by_id", _("The official chosen to chair does not exist."))
    elif not clean(data.chaired_by_name):
        ck.add("chaired_by_id", _("Choose who chaired the meeting."))
    ck.max_length("chaired_by_name", clean(data.chaired_by_name), 120, _("Chaired by"))
    ck.max_length("place", clean(data.place), 200, _("Place"))
    ck.max_length("ref", clean(data.ref), 60, _("Reference"))
    ck.required("content", clean(data.content), _("Content"))
    ck.lengths([
        ("participants", data.participants, TEXT_LENGTH, _("Participants")),
        ("content", data.content, TEXT_LENGTH, _("Content")),
        ("conclusions", data.conclusions, TEXT_LENGTH, _("Conclusions")),
    ])
    ck.raise_if_any()
    return chair


def _apply_meeting(m: WorkingMeeting, data: MeetingInput, chair: Official | None) -> None:
    m.meeting_date = data.meeting_date
    m.kind = data.kind
    m.chaired_by_id = chair.id if chair else None
    m.chaired_by_name = chair.full_name if chair else clean(data.chaired_by_name)
    m.place = clean(data.place)
    m.participants = (data.participants or "").strip()
    m.content = (data.content or "").strip()
    m.conclusions = (data.conclusions or "").strip()
    m.ref = clean(data.ref)


def create_meeting(
    session: Session, unit_id: str, data: MeetingInput, today: date | None = None
) -> WorkingMeeting:
    require(session, "meetings.edit")
    require_unit(session, unit_id)
    chair = _check_meeting(session, data, today or date.today())
    m = WorkingMeeting(unit_id=unit_id)
    _apply_meeting(m, data, chair)
    session.add(m)
    session.flush()
    return m


@refuses_stale(WorkingMeeting, "meeting_id")
def update_meeting(
    session: Session, meeting_id: str, data: MeetingInput, today: date | None = None,
    *, expected_version: int | None = None,
) -> WorkingMeeting:
    require(session, "meetings.edit")
    m = get_meeting(session, meeting_id)
    check_version(session, m, expected_version)
    _ensure_editable(m)
    chair = _check_meeting(session, data, today or date.today())
    if data.meeting_date != m.meeting_date:
        first = session.scalar(
            select(func.min(ConcludingNotice.issued_on)).where(ConcludingNotice.meeting_id == m.id)
        )
        if first is not None and data.meeting_date > first:
            raise ValidationError.single(
                "meeting_date",
                _("A concluding notice of this meeting was issued before this date."),
            )
    _apply_meeting(m, data, chair)
    session.flush()
    return m


def get_meeting(session: Session, meeting_id: str) -> WorkingMeeting:
    m = session.get(WorkingMeeting, meeting_id)
    if m is None:
        raise NotFoundError(_("The working meeting no longer exists."))
    return m


def delete_meeting(session: Session, meeting_id: str) -> None:
    """Delete a meeting entered by mistake: only one without signed minutes or notices."""
    require(session, "meetings.edit")
    m = get_meeting(session, meeting_id)
    _ensure_editable(m)
    if session.scalar(
        select(func.count(ConcludingNotice.id)).where(ConcludingNotice.meeting_id == m.id)
    ):
        raise ValidationError.single(
            "notices", _("A concluding notice was issued for this meeting; it cannot be deleted.")
        )
    session.delete(m)
    session.flush()


def _ensure_editable(m: WorkingMeeting) -> None:
    if m.locked:
        raise LockedError(
            _("The minutes of this meeting are signed, so it can no longer be changed; "
              "record corrections as an addendum.")
        )


@dataclass
class MeetingFilter:
    unit_ids: list[str] | None = None
    date_from: date | None = None
    date_to: date | None = None
    kinds: list[str] = field(default_factory=list)
    query: str = ""


def _filtered(session: Session, f: MeetingFilter) -> Select:
    conds: list[ColumnElement[bool]] = []
    if f.unit_ids is not None:
        conds.append(WorkingMeeting.unit_id.in_(f.unit_ids))
    if f.date_from:
        conds.append(WorkingMeeting.meeting_date >= f.date_from)
    if f.date_to:
        conds.append(WorkingMeeting.meeting_date <= f.date_to)
    if f.kinds:
        conds.append(WorkingMeeting.kind.in_(f.kinds))
    if f.query.strip():
        match = text_match(
            session,
            [WorkingMeeting.content, WorkingMeeting.participants, WorkingMeeting.conclusions,
             WorkingMeeting.chaired_by_name, WorkingMeeting.place, WorkingMeeting.ref],
            f.query,
        )
        if match is not None:
            conds.append(match)
    return select(WorkingMeeting).where(*conds)


def list_meetings(
    session: Session, f: MeetingFilter | None = None, offset: int = 0, limit: int = 100
) -> list[WorkingMeeting]:
    """One page of meetings, newest first."""
    stmt = _filtered(session, f or MeetingFilter()).order_by(
        WorkingMeeting.meeting_date.desc(), WorkingMeeting.created_at.desc(), WorkingMeeting.id
    )
    stmt = stmt.options(selectinload(WorkingMeeting.notices))
    return list(session.scalars(stmt.offset(offset).limit(limit)))


def count_meetings(session: Session, f: MeetingFilter | None = None) -> int:
    stmt = _filtered(session, f or MeetingFilter()).with_only_columns(
        func.count(WorkingMeeting.id)
    )
    return session.scalar(stmt) or 0


# --- concluding notices ------------------------------------------------------------


@dataclass
class NoticeInput:
    number: str
    issued_on: date
    content: str
    signed_by_id: str | None = None


def issue_notice(
    session: Session,
    data: NoticeInput,
    meeting_id: str | None = None,
    session_id: str | None = None,
    today: date | None = None,
) -> ConcludingNotice:
    """Issue the concluding notice of a working meeting or of a reception session."""
    require(session, "meetings.edit")
    today = today or date.today()
    if bool(meeting_id) == bool(session_id):
        raise ValidationError.single(
            "meeting_id",
            _("A concluding notice follows one meeting or one reception session: choose one."),
        )
    if meeting_id:
        meeting = get_meeting(session, meeting_id)
        unit_id, held_on = meeting.unit_id, meeting.meeting_date
        other = _("the date of the meeting")
    else:
        rs = session.get(ReceptionSession, session_id)
        if rs is None:
            raise NotFoundError(_("The reception session no longer exists."))
        unit_id, held_on = rs.unit_id, rs.session_date
        other = _("the date of the session")
    number = clean(data.number)
    ck = Checker()
    ck.max_length("number", number, 60, _("Notice number"))
    if number and session.scalar(
        select(func.count(ConcludingNotice.id)).where(
            ConcludingNotice.unit_id == unit_id, ConcludingNotice.number == number
        )
    ):
        ck.add("number", _("Notice number \u201c{number}\u201d is already used.").format(
            number=number))
    ck.required("issued_on", data.issued_on, _("Date issued"))
    ck.not_future("issued_on", data.issued_on, _("Date issued"), today)
    ck.not_before("issued_on", data.issued_on, held_on, _("Date issued"), other)
    ck.required("content", clean(data.content), _("Content"))
    ck.max_length("content", data.content, TEXT_LENGTH, _("Content"))
    if data.signed_by_id and session.get(Official, data.signed_by_id) is None:
        ck.add("signed_by_id", _("The signing official chosen does not exist."))
    ck.raise_if_any()
    if not number:  # the unit's next notice of the year (Decree 30/2020/NĐ-CP, art. 15)
        number = numbering.next_notice_number(session, get_unit(session, unit_id),
                                              data.issued_on.year)
    notice = ConcludingNotice(
        unit_id=unit_id,
        number=number,
        issued_on=data.issued_on,
        meeting_id=meeting_id or None,
        session_id=session_id or None,
        content=data.content.strip(),
        signed_by_id=data.signed_by_id or None,
    )
    session.add(notice)
    session.flush()
    return notice


def get_notice(session: Session, notice_id: str) -> ConcludingNotice:
    notice = session.get(ConcludingNotice, notice_id)
    if notice is None:
        raise NotFoundError(_("The concluding notice no longer exists."))
    return notice


def notices_of_meeting(session: Session, meeting_id: str) -> list[ConcludingNotice]:
    return list(
        session.scalars(
            select(ConcludingNotice)
            .where(ConcludingNotice.meeting_id == meeting_id)
            .order_by(ConcludingNotice.issued_on, ConcludingNotice.created_at)
        )
    )


def notices_of_session(session: Session, session_id: str) -> list[ConcludingNotice]:
    return list(
        session.scalars(
            select(ConcludingNotice)
            .where(ConcludingNotice.session_id == session_id)
            .order_by(ConcludingNotice.issued_on, ConcludingNotice.created_at)
        )
    )


def list_notices(
    session: Session,
    unit_ids: list[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[ConcludingNotice]:
    """Notices issued in a period, newest first."""
    stmt = select(ConcludingNotice)
    if unit_ids is not None:
        stmt = stmt.where(ConcludingNotice.unit_id.in_(unit_ids))
    if date_from:
        stmt = stmt.where(ConcludingNotice.issued_on >= date_from)
    if date_to:
        stmt = stmt.where(ConcludingNotice.issued_on <= date_to)
    stmt = stmt.order_by(
        ConcludingNotice.issued_on.desc(), ConcludingNotice.created_at.desc(), ConcludingNotice.id
    ).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt.options(selectinload(ConcludingNotice.meeting))))
