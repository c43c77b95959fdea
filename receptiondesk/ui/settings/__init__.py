"""The Settings page (``page``)."""

from .page import (
    BackupsTab,
    OfficialDialog,
    SettingsPage,
    TranslatedDialog,
    _selected_id,
    _slice,
    change_language,
)

__all__ = ["BackupsTab", "OfficialDialog", "SettingsPage", "TranslatedDialog", "_selected_id",
           "_slice", "change_language"]
