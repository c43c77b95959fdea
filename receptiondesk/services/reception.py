"""Reception sessions and the visits received in them (one visit = one log-book row).

Every change is checked in full before anything is written, so a refused form
leaves the database as it was. Records behind signed minutes (``locked``) cannot
be changed; corrections are addenda to the minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..i18n import _
from ..model import (
    Citizen,
    ConcludingNotice,
    Minutes,
    Official,
    Petition,
    Petitioner,
    ReceptionSession,
    Visit,
    VisitAttendee,
)
from ..model.codes import MinutesSubject, PetitionType, SessionKind, SessionMode, VisitHandling
from . import protection, reference, sealed_fields, units
from .accounts import require
from .citizens import CitizenInput, check_citizen, create_citizen
from .errors import LockedError, NotFoundError, ValidationError
from .indexing import session_search_text, visit_search_text
from .locking import check_version, refuses_stale
from .search import matching_ids
from .units import require_unit
from .validation import LINE_LENGTH, NOTE_LENGTH, REF_LENGTH, TEXT_LENGTH, Checker, clean

#: a delegation (đoàn đông người) is five or more people (DESIGN §2)
DELEGATION_SIZE = 5

# --- sessions ------------------------------------------------------------------


@dataclass
class SessionInput:
    session_date: date
    kind: str = SessionKind.REGULAR
    mode: str = SessionMode.IN_PERSON
    place: str = ""
    start_time: time | None = None
    end_time: time | None = None
    presiding_official_id: str | None = None
    presiding_name: str = ""
    recorder_official_id: str | None = None
    notes: str = ""
    ref: str = ""


def _check_session(
    session: Session, data: SessionInput, today: date, unit_id: str | None = None
) -> tuple[Official | None, Checker]:
    """Field errors of a session form (not raised yet) and the presiding official.

    ``unit_id``: the unit the session is held in, refused when it was dissolved by the
    session's date (two-tier local government: the refusal names the successor)."""
    ck = Checker()
    ck.required("session_date", data.session_date, _("Session date"))
    ck.not_future("session_date", data.session_date, _("Session date"), today)
    if unit_id:
        refusal = units.dissolved_refusal(session, unit_id, data.session_date,
                                          _("Session date"))
        if refusal:
            ck.add("session_date", refusal)
    ck.enum("kind", data.kind, SessionKind, _("Kind of session"))
    ck.enum("mode", data.mode, SessionMode, _("Mode"))
    if data.start_time is not None and data.end_time is not None:
        if data.end_time < data.start_time:
            ck.add("end_time", _("The end time cannot be earlier than the start time."))
    presiding = None
    if data.presiding_official_id:
        presiding = session.get(Official, data.presiding_official_id)
        if presiding is None:
            ck.add("presiding_official_id", _("The presiding official chosen does not exist."))
    elif not clean(data.presiding_name):
        ck.add("presiding_official_id", _("Choose the presiding official."))
    if data.recorder_official_id and session.get(Official, data.recorder_official_id) is None:
        ck.add("recorder_official_id", _("The recorder chosen does not exist."))
    ck.max_length("presiding_name", clean(data.presiding_name), 120, _("Presiding official"))
    ck.max_length("place", clean(data.place), 200, _("Place"))
    ck.max_length("ref", clean(data.ref), REF_LENGTH, _("Reference"))
    ck.max_length("notes", data.notes, NOTE_LENGTH, _("Notes"))
    return presiding, ck


def _apply_session(s: ReceptionSession, data: SessionInput, presiding: Official | None) -> None:
    s.session_date = data.session_date
    s.kind = data.kind
    s.mode = data.mode
    s.place = clean(data.place)
    s.start_time = data.start_time
    s.end_time = data.end_time
    s.presiding_official_id = presiding.id if presiding else None
    s.presiding_name = presiding.full_name if presiding else clean(data.presiding_name)
    s.recorder_official_id = data.recorder_official_id or None
    s.notes = (data.notes or "").strip()
    s.ref = clean(data.ref)
    s.search_text = session_search_text(s.ref, s.place, s.presiding_name, s.notes)


def create_session(
    session: Session, unit_id: str, data: SessionInput, today: date | None = None
) -> ReceptionSession:
    """Open a reception session of the unit."""
    require(session, "reception.edit")
    require_unit(session, unit_id)
    presiding, ck = _check_session(session, data, today or date.today(), unit_id)
    ck.raise_if_any()
    s = ReceptionSession(unit_id=unit_id)
    _apply_session(s, data, presiding)
    session.add(s)
    session.flush()
    return s


@refuses_stale(ReceptionSession, "session_id")
def update_session(
    session: Session, session_id: str, data: SessionInput, today: date | None = None,
    *, expected_version: int | None = None,
) -> ReceptionSession:
    """Correct a session; a new date moves its visits to that date too."""
    require(session, "reception.edit")
    s = get_session(session, session_id)
    check_version(session, s, expected_version)
    _ensure_session_editable(s)
    date_changed = data.session_date is not None and data.session_date != s.session_date
    # a session moved on or after its unit's dissolution is refused; one recorded there
    # before the dissolution was entered can still be corrected
    presiding, ck = _check_session(session, data, today or date.today(),
                                   s.unit_id if date_changed else None)
    if date_changed:
        if any(v.locked for v in s.visits):
            raise LockedError(
                _("A visit of this session has signed minutes, so the session date can no "
                  "longer be changed.")
            )
        earliest_notice = session.scalar(
            select(func.min(ConcludingNotice.issued_on)).where(
                ConcludingNotice.session_id == s.id
            )
        )
        if earliest_notice is not None and data.session_date > earliest_notice:
            ck.add(
                "session_date",
                _("A concluding notice of this session was issued before this date."),
            )
    ck.raise_if_any()
    _apply_session(s, data, presiding)
    if date_changed:
        for visit in s.visits:
            visit.visit_date = s.session_date
    session.flush()
    return s


def get_session(session: Session, session_id: str) -> ReceptionSession:
    s = session.get(ReceptionSession, session_id)
    if s is None:
        raise NotFoundError(_("The reception session no longer exists."))
    return s


def delete_session(session: Session, session_id: str) -> None:
    """Delete a session entered by mistake: only one without visits, notices or minutes."""
    require(session, "reception.edit")
    s = get_session(session, session_id)
    _ensure_session_editable(s)
    if session.scalar(select(func.count(Visit.id)).where(Visit.session_id == s.id)):
        raise ValidationError.single(
            "visits", _("This session has visits; delete them first.")
        )
    if session.scalar(
        select(func.count(ConcludingNotice.id)).where(ConcludingNotice.session_id == s.id)
    ):
        raise ValidationError.single(
            "notices", _("A concluding notice was issued for this session; it cannot be deleted.")
        )
    if _has_minutes(session, (MinutesSubject.SESSION, MinutesSubject.DIALOGUE), s.id):
        raise ValidationError.single(
            "minutes", _("Minutes were made of this session; it cannot be deleted.")
        )
    session.delete(s)
    session.flush()


def _ensure_session_editable(s: ReceptionSession) -> None:
    if s.locked:
        raise LockedError(
            _("The minutes of this session are signed, so it can no longer be changed; "
              "record corrections as an addendum.")
        )


def _has_minutes(session: Session, kinds: tuple[str, ...], subject_id: str) -> bool:
    return bool(
        session.scalar(
            select(func.count(Minutes.id)).where(
                Minutes.subject_kind.in_([str(k) for k in kinds]),
                Minutes.subject_id == subject_id,
            )
        )
    )


# --- visits --------------------------------------------------------------------


@dataclass
class VisitInput:
    content: str
    citizen_id: str | None = None
    new_citizen: CitizenInput | None = None
    attendee_ids: list[str] = field(default_factory=list)
    head_count: int = 1
    representatives: str = ""
    field_code: str | None = None
    petition_type: str | None = None
    previously_handled_by: str = ""
    handling: str = VisitHandling.NONE
    direction: str = ""
    follow_up: str = ""
    notes: str = ""


def is_delegation(head_count: int | None) -> bool:
    return (head_count or 0) >= DELEGATION_SIZE


def _live_citizen(session: Session, citizen_id: str) -> Citizen | None:
    """The citizen record, following merges to the record that was kept."""
    citizen = session.get(Citizen, citizen_id)
    seen = set()
    while citizen is not None and citizen.merged_into_id and citizen.id not in seen:
        seen.add(citizen.id)
        citizen = session.get(Citizen, citizen.merged_into_id)
    return citizen


def _check_visit(
    session: Session, data: VisitInput, today: date
) -> tuple[Citizen | None, list[Citizen]]:
    """Check a visit form in full; returns (main citizen, other attendees)."""
    ck = Checker()
    delegation = check_visit_text(ck, data)
    main: Citizen | None = None
    if data.citizen_id and data.new_citizen is not None:
        ck.add("citizen_id", _("Choose a citizen from the directory or enter a new one, "
                               "not both."))
    elif data.citizen_id:
        main = _live_citizen(session, data.citizen_id)
        if main is None:
            ck.add("citizen_id", _("The citizen chosen does not exist."))
    elif data.new_citizen is not None:
        ck.errors.extend(check_citizen(data.new_citizen, today, prefix="new_citizen."))
    elif not delegation:
        ck.add("citizen_id", _("Choose the citizen received, or enter a new one."))
    others: list[Citizen] = []
    seen = {main.id} if main else set()
    for i, attendee_id in enumerate(data.attendee_ids or []):
        person = _live_citizen(session, attendee_id) if attendee_id else None
        if person is None:
            ck.add(f"attendee_ids.{i}", _("The citizen chosen does not exist."))
        elif person.id not in seen:
            seen.add(person.id)
            others.append(person)
    check_visit_codes(ck, data, [c for c, _n in reference.field_choices(session)])
    ck.raise_if_any()
    return main, others


def check_visit_text(ck: Checker, data: VisitInput) -> bool:
    """The typed fields of a visit (the form's and an imported row's); whether it is a
    delegation, which needs its representatives named."""
    ck.required("content", clean(data.content), _("Content"))
    ck.lengths([
        ("content", data.content, TEXT_LENGTH, _("Content")),
        ("representatives", data.representatives, NOTE_LENGTH, _("Representatives")),
        ("previously_handled_by", clean(data.previously_handled_by), LINE_LENGTH,
         _("Already handled by")),
        ("direction", data.direction, TEXT_LENGTH, _("Direction given")),
        ("follow_up", data.follow_up, NOTE_LENGTH, _("Follow-up")),
        ("notes", data.notes, NOTE_LENGTH, _("Notes")),
    ])
    ck.positive("head_count", data.head_count, _("Number of people"))
    delegation = is_delegation(data.head_count)
    if delegation:
        ck.required("representatives", clean(data.representatives), _("Representatives"))
    return delegation


def check_visit_codes(ck: Checker, data: VisitInput, fields: list[str]) -> None:
    """A visit's field (one of ``fields``), petition type and handling."""
    if data.field_code:
        ck.code("field_code", data.field_code, fields, _("Field"))
    ck.enum("petition_type", data.petition_type, PetitionType, _("Petition type"),
            required=False)
    ck.enum("handling", data.handling, VisitHandling, _("Handling"))


def _apply_visit(
    session: Session, v: Visit, data: VisitInput, main: Citizen | None, others: list[Citizen]
) -> None:
    v.citizen_id = main.id if main else None
    v.citizen = main
    v.head_count = data.head_count
    v.is_delegation = is_delegation(data.head_count)
    v.representatives = (data.representatives or "").strip()
    v.content = (data.content or "").strip()
    v.field_code = data.field_code or None
    v.petition_type = data.petition_type or None
    v.previously_handled_by = (data.previously_handled_by or "").strip()
    v.handling = data.handling
    v.direction = (data.direction or "").strip()
    v.follow_up = (data.follow_up or "").strip()
    v.notes = (data.notes or "").strip()
    v.attendees.clear()
    session.flush()
    people = ([main] if main else []) + others
    for i, person in enumerate(people, start=1):
        v.attendees.append(
            VisitAttendee(
                unit_id=v.unit_id,
                citizen_id=person.id,
                citizen=person,
                seq=i,
                is_representative=v.is_delegation,
            )
        )
    v.search_text = _search_text(v, [p.full_name for p in people],
                                 protection.visit_is_denounced(session, v))


def _search_text(v: Visit, names: list[str], denounced: bool = False) -> str:
    # A denouncer's identity is confidential (DESIGN §4): never in the shared index —
    # neither for a visit recorded as a denunciation nor for one that brought one.
    if denounced or v.petition_type == PetitionType.DENUNCIATION:
        return visit_search_text(v.content, [])
    return visit_search_text(v.content, names, v.representatives)


def refresh_search_text(session: Session, v: Visit, denounced: bool | None = None) -> None:
    """Recompute a visit's indexed text (after its citizens' names changed)."""
    names = [a.citizen.full_name for a in v.attendees if a.citizen is not None]
    if v.citizen is not None and v.citizen.full_name not in names:
        names.insert(0, v.citizen.full_name)
    if denounced is None:
        denounced = protection.visit_is_denounced(session, v)
    text = _search_text(v, names, denounced)
    if v.search_text != text:
        v.search_text = text


def reindex_visits_of_citizen(session: Session, citizen_id: str) -> int:
    """Refresh the indexed text of every visit the citizen attended; returns the count."""
    visits = session.scalars(
        select(Visit)
        .where(_attended_by(citizen_id))
        .options(selectinload(Visit.attendees).selectinload(VisitAttendee.citizen),
                 selectinload(Visit.citizen))
    ).all()
    denounced = protection.denounced_visit_ids(session, [v.id for v in visits])
    for v in visits:
        refresh_search_text(session, v, v.id in denounced)
    session.flush()
    return len(visits)


def _attended_by(citizen_id: str):
    return or_(
        Visit.citizen_id == citizen_id,
        Visit.id.in_(select(VisitAttendee.visit_id).where(VisitAttendee.citizen_id == citizen_id)),
    )


def add_visit(
    session: Session, session_id: str, data: VisitInput, today: date | None = None
) -> Visit:
    """Record one citizen or delegation received in the session (the next log-book row)."""
    require(session, "reception.edit")
    today = today or date.today()
    s = get_session(session, session_id)
    _ensure_session_editable(s)
    # no new visit in a unit dissolved by the session's day: its successor receives
    units.refuse_if_dissolved(session, s.unit_id, s.session_date, "session_date",
                              _("Session date"))
    main, others = _check_visit(session, data, today)
    if data.new_citizen is not None:
        with sealed_fields.sealing_new_citizens(session, data.petition_type == "denunciation"):
            main = create_citizen(session, s.unit_id, data.new_citizen, today=today)
    last = session.scalar(select(func.max(Visit.seq)).where(Visit.session_id == s.id))
    v = Visit(unit_id=s.unit_id, session_id=s.id, seq=(last or 0) + 1,
              visit_date=s.session_date)
    _apply_visit(session, v, data, main, others)
    session.add(v)
    session.flush()
    protection.protect_visit(session, v)
    return v


@refuses_stale(Visit, "visit_id")
def update_visit(
    session: Session, visit_id: str, data: VisitInput, today: date | None = None,
    *, expected_version: int | None = None,
) -> Visit:
    require(session, "reception.edit")
    today = today or date.today()
    v = get_visit(session, visit_id)
    check_version(session, v, expected_version)
    _ensure_visit_editable(v)
    main, others = _check_visit(session, data, today)
    if data.new_citizen is not None:
        with sealed_fields.sealing_new_citizens(session, data.petition_type == "denunciation"):
            main = create_citizen(session, v.unit_id, data.new_citizen, today=today)
    _apply_visit(session, v, data, main, others)
    session.flush()
    protection.protect_visit(session, v)
    return v


def get_visit(session: Session, visit_id: str) -> Visit:
    v = session.get(
        Visit,
        visit_id,
        options=[
            selectinload(Visit.attendees).selectinload(VisitAttendee.citizen),
            selectinload(Visit.citizen),
            selectinload(Visit.session),
        ],
    )
    if v is None:
        raise NotFoundError(_("The visit no longer exists."))
    return v


def delete_visit(session: Session, visit_id: str) -> None:
    """Delete a visit entered by mistake (row numbers of the others are kept)."""
    require(session, "reception.edit")
    v = get_visit(session, visit_id)
    _ensure_visit_editable(v)
    if session.scalar(select(func.count(Petition.id)).where(Petition.visit_id == v.id)):
        raise ValidationError.single(
            "petitions", _("A petition was registered from this visit; it cannot be deleted.")
        )
    if _has_minutes(session, (MinutesSubject.VISIT,), v.id):
        raise ValidationError.single(
            "minutes", _("Minutes were made of this visit; it cannot be deleted.")
        )
    parent = v.session
    # Deleted directly, then the session's list of visits read again: removing it from
    # the list first (delete-orphan) broke the flush of a second delete in one unit of work.
    session.delete(v)
    session.flush()
    session.expire(parent, ["visits"])


def _ensure_visit_editable(v: Visit) -> None:
    _ensure_session_editable(v.session)
    if v.locked:
        raise LockedError(
            _("The minutes of this visit are signed, so it can no longer be changed; "
              "record corrections as an addendum.")
        )


def _visit_citizens(v: Visit) -> list[Citizen]:
    people = [a.citizen for a in v.attendees if a.citizen is not None]
    if v.citizen is not None and all(p.id != v.citizen.id for p in people):
        people.insert(0, v.citizen)
    return people


def split_names(text: str) -> list[str]:
    """Names written one a line or separated by semicolons."""
    return [clean(x) for x in re.split(r"[\n;]", text or "") if clean(x)]


def register_petition_from_visit(
    session: Session,
    visit_id: str,
    petition_type: str | None = None,
    source_code: str = "reception",
    official_id: str | None = None,
    today: date | None = None,
) -> Petition:
    """Register the petition a visit brought, in one step; its deadlines start running."""
    from .petitions import PetitionerInput, PetitionInput, register_petition

    require(session, "petitions.register")
    v = get_visit(session, visit_id)
    if session.scalar(select(func.count(Petition.id)).where(Petition.visit_id == v.id)):
        raise ValidationError.single(
            "visit_id", _("A petition was already registered from this visit.")
        )
    people = [
        PetitionerInput(
            full_name=c.full_name,
            id_number=c.id_number,
            address=c.address,
            phone=c.phone,
            citizen_id=c.id,
        )
        for c in _visit_citizens(v)
    ]
    if not people and v.is_delegation:
        people = [PetitionerInput(full_name=name[:120]) for name in
                  split_names(v.representatives)]
    data = PetitionInput(
        received_date=v.visit_date,
        petition_type=petition_type or v.petition_type or "",
        content=v.content,
        source_code=source_code,
        field_code=v.field_code,
        signers=max(v.head_count or 1, 1),
        petitioners=people,
        visit_id=v.id,
        is_delegation=v.is_delegation,
    )
    return register_petition(session, v.unit_id, data, official_id=official_id, today=today)


# --- lists ---------------------------------------------------------------------


@dataclass
class SessionFilter:
    unit_ids: list[str] | None = None
    date_from: date | None = None
    date_to: date | None = None
    kinds: list[str] = field(default_factory=list)
    presiding_official_id: str | None = None
    query: str = ""


def _sessions_filtered(session: Session, f: SessionFilter, *, page: bool = True) -> Select:
    from .petitions import _all_units
    from .search import matches_itself_or_child, matching_ids

    conds: list[ColumnElement[bool]] = []
    # Every unit is no restriction: the list then reads the date index in order.
    if f.unit_ids is not None and not _all_units(session, f.unit_ids):
        conds.append(ReceptionSession.unit_id.in_(f.unit_ids))
    if f.date_from:
        conds.append(ReceptionSession.session_date >= f.date_from)
    if f.date_to:
        conds.append(ReceptionSession.session_date <= f.date_to)
    if f.kinds:
        conds.append(ReceptionSession.kind.in_(f.kinds))
    if f.presiding_official_id:
        conds.append(ReceptionSession.presiding_official_id == f.presiding_official_id)
    stmt = select(ReceptionSession).where(*conds)
    if f.query.strip():
        # A session matches by its own text (ref, place, presiding official, notes), or by
        # a visit received in it: both through the search index, as every list searches.
        if page:  # one page in list order: check each session read against the matches
            match = matches_itself_or_child(session, f.query, "session", ReceptionSession.id,
                                            "visit", Visit.session_id)
            if match is not None:
                stmt = stmt.where(match)
        else:  # a count: start from the matches
            own_ids = matching_ids(session, f.query, "session")
            visit_ids = matching_ids(session, f.query, "visit")
            own = ReceptionSession.id.in_(own_ids) if own_ids is not None else None
            by_visit = (ReceptionSession.id.in_(
                select(Visit.session_id).where(Visit.id.in_(visit_ids)))
                if visit_ids is not None else None)
            parts = [c for c in (own, by_visit) if c is not None]
            if parts:
                stmt = stmt.where(or_(*parts))
    return stmt


def list_sessions(
    session: Session, f: SessionFilter | None = None, offset: int = 0, limit: int = 100
) -> list[ReceptionSession]:
    """One page of sessions, newest first."""
    stmt = _sessions_filtered(session, f or SessionFilter()).order_by(
        ReceptionSession.session_date.desc(),
        ReceptionSession.start_time.is_(None),
        ReceptionSession.start_time.desc(),
        ReceptionSession.created_at.desc(),
        ReceptionSession.id,
    )
    stmt = stmt.options(selectinload(ReceptionSession.presiding_official))
    return list(session.scalars(stmt.offset(offset).limit(limit)))


def count_sessions(session: Session, f: SessionFilter | None = None) -> int:
    stmt = _sessions_filtered(session, f or SessionFilter(), page=False).with_only_columns(
        func.count(ReceptionSession.id)
    )
    return session.scalar(stmt) or 0


def visit_counts(session: Session, session_ids: list[str]) -> dict[str, tuple[int, int]]:
    """(visits, people received) of each session, for one page of the sessions list."""
    if not session_ids:
        return {}
    rows = session.execute(
        select(Visit.session_id, func.count(Visit.id), func.coalesce(func.sum(Visit.head_count), 0))
        .where(Visit.session_id.in_(session_ids))
        .group_by(Visit.session_id)
    )
    found = {sid: (int(n), int(people)) for sid, n, people in rows}
    return {sid: found.get(sid, (0, 0)) for sid in session_ids}


@dataclass
class VisitFilter:
    unit_ids: list[str] | None = None
    date_from: date | None = None
    date_to: date | None = None
    session_id: str | None = None
    kinds: list[str] = field(default_factory=list)  # session kinds
    presiding_official_id: str | None = None
    fields: list[str] = field(default_factory=list)
    handlings: list[str] = field(default_factory=list)
    delegations_only: bool = False
    query: str = ""


def _visits_filtered(session: Session, f: VisitFilter, *, page: bool = True) -> Select:
    from .petitions import _all_units
    from .search import matches

    conds: list[ColumnElement[bool]] = []
    if f.unit_ids is not None and not _all_units(session, f.unit_ids):
        conds.append(Visit.unit_id.in_(f.unit_ids))
    if f.date_from:
        conds.append(Visit.visit_date >= f.date_from)
    if f.date_to:
        conds.append(Visit.visit_date <= f.date_to)
    if f.session_id:
        conds.append(Visit.session_id == f.session_id)
    if f.fields:
        conds.append(Visit.field_code.in_(f.fields))
    if f.handlings:
        conds.append(Visit.handling.in_(f.handlings))
    if f.delegations_only:
        conds.append(Visit.is_delegation.is_(True))
    if f.kinds or f.presiding_official_id:
        sub = select(ReceptionSession.id)
        if f.kinds:
            sub = sub.where(ReceptionSession.kind.in_(f.kinds))
        if f.presiding_official_id:
            sub = sub.where(ReceptionSession.presiding_official_id == f.presiding_official_id)
        conds.append(Visit.session_id.in_(sub))
    stmt = select(Visit).where(*conds)
    if f.query.strip():
        if page:  # one page in list order: check each row read against the matches
            match = matches(session, f.query, "visit", Visit.id)
            if match is not None:
                stmt = stmt.where(match)
        else:
            ids = matching_ids(session, f.query, "visit")
            if ids is not None:
                stmt = stmt.where(Visit.id.in_(ids))
    return stmt


def list_visits(
    session: Session,
    f: VisitFilter | None = None,
    offset: int = 0,
    limit: int = 100,
    descending: bool = True,
) -> list[Visit]:
    """One page of visits, newest first (``descending=False``: log-book order).

    The visits of one session come in the order of their numbers, whenever each was
    typed in (an imported or corrected session's rows are not created in order)."""
    f = f or VisitFilter()
    stmt = _visits_filtered(session, f)
    if f.session_id:
        stmt = stmt.order_by(Visit.seq.desc() if descending else Visit.seq, Visit.id)
    elif descending:
        stmt = stmt.order_by(Visit.visit_date.desc(), Visit.created_at.desc(), Visit.seq.desc(),
                             Visit.id)
    else:
        stmt = stmt.order_by(Visit.visit_date, Visit.created_at, Visit.seq, Visit.id)
    stmt = stmt.options(selectinload(Visit.citizen), selectinload(Visit.session))
    return list(session.scalars(stmt.offset(offset).limit(limit)))


def count_visits(session: Session, f: VisitFilter | None = None) -> int:
    stmt = _visits_filtered(session, f or VisitFilter(), page=False).with_only_columns(
        func.count(Visit.id))
    return session.scalar(stmt) or 0


# --- a citizen's history ---------------------------------------------------------


def citizen_history(session: Session, citizen_id: str) -> tuple[list[Visit], list[Petition]]:
    """The visits a citizen attended and the petitions they signed, newest first."""
    visits = list(
        session.scalars(
            select(Visit)
            .where(_attended_by(citizen_id))
            .order_by(Visit.visit_date.desc(), Visit.seq.desc(), Visit.id)
            .options(selectinload(Visit.session), selectinload(Visit.citizen))
        )
    )
    petitions = list(
        session.scalars(
            select(Petition)
            .where(
                Petition.id.in_(
                    select(Petitioner.petition_id).where(Petitioner.citizen_id == citizen_id)
                )
            )
            .order_by(Petition.received_date.desc(), Petition.id)
            .options(selectinload(Petition.petitioners))
        )
    )
    return visits, petitions
