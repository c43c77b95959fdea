"""What the Reports page can produce: the documents it offers, the request read from the
page, producing the PDF or the Excel workbook off the GUI thread, and file names."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from ...i18n import N_, _, using_language
from ...model.codes import MinutesSubject
from ...reports.periods import Period
from ...services import meetings as meetings_service
from ...services import minutes as minutes_service
from ...services import outputs
from ...text import fold

# --- the documents ---------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str  # English message id, translated when shown
    subject: str | None = None  # what is picked in the list (report_forms.SUBJECT_KINDS)
    period: bool = False  # made for a period
    excel: bool = False  # also saved as XLSX
    slow: bool = False  # may take long: a progress dialog that can be cancelled


DOCUMENTS: tuple[DocumentKind, ...] = (
    DocumentKind("minutes_session", N_("Minutes of a reception session"), "session"),
    DocumentKind("minutes_visit", N_("Minutes of a visit"), "visit"),
    DocumentKind("minutes_dialogue", N_("Minutes of a dialogue"), "dialogue"),
    DocumentKind("minutes_meeting", N_("Minutes of a working meeting"), "meeting"),
    DocumentKind("notice", N_("Concluding notice"), "notice"),
    DocumentKind("logbook", N_("Log book for a period (Form 03)"), period=True, excel=True,
                 slow=True),
    DocumentKind("slip", N_("Appointment slip"), "citizen"),
    DocumentKind("receipt", N_("Receipt for documents"), "citizen"),
    DocumentKind("periodic", N_("Periodic report"), period=True, excel=True, slow=True),
    DocumentKind("register", N_("Register of outgoing documents"), period=True, excel=True),
)
DOCUMENT_BY_CODE = {d.code: d for d in DOCUMENTS}
#: the minutes subject of each minutes document
MINUTES_SUBJECTS = {
    "minutes_session": MinutesSubject.SESSION,
    "minutes_visit": MinutesSubject.VISIT,
    "minutes_dialogue": MinutesSubject.DIALOGUE,
    "minutes_meeting": MinutesSubject.MEETING,
}
SUBJECT_TITLES = {
    "session": N_("Reception session"),
    "dialogue": N_("Dialogue"),
    "visit": N_("Visit"),
    "meeting": N_("Working meeting"),
    "notice": N_("Concluding notice"),
    "citizen": N_("Citizen"),
}
SUBJECT_MISSING = {
    "session": N_("Choose a reception session in the list first."),
    "dialogue": N_("Choose a dialogue in the list first."),
    "visit": N_("Choose a visit in the list first."),
    "meeting": N_("Choose a working meeting in the list first."),
    "notice": N_("Choose a concluding notice in the list first."),
    "citizen": N_("Choose the citizen in the list first."),
}
#: file names offered when saving (folded to plain letters)
FILE_STEMS = {
    "minutes_session": N_("minutes"),
    "minutes_visit": N_("minutes"),
    "minutes_dialogue": N_("minutes"),
    "minutes_meeting": N_("minutes"),
    "notice": N_("concluding notice"),
    "logbook": N_("log book"),
    "slip": N_("appointment slip"),
    "receipt": N_("receipt"),
    "periodic": N_("report"),
    "register": N_("outgoing register"),
}


# --- what to produce (read on the GUI thread, produced off it) -------------------------


@dataclass
class SlipOptions:
    come_back_on: date
    at: time | None
    place: str
    reason: str
    official_id: str | None
    number: str | None


@dataclass
class ReceiptOptions:
    documents: str  # one a line, "name: copies"
    received_on: date
    official_id: str | None
    number: str | None


@dataclass
class Request:
    doc: str
    unit_id: str
    lang: str  # the document's language, "vi" or "en"
    subject_id: str | None = None
    minutes_id: str | None = None
    period: Period | None = None
    narrative: dict[str, str] | None = None
    slip: SlipOptions | None = None
    receipt: ReceiptOptions | None = None
    report: Any = None  # a PeriodicReport already computed for this period
    #: minutes: "office" (every citizen) or "citizens" (a signature page for each citizen)
    copy: str = "office"


@dataclass
class Produced:
    path: Path
    pages: int = 0
    minutes_id: str | None = None
    report: Any = None
    #: the narrative filled from the figures (when the official had written none)
    skeleton: dict[str, str] | None = None
    rows: int | None = None
    #: the file name to suggest, without suffix (None: the document's name and today)
    stem: str | None = None


def _parse_documents(text: str):
    from ...documents.notices import parse_documents

    lines = [x.strip() for x in text.splitlines() if x.strip()]
    return parse_documents("; ".join(lines))


def compute_report(db, req: Request):
    """The periodic report's figures for the request's period (reused when given)."""
    if req.report is not None:
        return req.report
    from ...reports.periodic import periodic_report

    with db.session() as s:
        return periodic_report(s, req.unit_id, req.period)


def skeleton_for(report, lang: str) -> dict[str, str]:
    from ...reports.periodic import narrative_skeleton

    with using_language(lang):
        return narrative_skeleton(report)


def produce_pdf(db, req: Request, out: Path, fmt: str = "pdf") -> Produced:
    """Write the requested document as PDF (``fmt`` docx: its Word copy) to ``out`` (runs
    off the GUI thread).

    The document's language is set for this thread only, so that the open windows never
    change language while a document in the other one is made.
    """
    with using_language(req.lang):
        return _produce_pdf(db, req, out, fmt)


def _produce_pdf(db, req: Request, out: Path, fmt: str = "pdf") -> Produced:
    # every document through the one door out: permission, audit, protection, whole file
    if req.doc == "periodic":
        from ...reports.saving import save_periodic_report

        report = compute_report(db, req)
        skeleton = None if req.narrative is not None else skeleton_for(report, req.lang)
        saved = save_periodic_report(db, req.unit_id, req.period, out, fmt, lang=req.lang,
                                     narrative=req.narrative or skeleton, report=report)
        return Produced(out, saved.pages or 0, report=report, skeleton=skeleton)
    with db.session() as s:
        if req.doc in MINUTES_SUBJECTS:
            minutes_id = req.minutes_id or minutes_service.minutes_for(
                s, MINUTES_SUBJECTS[req.doc], req.subject_id).id
            pages = outputs.print_minutes(s, minutes_id, out, lang=req.lang, copy=req.copy,
                                          fmt=fmt)
            when, number = minutes_service.minutes_date_and_number(s, minutes_id)
            stem = file_stem(req.doc, when, number)
            if req.copy == "citizens":
                words = re.split(r"[^0-9a-z]+", fold(_("citizens' signature pages")).lower())
                stem = "-".join([*(w for w in words if w), stem])
            return Produced(out, pages, minutes_id=minutes_id, stem=stem)
        if req.doc == "notice":
            pages = outputs.print_notice(s, req.subject_id, out, lang=req.lang, fmt=fmt)
            notice = meetings_service.get_notice(s, req.subject_id)
            return Produced(out, pages,
                            stem=file_stem(req.doc, notice.issued_on, notice.number))
        if req.doc == "register":
            rows, pages = outputs.print_outgoing_register(
                s, req.unit_id, req.period.start, req.period.end, out, fmt=fmt,
                lang=req.lang)
            return Produced(out, pages, rows=rows)
        if req.doc == "logbook":
            rows, pages = outputs.print_logbook(s, req.unit_id, req.period.start,
                                                req.period.end, out, lang=req.lang,
                                                unit_ids=[req.unit_id], fmt=fmt)
            return Produced(out, pages, rows=rows)
        if req.doc == "slip":
            o = req.slip
            pages = outputs.print_slip(
                s, req.unit_id, req.subject_id, o.come_back_on, o.reason, out,
                official_id=o.official_id, at=o.at, place=o.place, number=o.number,
                lang=req.lang, fmt=fmt)
            return Produced(out, pages)
        if req.doc == "receipt":
            o = req.receipt
            pages = outputs.print_receipt(
                s, req.unit_id, req.subject_id, _parse_documents(o.documents), out,
                official_id=o.official_id, received_on=o.received_on, number=o.number,
                lang=req.lang, fmt=fmt)
            return Produced(out, pages)
    raise ValueError(f"unknown document {req.doc}")


def write_excel(db, req: Request, out: Path, cancelled: threading.Event) -> Produced:
    """The log book or the periodic report as XLSX with real numbers."""
    with using_language(req.lang):
        return _write_excel(db, req, out, cancelled)


def _write_excel(db, req: Request, out: Path, cancelled: threading.Event) -> Produced:
    # the same door as the PDF: the same permission, an audit entry, the protection
    if req.doc == "periodic":
        from ...reports.saving import save_periodic_report

        saved = save_periodic_report(db, req.unit_id, req.period, out, "xlsx", lang=req.lang,
                                     report=req.report)
        return Produced(out, report=saved.report)

    if req.doc == "register":
        with db.session() as s:
            rows, _pages = outputs.print_outgoing_register(
                s, req.unit_id, req.period.start, req.period.end, out, fmt="xlsx",
                lang=req.lang)
        return Produced(out, rows=rows)

    # Form 03 in the document's language, with real dates and numbers
    with db.session() as s:
        rows = outputs.save_logbook_xlsx(s, [req.unit_id], req.period.start, req.period.end,
                                         out, lang=req.lang)
    return Produced(out, rows=rows)


def file_stem(doc: str, when: date | None = None, number: str = "") -> str:
    """'bien-ban-05-2026-02-05': the document's name in plain letters, its number (if
    any) and the date of the record it is about (today when there is none)."""
    words = fold(_(FILE_STEMS.get(doc, "document"))).split()
    numbered = [w for w in re.split(r"[^0-9a-z]+", fold(number).lower()) if w]
    return "-".join(words + numbered + [(when or date.today()).isoformat()])
