"""Manage the gettext catalogs with babel: extract, update and compile in one command.

    python i18n/manage.py            # extract → update vi and en → compile
    python i18n/manage.py compile    # only compile the .po files to .mo

The template is i18n/receptiondesk.pot; the catalogs are
i18n/<lang>/LC_MESSAGES/receptiondesk.po. English is the source language, so its
catalog only carries plural forms; Vietnamese has one plural form.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOMAIN = "receptiondesk"
LANGUAGES = ("vi", "en")
KEYWORDS = ["_", "N_", "gettext", "ngettext:1,2", "pgettext:1c,2", "npgettext:1c,2,3"]


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
    pybabel(
        "extract", "--no-default-keywords", *keywords,
        "--project", "ReceptionDesk", "--sort-by-file", "--no-wrap",
        "-o", str(HERE / f"{DOMAIN}.pot"), "receptiondesk",
    )


def update() -> None:
    for lang in LANGUAGES:
        po = HERE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            pybabel("update", "-i", str(HERE / f"{DOMAIN}.pot"), "-d", str(HERE), "-D", DOMAIN,
                    "-l", lang, "--no-wrap", "--ignore-obsolete")
        else:
            pybabel("init", "-i", str(HERE / f"{DOMAIN}.pot"), "-d", str(HERE), "-D", DOMAIN,
                    "-l", lang, "--no-wrap")


def clean_source_catalog(lang: str = "en") -> None:
    """English is the source language: its catalog carries no translations, so the guesses
    babel's update makes for new messages (marked fuzzy) are dropped."""
    from babel.messages.pofile import read_po, write_po

    po = HERE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    for message in catalog:
        if message.id and (message.fuzzy or any(
                message.string if isinstance(message.string, tuple) else [message.string])):
            message.flags.discard("fuzzy")
            message.previous_id = []
            message.string = ("",) * len(message.string) \
                if isinstance(message.string, tuple) else ""
    with po.open("wb") as fh:
        write_po(fh, catalog, width=None, ignore_obsolete=True)


def compile_catalogs() -> None:
    for lang in LANGUAGES:
        pybabel("compile", "-d", str(HERE), "-D", DOMAIN, "-l", lang, "--statistics")


def main(argv: list[str]) -> int:
    os.chdir(ROOT)  # source references in the catalogs stay relative
    actions = set(argv or ["all"])
    if actions & {"all", "extract"}:
        extract()
    if actions & {"all", "update"}:
        update()
        clean_source_catalog()
    if actions & {"all", "compile"}:
        compile_catalogs()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
