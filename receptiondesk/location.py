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


#: GetDriveTypeW's answer for a drive letter mapped to a network share
_DRIVE_REMOTE = 4


def _drive_is_remote(drive: str) -> bool:
    """Whether a Windows drive letter ("Z:") is mapped to a network share."""
    if os.name != "nt":
        return False
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    return kernel32.GetDriveTypeW(drive + "\\") == _DRIVE_REMOTE


def on_network(path: str | os.PathLike) -> bool:
    """Whether ``path`` lies on a network share: a UNC path (``\\\\server\\share\\…``, also as
    ``//server/share/…`` or ``\\\\?\\UNC\\…``) or a drive letter mapped to one."""
    text = os.fspath(path)
    if text.startswith(("\\\\?\\UNC\\", "//?/UNC/")):
        return True
    local_device = text.startswith(("\\\\?\\", "\\\\.\\", "//?/", "//./"))
    if text.startswith(("\\\\", "//")) and not local_device:
        return True
    drive = text[:2]
    return len(drive) == 2 and drive[1] == ":" and drive[0].isalpha() and _drive_is_remote(drive)


def network_share_message(path: str | os.PathLike) -> str:
    """Why a database file on a network share is refused, in the user's language."""
    from .i18n import _

    return _("The database {path} is on a network folder. SQLite's journal works only "
             "within one PC, so two PCs writing to one file on a share can damage it. Keep "
             "the file on this PC's own disk, or share a PostgreSQL database between the "
             "PCs (--database-url).").format(path=os.fspath(path))

