"""What minutes print, as facts read from the records: the people present, the visits,
the officials, and the frozen content of a printed version (:func:`snapshot`, whose
fingerprint ``services.minutes`` keeps for each version). :mod:`.minutes` lays them out.

A denouncer's identity is confidential (DESIGN §4): the facts carry which visits a
reader not cleared sees redacted, and :func:`gather` applies the reader's shield.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..i18n import _
from ..model import (
    Citizen,
    Minutes,
    Official,
    Petition,
    Unit,
    Visit,
    VisitAttendee,
    WorkingMeeting,
)
from ..model.codes import (
    PetitionType,
    SessionKind,
    SessionMode,
)
from ..services import protection
from ..services.minutes_subjects import subject_record
from ..services.reception import split_names
from ..services.units import get_unit
from .layout import (
    Signature,
    personal_signature,
    redacted,
)

PLACEHOLDER = "……………"

#: the office's copy: every citizen present and every signature
OFFICE_COPY = "office"
#: the citizens' signature pages: one for each citizen who signs, with only them on it
CITIZEN_PAGES = "citizens"
COPIES = (OFFICE_COPY, CITIZEN_PAGES)


@dataclass
class Person:
    """A citizen as printed: every identifying detail, or the redaction."""

    name: str
    birth_year: int | None = None
    id_number: str | None = None
    address: str = ""
    confidential: bool = False
    #: from the citizens directory (its details are printed, blanks left to fill in)
    listed: bool = True
    #: never printed; blotted out of the other citizens' signature pages
    phone: str = ""

    @classmethod
    def of(cls, citizen: Citizen, confidential: bool) -> Person:
        if confidential:
            return cls(redacted(), confidential=True)
        return cls(citizen.full_name, citizen.birth_year, citizen.id_number, citizen.address,
                   phone=citizen.phone or "")

    def identifying(self) -> list[str]:
        """What tells this person apart, to be kept off the other citizens' pages."""
        if self.confidential or not self.listed:
            return [self.name] if self.name and not self.confidential else []
        return [v for v in (self.name, self.id_number, self.address, self.phone) if v]

    def describe(self) -> str:
        if self.confidential:
            return redacted()
        if not self.listed:
            return self.name
        return _("{name}, born {year}, ID number {id_number}, address: {address}").format(
            name=self.name,
            year=self.birth_year or PLACEHOLDER,
            id_number=self.id_number or PLACEHOLDER,
            address=self.address or PLACEHOLDER,
        )


@dataclass
class VisitFacts:
    """What the minutes say about one visit."""

    seq: int
    people: list[Person]
    delegation: bool
    head_count: int
    representatives: list[Person]
    content: str
    direction: str
    petition_type: str | None
    previously_handled_by: str
    handling: str
    follow_up: str
    confidential: bool

    def who(self) -> str:
        if self.delegation:
            return _("The delegation of {count} people").format(count=self.head_count)
        if self.confidential:
            return redacted()
        names = [p.name for p in self.people]
        return ", ".join(names) if names else _("The citizen")

    def signers(self) -> list[Signature]:
        if self.delegation:
            reps = self.representatives or [Person("", listed=False)]
            return [personal_signature(_("Citizens' representative"), r.name) for r in reps]
        people = self.people or [Person("", listed=False)]
        return [personal_signature(_("Citizen"), p.name) for p in people]


@dataclass
class PrintedOfficial:
    """An official as the minutes print them."""

    name: str
    position: str = ""

    def describe(self) -> str:
        if not self.name:
            return PLACEHOLDER
        return f"{self.name} – {self.position}" if self.position else self.name


class NumberedMinutes(Protocol):
    """The minutes an addendum corrects, as it names them."""

    @property
    def number(self) -> str: ...


class MinutesRecord(NumberedMinutes, Protocol):
    """What the print reads of the minutes: the record, or what a printed version kept."""

    @property
    def copies(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


@dataclass
class MinutesFacts:
    """Everything the minutes print, gathered from the records."""

    unit: Unit
    minutes: MinutesRecord
    kind: str  # MinutesSubject
    on: date
    place: str
    start: time | None = None
    end: time | None = None
    mode: str = SessionMode.IN_PERSON
    session_kind: str = SessionKind.REGULAR
    presiding: PrintedOfficial = field(default_factory=lambda: PrintedOfficial(""))
    recorder: PrintedOfficial = field(default_factory=lambda: PrintedOfficial(""))
    visits: list[VisitFacts] = field(default_factory=list)
    participants: str = ""
    content: str = ""
    conclusions: str = ""
    original: NumberedMinutes | None = None  # set for an addendum
    #: the minutes' own text ("other matters"), as the reader may see it
    text: str | None = None

    @property
    def shown_text(self) -> str:
        return self.minutes.text if self.text is None else self.text


def _official(official: Official | None, fallback_name: str = "") -> PrintedOfficial:
    if official is not None:
        return PrintedOfficial(official.full_name, official.position)
    return PrintedOfficial(fallback_name or "")


def _denounced_visit_ids(session: Session, visit_ids: list[str]) -> set[str]:
    if not visit_ids:
        return set()
    return set(session.scalars(
        select(Petition.visit_id).where(
            Petition.visit_id.in_(visit_ids),
            Petition.petition_type == PetitionType.DENUNCIATION,
        )
    ))


def _visit_facts(v: Visit, confidential: bool) -> VisitFacts:
    citizens = [a.citizen for a in v.attendees if a.citizen is not None]
    if v.citizen is not None and all(c.id != v.citizen.id for c in citizens):
        citizens.insert(0, v.citizen)
    people = [Person.of(c, confidential) for c in citizens]
    reps: list[Person] = []
    if v.is_delegation:
        reps = list(people)
        known = {p.name for p in people}
        for name in split_names(v.representatives):
            if name not in known:
                reps.append(Person(redacted() if confidential else name,
                                   confidential=confidential, listed=False))
    return VisitFacts(
        seq=v.seq,
        people=people,
        delegation=v.is_delegation,
        head_count=v.head_count or 1,
        representatives=reps,
        content=v.content,
        direction=v.direction,
        petition_type=v.petition_type,
        previously_handled_by=v.previously_handled_by,
        handling=v.handling,
        follow_up=v.follow_up,
        confidential=confidential,
    )


def gather(session: Session, m: Minutes, cleared: bool = False,
           shield: protection.Shield | None = None) -> MinutesFacts:
    """The facts printed in the minutes ``m`` (an addendum prints its subject's parties),
    as ``shield`` (by default the acting user's) lets the reader see them."""
    if shield is None:
        shield = protection.shield(session, cleared=cleared and protection.identity_visible())
    return _shielded(_gather(session, m, shield.cleared, shield), shield)


def _shielded(f: MinutesFacts, shield: protection.Shield) -> MinutesFacts:
    """The facts with every protected person blotted out of their free text."""
    if shield.empty:
        return f
    f.participants, f.content, f.conclusions = (
        shield.text(f.participants), shield.text(f.content), shield.text(f.conclusions))
    f.text = shield.text(f.minutes.text)
    for v in f.visits:
        v.content, v.direction = shield.text(v.content), shield.text(v.direction)
        v.previously_handled_by = shield.text(v.previously_handled_by)
        v.follow_up = shield.text(v.follow_up)
    return f


def _gather(session: Session, m: Minutes, cleared: bool,
            shield: protection.Shield, audit: bool = True) -> MinutesFacts:
    record, kind = subject_record(session, m.subject_kind, m.subject_id)
    unit = get_unit(session, record.unit_id)
    original = session.get(Minutes, m.addendum_of_id) if m.addendum_of_id else None
    if isinstance(record, WorkingMeeting):
        return MinutesFacts(
            unit=unit, minutes=m, kind=kind, on=record.meeting_date,
            place=record.place, presiding=_official(record.chaired_by, record.chaired_by_name),
            participants=record.participants, content=record.content,
            conclusions=record.conclusions, original=original,
        )
    if isinstance(record, Visit):
        rs = record.session
        visits = [record]
    else:
        rs = record
        visits = list(session.scalars(
            select(Visit).where(Visit.session_id == rs.id).order_by(Visit.seq, Visit.id)
            .options(selectinload(Visit.attendees).selectinload(VisitAttendee.citizen),
                     selectinload(Visit.citizen))
        ))
    denounced = _denounced_visit_ids(session, [v.id for v in visits])
    if cleared and audit:
        protection.note_identity_views(session, "visit", visits, "minutes", denounced)
    if not cleared:  # a protected person at any visit of the session
        denounced |= {v.id for v in visits if any(
            shield.person(c.full_name, c.id_number, c.phone).hidden
            for c in [v.citizen, *(a.citizen for a in v.attendees)] if c is not None)}
        ids = {c for v in visits for c in [v.citizen_id, *(a.citizen_id for a in v.attendees)]
               if c}
        citizens = protection.protected_citizen_ids(session, ids)
        denounced |= {v.id for v in visits
                      if {v.citizen_id, *(a.citizen_id for a in v.attendees)} & citizens}
    facts = [
        _visit_facts(v, not cleared and (v.petition_type == PetitionType.DENUNCIATION
                                         or v.id in denounced))
        for v in visits
    ]
    return MinutesFacts(
        unit=unit, minutes=m, kind=kind, on=rs.session_date, place=rs.place,
        start=rs.start_time, end=rs.end_time, mode=rs.mode, session_kind=rs.kind,
        presiding=_official(rs.presiding_official, rs.presiding_name),
        recorder=_official(rs.recorder_official), visits=facts, original=original,
    )


# --- the frozen content of a printed version ---------------------------------------------

#: the layout of the content kept with a printed version (raise when it changes)
SNAPSHOT_FORMAT = 1


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _person_data(p: Person) -> dict:
    return {"name": p.name, "birth_year": p.birth_year, "id_number": p.id_number,
            "address": p.address, "listed": p.listed}


def snapshot(session: Session, m: Minutes) -> dict:
    """Everything the minutes print, as plain data (JSON): what a printed version freezes
    and its fingerprint is made from. Identities are kept whole (the database holds them
    anyway); which visits a reader not cleared sees redacted is kept with them."""
    raw = _gather(session, m, True, protection.Shield(True), audit=False)
    plain = _gather(session, m, False, protection.shield(session, cleared=False),
                    audit=False)
    hidden = [v.confidential for v in plain.visits]
    return {
        "format": SNAPSHOT_FORMAT,
        "unit": raw.unit.name,
        "number": m.number,
        "copies": m.copies or 2,
        "text": m.text or "",
        "made_on": m.created_at.date().isoformat() if m.created_at else None,
        "original_number": raw.original.number if raw.original is not None else None,
        "kind": str(raw.kind),
        "on": _iso(raw.on),
        "place": raw.place or "",
        "start": _iso(raw.start),
        "end": _iso(raw.end),
        "mode": str(raw.mode),
        "session_kind": str(raw.session_kind),
        "presiding": [raw.presiding.name, raw.presiding.position],
        "recorder": [raw.recorder.name, raw.recorder.position],
        "participants": raw.participants or "",
        "content": raw.content or "",
        "conclusions": raw.conclusions or "",
        "visits": [{
            "seq": v.seq,
            "people": [_person_data(p) for p in v.people],
            "delegation": v.delegation,
            "head_count": v.head_count,
            "representatives": [_person_data(p) for p in v.representatives],
            "content": v.content or "",
            "direction": v.direction or "",
            "petition_type": v.petition_type,
            "previously_handled_by": v.previously_handled_by or "",
            "handling": v.handling,
            "follow_up": v.follow_up or "",
            "confidential": bool(hidden[i]) if i < len(hidden) else True,
        } for i, v in enumerate(raw.visits)],
    }


def _frozen_person(data: dict, confidential: bool) -> Person:
    if confidential:
        return Person(redacted(), confidential=True, listed=data.get("listed", True))
    return Person(data["name"], data.get("birth_year"), data.get("id_number"),
                  data.get("address") or "", listed=data.get("listed", True))


def facts_from_snapshot(data: dict, unit: Unit, cleared: bool) -> MinutesFacts:
    """The facts of a printed version, from its frozen content: a reprint of signed
    minutes says what was signed, whatever changed since. A reader not cleared sees the
    denouncers' identities redacted, as when the minutes were printed."""
    from datetime import date as _date
    from datetime import datetime as _datetime
    from datetime import time as _time
    from types import SimpleNamespace

    def day(value):
        return _date.fromisoformat(value) if value else None

    def clock_of(value):
        return _time.fromisoformat(value) if value else None

    made_on = day(data.get("made_on")) or _date.today()
    minutes = SimpleNamespace(number=data["number"], copies=data["copies"],
                              text=data["text"],
                              created_at=_datetime.combine(made_on, _time()))
    original = (SimpleNamespace(number=data["original_number"])
                if data.get("original_number") is not None else None)
    visits = []
    for v in data["visits"]:
        hide = bool(v["confidential"]) and not cleared
        visits.append(VisitFacts(
            seq=v["seq"],
            people=[_frozen_person(p, hide) for p in v["people"]],
            delegation=v["delegation"], head_count=v["head_count"],
            representatives=[_frozen_person(p, hide) for p in v["representatives"]],
            content=v["content"], direction=v["direction"],
            petition_type=v["petition_type"],
            previously_handled_by=v["previously_handled_by"], handling=v["handling"],
            follow_up=v["follow_up"], confidential=hide,
        ))
    return MinutesFacts(
        unit=unit, minutes=minutes, kind=data["kind"], on=day(data["on"]),
        place=data["place"], start=clock_of(data["start"]), end=clock_of(data["end"]),
        mode=data["mode"], session_kind=data["session_kind"],
        presiding=PrintedOfficial(*data["presiding"]),
        recorder=PrintedOfficial(*data["recorder"]),
        visits=visits, participants=data["participants"], content=data["content"],
        conclusions=data["conclusions"], original=original, text=data["text"],
    )
