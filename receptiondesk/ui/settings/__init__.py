"""The Settings page, one tab per module: ``language``, ``office`` and ``numbering``
(the first tab), ``officials``, ``lookups`` (fields and sources), ``rules`` (deadline
rules), ``office_calendar``, ``backups``, ``national_codes`` and ``units``; ``common``
holds what the tabs share and ``page`` the page itself."""

from .page import SettingsPage

__all__ = ["SettingsPage"]
