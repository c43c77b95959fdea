"""Backups of the SQLite database file: made, verified, rotated, checked and restored.

* :func:`make_backup` copies the live database with SQLite's online backup
  (:func:`receptiondesk.db.backup_sqlite`, verified with ``integrity_check``) into
  ``<folder>/<name>-YYYYMMDD-HHMMSS-<reason>.db`` — ``receptiondesk-20260205-171500-exit.db``
  for the default ``receptiondesk.db`` — then keeps the newest ``keep`` backups of that
  database (never the one just made, never a file that is not such a backup).
* The backups of a database are the files named after its file name, so a demo database
  backed up into the same folder never rotates away, or gets restored over, the office's.
* :func:`restore_backup` checks the backup first (integrity, a schema this program
  knows), copies it next to the database, keeps the current file byte for byte (with
  its ``-wal`` and ``-shm``) as ``<name>.before-restore-YYYYMMDD-HHMMSS.db`` — never
  deleting it — and puts the copy in place with one atomic rename. At every instant
  the database's path holds a database, the old one or the restored one: a kill at
  any step leaves one of them there, never nothing (the next start would otherwise
  make an empty database). The caller closes the database before and reopens it after.

No Qt here: the GUI runs these off its thread, the command line calls them directly.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..db import Database, DatabaseError, backup_sqlite
from ..files import pause_point, replace_file
from ..i18n import N_, _, format_number
from .startup import (
    NotOurDatabase,
    connect_read_only,
    has_sqlite_header,
    known_revisions,
    schema_revision,
)

REASONS = ("manual", "exit", "daily")
REASON_TITLES = {"manual": N_("By hand"), "exit": N_("At exit"), "daily": N_("Daily")}
DEFAULT_KEEP = 14
#: Seconds of doubt when comparing a file's modification time with a backup's start.
MTIME_MARGIN = 3
#: Free space kept on the backup volume beyond the size of the database.
SPARE_BYTES = 10 * 1024 * 1024
_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(
    r"^(?P<stem>.+?)-(?P<day>\d{8})-(?P<clock>\d{6})-(?P<reason>manual|exit|daily)"
    r"(?:-(?P<n>\d+))?\.db$"
)
_lock = threading.RLock()  # one backup at a time (the daily one, "Back up now", the exit one)


@dataclass(frozen=True)
class BackupInfo:
    """A backup file: where it is, when it was made, its size in bytes and why."""

    path: Path
    time: datetime
    size: int
    reason: str
    database: str = ""  # the file name (without .db) of the database it copies

    @property
    def reason_title(self) -> str:
        return _(REASON_TITLES.get(self.reason, self.reason))

    @property
    def size_text(self) -> str:
        return _("{size} MB").format(size=format_number(self.size / 1_048_576, 1))


@dataclass(frozen=True)
class BackupPolicy:
    """Where the backups go (a folder the user may change, e.g. a USB drive) and how many
    of them are kept."""

    folder: Path
    keep: int = DEFAULT_KEEP

    @classmethod
    def from_settings(cls, folder: object = None, keep: object = None) -> BackupPolicy:
        """From saved preference values (QSettings gives strings, or None when unset)."""
        try:
            count = (int(keep) if isinstance(keep, (str, int, float)) and keep != ""
                     else DEFAULT_KEEP)
        except (TypeError, ValueError):
            count = DEFAULT_KEEP
        return cls(backup_folder(str(folder) if folder else None), max(1, count))

    def make(self, db: Database, reason: str = "manual") -> Path:
        return make_backup(db, self.folder, reason, keep=self.keep)

    def due(self, db_path: Path | None, today: date | None = None) -> bool:
        return backup_due(self.folder, today or date.today(), database=db_path)


def default_backup_folder() -> Path:
    """The backup folder of the office's location record (``location.py``), else
    ``backups`` beside the database the record names, else in the account's data folder."""
    from ..location import default_backup_folder as recorded

    return recorded()


def backup_folder(settings_value: str | os.PathLike | None = None) -> Path:
    """The folder saved in the preferences, or ``<data folder>/backups`` by default."""
    if settings_value and str(settings_value).strip():
        return Path(str(settings_value).strip()).expanduser()
    return default_backup_folder()


def _stem(database: str | os.PathLike | None) -> str | None:
    if database is None:
        return None
    name = Path(database).name
    return name[:-3] if name.lower().endswith(".db") else Path(name).stem


def backup_name(database: str | os.PathLike, when: datetime, reason: str, n: int = 0) -> str:
    suffix = f"-{n}" if n else ""
    return f"{_stem(database)}-{when.strftime(_STAMP)}-{reason}{suffix}.db"


def parse_backup_name(name: str) -> tuple[str, datetime, str, int] | None:
    """(database name, time, reason, number) of a backup's file name; None for other files."""
    m = _NAME.match(name)
    if not m:
        return None
    try:
        when = datetime.strptime(m["day"] + "-" + m["clock"], _STAMP)
    except ValueError:
        return None
    return m["stem"], when, m["reason"], int(m["n"] or 0)


def list_backups(folder: str | os.PathLike,
                 database: str | os.PathLike | None = None) -> list[BackupInfo]:
    """The backups in ``folder``, newest first; with ``database`` only that database's.

    A folder that does not exist (a USB drive not plugged in) has none.
    """
    stem = _stem(database)
    found: list[tuple[tuple, BackupInfo]] = []
    try:
        entries = list(Path(folder).expanduser().iterdir())
    except OSError:
        return []
    for path in entries:
        parsed = parse_backup_name(path.name)
        if parsed is None or (stem is not None and parsed[0] != stem):
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        if not path.is_file():
            continue
        info = BackupInfo(path, parsed[1], st.st_size, parsed[2], parsed[0])
        found.append(((parsed[1], parsed[3], st.st_mtime_ns, path.name), info))
    found.sort(key=lambda item: item[0], reverse=True)
    return [info for _key, info in found]


def backup_due(folder: str | os.PathLike, today: date,
               database: str | os.PathLike | None = None) -> bool:
    """True when no backup (of ``database``, if given) was made on ``today``."""
    return not any(b.time.date() == today for b in list_backups(folder, database))


def changed_since_last_backup(db_path: str | os.PathLike, folder: str | os.PathLike) -> bool:
    """False only when the database file (and its WAL) has not changed since its newest
    backup was started: the backup at exit is skipped then.

    Modification times are compared with a margin (:data:`MTIME_MARGIN` seconds before
    the backup's start, which its name gives to the second): when in doubt, back up.
    """
    backups = list_backups(folder, db_path)
    if not backups:
        return True
    started = backups[0].time.timestamp() - MTIME_MARGIN
    for suffix in ("", "-wal"):
        try:
            if os.stat(str(db_path) + suffix).st_mtime >= started:
                return True
        except FileNotFoundError:
            continue
    return False


def _database_size(path: Path) -> int:
    total = 0
    for suffix in ("", "-wal"):
        try:
            total += os.stat(str(path) + suffix).st_size
        except OSError:
            pass
    return total


#: a half-written backup not touched for this long was abandoned (its writer was killed,
#: e.g. at Windows shut-down); one being written now is touched continuously
STALE_PART_SECONDS = 15 * 60


def remove_stale_parts(folder: Path, now: float | None = None) -> list[Path]:
    """Delete the half-written backups (``….db.part`` and their journals) that an earlier
    backup left when it was killed: their names change every second, so the backup that
    left one never comes back for it, and on a USB stick each may take gigabytes."""
    now = time.time() if now is None else now
    removed = []
    for path in folder.glob("*.db.part*"):
        base = path.name[:path.name.index(".db.part") + 3]
        if parse_backup_name(base) is None:
            continue  # not ours
        try:
            if now - path.stat().st_mtime < STALE_PART_SECONDS:
                continue  # another backup may be writing it right now
            path.unlink()
            removed.append(path)
        except OSError:
            continue  # held or gone: the next backup tries again
    return removed


def _prepare_folder(folder: Path) -> None:
    if folder.is_dir():
        return
    default = default_backup_folder()
    # A chosen folder is only re-created where its parent still is: a USB drive that is
    # not plugged in must not turn into a folder of the same name on the system disk.
    if folder.resolve() != default.resolve() and not folder.parent.is_dir():
        raise DatabaseError(_(
            "The backup folder {folder} cannot be reached. If it is on a USB drive, plug the "
            "drive in and try again, or choose another folder in Settings, Backups."
        ).format(folder=folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(_("Cannot create the backup folder {folder}: {reason}").format(
            folder=folder, reason=exc.strerror or exc)) from exc


def make_backup(db: Database, folder: str | os.PathLike, reason: str = "manual", *,
                keep: int = DEFAULT_KEEP, now: datetime | None = None) -> Path:
    """Back up the open database into ``folder``, verified; then rotate. Returns the file.

    Raises :class:`DatabaseError` (translated) when it cannot be made; an older backup is
    never removed then.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    source = db.path
    if source is None:
        raise DatabaseError(_("Only a SQLite database file can be backed up this way."))
    folder = Path(folder).expanduser()
    with _lock:
        _prepare_folder(folder)
        remove_stale_parts(folder, now.timestamp() if now is not None else None)
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            free = None
        needed = _database_size(source) + SPARE_BYTES
        if free is not None and free < needed:
            raise DatabaseError(_(
                "There is not enough free space in {folder} for a backup: {needed} MB are "
                "needed, {free} MB are free."
            ).format(folder=folder, needed=format_number(needed // 1_048_576),
                     free=format_number(free // 1_048_576)))
        when = (now or datetime.now()).replace(microsecond=0)
        n = 0
        target = folder / backup_name(source, when, reason)
        while target.exists() or target.with_name(target.name + ".part").exists():
            n += 1
            target = folder / backup_name(source, when, reason, n)
        try:
            backup_sqlite(db, target)
        except DatabaseError:
            raise
        except (OSError, sqlite3.Error) as exc:
            target.with_name(target.name + ".part").unlink(missing_ok=True)
            reason_text = getattr(exc, "strerror", None) or exc
            raise DatabaseError(_("The backup could not be written to {folder}: {reason}")
                                .format(folder=folder, reason=reason_text)) from exc
        rotate(folder, keep, database=source, protect=(target, source))
    return target


def make_backup_if_changed(db: Database, folder: str | os.PathLike, reason: str = "exit", *,
                           keep: int = DEFAULT_KEEP) -> Path | None:
    """:func:`make_backup` unless the database has not changed since its newest backup
    (waiting first for a backup being made); None when skipped."""
    source = db.path
    if source is None:
        raise DatabaseError(_("Only a SQLite database file can be backed up this way."))
    with _lock:
        if not changed_since_last_backup(source, folder):
            return None
        return make_backup(db, folder, reason, keep=keep)


def rotate(folder: str | os.PathLike, keep: int, database: str | os.PathLike | None = None,
           protect: Iterable[str | os.PathLike] = ()) -> list[Path]:
    """Remove all but the newest ``keep`` backups (of ``database``); returns those removed.

    Files in ``protect`` (the backup just made, the open database) are never removed.
    """
    keep = max(1, int(keep))
    kept_paths = set()
    for p in protect:
        try:
            kept_paths.add(Path(p).resolve())
        except OSError:
            pass
    removed: list[Path] = []
    for info in list_backups(folder, database)[keep:]:
        if info.path.resolve() in kept_paths:
            continue
        try:
            info.path.unlink()
        except OSError:
            continue  # a read-only USB stick: keep it rather than fail the backup
        removed.append(info.path)
    return removed


def check_backup(path: str | os.PathLike) -> list[str]:
    """Problems that make ``path`` unfit to restore (translated); empty when it is good.

    The file is opened read-only and checked with ``PRAGMA integrity_check``; its schema
    must be one this program knows (not made by a newer version).
    """
    path = Path(path)
    if not path.is_file():
        return [_("There is no backup file at {path}.").format(path=path)]
    try:
        if not has_sqlite_header(path):
            return [_("{name} is not a database file.").format(name=path.name)]
        with closing(connect_read_only(path)) as conn:
            try:
                revision = schema_revision(conn)
            except NotOurDatabase:
                return [_("{name} is not a ReceptionDesk database.").format(name=path.name)]
            if revision is None:
                return [_("{name} is an empty database.").format(name=path.name)]
            if revision not in known_revisions():
                return [_("{name} was made by a newer version of ReceptionDesk (schema "
                          "{revision}).").format(name=path.name, revision=revision)]
            lines = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except OSError as exc:
        return [_("The backup {name} cannot be read: {reason}").format(
            name=path.name, reason=exc.strerror or exc)]
    except sqlite3.Error as exc:  # "file is not a database", "database disk image is malformed"
        return [_("The backup {name} is damaged: {reason}").format(name=path.name, reason=exc)]
    if lines != ["ok"]:
        return [_("The backup {name} is damaged: {reason}").format(
            name=path.name, reason="; ".join(lines[:5]))]
    return []


def find_good_backup(folder: str | os.PathLike,
                     database: str | os.PathLike | None = None) -> BackupInfo | None:
    """The newest backup (of ``database``, if given) that passes :func:`check_backup`."""
    for info in list_backups(folder, database):
        if not check_backup(info.path):
            return info
    return None


def latest_good_backup(folder: str | os.PathLike,
                       database: str | os.PathLike | None = None) -> Path | None:
    """The path of the newest good backup, skipping damaged ones; None when there is none."""
    info = find_good_backup(folder, database)
    return info.path if info else None


def _free_aside_name(db_path: Path, when: datetime) -> Path:
    base = f"{_stem(db_path)}.before-restore-{when.strftime(_STAMP)}"
    candidate, n = db_path.with_name(base + ".db"), 0
    while any(Path(str(candidate) + s).exists() for s in ("", "-wal", "-shm", "-journal")):
        n += 1
        candidate = db_path.with_name(f"{base}-{n}.db")
    return candidate


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def restore_backup(db_path: str | os.PathLike, backup_path: str | os.PathLike, *,
                   now: datetime | None = None) -> Path | None:
    """Replace the database file by a checked copy of ``backup_path``.

    The database must be closed by the caller (and reopened after). The current file, with
    its ``-wal``/``-shm``/``-journal``, is moved aside — never deleted — and that aside path
    is returned (None when there was no current file). Raises :class:`DatabaseError` with a
    translated message, the current file untouched, when the backup fails its check or the
    copy cannot be made.
    """
    db_path = Path(db_path).expanduser().absolute()
    backup_path = Path(backup_path).expanduser().absolute()
    if backup_path.exists() and db_path.exists() and backup_path.samefile(db_path):
        raise DatabaseError(_("The backup chosen is the database file itself."))
    problems = check_backup(backup_path)
    if problems:
        raise DatabaseError(_(
            "The backup {name} was not restored: {problems} The current database was not "
            "changed."
        ).format(name=backup_path.name, problems=" ".join(problems)))
    folder = db_path.parent
    if not folder.is_dir():
        raise DatabaseError(_("The folder {folder} of the database cannot be found.").format(
            folder=folder))
    when = (now or datetime.now()).replace(microsecond=0)
    tmp = db_path.with_name(db_path.name + ".restoring")
    remove_restore_leftovers(db_path)
    try:
        with open(backup_path, "rb") as src, open(tmp, "wb") as dst:
            dst.write(src.read(4096))
            dst.flush()
            pause_point("restore-copying")
            shutil.copyfileobj(src, dst, 1024 * 1024)
            dst.flush()
            os.fsync(dst.fileno())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(_(
            "The backup could not be copied next to the database: {reason}. The current "
            "database was not changed."
        ).format(reason=exc.strerror or exc)) from exc
    pause_point("restore-copied")
    aside = _free_aside_name(db_path, when)
    kept = False
    try:
        if db_path.exists():
            _keep_aside(db_path, aside)
            kept = True
            pause_point("restore-kept-aside")
            _move_companions(db_path, aside)
            pause_point("restore-companions-moved")
        # The one step that changes the database: an atomic rename over the old file.
        replace_file(tmp, db_path)
        pause_point("restore-replaced")
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(_(
            "The database file could not be replaced: {reason}. Close every program using "
            "it (ReceptionDesk included) and try again; the current database was not changed."
        ).format(reason=exc.strerror or exc)) from exc
    _fsync_folder(folder)
    return aside if kept else None


def _move_companions(db_path: Path, aside: Path) -> None:
    """Move the current file's ``-wal``, ``-shm`` and ``-journal`` beside its kept copy:
    a WAL must never be left beside a file it does not belong to. Until the rename that
    follows, the path holds the old file as of its last checkpoint (what the WAL held
    is in the kept copy's WAL)."""
    for suffix in ("-wal", "-shm", "-journal"):
        companion = Path(str(db_path) + suffix)
        if companion.exists():
            replace_file(companion, Path(str(aside) + suffix))


def _keep_aside(db_path: Path, aside: Path) -> None:
    """A copy of the current file under ``aside``: a hard link where the disk has them
    (no space, instant), else a copy written and flushed. The file itself stays."""
    try:
        os.link(db_path, aside)
        return
    except OSError:
        pass
    partial = aside.with_name(aside.name + ".part")
    try:
        with open(db_path, "rb") as src, open(partial, "wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
            dst.flush()
            os.fsync(dst.fileno())
        replace_file(partial, aside)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def remove_restore_leftovers(db_path: str | os.PathLike) -> list[Path]:
    """Delete what a restore killed before its rename left beside the database: the copy
    being made (``<db>.restoring``) and a half-made kept copy (``….before-restore-….db.part``).
    The database path itself always holds a whole file (the old or the new one). Called
    when the database is opened and before a restore; a restore runs only while no
    program uses the database, so no one is writing these then."""
    db_path = Path(db_path)
    stem = _stem(db_path)
    found = [db_path.with_name(db_path.name + ".restoring")]
    if stem:
        found += list(db_path.parent.glob(f"{stem}.before-restore-*.db.part"))
    removed = []
    for path in found:
        try:
            if path.exists():
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # held: the next start tries again
    return removed


def authorise_restore(db_path: str | os.PathLike) -> None:
    """Refuse (PermissionDenied) unless the acting user may restore the database.

    Only a database that opens is asked; restoring over a damaged or unreadable file (the
    start-up dialog) needs nothing but access to the PC, like the recovery of accounts.
    """
    from .accounts import require
    from .database import open_database

    try:
        db = open_database(db_path)
    except Exception:  # noqa: BLE001 - damaged: nothing to ask
        return
    try:
        with db.session() as s:
            require(s, "database.restore")
    finally:
        db.close()


def record_restore(db_path: str | os.PathLike, backup: str | os.PathLike,
                   aside: str | os.PathLike | None) -> None:
    """Write the restore into the restored file's audit log (its own chain goes on)."""
    from . import audit
    from .database import open_database

    head = audit.head_of_file(db_path)  # the restored backup's last entry, which this follows
    db = open_database(db_path)
    try:
        with db.session(write=True) as s:
            audit.record(s, "restore", "database", "", None, {
                "backup": Path(backup).name, "kept_aside": str(aside) if aside else "",
                "backup_head": {"seq": head[0], "hash": head[1]} if head else None})
    finally:
        db.close()
