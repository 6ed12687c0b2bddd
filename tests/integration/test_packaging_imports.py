"""The import contract of vmss_components.packaging: each module, imported alone in a fresh
interpreter, loads only the standard library and the library's own errors and file helpers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import REPO

# Each module of the package, imported alone in a fresh interpreter.
PACKAGING_MODULES = sorted(
    f"vmss_components.packaging.{path.stem}"
    for path in (REPO / "components" / "vmss_components" / "packaging").glob("*.py")
    if path.stem != "__init__"
)
# The library's own __init__ imports the components (and so Pulumi): a stand-in for it lets
# the subprocess load only what the packaging modules themselves import.
IMPORT_ALONE = """
import importlib, importlib.util, json, sys, types
spec = importlib.util.find_spec("vmss_components")
stub = types.ModuleType("vmss_components")
stub.__path__ = list(spec.submodule_search_locations)
sys.modules["vmss_components"] = stub
before = set(sys.modules)
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(set(sys.modules) - before)))
"""


@pytest.mark.parametrize("module", ["vmss_components.packaging", *PACKAGING_MODULES])
def test_packaging_imports_only_the_standard_library_and_errors(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALONE, module],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(result.stdout)
    assert module in loaded
    assert not [m for m in loaded if m.split(".")[0].startswith("pulumi")]
    ours = {m for m in loaded if m.split(".")[0] == "vmss_components"}
    assert ours <= {
        "vmss_components.errors",
        "vmss_components._files",
        "vmss_components._rules",
        "vmss_components._redact",
        "vmss_components.packaging",
    } | {m for m in ours if m.startswith("vmss_components.packaging.")}
    others = {m.split(".")[0] for m in loaded} - {"vmss_components"}
    assert others <= sys.stdlib_module_names, sorted(others - sys.stdlib_module_names)
