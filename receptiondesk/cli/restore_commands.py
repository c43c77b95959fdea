"""``receptiondesk db restore --from FILE``: the command-line side of the backups.

The CLI wires these two functions (see :mod:`receptiondesk.cli`)::

    add_restore_parser(dbsub)            # in build_parser, beside "db backup"
    return cmd_restore(args)             # in cmd_db, when args.db_command == "restore"

No Qt here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _


def add_restore_parser(db_subparsers) -> argparse.ArgumentParser:
    """Add ``restore --from FILE`` to the ``db`` command's sub-commands."""
    restore = db_subparsers.add_parser(
        "restore",
        help=_("restore the database from a backup, keeping the current file aside"),
    )
    restore.add_argument("--from", dest="backup_file", required=True, metavar="FILE",
                         help=_("the backup file to restore (it is checked first)"))
    return restore


def cmd_restore(args: argparse.Namespace) -> int:
    """Check the backup, move the current file aside, put the backup in place; one line.

    A bad backup raises :class:`~receptiondesk.db.DatabaseError` with a translated message;
    the current file is not touched then.
    """
    from ..db import DatabaseError, resolve_url
    from ..files import pause_point
    from ..services.backups import authorise_restore, record_restore, restore_backup
    from ..services.startup import sqlite_file_of

    path = sqlite_file_of(resolve_url(args.db, args.database_url))
    if path is None:
        raise DatabaseError(_("Only a SQLite database file can be restored this way."))
    backup = Path(args.backup_file)
    authorise_restore(path)
    aside = restore_backup(path, backup)
    pause_point("restore-before-record")
    record_restore(path, backup, aside)
    if aside is None:
        print(_("Restored {backup} into {path}.").format(backup=backup, path=path))
    else:
        print(_("Restored {backup} into {path}; the previous file was kept as {aside}.").format(
            backup=backup, path=path, aside=aside))
    return 0
