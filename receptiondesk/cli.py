"""The command line: the same library from a terminal, for administrators and scripts.

    receptiondesk [--db PATH | --database-url URL] [--lang vi|en] COMMAND ...

With no command it starts the desktop application. A user's mistake prints one
clear line in the chosen language and exits non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from . import i18n
from .i18n import _, format_number, format_percent, ngettext, set_language

# argparse's own messages ("usage: ", "options", its errors) come from our catalogs too;
# they are listed for extraction in receptiondesk/argparse_messages.py.
argparse._ = i18n._  # type: ignore[attr-defined]
argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A failure to report as one line."""


def _parse_date(text: str) -> date:
    from .exchange.tables import ValueProblem, parse_date

    try:
        value = parse_date(text)
    except ValueProblem:
        value = None
    if value is None:
        raise argparse.ArgumentTypeError(
            _("\u201c{value}\u201d is not a date (use YYYY-MM-DD or DD/MM/YYYY)").format(
                value=text
            )
        )
    return value


#: the smallest and largest window a screenshot is taken at (a picture, not a poster)
SCREENSHOT_SIZES = ((640, 480), (3840, 2160))


def _parse_size(text: str) -> tuple[int, int]:
    """'1024x768' → (1024, 768): a window size in pixels, width first."""
    match = re.fullmatch(r"\s*(\d{3,4})\s*[xX×]\s*(\d{3,4})\s*", text)
    (low_w, low_h), (high_w, high_h) = SCREENSHOT_SIZES
    if match is not None:
        width, height = int(match[1]), int(match[2])
        if low_w <= width <= high_w and low_h <= height <= high_h:
            return width, height
    raise argparse.ArgumentTypeError(
        _("\u201c{value}\u201d is not a window size: write WIDTHxHEIGHT in pixels, from "
          "{low} to {high} (e.g. 1024x768)").format(
            value=text, low=f"{low_w}x{low_h}", high=f"{high_w}x{high_h}"))


class _Parser(argparse.ArgumentParser):
    """argparse with its own messages translated and errors as one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, _("receptiondesk: {message}").format(message=message) + "\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="receptiondesk",
        description=_("Citizen reception log, petitions and official documents."),
    )
    p.add_argument("--db", metavar="PATH", help=_("the database file to use"))
    p.add_argument("--database-url", metavar="URL", help=_("any SQLAlchemy database URL"))
    p.add_argument("--lang", choices=["vi", "en"], help=_("language of messages"))
    p.add_argument("--user", metavar="NAME",
                   help=_("act as this user (password from RECEPTIONDESK_PASSWORD, or asked)"))
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser("demo", help=_("create a demo database"))
    demo.add_argument("--out", metavar="PATH",
                      help=_("the new database file (or an empty database given by "
                             "--database-url)"))
    demo.add_argument("--scale", choices=["small", "province"], default="small")
    demo.add_argument("--seed", type=int, default=1)

    dbp = sub.add_parser("db", help=_("upgrade, check or back up the database"))
    dbsub = dbp.add_subparsers(dest="db_command", metavar="ACTION", parser_class=_Parser)
    dbsub.required = True
    dbsub.add_parser("upgrade", help=_("apply pending schema migrations"))
    check = dbsub.add_parser("check", help=_("check integrity and schema version"))
    check.add_argument("--backups", metavar="FOLDER",
                       help=_("the folder of this database's backups, whose audit logs the "
                              "log must still hold (default: the usual backup folder)"))
    check.add_argument("--anchors", metavar="PATH",
                       help=_("an anchor file written by \u201cdb anchor\u201d, or a folder "
                              "of them, whose audit heads the log must still hold"))
    anchor = dbsub.add_parser(
        "anchor", help=_("write the audit log's head to a file kept outside the database "
                         "(for db check --anchors)"))
    anchor.add_argument("--out", required=True, metavar="FILE")
    backup = dbsub.add_parser("backup", help=_("copy the database with SQLite's online backup"))
    backup.add_argument("--out", required=True, metavar="FILE")
    from .backup_commands import add_restore_parser

    add_restore_parser(dbsub)
    reset = dbsub.add_parser(
        "reset-admin",
        help=_("recover a forgotten administrator password, on the PC that keeps the database"))
    reset.add_argument("--admin", metavar="NAME",
                       help=_("the administrator to recover (needed when there are several)"))
    reset.add_argument("--recovery-key", metavar="KEY",
                       help=_("the office's recovery key (else $RECEPTIONDESK_RECOVERY_KEY, "
                              "or asked on the terminal)"))
    where = dbsub.add_parser(
        "location",
        help=_("show where the database and its backups are kept; with --database-folder, "
               "record new folders for every Windows account on this PC"))
    where.add_argument("--database-folder", metavar="FOLDER",
                       help=_("the folder of the database file (receptiondesk.db), e.g. "
                              "D:\\ReceptionDesk; move the file there first"))
    where.add_argument("--backup-folder", metavar="FOLDER",
                       help=_("the folder of the backups (default: backups in the database "
                              "folder)"))
    where.add_argument("--this-account", action="store_true",
                       help=_("record the folders for this Windows account only"))
    dbsub.add_parser(
        "recovery-key",
        help=_("issue a new recovery key for the administrator's password (administrators; "
               "the old key stops working)"))

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
    exp.add_argument("--since", type=_parse_date, metavar="DATE",
                     help=_("bundle: records changed since this date "
                            "(default: since the last bundle)"))
    exp.add_argument("--from", dest="date_from", type=_parse_date, metavar="DATE")
    exp.add_argument("--to", dest="date_to", type=_parse_date, metavar="DATE")
    exp.add_argument("--unit", metavar="CODE", help=_("only this unit and the units below it"))
    exp.add_argument("--allow-unmapped", action="store_true",
                     help=_("national: export values with no national code, left blank"))

    sub.add_parser("codes", help=_("list the codes accepted in files"))

    search = sub.add_parser("search", help=_("search citizens, visits and petitions"))
    search.add_argument("text")
    search.add_argument("--json", action="store_true", help=_("print JSON"))
    search.add_argument("--limit", type=int, default=20)

    from .documents.commands import add_print_parser
    from .reports.commands import add_report_parser

    add_print_parser(sub)
    add_report_parser(sub)
    from .unit_commands import add_unit_parser

    add_unit_parser(sub, _parse_date)

    shot = sub.add_parser("screenshot", help=_("render a page of the main window to PNG"))
    shot.add_argument(
        "--page",
        required=True,
        choices=[
            "dashboard",
            "reception",
            "petitions",
            "meetings",
            "inspections",
            "citizens",
            "reports",
            "settings",
            "accounts",
            "audit",
        ],
    )
    shot.add_argument("--out", required=True, metavar="FILE.png")
    shot.add_argument("--size", type=_parse_size, default=(1366, 768), metavar="WxH",
                      help=_("the window's size in pixels (default 1366x768)"))
    return p


def _open(args: argparse.Namespace):
    from .db import open_database

    return open_database(args.db, args.database_url)


def _out(line: str = "") -> None:
    print(line)


# --- commands ------------------------------------------------------------------


def _demo_progress():
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
    from .db import open_database
    from .demo import generate_demo

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
        from .services.accounts import create_demo_accounts, role_label, take_issued_recovery_key

        with db.session() as s:
            accounts = create_demo_accounts(s)
            recovery_key = take_issued_recovery_key(s)
    finally:
        db.close()
    elapsed = time.perf_counter() - start
    _out(_("Demo database created: {path}").format(path=where))
    for table, count in summary.counts.items():
        _out(f"  {table}: {format_number(count)}")
    if out is not None:
        _out(
            _("Time: {seconds} s; size: {size} MB").format(
                seconds=format_number(elapsed, 1),
                size=format_number(out.stat().st_size / 1_048_576, 1),
            )
        )
    _out(_("Accounts (user name, role, password):"))
    for username, role, password in accounts:
        _out(f"  {username:<10} {role_label(role):<20} {password}")
    if recovery_key:
        _out(_("Recovery key of the administrators' passwords (shown once; \u201cdb "
               "reset-admin\u201d asks for it): {key}").format(key=recovery_key))
    return EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    from .db import (
        backup_sqlite,
        current_revision,
        head_revision,
        integrity_problems,
        make_engine,
        resolve_url,
        upgrade,
    )

    if args.db_command == "restore":
        from .backup_commands import cmd_restore

        return cmd_restore(args)
    if args.db_command == "reset-admin":
        from .services.accounts import reset_admin_for_cli

        for line in reset_admin_for_cli(args.db, args.database_url, args.admin,
                                        _recovery_key(args)):
            _out(line)
        return EXIT_OK
    if args.db_command == "recovery-key":
        return _issue_recovery_key(args)
    if args.db_command == "location":
        return _db_location(args)
    if args.db_command == "upgrade":
        engine = make_engine(resolve_url(args.db, args.database_url))
        try:
            upgrade(engine)
            _out(
                _("The database is at schema {revision}.").format(revision=current_revision(engine))
            )
        finally:
            engine.dispose()
        return EXIT_OK
    if args.db_command == "check":
        return _db_check(
            args, make_engine, resolve_url, current_revision, head_revision, integrity_problems
        )
    if args.db_command == "anchor":
        return _db_anchor(args, make_engine, resolve_url)
    if not resolve_url(args.db, args.database_url).startswith("sqlite"):
        raise CliError(_(
            "A shared database is backed up on its server, with PostgreSQL's own tools: "
            "for example \u201cpg_dump --format=custom --file=copy.dump DATABASE\u201d."
        ))
    db = _open(args)
    try:
        backup_sqlite(db, Path(args.out))
    finally:
        db.close()
    _out(_("Backup written and verified: {path}").format(path=args.out))
    return EXIT_OK


def _recovery_key(args: argparse.Namespace) -> str | None:
    """The recovery key: --recovery-key, $RECEPTIONDESK_RECOVERY_KEY, or asked."""
    import getpass
    import os

    if getattr(args, "recovery_key", None):
        return args.recovery_key
    if os.environ.get("RECEPTIONDESK_RECOVERY_KEY"):
        return os.environ["RECEPTIONDESK_RECOVERY_KEY"]
    if not sys.stdin.isatty():
        return None
    try:
        return getpass.getpass(_("Recovery key: "))
    except EOFError:
        return None


def _issue_recovery_key(args: argparse.Namespace) -> int:
    from .services.accounts import issue_recovery_key

    db = _open(args)
    try:
        with db.session(write=True) as s:
            key = issue_recovery_key(s)
    finally:
        db.close()
    _out(_("The recovery key of this database (shown once; the old key no longer works):"))
    _out("  " + key)
    _out(_("Write it on paper, or print this, and keep it in the office safe: it is needed "
           "to recover a forgotten administrator password (db reset-admin)."))
    return EXIT_OK


def _audit_anchors(args, url: str) -> list:
    """The audit heads of this SQLite file's backups, held against its log."""
    if not url.startswith("sqlite:///"):
        return []
    from .services.audit import backup_anchors
    from .services.backups import default_backup_folder

    folder = Path(args.backups) if getattr(args, "backups", None) else default_backup_folder()
    return backup_anchors(folder, Path(url[len("sqlite:///"):]))


def _db_location(args) -> int:
    """Show (or record) where the database and its backups are kept."""
    import os

    from . import location

    if args.database_folder is not None or args.backup_folder is not None:
        if not args.database_folder:
            raise CliError(_("--database-folder: give the folder of the database file."))
        fields = ((args.database_folder, "--database-folder:", True),
                  (args.backup_folder, "--backup-folder:", False))
        for folder, field, database in fields:
            problem = location.folder_problem(folder, field, database) if folder else None
            if problem:
                raise CliError(problem)
        record = location.write_location(Path(args.database_folder).expanduser().resolve(),
                                         Path(args.backup_folder).expanduser().resolve()
                                         if args.backup_folder else None,
                                         machine_wide=not args.this_account)
        _out(_("Recorded in {record}.").format(record=record))
        if not (Path(args.database_folder) / location.DB_FILE).exists():
            _out(_("There is no database file in {folder} yet: the next start makes an "
                   "empty one there (move the file there first to keep the records).").format(
                folder=args.database_folder))
    url = location.resolve_url(args.db, args.database_url)
    recorded = location.read_location()
    if args.database_url:
        source = "--database-url"
    elif args.db:
        source = "--db"
    elif os.environ.get(location.ENV_DB):
        source = location.ENV_DB
    elif recorded is not None and recorded.database_folder is not None:
        source = (_("recorded for every Windows account in {record}") if recorded.machine_wide
                  else _("recorded for this Windows account in {record}")).format(
            record=recorded.record)
    else:
        source = _("this Windows account's own folder (no location recorded in {record})").format(
            record=location.site_folder() / location.LOCATION_FILE)
    shown = url[len("sqlite:///"):] if url.startswith("sqlite:///") else _redacted_url(url)
    _out(_("Database: {database}").format(database=shown))
    _out(_("  from: {source}").format(source=source))
    if url.startswith("sqlite:///"):
        from .services.backups import default_backup_folder

        _out(_("Backups: {folder}").format(folder=default_backup_folder()))
    return EXIT_OK


def _redacted_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _db_anchor(args, make_engine, resolve_url) -> int:
    from .services.audit import write_anchor

    engine = make_engine(resolve_url(args.db, args.database_url))
    try:
        seq, digest = write_anchor(engine, Path(args.out))
    finally:
        engine.dispose()
    _out(_("Audit log head written to {path}: entry {seq}, {hash}. Keep the file away from "
           "the database's computer; \u201cdb check --anchors\u201d holds the log against "
           "it.").format(path=args.out, seq=seq, hash=digest[:16]))
    return EXIT_OK


def _missing_key_notice() -> str:
    from .services.accounts import missing_key_notice

    return missing_key_notice()


def _recovery_key_missing(url: str) -> bool:
    """Has the database accounts but no recovery key? (read only; False if unreadable)"""
    from sqlalchemy.orm import sessionmaker

    from .db import Database, make_engine
    from .services.accounts import recovery_key_missing

    engine = make_engine(url)
    try:
        db = Database(url, engine, sessionmaker(engine))
        with db.session() as s:
            return recovery_key_missing(s)
    except Exception:  # noqa: BLE001 - a file the check above already found wanting
        return False
    finally:
        engine.dispose()


def _plaintext_problems(engine) -> list[str]:
    """A sealed database's protected values left in plain text (issue of a copy made
    before its keys, or written by a program that did not seal)."""
    from sqlalchemy.orm import Session

    from .services.sealed_fields import database_sealed, plaintext_left

    with Session(engine) as session:
        if not database_sealed(session):
            return []
        left = plaintext_left(session)
    if not left:
        return []
    return [ngettext(
        "{count} protected record keeps a person's identity or a denunciation's text in "
        "plain text: it should be sealed.",
        "{count} protected records keep a person's identity or a denunciation's text in "
        "plain text: they should be sealed.", left).format(count=left)]


def _db_check(
    args, make_engine, resolve_url, current_revision, head_revision, integrity_problems
) -> int:
    url = resolve_url(args.db, args.database_url)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).exists():
        raise CliError(
            _("There is no database file at {path}.").format(path=url[len("sqlite:///") :])
        )
    engine = make_engine(url)
    try:
        try:
            from .services.audit import audit_problems

            problems = integrity_problems(engine)
            anchors = _audit_anchors(args, url)
            if getattr(args, "anchors", None):
                from .services.audit import file_anchors

                if not Path(args.anchors).exists():
                    raise CliError(_("There is no anchor file or folder at {path}.").format(
                        path=args.anchors))
                found, unusable = file_anchors(args.anchors, engine)
                anchors.extend(found)
                problems.extend(unusable)
            notes: list[str] = []
            problems.extend(audit_problems(engine, anchors, notes))
            current = current_revision(engine)
            if current == head_revision():
                problems.extend(_plaintext_problems(engine))
        except CliError:
            raise
        except Exception as exc:  # a file that is not a database at all
            raise CliError(_("The database cannot be read: {reason}").format(reason=exc)) from exc
        head = head_revision()
        if current != head:
            problems.append(
                _(
                    "Schema version is {current}, this program expects {head}; run "
                    "\u201creceptiondesk db upgrade\u201d."
                ).format(current=current or "-", head=head)
            )
    finally:
        engine.dispose()
    if not url.startswith("sqlite"):
        _out(_("Checked the schema version and the audit log; the soundness of a shared "
               "database's files is its server's job."))
        if not getattr(args, "anchors", None):
            _out(_("No anchor files were given: the audit log was held only against "
                   "itself. Write one after each dump with \u201cdb anchor --out FILE\u201d "
                   "and check with \u201cdb check --anchors FOLDER\u201d."))
    for note in notes:
        _out(_("Note: {note}").format(note=note))
    if not problems and _recovery_key_missing(url):
        _out(_("Warning: {notice}").format(notice=_missing_key_notice()))
    for problem in problems:
        _out(problem)
    if problems:
        _out(
            ngettext(
                "The check found {count} problem.",
                "The check found {count} problems.",
                len(problems),
            ).format(count=len(problems))
        )
        return EXIT_ERROR
    _out(_("The database is sound (schema {revision}).").format(revision=head))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    if args.kind == "bundle":
        from .exchange.bundle_commands import import_bundle_command

        return import_bundle_command(args)
    from .exchange.importer import import_file
    from .services.units import unit_by_code

    path = Path(args.file)
    if not path.exists():
        raise CliError(_("There is no file at {path}.").format(path=path))
    db = _open(args)
    try:
        with db.session() as s:
            unit_id = None
            if args.unit:
                unit = unit_by_code(s, args.unit)
                if unit is None:
                    raise CliError(_("There is no unit with code {code}.").format(code=args.unit))
                unit_id = unit.id
            report = import_file(s, args.kind, path, unit_id=unit_id, dry_run=args.dry_run)
    finally:
        db.close()
    for line in report.lines():
        _out(line)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    args.file = args.out or args.file
    if not args.file:
        raise CliError(_("Give the file to write (FILE or --out FILE)."))
    if args.kind == "bundle":
        from .exchange.bundle_commands import export_bundle_command

        return export_bundle_command(args)
    if args.kind == "national":
        from .exchange.national_commands import export_national_command

        return export_national_command(args)
    from .services.outputs import export_table
    from .services.units import unit_and_descendants, unit_by_code

    db = _open(args)
    try:
        with db.session() as s:
            unit_ids = None
            if args.unit:
                unit = unit_by_code(s, args.unit)
                if unit is None:
                    raise CliError(_("There is no unit with code {code}.").format(code=args.unit))
                unit_ids = unit_and_descendants(s, unit.id)
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
    _out(_("Exported {count} rows to {path}.").format(count=format_number(count), path=args.file))
    return EXIT_OK


def cmd_codes(args: argparse.Namespace) -> int:
    from .exchange.codes import code_lists, list_titles

    db = _open(args)
    try:
        with db.session() as s:
            lists = code_lists(s)
    finally:
        db.close()
    titles = list_titles()
    for name, entries in lists.items():
        _out(f"{name} — {titles.get(name, name)}:")
        for code, text in entries:
            _out(f"  {code:<22} {text}")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from .services import outputs

    db = _open(args)
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
        _out(_("Nothing found for \u201c{text}\u201d.").format(text=args.text))
        return EXIT_OK
    for r in results:
        _out(f"[{r.kind_label}] {r.title} — {r.detail}")
    _out(
        ngettext("{count} result in {ms} ms.", "{count} results in {ms} ms.", len(results)).format(
            count=format_number(len(results)), ms=format_number(elapsed * 1000, 0)
        )
    )
    return EXIT_OK


def cmd_screenshot(args: argparse.Namespace) -> int:
    from .i18n import current_language
    from .services import outputs
    from .ui.screenshot import take_screenshot

    def take(target: Path) -> None:
        take_screenshot(args.db, args.database_url, current_language(), args.page, target,
                        size=args.size)

    db = _open(args)
    try:
        outputs.screenshot(db, args.page, Path(args.out), take)
    finally:
        db.close()
    _out(_("Screenshot written: {path}").format(path=args.out))
    return EXIT_OK


def cmd_print(args: argparse.Namespace) -> int:
    from .documents.commands import cmd_print as print_document

    db = _open(args)
    try:
        return print_document(args, db)
    finally:
        db.close()


def cmd_report(args: argparse.Namespace) -> int:
    from .reports.commands import cmd_report as make_report

    db = _open(args)
    try:
        return make_report(args, db)
    finally:
        db.close()


def cmd_unit(args: argparse.Namespace) -> int:
    from .unit_commands import cmd_unit as unit_command

    db = _open(args)
    try:
        return unit_command(args, db)
    finally:
        db.close()


def cmd_gui(args: argparse.Namespace) -> int:
    from .ui.app import run_gui

    return run_gui(args.db, args.database_url, args.lang)


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_gui,
    "demo": cmd_demo,
    "db": cmd_db,
    "import": cmd_import,
    "export": cmd_export,
    "codes": cmd_codes,
    "search": cmd_search,
    "screenshot": cmd_screenshot,
    "print": cmd_print,
    "report": cmd_report,
    "unit": cmd_unit,
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
        from .selftest import run_selftest

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
    from .services.accounts import ENV_PASSWORD, accounts_exist_for_cli, current_user

    if current_user() is None and accounts_exist_for_cli(args.db, args.database_url):
        raise CliError(_(
            "This database has user accounts: sign in with --user NAME (the password "
            "from {variable}, or asked on the terminal).").format(variable=ENV_PASSWORD))


#: commands that draw windows: their sessions nest as the window's do (see db)
_WINDOW_COMMANDS = (None, "screenshot")


def run(args: argparse.Namespace) -> int:
    if args.command in _WINDOW_COMMANDS:
        return _run(args)
    from .db import begin_writes_immediately

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
            from .services.accounts import acting_as, sign_in_for_cli

            with acting_as(sign_in_for_cli(args.db, args.database_url, user)):
                return COMMANDS[args.command](args)
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
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
        from .crashlog import report

        print(report(exc), file=sys.stderr)  # the traceback goes to the log, not the screen
        return EXIT_ERROR


def _explained_errors() -> tuple[type[Exception], ...]:
    """Errors whose message is for the user. Imported only when one happened: the window's
    start must not wait for the database layer to load."""
    from .db import DatabaseError
    from .services.errors import ServiceError

    return CliError, DatabaseError, ServiceError


if __name__ == "__main__":
    sys.exit(main())
