"""Search hits made ready for people, in one module for every caller: the command line's
``search`` and printed results (:func:`describe_hits`: a title, a detail and a date) and
the GUI's "Search everywhere" dialog (:func:`list_hits`: the fields of its rows).

Both load the records behind the hits the same way, in one query per kind
(:func:`_load`): merged citizens are left out (the record kept stands for them), the
denunciations among the visits are found once, and the identities a cleared user sees are
audited once. A denouncer's identity is confidential (Denunciations Law art. 9, DESIGN §4):
for a denunciation (a petition, or a visit that brought one) the names are left out
(``protected`` is set, or the redaction stands in) unless the acting user is cleared.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..i18n import N_, _, format_date
from ..model import Citizen, Petition, Visit
from ..model.codes import PetitionType, Status, label
from .protection import (
    denounced_visit_ids,
    identity_visible,
    note_identity_views,
    redacted,
)
from .search import KINDS, search

__all__ = ["EXCERPT", "KIND_LABELS", "ListedHit", "SearchResult", "describe_hits", "excerpt",
           "list_hits", "petitioner_names", "redacted"]

KIND_LABELS = {"citizen": N_("Citizen"), "visit": N_("Visit"), "petition": N_("Petition")}
EXCERPT = 90


# --- the records behind the hits ----------------------------------------------------------


@dataclass(frozen=True)
class _Loaded:
    kind: str
    record: Citizen | Visit | Petition
    protected: bool  # the acting user may not see the identity of its people


def _load(session: Session, query: str, unit_ids: list[str] | None,
          kinds: tuple[str, ...], limit: int) -> list[_Loaded]:
    """The records behind up to ``limit`` hits per kind, in the search's order."""
    hits = search(session, query, kinds, unit_ids, limit)
    wanted: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for h in hits:
        wanted[h.kind].append(h.record_id)
    loaded: dict[str, _Loaded] = {}
    if wanted["citizen"]:
        for c in session.scalars(select(Citizen).where(
                Citizen.id.in_(wanted["citizen"]), Citizen.merged_into_id.is_(None))):
            loaded[c.id] = _Loaded("citizen", c, False)
    if wanted["visit"]:
        visits = list(session.scalars(select(Visit).where(Visit.id.in_(wanted["visit"]))
                                      .options(selectinload(Visit.citizen))))
        denounced = denounced_visit_ids(session, [v.id for v in visits])
        for v in visits:
            loaded[v.id] = _Loaded("visit", v, not identity_visible(
                v, protected=(v.id in denounced) or None))
        note_identity_views(session, "visit", visits, "search", denounced)
    if wanted["petition"]:
        petitions = list(session.scalars(select(Petition).where(
            Petition.id.in_(wanted["petition"])).options(selectinload(Petition.petitioners))))
        for p in petitions:
            loaded[p.id] = _Loaded("petition", p, not identity_visible(p))
        note_identity_views(session, "petition", petitions, "search")
    return [loaded[h.record_id] for h in hits if h.record_id in loaded]


# --- for the command line and printed results ---------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    kind: str
    record_id: str
    title: str
    detail: str
    date: str = ""

    @property
    def kind_label(self) -> str:
        return _(KIND_LABELS[self.kind])

    def as_dict(self) -> dict:
        return asdict(self) | {"kind_label": self.kind_label}


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def petitioner_names(p: Petition) -> str:
    """The petitioners' names, or the redaction when the acting user may not see them."""
    if not identity_visible(p):
        return redacted()
    if p.anonymous and not p.petitioners:
        return _("(anonymous)")
    return ", ".join(x.full_name for x in p.petitioners)


def _described(item: _Loaded) -> SearchResult:
    r = item.record
    if isinstance(r, Citizen):
        detail = ", ".join(x for x in (
            str(r.birth_year) if r.birth_year else "", r.id_number or "", r.address) if x)
        return SearchResult("citizen", r.id, r.full_name, detail)
    if isinstance(r, Visit):
        if item.protected:
            who = redacted()
        elif r.is_delegation:
            who = _("Delegation of {count}").format(count=r.head_count)
        else:
            who = r.citizen.full_name if r.citizen else ""
        return SearchResult("visit", r.id, who, excerpt(r.content), format_date(r.visit_date))
    title = " — ".join(x for x in (r.ref, petitioner_names(r)) if x)
    detail = f"{label(PetitionType, r.petition_type)}, {label(Status, r.status)}: " \
             f"{excerpt(r.content)}"
    return SearchResult("petition", r.id, title, detail, format_date(r.received_date))


def describe_hits(
    session: Session,
    query: str,
    unit_ids: list[str] | None = None,
    kinds: tuple[str, ...] = KINDS,
    limit: int = 20,
) -> list[SearchResult]:
    """Up to ``limit`` hits per kind, described: citizens, visits, petitions."""
    return [_described(item) for item in _load(session, query, unit_ids, kinds, limit)]


# --- for the GUI's "Search everywhere" dialog ----------------------------------------------


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


def _listed(item: _Loaded) -> ListedHit:
    r = item.record
    if isinstance(r, Citizen):
        return ListedHit("citizen", r.id, names=[r.full_name], birth_year=r.birth_year,
                         id_number=r.id_number or "", address=r.address)
    if isinstance(r, Visit):
        names: list[str] = []
        if not item.protected:
            if r.citizen is not None:
                names = [r.citizen.full_name]
            elif r.representatives:
                names = [r.representatives]
        return ListedHit("visit", r.id, names=names, protected=item.protected,
                         when=r.visit_date, content=r.content, head_count=r.head_count,
                         is_delegation=r.is_delegation)
    names = [] if item.protected else [x.full_name for x in r.petitioners]
    return ListedHit("petition", r.id, names=names, protected=item.protected, ref=r.ref,
                     when=r.received_date, content=r.content, head_count=r.signers or 1)


def list_hits(
    session: Session, query: str, unit_ids: list[str] | None = None, limit: int = 50
) -> list[ListedHit]:
    """Up to ``limit`` hits per kind, in the search's order: citizens, visits, petitions."""
    return [_listed(item) for item in _load(session, query, unit_ids, KINDS, limit)]
