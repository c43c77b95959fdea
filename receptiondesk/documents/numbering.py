"""The number and symbol of a document: which issuer's abbreviation follows the type.

* State documents (Decree 30/2020/NĐ-CP, art. 15 and Appendix I, item 4): "05/BB-UBND" —
  the number, then the type's abbreviation and the *issuer's* abbreviation joined by a
  hyphen ("Số: 05/BC-UBND").
* Party documents (Guidance 36-HD/VPTW): "05-BB/ĐU" — the number and the type joined by a
  hyphen, then the issuing committee ("Số 05-BC/ĐU", "Số 12-TB/TU").
"""

from __future__ import annotations

#: a Party committee's name → its abbreviation (Guidance 36-HD/VPTW)
_PARTY_ABBREVIATIONS = (("tỉnh ủy", "TU"), ("thành ủy", "TU"), ("huyện ủy", "HU"),
                        ("quận ủy", "QU"), ("thị ủy", "TU"), ("đảng ủy", "ĐU"))
#: a state body's name → its abbreviation (Decree 30/2020/NĐ-CP, Appendix I)
_STATE_ABBREVIATIONS = (("ủy ban nhân dân", "UBND"), ("ubnd", "UBND"),
                        ("hội đồng nhân dân", "HĐND"), ("hđnd", "HĐND"))

#: the placeholder for a number the office writes in by hand
BLANK_NUMBER = "\u2026\u2026"


def party_abbreviation(name: str) -> str:
    """'Đảng ủy xã Mường Phăng' → 'ĐU'; 'Tỉnh ủy Điện Biên' → 'TU'; 'Huyện ủy …' → 'HU'."""
    lowered = " ".join((name or "").lower().split())
    for prefix, abbr in _PARTY_ABBREVIATIONS:
        if lowered.startswith(prefix):
            return abbr
    return "ĐU"


def state_abbreviation(name: str) -> str:
    """'Ủy ban nhân dân xã Mường Phăng' → 'UBND'; another body: the initials of its name
    before the level word ('Ban Tiếp công dân tỉnh' → 'BTCD')."""
    lowered = " ".join((name or "").lower().split())
    for prefix, abbr in _STATE_ABBREVIATIONS:
        if lowered.startswith(prefix):
            return abbr
    initials = []
    for word in lowered.split():
        if word in ("xã", "phường", "thị", "huyện", "quận", "tỉnh", "thành", "đặc"):
            break
        initials.append(word[0].upper())
    return "".join(initials) or "UBND"


def document_symbol(kind: str, name: str, type_code: str, number: str) -> str:
    """'05/BB-UBND' (State) or '05-BB/ĐU' (Party) for a document of the type ``type_code``
    ('BB' minutes, 'BC' report, 'TB' notice) numbered ``number`` by the unit ``name``."""
    if kind == "party":
        return f"{number}-{type_code}/{party_abbreviation(name)}"
    return f"{number}/{type_code}-{state_abbreviation(name)}"
