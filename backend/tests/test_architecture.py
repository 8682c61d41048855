"""The layout rules of docs/architecture.md, kept by reading the code's imports.

- Layers import downward only: core ← db ← services ← graphql ← web and the entry points.
- Service packages call one another through each package's ``__init__`` only, and only the
  packages below them (the order below); nothing outside ``services`` reaches into a
  package's modules.
- No module grows past :data:`MAX_LINES`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "recur"
MAX_LINES = 400

#: What each top-level part of ``recur`` may import (besides itself and the standard library).
LAYERS: dict[str, set[str]] = {
    "core": set(),
    "clock": set(),
    "settings": set(),
    "observability": set(),
    "auth": set(),
    "documents": {"core"},
    "mail": {"core"},
    "db": {"core", "settings", "observability"},
    "services": {
        "core",
        "db",
        "auth",
        "documents",
        "mail",
        "settings",
        "clock",
        "observability",
    },
    "graphql": {
        "core",
        "db",
        "auth",
        "documents",
        "mail",
        "settings",
        "clock",
        "services",
        "observability",
    },
    "web": {
        "core",
        "db",
        "auth",
        "documents",
        "mail",
        "settings",
        "clock",
        "services",
        "graphql",
        "observability",
    },
}

#: The service packages, bottom up, with the packages each may call.
SERVICES: dict[str, set[str]] = {
    "common": set(),
    "catalog": {"common"},
    "accounts": {"common"},
    "payments": {"common", "accounts"},
    "invoicing": {"common", "catalog", "payments"},
    "quotes": {"common", "catalog", "accounts"},
    "orders": {"common", "catalog", "accounts", "invoicing", "quotes"},
    "subscriptions": {"common", "catalog", "accounts", "invoicing", "quotes", "orders"},
    "usage": {"common", "catalog", "accounts"},
    "workflow": {"common", "accounts", "quotes", "orders", "subscriptions"},
    "billing": {"common", "accounts", "payments", "invoicing", "subscriptions", "usage"},
    "metrics": {"common", "catalog", "accounts", "quotes", "subscriptions"},
    "integrations": {"common", "accounts"},
    "insights": {
        "common",
        "catalog",
        "accounts",
        "payments",
        "invoicing",
        "quotes",
        "orders",
        "subscriptions",
        "workflow",
        "billing",
    },
    "recommendations": {"common", "catalog", "accounts", "quotes", "subscriptions"},
}


def modules() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def part_of(path: Path) -> list[str]:
    return list(path.relative_to(PACKAGE).with_suffix("").parts)


def recur_imports(path: Path) -> Iterator[tuple[int, str, bool]]:
    """``(line, module, at_top)`` for every import of a ``recur`` module in ``path``; imports
    under ``if TYPE_CHECKING:`` count as top-level."""
    tree = ast.parse(path.read_text(), str(path))
    top = set()
    for node in tree.body:
        top.add(node)
        if isinstance(node, ast.If):
            top.update(node.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names if node.module == "recur.services" else names[:1]:
                if name.startswith("recur."):
                    yield node.lineno, name, node in top
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("recur."):
                    yield node.lineno, alias.name, node in top


def test_the_layers_import_downward_only() -> None:
    wrong = []
    for path in modules():
        here = part_of(path)[0]
        if here not in LAYERS:
            continue  # the entry points (app, cli, demo, scheduler) may import anything
        for line, name, _top in recur_imports(path):
            there = name.split(".")[1]
            if there != here and there not in LAYERS[here]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
    assert wrong == []


def test_service_packages_call_each_other_through_their_surface_and_downward() -> None:
    assert {p.name for p in (PACKAGE / "services").iterdir() if p.is_dir()} - {
        "__pycache__"
    } == set(SERVICES)
    wrong = []
    for path in modules():
        parts = part_of(path)
        inside = parts[1] if parts[0] == "services" and len(parts) > 2 else None
        for line, name, _top in recur_imports(path):
            target = name.split(".")
            if target[:2] != ["recur", "services"] or len(target) < 3:
                continue
            package = target[2]
            where = f"{path.relative_to(PACKAGE)}:{line} imports {name}"
            if package == inside:
                continue
            if len(target) > 3 and not (parts[0] == "services" and inside is None):
                wrong.append(f"{where}: past the package's __init__")
            if inside is not None and package not in SERVICES[inside]:
                wrong.append(f"{where}: {inside} may not call {package}")
    assert wrong == []


def test_the_service_order_has_no_cycle() -> None:
    placed: list[str] = []
    for package, below in SERVICES.items():
        assert below <= set(placed), f"{package} calls a package above it"
        placed.append(package)


def test_imports_sit_at_the_top_of_modules() -> None:
    """Function-level imports hide cycles; only the command line defers its imports (to start
    fast), and only the entry points may."""
    late = [
        f"{path.relative_to(PACKAGE)}:{line} imports {name}"
        for path in modules()
        if part_of(path)[0] in LAYERS
        for line, name, top in recur_imports(path)
        if not top
    ]
    assert late == []


def test_no_module_grows_past_the_limit() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in modules()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
