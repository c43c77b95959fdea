"""``receptiondesk export bundle`` and ``receptiondesk import bundle``.

Import is verified first (structure, every part's SHA-256, the signature, the key
registered for the sending office); a new office's key fingerprint is shown to be
compared by phone and registered only when confirmed (``--trust-new-key`` or a yes on
a terminal); then the counts are shown and applied only when confirmed (``--yes`` or a
yes on a terminal), in one transaction.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from ..exchange.bundle import BundleError, verify_bundle
from ..exchange.bundle_merge import (
    ImportResult,
    apply_import,
    deleted_message,
    kind_label,
    preview_import,
    require_import,
)
from ..i18n import _, format_datetime, format_number, ngettext
from ..services.office_keys import check_registered
from .common import EXIT_OK, open_database_for, say


def export_bundle_command(args: argparse.Namespace) -> int:
    from ..services.outputs import export_bundle

    db = open_database_for(args)
    try:
        with db.session() as s:
            result = export_bundle(s, Path(args.file), args.since)
    finally:
        db.close()
    say(_("Bundle written: {path}").format(path=result.path))
    if result.since is not None:
        say(_("Records changed since {since}.").format(since=result.since.isoformat(" ")))
    else:
        say(_("Every record (the first bundle of this office)."))
    for kind, count in result.counts.items():
        if count:
            say(f"  {kind_label(kind)}: {format_number(count)}")
    say(_("{count} records, {size} kB.").format(
        count=format_number(result.total), size=format_number(result.size / 1024, 1)))
    say(_("Key fingerprint of {code} (the upper level compares it by phone):").format(
        code=result.sender_code))
    say("  " + result.fingerprint)
    if not result.sent:
        say(_("This is a copy: only the office head sends bundles, so the next bundle "
               "still holds everything changed since the last one sent."))
    return EXIT_OK


def _confirm(question: str) -> bool:
    """A yes/no question on a terminal (no terminal: no)."""
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(question + " " + _("[y/N]") + " ")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes", "c", "co", "có", _("y")}


def _made(created: object) -> str:
    """When the bundle was made (UTC), as the user's locale writes it."""
    try:
        return format_datetime(datetime.fromisoformat(str(created))) + " UTC"
    except ValueError:
        return str(created or "")


def print_counts(result: ImportResult) -> None:
    say(_("Kind — new, updated, unchanged, conflicts, deleted:"))
    for kind, c in result.counts.items():
        if c.any:
            say(f"  {kind_label(kind)}: {format_number(c.new)}, {format_number(c.updated)}, "
                 f"{format_number(c.unchanged)}, {format_number(c.conflicts)}, "
                 f"{format_number(c.deleted)}")
    t = result.total
    say(_("Total: {new} new, {updated} updated, {unchanged} unchanged, {conflicts} "
           "conflicts, {deleted} deleted.").format(
               new=format_number(t.new), updated=format_number(t.updated),
               unchanged=format_number(t.unchanged), conflicts=format_number(t.conflicts),
               deleted=format_number(t.deleted)))


def import_bundle_command(args: argparse.Namespace) -> int:
    path = Path(args.file)
    bundle = verify_bundle(path)
    sender = bundle.sender
    say(_("Bundle of {name} ({code}), made {created}: signature and {count} parts "
           "verified.").format(name=sender["name"], code=sender["code"],
                               created=_made(bundle.manifest.get("created_at")),
                               count=len(bundle.parts)))
    db = open_database_for(args)
    try:
        with db.session() as s:
            require_import(s)  # before anyone is asked to compare a fingerprint
            registered = check_registered(s, sender["code"], bundle.public_key)
        if not registered:
            say(_("No key is registered yet for {code}. Its key fingerprint is:").format(
                code=sender["code"]))
            say("  " + bundle.fingerprint)
            say(_("Compare it with the sending office by phone before you trust it."))
            if not (args.trust_new_key or _confirm(_("Is it the same fingerprint?"))):
                raise BundleError(_("The key of {code} was not confirmed; nothing was "
                                    "imported (give --trust-new-key once the fingerprint "
                                    "is confirmed).").format(code=sender["code"]))
        if not args.yes:  # with --yes the counts are those applied, read once
            with db.session() as s:
                # the key is registered or was confirmed above
                preview = preview_import(s, bundle, key_confirmed=True)
            print_counts(preview)
            for problem in preview.audit_problems:
                say(_("Warning: {problem}").format(problem=problem))
            if not _confirm(_("Apply these changes?")):
                say(_("Nothing was imported (give --yes to apply)."))
                return EXIT_OK
        with db.session() as s:
            result = apply_import(s, bundle, trust_new_key=True)
    finally:
        db.close()
    if args.yes:
        print_counts(result)
    for problem in result.audit_problems:
        say(_("Warning: {problem}").format(problem=problem))
    if not registered:
        say(_("The key of {code} is registered.").format(code=sender["code"]))
    total = result.total
    say(_("Imported: {new} new, {updated} updated, {unchanged} unchanged.").format(
        new=format_number(total.new), updated=format_number(total.updated),
        unchanged=format_number(total.unchanged)))
    if total.deleted:
        say(deleted_message(total.deleted))
    if total.conflicts:
        say(ngettext(
            "{count} record was changed both here and at the sender: kept as a conflict to "
            "resolve (File → Bundle conflicts).",
            "{count} records were changed both here and at the sender: kept as conflicts to "
            "resolve (File → Bundle conflicts).", total.conflicts).format(
                count=format_number(total.conflicts)))
    return EXIT_OK
