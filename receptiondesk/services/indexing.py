"""The folded keys kept beside records for search, repeat-finding and sorting.

One place computes them so the services, the importers and the demo generator
store exactly the same keys.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..text import collation_key, fold


def join_folded(*parts: str | None) -> str:
    return " ".join(p for p in (fold(x) for x in parts) if p)


def citizen_keys(full_name: str, address: str, id_number: str | None, phone: str) -> dict:
    return {
        "name_key": fold(full_name),
        "address_key": fold(address),
        "sort_key": collation_key(full_name),
        "search_text": join_folded(full_name, id_number, address, phone),
    }


def session_search_text(ref: str | None, place: str | None, presiding_name: str | None,
                        notes: str | None) -> str:
    """A reception session's own text: its reference, place, presiding official and notes
    (the visits received in it are found through their own index rows)."""
    return join_folded(ref, place, presiding_name, notes)


def with_session_search_text(row: dict) -> dict:
    """``row`` (a reception session's columns) with its ``search_text`` computed from them,
    for writers that insert or update rows without the ORM (bundles, the demo)."""
    row["search_text"] = session_search_text(
        row.get("ref"), row.get("place"), row.get("presiding_name"), row.get("notes"))
    return row


def visit_search_text(content: str, names: Iterable[str], representatives: str = "") -> str:
    return join_folded(*names, representatives, content)


def petition_search_text(
    ref: str, content: str, petitioners: Iterable[tuple[str, str | None, str]], *,
    denunciation: bool,
) -> str:
    """Folded ref, content and petitioners (name, ID number, address).

    A denouncer's identity is confidential (Denunciations Law art. 9, DESIGN §4),
    so it is never put into the shared search index.
    """
    people: list[str | None] = []
    if not denunciation:
        for name, id_number, address in petitioners:
            people += [name, id_number, address]
    return join_folded(ref, *people, content)
