"""``receptiondesk search TEXT``: citizens, visits and petitions found by their words."""

from __future__ import annotations

import argparse
import time

from ..i18n import _, format_number, ngettext
from .common import EXIT_OK, open_database_for, say


def add_search_parser(sub) -> None:
    """Add ``search`` to the main parser's commands."""
    search = sub.add_parser("search", help=_("search citizens, visits and petitions"))
    search.add_argument("text")
    search.add_argument("--json", action="store_true", help=_("print JSON"))
    search.add_argument("--limit", type=int, default=20)


def cmd_search(args: argparse.Namespace) -> int:
    from ..services import outputs

    db = open_database_for(args)
    try:
        with db.session() as s:
            start = time.perf_counter()
            results = outputs.search(s, args.text, limit=args.limit)
            elapsed = time.perf_counter() - start
    finally:
        db.close()
    if args.json:
        import json

        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=1))
        return EXIT_OK
    if not results:
        say(_("Nothing found for \u201c{text}\u201d.").format(text=args.text))
        return EXIT_OK
    for r in results:
        say(f"[{r.kind_label}] {r.title} — {r.detail}")
    say(
        ngettext("{count} result in {ms} ms.", "{count} results in {ms} ms.", len(results)).format(
            count=format_number(len(results)), ms=format_number(elapsed * 1000, 0)
        )
    )
    return EXIT_OK
