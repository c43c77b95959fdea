"""Inspections and supervisions (kiểm tra, giám sát) of subordinate organisations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from ..i18n import _
from ..model import Inspection
from ..model.codes import InspectionBody, InspectionKind
from .accounts import require
from .errors import NotFoundError
from .locking import check_version, refuses_stale
from .meetings import text_match
from .units import require_unit
from .validation import REF_LENGTH, TEXT_LENGTH, Checker, clean


@dataclass
class InspectionInput:
    inspection_date: date
    body: str = InspectionBody.STANDING_COMMITTEE
    kind: str = InspectionKind.INSPECTION
    organisations: str = ""
    organisation_count: int | None = None
    members: str = ""
    member_count: int | None = None
    content: str = ""
    findings: str = ""
    violations_found: bool = False
    conclusions: str = ""
    ref: str = ""


def count_items(text: str | None) -> int:
    """Organisations or members listed one a line or separated by semicolons."""
    return sum(1 for item in re.split(r"[\n;]", text or "") if item.strip())


def _counts(data: InspectionInput) -> tuple[int | None, int | None]:
    orgs = count_items(data.organisations) if data.organisation_count is None \
        else data.organisation_count
    members = count_items(data.members) if data.member_count is None else data.member_count
    return orgs, members


def _check(data: InspectionInput, today: date) -> tuple[int, int]:
    ck = Checker()
    ck.required("inspection_date", data.inspection_date, _("Date"))
    ck.not_future("inspection_date", data.inspection_date, _("Date"), today)
    ck.enum("body", data.body, InspectionBody, _("Conducted by"))
    ck.enum("kind", data.kind, InspectionKind, _("Kind"))
    ck.required("content", clean(data.content), _("Content"))
    ck.max_length("ref", clean(data.ref), REF_LENGTH, _("Reference"))
    ck.lengths([
        ("organisations", data.organisations, TEXT_LENGTH, _("Organisations")),
        ("members", data.members, TEXT_LENGTH, _("Party members")),
        ("content", data.content, TEXT_LENGTH, _("Content")),
        ("findings", data.findings, TEXT_LENGTH, _("Findings")),
        ("conclusions", data.conclusions, TEXT_LENGTH, _("Conclusions")),
    ])
    orgs, members = _counts(data)
    if orgs is not None and orgs < 0:
        ck.add("organisation_count", _("{field} cannot be negative.").format(
            field=_("Number of organisations")))
    if members is not None and members < 0:
        ck.add("member_count", _("{field} cannot be negative.").format(
            field=_("Number of members")))
    ck.at_most("organisation_count", orgs, _("Number of organisations"))
    ck.at_most("member_count", members, _("Number of members"))
    if not (orgs or 0) > 0 and not (members or 0) > 0:
        ck.add("organisations",
               _("Name at least one organisation or party member inspected or supervised."))
    ck.raise_if_any()
    return orgs or 0, members or 0


def _apply(i: Inspection, data: InspectionInput, orgs: int, members: int) -> None:
    i.inspection_date = data.inspection_date
    i.body = data.body
    i.kind = data.kind
    i.organisations = (data.organisations or "").strip()
    i.organisation_count = orgs
    i.members = (data.members or "").strip()
    i.member_count = members
    i.content = (data.content or "").strip()
    i.findings = (data.findings or "").strip()
    i.violations_found = bool(data.violations_found)
    i.conclusions = (data.conclusions or "").strip()
    i.ref = clean(data.ref)


def create_inspection(
    session: Session, unit_id: str, data: InspectionInput, today: date | None = None
) -> Inspection:
    require(session, "inspections.edit")
    require_unit(session, unit_id)
    orgs, members = _check(data, today or date.today())
    i = Inspection(unit_id=unit_id)
    _apply(i, data, orgs, members)
    session.add(i)
    session.flush()
    return i


@refuses_stale(Inspection, "inspection_id")
def update_inspection(
    session: Session, inspection_id: str, data: InspectionInput, today: date | None = None,
    *, expected_version: int | None = None,
) -> Inspection:
    require(session, "inspections.edit")
    i = get_inspection(session, inspection_id)
    check_version(session, i, expected_version)
    orgs, members = _check(data, today or date.today())
    _apply(i, data, orgs, members)
    session.flush()
    return i


def get_inspection(session: Session, inspection_id: str) -> Inspection:
    i = session.get(Inspection, inspection_id)
    if i is None:
        raise NotFoundError(_("The inspection no longer exists."))
    return i


def delete_inspection(session: Session, inspection_id: str) -> None:
    require(session, "inspections.edit")
    session.delete(get_inspection(session, inspection_id))
    session.flush()


@dataclass
class InspectionFilter:
    unit_ids: list[str] | None = None
    date_from: date | None = None
    date_to: date | None = None
    kinds: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    violations_only: bool = False
    query: str = ""


def _filtered(session: Session, f: InspectionFilter) -> Select:
    conds: list[ColumnElement[bool]] = []
    if f.unit_ids is not None:
        conds.append(Inspection.unit_id.in_(f.unit_ids))
    if f.date_from:
        conds.append(Inspection.inspection_date >= f.date_from)
    if f.date_to:
        conds.append(Inspection.inspection_date <= f.date_to)
    if f.kinds:
        conds.append(Inspection.kind.in_(f.kinds))
    if f.bodies:
        conds.append(Inspection.body.in_(f.bodies))
    if f.violations_only:
        conds.append(Inspection.violations_found.is_(True))
    if f.query.strip():
        match = text_match(
            session,
            [Inspection.organisations, Inspection.members, Inspection.content,
             Inspection.findings, Inspection.conclusions, Inspection.ref],
            f.query,
        )
        if match is not None:
            conds.append(match)
    return select(Inspection).where(*conds)


def list_inspections(
    session: Session, f: InspectionFilter | None = None, offset: int = 0, limit: int = 100
) -> list[Inspection]:
    """One page of inspections and supervisions, newest first."""
    stmt = _filtered(session, f or InspectionFilter()).order_by(
        Inspection.inspection_date.desc(), Inspection.created_at.desc(), Inspection.id
    )
    return list(session.scalars(stmt.offset(offset).limit(limit)))


def count_inspections(session: Session, f: InspectionFilter | None = None) -> int:
    stmt = _filtered(session, f or InspectionFilter()).with_only_columns(
        func.count(Inspection.id)
    )
    return session.scalar(stmt) or 0
