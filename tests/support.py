"""Helpers the tests share (plain functions; fixtures live in conftest.py)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vmss_components.scaleset import ScaleSetArgs
from vmss_components.store.sas import SasPolicy

#: The instant every test stands at unless it moves the clock itself.
NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def policy_at(moment: datetime = NOW, **overrides: object) -> SasPolicy:
    """A SAS policy whose clock always says ``moment``."""
    return SasPolicy(clock=lambda: moment, **overrides)  # type: ignore[arg-type]


def write_tree(root: Path, files: dict[str, bytes | str], *, mtime: int | None = None) -> Path:
    """Create ``files`` (relative path -> content) under ``root``; optionally set every mtime."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        path.write_bytes(data)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
    return root


SUBNET_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/"
    "Microsoft.Network/virtualNetworks/vnet/subnets/web"
)
SSH_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f ops@example"
)
REPO = Path(__file__).resolve().parent.parent
DSC_SAMPLE = REPO / "stacks" / "artifacts" / "dsc" / "web"
#: Values for the sample configuration's mandatory parameters (SiteTitle, AppPoolCredential):
#: a DscScaleSet refuses the sample without them.
DSC_SAMPLE_ARGUMENTS: dict[str, Any] = {
    "configuration_arguments": {"SiteTitle": "Contoso"},
    "protected_configuration_arguments": {
        "AppPoolCredential": {"userName": "apppool", "password": "Sup3r-Secret-Pw!"}
    },
}
MC_SAMPLE = REPO / "stacks" / "artifacts" / "machine-configuration"


def scale_set_args(**overrides: object) -> ScaleSetArgs:
    """Minimal valid scale-set arguments (Manual upgrades) with ``overrides`` applied."""
    from vmss_components import UpgradePolicy

    values: dict[str, object] = {
        "resource_group_name": "rg-app",
        "subnet_id": SUBNET_ID,
        "upgrade": UpgradePolicy(mode="Automatic"),
    }
    values.update(overrides)
    return ScaleSetArgs(**values)  # type: ignore[arg-type]


CLOUD_INIT_SAMPLE = REPO / "stacks" / "artifacts" / "cloud-init"


def require_cloud_init() -> str:
    """The real ``cloud-init`` command; outside CI its absence skips the test, in CI it fails."""
    import pytest

    from vmss_components.userdata import cloud_init_command

    command = cloud_init_command()
    if command is None:
        reason = "the cloud-init command is not installed (apt-get install cloud-init)"
        if os.environ.get("CI"):
            pytest.fail(f"CI validates with the real cloud-init, but {reason}: see .ci/run")
        pytest.skip(f"{reason}; CI installs it and runs this test")
    return command
