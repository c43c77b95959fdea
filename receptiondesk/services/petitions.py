"""Petitions: registration, classification, the lifecycle, deadlines and extensions.

Every change is checked before anything is written; every lifecycle step is an
append-only event; the next due date is recomputed from the rules after each
change so that lists can sort and filter on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..i18n import _
from ..model import Citizen, DeadlineExtension, Petition, Petitioner, PetitionEvent, Unit, Visit
from ..model.codes import (
    OPEN_STATUSES,
    EventKind,
    PetitionType,
    Status,
    UnitKind,
    label,
    results_for,
)
from ..rules import competence, lifecycle
from ..rules.calendar import WorkCalendar
from ..rules.deadlines import (
    Deadline,
    Extension,
    PetitionFacts,
    RuleBook,
    as_rule_book,
    check_extension,
    check_extension_length,
    extensions_allowed,
    petition_deadlines,
)
from ..text import fold
from . import audit, numbering, protection, reference, units
from .accounts import require
from .errors import LockedError, NotFoundError, TransitionError, ValidationError
from .indexing import petition_search_text
from .locking import check_version, refuses_stale
from .validation import (
    ADDRESS_LENGTH,
    LINE_LENGTH,
    NAME_LENGTH,
    NOTE_LENGTH,
    PHONE_LENGTH,
    REF_LENGTH,
    TEXT_LENGTH,
    Checker,
    clean,
    clean_id_number,
)

#: what each step on a petition takes (accounts.ROLE_PERMISSIONS): the services refuse
#: with it, the window disables the step's button with the same words
STEP_PERMISSIONS: dict[str, str] = {
    "register": "petitions.register",
    "edit": "petitions.register",
    "note": "petitions.register",
    "classify": "petitions.classify",
    **{action: "petitions.handle" for action in lifecycle.HANDLING_OF_ACTION},
    "start": "petitions.resolve",
    "resolve": "petitions.resolve",
    "close": "petitions.resolve",
    "extend": "petitions.resolve",
    "notify": "petitions.resolve",
    "split": "petitions.handle",
}


@dataclass
class PetitionerInput:
    full_name: str
    id_number: str | None = None
    address: str = ""
    phone: str = ""
    citizen_id: str | None = None


@dataclass
class PetitionInput:
    received_date: date
    petition_type: str
    content: str
    source_code: str = "reception"
    field_code: str | None = None
    ref: str = ""
    forwarded_from: str = ""
    signers: int = 1
    petitioners: list[PetitionerInput] = field(default_factory=list)
    visit_id: str | None = None
    complaint_round: int = 1
    is_delegation: bool = False
    anonymous: bool = False


@dataclass
class Classification:
    eligible: bool
    within_competence: bool
    anonymous: bool = False
    duplicate_of_id: str | None = None
    many_signers: bool = False
    beyond_level: bool = False
    long_running: bool = False
    complexity: int = 0
    petition_type: str | None = None
    field_code: str | None = None
    #: a complaint about a Party discipline decision (or a denunciation of a Party member):
    #: a Party committee resolves it under Party rules (``rules.competence``)
    party_matter: bool = False


class Deadlines:
    """The rules, the office calendar and the units' flags, loaded once per unit of work."""

    @classmethod
    def of(cls, session: Session) -> Deadlines:
        """The instance cached on this session (a session is one unit of work)."""
        cached = session.info.get("deadlines")
        if cached is None:
            cached = session.info["deadlines"] = cls(session)
        return cached


    def __init__(self, session: Session) -> None:
        self.rules: RuleBook = as_rule_book(reference.deadline_rules(session))
        self.calendar: WorkCalendar = reference.work_calendar(session)
        self._units: dict[str, tuple[bool, bool]] = {}
        self._session = session

    def unit_flags(self, unit_id: str) -> tuple[bool, bool]:
        """(remote area, Party committee) of a unit."""
        if unit_id not in self._units:
            unit = self._session.get(Unit, unit_id)
            self._units[unit_id] = (
                bool(unit and unit.remote_area),
                bool(unit and unit.kind == UnitKind.PARTY),
            )
        return self._units[unit_id]

    def facts(
        self, p: Petition, extensions: list[DeadlineExtension] | None = None
    ) -> PetitionFacts:
        remote, party = self.unit_flags(p.unit_id)
        exts = p.extensions if extensions is None else extensions
        return PetitionFacts(
            petition_type=p.petition_type,
            status=p.status,
            received_date=p.received_date,
            accepted_date=p.accepted_date,
            complaint_round=p.complaint_round or 1,
            complex=(p.complexity or 0) > 0,
            complexity=p.complexity or 0,
            remote_area=remote,
            party_unit=party,
            anonymous=bool(p.anonymous),
            notified=self._notified(p),
            extensions=tuple(
                Extension(e.deadline_key, e.days, e.decided_on, e.reason) for e in exts
            ),
        )

    def _notified(self, p: Petition) -> bool:
        """Whether the parties were notified of a denunciation's acceptance (asked only
        where that limit can run)."""
        if p.petition_type != PetitionType.DENUNCIATION or p.status not in (
                Status.ACCEPTED, Status.IN_RESOLUTION) or p.id is None:
            return False
        return bool(self._session.scalar(
            select(func.count(PetitionEvent.id)).where(
                PetitionEvent.petition_id == p.id, PetitionEvent.kind == EventKind.NOTICE)))

    def unit_kind(self, unit_id: str) -> str:
        return UnitKind.PARTY if self.unit_flags(unit_id)[1] else UnitKind.STATE

    def running(self, p: Petition) -> list[Deadline]:
        return petition_deadlines(self.facts(p), self.rules, self.calendar)

    def refresh(self, p: Petition) -> None:
        """Store the earliest running deadline on the petition, for lists and warnings."""
        running = self.running(p)
        first = min(running, key=lambda d: d.due) if running else None
        p.next_due_date = first.due if first else None
        p.next_due_key = first.key if first else None


# --- validation ----------------------------------------------------------------


def input_choices(session: Session) -> tuple[list[str], list[str]]:
    """The source and field codes a petition may have (read once for many petitions)."""
    return ([c for c, _n in reference.source_choices(session)],
            [c for c, _n in reference.field_choices(session)])


def _check_input(session: Session, data: PetitionInput, today: date,
                 choices: tuple[list[str], list[str]] | None = None) -> None:
    """Refuse (ValidationError) a petition's details; ``choices`` is :func:`input_choices`
    when it was read already."""
    sources, fields = choices if choices is not None else (None, None)
    ck = Checker()
    ck.required("received_date", data.received_date, _("Date received"))
    ck.not_future("received_date", data.received_date, _("Date received"), today)
    ck.enum("petition_type", data.petition_type, PetitionType, _("Petition type"))
    ck.required("content", clean(data.content), _("Content"))
    ck.lengths([
        ("content", data.content, TEXT_LENGTH, _("Content")),
        ("ref", clean(data.ref), REF_LENGTH, _("Reference")),
        ("forwarded_from", clean(data.forwarded_from), LINE_LENGTH, _("Forwarded from")),
    ])
    if sources is None:
        sources = [c for c, _n in reference.source_choices(session)]
    ck.code("source_code", data.source_code, sources, _("Source"))
    if data.field_code:
        if fields is None:
            fields = [c for c, _n in reference.field_choices(session)]
        ck.code("field_code", data.field_code, fields, _("Field"))
    ck.positive("signers", data.signers, _("Number of signers"))
    if data.complaint_round not in (1, 2):
        ck.add("complaint_round", _("Complaint level must be first (1) or second (2)."))
    if not data.petitioners and not data.anonymous:
        ck.add("petitioners", _("Enter at least one petitioner, or mark the petition anonymous."))
    if data.visit_id and session.get(Visit, data.visit_id) is None:
        ck.add("visit_id", _("The visit no longer exists."))
    for i, person in enumerate(data.petitioners):
        prefix = f"petitioners.{i}."
        ck.required(prefix + "full_name", clean(person.full_name), _("Petitioner's name"))
        ck.id_number(prefix + "id_number", clean_id_number(person.id_number))
        ck.lengths([
            (prefix + "full_name", clean(person.full_name), NAME_LENGTH, _("Petitioner's name")),
            (prefix + "address", clean(person.address), ADDRESS_LENGTH, _("Address")),
            (prefix + "phone", clean(person.phone), PHONE_LENGTH, _("Phone")),
        ])
        person.citizen_id = person.citizen_id or None
        if person.citizen_id and session.get(Citizen, person.citizen_id) is None:
            ck.add(prefix + "citizen_id", _("The citizen chosen does not exist."))
    ck.raise_if_any()


def _apply_petitioners(session: Session, p: Petition, people: list[PetitionerInput]) -> None:
    p.petitioners.clear()
    session.flush()
    for i, person in enumerate(people, start=1):
        p.petitioners.append(
            Petitioner(
                unit_id=p.unit_id,
                seq=i,
                citizen_id=person.citizen_id,
                full_name=clean(person.full_name),
                id_number=clean_id_number(person.id_number),
                address=clean(person.address),
                phone=clean(person.phone),
                name_key=fold(person.full_name),
            )
        )


def _reindex(p: Petition) -> None:
    p.many_signers = p.many_signers or (p.signers or 1) >= 5
    p.search_text = petition_search_text(
        p.ref,
        p.content,
        [(x.full_name, x.id_number, x.address) for x in p.petitioners],
        denunciation=p.petition_type == PetitionType.DENUNCIATION,
    )


def _ensure_editable(p: Petition) -> None:
    if p.status == Status.CLOSED:
        raise LockedError(_("This petition is closed; its details can no longer be changed."))


# --- registration --------------------------------------------------------------


def register_petition(
    session: Session,
    unit_id: str,
    data: PetitionInput,
    official_id: str | None = None,
    today: date | None = None,
) -> Petition:
    """Register a petition as received; its deadlines start running."""
    require(session, STEP_PERMISSIONS["register"])
    today = today or date.today()
    _check_input(session, data, today)
    units.refuse_if_dissolved(session, unit_id, data.received_date, "received_date",
                              _("Date received"))
    p = Petition(unit_id=unit_id, status=Status.RECEIVED)
    _apply_input(session, p, data)
    if not p.ref:  # numbered on registration, per unit and year (services.numbering)
        unit = session.get(Unit, unit_id)
        if unit is not None:
            p.ref = numbering.next_petition_number(session, unit, data.received_date.year)
    session.add(p)
    session.flush()
    _apply_petitioners(session, p, data.petitioners)
    _reindex(p)
    _add_event(session, p, EventKind.TRANSITION, data.received_date, None, Status.RECEIVED,
               official_id, "")
    Deadlines.of(session).refresh(p)
    session.flush()
    protection.protect_petition(session, p)
    return p


def _apply_input(session: Session, p: Petition, data: PetitionInput) -> None:
    p.received_date = data.received_date
    p.petition_type = data.petition_type
    p.content = data.content.strip()
    p.source_code = data.source_code
    p.field_code = data.field_code or None
    p.ref = clean(data.ref)
    p.forwarded_from = clean(data.forwarded_from)
    p.signers = data.signers
    p.visit_id = data.visit_id or None
    p.complaint_round = data.complaint_round
    p.is_delegation = data.is_delegation
    p.anonymous = data.anonymous


@refuses_stale(Petition, "petition_id")
def update_petition(
    session: Session, petition_id: str, data: PetitionInput, today: date | None = None,
    *, expected_version: int | None = None,
) -> Petition:
    """Correct a petition's details (not its status)."""
    require(session, STEP_PERMISSIONS["edit"])
    p = get_petition(session, petition_id)
    check_version(session, p, expected_version)
    _ensure_editable(p)
    _check_input(session, data, today or date.today())
    if p.accepted_date and data.received_date > p.accepted_date:
        raise ValidationError.single(
            "received_date", _("Date received cannot be later than the date accepted.")
        )
    _apply_input(session, p, data)
    _apply_petitioners(session, p, data.petitioners)
    _reindex(p)
    Deadlines.of(session).refresh(p)
    session.flush()
    protection.protect_petition(session, p)
    return p


def get_petition(session: Session, petition_id: str) -> Petition:
    p = session.get(
        Petition,
        petition_id,
        options=[selectinload(Petition.petitioners), selectinload(Petition.extensions)],
    )
    if p is None:
        raise NotFoundError(_("The petition no longer exists."))
    return p


# --- lifecycle -----------------------------------------------------------------


def _next_seq(session: Session, p: Petition) -> int:
    current = session.scalar(
        select(func.max(PetitionEvent.seq)).where(PetitionEvent.petition_id == p.id)
    )
    return (current or 0) + 1


def _add_event(
    session: Session,
    p: Petition,
    kind: str,
    on: date,
    from_status: str | None,
    to_status: str | None,
    official_id: str | None,
    note: str,
) -> PetitionEvent:
    event = PetitionEvent(
        unit_id=p.unit_id,
        petition_id=p.id,
        seq=_next_seq(session, p),
        kind=kind,
        event_date=on,
        from_status=from_status,
        to_status=to_status,
        official_id=official_id,
        note=note.strip(),
    )
    session.add(event)
    session.flush()
    return event


def _last_event_date(session: Session, p: Petition) -> date | None:
    return session.scalar(
        select(func.max(PetitionEvent.event_date)).where(PetitionEvent.petition_id == p.id)
    )


def _check_step_date(session: Session, p: Petition, on: date, today: date, ck: Checker) -> None:
    ck.required("date", on, _("Date"))
    ck.not_future("date", on, _("Date"), today)
    ck.not_before("date", on, p.received_date, _("Date"), _("the date received"))
    ck.not_before("date", on, _last_event_date(session, p), _("Date"), _("the previous step"))


class _HasStatus(Protocol):
    @property
    def status(self) -> str: ...


def _refuse(p: _HasStatus, action: str) -> TransitionError:
    return TransitionError(
        _("\u201c{action}\u201d is not allowed for a petition that is {status}.").format(
            action=lifecycle.action_title(action), status=label(Status, p.status).lower()
        )
    )


def _step(
    session: Session,
    p: Petition,
    action: str,
    on: date,
    official_id: str | None,
    note: str,
    ck: Checker,
    today: date,
) -> None:
    """Check and record one lifecycle step; raises before writing anything."""
    if not lifecycle.can(p.status, action):
        raise _refuse(p, action)
    _check_step_date(session, p, on, today, ck)
    ck.max_length("note", note, NOTE_LENGTH, _("Note"))
    ck.raise_if_any()
    target = lifecycle.ACTIONS[action].to_status
    before = p.status
    p.status = target
    _add_event(session, p, EventKind.TRANSITION, on, before, target, official_id, note)
    audit.record(session, "transition", "petition", p.id, p.unit_id,
                 {"action": action, "status": [before, str(target)], "date": on.isoformat(),
                  "official_id": official_id})


@refuses_stale(Petition, "petition_id")
def classify(
    session: Session,
    petition_id: str,
    data: Classification,
    on: date,
    official_id: str | None = None,
    note: str = "",
    today: date | None = None,
    *,
    expected_version: int | None = None,
) -> Petition:
    require(session, STEP_PERMISSIONS["classify"])
    today = today or date.today()
    p = get_petition(session, petition_id)
    check_version(session, p, expected_version)
    ck = Checker()
    if data.complexity not in (0, 1, 2):
        ck.add("complexity", _("Complexity must be ordinary, complex or very complex."))
    if data.petition_type:
        ck.enum("petition_type", data.petition_type, PetitionType, _("Petition type"))
    if data.duplicate_of_id:
        earlier = session.get(Petition, data.duplicate_of_id)
        if earlier is None or earlier.id == p.id:
            ck.add("duplicate_of_id", _("The earlier petition chosen as original does not exist."))
    _step(session, p, "classify", on, official_id, note, ck, today)
    _apply_classification(p, data)
    _reindex(p)
    Deadlines.of(session).refresh(p)
    session.flush()
    protection.protect_petition(session, p)
    return p


def _apply_classification(p: Petition, data: Classification) -> None:
    p.eligible = data.eligible
    p.within_competence = data.within_competence
    p.anonymous = data.anonymous
    p.duplicate_of_id = data.duplicate_of_id
    p.many_signers = data.many_signers
    p.beyond_level = data.beyond_level
    p.long_running = data.long_running
    p.complexity = data.complexity
    p.party_matter = data.party_matter
    if data.petition_type:
        p.petition_type = data.petition_type
    if data.field_code:
        p.field_code = data.field_code


@refuses_stale(Petition, "petition_id")
def decide_handling(
    session: Session,
    petition_id: str,
    handling: str,
    on: date,
    official_id: str | None = None,
    handled_to: str = "",
    note: str = "",
    today: date | None = None,
    *,
    expected_version: int | None = None,
    require_official: bool = True,
) -> Petition:
    """Accept, guide, forward, urge, archive or return a classified petition.

    Accepting needs the official who will handle the petition (``official_id``, or the one
    already assigned); an import of a past record (``require_official=False``) keeps what
    its file says."""
    require(session, STEP_PERMISSIONS["accept"])
    today = today or date.today()
    p = get_petition(session, petition_id)
    check_version(session, p, expected_version)
    action = lifecycle.ACTION_OF_HANDLING.get(handling)
    if action is None:
        raise ValidationError.single("handling", _("Choose how the petition is handled."))
    ck = Checker()
    if action in ("guide", "forward", "urge") and not clean(handled_to):
        ck.add("handled_to", _("Name the body the petitioner is guided to or the petition is "
                               "sent to."))
    if action == "accept" and p.eligible is False:
        ck.add("handling", _("An ineligible petition cannot be accepted for resolution."))
    if (action == "accept" and require_official
            and not (official_id or p.assigned_official_id)):
        ck.add("official_id", _("{field} is required: an accepted petition needs the official "
                                "who handles it.").format(field=_("Assigned official")))
    if action == "accept" and p.within_competence is False:
        ck.add("handling", _("A petition outside the unit's competence cannot be accepted; "
                             "guide the petitioner or forward it."))
    if action is not None and lifecycle.can(p.status, action):
        why = competence.refusal(action, petition_case(session, p))
        if why:
            ck.add("handling", why)
    _step(session, p, action, on, official_id, note, ck, today)
    p.handling = handling
    p.handling_date = on
    p.handled_to = clean(handled_to)
    if action == "accept":
        p.accepted_date = on
        p.assigned_official_id = official_id or p.assigned_official_id
    Deadlines.of(session).refresh(p)
    session.flush()
    return p


@refuses_stale(Petition, "petition_id")
def start_resolution(
    session: Session, petition_id: str, on: date, official_id: str | None = None,
    note: str = "", today: date | None = None, *, expected_version: int | None = None,
) -> Petition:
    require(session, STEP_PERMISSIONS["start"])
    today = today or date.today()
    p = get_petition(session, petition_id)
    check_version(session, p, expected_version)
    _step(session, p, "start", on, official_id, note, Checker(), today)
    Deadlines.of(session).refresh(p)
    session.flush()
    return p


@refuses_stale(Petition, "petition_id")
def record_result(
    session: Session,
    petition_id: str,
    result: str,
    result_date: date,
    decision_number: str = "",
    decision_date: date | None = None,
    official_id: str | None = None,
    note: str = "",
    today: date | None = None,
    *,
    expected_version: int | None = None,
) -> Petition:
    """Record the resolution's result (correct/incorrect/…, founded/unfounded/…, withdrawn)."""
    require(session, STEP_PERMISSIONS["resolve"])
    today = today or date.today()
    p = get_petition(session, petition_id)
    check_version(session, p, expected_version)
    if not lifecycle.can(p.status, "resolve"):
        raise _refuse(p, "resolve")
    ck = Checker()
    allowed = _results_for(p.petition_type)
    ck.code("result", result, [str(r) for r in allowed], _("Result"))
    ck.not_before("result_date", result_date, p.accepted_date, _("Result date"),
                  _("the date accepted"))
    if decision_date is not None:
        ck.not_future("decision_date", decision_date, _("Decision date"), today)
    _step(session, p, "resolve", result_date, official_id, note, ck, today)
    p.result = result
    p.result_date = result_date
    p.decision_number = clean(decision_number)
    p.decision_date = decision_date
    Deadlines.of(session).refresh(p)
    session.flush()
    return p


def petition_case(session: Session, p: Petition) -> competence.PetitionCase:
    """What the legal refusals of ``rules.competence`` depend on, for this petition."""
    in_resolution = None
    if p.duplicate_of_id:
        earlier = session.get(Petition, p.duplicate_of_id)
        if earlier is not None and earlier.status in (Status.ACCEPTED, Status.IN_RESOLUTION):
            in_resolution = earlier.ref or earlier.id[:8]
    return competence.PetitionCase(
        petition_type=p.petition_type,
        unit_kind=Deadlines.of(session).unit_kind(p.unit_id),
        anonymous=bool(p.anonymous),
        duplicate_in_resolution=in_resolution,
        party_matter=bool(p.party_matter),
    )


def refused_steps(session: Session, p: Petition) -> dict[str, str]:
    """The lifecycle steps the law refuses for this petition now, with the reason of each
    (the window does not offer them)."""
    return competence.refused_steps(petition_case(session, p))


def notice_due(session: Session, p: Petition) -> bool:
    """Whether the parties of an accepted denunciation are still to be notified."""
    return p.petition_type == PetitionType.DENUNCIATION and p.status in (
        Status.ACCEPTED, Status.IN_RESOLUTION) and not Deadlines.of(session)._notified(p)


@refuses_stale(Petition, "petition_id")
def record_notice(
    session: Session, petition_id: str, on: date, official_id: str | None = None,
    note: str = "", today: date | None = None, *, expected_version: int | None = None,
) -> PetitionEvent:
    """Record that the denouncer and the denounced were notified of the acceptance (Luật
    Tố cáo 2018, Điều 29: within 05 working days of the acceptance decision)."""
    require(session, STEP_PERMISSIONS["notify"])
    today = today or date.today()
    p = get_petition(session, petition_id)
    check_version(session, p, expected_version)
    if not notice_due(session, p):
        raise TransitionError(_("Only an accepted denunciation whose parties have not been "
                                "notified yet can have a notice recorded."))
    ck = Checker()
    ck.required("date", on, _("Date"))
    ck.not_future("date", on, _("Date"), today)
    ck.not_before("date", on, p.accepted_date, _("Date"), _("the date accepted"))
    ck.max_length("note", note, NOTE_LENGTH, _("Note"))
    ck.raise_if_any()
    event = _add_event(session, p, EventKind.NOTICE, on, None, None, official_id,
                       note or _("Denouncer and denounced notified of the acceptance"))
    Deadlines.of(session).refresh(p)
    session.flush()
    return event


def _results_for(petition_type: str) -> frozenset[str]:
    return results_for(petition_type)


@refuses_stale(Petition, "petition_id")
def close_petition(
    session: Session, petition_id: str, on: date, official_id: str | None = None,
    note: str = "", today: date | None = None, *, expected_version: int | None = None,
) -> Petition:
    require(session, STEP_PERMISSIONS["close"])
    today = today or date.today()
    p = get_petition(session, petition_id)
    check_version(session, p, expected_version)
    _step(session, p, "close", on, official_id, note, Checker(), today)
    p.closed_date = on
    Deadlines.of(session).refresh(p)
    session.flush()
    return p


def add_note(
    session: Session, petition_id: str, on: date, note: str, official_id: str | None = None,
    today: date | None = None,
) -> PetitionEvent:
    require(session, STEP_PERMISSIONS["note"])
    today = today or date.today()
    p = get_petition(session, petition_id)
    ck = Checker()
    ck.required("note", clean(note), _("Note"))
    ck.max_length("note", note, NOTE_LENGTH, _("Note"))
    ck.not_future("date", on, _("Date"), today)
    ck.raise_if_any()
    return _add_event(session, p, EventKind.NOTE, on, None, None, official_id, note)


def link_earlier(
    session: Session, petition_id: str, earlier_id: str, *, long_running: bool,
    on: date | None = None, official_id: str | None = None,
) -> Petition:
    """Mark a petition as a duplicate of an earlier one, or as a long-running case."""
    require(session, "petitions.register")
    p = get_petition(session, petition_id)
    earlier = session.get(Petition, earlier_id)
    if earlier is None or earlier.id == p.id:
        raise ValidationError.single(
            "duplicate_of_id", _("The earlier petition chosen as original does not exist.")
        )
    p.duplicate_of_id = None if long_running else earlier.id
    p.long_running = p.long_running or long_running
    note = (_("Long-running: raised again after petition {ref}") if long_running
            else _("Duplicate of petition {ref}")).format(ref=earlier.ref or earlier.id[:8])
    _add_event(session, p, EventKind.LINK, on or date.today(), None, None, official_id, note)
    session.flush()
    return p


@refuses_stale(Petition, "petition_id")
def extend_deadline(
    session: Session,
    petition_id: str,
    deadline_key: str,
    days: int,
    decided_on: date,
    reason: str,
    decision_number: str = "",
    official_id: str | None = None,
    today: date | None = None,
    *,
    expected_version: int | None = None,
) -> DeadlineExtension:
    """Record an extension decision; it moves the deadline and stays in the history."""
    require(session, STEP_PERMISSIONS["extend"])
    today = today or date.today()
    p = get_petition(session, petition_id)
    check_version(session, p, expected_version)
    calc = Deadlines.of(session)
    running = {d.key: d for d in calc.running(p)}
    deadline = running.get(deadline_key)
    if deadline is None:
        raise ValidationError.single("deadline_key",
                                     _("This deadline is not running for the petition now."))
    ck = Checker()
    ck.positive("days", days, _("Extension days"))
    ck.required("reason", clean(reason), _("Reason for the extension"))
    ck.max_length("reason", reason, NOTE_LENGTH, _("Reason for the extension"))
    ck.not_future("decided_on", decided_on, _("Decision date"), today)
    ck.not_before("decided_on", decided_on, deadline.start, _("Decision date"),
                  _("the start of the deadline"))
    # The rules decide what may be extended (one place for the services and the rules).
    try:
        check_extension(calc.facts(p), calc.rules, deadline_key)
    except ValueError as refused:
        ck.add("deadline_key", str(refused))
    else:
        if days and days > 0:
            try:
                check_extension_length(deadline.rule, days)
            except ValueError as too_long:
                ck.add("days", str(too_long))
    ck.raise_if_any()
    ext = DeadlineExtension(
        unit_id=p.unit_id,
        petition_id=p.id,
        deadline_key=deadline_key,
        decided_on=decided_on,
        days=days,
        reason=reason.strip(),
        decision_number=clean(decision_number),
        official_id=official_id,
    )
    session.add(ext)
    p.extensions.append(ext)
    session.flush()
    _add_event(
        session, p, EventKind.EXTENSION, decided_on, None, None, official_id,
        _("Extended by {days} days: {reason}").format(days=days, reason=reason.strip()),
    )
    calc.refresh(p)
    session.flush()
    return ext


def can_extend(p: Petition, deadline: Deadline) -> bool:
    """Whether the law lets this running deadline be extended once more."""
    used = sum(1 for e in p.extensions if e.deadline_key == deadline.key)
    allowed = extensions_allowed(deadline.rule, p.complexity or 0)
    return allowed is None or used < allowed


def deadlines(session: Session, petition_id: str) -> list[Deadline]:
    """The running deadlines of a petition with their legal basis, earliest first."""
    p = get_petition(session, petition_id)
    return sorted(Deadlines.of(session).running(p), key=lambda d: d.due)


def events(session: Session, petition_id: str) -> list[PetitionEvent]:
    return list(
        session.scalars(
            select(PetitionEvent)
            .where(PetitionEvent.petition_id == petition_id)
            .order_by(PetitionEvent.seq)
        )
    )


def allowed_actions(p: Petition) -> list[lifecycle.Action]:
    return lifecycle.allowed_actions(p.status)


def recompute_all_due_dates(session: Session, unit_ids: list[str] | None = None) -> int:
    """Recompute every open petition's next due date (after the rules or calendar change)."""
    reference.rules_changed(session)
    calc = Deadlines.of(session)
    stmt = select(Petition).where(Petition.status.in_([str(s) for s in OPEN_STATUSES]))
    if unit_ids is not None:
        stmt = stmt.where(Petition.unit_id.in_(unit_ids))
    count = 0
    for p in session.scalars(stmt.options(selectinload(Petition.extensions))):
        calc.refresh(p)
        count += 1
    session.flush()
    return count


# --- lists ---------------------------------------------------------------------


@dataclass
class PetitionFilter:
    unit_ids: list[str] | None = None
    query: str = ""
    types: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    official_id: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    open_only: bool = False
    overdue_on: date | None = None  # only petitions overdue on this day
    due_within: int | None = None  # with overdue_on: due within this many days of it
    hot: bool = False  # delegations, long-running, beyond-level, many signers


SORTS = {
    "received": Petition.received_date,
    "due": Petition.next_due_date,
    "ref": Petition.ref,
    "type": Petition.petition_type,
    "status": Petition.status,
    "field": Petition.field_code,
}


def _all_units(session: Session, unit_ids: list[str]) -> bool:
    """Do ``unit_ids`` name every unit of the database (a province office's view)?"""
    every = session.info.get("unit_ids")
    if every is None:
        every = session.info["unit_ids"] = frozenset(session.scalars(select(Unit.id)))
    return every <= set(unit_ids)


def _filtered(session: Session, f: PetitionFilter, *, page: bool = True) -> Select:
    from .search import matches, matching_ids

    conds: list[ColumnElement[bool]] = []
    # Every unit is no restriction at all: the list then reads the date index in order
    # instead of gathering and sorting the rows of each unit.
    if f.unit_ids is not None and not _all_units(session, f.unit_ids):
        conds.append(Petition.unit_id.in_(f.unit_ids))
    if f.types:
        conds.append(Petition.petition_type.in_(f.types))
    if f.fields:
        conds.append(Petition.field_code.in_(f.fields))
    if f.statuses:
        conds.append(Petition.status.in_(f.statuses))
    if f.open_only:
        conds.append(Petition.status.in_([str(s) for s in OPEN_STATUSES]))
    if f.official_id:
        conds.append(Petition.assigned_official_id == f.official_id)
    if f.received_from:
        conds.append(Petition.received_date >= f.received_from)
    if f.received_to:
        conds.append(Petition.received_date <= f.received_to)
    if f.overdue_on is not None:
        limit = f.overdue_on + timedelta(days=f.due_within or 0)
        op = Petition.next_due_date <= limit if f.due_within else Petition.next_due_date < limit
        conds.append(and_(Petition.next_due_date.is_not(None), op))
    if f.hot:
        conds.append(or_(Petition.is_delegation, Petition.long_running, Petition.beyond_level,
                         Petition.many_signers))
    stmt = select(Petition).where(*conds)
    if f.query.strip():
        if page:  # one page in list order: check each row read against the matches
            match = matches(session, f.query, "petition", Petition.id)
            if match is not None:
                stmt = stmt.where(match)
        else:  # a count: start from the matches
            ids = matching_ids(session, f.query, "petition")
            if ids is not None:
                stmt = stmt.where(Petition.id.in_(ids))
    return stmt


def list_petitions(
    session: Session,
    f: PetitionFilter | None = None,
    sort: str = "received",
    descending: bool = True,
    offset: int = 0,
    limit: int = 100,
) -> list[Petition]:
    """One page of petitions; the list never loads every row."""
    f = f or PetitionFilter()
    column = SORTS.get(sort, Petition.received_date)
    order = column.desc() if descending else column.asc()
    if sort == "due":
        stmt = _filtered(session, f).order_by(column.is_(None), order, Petition.id)
    else:
        stmt = _filtered(session, f).order_by(order, Petition.id)
    stmt = stmt.options(selectinload(Petition.petitioners))
    return list(session.scalars(stmt.offset(offset).limit(limit)))


def count_petitions(session: Session, f: PetitionFilter | None = None) -> int:
    stmt = _filtered(session, f or PetitionFilter(), page=False).with_only_columns(
        func.count(Petition.id))
    return session.scalar(stmt) or 0


def count_open_cases(session: Session, unit_id: str) -> int:
    """How many of the unit's own petitions are still open (what a transfer to its
    successor would move)."""
    return session.scalar(select(func.count(Petition.id)).where(
        Petition.unit_id == unit_id,
        Petition.status.in_([str(s) for s in OPEN_STATUSES]))) or 0


def transfer_open_cases(session: Session, unit_id: str, on: date,
                        official_id: str | None = None) -> int:
    """Pass a dissolved unit's open petitions to its successor, each with a history step
    saying so (two-tier local government from 1/7/2025). Returns how many moved; nothing
    is written if the unit is not dissolved or has no successor."""
    require(session, STEP_PERMISSIONS["edit"])
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError(_("The unit no longer exists."))
    successor = units.successor_of(session, unit)
    if unit.dissolved_on is None or successor is None:
        raise ValidationError.single("successor_code", _(
            "{unit} is not dissolved with a successor: its cases stay with it.").format(
                unit=unit.name))
    moved = 0
    stmt = (select(Petition).where(Petition.unit_id == unit.id,
                                   Petition.status.in_([str(s) for s in OPEN_STATUSES]))
            .options(selectinload(Petition.petitioners), selectinload(Petition.extensions)))
    for p in list(session.scalars(stmt)):
        note = _("Transferred from {old} to {new}: {old} was dissolved on {date}").format(
            old=unit.name, new=successor.name, date=unit.dissolved_on.isoformat())
        # the petitioners and extensions follow the petition; its history stays as it was
        # recorded (events are append-only)
        owned: list[Petitioner | DeadlineExtension] = [*p.petitioners, *p.extensions]
        for record in owned:
            record.unit_id = successor.id
        p.unit_id = successor.id
        _add_event(session, p, EventKind.NOTE, max(on, p.received_date), None, None,
                   official_id, note)
        moved += 1
    session.info.pop("deadlines", None)  # the successor's flags select the limits now
    calc = Deadlines.of(session)
    for p in session.scalars(select(Petition).where(
            Petition.unit_id == successor.id,
            Petition.status.in_([str(s) for s in OPEN_STATUSES]))):
        calc.refresh(p)
    session.flush()
    return moved


@refuses_stale(Petition, "petition_id")
def split_petition(
    session: Session, petition_id: str, parts: list[str], on: date,
    official_id: str | None = None, today: date | None = None, *,
    expected_version: int | None = None,
) -> list[Petition]:
    """Split a classified mixed petition into one petition per content (a complaint, a
    denunciation, …), each handled by its own law and counting its limits from the day
    the paper was received; the paper itself is archived with a note naming the parts
    (``rules.competence``: a mixed petition is not accepted as one)."""
    require(session, STEP_PERMISSIONS["archive"])
    today = today or date.today()
    p = get_petition(session, petition_id)
    check_version(session, p, expected_version)
    if p.petition_type != PetitionType.MIXED:
        raise ValidationError.single("petition_type", _(
            "Only a petition with mixed content is split into its contents."))
    ck = Checker()
    kinds = [str(t) for t in PetitionType if t != PetitionType.MIXED]
    if len(parts) < 2 or len(set(parts)) != len(parts) or any(x not in kinds for x in parts):
        ck.add("parts", _("Choose at least two different contents to split into."))
    ck.raise_if_any()
    if not lifecycle.can(p.status, "archive"):
        raise _refuse(p, "archive")
    made = []
    for kind in parts:
        made.append(register_petition(session, p.unit_id, PetitionInput(
            received_date=p.received_date, petition_type=kind, content=p.content,
            source_code=p.source_code, field_code=p.field_code,
            forwarded_from=p.forwarded_from, signers=p.signers or 1, visit_id=p.visit_id,
            anonymous=bool(p.anonymous),
            petitioners=[PetitionerInput(x.full_name, x.id_number, x.address, x.phone,
                                         x.citizen_id) for x in p.petitioners],
        ), official_id, today=today))
    ref = p.ref or p.id[:8]
    for q in made:
        _add_event(session, q, EventKind.LINK, max(on, q.received_date), None, None,
                   official_id, _("Split from mixed petition {ref}").format(ref=ref))
    note = _("Split into its contents: {parts}").format(
        parts=", ".join(label(PetitionType, k) for k in parts))
    decide_handling(session, p.id, "archive", on, official_id, note=note, today=today)
    return made
