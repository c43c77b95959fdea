"""The project's modules import one another without cycles, and the core never imports the
user interface or the command line.

The graph is read with :mod:`ast`, not by importing anything:

- An edge is a module-level import: a statement run when the module is imported, at the
  top of the file or inside a module-level ``if``/``try``/``with`` (but not under
  ``if TYPE_CHECKING:``, which never runs). ``from .pkg import name`` is an edge to
  ``pkg.name`` when that is a module, else to ``pkg``; importing ``a.b.c`` also runs
  ``a/__init__`` and ``a/b/__init__``, so those are edges too, except a package the
  importing module is itself inside (already running) and the top package's
  ``receptiondesk/__init__`` (it imports nothing of ours).
- An import inside a function or a method **counts** too. The project defers heavy or
  optional imports (Qt, reportlab, Alembic, the window's pages) to where they are used so
  that the command line and the window start fast, and that stays allowed; but a deferred
  import still means the importing module depends on the other one. Two modules that
  import each other, even from inside functions, cannot be understood, tested or moved
  one without the other, and deferring one side only hides the cycle from Python (that
  is how ``db`` ↔ ``services`` and ``cli`` ↔ ``exchange.national_commands`` went
  unnoticed). Deferral is for speed, pointing one way; never for breaking a cycle.
- Imports under ``if TYPE_CHECKING:`` never run and are not counted.
- The layering check counts both kinds for the same reason: the core (model, rules,
  services, reports, documents, exchange) must not reach the window or the command line
  even from inside a function, or it could not run (or be tested) without them.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "receptiondesk"
ROOT = "receptiondesk"

#: the layers below the user interface and the command line
CORE = ("model", "rules", "services", "reports", "documents", "exchange")
#: what the core may not import
ABOVE_CORE = (f"{ROOT}.ui", f"{ROOT}.cli")

def _modules(*names: str) -> frozenset[str]:
    return frozenset(f"{ROOT}.{name}" for name in names)


#: Tangles known today, each with its reason. A cycle found must lie inside one of these
#: groups (a tangle may shrink, never grow or appear elsewhere), and each group must still
#: hold a cycle (a group untangled leaves the list, so that it cannot come back).
ALLOWED_CYCLES: dict[frozenset[str], str] = {
    # The services call each other both ways (from inside functions): the audit log names
    # the acting user (accounts) and accounts write to the audit log; a restore opens the
    # database and opening cleans up after a restore; the reference data recomputes
    # petitions' deadlines and petitions read the reference data. Layering them (the
    # acting user and the audit writer below the rest) is still to do. The sealing of
    # identities joined it: a sign-in unlocks the keys (key_custody) and seals what is
    # there (sealed_fields), which protection and the audit writer call back.
    _modules("services.accounts", "services.attachments", "services.audit",
             "services.backups", "services.citizens", "services.database",
             "services.key_custody", "services.locking", "services.lookups",
             "services.national_codes", "services.numbering", "services.petitions",
             "services.protection", "services.reception", "services.reference",
             "services.sealed_fields", "services.search", "services.units"):
        "the services' calls to one another",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(body: list[ast.stmt], module_level: bool):
    """(import statement, at module level?) for each import in ``body``, recursively."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, module_level
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _imports(node.orelse, module_level)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield from _imports(getattr(node, "body", []), False)
        elif isinstance(node, ast.ClassDef):
            yield from _imports(node.body, module_level)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    yield from _imports(inner, module_level)


def _targets(node: ast.Import | ast.ImportFrom, here: str, is_package: bool,
             modules: dict[str, Path]) -> set[str]:
    """The project modules an import statement loads."""
    names: set[str] = set()
    if isinstance(node, ast.Import):
        names = {alias.name for alias in node.names}
    else:
        if node.level:
            base = here.split(".") if is_package else here.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        for alias in node.names:  # a submodule, or a name the package itself defines
            submodule = f"{prefix}.{alias.name}"
            names.add(submodule if submodule in modules else prefix)
    found: set[str] = set()
    for name in names:
        if not (name == ROOT or name.startswith(ROOT + ".")):
            continue
        if name in modules:
            found.add(name)
        parts = name.split(".")
        for i in range(2, len(parts)):  # the packages on the way run their __init__ ...
            package = ".".join(parts[:i])
            # ... unless the importing module is inside it: then it is already running
            if package in modules and not here.startswith(package + "."):
                found.add(package)
    return found


def import_graph(module_level_only: bool = False) -> dict[str, set[str]]:
    modules = project_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        edges: set[str] = set()
        for node, at_module_level in _imports(tree.body, True):
            if module_level_only and not at_module_level:
                continue
            edges |= _targets(node, name, path.name == "__init__.py", modules)
        edges.discard(name)
        graph[name] = edges
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative): the components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def a_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One closed path through a component, to print: a → b → … → a."""
    members = set(component)
    start = component[0]
    # breadth-first from start's successors back to start, inside the component
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return component


def test_the_graph_is_read():
    graph = import_graph()
    assert f"{ROOT}.db" in graph and f"{ROOT}.i18n" in graph[f"{ROOT}.db"]
    # an import inside a function counts; one under TYPE_CHECKING does not
    assert f"{ROOT}.ui.app" in graph[f"{ROOT}.cli.window_commands"]
    assert f"{ROOT}.reports.periodic" in graph[f"{ROOT}.reports.saving"]
    assert f"{ROOT}.reports.periodic" not in import_graph(module_level_only=True)[
        f"{ROOT}.reports.saving"]
    # a relative import of a sibling module, and of a package's submodule
    assert f"{ROOT}.services.errors" in graph[f"{ROOT}.services.audit"]


def test_a_cycle_is_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert a_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_no_import_cycles():
    graph = import_graph()
    cycles = [c for c in strongly_connected(graph)
              if not any(set(c) <= group for group in ALLOWED_CYCLES)]
    message = "\n".join(" → ".join(a_cycle(graph, c)) + f"   ({len(c)} modules: "
                        + ", ".join(c) + ")" for c in cycles)
    assert not cycles, "import cycles between the project's modules:\n" + message


def test_allowed_cycles_are_still_cycles():
    """An allowed tangle that is gone must leave the list, so that it cannot come back."""
    found = strongly_connected(import_graph())
    gone = [ALLOWED_CYCLES[group] for group in ALLOWED_CYCLES
            if not any(set(c) <= group for c in found)]
    assert not gone, gone


def test_the_core_imports_neither_the_window_nor_the_command_line():
    graph = import_graph()
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module.split(".")[1:2] and module.split(".")[1] in CORE
        for target in targets
        if any(target == above or target.startswith(above + ".") for above in ABOVE_CORE)
    )
    assert not wrong, "\n".join(wrong)
