"""The application's database, opened: the engine and its migrations (:mod:`receptiondesk.db`)
with what the services add to it.

- every change made through one of its sessions is written to the audit log: the listener
  of :mod:`.audit` is bound to this database's session factory only, not to SQLAlchemy's
  ``Session`` class (a session made some other way, as by a migration or a test on an old
  schema, is not audited);
- the reference data (deadline rules, fields, the calendar) is seeded and recomputed once
  migrations have run;
- a restore killed before its rename is cleaned up before the file is opened.

The window, the command line and the tests open the database here.
"""

from __future__ import annotations

import os

from sqlalchemy.orm import sessionmaker

from ..db import Database, DatabaseError, make_engine, upgrade
from ..i18n import _
from ..location import network_share_message, on_network, resolve_url
from . import audit


def open_database(
    db_path: str | os.PathLike | None = None,
    database_url: str | None = None,
    *,
    migrate: bool = True,
) -> Database:
    """Open (creating if needed) and migrate the database; seed its reference data."""
    if db_path and not database_url and on_network(db_path):  # before the path is resolved
        raise DatabaseError(network_share_message(db_path))
    url = resolve_url(db_path, database_url)
    engine = make_engine(url)
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        from .backups import remove_restore_leftovers

        remove_restore_leftovers(engine.url.database)  # a restore killed before its rename
    try:
        if migrate:
            upgrade(engine)
    except DatabaseError:
        engine.dispose()
        raise
    except Exception as exc:  # a damaged or unreadable file, a refused connection
        engine.dispose()
        raise DatabaseError(
            _("Cannot open the database {url}: {reason}").format(
                url=engine.url.render_as_string(hide_password=True), reason=exc
            )
        ) from exc
    sessions = sessionmaker(engine, expire_on_commit=False)
    audit.install(sessions)  # every change through its sessions is written to the audit log
    db = Database(url, engine, sessions)
    if migrate:
        from .reference import ensure_reference_data, recompute_if_pending

        with db.session() as s:
            ensure_reference_data(s)
            recompute_if_pending(s)
    return db
