"""The kinds of record whose change the window announces (``AppSignals.data_changed``):
a page lists the kinds it shows and reloads when one of them changed.

A StrEnum: a kind compares equal to its plain name, so a listener written with strings
still works, and a kind that is misspelt fails at import instead of never matching.
"""

from __future__ import annotations

from enum import StrEnum


class RecordKind(StrEnum):
    PETITION = "petition"
    SESSION = "session"  # a reception session
    VISIT = "visit"
    CITIZEN = "citizen"
    MEETING = "meeting"  # a working meeting
    NOTICE = "notice"  # a concluding notice of a working meeting
    INSPECTION = "inspection"
    MINUTES = "minutes"
    UNIT = "unit"  # the office and the units below it
    OFFICIAL = "official"
    ACCOUNTS = "accounts"  # user accounts
    LOOKUPS = "lookups"  # the lists of choices (fields, national codes)
    RULES = "rules"  # the legal time limits
    CALENDAR = "calendar"  # holidays and working days
    SETTINGS = "settings"

    @classmethod
    def of_record(cls, name: str) -> RecordKind | None:
        """The kind of a record named as the audit log names it (the model class in snake
        case, "reception_session") or as a bundle's conflict does (its table,
        "reception_sessions"); None for a record no page shows."""
        for candidate in (name, name[:-1] if name.endswith("s") else name):
            if candidate in _RECORD_NAMES:
                return _RECORD_NAMES[candidate]
            if candidate in _VALUES:
                return cls(candidate)
        return None


_VALUES = {k.value for k in RecordKind}
_RECORD_NAMES = {
    "reception_session": RecordKind.SESSION,
    "visit_attendee": RecordKind.VISIT,
    "working_meeting": RecordKind.MEETING,
    "concluding_notice": RecordKind.NOTICE,
    "petition_event": RecordKind.PETITION,
    "deadline_extension": RecordKind.PETITION,
    "petitioner": RecordKind.PETITION,
    "user": RecordKind.ACCOUNTS,
}

#: what a bundle's import may have changed
IMPORTED = (RecordKind.UNIT, RecordKind.SESSION, RecordKind.VISIT, RecordKind.PETITION,
            RecordKind.CITIZEN, RecordKind.MEETING, RecordKind.NOTICE, RecordKind.INSPECTION)
