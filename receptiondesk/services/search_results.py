"""Search hits described for people: what was found, its name or reference, a date
and an excerpt. Shared by the command line and the GUI's global search."""

from __future__ import annotations

from dataclasses import asdict, dataclass

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

KIND_LABELS = {"citizen": N_("Citizen"), "visit": N_("Visit"), "petition": N_("Petition")}
EXCERPT = 90


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


def describe_hits(
    session: Session,
    query: str,
    unit_ids: list[str] | None = None,
    kinds: tuple[str, ...] = KINDS,
    limit: int = 20,
) -> list[SearchResult]:
    hits = search(session, query, kinds, unit_ids, limit)
    by_kind: dict[str, list[str]] = {}
    for h in hits:
        by_kind.setdefault(h.kind, []).append(h.record_id)
    described: dict[str, SearchResult] = {}
    if by_kind.get("citizen"):
        for c in session.scalars(select(Citizen).where(Citizen.id.in_(by_kind["citizen"]))):
            detail = ", ".join(x for x in (
                str(c.birth_year) if c.birth_year else "", c.id_number or "", c.address) if x)
            described[c.id] = SearchResult("citizen", c.id, c.full_name, detail)
    if by_kind.get("visit"):
        stmt = (select(Visit).where(Visit.id.in_(by_kind["visit"]))
                .options(selectinload(Visit.citizen)))
        visits = list(session.scalars(stmt))
        denounced = denounced_visit_ids(session, [v.id for v in visits])
        for v in visits:
            if not identity_visible(v, protected=v.id in denounced):
                who = redacted()
            elif v.is_delegation:
                who = _("Delegation of {count}").format(count=v.head_count)
            else:
                who = v.citizen.full_name if v.citizen else ""
            described[v.id] = SearchResult("visit", v.id, who, excerpt(v.content),
                                           format_date(v.visit_date))
        note_identity_views(session, "visit", visits, "search", denounced)
    if by_kind.get("petition"):
        stmt = (select(Petition).where(Petition.id.in_(by_kind["petition"]))
                .options(selectinload(Petition.petitioners)))
        found = list(session.scalars(stmt))
        note_identity_views(session, "petition", found, "search")
        for p in found:
            title = " — ".join(x for x in (p.ref, petitioner_names(p)) if x)
            detail = f"{label(PetitionType, p.petition_type)}, {label(Status, p.status)}: " \
                     f"{excerpt(p.content)}"
            described[p.id] = SearchResult("petition", p.id, title, detail,
                                           format_date(p.received_date))
    return [described[h.record_id] for h in hits if h.record_id in described]
