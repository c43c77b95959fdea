"""``receptiondesk import|export|codes``: files in and out (CSV, XLSX, bundles, the national
format) and the codes they accept."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _, format_number
from .common import EXIT_OK, CliError, open_database_for, parse_date, say, unit_named


def add_exchange_parsers(sub) -> None:
    """Add ``import``, ``export`` and ``codes`` to the main parser's commands."""
    kinds_in = ["units", "logbook", "petitions", "meetings", "inspections"]
    imp = sub.add_parser("import", help=_("import a CSV or XLSX file, or a bundle from an office"))
    imp.add_argument("kind", choices=[*kinds_in, "bundle"])
    imp.add_argument("file")
    imp.add_argument("--yes", action="store_true",
                     help=_("bundle: apply without asking"))
    imp.add_argument("--trust-new-key", action="store_true",
                     help=_("bundle: register the sending office's key if it is new"))
    imp.add_argument("--unit", metavar="CODE", help=_("the unit for rows that name none"))
    imp.add_argument("--dry-run", action="store_true",
                     help=_("check the file and report, without writing anything"))

    exp = sub.add_parser(
        "export", help=_("export to a CSV or XLSX file, a bundle or the national format"))
    exp.add_argument("kind", choices=[*kinds_in, "bundle", "national"])
    exp.add_argument("file", nargs="?")
    exp.add_argument("--out", metavar="FILE", help=_("the file to write"))
    exp.add_argument("--since", type=parse_date, metavar="DATE",
                     help=_("bundle: records changed since this date "
                            "(default: since the last bundle)"))
    exp.add_argument("--from", dest="date_from", type=parse_date, metavar="DATE")
    exp.add_argument("--to", dest="date_to", type=parse_date, metavar="DATE")
    exp.add_argument("--unit", metavar="CODE", help=_("only this unit and the units below it"))
    exp.add_argument("--allow-unmapped", action="store_true",
                     help=_("national: export values with no national code, left blank"))

    sub.add_parser("codes", help=_("list the codes accepted in files"))


def cmd_import(args: argparse.Namespace) -> int:
    if args.kind == "bundle":
        from .bundle_commands import import_bundle_command

        return import_bundle_command(args)
    from ..exchange.importer import import_file

    path = Path(args.file)
    if not path.exists():
        raise CliError(_("There is no file at {path}.").format(path=path))
    db = open_database_for(args)
    try:
        with db.session() as s:
            unit_id = unit_named(s, args.unit).id if args.unit else None
            report = import_file(s, args.kind, path, unit_id=unit_id, dry_run=args.dry_run)
    finally:
        db.close()
    for line in report.lines():
        say(line)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    args.file = args.out or args.file
    if not args.file:
        raise CliError(_("Give the file to write (FILE or --out FILE)."))
    if args.kind == "bundle":
        from .bundle_commands import export_bundle_command

        return export_bundle_command(args)
    if args.kind == "national":
        from .national_commands import export_national_command

        return export_national_command(args)
    from ..services.outputs import export_table
    from ..services.units import unit_and_descendants

    db = open_database_for(args)
    try:
        with db.session() as s:
            unit_ids = unit_and_descendants(s, unit_named(s, args.unit).id) if args.unit else None
            count = export_table(
                s,
                args.kind,
                Path(args.file),
                unit_ids=unit_ids,
                date_from=args.date_from,
                date_to=args.date_to,
            )
    finally:
        db.close()
    say(_("Exported {count} rows to {path}.").format(count=format_number(count), path=args.file))
    return EXIT_OK


def cmd_codes(args: argparse.Namespace) -> int:
    from ..exchange.codes import code_lists, list_titles

    db = open_database_for(args)
    try:
        with db.session() as s:
            lists = code_lists(s)
    finally:
        db.close()
    titles = list_titles()
    for name, entries in lists.items():
        say(f"{name} — {titles.get(name, name)}:")
        for code, text in entries:
            say(f"  {code:<22} {text}")
    return EXIT_OK
