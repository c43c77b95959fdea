"""What every command shares: the exit codes, the one-line error, the database a command
opens, and the argument types."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from ..i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..db import Database
    from ..model import Unit

#: a command's exit codes: done, failed (a message said why), the command line was wrong
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
#: interrupted with Ctrl+C (128 + SIGINT, as a shell reports it)
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """A failure to report as one line."""


class Parser(argparse.ArgumentParser):
    """argparse with its own messages translated and errors as one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, _("receptiondesk: {message}").format(message=message) + "\n")


def open_database_for(args: argparse.Namespace) -> Database:
    """The database a command works on (``--db`` or ``--database-url``), open and
    migrated; the caller closes it."""
    from ..services.database import open_database

    return open_database(args.db, args.database_url)


def unit_named(session: Session, code: str) -> Unit:
    """The unit a command's ``--unit CODE`` names; NotFoundError, naming the code, if none."""
    from ..services.errors import NotFoundError
    from ..services.units import unit_by_code

    unit = unit_by_code(session, code.strip())
    if unit is None:
        raise NotFoundError(_("There is no unit with code {code}.").format(code=code))
    return unit


def say(line: str = "") -> None:
    """One line of a command's result on standard output."""
    print(line)


def parse_date(text: str) -> date:
    """An argument that is a date: YYYY-MM-DD or DD/MM/YYYY."""
    from ..exchange.tables import ValueProblem
    from ..exchange.tables import parse_date as parse

    try:
        value = parse(text)
    except ValueProblem:
        value = None
    if value is None:
        raise argparse.ArgumentTypeError(
            _("\u201c{value}\u201d is not a date (use YYYY-MM-DD or DD/MM/YYYY)").format(
                value=text
            )
        )
    return value
