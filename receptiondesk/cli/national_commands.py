"""``receptiondesk export national FILE``: the export for the national complaints database.

    receptiondesk --db FILE export national out.xlsx|out.json [--from DATE] [--to DATE]
        [--unit CODE] [--allow-unmapped]

The format follows the file's extension. Without ``--unit`` the home unit and the units
below it are exported. Values with no national code stop the export (each is listed) unless
``--allow-unmapped``.

Progress goes to standard error: on a terminal one line rewritten as pages are written,
otherwise a line at every tenth of the records (a log keeps a few lines, not thousands).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from ..i18n import _, format_number, format_percent
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
            shown = Progress(sys.stderr)
            try:
                summary = export_national(
                    s, path, scope, allow_unmapped=bool(getattr(args, "allow_unmapped", False)),
                    progress=shown)
            except UnmappedCodesError as exc:
                _refused(exc)
                return EXIT_ERROR
            finally:
                shown.end()
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


class Progress:
    """``progress(done, total)`` for :func:`export_national`, shown on ``stream``."""

    STEPS = 10  # lines when the stream is not a terminal

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        try:
            self.terminal = stream.isatty()
        except (AttributeError, ValueError, OSError):
            self.terminal = False
        self._last = -1  # the last percent (terminal) or tenth (log) shown
        self._open = False  # a terminal line waiting for its end

    def line(self, done: int, total: int) -> str:
        return _("Writing records: {done} of {total} ({percent})").format(
            done=format_number(done), total=format_number(total),
            percent=format_percent(100 * done / total if total else 100, 0))

    def __call__(self, done: int, total: int) -> bool:
        if total <= 0:
            return True
        if self.terminal:
            step = 100 * done // total
            if step != self._last:
                self._last = step
                print("\r" + self.line(done, total), end="", file=self.stream, flush=True)
                self._open = True
        else:
            step = self.STEPS * done // total
            if step != self._last:
                self._last = step
                print(self.line(done, total), file=self.stream, flush=True)
        return True

    def end(self) -> None:
        """Close the terminal's line (after the last page, a refusal or a failure)."""
        if self._open:
            print(file=self.stream, flush=True)
            self._open = False
