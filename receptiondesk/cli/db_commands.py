"""``receptiondesk db upgrade|check|anchor|backup|restore|reset-admin|location|recovery-key``:
the database itself, its audit log's anchors, its backups and its administrators' recovery."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _, ngettext
from .common import EXIT_ERROR, EXIT_OK, CliError, Parser, open_database_for, say


def add_db_parser(sub) -> None:
    """Add ``db`` and its actions to the main parser's commands."""
    dbp = sub.add_parser("db", help=_("upgrade, check or back up the database"))
    dbsub = dbp.add_subparsers(dest="db_command", metavar="ACTION", parser_class=Parser)
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
    from .restore_commands import add_restore_parser

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


def cmd_db(args: argparse.Namespace) -> int:
    from ..db import (
        backup_sqlite,
        current_revision,
        head_revision,
        integrity_problems,
        make_engine,
        resolve_url,
        upgrade,
    )

    if args.db_command == "restore":
        from .restore_commands import cmd_restore

        return cmd_restore(args)
    if args.db_command == "reset-admin":
        from ..services.accounts import reset_admin_for_cli

        for line in reset_admin_for_cli(args.db, args.database_url, args.admin,
                                        _recovery_key(args)):
            say(line)
        return EXIT_OK
    if args.db_command == "recovery-key":
        return _issue_recovery_key(args)
    if args.db_command == "location":
        return _db_location(args)
    if args.db_command == "upgrade":
        engine = make_engine(resolve_url(args.db, args.database_url))
        try:
            upgrade(engine)
            say(
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
    db = open_database_for(args)
    try:
        backup_sqlite(db, Path(args.out))
    finally:
        db.close()
    say(_("Backup written and verified: {path}").format(path=args.out))
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
    from ..services.accounts import issue_recovery_key

    db = open_database_for(args)
    try:
        with db.session(write=True) as s:
            key = issue_recovery_key(s)
    finally:
        db.close()
    say(_("The recovery key of this database (shown once; the old key no longer works):"))
    say("  " + key)
    say(_("Write it on paper, or print this, and keep it in the office safe: it is needed "
           "to recover a forgotten administrator password (db reset-admin)."))
    return EXIT_OK


def _audit_anchors(args, url: str) -> list:
    """The audit heads of this SQLite file's backups, held against its log."""
    if not url.startswith("sqlite:///"):
        return []
    from ..services.audit import backup_anchors
    from ..services.backups import default_backup_folder

    folder = Path(args.backups) if getattr(args, "backups", None) else default_backup_folder()
    return backup_anchors(folder, Path(url[len("sqlite:///"):]))


def _db_location(args) -> int:
    """Show (or record) where the database and its backups are kept."""
    import os

    from .. import location

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
        say(_("Recorded in {record}.").format(record=record))
        if not (Path(args.database_folder) / location.DB_FILE).exists():
            say(_("There is no database file in {folder} yet: the next start makes an "
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
    say(_("Database: {database}").format(database=shown))
    say(_("  from: {source}").format(source=source))
    if url.startswith("sqlite:///"):
        from ..services.backups import default_backup_folder

        say(_("Backups: {folder}").format(folder=default_backup_folder()))
    return EXIT_OK


def _redacted_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _db_anchor(args, make_engine, resolve_url) -> int:
    from ..services.audit import write_anchor

    engine = make_engine(resolve_url(args.db, args.database_url))
    try:
        seq, digest = write_anchor(engine, Path(args.out))
    finally:
        engine.dispose()
    say(_("Audit log head written to {path}: entry {seq}, {hash}. Keep the file away from "
           "the database's computer; \u201cdb check --anchors\u201d holds the log against "
           "it.").format(path=args.out, seq=seq, hash=digest[:16]))
    return EXIT_OK


def _missing_key_notice() -> str:
    from ..services.accounts import missing_key_notice

    return missing_key_notice()


def _recovery_key_missing(url: str) -> bool:
    """Has the database accounts but no recovery key? (read only; False if unreadable)"""
    from sqlalchemy.orm import sessionmaker

    from ..db import Database, make_engine
    from ..services.accounts import recovery_key_missing

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

    from ..services.sealed_fields import database_sealed, plaintext_left

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
            from ..services.audit import audit_problems

            problems = integrity_problems(engine)
            anchors = _audit_anchors(args, url)
            if getattr(args, "anchors", None):
                from ..services.audit import file_anchors

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
        say(_("Checked the schema version and the audit log; the soundness of a shared "
               "database's files is its server's job."))
        if not getattr(args, "anchors", None):
            say(_("No anchor files were given: the audit log was held only against "
                   "itself. Write one after each dump with \u201cdb anchor --out FILE\u201d "
                   "and check with \u201cdb check --anchors FOLDER\u201d."))
    for note in notes:
        say(_("Note: {note}").format(note=note))
    if not problems and _recovery_key_missing(url):
        say(_("Warning: {notice}").format(notice=_missing_key_notice()))
    for problem in problems:
        say(problem)
    if problems:
        say(
            ngettext(
                "The check found {count} problem.",
                "The check found {count} problems.",
                len(problems),
            ).format(count=len(problems))
        )
        return EXIT_ERROR
    say(_("The database is sound (schema {revision}).").format(revision=head))
    return EXIT_OK
