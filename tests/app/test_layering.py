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


def is_views(module: str) -> bool:
    """A module of pages: views.py or *_views.py, at any depth (reuse.listings.views)."""
    return any(part.endswith("views") for part in module.split(".")[1:])


def test_no_feature_imports_another_features_views():
    crossing = [
        (f, m)
        for package in FEATURES | {"inventory"}
        for f, m in imports_of(package)
        if m.split(".")[0] in (FEATURES | {"inventory"}) - {package} and is_views(m)
    ]
    assert crossing == []


def test_labels_imports_neither_imports_nor_reuse():
    """An import batch's items come through the core's item_group signal, an offered item's
    listing through item_not_visible: labels needs neither feature."""
    assert [
        (f, m) for f, m in imports_of("labels") if m.split(".")[0] in {"imports", "reuse"}
    ] == []


def test_reuse_imports_no_pages_of_labels_or_imports():
    assert [
        (f, m)
        for f, m in imports_of("reuse")
        if m.split(".")[0] in {"labels", "imports"} and is_views(m)
    ] == []


def test_the_views_check_sees_views_in_sub_packages():
    assert is_views("reuse.listings.views") and is_views("labels.scan_views")
    assert not is_views("labels.scan_forms") and not is_views("reuse.listings.services")
