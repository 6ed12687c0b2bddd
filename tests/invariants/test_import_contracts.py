"""Import contracts, read from the source: what each part of the library may import.

- ``packaging/``, ``userdata/`` and ``policy/`` are pure: no ``pulumi`` of any kind, anywhere
  in them (a lazy import inside a function counts too).
- ``extensions/`` builds specs, never resources: no ``pulumi_azure_native`` or
  ``pulumi_random``.
- The library never imports the offline plan tool ``vmss_plan``.
- Nothing imports the library's own old top-level name ``components``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.source import parse_source

import vmss_components

LIBRARY = Path(vmss_components.__file__).resolve().parent
PLAN_TOOL = LIBRARY.parent / "vmss_plan"


def _modules(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """``(line, absolute module name)`` of every import in ``path``, relative ones resolved."""
    package = ".".join(path.relative_to(LIBRARY.parent).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    for node in ast.walk(parse_source(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def _violations(root: Path, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in _modules(root):
        for line, module in _imports(path):
            if any(module == f or module.startswith(f"{f}.") for f in forbidden):
                found.append(f"{path.relative_to(LIBRARY.parent)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("part", ["packaging", "userdata", "policy"])
def test_pure_parts_import_no_pulumi(part: str) -> None:
    forbidden = ("pulumi", "pulumi_azure_native", "pulumi_random")
    assert _violations(LIBRARY / part, forbidden) == []


def test_extensions_register_no_resources() -> None:
    assert _violations(LIBRARY / "extensions", ("pulumi_azure_native", "pulumi_random")) == []


def test_the_library_never_imports_the_plan_tool() -> None:
    assert _violations(LIBRARY, ("vmss_plan", "components")) == []


def test_the_plan_tool_never_imports_the_old_name() -> None:
    assert _violations(PLAN_TOOL, ("components",)) == []


def test_the_contract_checker_sees_relative_imports() -> None:
    """The checker itself: a relative import resolves to the module it names."""
    imports = {module for _, module in _imports(LIBRARY / "packaging" / "dsc.py")}
    assert "vmss_components.errors" in imports
    assert "vmss_components.packaging.package" in imports
