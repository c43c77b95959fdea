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

import threading
from collections.abc import Iterable

from sqlalchemy import and_, event, insert, literal, or_, select, union, update
from sqlalchemy.orm import Session

from ..i18n import _
from ..model import Citizen, Petition, Petitioner, ProtectedCitizen, Visit, VisitAttendee
from ..model.base import utcnow
from ..model.codes import PetitionType
from . import audit
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


def note_identity_views(session: Session, kind: str, records: Iterable[object], where: str,
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
    if not is_cleared(user):
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


def protected_citizen_ids(session: Session, citizen_ids: Iterable[str]) -> set[str]:
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
    return denounced
