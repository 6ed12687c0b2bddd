"""The import contract of vmss_components.userdata: it imports nothing from Pulumi."""

from __future__ import annotations

import importlib.util
import json
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

# Loads the given modules with vmss_components as a bare package: its __init__, which wires
# the Pulumi components, stays out, so only what the modules themselves import is loaded.
_PROBE = textwrap.dedent(
    """
    import importlib, json, sys, types
    root, *names = sys.argv[1:]
    package = types.ModuleType("vmss_components")
    package.__path__ = [root]
    sys.modules["vmss_components"] = package
    for name in names:
        importlib.import_module(name)
    print(json.dumps(sorted(sys.modules)))
    """
)


def test_every_userdata_module_imports_without_pulumi() -> None:
    spec = importlib.util.find_spec("vmss_components")
    assert spec is not None and spec.submodule_search_locations
    root = Path(next(iter(spec.submodule_search_locations)))
    names = sorted(
        f"vmss_components.userdata.{module.name}"
        for module in pkgutil.iter_modules([str(root / "userdata")])
    )
    assert {"check", "encode", "formats", "placeholders", "render", "schema"} <= {
        name.rsplit(".", 1)[1] for name in names
    }
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(root), "vmss_components.userdata", *names],
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    loaded = set(json.loads(probe.stdout))
    assert set(names) <= loaded
    assert sorted(m for m in loaded if m == "pulumi" or m.startswith("pulumi.")) == []
