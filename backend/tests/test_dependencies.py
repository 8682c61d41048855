"""Every third-party package the code imports is declared in pyproject.toml (an undeclared
one works only while another package happens to bring it along)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "backend" / "recur"


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {
        _normalised(re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0])
        for spec in project["dependencies"]
    }


def imported() -> set[str]:
    names = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return {
        n for n in names if n not in sys.stdlib_module_names and n not in ("recur", "__future__")
    }


def test_every_imported_package_is_declared() -> None:
    distributions = packages_distributions()
    missing = {
        module: distributions.get(module)
        for module in sorted(imported())
        if not {_normalised(d) for d in distributions.get(module, [])} & declared()
    }
    assert missing == {}


def test_the_logging_formatter_named_in_the_configuration_is_declared() -> None:
    """The JSON formatter is named in a string (``logging_config``), not imported."""
    assert "python-json-logger" in declared()
