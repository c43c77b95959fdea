"""``receptiondesk export national FILE``: the export for the national complaints database.

    receptiondesk --db FILE export national out.xlsx|out.json [--from DATE] [--to DATE]
        [--unit CODE] [--allow-unmapped]

The format follows the file's extension. Without ``--unit`` the home unit and the units
below it are exported. Values with no national code stop the export (each is listed) unless
``--allow-unmapped``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _
from .common import EXIT_ERROR, EXIT_OK, CliError, open_database_for, unit_named


def export_national_command(args: argparse.Namespace) -> int:
    from ..exchange.national import FORMATS, UnmappedCodesError, default_scope, summary_lines
    from ..services.outputs import export_national

    path = Path(args.file)
    if path.suffix.lower() not in FORMATS:
        raise CliError(_("Cannot write {name}: the file name must end in .xlsx or .json.")
                       .format(name=path.name))
    db = open_database_for(args)
    try:
        with db.session() as s:
            unit_id = unit_named(s, args.unit).id if getattr(args, "unit", None) else None
            scope = default_scope(s, unit_id, args.date_from, args.date_to)
            try:
                summary = export_national(
                    s, path, scope, allow_unmapped=bool(getattr(args, "allow_unmapped", False)))
            except UnmappedCodesError as exc:
                _refused(exc)
                return EXIT_ERROR
    finally:
        db.close()
    for line in summary_lines(summary):
        print(line)
    return EXIT_OK


def _refused(exc) -> None:
    """Every unmapped value on its own line, then what to do about it."""
    print(_("Error: {message}").format(message=exc), file=sys.stderr)
    for item in exc.unmapped:
        print("  " + item.message(), file=sys.stderr)
    print(_("Nothing was written. Add the missing codes in Settings \u25b8 National codes, or "
            "run again with --allow-unmapped to leave them blank."), file=sys.stderr)
