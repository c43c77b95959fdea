"""One door out (issue 12, item 1): neither the GUI nor the command line calls a renderer.

Renderers (the printed documents, the periodic report's writers, the exchange writers)
only render; the permission, the audit entry, the protection and the whole file are the
door's (``services/outputs.py``). This test reads the source of every module of the GUI
and of the command line and refuses an import of a renderer from anywhere but the door.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import receptiondesk
from receptiondesk.services import outputs
from receptiondesk.services.accounts import ROLES

PACKAGE = Path(receptiondesk.__file__).parent

#: the modules that render, and the functions of theirs that write an output
RENDERERS: dict[str, set[str]] = {
    "documents.minutes": {"render_minutes", "render_minutes_record"},
    "documents.notices": {"render_notice", "render_appointment_slip", "render_receipt"},
    "documents.logbook": {"render_logbook", "log_rows"},
    "documents.logbook_xlsx": {"write_logbook_xlsx"},
    "documents.verifier_copy": {"render_verifier_copy"},
    "reports.outputs": {"write_pdf", "write_xlsx", "write_json"},
    "reports.word": {"write_docx"},
    "documents.docx_writer": {"WordDocument"},
    "exchange.exporter": {"export_file"},
    "exchange.national": {"export_national"},
    "exchange.bundle_export": {"export_bundle"},
}


def front_doors() -> list[Path]:
    """The GUI and the command line: every module a user drives."""
    return sorted([*(PACKAGE / "ui").rglob("*.py"), *(PACKAGE / "cli").glob("*.py"),
                   PACKAGE / "selftest.py", PACKAGE / "reports" / "saving.py"])


def _absolute(module: Path, node: ast.ImportFrom) -> str:
    """The dotted name (inside the package) an ImportFrom imports from."""
    parts = list(module.relative_to(PACKAGE).with_suffix("").parts[:-1])
    if node.level:
        parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
        base = parts
    else:
        base = []
    name = node.module or ""
    if not node.level:
        name = name.removeprefix("receptiondesk.").removeprefix("receptiondesk")
    return ".".join([*base, *([name] if name else [])]).strip(".")


def renderer_imports(module: Path, source: str | None = None) -> list[str]:
    """The renderers ``module`` imports (as "module.name"), by reading its source."""
    tree = ast.parse(source if source is not None else module.read_text("utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            origin = _absolute(module, node)
            for alias in node.names:
                if origin in RENDERERS and alias.name in RENDERERS[origin]:
                    found.append(f"{origin}.{alias.name}")
                if f"{origin}.{alias.name}".strip(".") in RENDERERS:  # the module itself
                    found.append(f"{origin}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.name.removeprefix("receptiondesk.")
                if name in RENDERERS:
                    found.append(name)
    return found


def test_the_gui_and_the_command_line_reach_no_renderer_but_through_the_door():
    modules = front_doors()
    assert PACKAGE / "ui" / "reports" / "documents.py" in modules
    assert PACKAGE / "cli" / "entry.py" in modules
    assert PACKAGE / "cli" / "print_commands.py" in modules
    offenders = {str(m.relative_to(PACKAGE)): found for m in modules
                 if (found := renderer_imports(m))}
    assert offenders == {}


@pytest.mark.parametrize("source", [
    "from ..documents.minutes import render_minutes_record\n",
    "from ..documents import logbook\n",
    "from receptiondesk.exchange.exporter import export_file\n",
    "import receptiondesk.reports.outputs\n",
    "def f():\n    from ..reports.outputs import write_xlsx\n",
])
def test_the_check_sees_a_renderer_imported_directly(source):
    assert renderer_imports(PACKAGE / "ui" / "reports.py", source)


def test_the_check_lets_helpers_and_the_door_through():
    source = ("from ..documents.notices import parse_documents\n"
              "from ..reports.outputs import Pct, cell_text\n"
              "from ..services.outputs import export_national, print_minutes\n")
    assert renderer_imports(PACKAGE / "ui" / "reports.py", source) == []


def test_every_renderer_is_reached_by_the_door():
    door = (PACKAGE / "services" / "outputs.py").read_text("utf-8")
    for names in RENDERERS.values():
        for name in names - {"log_rows"}:  # the log book's rows: through its two writers
            if name != "render_minutes":  # the minutes of a subject: through the record
                assert name in door, name


def test_the_readme_table_matches_the_permissions():
    """The README's table output × role is the door's own table."""
    readme = (PACKAGE.parent / "README.md").read_text("utf-8")
    for name, by_role in outputs.permission_table():
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{name}`")),
                   None)
        assert row is not None, name
        cells = [c.strip() for c in row.strip("|").split("|")][2:]
        assert cells == ["yes" if by_role[r] else "—" for r in ROLES], name
