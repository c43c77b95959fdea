"""``receptiondesk report periodic …``: the periodic report from the command line.

    receptiondesk report periodic --from 2026-01-01 --to 2026-06-30 --format pdf --out r.pdf
    receptiondesk report periodic --preset 6m --year 2026 [--unit CODE] --out r.xlsx
    receptiondesk report periodic --preset year --year 2026 --out r.docx   (a Word copy)
    receptiondesk report periodic --preset month --year 2026 --month 3 --format json --out r.json

The CLI adds the parser with :func:`add_report_parser` and runs :func:`cmd_report` with
the open database. Mistakes raise ``ServiceError`` subclasses with translated messages.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..i18n import _, format_number, ngettext
from ..reports.periods import (
    PRESET_CUSTOM,
    PRESET_MONTH,
    PRESET_TERM,
    PRESETS,
    Period,
    custom_period,
    period_for_preset,
)
from ..reports.saving import FORMATS, fill_report_template, save_periodic_report
from ..services.errors import ValidationError


def _date(text: str) -> date:
    from ..exchange.tables import parse_date

    try:
        value = parse_date(text)
    except ValueError as exc:  # ValueProblem: already a translated message
        raise argparse.ArgumentTypeError(str(exc)) from exc
    if value is None:
        raise argparse.ArgumentTypeError(_("Enter a date."))
    return value


def add_report_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``report periodic`` to the CLI's subcommands; returns the ``report`` parser."""
    report = subparsers.add_parser("report", help=_("produce a report"))
    sub = report.add_subparsers(dest="report_command", metavar="REPORT",
                                parser_class=type(report))
    sub.required = True
    p = sub.add_parser(
        "periodic",
        help=_("the periodic report on citizen reception, complaints and denunciations"),
    )
    _period_arguments(p)
    p.add_argument("--format", dest="report_format", choices=FORMATS,
                   help=_("the output format (default: from the file name)"))
    p.add_argument("--template", metavar="FILE.xlsx",
                   help=_("fill this workbook's placeholders (see “report fields”) and "
                          "keep the rest of it"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("the file to write"))
    # Not "lang": the global --lang would be overwritten by this parser's default.
    p.add_argument("--lang", dest="report_lang", choices=["vi", "en"],
                   help=_("language of the document"))
    sub.add_parser("fields", help=_("list the placeholders a workbook passed to "
                                    "--template may hold, with their meaning"))
    issue = sub.add_parser("issue", help=_(
        "issue the periodic report under its next number, keeping it as issued"))
    _period_arguments(issue)
    issue.add_argument("--replaces", metavar="NUMBER",
                       help=_("the number of the issued report this one corrects"))
    issue.add_argument("--out", metavar="FILE.pdf", help=_("also save the issued report"))
    issue.add_argument("--lang", dest="report_lang", choices=["vi", "en"],
                       help=_("language of the document"))
    issued = sub.add_parser("issued", help=_("list the reports issued"))
    issued.add_argument("--unit", metavar="CODE")
    reprint = sub.add_parser("reprint", help=_(
        "save an issued report exactly as it was issued"))
    reprint.add_argument("number", metavar="NUMBER")
    reprint.add_argument("--unit", metavar="CODE")
    reprint.add_argument("--out", required=True, metavar="FILE.pdf",
                         help=_("the file to write"))
    register = sub.add_parser("register", help=_(
        "the register of outgoing documents for a period (PDF or Excel)"))
    register.add_argument("--from", dest="date_from", type=_date, metavar="DATE",
                          required=True, help=_("first day of the period"))
    register.add_argument("--to", dest="date_to", type=_date, metavar="DATE", required=True,
                          help=_("last day of the period"))
    register.add_argument("--unit", metavar="CODE")
    register.add_argument("--out", required=True, metavar="FILE",
                          help=_("the file to write (.pdf or .xlsx)"))
    register.add_argument("--lang", dest="report_lang", choices=["vi", "en"],
                          help=_("language of the document"))
    return report


def _period_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE",
                   help=_("first day of the period"))
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE",
                   help=_("last day of the period"))
    p.add_argument("--preset", choices=[x for x in PRESETS if x != PRESET_CUSTOM],
                   help=_("a standard period ending in --year"))
    p.add_argument("--year", type=int, metavar="N")
    p.add_argument("--month", type=int, metavar="N")
    p.add_argument("--unit", metavar="CODE",
                   help=_("the unit reported on, with the units below it (default: the "
                          "home unit)"))


def _period(args: argparse.Namespace) -> Period:
    date_from = getattr(args, "date_from", None)
    date_to = getattr(args, "date_to", None)
    preset = getattr(args, "preset", None)
    if preset:
        if preset != PRESET_TERM and args.year is None:
            raise ValidationError.single("year", _("Give the year of the period with --year."))
        if preset == PRESET_MONTH and args.month is None:
            raise ValidationError.single("month", _("Give the month with --month."))
        if preset == PRESET_MONTH and not 1 <= args.month <= 12:
            raise ValidationError.single("month", _("The month must be from 1 to 12."))
        if preset == PRESET_TERM and date_from is None and args.year is None:
            raise ValidationError.single(
                "date_from", _("Give the start of the term with --from or --year."))
        if args.year is not None and not 1900 <= args.year <= 9000:
            raise ValidationError.single("year", _("The year is not valid."))
        period = period_for_preset(preset, year=args.year, month=args.month,
                                   start=date_from, end=date_to)
        start, end = period.start, period.end
    else:
        if date_from is None or date_to is None:
            raise ValidationError.single(
                "date_from", _("Give the period with --from and --to, or with --preset."))
        period = None
        start, end = date_from, date_to
    if end < start:
        raise ValidationError.single(
            "date_to", _("The end of the period cannot be before its start."))
    return period or custom_period(start, end)


def _unit_id(session, code: str | None) -> str:
    from sqlalchemy import select

    from ..model import Unit
    from ..services.units import home_unit
    from .common import unit_named

    if code:
        return unit_named(session, code).id
    unit = home_unit(session)
    if unit is not None:
        return unit.id
    roots = list(session.scalars(select(Unit.id).where(Unit.parent_id.is_(None)).limit(2)))
    if len(roots) == 1:
        return roots[0]
    raise ValidationError.single("unit", _("Choose the unit with --unit CODE."))


def _format(args: argparse.Namespace) -> str:
    fmt = getattr(args, "report_format", None)
    if fmt:
        return fmt
    suffix = Path(args.out).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise ValidationError.single(
        "format", _("Choose the format with --format pdf, docx, xlsx or json."))




def cmd_fields(db) -> int:
    """Print every placeholder of ``--template`` with its meaning, one a line."""
    from ..reports.periodic import field_names
    from ..reports.template import placeholders

    with db.session() as session:
        names = field_names(session)
    for p in placeholders(names):
        print(f"{{{{{p.name}}}}}\t{p.meaning}")
    return 0


def cmd_report(args: argparse.Namespace, db) -> int:
    """Run ``report periodic`` (prints one line, returns 0 on success) or ``report
    fields``."""
    if args.report_command == "fields":
        return cmd_fields(db)
    if args.report_command in _KEEPING_COMMANDS:
        return _KEEPING_COMMANDS[args.report_command](args, db)
    period = _period(args)
    out = Path(args.out)
    if not out.parent.exists():
        raise ValidationError.single(
            "out", _("The folder {folder} does not exist.").format(folder=out.parent))
    if getattr(args, "template", None):
        return _cmd_template(args, db, period, Path(args.template), out)
    fmt = _format(args)
    lang = getattr(args, "report_lang", None) or getattr(args, "lang", None)
    with db.session() as session:
        unit_id = _unit_id(session, getattr(args, "unit", None))
    saved = save_periodic_report(db, unit_id, period, out, fmt, lang=lang)
    if fmt == "pdf":
        detail = ngettext("{count} page", "{count} pages", saved.pages or 0).format(
            count=format_number(saved.pages or 0))
    else:
        detail = fmt.upper()
    print(_("Report written: {path} ({detail}; figures computed in {ms} ms)").format(
        path=out, detail=detail, ms=format_number(round(saved.report.elapsed_ms))))
    return 0


def _cmd_template(args: argparse.Namespace, db, period: Period, template: Path,
                  out: Path) -> int:
    if out.suffix.lower() != template.suffix.lower():
        raise ValidationError.single("out", _(
            "The filled workbook must keep the template's kind: name it …{suffix}.").format(
                suffix=template.suffix.lower()))
    with db.session() as session:
        unit_id = _unit_id(session, getattr(args, "unit", None))
    filled = fill_report_template(db, unit_id, period, template, out)
    print(ngettext("Workbook filled: {path} ({count} cell)",
                   "Workbook filled: {path} ({count} cells)", filled.cells).format(
        path=out, count=format_number(filled.cells)))
    if filled.not_kept:
        print(_("Not kept from the template: {parts}.").format(
            parts=", ".join(filled.not_kept)))
    return 0


# --- reports kept: issue, list, reprint; the register of outgoing documents -------------


def _cmd_issue(args: argparse.Namespace, db) -> int:
    from ..services import outputs
    from ..services import report_keeping as keeping

    period = _period(args)
    lang = getattr(args, "report_lang", None) or getattr(args, "lang", None)
    with db.session() as session:
        unit_id = _unit_id(session, getattr(args, "unit", None))
        replaces = (keeping.find_issued(session, args.replaces, unit_id).id
                    if args.replaces else None)
        row = keeping.issue_report(session, unit_id, period, replaces_id=replaces, lang=lang)
        number, issued_id = row.number, row.id
    print(_("Report issued: {number} ({period}).").format(number=number, period=period.title))
    if args.out:
        with db.session() as session:
            outputs.reprint_issued_report(session, issued_id, Path(args.out))
        print(_("Saved to {path}.").format(path=args.out))
    return 0


def _cmd_issued(args: argparse.Namespace, db) -> int:
    from ..i18n import format_date
    from ..services import report_keeping as keeping

    with db.session() as session:
        unit_ids = ([_unit_id(session, args.unit)] if getattr(args, "unit", None) else None)
        rows = keeping.issued_reports(session, unit_ids)
    for r in rows:
        print("\t".join([r.number, format_date(r.issued_on), r.summary, "; ".join(r.notes())]))
    if not rows:
        print(_("No report has been issued."))
    return 0


def _cmd_reprint(args: argparse.Namespace, db) -> int:
    from ..services import outputs
    from ..services import report_keeping as keeping

    with db.session() as session:
        unit_id = _unit_id(session, args.unit) if getattr(args, "unit", None) else None
        row = keeping.find_issued(session, args.number, unit_id)
        outputs.reprint_issued_report(session, row.id, Path(args.out))
    print(_("Saved to {path}.").format(path=args.out))
    return 0


def _cmd_register(args: argparse.Namespace, db) -> int:
    from ..services import outputs

    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "xlsx"):
        raise ValidationError.single("out", _("Name the file …pdf or …xlsx."))
    if args.date_to < args.date_from:
        raise ValidationError.single(
            "date_to", _("The end of the period cannot be before its start."))
    lang = getattr(args, "report_lang", None) or getattr(args, "lang", None)
    with db.session() as session:
        unit_id = _unit_id(session, getattr(args, "unit", None))
        count, _pages = outputs.print_outgoing_register(
            session, unit_id, args.date_from, args.date_to, out, fmt=fmt, lang=lang)
    print(ngettext("Register written: {path} ({count} document)",
                   "Register written: {path} ({count} documents)", count).format(
        path=out, count=format_number(count)))
    return 0


_KEEPING_COMMANDS = {"issue": _cmd_issue, "issued": _cmd_issued, "reprint": _cmd_reprint,
                     "register": _cmd_register}
