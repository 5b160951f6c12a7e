"""The demo app stands above the domain: it uses the other apps, and none of them may import it back."""

import ast
from pathlib import Path

import geo_meldpunt

PACKAGE = Path(geo_meldpunt.__file__).parent
DEMO = PACKAGE / "demo"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_nothing_in_geo_meldpunt_outside_the_demo_app_imports_it():
    offenders = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if DEMO not in path.parents
        for name in sorted(imported_modules(path))
        if name == "geo_meldpunt.demo" or name.startswith("geo_meldpunt.demo.")
    ]
    assert offenders == []
