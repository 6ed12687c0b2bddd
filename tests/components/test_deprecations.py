"""Every name this release renamed keeps working for one release, with a DeprecationWarning
that names the replacement (CHANGELOG.md lists them)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from helpers import REPO

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    ConfigurationError,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    ExternalScaleSet,
    GuestAssignmentArgs,
    MachineConfigurationPackage,
    ManagedIdentities,
    SasPolicy,
    ScaleSetArgs,
    UpgradePolicy,
)
from vmss_components.testing import MockDeployment

SUBNET = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
    "Microsoft.Network/virtualNetworks/vnet/subnets/default"
)
IDENTITY = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-id/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/reader"
)
SSH_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f ops@example"
)


def _scale_set(**extra: object) -> ScaleSetArgs:
    return ScaleSetArgs(
        resource_group_name="rg",
        subnet_id=SUBNET,
        upgrade=UpgradePolicy(mode="Automatic"),
        ssh_public_keys=[SSH_KEY],
        **extra,  # type: ignore[arg-type]
    )


def test_user_assigned_identity_ids_becomes_managed_identities() -> None:
    with pytest.warns(DeprecationWarning, match="managed_identities=ManagedIdentities"):
        args = _scale_set(user_assigned_identity_ids=[IDENTITY])
    assert tuple(args.managed_identities.user_assigned_resource_ids) == (IDENTITY,)
    assert args.managed_identities.system_assigned is False


def test_both_identity_spellings_at_once_are_refused() -> None:
    with pytest.warns(DeprecationWarning), pytest.raises(ConfigurationError) as caught:
        _scale_set(
            user_assigned_identity_ids=[IDENTITY],
            managed_identities=ManagedIdentities(user_assigned_resource_ids=[IDENTITY]),
        )
    assert caught.value.path == "scale_set.user_assigned_identity_ids"


def test_identity_id_becomes_download_identity_resource_id() -> None:
    with pytest.warns(DeprecationWarning, match="download_identity_resource_id"):
        args = CustomScriptScaleSetArgs(
            scale_set=_scale_set(),
            os="linux",
            command="true",
            download="managed_identity",
            identity_id=IDENTITY,
        )
    assert args.download_identity_resource_id == IDENTITY


def test_content_identity_id_becomes_content_identity_resource_id() -> None:
    samples = REPO / "stacks" / "artifacts" / "machine-configuration"
    package = MachineConfigurationPackage.build(
        "LinuxMotd", mof=samples / "LinuxMotd" / "localhost.mof", modules=samples / "Modules"
    )
    with pytest.warns(DeprecationWarning, match="content_identity_resource_id"):
        args = GuestAssignmentArgs(
            package=package,
            store=None,  # type: ignore[arg-type]  # checked by the component, not here
            target=ExternalScaleSet(resource_group_name="rg", vmss_name="web", os="linux"),
            content_identity_id=IDENTITY,
        )
    assert args.content_identity_resource_id == IDENTITY


def test_renamed_component_attributes_still_answer() -> None:
    def program() -> CustomScriptScaleSet:
        store = ArtifactStore(
            "store",
            ArtifactStoreArgs(
                resource_group_name="rg",
                sas=SasPolicy(clock=lambda: datetime(2026, 11, 23, tzinfo=UTC)),
            ),
        )
        return CustomScriptScaleSet(
            "worker",
            CustomScriptScaleSetArgs(
                scale_set=_scale_set(),
                os="linux",
                store=store,
                files=[REPO / "stacks" / "artifacts" / "custom-script" / "install-worker.sh"],
                command="sh install-worker.sh",
                download="managed_identity",
            ),
        )

    with MockDeployment(speedups=True) as deployment:
        cse = deployment.run(program)
    for old, new in (
        ("identity", "download_identity"),
        ("identity_id", "download_identity_resource_id"),
        ("identity_client_id", "download_identity_client_id"),
        ("identity_principal_id", "download_identity_principal_id"),
        ("plan", "spec"),
    ):
        with pytest.warns(DeprecationWarning, match=f"use .{new}"):
            assert getattr(cse, old) is getattr(cse, new)
