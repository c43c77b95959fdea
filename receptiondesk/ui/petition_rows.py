"""The petition list's columns and rows: who sent it (a denouncer hidden), how near its
deadline is (the tint), whether it is hot, and why a step is refused."""

from __future__ import annotations

from datetime import date

from ..i18n import N_, _, format_date, format_number, ngettext
from ..model import Petition
from ..model.codes import PetitionType, Status, label
from ..rules import lifecycle
from ..rules.deadlines import days_left
from ..services.protection import Shield, identity_visible
from .paged import Column, Row
from .petition_forms import CONFIDENTIAL

#: a deadline this close (in days) is tinted as due soon
DUE_SOON_DAYS = 5
#: "due within" filter
DUE_WITHIN_DAYS = 7
OPEN = "__open__"

COLUMNS = (
    Column(N_("Reference"), "ref"),
    Column(N_("Date received"), "received"),
    Column(N_("Type"), "type"),
    Column(N_("Field"), "field"),
    Column(N_("Petitioner"), None),
    Column(N_("Status"), "status"),
    Column(N_("Next due"), "due"),
    Column(N_("Days left"), "due", numeric=True),
)
WIDTHS = [120, 90, 90, 200, 180, 120, 90, 70]
#: the field and the petitioner share what is left, so that the status, the due date and
#: the days left stay in view without scrolling sideways (1024 px and up)
FLEXIBLE = (3, 4)


# --- list rows -------------------------------------------------------------------------------


def people_hidden(p: Petition, shield: Shield | None) -> bool:
    """Whether the petitioners are withheld: a denunciation's for a user not cleared, and
    a protected person's in any petition (``shield``: by name, ID number or phone)."""
    if not identity_visible(p):
        return True
    return shield is not None and any(
        shield.person(x.full_name, x.id_number, x.phone).hidden for x in p.petitioners)


def petitioner_text(p: Petition, shield: Shield | None = None) -> str:
    """Who petitioned, as a list may show it: a denouncer's identity only to a cleared
    user (DESIGN §4)."""
    if people_hidden(p, shield):
        return _(CONFIDENTIAL)
    people = list(p.petitioners)
    if not people:
        return _("(anonymous)") if p.anonymous else "—"
    first = people[0].full_name
    if len(people) == 1:
        return first
    return ngettext("{name} and {count} other", "{name} and {count} others",
                    len(people) - 1).format(name=first, count=len(people) - 1)


def due_tint(left: int | None) -> str | None:
    if left is None:
        return None
    if left < 0:
        return "overdue"
    if left <= DUE_SOON_DAYS:
        return "due_soon"
    return None


def is_hot(p: Petition) -> bool:
    return bool(p.is_delegation or p.long_running or p.beyond_level or p.many_signers)


def petition_row(p: Petition, today: date, fields: dict[str, str],
                 shield: Shield | None = None) -> Row:
    due = p.next_due_date
    left = days_left(due, today) if due else None
    tint = due_tint(left) or ("hot" if is_hot(p) else None)
    cells = [
        p.ref or "—",
        format_date(p.received_date),
        label(PetitionType, p.petition_type),
        fields.get(p.field_code or "", ""),
        petitioner_text(p, shield),
        label(Status, p.status),
        format_date(due),
        format_number(left) if left is not None else "",
    ]
    numbers = {7: float(left)} if left is not None else {}
    return Row(p.id, cells, tint, numbers)


def refusal_message(action: str, status: str) -> str:
    """The same words the petitions service uses when it refuses a step."""
    return _("\u201c{action}\u201d is not allowed for a petition that is {status}.").format(
        action=lifecycle.action_title(action), status=label(Status, status).lower())
