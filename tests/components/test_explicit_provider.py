"""Every resource and every invoke of every component goes to the component's provider.

A second azure-native provider (another subscription) is given to each component, either
directly (``ResourceOptions(providers=[...])``) or through a parent component; nothing
azure-native may reach the default provider, which would look up or create things in the
wrong subscription (and fails when default providers are disabled).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pulumi
import pulumi_azure_native as azure_native
import pytest
from helpers import REPO

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    DscPackage,
    DscScaleSet,
    DscScaleSetArgs,
    GuestAssignment,
    GuestAssignmentArgs,
    MachineConfigurationPackage,
    ManagedIdentities,
    Package,
    SasPolicy,
    ScaleSetArgs,
    UpgradePolicy,
)
from vmss_components.testing import MockDeployment

ARTIFACTS = REPO / "stacks" / "artifacts"
SUBNET = (
    "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/"
    "Microsoft.Network/virtualNetworks/vnet/subnets/default"
)
IDENTITY = (
    "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/ids/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/reader"
)
SSH_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f ops@example"
)


def _components(opts: Callable[[], pulumi.ResourceOptions]) -> None:
    """One of every component (with every invoke in use), each built with ``opts()``."""
    store = ArtifactStore(
        "store",
        ArtifactStoreArgs(
            resource_group_name="rg",
            sas=SasPolicy(clock=lambda: datetime(2026, 11, 23, tzinfo=UTC)),
        ),
        opts=opts(),
    )

    def scale_set(**extra: object) -> ScaleSetArgs:
        return ScaleSetArgs(
            resource_group_name="rg",
            subnet_id=SUBNET,
            upgrade=UpgradePolicy(mode="Automatic"),
            **extra,  # type: ignore[arg-type]
        )

    DscScaleSet(
        "web",
        DscScaleSetArgs(
            scale_set=scale_set(),
            store=store,
            package=DscPackage.from_directory(
                ARTIFACTS / "dsc" / "web", script="WebServer.ps1", function="WebServer"
            ),
            configuration_data=ARTIFACTS / "dsc" / "ConfigurationData.psd1",
            configuration_arguments={"SiteTitle": "Contoso"},
            protected_configuration_arguments={
                "AppPoolCredential": {"userName": "apppool", "password": pulumi.Output.secret("x")}
            },
        ),
        opts=opts(),
    )
    cse = CustomScriptScaleSet(
        "worker",
        CustomScriptScaleSetArgs(
            scale_set=scale_set(
                ssh_public_keys=[SSH_KEY],
                machine_configuration=True,
                managed_identities=ManagedIdentities(user_assigned_resource_ids=[IDENTITY]),
            ),
            os="linux",
            store=store,
            files=[ARTIFACTS / "custom-script" / "install-worker.sh"],
            command="sh install-worker.sh",
            download="managed_identity",
            download_identity_resource_id=IDENTITY,  # getUserAssignedIdentity
        ),
        opts=opts(),
    )
    CloudInitScaleSet(
        "app",
        CloudInitScaleSetArgs(
            scale_set=scale_set(ssh_public_keys=[SSH_KEY]),
            store=store,
            cloud_config={"runcmd": ["echo ${artifact:site}"]},
            artifacts={"site": Package.from_directory(ARTIFACTS / "cloud-init" / "site")},
        ),
        opts=opts(),
    )
    samples = ARTIFACTS / "machine-configuration"
    GuestAssignment(
        "baseline",
        GuestAssignmentArgs(
            package=MachineConfigurationPackage.build(
                "LinuxMotd",
                mof=samples / "LinuxMotd" / "localhost.mof",
                modules=samples / "Modules",
            ),
            store=store,
            target=cse,
            content_identity_resource_id=IDENTITY,
        ),
        opts=opts(),
    )


def _direct() -> None:
    second = azure_native.Provider("second", subscription_id="11111111-1111-1111-1111-111111111111")
    _components(lambda: pulumi.ResourceOptions(providers=[second]))


def _provider_argument() -> None:
    second = azure_native.Provider("second", subscription_id="11111111-1111-1111-1111-111111111111")
    _components(lambda: pulumi.ResourceOptions(provider=second))


def _inherited() -> None:
    second = azure_native.Provider("second", subscription_id="11111111-1111-1111-1111-111111111111")
    outer = pulumi.ComponentResource(
        "user:index:Platform", "platform", None, pulumi.ResourceOptions(providers=[second])
    )
    _components(lambda: pulumi.ResourceOptions(parent=outer))


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize(
    "program", [_direct, _provider_argument, _inherited], ids=["providers", "provider", "parent"]
)
def test_every_resource_and_invoke_uses_the_explicit_provider(
    program: Callable[[], None], preview: bool
) -> None:
    with MockDeployment(preview=preview, speedups=True) as deployment:
        deployment.run(program)
        (provider,) = deployment.resources_of_type("pulumi:providers:azure-native")
        # `<provider urn>::<id>`; in a preview the id is the engine's unknown marker.
        reference = f"{provider.urn}::"
        resources = [r for r in deployment.resources if r.custom and r.type.startswith("azure-")]
        calls = [c for c in deployment.calls if c.token.startswith("azure-native:")]
    assert {r.type for r in resources} >= {
        "azure-native:storage:StorageAccount",
        "azure-native:compute:VirtualMachineScaleSet",
        "azure-native:authorization:RoleAssignment",
    }
    every_invoke = {
        "azure-native:storage:listStorageAccountServiceSAS",
        "azure-native:authorization:getClientConfig",
        "azure-native:managedidentity:getUserAssignedIdentity",
    }
    # A preview of a new stack skips the SAS invoke: its arguments are not known yet.
    made = (
        every_invoke - {"azure-native:storage:listStorageAccountServiceSAS"}
        if preview
        else every_invoke
    )
    assert {c.token for c in calls} == made
    assert [r.name for r in resources if not r.provider.startswith(reference)] == []
    assert [c.token for c in calls if not c.provider.startswith(reference)] == []
