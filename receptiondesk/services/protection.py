"""Denouncer protection (Denunciations Law art. 9 and 56, Decision 774/QĐ-TTg, DESIGN §4).

The identity of a denunciation's petitioners — name, address, ID number, phone,
their handwriting scans — is shown only to an acting user whose role is cleared
(:data:`receptiondesk.services.accounts.CLEARED_ROLES`). Every other view, list,
search result, print, export and report shows :func:`redacted` instead, and
every view by a cleared user is written to the audit log (``identity_view``).

:func:`identity_visible` is the one test every output asks. A subject is
protected when it is a denunciation: a petition of that type, a visit recorded
as one or that brought one, a citizen linked to one (:class:`ProtectedCitizen`,
kept by :func:`protect_petition` and :func:`protect_visit`). Protected citizens
are left out of the directory and of search for users not cleared, and the
shared search index never holds a denouncer's name (see ``indexing``): cleared
users reach the identity through the record views, each view audited.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Row, and_, event, func, insert, literal, or_, select, union, update
from sqlalchemy.orm import Session

from ..i18n import _
from ..model import Citizen, Petition, Petitioner, ProtectedCitizen, Visit, VisitAttendee
from ..model.base import utcnow
from ..model.codes import PetitionType
from ..text import fold, fold_aligned, fold_char
from . import audit, sealing
from .accounts import current_user, is_cleared

DENUNCIATION = PetitionType.DENUNCIATION.value


def redacted() -> str:
    """What stands in for a denouncer's identity."""
    return _("(confidential)")


def is_protected(subject: object) -> bool:
    """Whether ``subject`` carries a denouncer's identity: a petition type (str), a
    Petition, a Visit, or anything with a ``protected`` flag. None: yes (unknown)."""
    if subject is None:
        return True
    if isinstance(subject, str):
        return subject == DENUNCIATION
    flag = getattr(subject, "protected", None)
    if isinstance(flag, bool):
        return flag
    return getattr(subject, "petition_type", None) == DENUNCIATION


def identity_visible(subject: object = None, *, protected: bool | None = None) -> bool:
    """Whether the acting user may see the identity of ``subject``'s people: always for
    what is not a denunciation; for a denunciation only when a cleared role is acting.
    ``protected`` overrides the test of ``subject`` (a visit known to have brought a
    denunciation petition, a protected citizen)."""
    hidden = protected if protected is not None else is_protected(subject)
    return not hidden or is_cleared()


# --- the identity views, audited ----------------------------------------------------------


#: printed documents: every print of a denouncer's identity is written down (a copy left
#: the system); what is shown on screen is written once per record and sign-in
PRINTS = frozenset({"minutes", "logbook", "slip", "receipt"})

#: (sign-in, record kind, record id) already audited as seen in this process
_seen: set[tuple[str, str, str]] = set()
_seen_lock = threading.Lock()
#: the views a unit of work writes, remembered as seen once it is committed
SEEN_PENDING = "identity_views_pending"


def record_identity_view(session: Session, kind: str, record_id: str,
                         unit_id: str | None, where: str) -> None:
    """Audit that the acting (cleared) user is being shown a protected identity."""
    note_identity_views_of(session, kind, [(record_id, unit_id)], where)


class _Record(Protocol):
    @property
    def id(self) -> str: ...


def note_identity_views(session: Session, kind: str, records: Iterable[_Record], where: str,
                        protected_ids: set[str] | None = None) -> None:
    """Audit, in one go, the protected records of a list shown to a cleared user."""
    if not is_cleared():
        return
    note_identity_views_of(session, kind, [
        (r.id, getattr(r, "unit_id", None)) for r in records
        if is_protected(r) or (protected_ids is not None and r.id in protected_ids)], where)


def note_identity_views_of(session: Session, kind: str,
                           records: Iterable[tuple[str, str | None]], where: str) -> None:
    """Audit that the acting user (cleared) sees the identity of these (id, unit id)
    records: once per record and sign-in on screen (a list shown again, a detail opened
    twice, add nothing: the log says what a person saw, not how often the screen was
    drawn), every time in a print."""
    user = current_user()
    if user is None or not is_cleared(user):
        return
    once = where not in PRINTS
    keys: dict[tuple[str, str, str], str | None] = {}
    for record_id, unit_id in records:
        keys.setdefault((user.sign_in_id, kind, record_id), unit_id)
    if once:
        pending = session.info.setdefault(SEEN_PENDING, set())
        with _seen_lock:
            keys = {k: u for k, u in keys.items() if k not in _seen and k not in pending}
        if not keys:
            return
        pending.update(keys)
        if not event.contains(session, "after_commit", _remember_seen):
            event.listen(session, "after_commit", _remember_seen)
            event.listen(session, "after_rollback", _forget_pending)
    audit.record_many(session, [("identity_view", kind, record_id, unit_id, {"where": where})
                                for (_sign_in, _kind, record_id), unit_id in keys.items()])


def _remember_seen(session: Session) -> None:
    """The entries are written: the views they record are not written again."""
    pending = session.info.pop(SEEN_PENDING, set())
    with _seen_lock:
        _seen.update(pending)


def _forget_pending(session: Session) -> None:
    session.info.pop(SEEN_PENDING, None)  # not written: a later view is audited again


# --- which records are protected ----------------------------------------------------------


def denounced_visit_ids(session: Session, visit_ids: list[str]) -> set[str]:
    """The visits (of ``visit_ids``) recorded as a denunciation or that brought one."""
    if not visit_ids:
        return set()
    found = set(session.scalars(select(Visit.id).where(
        Visit.id.in_(visit_ids), Visit.petition_type == DENUNCIATION)))
    rest = [v for v in visit_ids if v not in found]
    if rest:
        found |= set(session.scalars(select(Petition.visit_id).where(
            Petition.visit_id.in_(rest), Petition.petition_type == DENUNCIATION)))
    return found


def visit_is_denounced(session: Session, v: Visit) -> bool:
    if v.petition_type == DENUNCIATION:
        return True
    if v.id is None:
        return False
    return session.scalar(select(Petition.id).where(
        Petition.visit_id == v.id, Petition.petition_type == DENUNCIATION).limit(1)) is not None


def _schema_ready(session: Session) -> bool:
    return audit.schema_ready(session)


def petitioners_protected(session: Session, p: Petition) -> bool:
    """Whether a petition of any type is a protected person's: a petitioner is a protected
    citizen, or bears a protected person's name, ID number or phone (their ordinary
    complaint, whose scans show their handwriting too)."""
    if protected_citizen_ids(session, [x.citizen_id for x in p.petitioners if x.citizen_id]):
        return True
    blot = shield(session, cleared=False)
    return any(blot.names_protected(x.full_name, x.id_number, x.phone) for x in p.petitioners)


def protected_citizen_ids(session: Session, citizen_ids: Iterable[str | None]) -> set[str]:
    ids = [c for c in citizen_ids if c]
    if not ids or not _schema_ready(session):
        return set()
    return set(session.scalars(select(ProtectedCitizen.citizen_id).where(
        ProtectedCitizen.citizen_id.in_(ids))))


def citizen_filter(session: Session):
    """A WHERE clause hiding protected citizens from a user not cleared (None: no filter)."""
    if is_cleared() or not _schema_ready(session):
        return None
    return Citizen.id.not_in(select(ProtectedCitizen.citizen_id))


def _protect_citizens(session: Session, citizen_ids: Iterable[str]) -> None:
    ids = {c for c in citizen_ids if c}
    if not ids or not _schema_ready(session):
        return
    already = protected_citizen_ids(session, ids)
    for citizen_id in sorted(ids - already):
        session.add(ProtectedCitizen(citizen_id=citizen_id, since=utcnow()))
    session.flush()


def _visit_citizen_ids(v: Visit) -> set[str]:
    ids = {a.citizen_id for a in v.attendees}
    if v.citizen_id:
        ids.add(v.citizen_id)
    return ids


def protect_visit(session: Session, v: Visit) -> None:
    """After a visit is saved: if it is a denunciation, protect its citizens."""
    if visit_is_denounced(session, v):
        _protect_citizens(session, _visit_citizen_ids(v))


def protect_petition(session: Session, p: Petition) -> None:
    """After a petition is saved: if it is a denunciation, protect its petitioners'
    citizens, and the citizens of the visit that brought it — whose names then leave
    the visit's indexed text."""
    if p.petition_type != DENUNCIATION:
        return
    ids = {x.citizen_id for x in p.petitioners if x.citizen_id}
    if p.visit_id:
        from .reception import get_visit, refresh_search_text

        v = get_visit(session, p.visit_id)
        ids |= _visit_citizen_ids(v)
        refresh_search_text(session, v)
    _protect_citizens(session, ids)


def protect_all(bind) -> int:
    """Protect every citizen linked to a denunciation and take the names out of the
    indexed text of visits that brought one, set-wise (a Session or a Connection: the
    migration, and databases written in bulk such as the demo). Returns the number of
    citizens newly protected."""
    from .indexing import visit_search_text

    den_visits = union(
        select(Visit.id).where(Visit.petition_type == DENUNCIATION),
        select(Petition.visit_id).where(Petition.petition_type == DENUNCIATION,
                                        Petition.visit_id.is_not(None)),
    ).subquery()
    linked = union(
        select(Petitioner.citizen_id.label("cid")).join(
            Petition, Petitioner.petition_id == Petition.id).where(
            Petition.petition_type == DENUNCIATION, Petitioner.citizen_id.is_not(None)),
        select(Visit.citizen_id).where(Visit.id.in_(select(den_visits.c[0])),
                                       Visit.citizen_id.is_not(None)),
        select(VisitAttendee.citizen_id).where(
            VisitAttendee.visit_id.in_(select(den_visits.c[0]))),
    ).subquery()
    new = select(linked.c.cid, literal(utcnow())).where(
        linked.c.cid.not_in(select(ProtectedCitizen.citizen_id)))
    count = bind.execute(insert(ProtectedCitizen).from_select(["citizen_id", "since"], new)
                         ).rowcount or 0
    # Visits typed otherwise that brought a denunciation petition: names out of the index.
    rows = bind.execute(select(Visit.id, Visit.content, Visit.search_text).where(
        Visit.id.in_(select(Petition.visit_id).where(
            Petition.petition_type == DENUNCIATION, Petition.visit_id.is_not(None))),
        or_(Visit.petition_type.is_(None), Visit.petition_type != DENUNCIATION))).all()
    for visit_id, content, current in rows:
        wanted = visit_search_text(content or "", [])
        if wanted != current:
            bind.execute(update(Visit.__table__).where(
                and_(Visit.__table__.c.id == visit_id)).values(search_text=wanted))
    return count


def visits_shown(session: Session, visits: list[Visit], where: str) -> set[str]:
    """For a list of visits about to be shown: the ids of those that are denunciations
    (recorded as one or that brought one), the views audited for a cleared user."""
    denounced = denounced_visit_ids(session, [v.id for v in visits])
    note_identity_views(session, "visit", visits, where, denounced)
    if not is_cleared():  # a protected person's other visits: their citizen hidden too
        citizens = protected_citizen_ids(session, [v.citizen_id for v in visits])
        denounced |= {v.id for v in visits if v.citizen_id in citizens}
    return denounced


# --- the one protection: what a viewer may see of a person and of a text ----------------
#
# A denouncer's name, ID number or phone typed into the content or notes of any record
# (the denunciation's own or another petition's) identifies them as surely as the
# structured fields. :class:`Shield` holds every protected person's name, ID number and
# phone (the petitioners of denunciations, and every protected citizen) and blots them
# out of any text and any person shown to a viewer not cleared. Names are matched as
# whole words with accents, case and punctuation ignored ("hoang van bi" finds "Hoàng Văn
# Bí"); numbers as digit runs whatever their separators ("0912.345.678"), a phone with or
# without its leading 0 or +84.

#: shortest name (in words) and number (in digits) looked for in free text: a single
#: given name or a short number would blot half of every text
MIN_NAME_WORDS = 2
MIN_DIGITS = 8

_WORD = re.compile(r"[^\W_]+")
_DIGIT_RUN = re.compile(r"\d(?:[ .\-]?\d)*")
_SEPARATOR = re.compile(r"[ .\-]")
_NOT_DIGIT = re.compile(r"[^0-9]+")


def _digits_core(value: str | None) -> str:
    """The digits of an ID number or phone, a phone's leading 0 or 84 dropped."""
    value = value or ""
    digits = value if value.isascii() and value.isdigit() else _NOT_DIGIT.sub("", value)
    if digits.startswith("84") and len(digits) in (11, 12) and not digits.startswith("840"):
        digits = digits[2:]
    return digits.lstrip("0") if len(digits) in (10, 11) else digits


def name_words(name: str) -> list[str]:
    """The folded words of a name, as the shield matches them."""
    return _WORD.findall(fold(name))


def _is_number(value: str) -> bool:
    """An ID number or a phone (digits and separators), not a name or an address."""
    return _DIGIT_RUN.fullmatch(value.strip().lstrip("+")) is not None


def _folded_with_index(text: str) -> tuple[str, Sequence[int]]:
    """``text`` folded one character at a time, with the index in ``text`` each folded
    character comes from (so that a match in the folded text can be blotted in the
    original)."""
    aligned = fold_aligned(text)
    if aligned is not None:  # the usual case: one folded character for each
        return aligned, range(len(text))
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = fold_char(ch)
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


@dataclass(frozen=True)
class PersonView:
    """What a viewer is shown of one person."""

    name: str
    id_number: str
    phone: str
    address: str
    birth_year: int | None
    hidden: bool


class Shield:
    """What one viewer may see: everything (a cleared viewer), or people and texts with
    every protected person blotted out. Make one with :func:`shield`."""

    def __init__(self, cleared: bool, names: Iterable[str] = (),
                 numbers: Iterable[str] = (), marks: Iterable[str] = ()) -> None:
        self.cleared = cleared
        self._parent: Shield | None = None
        # sealed people (services.sealed_fields): keyed hashes of their folded name, its
        # first two words and their numbers, matched by hashing the text's words
        self._hnames: set[str] = set()
        self._hstarts: set[str] = set()
        self._hnumbers: set[str] = set()
        lengths: set[int] = set()
        for mark in marks:
            kind, _sep, digest = mark.partition(":")
            if kind == "s":
                self._hstarts.add(digest)
            elif kind == "d":
                self._hnumbers.add(digest)
            elif kind.startswith("n") and kind[1:].isdigit():
                self._hnames.add(digest)
                lengths.add(int(kind[1:]))
        self._hname_lengths = sorted(lengths, reverse=True)
        self._hashed: dict[str, str] = {}
        # names as tuples of folded words, looked up by length (longest first)
        self._names: set[tuple[str, ...]] = set()
        for name in names:
            words = tuple(_WORD.findall(fold(name)))
            if len(words) >= MIN_NAME_WORDS:
                self._names.add(words)
        self._name_lengths = sorted({len(n) for n in self._names}, reverse=True)
        self._starts = {n[:MIN_NAME_WORDS] for n in self._names}  # a quick first look
        self._numbers = {n for n in (_digits_core(x) for x in numbers) if len(n) >= MIN_DIGITS}

    def also(self, values: Iterable[str | None]) -> Shield:
        """This shield that also blots ``values`` out (names, addresses, ID numbers,
        phones of the people of one record that leaves without them)."""
        given = [v for v in values if v]
        extra = Shield(self.cleared, [v for v in given if not _is_number(v)],
                       [v for v in given if _is_number(v)])
        extra._parent = self  # the protected people stay blotted out, without a copy
        return extra

    @property
    def empty(self) -> bool:
        return self.cleared or (not (self._names or self._numbers or self._hnames
                                     or self._hnumbers)
                                and (self._parent is None or self._parent.empty))

    def _hash(self, folded: str) -> str | None:
        """The keyed hash of a folded word run or number (None: no index key)."""
        found = self._hashed.get(folded)
        if found is None:
            from .sealed_fields import short_hash

            try:
                found = short_hash(folded)
            except sealing.NotCleared:
                return None
            if len(self._hashed) > 200_000:
                self._hashed.clear()
            self._hashed[folded] = found
        return found

    # -- people --------------------------------------------------------------------------

    def names_protected(self, name: str | None = None, id_number: str | None = None,
                        phone: str | None = None) -> bool:
        """Whether a person is a protected person: by their ID number or phone; by their
        name only when they have no ID number that tells a namesake apart."""
        if self.empty:
            return False
        if any(self._spans(v) for v in (id_number, phone) if v):
            return True
        if len(_digits_core(id_number)) >= MIN_DIGITS:
            return False  # another person of the same name
        return bool(name and self._spans(name))

    def person(self, name: str | None = "", id_number: str | None = "", phone: str | None = "",
               address: str | None = "", birth_year: int | None = None, *,
               protected: bool = False) -> PersonView:
        """What the viewer may see of one person: all of it, or — when the person is
        protected (``protected``, or :meth:`names_protected`) and the viewer is not
        cleared — the name blotted and the rest blank."""
        if self.cleared or not (protected or self.names_protected(name, id_number, phone)):
            return PersonView(name or "", id_number or "", phone or "", address or "",
                              birth_year, False)
        return PersonView(redacted(), "", "", "", None, True)

    # -- texts ---------------------------------------------------------------------------

    def text(self, value: str | None) -> str:
        """``value`` with every protected name, ID number and phone blotted out (for a
        viewer not cleared); None → ""."""
        if not value:
            return value or ""
        if self.empty:
            return value
        spans = self._spans(value)
        if not spans:
            return value
        parts: list[str] = []
        last = 0
        for start, end in spans:
            parts.append(value[last:start])
            parts.append(redacted())
            last = end
        parts.append(value[last:])
        return "".join(parts)

    def _number_in(self, run: str) -> bool:
        """Whether a run of digits and separators holds a protected number: the whole run,
        or some of its groups side by side ("ngày 05 0912 345 678"), never a part of a
        group (a protected phone's digits inside a longer ID number)."""
        groups = _SEPARATOR.split(run)
        for a in range(len(groups)):
            digits = ""
            for b in range(a, len(groups)):
                digits += groups[b]
                core = _digits_core(digits)
                if core in self._numbers:
                    return True
                if self._hnumbers and len(core) >= MIN_DIGITS \
                        and self._hash(core) in self._hnumbers:
                    return True
        return False

    def _name_at(self, words: list[str], i: int) -> int:
        """The length in words of the longest protected name starting at ``words[i]``
        (0: none)."""
        found = 0
        if tuple(words[i:i + MIN_NAME_WORDS]) in self._starts:
            for n in self._name_lengths:
                if i + n <= len(words) and tuple(words[i:i + n]) in self._names:
                    found = n
                    break
        if self._hstarts and i + MIN_NAME_WORDS <= len(words) \
                and self._hash(" ".join(words[i:i + MIN_NAME_WORDS])) in self._hstarts:
            for n in self._hname_lengths:
                if n <= found:
                    break
                if i + n <= len(words) and self._hash(" ".join(words[i:i + n])) in self._hnames:
                    return n
        return found

    def _holds_name(self, words: list[str]) -> bool:
        """Whether the folded ``words`` hold a protected name (a quick first look: no two
        words side by side that begin one, most texts, is told without a Python loop)."""
        if self._starts.isdisjoint(zip(words, words[1:], strict=False)) and not (
                self._hstarts and any(self._hash(f"{a} {b}") in self._hstarts
                                      for a, b in zip(words, words[1:], strict=False))):
            return False
        return any(self._name_at(words, i) for i in range(len(words)))

    def _spans(self, value: str) -> list[tuple[int, int]]:
        """Where protected names and numbers stand in ``value`` (merged, in order)."""
        if self.empty or not value:
            return []
        found: list[tuple[int, int]] = []
        if self._numbers or self._hnumbers:
            for m in _DIGIT_RUN.finditer(value):
                if self._number_in(m.group()):
                    found.append((m.start(), m.end()))
        if (self._names or self._hnames) and self._holds_name(fold(value).split()):
            # only a text holding a whole name is mapped character by character
            folded, where = _folded_with_index(value)
            spans = [(m.start(), m.end()) for m in _WORD.finditer(folded)]
            words = [folded[a:b] for a, b in spans]
            for i in range(len(words)):
                n = self._name_at(words, i)
                if n:
                    start, end = where[spans[i][0]], where[spans[i + n - 1][1] - 1] + 1
                    while end < len(value) and fold_char(value[end]) == "":
                        end += 1  # the accents of the last letter go with it
                    found.append((start, end))
        if self._parent is not None:
            found += self._parent._spans(value)
        found.sort()
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged


def protected_identities(session: Session) -> tuple[list[str], list[str]]:
    """Every protected person's names and numbers (ID numbers, phones): the petitioners of
    denunciations and the protected citizens (sealed ones opened when this process holds
    the private key; see :func:`protected_marks` for the others)."""
    return _protected(session)[:2]


def protected_marks(session: Session) -> list[str]:
    """The keyed hashes standing for the sealed protected people this process cannot open
    (``sealed_fields.marks``)."""
    return _protected(session)[2]


def _protected(session: Session) -> tuple[list[str], list[str], list[str]]:
    names: set[str] = set()
    numbers: set[str] = set()
    marks: set[str] = set()
    ring = sealing.current_keyring()
    rows: Iterable[Row | tuple] = session.execute(
        select(Petitioner.full_name, Petitioner.id_number, Petitioner.phone,
               Petitioner.seal_marks)
        .join(Petition, Petitioner.petition_id == Petition.id)
        .where(Petition.petition_type == DENUNCIATION))
    if _schema_ready(session):
        rows = [*((Petitioner, *r) for r in rows), *((Citizen, *r) for r in session.execute(
            select(Citizen.full_name, Citizen.id_number, Citizen.phone, Citizen.seal_marks)
            .where(Citizen.id.in_(select(ProtectedCitizen.citizen_id)))))]
    else:
        rows = [(Petitioner, *r) for r in rows]
    for model, name, id_number, phone, seal_marks in rows:
        values = [name, id_number, phone]
        if any(sealing.is_sealed(v) for v in values):
            if ring is None or not ring.cleared:
                marks.update((seal_marks or "").split())
                continue
            values = [sealing.open_sealed(v, context=f"{model.__tablename__}.{c}", keyring=ring)
                      if v else v for v, c in zip(values, ("full_name", "id_number", "phone"),
                                                   strict=True)]
        name, id_number, phone = values
        if name:
            names.add(name)
        numbers.update(x for x in (id_number, phone) if x)
    return sorted(names), sorted(numbers), sorted(marks)


# Reading every protected identity takes most of a second on a province's database (tens of
# thousands of denouncers' numbers), too long for each page of a list or each search. The
# shield is kept per database and made again when this process saved a petition, a
# petitioner, a citizen or a protection (the flush hook below), when the protected citizens
# changed anywhere (their count and latest date, read each time: a few milliseconds), and
# at the latest after SHIELD_SECONDS (another PC's denunciation by post, on a shared
# database).
SHIELD_SECONDS = 60.0
_changes = 0
_shields: dict[tuple, tuple[tuple, float, Shield]] = {}
_lock = threading.Lock()


def _bump() -> None:
    global _changes
    with _lock:
        _changes += 1


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context) -> None:
    watched = (Petition, Petitioner, Citizen, ProtectedCitizen)
    if any(isinstance(o, watched) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info["protection_changed"] = True
        _bump()


@event.listens_for(Session, "after_commit")
def _note_commit(session: Session) -> None:
    # again once committed: a shield made meanwhile by another session did not see them
    if session.info.pop("protection_changed", False):
        _bump()


def _stamp(session: Session) -> tuple:
    count, latest = session.execute(
        select(func.count(), func.max(ProtectedCitizen.since))).one() \
        if _schema_ready(session) else (0, None)
    return (_changes, count, latest)


def shield(session: Session, *, cleared: bool | None = None) -> Shield:
    """The one protection for the acting user: pass everything for a cleared role, blot
    protected people out for everyone else (nobody signed in included). ``cleared=False``
    blots them out whoever acts (what leaves the office: bundles, the national export)."""
    if is_cleared() if cleared is None else cleared:
        return Shield(True)
    bind = session.get_bind()
    ring = sealing.current_keyring()
    key = (id(bind), str(getattr(bind, "url", "")), id(ring), ring is not None and ring.cleared)
    stamp = _stamp(session)
    kept = _shields.get(key)
    if kept is not None and kept[0] == stamp and time.monotonic() - kept[1] < SHIELD_SECONDS:
        return kept[2]
    names, numbers, marks = _protected(session)
    made = Shield(False, names, numbers, marks)
    with _lock:
        _shields[key] = (stamp, time.monotonic(), made)
    return made


from . import sealed_fields  # noqa: E402,F401  (the sealing hooks, installed with protection)
