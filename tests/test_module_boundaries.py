"""Rules about who imports what inside requests_tracker/, read from the source with `ast`.

- A name starting with `_` is private to its module: no other module imports it or reaches it
  through an imported module (`overdue._apply`). A helper two modules need is a public name in a
  module named for what it does.
- No file of the package is over 600 lines, migrations included.
- The pure rules (workflow.py: status and overdue; deadlines.py: calendars) need no database:
  they import nothing that leads to requests_tracker.models, directly or through other modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

PACKAGE = "requests_tracker"
ROOT = Path(__file__).resolve().parents[1] / PACKAGE


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@cache
def tree(module: str) -> ast.Module:
    return ast.parse(MODULES[module].read_text(), filename=str(MODULES[module]))


def absolute(module: str, node: ast.ImportFrom) -> str:
    """The module an ImportFrom names, with relative imports resolved against `module`."""
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if MODULES[module].name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: str) -> Iterator[tuple[ast.AST, str, str | None]]:
    """(node, module imported from, name imported or None) for every import, at any depth."""
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            source = absolute(module, node)
            for alias in node.names:
                yield node, source, alias.name


def own(source: str) -> bool:
    return source == PACKAGE or source.startswith(PACKAGE + ".")


def private_imports(module: str) -> list[str]:
    found = []
    modules_bound: dict[str, str] = {}  # local name -> one of our modules
    for node, source, name in imports(module):
        if not own(source):
            continue
        if any(is_private(part) for part in source.split(".")):
            found.append(f"line {node.lineno}: imports private module {source}")
        if name is None:
            continue
        if is_private(name):
            found.append(f"line {node.lineno}: from {source} import {name}")
        alias = next(a for a in node.names if a.name == name)
        if f"{source}.{name}" in MODULES:
            modules_bound[alias.asname or name] = f"{source}.{name}"
    for node in ast.walk(tree(module)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules_bound
            and is_private(node.attr)
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return found


def reachable(module: str) -> set[str]:
    """Our modules that importing `module` imports, directly or through each other."""
    seen: set[str] = set()
    stack = [module]
    while stack:
        for _, source, name in imports(stack.pop()):
            for candidate in (f"{source}.{name}", source) if name else (source,):
                if candidate in MODULES and candidate not in seen:
                    seen.add(candidate)
                    stack.append(candidate)
    return seen


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_another_modules_private_names(module: str) -> None:
    assert private_imports(module) == [], f"{module} uses another module's private names"


@pytest.mark.parametrize("module", [f"{PACKAGE}.workflow", f"{PACKAGE}.deadlines"])
def test_the_pure_rules_import_nothing_from_the_models(module: str) -> None:
    assert f"{PACKAGE}.models" not in reachable(module) | {module}
    assert not any(name.startswith(f"{PACKAGE}.models.") for name in reachable(module))


def test_the_checks_see_a_private_import_and_a_path_to_the_models(tmp_path) -> None:
    # The rules above would pass on a tree they cannot read; show them one they must refuse.
    sample = ast.parse(
        "from requests_tracker.services.overdue import _apply\n"
        "from requests_tracker.services import overdue\n"
        "overdue._changes(None, None)\n"
    )
    tree.cache_clear()
    MODULES["requests_tracker.sample"] = tmp_path / "sample.py"
    MODULES["requests_tracker.sample"].write_text(ast.unparse(sample))
    try:
        assert len(private_imports("requests_tracker.sample")) == 2
        assert f"{PACKAGE}.models" in reachable("requests_tracker.sample")
    finally:
        del MODULES["requests_tracker.sample"]
        tree.cache_clear()


MAX_LINES = 600


def test_no_file_in_the_package_is_over_600_lines() -> None:
    """Migrations included: a long generated one is kept compact rather than exempted."""
    long = {
        str(path.relative_to(ROOT.parent)): lines
        for path in sorted(ROOT.rglob("*.py"))
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def layer_imports(module: str, forbidden: str) -> list[str]:
    """Imports in `module` of `forbidden` or anything under it (read from the source)."""
    return [
        f"line {node.lineno}: {source}{'.' + name if name else ''}"
        for node, source, name in imports(module)
        if source == forbidden
        or source.startswith(forbidden + ".")
        or (name and f"{source}.{name}" == forbidden)
    ]


@pytest.mark.parametrize(
    ("layer", "other"),
    [("web", "api"), ("api", "web")],
    ids=["web-does-not-import-api", "api-does-not-import-web"],
)
def test_the_pages_and_the_api_share_only_neutral_modules(layer: str, other: str) -> None:
    found = {
        module: lines
        for module in MODULES
        if module.startswith(f"{PACKAGE}.{layer}.") or module == f"{PACKAGE}.{layer}"
        if (lines := layer_imports(module, f"{PACKAGE}.{other}"))
    }
    assert found == {}


def test_the_app_never_imports_the_project_configuration() -> None:
    """config/ (settings, Celery app, database backend) imports the app, never the reverse: the
    app reaches settings through django.conf and the Celery app through celery.current_app."""
    found = {module: lines for module in MODULES if (lines := layer_imports(module, "config"))}
    assert found == {}


def test_the_layer_rules_see_an_import_across(tmp_path) -> None:
    tree.cache_clear()
    MODULES["requests_tracker.web.sample"] = tmp_path / "sample.py"
    MODULES["requests_tracker.web.sample"].write_text(
        "from requests_tracker.api.pagination import ordering_of\n"
        "from requests_tracker import api\n"
        "from config.celery import app\n"
    )
    try:
        assert len(layer_imports("requests_tracker.web.sample", "requests_tracker.api")) == 2
        assert len(layer_imports("requests_tracker.web.sample", "config")) == 1
    finally:
        del MODULES["requests_tracker.web.sample"]
        tree.cache_clear()
