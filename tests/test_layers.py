"""The layers of app/ import only downwards: the REST API and the domain
never reach into the web views, and config.py holds settings, not app code."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def imports_of(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        for module in imported_modules(path):
            yield path.relative_to(ROOT), module


# Which packages each layer may not import.
FORBIDDEN = {
    "app/api": ("app.web",),
    "app/domain": ("app.web", "app.api", "app.ops"),
    "app/models": ("app.web", "app.api", "app.domain", "app.ops"),
    "app/documents": ("app.web", "app.api", "app.ops"),
    "app/notifications": ("app.web", "app.api", "app.ops"),
    "app/platform": ("app.web", "app.api", "app.domain", "app.ops"),
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports_nothing_above_it(package):
    found = [f"{path}: {module}" for path, module in imports_of(package)
             if module.startswith(FORBIDDEN[package])]
    assert not found, "\n".join(found)


def test_config_imports_no_app_code():
    found = [m for m in imported_modules(ROOT / "config.py")
             if m == "app" or m.startswith("app.")]
    assert not found
