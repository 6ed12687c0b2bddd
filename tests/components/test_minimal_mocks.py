"""Every component constructs under Pulumi's canonical minimal mocks, in preview and not.

The mocks of Pulumi's unit-testing guide answer a new resource with its inputs (id
``<name>_id``) and every invoke with ``{}``: no storage endpoints, no random results, no
identity principals, no SAS token. A user testing their own program that way must still get
every component constructed (values Azure would compute are then None); the library's own
kit (``vmss_components.testing``) answers like Azure, for full values.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pulumi
import pytest
from helpers import mc_package as sample_package
from helpers.paths import ARTIFACTS
from helpers.policy import RG_SCOPE
from pulumi_azure_native import compute

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
    MachineConfigurationPolicy,
    MachineConfigurationPolicyArgs,
    ManagedIdentities,
    Package,
    SasPolicy,
    ScaleSetArgs,
    UpgradePolicy,
)
from vmss_components.testing import MockDeployment

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


class MinimalMocks(pulumi.runtime.Mocks):
    """The mocks of Pulumi's unit-testing guide, word for word in behaviour."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return (args.name + "_id", args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        return {}


class IdentityMapMocks(MinimalMocks):
    """The minimal mocks plus the one answer every mock must give for a scale set with
    user-assigned identities: ``identity.userAssignedIdentities`` as Azure reports it, a map
    by id. The SDK takes a list of ids in and reads a map back; an echoed list fails in the
    SDK's own output translation, whatever the program (see the last test)."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        name, state = super().new_resource(args)
        identity = state.get("identity")
        if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
            ids = identity["userAssignedIdentities"]
            state = {
                **state,
                "identity": {**identity, "userAssignedIdentities": {key: {} for key in ids}},
            }
        return name, state


@pytest.fixture(autouse=True)
def _finalizers_run_here() -> Iterator[None]:
    yield
    gc.collect()


def _scale_set(**extra: Any) -> ScaleSetArgs:
    return ScaleSetArgs(
        resource_group_name="rg", subnet_id=SUBNET, upgrade=UpgradePolicy(mode="Automatic"), **extra
    )


def _store() -> ArtifactStore:
    return ArtifactStore(
        "store",
        ArtifactStoreArgs(
            resource_group_name="rg",
            sas=SasPolicy(clock=lambda: datetime(2026, 11, 23, tzinfo=UTC)),
        ),
    )


def _store_with_grant() -> ArtifactStore:
    store = _store()
    store.grant_read("reader", principal_id="00000000-0000-0000-0000-0000000000aa")
    return store


def _existing_store() -> ArtifactStore:
    """A store in an existing account: looked up by invokes, which the minimal mocks answer
    with ``{}`` (no endpoints, no container name)."""
    store = ArtifactStore(
        "store",
        ArtifactStoreArgs(
            existing_account_id=(
                "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/"
                "providers/Microsoft.Storage/storageAccounts/platformartifacts"
            ),
            container_name="deploy",
            sas=SasPolicy(clock=lambda: datetime(2026, 11, 23, tzinfo=UTC)),
        ),
    )
    store.publish("site", Package.from_directory(ARTIFACTS / "cloud-init" / "site"))
    return store


def _dsc() -> DscScaleSet:
    return DscScaleSet(
        "web",
        DscScaleSetArgs(
            scale_set=_scale_set(),
            store=_store(),
            package=DscPackage.from_directory(
                ARTIFACTS / "dsc" / "web", script="WebServer.ps1", function="WebServer"
            ),
            configuration_data=ARTIFACTS / "dsc" / "ConfigurationData.psd1",
            configuration_arguments={"SiteTitle": "Contoso"},
            protected_configuration_arguments={
                "AppPoolCredential": {"userName": "apppool", "password": pulumi.Output.secret("x")}
            },
        ),
    )


def _custom_script(download: str, *, identities: bool = True) -> CustomScriptScaleSet:
    identity: dict[str, Any] = (
        {"download_identity_resource_id": IDENTITY} if download == "managed_identity" else {}
    )
    return CustomScriptScaleSet(
        "worker",
        CustomScriptScaleSetArgs(
            scale_set=_scale_set(
                ssh_public_keys=[SSH_KEY],
                managed_identities=ManagedIdentities(
                    user_assigned_resource_ids=[IDENTITY] if identities else []
                ),
            ),
            os="linux",
            store=_store(),
            files=[ARTIFACTS / "custom-script" / "install-worker.sh"],
            command="sh install-worker.sh",
            download=download,  # type: ignore[arg-type]
            **identity,
        ),
    )


def _created_identity() -> CustomScriptScaleSet:
    return CustomScriptScaleSet(
        "worker",
        CustomScriptScaleSetArgs(
            scale_set=_scale_set(ssh_public_keys=[SSH_KEY]),
            os="linux",
            store=_store(),
            files=[ARTIFACTS / "custom-script" / "install-worker.sh"],
            command="sh install-worker.sh",
            download="managed_identity",
        ),
    )


def _cloud_init() -> CloudInitScaleSet:
    return CloudInitScaleSet(
        "app",
        CloudInitScaleSetArgs(
            scale_set=_scale_set(ssh_public_keys=[SSH_KEY]),
            store=_store(),
            cloud_config={"runcmd": ["echo ${artifact:site}"]},
            artifacts={"site": Package.from_directory(ARTIFACTS / "cloud-init" / "site")},
        ),
    )


def _guest_assignment() -> GuestAssignment:
    store = _store()
    target = CustomScriptScaleSet(
        "worker",
        CustomScriptScaleSetArgs(
            scale_set=_scale_set(ssh_public_keys=[SSH_KEY], machine_configuration=True),
            os="linux",
            store=store,
            files=[ARTIFACTS / "custom-script" / "install-worker.sh"],
            command="sh install-worker.sh",
        ),
    )
    return GuestAssignment(
        "baseline",
        GuestAssignmentArgs(package=sample_package(), store=store, target=target),
    )


def _policy() -> MachineConfigurationPolicy:
    return MachineConfigurationPolicy(
        "baseline",
        MachineConfigurationPolicyArgs(
            package=sample_package(mode="AuditAndSet"),
            store=_store(),
            scope=RG_SCOPE,
            os="linux",
            location="westeurope",
        ),
    )


PROGRAMS = {
    "artifact-store": _store_with_grant,
    "artifact-store-existing-account": _existing_store,
    "dsc": _dsc,
    "custom-script-sas": lambda: _custom_script("sas", identities=False),
    "cloud-init": _cloud_init,
    "guest-assignment": _guest_assignment,
    "machine-configuration-policy": _policy,
}
#: Scale sets with user-assigned identities: the mocks must answer the identity map.
WITH_IDENTITIES = {
    "custom-script-sas": lambda: _custom_script("sas"),
    "custom-script-identity": lambda: _custom_script("managed_identity"),
    "custom-script-created-identity": _created_identity,
}


def _run(mocks: pulumi.runtime.Mocks, program: Any, preview: bool) -> list[str]:
    with MockDeployment(preview=preview, mocks=mocks) as deployment:  # type: ignore[arg-type]
        component = deployment.run(program)
        registered = [r.type for r in deployment.resources]
    assert component is None or isinstance(component, pulumi.ComponentResource)
    return registered


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_every_component_constructs_under_the_minimal_mocks(name: str, preview: bool) -> None:
    registered = _run(MinimalMocks(), PROGRAMS[name], preview)
    assert any(t.startswith(("azure-native:", "vmss:")) for t in registered)


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize("name", sorted(WITH_IDENTITIES))
def test_user_assigned_identities_need_only_the_identity_map(name: str, preview: bool) -> None:
    registered = _run(IdentityMapMocks(), WITH_IDENTITIES[name], preview)
    assert "azure-native:compute:VirtualMachineScaleSet" in registered


def test_an_echoed_identity_list_fails_in_the_sdk_without_the_library() -> None:
    """Why the identity map is the one answer a user's mocks must add: a bare scale set with
    a user-assigned identity, no component involved, fails the same way."""

    def bare() -> None:
        compute.VirtualMachineScaleSet(
            "bare",
            resource_group_name="rg",
            identity=compute.VirtualMachineScaleSetIdentityArgs(
                type=compute.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[IDENTITY],
            ),
        )

    with (
        MockDeployment(mocks=MinimalMocks()) as deployment,
        pytest.raises(AssertionError) as raised,
    ):  # type: ignore[arg-type]
        deployment.run(bare)
    assert "Expected 'list' got 'typing.Mapping" in str(raised.value)
    _run(IdentityMapMocks(), bare, preview=False)
