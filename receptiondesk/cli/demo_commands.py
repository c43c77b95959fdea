"""``receptiondesk demo --out FILE``: a demo database with its accounts."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..i18n import _, format_number, format_percent
from .common import EXIT_OK, CliError, say


def add_demo_parser(sub) -> None:
    """Add ``demo`` to the main parser's commands."""
    demo = sub.add_parser("demo", help=_("create a demo database"))
    demo.add_argument("--out", metavar="PATH",
                      help=_("the new database file (or an empty database given by "
                             "--database-url)"))
    demo.add_argument("--scale", choices=["small", "province"], default="small")
    demo.add_argument("--seed", type=int, default=1)


def _demo_progress() -> Callable[[str, float], None]:
    """Each step of the demo's load on standard error as it starts, with how far it is
    (a province takes a minute or more)."""
    shown: set[str] = set()

    def progress(message: str, fraction: float) -> None:
        if message not in shown:
            shown.add(message)
            print(f"  {format_percent(fraction * 100, 0)}  {message}", file=sys.stderr,
                  flush=True)

    return progress


def cmd_demo(args: argparse.Namespace) -> int:
    from ..demo import generate_demo
    from ..services.database import open_database

    if args.out is None and not args.database_url:
        raise CliError(_("Give the new database file with --out, or an empty database "
                         "with --database-url."))
    out = Path(args.out) if args.out is not None else None
    if out is not None and out.exists():
        raise CliError(
            _("{path} already exists; choose a new file for the demo database.").format(path=out)
        )
    start = time.perf_counter()
    db = open_database(out) if out is not None else open_database(database_url=args.database_url)
    where = str(out) if out is not None else db.engine.url.render_as_string(hide_password=True)
    try:
        summary = generate_demo(db, scale=args.scale, seed=args.seed, progress=_demo_progress())
        from ..services.accounts import create_demo_accounts, role_label, take_issued_recovery_key

        with db.session() as s:
            accounts = create_demo_accounts(s)
            recovery_key = take_issued_recovery_key(s)
    finally:
        db.close()
    elapsed = time.perf_counter() - start
    say(_("Demo database created: {path}").format(path=where))
    for table, count in summary.counts.items():
        say(f"  {table}: {format_number(count)}")
    if out is not None:
        say(
            _("Time: {seconds} s; size: {size} MB").format(
                seconds=format_number(elapsed, 1),
                size=format_number(out.stat().st_size / 1_048_576, 1),
            )
        )
    say(_("Accounts (user name, role, password):"))
    for username, role, password in accounts:
        say(f"  {username:<10} {role_label(role):<20} {password}")
    if recovery_key:
        say(_("Recovery key of the administrators' passwords (shown once; \u201cdb "
               "reset-admin\u201d asks for it): {key}").format(key=recovery_key))
    return EXIT_OK
