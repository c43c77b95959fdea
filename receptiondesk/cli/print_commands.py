"""``receptiondesk print minutes|notice|logbook|slip|receipt|verifier … --out FILE``.

The document is a PDF, or its Word copy with ``--format docx`` or a ``.docx`` name.

The command-line author wires :func:`add_print_parser` into the main parser and
calls :func:`cmd_print` with the parsed arguments and the open database. A
user's mistake raises a :class:`~receptiondesk.services.errors.ServiceError`
with a translated message; success prints one line.
"""

from __future__ import annotations

import argparse
from datetime import date, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import N_, _, format_number, ngettext
from ..model import Citizen, ConcludingNotice, Official, ReceptionSession, Visit, WorkingMeeting
from ..model.codes import MinutesSubject
from ..services import minutes as minutes_service
from ..services import outputs
from ..services.errors import NotFoundError, ValidationError
from ..services.units import home_unit
from .common import unit_named

DOCUMENTS = ("minutes", "notice", "logbook", "slip", "receipt", "verifier")
DOCUMENT_NAMES = {
    "minutes": N_("minutes"),
    "notice": N_("a concluding notice"),
    "logbook": N_("the log book"),
    "slip": N_("an appointment slip"),
    "receipt": N_("a receipt for documents"),
    "verifier": N_("the copy of a petition for its verifiers"),
}


def _date(value: str) -> date:
    from ..exchange.tables import ValueProblem, parse_date

    try:
        parsed = parse_date(value)
    except ValueProblem as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if parsed is None:
        raise argparse.ArgumentTypeError(_("A date is required."))
    return parsed


def _time(value: str) -> time:
    try:
        hours, minutes = value.strip().replace("h", ":").split(":")
        return time(int(hours), int(minutes or 0))
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("\u201c{value}\u201d is not a time: write it as HH:MM.").format(value=value)
        ) from None


def add_print_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``print`` to the main parser's subcommands; returns the new parser."""
    p = subparsers.add_parser(
        "print", help=_("print an official document to PDF or Word (.docx)"),
        description=_("Print minutes, a concluding notice, the log book, an appointment "
                      "slip, a receipt for documents or the copy for the verifiers as PDF, "
                      "or as a Word document (--format docx, or a file name ending in "
                      ".docx)."),
    )
    p.add_argument("document", choices=DOCUMENTS, help=_("the document to print"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("the file to write"))
    p.add_argument("--format", dest="print_format", choices=outputs.DOCUMENT_FORMATS,
                   help=_("pdf or docx (default: from the file name, else pdf)"))
    p.add_argument("--session", metavar="ID|REF",
                   help=_("a reception session or dialogue, by id or reference"))
    p.add_argument("--visit", metavar="ID", help=_("a visit, by id"))
    p.add_argument("--meeting", metavar="ID|REF", help=_("a working meeting, by id or reference"))
    p.add_argument("--minutes", metavar="ID", dest="minutes_id",
                   help=_("particular minutes by id (an addendum, for instance)"))
    p.add_argument("--copy", choices=["office", "citizens"], default="office",
                   help=_("minutes: the office's copy with every citizen (office), or a "
                          "signature page for each citizen with only that citizen on it "
                          "(citizens)"))
    p.add_argument("--notice", metavar="ID|NUMBER",
                   help=_("a concluding notice, by id or number"))
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE",
                   help=_("first day of the log book"))
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE",
                   help=_("last day of the log book"))
    p.add_argument("--unit", metavar="CODE",
                   help=_("the unit (default: the unit this database is kept for)"))
    p.add_argument("--citizen", metavar="ID", help=_("the citizen of a slip or receipt"))
    p.add_argument("--petition", metavar="ID|REF",
                   help=_("verifier: the petition, by id or reference"))
    p.add_argument("--official", metavar="ID", help=_("the receiving official"))
    p.add_argument("--date", dest="on", type=_date, metavar="DATE",
                   help=_("slip: the day to come back; receipt: the day received"))
    p.add_argument("--time", dest="at", type=_time, metavar="HH:MM",
                   help=_("slip: the time to come back"))
    p.add_argument("--place", default="", help=_("slip: where to come back"))
    p.add_argument("--reason", default="", help=_("slip: why the citizen is to come back"))
    p.add_argument("--documents", default="", metavar="NAME:COUNT;...",
                   help=_("receipt: the documents handed in"))
    p.add_argument("--number", help=_("the number printed on a slip or receipt"))
    p.add_argument("--lang", dest="doc_lang", choices=["vi", "en"],
                   help=_("language of the document (default: the interface language)"))
    return p


# --- finding what to print -------------------------------------------------------------


def _unit(s: Session, code: str | None):
    if code:
        return unit_named(s, code)
    unit = home_unit(s)
    if unit is None:
        raise NotFoundError(_("Choose the unit with --unit: this database has no home unit."))
    return unit


def _by_id_or_ref(s: Session, model, column, value: str, unit_code: str | None, missing: str):
    record = s.get(model, value)
    if record is not None:
        return record
    stmt = select(model).where(column == value.strip())
    if unit_code:
        stmt = stmt.where(model.unit_id == _unit(s, unit_code).id)
    found = list(s.scalars(stmt.limit(2)))
    if not found:
        raise NotFoundError(missing)
    if len(found) > 1:
        raise ValidationError.single(
            "ref", _("\u201c{ref}\u201d names records of several units; add --unit CODE.")
            .format(ref=value))
    return found[0]


def _require(value, option: str, document: str) -> None:
    if not value:
        raise ValidationError.single(
            option, _("Printing {document} needs {option}.").format(
                document=_(DOCUMENT_NAMES.get(document, document)), option=option))


def _citizen_and_official(s: Session, args) -> tuple[str, str | None, str]:
    """The citizen, the receiving official and the unit of a slip or receipt."""
    official_id = args.official
    if args.visit:
        visit = s.get(Visit, args.visit)
        if visit is None:
            raise NotFoundError(_("The visit no longer exists."))
        citizen_id = args.citizen or visit.citizen_id
        rs = visit.session
        official_id = official_id or rs.recorder_official_id or rs.presiding_official_id
        unit_id = visit.unit_id
    else:
        _require(args.citizen, "--citizen", args.document)
        citizen_id = args.citizen
        citizen = s.get(Citizen, citizen_id)
        if citizen is None:
            raise NotFoundError(_("The citizen no longer exists."))
        unit_id = _unit(s, args.unit).id if args.unit else citizen.unit_id
    if not citizen_id:
        raise ValidationError.single("--citizen", _("The visit has no citizen; add --citizen."))
    if official_id and s.get(Official, official_id) is None:
        raise NotFoundError(_("The official no longer exists."))
    return citizen_id, official_id, unit_id


# --- the command ------------------------------------------------------------------------


def cmd_print(args: argparse.Namespace, db) -> int:
    """Print one document to ``args.out``; prints one line and returns 0."""
    out = Path(args.out)
    lang = getattr(args, "doc_lang", None)
    # the format named and the file's name must agree (refused before anything is read)
    args.print_format = outputs.document_format(out, getattr(args, "print_format", None))
    with db.session() as s:
        # through the door: permission, audit, protection; the file appears only whole
        line = _PRINTERS[args.document](s, args, out, lang)
    print(line)
    return 0


def _pages(n: int | None) -> str:
    if n is None:  # a Word copy: its pages are Word's to lay out
        return _("Word document")
    return ngettext("{count} page", "{count} pages", n).format(count=format_number(n))


def _print_minutes(s: Session, args, out: Path, lang: str | None) -> str:
    if args.minutes_id:
        m = minutes_service.get_minutes(s, args.minutes_id)
    elif args.visit:
        visit = s.get(Visit, args.visit)
        if visit is None:
            raise NotFoundError(_("The visit no longer exists."))
        m = minutes_service.minutes_for(s, MinutesSubject.VISIT, visit.id)
    elif args.session:
        rs = _by_id_or_ref(s, ReceptionSession, ReceptionSession.ref, args.session, args.unit,
                           _("There is no reception session \u201c{ref}\u201d.").format(
                               ref=args.session))
        m = minutes_service.minutes_for(s, MinutesSubject.SESSION, rs.id)
    elif args.meeting:
        meeting = _by_id_or_ref(s, WorkingMeeting, WorkingMeeting.ref, args.meeting, args.unit,
                                _("There is no working meeting \u201c{ref}\u201d.").format(
                                    ref=args.meeting))
        m = minutes_service.minutes_for(s, MinutesSubject.MEETING, meeting.id)
    else:
        raise ValidationError.single(
            "--session", _("Name the minutes to print: --session, --visit, --meeting or "
                           "--minutes."))
    copy = getattr(args, "copy", "office") or "office"
    pages = outputs.print_minutes(s, m.id, out, lang=lang, copy=copy, fmt=args.print_format)
    if args.print_format == "pdf":
        # printed for signing: that version is frozen; a Word copy is only a copy
        minutes_service.mark_printed(s, m.id)
    if copy == "citizens":
        return _("Citizens' signature pages of minutes {number} written to {path} "
                 "({pages}).").format(number=m.number, path=out, pages=_pages(pages))
    return _("Minutes {number} written to {path} ({pages}).").format(
        number=m.number, path=out, pages=_pages(pages))


def _print_notice(s: Session, args, out: Path, lang: str | None) -> str:
    if args.notice:
        notice = _by_id_or_ref(s, ConcludingNotice, ConcludingNotice.number, args.notice,
                               args.unit, _("There is no concluding notice \u201c{ref}\u201d.")
                               .format(ref=args.notice))
    else:
        notice = _notice_of(s, args)
    pages = outputs.print_notice(s, notice.id, out, lang=lang, fmt=args.print_format)
    return _("Notice {number} written to {path} ({pages}).").format(
        number=notice.number, path=out, pages=_pages(pages))


def _notice_of(s: Session, args) -> ConcludingNotice:
    if args.meeting:
        meeting = _by_id_or_ref(s, WorkingMeeting, WorkingMeeting.ref, args.meeting, args.unit,
                                _("There is no working meeting \u201c{ref}\u201d.").format(
                                    ref=args.meeting))
        column, owner = ConcludingNotice.meeting_id, meeting.id
    elif args.session:
        rs = _by_id_or_ref(s, ReceptionSession, ReceptionSession.ref, args.session, args.unit,
                           _("There is no reception session \u201c{ref}\u201d.").format(
                               ref=args.session))
        column, owner = ConcludingNotice.session_id, rs.id
    else:
        raise ValidationError.single(
            "--notice", _("Name the notice to print: --notice, --meeting or --session."))
    notice = s.scalar(select(ConcludingNotice).where(column == owner)
                      .order_by(ConcludingNotice.issued_on.desc(),
                                ConcludingNotice.created_at.desc()).limit(1))
    if notice is None:
        raise NotFoundError(_("No concluding notice was issued for it yet."))
    return notice


def _print_logbook(s: Session, args, out: Path, lang: str | None) -> str:
    if args.date_from and args.date_to and args.date_to < args.date_from:
        raise ValidationError.single("--to", _("The last day cannot be before the first day."))
    unit = _unit(s, args.unit)
    rows, pages = outputs.print_logbook(s, unit.id, args.date_from, args.date_to, out,
                                        lang=lang, unit_ids=[unit.id],
                                        fmt=args.print_format)
    return _("Log book written to {path}: {rows} visits, {pages}.").format(
        path=out, rows=format_number(rows), pages=_pages(pages))


def _print_slip(s: Session, args, out: Path, lang: str | None) -> str:
    citizen_id, official_id, unit_id = _citizen_and_official(s, args)
    _require(args.on, "--date", args.document)
    pages = outputs.print_slip(
        s, unit_id, citizen_id, args.on, args.reason, out, official_id=official_id,
        at=args.at, place=args.place, number=args.number, lang=lang, fmt=args.print_format)
    return _("Appointment slip written to {path} ({pages}).").format(
        path=out, pages=_pages(pages))


def _print_receipt(s: Session, args, out: Path, lang: str | None) -> str:
    from ..documents.notices import parse_documents

    citizen_id, official_id, unit_id = _citizen_and_official(s, args)
    _require(args.documents, "--documents", args.document)
    documents = parse_documents(args.documents)
    pages = outputs.print_receipt(s, unit_id, citizen_id, documents, out,
                                  official_id=official_id, received_on=args.on,
                                  number=args.number, lang=lang, fmt=args.print_format)
    return _("Receipt written to {path} ({pages}).").format(path=out, pages=_pages(pages))


def _print_verifier(s: Session, args, out: Path, lang: str | None) -> str:
    from ..model import Petition

    _require(getattr(args, "petition", None), "--petition", args.document)
    p = _by_id_or_ref(s, Petition, Petition.ref, args.petition, args.unit,
                      _("There is no petition \u201c{ref}\u201d.").format(ref=args.petition))
    pages = outputs.print_verifier_copy(s, p.id, out, lang=lang,
                                         fmt=args.print_format)
    return _("Copy for the verifiers written to {path} ({pages}); the petitioners' identity "
             "is withheld.").format(path=out, pages=_pages(pages))


_PRINTERS = {
    "minutes": _print_minutes,
    "notice": _print_notice,
    "logbook": _print_logbook,
    "slip": _print_slip,
    "receipt": _print_receipt,
    "verifier": _print_verifier,
}
