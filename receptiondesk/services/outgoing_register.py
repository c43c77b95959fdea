"""The register of outgoing documents (sổ đăng ký văn bản đi): every numbered document the
office issues from ReceptionDesk — minutes once printed, concluding notices, issued
reports — with its number and symbol, date, kind, summary, signer, recipients and where
it is filed.

Decree 30/2020/NĐ-CP art. 16 (registering outgoing documents), as the issue of this work
names it; the register's columns here follow the items listed for it (number and symbol,
date, kind and summary, signer, recipients, where filed). The form of the register in
the Decree's appendix could not be confirmed with the search tool available: the columns
are not claimed to be the appendix's.

Numbers come from ``services.numbering`` (per unit, kind and year), which never gives
one twice; :func:`reused_numbers` lists any number the register holds twice (a typed or
imported number), so a reuse is seen rather than printed silently.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..i18n import N_, _, format_date
from ..model import (
    ConcludingNotice,
    Minutes,
    Official,
    ReceptionSession,
    Visit,
    WorkingMeeting,
)
from ..model.codes import MinutesStatus, MinutesSubject

KINDS = {
    "minutes": N_("Minutes"),
    "notice": N_("Concluding notice"),
    "report": N_("Report"),
}
#: a summary is one line of the register
SUMMARY_LENGTH = 160


@dataclass(frozen=True)
class OutgoingEntry:
    number: str
    issued_on: date
    kind: str
    summary: str
    signer: str
    recipients: str
    filed: str
    note: str
    record_id: str
    unit_id: str

    @property
    def kind_label(self) -> str:
        return _(KINDS[self.kind])


def _short(text: str) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= SUMMARY_LENGTH else line[:SUMMARY_LENGTH - 1] + "…"


def _official_names(session: Session, ids: set[str]) -> dict[str, str]:
    ids.discard("")
    if not ids:
        return {}
    return {i: n for i, n in session.execute(
        select(Official.id, Official.full_name).where(Official.id.in_(ids)))}


def _minutes(session: Session, unit_ids: list[str], start: date, end: date
             ) -> list[OutgoingEntry]:
    rows = list(session.scalars(select(Minutes).where(
        Minutes.unit_id.in_(unit_ids), Minutes.number != "",
        Minutes.status.in_([MinutesStatus.PRINTED, MinutesStatus.SIGNED]),
        # printed on or after the day they record: none printed before the period is in it
        or_(Minutes.printed_at.is_(None),
            Minutes.printed_at >= datetime.combine(start, time.min)))))
    sessions = {s.id: s for s in session.scalars(select(ReceptionSession).where(
        ReceptionSession.id.in_({m.subject_id for m in rows if m.subject_kind in (
            MinutesSubject.SESSION, MinutesSubject.DIALOGUE)})))}
    visits = {v.id: v for v in session.scalars(select(Visit).where(
        Visit.id.in_({m.subject_id for m in rows if m.subject_kind == MinutesSubject.VISIT})))}
    for v in visits.values():
        if v.session_id not in sessions:
            found = session.get(ReceptionSession, v.session_id)
            if found is not None:
                sessions[found.id] = found
    meetings = {w.id: w for w in session.scalars(select(WorkingMeeting).where(
        WorkingMeeting.id.in_({m.subject_id for m in rows
                               if m.subject_kind == MinutesSubject.MEETING})))}
    names = _official_names(session, {s.presiding_official_id or "" for s in sessions.values()}
                            | {w.chaired_by_id or "" for w in meetings.values()})
    out = []
    for m in rows:
        day, summary, signer, filed = _minutes_facts(m, sessions, visits, meetings, names)
        if day is None or not start <= day <= end:
            continue
        if m.addendum_of_id:
            summary = _("Addendum: {summary}").format(summary=summary)
        out.append(OutgoingEntry(m.number, day, "minutes", _short(summary), signer, "",
                                 filed, _("signed") if m.status == MinutesStatus.SIGNED
                                 else "", m.id, m.unit_id))
    return out


def _minutes_facts(m: Minutes, sessions: dict, visits: dict, meetings: dict,
                   names: dict[str, str]) -> tuple[date | None, str, str, str]:
    """(day, summary, signer, where filed) of minutes, from the record they record."""
    if m.subject_kind == MinutesSubject.MEETING:
        w = meetings.get(m.subject_id)
        if w is None:
            return None, "", "", ""
        signer = names.get(w.chaired_by_id or "", "") or w.chaired_by_name
        return (w.meeting_date, _("Minutes of the working meeting: {content}").format(
            content=w.content or w.place), signer,
            _("File of the working meeting of {day}").format(day=format_date(w.meeting_date)))
    rs = sessions.get(m.subject_id)
    if m.subject_kind == MinutesSubject.VISIT:
        v = visits.get(m.subject_id)
        rs = sessions.get(v.session_id) if v is not None else None
        if v is None or rs is None:
            return None, "", "", ""
        day, summary = v.visit_date, _("Minutes of a citizen's visit")
    elif rs is None:
        return None, "", "", ""
    else:
        day = rs.session_date
        summary = (_("Minutes of a dialogue") if m.subject_kind == MinutesSubject.DIALOGUE
                   else _("Minutes of the reception session"))
    signer = names.get(rs.presiding_official_id or "", "") or rs.presiding_name
    return (day, summary, signer, _("File of the reception session of {day}").format(
        day=format_date(rs.session_date)))


def _notices(session: Session, unit_ids: list[str], start: date, end: date
             ) -> list[OutgoingEntry]:
    rows = list(session.scalars(select(ConcludingNotice).where(
        ConcludingNotice.unit_id.in_(unit_ids), ConcludingNotice.number != "",
        ConcludingNotice.issued_on >= start, ConcludingNotice.issued_on <= end)))
    from ..documents.notices import notice_recipients

    names = _official_names(session, {n.signed_by_id or "" for n in rows})
    return [OutgoingEntry(
        n.number, n.issued_on, "notice",
        _short(_("Concluding notice: {content}").format(content=n.content)),
        names.get(n.signed_by_id or "", ""),
        "; ".join(notice_recipients(after_meeting=n.meeting_id is not None)),
        _("File of the working meeting") if n.meeting_id else
        _("File of the reception session"), "", n.id, n.unit_id) for n in rows
        if n.issued_on is not None]


def _reports(session: Session, unit_ids: list[str], start: date, end: date
             ) -> list[OutgoingEntry]:
    from .report_keeping import issued_reports

    out = []
    for r in issued_reports(session, unit_ids, start, end):
        out.append(OutgoingEntry(r.number, r.issued_on, "report", _short(r.summary), r.signer,
                                 "; ".join(r.recipients), _("Office file of reports"),
                                 "; ".join(r.notes()), r.id, r.unit_id))
    return out


def outgoing_register(session: Session, unit_ids: list[str], start: date, end: date,
                      shield: Any = None) -> list[OutgoingEntry]:
    """The register of the units' outgoing documents dated from ``start`` to ``end``, by
    date then number. ``shield`` (``protection``) blots protected people out of the
    summaries for a reader who may not see them."""
    entries = (_minutes(session, unit_ids, start, end) + _notices(session, unit_ids, start, end)
               + _reports(session, unit_ids, start, end))
    entries.sort(key=lambda e: (e.issued_on, e.kind, _number_key(e.number)))
    if shield is not None:
        entries = [OutgoingEntry(e.number, e.issued_on, e.kind, shield.text(e.summary),
                                 e.signer, e.recipients, e.filed, e.note, e.record_id,
                                 e.unit_id) for e in entries]
    return entries


def _number_key(number: str) -> tuple[int, str]:
    digits = ""
    for ch in number:
        if not ch.isdigit():
            break
        digits += ch
    return (int(digits) if digits else 0, number)


def reused_numbers(entries: list[OutgoingEntry]) -> list[str]:
    """Numbers the register holds twice for one unit, kind and year (never given so by
    ReceptionDesk: typed or imported)."""
    counts = Counter((e.unit_id, e.kind, e.issued_on.year, e.number) for e in entries)
    return sorted({key[3] for key, n in counts.items() if n > 1})
