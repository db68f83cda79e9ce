"""The house's layering, read from the import statements: the core imports no feature, and no
feature imports another feature's views (pages belong to their package; what is shared lives
in the shell, app/, or the core, inventory/)."""

import ast
import re
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


ITEM_TABLES = {"Item", "ItemEvent"}
RAW_ITEM_SQL = re.compile(r"\b(insert\s+into|update|delete\s+from|copy)\s+\"?(items|item_events)\b",
                          re.IGNORECASE)  # fmt: skip


def item_writes(path: Path) -> list[str]:
    """What in a module writes items or their history past the core: SQL text naming their
    tables, insert/update/delete of their models, their tables used other than to read
    columns (`Item.__table__.c`)."""
    tree = ast.parse(path.read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [f"SQL {m.group(0)!r}" for m in RAW_ITEM_SQL.finditer(node.value)]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") in WRITES
            and any(
                getattr(arg, "id", getattr(arg, "attr", "")) in ITEM_TABLES for arg in node.args
            )
        ):
            found.append(f"{node.func.id}() of an item table, line {node.lineno}")
        elif (isinstance(node, ast.Attribute) and node.attr == "__table__"
              and getattr(node.value, "id", "") in ITEM_TABLES
              and getattr(parents.get(node), "attr", "") not in ("c", "columns")):  # fmt: skip
            found.append(f"{node.value.id}.__table__ used to write, line {node.lineno}")
    return found


WRITES = {"insert", "update", "delete"}


def test_only_the_core_writes_items_and_their_history_past_the_orm():
    """inventory/bulk.py is the one bulk writer of items (issue 17): no other package holds SQL
    that writes them."""
    found = {
        str(path.relative_to(ROOT)): writes
        for package in ("app", *FEATURES)
        for path in (ROOT / package).rglob("*.py")
        if (writes := item_writes(path))
    }
    assert found == {}


def raw_sql(path: Path) -> list[str]:
    """SQL a module runs itself: exec_driver_sql, or text() other than a partial index's
    WHERE (`sqlite_where=text(...)`, `postgresql_where=text(...)`)."""
    tree = ast.parse(path.read_text())
    where = {id(k.value) for node in ast.walk(tree) if isinstance(node, ast.Call)
             for k in node.keywords if k.arg in ("sqlite_where", "postgresql_where")}  # fmt: skip
    return [
        f"{getattr(node.func, 'attr', getattr(node.func, 'id', ''))}(), line {node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and id(node) not in where
        and (getattr(node.func, "attr", "") == "exec_driver_sql"
             or getattr(node.func, "id", "") == "text")
    ]  # fmt: skip


def test_only_the_core_runs_raw_sql():
    found = {
        str(path.relative_to(ROOT)): calls
        for package in FEATURES
        for path in (ROOT / package).rglob("*.py")
        if (calls := raw_sql(path))
    }
    assert found == {}


def status_writes(path: Path) -> list[str]:
    """Assignments to an item's status (`item.status = ...`, `listing.item.status = ...`)."""
    return [
        f"line {node.lineno}"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute) and target.attr == "status"
        and getattr(target.value, "id", getattr(target.value, "attr", "")).endswith("item")
    ]  # fmt: skip


def test_only_the_core_writes_an_items_status():
    """Features change an item's status through inventory's operations (offers, lots,
    transfers, disposals), which follow the table of inventory/item_states.py."""
    found = {
        str(path.relative_to(ROOT)): writes
        for package in ("app", *FEATURES)
        for path in (ROOT / package).rglob("*.py")
        if (writes := status_writes(path))
    }
    assert found == {}
