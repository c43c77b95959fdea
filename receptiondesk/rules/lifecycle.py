"""The petition lifecycle of DESIGN §3 as data: which action leads from which status.

received → classified → (accepted → in_resolution → resolved)
                      | guided | forwarded | archived | returned → closed
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_, _
from ..model.codes import Handling, Status


@dataclass(frozen=True)
class Action:
    code: str
    title: str  # an English message id, translated when shown
    from_statuses: frozenset[str]
    to_status: str  # the status the petition takes


def _s(*statuses: Status) -> frozenset[str]:
    return frozenset(str(s) for s in statuses)


_HANDLED = _s(Status.GUIDED, Status.FORWARDED, Status.ARCHIVED, Status.RETURNED, Status.RESOLVED)

ACTIONS: dict[str, Action] = {
    a.code: a
    for a in (
        Action("classify", N_("Classify"), _s(Status.RECEIVED), Status.CLASSIFIED),
        Action("accept", N_("Accept for resolution"), _s(Status.CLASSIFIED), Status.ACCEPTED),
        Action("guide", N_("Guide to the competent body"), _s(Status.CLASSIFIED), Status.GUIDED),
        Action("forward", N_("Forward"), _s(Status.CLASSIFIED), Status.FORWARDED),
        # Urging the responsible body leaves the matter with that body.
        Action(
            "urge",
            N_("Urge the responsible body"),
            _s(Status.CLASSIFIED, Status.FORWARDED),
            Status.FORWARDED,
        ),
        Action("archive", N_("Archive"), _s(Status.CLASSIFIED), Status.ARCHIVED),
        Action("return", N_("Return documents"), _s(Status.CLASSIFIED), Status.RETURNED),
        Action("start", N_("Start resolution"), _s(Status.ACCEPTED), Status.IN_RESOLUTION),
        Action("resolve", N_("Record the result"), _s(Status.IN_RESOLUTION), Status.RESOLVED),
        Action("close", N_("Close"), _HANDLED, Status.CLOSED),
    )
}

#: the handling outcome each deciding action records
HANDLING_OF_ACTION: dict[str, str] = {
    "accept": Handling.ACCEPT,
    "guide": Handling.GUIDE,
    "forward": Handling.FORWARD,
    "urge": Handling.URGE,
    "archive": Handling.ARCHIVE,
    "return": Handling.RETURN,
}
ACTION_OF_HANDLING: dict[str, str] = {v: k for k, v in HANDLING_OF_ACTION.items()}


def allowed_actions(status: str) -> list[Action]:
    """The actions the lifecycle allows next, in the order buttons show them."""
    return [a for a in ACTIONS.values() if status in a.from_statuses]


def action_title(code: str) -> str:
    action = ACTIONS.get(code)
    return _(action.title) if action else code


def can(status: str, action: str) -> bool:
    a = ACTIONS.get(action)
    return a is not None and status in a.from_statuses
