"""Build step of the wheel: the gettext catalogs are compiled and the resources copied
into the package (``receptiondesk/_data``), where the installed program looks for them.

An editable install reads ``i18n/`` and ``resources/`` from the checkout instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        data = Path(self.build_lib) / "receptiondesk" / "_data"
        compile_catalogs(ROOT / "i18n", data / "i18n")
        if (ROOT / "resources").is_dir():
            shutil.copytree(ROOT / "resources", data / "resources", dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.py", "__pycache__"))


def compile_catalogs(source: Path, target: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in source.glob("*/LC_MESSAGES/*.po"):
        lang = po.parent.parent.name
        out = target / lang / "LC_MESSAGES" / (po.stem + ".mo")
        out.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        with out.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildWithCatalogs})
