"""How a visit is shown in a row, the same on the Reception page and in the session form:
who came (a confidential denouncer hidden), the handling, the content on one line."""

from __future__ import annotations

from ...i18n import _, ngettext
from ...model.codes import visit_handling_label
from ...services.protection import identity_visible
from ...services.reception import split_names

# --- rows shared by the page and the session form -----------------------------------


def citizen_cell(visit, denounced: bool = False) -> str:
    """Who was received: the citizen, or "Delegation of N people: representatives".

    A denouncer's identity is confidential (DESIGN §4): shown only to a cleared user
    (``denounced``: the visit brought a denunciation petition, whatever its own type)."""
    if not identity_visible(visit, protected=denounced or None):
        return _("Confidential (denunciation)")
    if visit.is_delegation:
        text = ngettext("Delegation of {count} person", "Delegation of {count} people",
                        visit.head_count).format(count=visit.head_count)
        names = ", ".join(split_names(visit.representatives))
        if names:
            return _("{delegation}: {representatives}").format(delegation=text,
                                                             representatives=names)
        return text
    return visit.citizen.full_name if visit.citizen is not None else ""


def handling_cell(code: str | None, petition_type: str | None = None) -> str:
    return visit_handling_label(code, petition_type)


def one_line(text: str) -> str:
    return " ".join((text or "").split())
