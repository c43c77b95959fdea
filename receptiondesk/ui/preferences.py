"""This Windows account's preferences (window state, language, backup choices) and the
backup policy read from them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from ..location import user_config_folder


def config_dir() -> Path:
    """Where window state and preferences live ($RECEPTIONDESK_CONFIG_DIR for tests)."""
    return user_config_folder()


def app_settings() -> QSettings:
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "receptiondesk.ini"), QSettings.Format.IniFormat)


def backup_policy(settings: QSettings):
    """Where backups go and how many are kept ("backup/keep", default 14).

    The folder is the location record's (chosen at the first run, for every account on the
    PC; see ``location.py``), else this account's "backup/folder" preference (set in
    versions before the record, or for a database kept per account), else ``backups``
    beside the database."""
    from ..location import read_location
    from ..services.backups import BackupPolicy

    recorded = read_location()
    folder = (recorded.backup_folder if recorded is not None and recorded.backup_folder
              else settings.value("backup/folder", ""))
    return BackupPolicy.from_settings(folder, settings.value("backup/keep", None))
