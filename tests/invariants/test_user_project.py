"""The library used from a user's own Pulumi project, run the way Pulumi runs it.

The fixture project (``user_project/``) has ``main: infra/`` and, like very many Pulumi
projects, its own ``components`` package. The Pulumi Python host runs the main folder with
``runpy``, that folder as the working directory and first on ``sys.path``: under those rules
the user's ``components`` and this library's ``vmss_components`` must both import, and every
component must construct. (``make typecheck`` runs ``mypy --strict`` over the same project.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pulumi

import vmss_components

PROJECT = Path(__file__).resolve().parent / "user_project"

#: The type token of every component the library exports: the program constructs each.
COMPONENT_TYPES = {
    f"vmss:index:{name}"
    for name in vmss_components.__all__
    if isinstance(getattr(vmss_components, name), type)
    and issubclass(getattr(vmss_components, name), pulumi.ComponentResource)
}

# Run in a fresh interpreter, so nothing of the test session's sys.path or modules leaks in.
_HOST = textwrap.dedent(
    """
    import json, os, runpy, sys
    main = sys.argv[1]
    os.chdir(main)
    sys.path.insert(0, main)
    from vmss_components.testing import MockDeployment

    with MockDeployment(project="user-project", stack="dev") as deployment:
        deployment.run(lambda: runpy.run_path(main, run_name="__main__"))
        import components

        print(json.dumps({
            "types": sorted({r.type for r in deployment.resources}),
            "components_file": components.__file__,
            "warnings": deployment.warnings,
        }))
    """
)


def test_a_user_project_with_its_own_components_package_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _HOST, str(PROJECT / "infra")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(report["components_file"]) == PROJECT / "infra" / "components" / "__init__.py"
    assert set(report["types"]) >= COMPONENT_TYPES
    assert {
        "vmss:index:ArtifactStore",
        "vmss:index:DscScaleSet",
        "vmss:index:CustomScriptScaleSet",
        "vmss:index:CloudInitScaleSet",
        "vmss:index:GuestAssignment",
        "vmss:index:MachineConfigurationPolicy",
        "azure-native:compute:VirtualMachineScaleSet",
        "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS",
    } <= set(report["types"])


def test_the_fixture_project_is_laid_out_as_pulumi_expects() -> None:
    text = (PROJECT / "Pulumi.yaml").read_text(encoding="utf-8")
    assert "main: infra/" in text
    assert (PROJECT / "infra" / "__main__.py").is_file()
    assert (PROJECT / "infra" / "components" / "__init__.py").is_file()
