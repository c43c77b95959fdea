"""The PC's drives, and where the first-run wizard suggests keeping the data.

A reinstall of Windows wipes C:, and a backup on the disk it copies is lost with that disk.
So the wizard suggests the database on another fixed local drive (``D:\\ReceptionDesk``)
when the PC has one, else the machine-wide folder; and the backups on a removable drive (a
USB stick) or another drive than the database's. The suggestions are pure functions of
the drive list, tested with invented ones; :func:`windows_drives` reads the real list.
No Qt here.
"""

from __future__ import annotations

import os
from typing import NamedTuple

#: GetDriveTypeW's answers (winbase.h)
REMOVABLE, FIXED, REMOTE, CDROM, RAMDISK = 2, 3, 4, 5, 6
DATA_FOLDER = "ReceptionDesk"
BACKUP_FOLDER = "ReceptionDesk backups"


class Drive(NamedTuple):
    letter: str  # "D:"
    kind: int  # one of the GetDriveTypeW answers above


def system_drive() -> str:
    """The drive Windows is installed on ("C:")."""
    return (os.environ.get("SystemDrive") or "C:").upper()


def windows_drives() -> list[Drive]:
    """The PC's drive letters and their kinds; none on another system."""
    if os.name != "nt":
        return []
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    mask = kernel32.GetLogicalDrives()
    drives = []
    for index in range(26):
        if mask & (1 << index):
            letter = chr(ord("A") + index) + ":"
            drives.append(Drive(letter, int(kernel32.GetDriveTypeW(letter + "\\"))))
    return drives


def _drive_of(folder: str) -> str:
    return folder[:2].upper() if len(folder) >= 2 and folder[1] == ":" else ""


def other_fixed_drives(drives: list[Drive], system: str) -> list[str]:
    """Fixed local drives other than the system's (never A: or B:, the floppy letters)."""
    return [d.letter.upper() for d in sorted(drives)
            if d.kind == FIXED and d.letter.upper() != system.upper()
            and d.letter.upper() not in ("A:", "B:")]


def suggest_database_folder(drives: list[Drive], system: str, fallback: str) -> str:
    """``X:\\ReceptionDesk`` on the first fixed drive other than the system's, else
    ``fallback`` (the machine-wide folder)."""
    others = other_fixed_drives(drives, system)
    return f"{others[0]}\\{DATA_FOLDER}" if others else fallback


def suggest_backup_folder(drives: list[Drive], system: str, database_folder: str,
                          fallback: str) -> str:
    """Backups on a removable drive (a USB stick) when one is plugged in, else on a fixed
    drive other than the database's and the system's, else ``fallback`` (beside the
    database, which the wizard warns about)."""
    removable = [d.letter.upper() for d in sorted(drives)
                 if d.kind == REMOVABLE and d.letter.upper() not in ("A:", "B:")]
    if removable:
        return f"{removable[0]}\\{BACKUP_FOLDER}"
    database_drive = _drive_of(database_folder)
    for letter in other_fixed_drives(drives, system):
        if letter != database_drive:
            return f"{letter}\\{BACKUP_FOLDER}"
    return fallback


def same_drive(first: str, second: str) -> bool:
    """Whether two folders are on one Windows drive letter (False when either has none)."""
    a, b = _drive_of(first), _drive_of(second)
    return bool(a) and a == b
