"""What every page is handed: the open database and the office it works for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:  # the window can be shown before the database layer is imported
    from ..db import Database


class AppSignals(QObject):
    """Application-wide notifications between pages."""

    #: a kind of record changed (a ``services.record_kinds.RecordKind``, a str); lists and
    #: panes showing that kind reload themselves
    data_changed = Signal(str)
    #: the interface language changed; widgets retranslate
    language_changed = Signal(str)
    #: show a message in the status bar
    status_message = Signal(str)
    #: ask the main window to open a record: (kind, record id)
    open_record = Signal(str, str)


@dataclass
class AppContext:
    db: Database
    unit_id: str
    signals: AppSignals = field(default_factory=AppSignals)
    official_id: str | None = None

    @property
    def acting_official_id(self) -> str | None:
        """The official the forms fill in by default (recorder, handling official): the
        signed-in user's linked official, else the one chosen when the office was set up."""
        from ..services.accounts import current_user

        user = current_user()
        if user is not None and user.official_id:
            return user.official_id
        return self.official_id

    def unit_ids(self) -> list[str]:
        """The units whose records this office sees: itself and the units below it."""
        from ..services.units import unit_and_descendants

        with self.db.session() as s:
            return unit_and_descendants(s, self.unit_id)


def open_context(db: Database) -> AppContext | None:
    """The office this database is kept for; None when the first run has not happened."""
    from ..services.units import home_unit

    with db.session() as s:
        unit = home_unit(s)
        return AppContext(db, unit.id) if unit else None
