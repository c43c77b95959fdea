"""Drop-down choices read from the database that several forms offer."""

from __future__ import annotations

from ...services.units import list_officials


def official_choices(session, unit_ids: list[str] | None) -> list[tuple[str, str]]:
    """Active officials of the office and the units below it, in roster order."""
    wanted = set(unit_ids) if unit_ids is not None else None
    return [(o.id, o.full_name) for o in list_officials(session, None)
            if wanted is None or o.unit_id in wanted]
