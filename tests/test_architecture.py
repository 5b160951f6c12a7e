"""Imports run one way: interfaces (api/, maps/, views, tasks) -> report services -> feedback and notification
services -> models. These tests read the source with `ast` (nothing is imported) and fail on an import cycle among
the project's modules, on an import hidden inside a function, and on an import against the layers.

An import counts whether it sits at the top of a module or inside a function: a function-level import hides a
loop, it does not remove it. Only `if TYPE_CHECKING:` imports are left out (they never run). Importing
`a.b.c` runs the packages `a` and `a.b` first, so it counts as importing those too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geo_meldpunt", "api", "maps")


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    in_function: bool


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[_module_name(path)] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST, in_function: bool = False) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield from _import_nodes(other, in_function)
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, in_function
        else:
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            yield from _import_nodes(child, nested)


def _with_packages(name: str, modules: dict[str, Path]) -> list[str]:
    """`a.b.c` and the packages `a`, `a.b` whose __init__ runs first (those of the project)."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in modules]


def project_imports() -> list[Import]:
    modules = project_modules()
    found: dict[tuple[str, str, int], Import] = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        own_packages = set(_with_packages(module, modules)) | {module}
        for node, in_function in _import_nodes(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = module.split(".") if is_package else module.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    source = ".".join([*base, node.module] if node.module else base)
                else:
                    source = node.module or ""
                # `from package import submodule` imports the submodule; `from module import name` the module.
                targets = [source] + [f"{source}.{alias.name}" for alias in node.names]
            for target in targets:
                for imported in _with_packages(target, modules):
                    # A module's own packages ran before it: importing them is no edge (their names are bound).
                    if imported not in own_packages:
                        found[(module, imported, node.lineno)] = Import(module, imported, node.lineno, in_function)
    return list(found.values())


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in `graph` (a path whose last module imports its first), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def _graph(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for item in imports:
        graph.setdefault(item.importer, set()).add(item.imported)
    return graph


def _is_tasks_module(name: str) -> bool:
    return name.rsplit(".", 1)[-1] == "tasks"


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    found = project_imports()
    assert len({i.importer for i in found}) > 50  # the walk found the project, not an empty tree
    return found


def test_there_is_no_import_cycle_among_the_projects_modules(imports):
    # A lazy import of a Celery tasks module (to queue a task after commit) is the one allowed way back up.
    cycle = _cycle(_graph([i for i in imports if not (i.in_function and _is_tasks_module(i.imported))]))
    assert cycle is None, "import cycle: " + " -> ".join([*cycle, cycle[0]])


def test_no_function_hides_an_import_of_the_project_except_of_celery_tasks(imports):
    hidden = [f"{i.importer}:{i.line} imports {i.imported}" for i in imports if i.in_function]
    assert [h for h in hidden if not h.endswith(".tasks")] == []


# (importer prefix, imported prefix): imports that run against the layers.
FORBIDDEN = [
    ("geo_meldpunt", "api"),  # the domain knows no interface
    ("geo_meldpunt", "maps"),
    ("geo_meldpunt.core", "geo_meldpunt."),  # core stands below every app
    ("geo_meldpunt.zones", "geo_meldpunt.reports"),  # zones and routing stand below reports
    ("geo_meldpunt.zones", "geo_meldpunt.geocoding"),
    ("geo_meldpunt.staff", "geo_meldpunt.reports"),  # roles do not depend on reports
    ("geo_meldpunt.notifications", "geo_meldpunt.reports.services"),  # mail is told, it never acts
    ("geo_meldpunt.notifications", "geo_meldpunt.feedback"),
    ("geo_meldpunt.feedback.services", "geo_meldpunt.reports.services"),
    ("geo_meldpunt.stats", "geo_meldpunt.reports.services"),  # insight is told what changed, it never acts
    ("geo_meldpunt.hotspots", "geo_meldpunt.reports.services"),  # hotspots read reports, they never act on them
    ("geo_meldpunt.feedback.models", "geo_meldpunt.reports.services"),
    ("geo_meldpunt.reports.models", "geo_meldpunt.reports.services"),
    ("geo_meldpunt.reports.models", "geo_meldpunt.reports.selectors"),
]
# Apps that stand above the domain: nothing of the domain imports them.
TOOLING = ("geo_meldpunt.reference", "geo_meldpunt.demo", "geo_meldpunt.legacy")
# Read-only insight apps that only interfaces (api/, maps/) import: nothing of the domain depends on them.
INSIGHT_ONLY_FOR_INTERFACES = ("geo_meldpunt.hotspots",)


def _under(name: str, prefix: str) -> bool:
    return name == prefix.rstrip(".") or name.startswith(prefix if prefix.endswith(".") else prefix + ".")


def test_imports_follow_the_layers(imports):
    wrong = [
        f"{i.importer}:{i.line} imports {i.imported}"
        for i in imports
        for importer, imported in FORBIDDEN
        if _under(i.importer, importer) and _under(i.imported, imported) and not _under(i.imported, importer)
    ]
    wrong += [
        f"{i.importer}:{i.line} imports {i.imported}"
        for i in imports
        for tool in TOOLING
        if _under(i.imported, tool) and not _under(i.importer, tool)
    ]
    wrong += [
        f"{i.importer}:{i.line} imports {i.imported}"
        for i in imports
        for app in INSIGHT_ONLY_FOR_INTERFACES
        if _under(i.imported, app) and _under(i.importer, "geo_meldpunt") and not _under(i.importer, app)
    ]
    assert wrong == []


def test_the_cycle_check_finds_a_cycle_and_a_hidden_import(tmp_path):
    """The checks above can fail: a loop two modules deep, one of them inside a function, is found."""
    graph = _graph(
        [
            Import("geo_meldpunt.a", "geo_meldpunt.b", 1, in_function=False),
            Import("geo_meldpunt.b", "geo_meldpunt.c", 1, in_function=False),
            Import("geo_meldpunt.c", "geo_meldpunt.a", 9, in_function=True),
        ]
    )
    assert _cycle(graph) == ["geo_meldpunt.a", "geo_meldpunt.b", "geo_meldpunt.c"]
    tree = ast.parse("import os\ndef f():\n    from geo_meldpunt.reports import services\n")
    assert [(type(n).__name__, inside) for n, inside in _import_nodes(tree)] == [
        ("Import", False),
        ("ImportFrom", True),
    ]
    guarded = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from geo_meldpunt import x\n")
    assert [type(n).__name__ for n, _inside in _import_nodes(guarded)] == ["ImportFrom"]
