"""Both languages complete: every message in the code is in both catalogs, translated
into Vietnamese with the same placeholders; formats follow the language."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from receptiondesk import i18n
from receptiondesk.i18n import (
    _,
    format_date,
    format_number,
    format_percent,
    ngettext,
    round_percent,
    set_language,
)

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def code_messages() -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for _file, _line, msg, _comments, _ctx in extract_from_dir(
        str(ROOT / "receptiondesk"), keywords=KEYWORDS
    ):
        ids = (msg,) if isinstance(msg, str) else tuple(m for m in msg if m)
        found[ids[0]] = ids
    return found


def catalog(lang: str):
    path = ROOT / "i18n" / lang / "LC_MESSAGES" / "receptiondesk.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_message_in_the_code_is_in_the_catalog(lang):
    cat = catalog(lang)
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id}
    missing = sorted(set(code_messages()) - have)
    assert missing == [], f"{len(missing)} messages missing from {lang}: {missing[:5]}"


def test_every_vietnamese_message_is_translated_with_the_same_placeholders():
    problems = []
    cat = catalog("vi")
    wanted = code_messages()
    for m in cat:
        if not m.id:
            continue
        key = m.id if isinstance(m.id, str) else m.id[0]
        if key not in wanted:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {key!r}")
            continue
        # Vietnamese has one plural form: it serves the plural msgid as well.
        source = set(PLACEHOLDER.findall(key)) | set(PLACEHOLDER.findall(wanted[key][-1]))
        for s in strings:
            if set(PLACEHOLDER.findall(s)) != source:
                problems.append(f"placeholders differ: {key!r} -> {s!r}")
    assert problems == [], "\n".join(problems[:20])


def test_vietnamese_is_the_default_and_switching_is_immediate():
    i18n.reload_catalogs()
    set_language("vi")
    assert _("Petitions") == "Đơn thư"
    set_language("en")
    assert _("Petitions") == "Petitions"


def test_numbers_dates_and_percentages_follow_the_language():
    set_language("vi")
    assert format_number(1875) == "1.875"
    assert format_percent(round_percent(853, 1000)) == "85,3%"
    assert format_date(date(2026, 2, 5)) == "05/02/2026"
    set_language("en")
    assert format_number(1875) == "1,875"
    assert format_percent(85.3) == "85.3%"


def test_percentages_are_rounded_once_half_up():
    assert round_percent(1, 8) == 12.5
    assert round_percent(2, 3) == 66.7
    assert round_percent(0, 0) == 0.0
    assert round_percent(17, 19, 1) == 89.5


def test_vietnamese_has_one_plural_form():
    set_language("vi")
    one = ngettext("{count} result in {ms} ms.", "{count} results in {ms} ms.", 1)
    many = ngettext("{count} result in {ms} ms.", "{count} results in {ms} ms.", 5)
    assert one == many
