"""The command line's entry point (``main``): the parser, the sign-in, and the dispatch to
each command area's module (see :mod:`receptiondesk.cli`).

    receptiondesk [--db PATH | --database-url URL] [--lang vi|en] COMMAND ...

With no command it starts the desktop application. A user's mistake prints one
clear line in the chosen language and exits non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from .. import i18n
from ..i18n import _, set_language
from .common import EXIT_ERROR, EXIT_INTERRUPTED, CliError, Parser, open_database_for, parse_date

# argparse's own messages ("usage: ", "options", its errors) come from our catalogs too;
# they are listed for extraction in receptiondesk/argparse_messages.py.
argparse._ = i18n._  # type: ignore[attr-defined]
argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    from .db_commands import add_db_parser
    from .demo_commands import add_demo_parser
    from .exchange_commands import add_exchange_parsers
    from .print_commands import add_print_parser
    from .report_commands import add_report_parser
    from .search_commands import add_search_parser
    from .unit_commands import add_unit_parser
    from .window_commands import add_screenshot_parser

    p = Parser(
        prog="receptiondesk",
        description=_("Citizen reception log, petitions and official documents."),
    )
    p.add_argument("--db", metavar="PATH", help=_("the database file to use"))
    p.add_argument("--database-url", metavar="URL", help=_("any SQLAlchemy database URL"))
    p.add_argument("--lang", choices=["vi", "en"], help=_("language of messages"))
    p.add_argument("--user", metavar="NAME",
                   help=_("act as this user (password from RECEPTIONDESK_PASSWORD, or asked)"))
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    add_demo_parser(sub)
    add_db_parser(sub)
    add_exchange_parsers(sub)
    add_search_parser(sub)
    add_print_parser(sub)
    add_report_parser(sub)
    add_unit_parser(sub, parse_date)
    add_screenshot_parser(sub)
    return p


def _with_database(command: Callable[[argparse.Namespace, object], int]
                   ) -> Callable[[argparse.Namespace], int]:
    """A command that works on the open database, closed when it ends."""

    def run_on_database(args: argparse.Namespace) -> int:
        db = open_database_for(args)
        try:
            return command(args, db)
        finally:
            db.close()

    return run_on_database


#: each command's module and function; a module is imported only when its command runs (the
#: window must not wait for the document and report modules, nor SQLAlchemy, to load)
_COMMAND_FUNCTIONS: dict[str, tuple[str, str, bool]] = {
    # name: (module in this package, function, whether it is handed the open database)
    "gui": ("window_commands", "cmd_gui", False),
    "demo": ("demo_commands", "cmd_demo", False),
    "db": ("db_commands", "cmd_db", False),
    "import": ("exchange_commands", "cmd_import", False),
    "export": ("exchange_commands", "cmd_export", False),
    "codes": ("exchange_commands", "cmd_codes", False),
    "search": ("search_commands", "cmd_search", False),
    "screenshot": ("window_commands", "cmd_screenshot", False),
    "print": ("print_commands", "cmd_print", True),
    "report": ("report_commands", "cmd_report", True),
    "unit": ("unit_commands", "cmd_unit", True),
}


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """The function of a command, its module imported now."""
    module_name, function_name, on_database = _COMMAND_FUNCTIONS[name]
    function = getattr(importlib.import_module(f"{__package__}.{module_name}"), function_name)
    return _with_database(function) if on_database else function


def _deferred(name: str) -> Callable[[argparse.Namespace], int]:
    def run_command(args: argparse.Namespace) -> int:
        return _command(name)(args)

    return run_command


#: each command's function, by name (None: no command, the window); a test may replace one
COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: _deferred("gui"),
    **{name: _deferred(name) for name in _COMMAND_FUNCTIONS if name != "gui"},
}




def _language_from_argv(argv: Sequence[str]) -> str | None:
    # The language must be set before argparse builds its (translated) help.
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def utf8_output() -> None:
    """Write UTF-8 to standard output and error when they go to a file or a pipe.

    Python writes redirected output in the console's code page (cp1258 on a Vietnamese
    Windows), which has no precomposed "ễ": ``receptiondesk --help > f`` or a scheduled
    ``db backup > log`` then ended in UnicodeEncodeError after the work was done. A
    terminal is left alone (Windows' console takes Unicode itself)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None or not hasattr(stream, "reconfigure"):
            continue  # the windowed build has no console
        try:
            interactive = stream.isatty()
        except (ValueError, OSError):
            continue
        if not interactive and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    utf8_output()
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_from_argv(argv) or "vi")
    if "--selftest" in argv:  # the frozen build's check: migrations, a record, a PDF, a window
        from ..selftest import run_selftest

        return run_selftest()
    args = _plain_start(argv) or build_parser().parse_args(argv)
    return run(args)


_START_OPTIONS = {"--db": "db", "--database-url": "database_url", "--lang": "lang"}


def _plain_start(argv: Sequence[str]) -> argparse.Namespace | None:
    """The options of starting the window (no command), read without building the parser:
    its help texts import the document and report modules, which the window does not need
    until later. None for anything else (a command, --help, a mistake), which the parser
    handles."""
    values: dict[str, str | None] = dict.fromkeys(_START_OPTIONS.values())
    rest = list(argv)
    while rest:
        option, equals, value = rest.pop(0).partition("=")
        if option not in _START_OPTIONS:
            return None
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        values[_START_OPTIONS[option]] = value
    if values["lang"] not in (None, "vi", "en"):
        return None
    return argparse.Namespace(command=None, user=None, **values)


def _runs_without_user(args: argparse.Namespace) -> bool:
    """The GUI signs in itself; demo, upgrade, check and recovery need no account."""
    if args.command in (None, "demo"):
        return True
    return args.command == "db" and args.db_command in ("upgrade", "check", "reset-admin",
                                                        "anchor", "location")


#: commands that read records or copy the database file: on a database with accounts
#: they run only as a signed-in user (``--user``)
_READS_RECORDS = frozenset({"search", "screenshot", "report", "print", "export", "import",
                            "unit"})


def _needs_user(args: argparse.Namespace) -> bool:
    if args.command in _READS_RECORDS:
        return True
    # restore checks its own permission on a file that may not open as a database
    return args.command == "db" and args.db_command == "backup"


def _refuse_without_user(args: argparse.Namespace) -> None:
    """Refuse, before anything is read, a command that needs a user when none is given
    (nor acting in this process, as in tests) and the database has accounts."""
    from ..services.accounts import ENV_PASSWORD, accounts_exist_for_cli, current_user

    if current_user() is None and accounts_exist_for_cli(args.db, args.database_url):
        raise CliError(_(
            "This database has user accounts: sign in with --user NAME (the password "
            "from {variable}, or asked on the terminal).").format(variable=ENV_PASSWORD))


#: commands that draw windows: their sessions nest as the window's do (see db)
_WINDOW_COMMANDS = (None, "screenshot")


def run(args: argparse.Namespace) -> int:
    if args.command in _WINDOW_COMMANDS:
        return _run(args)
    from ..db import begin_writes_immediately

    begin_writes_immediately()  # one unit of work at a time: each waits its turn
    try:
        return _run(args)
    finally:
        begin_writes_immediately(False)  # a caller in the same process (tests) is not changed


def _run(args: argparse.Namespace) -> int:
    try:
        user = getattr(args, "user", None)
        if not user and _needs_user(args):
            _refuse_without_user(args)
        if user and not _runs_without_user(args):
            from ..services.accounts import acting_as, sign_in_for_cli

            with acting_as(sign_in_for_cli(args.db, args.database_url, user)):
                return COMMANDS[args.command](args)
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        if isinstance(exc, _explained_errors()):
            details = getattr(exc, "errors", None)
            if details and len(details) > 1:  # one a line; a single one is the message
                print(_("Errors:"), file=sys.stderr)
                for err in details:
                    print("  " + (getattr(err, "message", None) or str(err)), file=sys.stderr)
            else:
                print(_("Error: {message}").format(message=exc), file=sys.stderr)
            return EXIT_ERROR
        if isinstance(exc, OSError):
            print(_("Error: {message}").format(message=exc.strerror or exc), file=sys.stderr)
            return EXIT_ERROR
        from ..crashlog import report

        print(report(exc), file=sys.stderr)  # the traceback goes to the log, not the screen
        return EXIT_ERROR


def _explained_errors() -> tuple[type[Exception], ...]:
    """Errors whose message is for the user. Imported only when one happened: the window's
    start must not wait for the database layer to load."""
    from ..db import DatabaseError
    from ..services.errors import ServiceError

    return CliError, DatabaseError, ServiceError


if __name__ == "__main__":
    sys.exit(main())
