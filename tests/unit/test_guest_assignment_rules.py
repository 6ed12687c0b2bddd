"""What GuestAssignment refuses before anything exists: its arguments, and the rules it checks
against its target (resolve_guest_assignment with the target's and the store's facts), and
the arguments of an ExternalScaleSet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import store_facts, windows_mc_package

from vmss_components import (
    ConfigurationError,
    ExternalScaleSet,
    GuestAssignmentArgs,
    MachineConfigurationPackage,
    Package,
)
from vmss_components.guest_assignment import GuestAssignmentSpec, resolve_guest_assignment


def resolve(
    package: MachineConfigurationPackage, *, target: ExternalScaleSet | None = None
) -> GuestAssignmentSpec:
    """resolve_guest_assignment of ``package`` on ``target`` (by default an external Linux
    scale set), the target and the store given as facts."""
    target = target or ExternalScaleSet(resource_group_name="rg", vmss_name="web", os="linux")
    args = GuestAssignmentArgs(
        package=package,
        store=None,  # type: ignore[arg-type]  # the resolve step reads the store's facts
        target=target,
    )
    return resolve_guest_assignment("baseline", args, target.facts, store_facts())


def test_a_plain_package_is_refused() -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve(Package.from_content("LinuxMotd.zip", b"PK"))  # type: ignore[arg-type]
    assert caught.value.path == "package"


def test_a_linux_only_package_on_windows(tmp_path: Path) -> None:
    target = ExternalScaleSet(resource_group_name="rg", vmss_name="web", os="linux")
    with pytest.raises(ConfigurationError) as caught:
        resolve(windows_mc_package(tmp_path), target=target)
    assert caught.value.path == "target"
    assert "uses windows resource modules (PSDscResources), but the target runs linux" in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("values", "path"),
    [
        ({"os": "macos"}, "target.os"),
        ({"vmss_name": ""}, "target.vmss_name"),
        ({"resource_group_name": None}, "target.resource_group_name"),
        ({"location": ""}, "target.location"),
    ],
)
def test_bad_external_scale_sets(values: dict[str, Any], path: str) -> None:
    arguments: dict[str, Any] = {"resource_group_name": "rg", "vmss_name": "web", "os": "linux"}
    arguments.update(values)
    with pytest.raises(ConfigurationError) as caught:
        ExternalScaleSet(**arguments)
    assert caught.value.path == path
