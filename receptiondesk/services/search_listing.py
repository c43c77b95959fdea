"""The records behind global search hits, loaded in one query per kind, ready to list
(the GUI's "Search everywhere" dialog).

A denouncer's identity is confidential (Denunciations Law art. 9, DESIGN §4): for a
denunciation (a petition, or a visit that brought one) the names are left out and
``protected`` is set, so that no list can show them by mistake — unless the acting
user is cleared for it (then the names are there, and the view is audited).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..model import Citizen, Petition, Visit
from .protection import denounced_visit_ids, identity_visible, note_identity_views
from .search import KINDS, search


@dataclass(frozen=True)
class ListedHit:
    kind: str  # "citizen", "visit" or "petition"
    record_id: str
    names: list[str] = field(default_factory=list)  # empty when protected
    protected: bool = False
    ref: str = ""
    when: date | None = None
    birth_year: int | None = None
    id_number: str = ""
    address: str = ""
    content: str = ""
    head_count: int = 1
    is_delegation: bool = False


def _citizen(c: Citizen) -> ListedHit:
    return ListedHit("citizen", c.id, names=[c.full_name], birth_year=c.birth_year,
                     id_number=c.id_number or "", address=c.address)


def _visit(v: Visit, denounced: bool = False) -> ListedHit:
    protected = not identity_visible(v, protected=denounced or None)
    names: list[str] = []
    if not protected:
        if v.citizen is not None:
            names = [v.citizen.full_name]
        elif v.representatives:
            names = [v.representatives]
    return ListedHit("visit", v.id, names=names, protected=protected, when=v.visit_date,
                     content=v.content, head_count=v.head_count, is_delegation=v.is_delegation)


def _petition(p: Petition) -> ListedHit:
    protected = not identity_visible(p)
    names = [] if protected else [x.full_name for x in p.petitioners]
    return ListedHit("petition", p.id, names=names, protected=protected, ref=p.ref,
                     when=p.received_date, content=p.content, head_count=p.signers or 1)


def list_hits(
    session: Session, query: str, unit_ids: list[str] | None = None, limit: int = 50
) -> list[ListedHit]:
    """Up to ``limit`` hits per kind, in the search's order: citizens, visits, petitions."""
    hits = search(session, query, unit_ids=unit_ids, limit=limit)
    wanted = {kind: [h.record_id for h in hits if h.kind == kind] for kind in KINDS}
    loaded: dict[str, ListedHit] = {}
    if wanted["citizen"]:
        for c in session.scalars(select(Citizen).where(
                Citizen.id.in_(wanted["citizen"]), Citizen.merged_into_id.is_(None))):
            loaded[c.id] = _citizen(c)
    if wanted["visit"]:
        visits = list(session.scalars(select(Visit).where(Visit.id.in_(wanted["visit"]))
                                      .options(selectinload(Visit.citizen))))
        denounced = denounced_visit_ids(session, [v.id for v in visits])
        for v in visits:
            loaded[v.id] = _visit(v, v.id in denounced)
        note_identity_views(session, "visit", visits, "search", denounced)
    if wanted["petition"]:
        petitions = list(session.scalars(select(Petition).where(
            Petition.id.in_(wanted["petition"])).options(selectinload(Petition.petitioners))))
        for p in petitions:
            loaded[p.id] = _petition(p)
        note_identity_views(session, "petition", petitions, "search")
    return [loaded[h.record_id] for h in hits if h.record_id in loaded]
