"""Concluding notices (thông báo kết luận), appointment slips (giấy hẹn) and receipts
for documents handed in (giấy biên nhận)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import IO

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from ..i18n import _
from ..model import Citizen, ConcludingNotice, Official, ReceptionSession, Unit, WorkingMeeting
from ..model.codes import SessionKind
from ..services import protection
from ..services.errors import NotFoundError, ValidationError
from ..services.units import get_unit
from . import fonts
from .layout import (
    DocumentHeader,
    Signature,
    build_pdf,
    clock,
    document_language,
    frame_width,
    labelled,
    long_date,
    on_behalf_of,
    para,
    personal_signature,
    redacted,
    signature_of,
    styles,
)

PLACEHOLDER = "……………"


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


# --- concluding notice ----------------------------------------------------------------


def _session_what(rs: ReceptionSession) -> str:
    if rs.kind == SessionKind.DIALOGUE:
        return _("the dialogue with citizens")
    if rs.kind == SessionKind.UNSCHEDULED:
        return _("the unscheduled citizen reception session")
    if rs.kind == SessionKind.ROUTINE:
        return _("the citizen reception at the reception desk")
    return _("the regular citizen reception session")


def notice_recipients(after_meeting: bool) -> list[str]:
    """The "Nơi nhận" a concluding notice is printed with (and registered under)."""
    return [
        _("Participants of the meeting") if after_meeting else _("Citizens concerned"),
        _("Bodies and persons concerned"),
        _("Filed: the office"),
    ]


def render_notice(
    session: Session,
    notice_id: str,
    out: str | IO[bytes],
    lang: str | None = None,
    recipients: list[str] | None = None,
    shield: protection.Shield | None = None,
) -> int:
    """Write the concluding notice of a meeting or session as PDF; returns the page count.
    Its texts as ``shield`` (by default the acting user's) lets the reader see them."""
    notice = session.get(ConcludingNotice, notice_id)
    if notice is None:
        raise NotFoundError(_("The concluding notice no longer exists."))
    shield = shield or protection.shield(session)
    unit = get_unit(session, notice.unit_id)
    meeting = session.get(WorkingMeeting, notice.meeting_id) if notice.meeting_id else None
    rs = session.get(ReceptionSession, notice.session_id) if notice.session_id else None
    signer = session.get(Official, notice.signed_by_id) if notice.signed_by_id else None
    with document_language(lang):
        st = styles(unit.kind)
        if meeting is not None:
            chair = meeting.chaired_by.full_name if meeting.chaired_by else meeting.chaired_by_name
            position = meeting.chaired_by.position if meeting.chaired_by else ""
            held_on, place = meeting.meeting_date, meeting.place
            what = _("the working meeting on citizen reception and petition handling")
            signer = signer or meeting.chaired_by
        elif rs is not None:
            chair = rs.presiding_official.full_name if rs.presiding_official else rs.presiding_name
            position = rs.presiding_official.position if rs.presiding_official else ""
            held_on, place = rs.session_date, rs.place
            what = _session_what(rs)
            signer = signer or rs.presiding_official
        else:
            raise NotFoundError(_("The meeting or session of this notice no longer exists."))
        who = f"{chair}, {position}" if position else chair
        subtitle = _("Conclusions of {who} at {what}").format(who=who, what=what)
        if place:
            opening = _("On {date}, at {place}, {who} chaired {what}.").format(
                date=long_date(held_on), place=place, who=who, what=what)
        else:
            opening = _("On {date}, {who} chaired {what}.").format(
                date=long_date(held_on), who=who, what=what)
        body = [para(opening, st.body_indent)]
        if meeting is not None and meeting.participants.strip():
            body.append(labelled(_("Participants:"), "; ".join(
                _lines(shield.text(meeting.participants)))
                                 + ".", st.body_indent))
        if meeting is not None and meeting.content.strip():
            body.append(para(_("After hearing the reports and the opinions of those present "
                               "on: {content}").format(
                                   content=shield.text(meeting.content.strip())),
                             st.body_indent))
        body.append(para(_("{who} concluded as follows:").format(who=chair or PLACEHOLDER),
                         st.body_indent))
        for line in _lines(shield.text(notice.content)) or [PLACEHOLDER * 4]:
            body.append(para(line, st.body_indent))
        body.append(para(
            _("{unit} issues this notice for the bodies and persons concerned to know and "
              "carry out.").format(unit=unit.name), st.body_indent))
        header = DocumentHeader.for_unit(unit, number=notice.number,
                                         on=notice.issued_on or held_on)
        signature = (signature_of(unit, signer.position, signer.full_name) if signer
                     else Signature(title=PLACEHOLDER, authority=on_behalf_of(unit)))
        if recipients is None:
            recipients = notice_recipients(after_meeting=meeting is not None)
        return build_pdf(out, header, _("Notice"), subtitle, body, [signature], recipients)


# --- appointment slip and receipt ----------------------------------------------------------


@dataclass
class HandedIn:
    """A document handed in: its name and how many copies or sheets."""

    name: str
    count: int = 1


def parse_documents(spec: str) -> list[HandedIn]:
    """'Đơn khiếu nại:1; Bản sao sổ đỏ:2' → the documents handed in (count 1 if omitted)."""
    items: list[HandedIn] = []
    for part in (spec or "").split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, count = part.rpartition(":")
        if not sep:
            name, count = part, "1"
        name = name.strip()
        try:
            n = int(count.strip())
        except ValueError:
            raise ValidationError.single(
                "documents",
                _("\u201c{item}\u201d: the number of copies must be a whole number.").format(
                    item=part),
            ) from None
        if not name or n < 1:
            raise ValidationError.single(
                "documents",
                _("\u201c{item}\u201d: write each document as name:count.").format(item=part),
            )
        items.append(HandedIn(name, n))
    if not items:
        raise ValidationError.single("documents", _("List the documents handed in."))
    return items


def _hidden(session: Session, citizen: Citizen, unit_id: str, document: str,
            shield: protection.Shield) -> bool:
    """Whether the document must print the redaction for the citizen: a denouncer (a
    protected citizen, or one who bears a protected person's name, ID number or phone) and
    a reader not cleared (DESIGN §4). A cleared user's view of a denouncer is audited."""
    protected = bool(protection.protected_citizen_ids(session, [citizen.id])) or \
        shield.names_protected(citizen.full_name, citizen.id_number, citizen.phone)
    if protected and shield.cleared:
        protection.record_identity_view(session, "citizen", citizen.id, unit_id, document)
        return False
    return protected


def _stand_in(citizen: Citizen, hidden: bool) -> Citizen:
    """The citizen as printed (a transient record, never saved, for the redaction)."""
    return Citizen(full_name=redacted(), address="") if hidden else citizen


def _citizen_lines(citizen: Citizen, st) -> list:
    return [
        labelled(_("Full name:"), citizen.full_name, st.body),
        labelled(_("Year of birth:"), citizen.birth_year or PLACEHOLDER, st.body),
        labelled(_("ID number:"), citizen.id_number or PLACEHOLDER, st.body),
        labelled(_("Address:"), citizen.address or PLACEHOLDER, st.body),
    ]


def _who_receives(official: Official | None) -> str:
    if official is None:
        return PLACEHOLDER
    return f"{official.full_name} – {official.position}" if official.position \
        else official.full_name


def render_appointment_slip(
    session: Session,
    unit_id: str,
    citizen_id: str,
    come_back_on: date,
    reason: str,
    out: str | IO[bytes],
    official_id: str | None = None,
    at: time | None = None,
    place: str = "",
    issued_on: date | None = None,
    number: str | None = None,
    lang: str | None = None,
    shield: protection.Shield | None = None,
) -> int:
    """Write a giấy hẹn: when and where the citizen is to come back, why, and who received
    them. Returns the page count."""
    unit = session.get(Unit, unit_id)
    citizen = session.get(Citizen, citizen_id)
    official = session.get(Official, official_id) if official_id else None
    unit, citizen = _require(unit, citizen, official_id, official)
    shield = shield or protection.shield(session)
    hidden = _hidden(session, citizen, unit_id, "slip", shield)
    issued_on = issued_on or date.today()
    if come_back_on < issued_on:
        raise ValidationError.single(
            "date", _("The appointment cannot be earlier than the day the slip is issued."))
    with document_language(lang):
        citizen = _stand_in(citizen, hidden)
        st = styles(unit.kind)
        where = place.strip() or _("the office of {unit}").format(unit=unit.name)
        when = (_("{time}, {date}").format(time=clock(at), date=long_date(come_back_on))
                if at else long_date(come_back_on))
        body = [
            para(_("{unit} has received:").format(unit=unit.name), st.body_indent),
            *_citizen_lines(citizen, st),
            para(_("and asks the citizen to come back:"), st.body_indent),
            labelled(_("Time:"), when + ".", st.body),
            labelled(_("Place:"), where + ".", st.body),
            labelled(_("Reason:"), shield.text((reason or "").strip()) or PLACEHOLDER, st.body),
            labelled(_("Received by:"), _who_receives(official) + ".", st.body),
            para(_("Please bring this slip when you come back."), st.body_indent),
        ]
        header = DocumentHeader.for_unit(unit, number=number, on=issued_on)
        signatures = [
            personal_signature(_("Citizen"), citizen.full_name),
            personal_signature(_("Receiving official"), official.full_name if official else ""),
        ]
        return build_pdf(out, header, _("Appointment slip"), "", body, signatures)


def render_receipt(
    session: Session,
    unit_id: str,
    citizen_id: str,
    documents: list[HandedIn],
    out: str | IO[bytes],
    official_id: str | None = None,
    received_on: date | None = None,
    number: str | None = None,
    copies: int = 2,
    lang: str | None = None,
    shield: protection.Shield | None = None,
) -> int:
    """Write a giấy biên nhận for documents a citizen handed in; returns the page count."""
    unit = session.get(Unit, unit_id)
    citizen = session.get(Citizen, citizen_id)
    official = session.get(Official, official_id) if official_id else None
    unit, citizen = _require(unit, citizen, official_id, official)
    shield = shield or protection.shield(session)
    hidden = _hidden(session, citizen, unit_id, "receipt", shield)
    documents = [HandedIn(shield.text(d.name), d.count) for d in documents]
    if not documents:
        raise ValidationError.single("documents", _("List the documents handed in."))
    received_on = received_on or date.today()
    with document_language(lang):
        citizen = _stand_in(citizen, hidden)
        st = styles(unit.kind)
        body = [
            para(_("On {date}, at {unit}, {official} received from:").format(
                date=long_date(received_on), unit=unit.name,
                official=_who_receives(official)), st.body_indent),
            *_citizen_lines(citizen, st),
            para(_("the following documents:"), st.body_indent),
            Spacer(1, 4),
            _documents_table(documents, unit.kind),
            Spacer(1, 4),
            para(_("This receipt is made in {copies} copies; each side keeps one.").format(
                copies=f"{copies:02d}"), st.body_indent),
        ]
        header = DocumentHeader.for_unit(unit, number=number, on=received_on)
        signatures = [
            personal_signature(_("Person handing in"), citizen.full_name),
            personal_signature(_("Receiving official"), official.full_name if official else ""),
        ]
        return build_pdf(out, header, _("Receipt for documents"), "", body, signatures)


def _documents_table(documents: list[HandedIn], kind: str) -> Table:
    st = styles(kind)
    width = frame_width()
    head = st.body.clone("doc_head", fontName=fonts.BOLD, fontSize=13, leading=16,
                         alignment=TA_CENTER, spaceBefore=0)
    cell = st.body.clone("doc_cell", fontSize=13, leading=16, alignment=TA_LEFT, spaceBefore=0)
    centre = cell.clone("doc_centre", alignment=TA_CENTER)
    total = cell.clone("doc_total", fontName=fonts.BOLD)
    rows = [[para(_("No."), head), para(_("Document"), head), para(_("Copies"), head)]]
    for i, doc in enumerate(documents, start=1):
        rows.append([para(i, centre), para(doc.name, cell), para(doc.count, centre)])
    rows.append(["", para(_("Total"), total),
                 para(sum(d.count for d in documents), centre.clone("doc_sum",
                                                                    fontName=fonts.BOLD))])
    table = Table(rows, colWidths=[15 * mm, width - 45 * mm, 30 * mm], repeatRows=1,
                  hAlign="CENTER", spaceBefore=4, spaceAfter=6)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _require(unit: Unit | None, citizen: Citizen | None, official_id: str | None,
             official: Official | None) -> tuple[Unit, Citizen]:
    if unit is None:
        raise NotFoundError(_("The unit no longer exists."))
    if citizen is None:
        raise NotFoundError(_("The citizen no longer exists."))
    if official_id and official is None:
        raise NotFoundError(_("The official no longer exists."))
    return unit, citizen

