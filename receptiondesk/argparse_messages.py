"""argparse's own messages ("usage: ", "options", its errors), listed so that babel
extracts them into our gettext catalogs.

:mod:`receptiondesk.cli.entry` points argparse's module-level ``_`` and ``ngettext`` at
:mod:`receptiondesk.i18n`, so the help and the usage errors of the command line come out
in the interface language. The message ids are argparse's own, copied exactly from the
standard library (Python 3.11–3.13); keep their ``%s`` / ``%(name)s`` / ``%r`` arguments
and trailing spaces or newlines in the translation. Messages that only a programmer
can trigger (conflicting options, bad ``add_argument`` calls) are left out.

This module's function is never called: it exists for extraction.
"""

from __future__ import annotations

from .i18n import _, ngettext


def _argparse_messages() -> None:  # pragma: no cover - markers for babel, never called
    # the help
    _("usage: ")
    _("positional arguments")
    _("options")
    _("show this help message and exit")
    _("subcommands")
    # the usage errors
    _("%(prog)s: error: %(message)s\n")
    _("argument %(argument_name)s: %(message)s")
    _("the following arguments are required: %s")
    _("one of the arguments %s is required")
    _("not allowed with argument %s")
    _("unrecognized arguments: %s")
    _("ambiguous option: %(option)s could match %(matches)s")
    _("unexpected option string: %s")
    _("ignored explicit argument %r")
    _("expected one argument")
    _("expected at most one argument")
    _("expected at least one argument")
    ngettext("expected %s argument", "expected %s arguments", 2)
    _("invalid choice: %(value)r (choose from %(choices)s)")
    _("invalid %(type)s value: %(value)r")
    _("unknown parser %(parser_name)r (choices: %(choices)s)")
    _("can't open '%(filename)s': %(error)s")
