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
    if actions & {"all", "compile"}:
        compile_catalogs()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
