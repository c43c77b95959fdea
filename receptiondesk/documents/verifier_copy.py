"""The copy of a petition handed to those who verify it (bản sao phục vụ xác minh).

A denouncer's identity never reaches those who verify the case nor the accused
(Denunciations Law art. 9 and 56, Decision 774/QĐ-TTg, DESIGN §4). This copy
prints what the verification needs — the content, type, field, source, dates,
classification, handling, result and the history of the petition — and the
redaction in place of every petitioner's name, address, ID number and phone,
whatever the petition's type and whoever prints it (a cleared user included).
Attached scans (handwriting) are not part of it.

What the clerk typed into the content itself is printed as typed: the content of
a denunciation should describe the conduct denounced, not the denouncer.
"""

from __future__ import annotations

from typing import IO

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _, format_date, format_number, yes_no
from ..model import Official, Unit
from ..model.codes import (
    DutyRole,
    EventKind,
    Handling,
    PetitionType,
    Result,
    Status,
    UnitKind,
    label,
)
from ..services import petitions, protection, reference, units
from . import fonts
from .layout import (
    DocumentHeader,
    build_pdf,
    document_language,
    frame_width,
    labelled,
    para,
    redacted,
    signature_of,
    styles,
)

BLANK = "—"


def render_verifier_copy(
    session: Session,
    petition_id: str,
    out: str | IO[bytes],
    lang: str | None = None,
) -> int:
    """Write the redacted copy of a petition for its verifiers as PDF; returns the pages.

    The copy goes to those who verify the case, so whoever prints it, the petitioners and
    every protected person are blotted out of its texts too (Law on Denunciations art. 9).
    Permission and the audit of the print are the door's (``services.outputs``)."""
    p = petitions.get_petition(session, petition_id)
    unit = units.get_unit(session, p.unit_id)
    shield = protection.shield(session, cleared=False).also(
        v for x in p.petitioners for v in (x.full_name, x.id_number, x.address, x.phone))
    events = petitions.events(session, p.id)
    wanted = {e.official_id for e in events if e.official_id}
    officials = {o.id: o.full_name for o in session.scalars(
        select(Official).where(Official.id.in_(wanted)))} if wanted else {}
    with document_language(lang):
        # the names of the lists in the document's language, not the window's
        fields = {f.code: reference.lookup_name(f) for f in reference.fields(session, False)}
        sources = {s.code: reference.lookup_name(s) for s in reference.sources(session, False)}
        st = styles(unit.kind)
        hidden = redacted()
        people = len(p.petitioners) or (0 if p.anonymous else 1)
        body = [
            para(_("This copy is made for the verification of the petition. The identity of "
                   "the petitioners (names, addresses, ID numbers, phone numbers, handwriting) "
                   "is withheld under the Law on Denunciations, art. 9."), st.body_indent),
            labelled(_("Reference:"), p.ref or BLANK, st.body),
            labelled(_("Petition type:"), label(PetitionType, p.petition_type), st.body),
            labelled(_("Field:"), fields.get(p.field_code or "", BLANK), st.body),
            labelled(_("Source:"), sources.get(p.source_code, p.source_code), st.body),
            labelled(_("Date received:"), format_date(p.received_date), st.body),
            labelled(_("Petitioners:"), _("{redaction} ({count} signers)").format(
                redaction=hidden, count=format_number(max(p.signers or 1, people))), st.body),
            labelled(_("Content:"), "", st.body),
            para(shield.text(p.content), st.body_indent),
            labelled(_("Status:"), label(Status, p.status), st.body),
        ]
        if p.eligible is not None:
            body.append(labelled(_("Classification:"), _(
                "eligible: {eligible}; within competence: {competence}").format(
                eligible=_yes_no(p.eligible), competence=_yes_no(p.within_competence)),
                st.body))
        if p.handling:
            handling = _("{handling} on {date}").format(
                handling=label(Handling, p.handling), date=format_date(p.handling_date))
            if p.handled_to:
                handling += " — " + shield.text(p.handled_to)
            body.append(labelled(_("Handling:"), handling, st.body))
        if p.result:
            body.append(labelled(_("Result:"), _("{result} on {date}").format(
                result=label(Result, p.result), date=format_date(p.result_date)), st.body))
        body.append(Spacer(1, 3 * mm))
        body.append(labelled(_("History of the petition:"), "", st.body))
        body.append(_history(events, officials, st, unit.kind, shield))
        header = DocumentHeader.for_unit(unit, number=None, on=None)
        signature = signature_of(unit, *_head_of(session, unit))
        return build_pdf(out, header, _("Copy of a petition for verification"),
                         p.ref or "", body, [signature])


def _head_of(session: Session, unit: Unit) -> tuple[str, str]:
    """(position, name) of the head who signs for the unit: the Party secretary of a Party
    committee, the chairman of a People's Committee (blank when the office has none)."""
    role = DutyRole.PARTY_SECRETARY if unit.kind == UnitKind.PARTY \
        else DutyRole.COMMITTEE_CHAIRMAN
    head = session.scalars(
        select(Official).where(Official.unit_id == unit.id, Official.active.is_(True),
                               Official.duty_role == str(role))
        .order_by(Official.sort_key).limit(1)).first()
    return (head.position, head.full_name) if head is not None else ("", "")


def _yes_no(value: bool | None) -> str:
    """"yes" or "no" within a sentence (blank when not known)."""
    return yes_no(value, BLANK).lower()


def _history(events, officials: dict[str, str], st, kind: str,
             shield: protection.Shield) -> Table:
    head = st.cell_head
    rows = [[para(_("Date"), head), para(_("Step"), head), para(_("Official"), head),
             para(_("Note"), head)]]
    for e in events:
        if e.kind == EventKind.TRANSITION:
            step = " → ".join(x for x in (label(Status, e.from_status),
                                           label(Status, e.to_status)) if x)
        else:
            step = label(EventKind, e.kind)
        rows.append([para(format_date(e.event_date), st.cell_center), para(step, st.cell),
                     para(officials.get(e.official_id or "", ""), st.cell),
                     para(shield.text(e.note), st.cell)])
    width = frame_width()
    table = Table(rows, colWidths=[25 * mm, 45 * mm, 40 * mm, width - 110 * mm],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table
