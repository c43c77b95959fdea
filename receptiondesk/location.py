"""Where the database is: resolved without importing the database layer.

The desktop application needs the database's address before anything else (one running
instance per database) and before SQLAlchemy is imported, so that its window is on the
screen first; :mod:`receptiondesk.db` re-exports these names.

Where an office keeps its data is written once, machine-wide, by the first-run wizard:
``location.ini`` in the site folder (``%ProgramData%\\ReceptionDesk`` on Windows, which the
installer lets every account modify; ``$RECEPTIONDESK_SITE_DIR`` for tests), so that every
Windows account on the PC opens the same database and it can live on a drive that a
reinstall of C: does not wipe. When that folder cannot be written (no administrator
rights and no installer), the choice is kept for this account alone in its own data
preferences folder, which is read first. With no record at all, the database stays where earlier
versions kept it, in the account's own data folder: nothing is ever moved silently.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NamedTuple

APP_NAME = "ReceptionDesk"
ENV_DB = "RECEPTIONDESK_DB"
#: the machine-wide folder of the location record, for tests (never the real one there)
ENV_SITE = "RECEPTIONDESK_SITE_DIR"
ENV_CONFIG = "RECEPTIONDESK_CONFIG_DIR"
LOCATION_FILE = "location.ini"
DB_FILE = "receptiondesk.db"
_SECTION = "location"


class Location(NamedTuple):
    """Where an office keeps its data: the database's folder and the backups' folder
    (either None: the default), and the record they were read from."""

    database_folder: Path | None
    backup_folder: Path | None
    record: Path
    machine_wide: bool


def user_data_folder() -> Path:
    """The account's own data folder (``%LOCALAPPDATA%\\ReceptionDesk`` on Windows)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def user_config_folder() -> Path:
    """The account's preferences folder ($RECEPTIONDESK_CONFIG_DIR for tests): window
    state, and the location record when the machine-wide one could not be written."""
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG])
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def site_folder() -> Path:
    """The machine-wide folder: ``%ProgramData%\\ReceptionDesk`` on Windows,
    ``/Library/Application Support/ReceptionDesk`` on macOS, ``/var/lib/receptiondesk``
    elsewhere; ``$RECEPTIONDESK_SITE_DIR`` when set."""
    if os.environ.get(ENV_SITE):
        return Path(os.environ[ENV_SITE])
    if os.name == "nt":
        return Path(os.environ.get("ProgramData") or "C:\\ProgramData") / APP_NAME
    if sys.platform == "darwin":
        return Path("/Library/Application Support") / APP_NAME
    return Path("/var/lib/receptiondesk")


def _records() -> list[tuple[Path, bool]]:
    """The location records in the order they are read: this account's own (written only
    when the machine-wide one could not be), then the machine's."""
    return [(user_config_folder() / LOCATION_FILE, False), (site_folder() / LOCATION_FILE, True)]


def _parser():
    from configparser import ConfigParser

    return ConfigParser(interpolation=None)  # a path may hold a "%"


def _read_record(record: Path, machine_wide: bool) -> Location | None:
    from configparser import Error as DamagedRecord

    parser = _parser()
    try:
        with open(record, encoding="utf-8") as f:
            parser.read_file(f)
    except (OSError, UnicodeDecodeError, ValueError, DamagedRecord):
        return None  # missing, unreadable or damaged: as if there were none
    if not parser.has_section(_SECTION):
        return None

    def folder(key: str) -> Path | None:
        value = parser.get(_SECTION, key, fallback="").strip()
        return Path(value).expanduser() if value else None

    database, backups = folder("database_folder"), folder("backup_folder")
    if database is None and backups is None:
        return None
    return Location(database, backups, record, machine_wide)


def read_location() -> Location | None:
    """The location record in force (this account's, else the machine's), or None."""
    for record, machine_wide in _records():
        found = _read_record(record, machine_wide)
        if found is not None:
            return found
    return None


def write_location(database_folder: str | os.PathLike | None,
                   backup_folder: str | os.PathLike | None,
                   machine_wide: bool = True) -> Path:
    """Write the location record (machine-wide, or for this account alone) and return it.

    Written beside and renamed over the old one, so a reader sees the old record or the
    new one. Raises OSError when the folder cannot be written (no rights there).
    Writing the machine's record removes this account's own, so that the account follows
    the machine from then on.
    """
    record = (site_folder() if machine_wide else user_config_folder()) / LOCATION_FILE
    parser = _parser()
    parser.add_section(_SECTION)
    parser.set(_SECTION, "database_folder",
               os.fspath(database_folder) if database_folder else "")
    parser.set(_SECTION, "backup_folder", os.fspath(backup_folder) if backup_folder else "")
    record.parent.mkdir(parents=True, exist_ok=True)
    part = record.with_name(record.name + ".part")
    with open(part, "w", encoding="utf-8") as f:
        f.write("; Where ReceptionDesk keeps this office's data (written by the program).\n")
        parser.write(f)
    from .files import replace_file

    replace_file(part, record)
    if machine_wide:
        try:
            (user_config_folder() / LOCATION_FILE).unlink()
        except FileNotFoundError:
            pass
    return record


def default_db_path() -> Path:
    """The database file of the location record, else the account's own data folder's."""
    location = read_location()
    if location is not None and location.database_folder is not None:
        return location.database_folder / DB_FILE
    return user_data_folder() / DB_FILE


def default_backup_folder() -> Path:
    """The backup folder of the location record; else ``backups`` in the database's folder
    of the record; else ``backups`` in the account's own data folder."""
    location = read_location()
    if location is not None:
        if location.backup_folder is not None:
            return location.backup_folder
        if location.database_folder is not None:
            return location.database_folder / "backups"
    return user_data_folder() / "backups"


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



def folder_problem(folder: str | os.PathLike, field: str, database: bool = False) -> str | None:
    """Why ``folder`` cannot hold the data (``field`` names the field, translated), or None.

    It must be a whole path, and a folder this account may write: it is made when missing,
    and a small file is written there and removed. A folder for the database must not be on
    a network share (see :func:`network_share_message`). This touches the folder: the window
    calls it off its thread (``ui/folder_work.py``).
    """
    from .i18n import _

    text = os.fspath(folder).strip()
    if not text:
        return _("{field} choose a folder.").format(field=field)
    if database and on_network(text):
        return _("{field} {reason}").format(
            field=field, reason=network_share_message(Path(text) / DB_FILE))
    path = Path(text).expanduser()
    if not path.is_absolute():
        return _("{field} give the whole path of the folder, for example {example}.").format(
            field=field, example="D:\\ReceptionDesk" if os.name == "nt" else "/srv/receptiondesk")
    probe = path / f".receptiondesk-write-test-{os.getpid()}"
    try:
        path.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as f:
            f.write(b"ok")
        probe.unlink()
    except OSError as exc:
        return _("{field} ReceptionDesk cannot write to {folder} ({reason}). Choose a folder "
                 "this Windows account may change, or ask an administrator for the right to "
                 "change this one.").format(field=field, folder=path,
                                            reason=exc.strerror or exc)
    return None
