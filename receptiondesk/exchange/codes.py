"""The code lists of the interchange formats, for ``receptiondesk codes`` (DESIGN §8).

Codes are written in English; the labels are in the current language. Files may
use either the code or its label (English or Vietnamese) — see
:func:`receptiondesk.exchange.tables.parse_code`.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from ..i18n import _
from ..model.codes import (
    Gender,
    Handling,
    InspectionBody,
    InspectionKind,
    Level,
    MeetingKind,
    PetitionType,
    Result,
    SessionKind,
    Status,
    UnitKind,
    VisitHandling,
    choices,
)
from ..services import reference

#: list name → the code enum behind it (the lookup tables are added from the database)
ENUM_LISTS: dict[str, type[StrEnum]] = {
    "type": PetitionType,
    "handling": Handling,
    "status": Status,
    "result": Result,
    "session_kind": SessionKind,
    "logbook_handling": VisitHandling,
    "meeting_kind": MeetingKind,
    "inspection_kind": InspectionKind,
    "inspection_body": InspectionBody,
    "level": Level,
    "unit_kind": UnitKind,
    "gender": Gender,
}

#: the order ``receptiondesk codes`` prints the lists in
ORDER: tuple[str, ...] = (
    "type", "field_code", "source", "handling", "status", "result", "session_kind",
    "logbook_handling", "meeting_kind", "inspection_kind", "inspection_body", "level",
    "unit_kind", "gender", "yes_no",
)


def code_lists(session: Session) -> dict[str, list[tuple[str, str]]]:
    """Every code list: name → [(code, label in the current language)], in :data:`ORDER`.

    ``field_code`` and ``source`` come from the lookup tables (active entries),
    so an office's own fields are listed too.
    """
    lists: dict[str, list[tuple[str, str]]] = {}
    for name in ORDER:
        if name == "field_code":
            lists[name] = reference.field_choices(session)
        elif name == "source":
            lists[name] = reference.source_choices(session)
        elif name == "yes_no":
            lists[name] = [("yes", _("Yes")), ("no", _("No"))]
        else:
            lists[name] = choices(ENUM_LISTS[name])
    return lists


def list_titles() -> dict[str, str]:
    """Translated title of each list, with the columns that use it, for printing."""
    return {
        "type": _("Petition type (petitions: type; logbook: petition_type)"),
        "field_code": _("Field (field_code)"),
        "source": _("Source (petitions: source)"),
        "handling": _("Handling (petitions: handling)"),
        "status": _("Status (petitions: status)"),
        "result": _("Result (petitions: result)"),
        "session_kind": _("Kind of session (logbook: session_kind)"),
        "logbook_handling": _("Handling in the log book (logbook: handling)"),
        "meeting_kind": _("Kind of meeting (meetings: kind)"),
        "inspection_kind": _("Inspection or supervision (inspections: kind)"),
        "inspection_body": _("Conducted by (inspections: body)"),
        "level": _("Level (units: level)"),
        "unit_kind": _("Kind of unit (units: kind)"),
        "gender": _("Gender (logbook: gender)"),
        "yes_no": _("Yes or no (units: remote_area; inspections: violations_found)"),
    }
