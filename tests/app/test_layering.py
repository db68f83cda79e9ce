"""The house's layering, read from the import statements: the core imports no feature, and no
feature imports another feature's views (pages belong to their package; what is shared lives
in the shell, app/, or the core, inventory/)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FEATURES = {"labels", "imports", "reuse"}


def imports_of(package: str) -> list[tuple[str, str]]:
    """(module file, imported module) for every import in the package, function bodies too."""
    found = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            found += [(str(path.relative_to(ROOT)), name) for name in names]
    return found


def test_the_core_imports_no_feature():
    assert [(f, m) for f, m in imports_of("inventory") if m.split(".")[0] in FEATURES] == []


def test_no_feature_imports_another_features_views():
    crossing = [
        (f, m)
        for package in FEATURES | {"inventory"}
        for f, m in imports_of(package)
        if m.split(".")[0] in (FEATURES | {"inventory"}) - {package}
        and any(part.endswith("views") for part in m.split(".")[1:2])
    ]
    assert crossing == []
