"""What the signed-in user's role allows, shown before they try: a page their role cannot
use is left out of the navigation; a button for something it may not do is disabled, its
tooltip saying why in the words the services refuse with (the permission table of
``services.accounts`` decides both)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..services import accounts

#: the pages that are nothing but what one permission allows
PAGE_PERMISSIONS: dict[str, str] = {
    "accounts": "accounts.manage",
    "audit": "audit.view",
}

#: widget properties: the tooltip the widget had before a refusal replaced it
_PLAIN_TIP = "permission_plain_tooltip"
_REFUSED = "permission_refused"


def refusal(permission: str) -> str | None:
    """Why the signed-in user may not ``permission`` (None: they may)."""
    return accounts.refusal(accounts.current_user(), permission)


def may(permission: str) -> bool:
    return refusal(permission) is None


def page_allowed(name: str) -> bool:
    permission = PAGE_PERMISSIONS.get(name)
    return permission is None or may(permission)


def guard(widget: QWidget, permission: str, enabled: bool = True) -> bool:
    """Enable ``widget`` when ``enabled`` and the role may ``permission``; when the role
    may not, disable it with the reason as its tooltip. True when it is usable."""
    reason = refusal(permission)
    if reason is not None:
        if not widget.property(_REFUSED):
            widget.setProperty(_PLAIN_TIP, widget.toolTip())
            widget.setProperty(_REFUSED, True)
        widget.setToolTip(reason)
    elif widget.property(_REFUSED):
        widget.setToolTip(widget.property(_PLAIN_TIP) or "")
        widget.setProperty(_REFUSED, False)
    widget.setEnabled(enabled and reason is None)
    return enabled and reason is None
