"""Where the database is: resolved without importing the database layer.

The desktop application needs the database's address before anything else (one running
instance per database) and before SQLAlchemy is imported, so that its window is on the
screen first; :mod:`receptiondesk.db` re-exports these names.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "ReceptionDesk"
ENV_DB = "RECEPTIONDESK_DB"


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "receptiondesk.db"


def resolve_url(db_path: str | os.PathLike | None = None, database_url: str | None = None) -> str:
    """``--database-url`` wins, then ``--db``, then $RECEPTIONDESK_DB, then the default file."""
    if database_url:
        return database_url
    path = db_path or os.environ.get(ENV_DB) or default_db_path()
    return sqlite_url(Path(path))


def sqlite_url(path: Path) -> str:
    return "sqlite:///" + str(Path(path).expanduser().resolve())
