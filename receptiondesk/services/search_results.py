"""Search hits described for people: what was found, its name or reference, a date
and an excerpt. Shared by the command line and the GUI's global search."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..i18n import N_, _, format_date
from ..model import Citizen, Petition, Visit
from ..model.codes import PetitionType, Status, label
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


def redacted() -> str:
    """What stands in for a denouncer's identity (Denunciations Law art. 9)."""
    return _("(confidential)")


def petitioner_names(p: Petition) -> str:
    if p.petition_type == PetitionType.DENUNCIATION:
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
        for v in session.scalars(stmt):
            who = (_("Delegation of {count}").format(count=v.head_count) if v.is_delegation
                   else (v.citizen.full_name if v.citizen else ""))
            described[v.id] = SearchResult("visit", v.id, who, excerpt(v.content),
                                           format_date(v.visit_date))
    if by_kind.get("petition"):
        stmt = (select(Petition).where(Petition.id.in_(by_kind["petition"]))
                .options(selectinload(Petition.petitioners)))
        for p in session.scalars(stmt):
            title = " — ".join(x for x in (p.ref, petitioner_names(p)) if x)
            detail = f"{label(PetitionType, p.petition_type)}, {label(Status, p.status)}: " \
                     f"{excerpt(p.content)}"
            described[p.id] = SearchResult("petition", p.id, title, detail,
                                           format_date(p.received_date))
    return [described[h.record_id] for h in hits if h.record_id in described]
