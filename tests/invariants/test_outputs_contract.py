"""One outputs contract for every component.

A component's outputs are its annotated public attributes. Each has an attribute docstring,
is registered (``register_outputs``) under its own name, and nothing else is registered; an
attribute name means one type in every component that has it; every scale-set component
exposes ``vmss``, ``vmss_id``, ``vmss_name`` and ``principal_id``.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pulumi
import pytest
from helpers import REPO
from helpers.source import parse_source

import vmss_components
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
    MachineConfigurationPolicy,
    MachineConfigurationPolicyArgs,
    Package,
    PolicyRemediation,
    SasPolicy,
    ScaleSetArgs,
    UpgradePolicy,
)
from vmss_components.scaleset import ScaleSetComponent
from vmss_components.testing import MockDeployment

ARTIFACTS = REPO / "stacks" / "artifacts"
SUBNET = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
    "Microsoft.Network/virtualNetworks/vnet/subnets/default"
)
SSH_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f ops@example"
)
COMPONENTS: tuple[type[pulumi.ComponentResource], ...] = (
    ArtifactStore,
    DscScaleSet,
    CustomScriptScaleSet,
    CloudInitScaleSet,
    GuestAssignment,
    MachineConfigurationPolicy,
)
SCALE_SET_OUTPUTS = {"vmss", "vmss_id", "vmss_name", "principal_id"}


def output_attributes(cls: type) -> dict[str, str]:
    """The annotated public attributes the library declares on ``cls`` and its bases, with
    the annotation as written."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith("vmss_components"):
            continue
        for name, annotation in vars(klass).get("__annotations__", {}).items():
            if not name.startswith("_"):
                found[name] = str(annotation)
    return found


def undocumented(cls: type) -> list[str]:
    """Output attributes of ``cls`` (declared on it) without an attribute docstring."""
    tree = parse_source(textwrap.dedent(inspect.getsource(cls)), cls.__name__)
    body = tree.body[0]
    assert isinstance(body, ast.ClassDef)
    missing = []
    for index, node in enumerate(body.body):
        if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name):
            continue
        if node.target.id.startswith("_"):
            continue
        following = body.body[index + 1] if index + 1 < len(body.body) else None
        documented = (
            isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
            and following.value.value.strip()
        )
        if not documented:
            missing.append(node.target.id)
    return missing


def _program() -> dict[str, pulumi.ComponentResource]:
    """One of every component, with every optional output in use."""
    store = ArtifactStore(
        "store",
        ArtifactStoreArgs(
            resource_group_name="rg",
            sas=SasPolicy(clock=lambda: datetime(2026, 11, 23, tzinfo=UTC)),
        ),
    )

    def scale_set(**extra: Any) -> ScaleSetArgs:
        return ScaleSetArgs(
            resource_group_name="rg",
            subnet_id=SUBNET,
            upgrade=UpgradePolicy(mode="Automatic"),
            **extra,
        )

    dsc = DscScaleSet(
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
    )
    cse = CustomScriptScaleSet(
        "worker",
        CustomScriptScaleSetArgs(
            scale_set=scale_set(ssh_public_keys=[SSH_KEY], machine_configuration=True),
            os="linux",
            store=store,
            files=[ARTIFACTS / "custom-script" / "install-worker.sh"],
            command="sh install-worker.sh",
            download="managed_identity",
        ),
    )
    cloud_init = CloudInitScaleSet(
        "app",
        CloudInitScaleSetArgs(
            scale_set=scale_set(ssh_public_keys=[SSH_KEY]),
            store=store,
            cloud_config={"runcmd": ["echo ${artifact:site}"]},
            artifacts={"site": Package.from_directory(ARTIFACTS / "cloud-init" / "site")},
        ),
    )
    samples = ARTIFACTS / "machine-configuration"
    guest = GuestAssignment(
        "baseline",
        GuestAssignmentArgs(
            package=MachineConfigurationPackage.build(
                "LinuxMotd",
                mof=samples / "LinuxMotd" / "localhost.mof",
                modules=samples / "Modules",
            ),
            store=store,
            target=cse,
        ),
    )
    policy = MachineConfigurationPolicy(
        "fleet-baseline",
        MachineConfigurationPolicyArgs(
            package=MachineConfigurationPackage.build(
                "LinuxMotd",
                mof=samples / "LinuxMotd" / "localhost.mof",
                modules=samples / "Modules",
                mode="AuditAndSet",
            ),
            store=store,
            scope="/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg",
            os="linux",
            mode="ApplyAndAutoCorrect",
            location="westeurope",
            content_identity_resource_id=(
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/"
                "providers/Microsoft.ManagedIdentity/userAssignedIdentities/reader"
            ),
            remediation=PolicyRemediation(),
        ),
    )
    return {
        "ArtifactStore": store,
        "DscScaleSet": dsc,
        "CustomScriptScaleSet": cse,
        "CloudInitScaleSet": cloud_init,
        "GuestAssignment": guest,
        "MachineConfigurationPolicy": policy,
    }


#: What each component passed to ``register_outputs``, by component object id.
REGISTERED: dict[int, dict[str, Any]] = {}


@pytest.fixture(scope="module")
def built() -> Iterator[tuple[MockDeployment, dict[str, pulumi.ComponentResource]]]:
    original = pulumi.ComponentResource.register_outputs

    def recording(self: pulumi.ComponentResource, outputs: Any) -> None:
        REGISTERED[id(self)] = dict(outputs)
        original(self, outputs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pulumi.ComponentResource, "register_outputs", recording)
        with MockDeployment(speedups=True) as deployment:
            yield deployment, deployment.run(_program)


@pytest.mark.parametrize("cls", COMPONENTS, ids=lambda c: c.__name__)
def test_every_output_attribute_has_a_docstring(cls: type) -> None:
    for klass in cls.__mro__:
        if klass.__module__.startswith("vmss_components"):
            assert undocumented(klass) == [], klass.__name__


@pytest.mark.parametrize("cls", COMPONENTS, ids=lambda c: c.__name__)
def test_a_component_registers_exactly_its_output_attributes(
    built: tuple[MockDeployment, dict[str, pulumi.ComponentResource]], cls: type
) -> None:
    deployment, components = built
    component = components[cls.__name__]
    registered = REGISTERED[id(component)]
    declared = output_attributes(cls)
    assert set(registered) == set(declared)
    for name in declared:
        value = getattr(component, name)
        if isinstance(value, pulumi.Resource | pulumi.Output) or value is None:
            assert registered[name] is value, name
    # What reached the engine: every output that has a value (None is not sent).
    (recorded,) = [r for r in deployment.resources_of_type(f"vmss:index:{cls.__name__}")]
    assert set(recorded.outputs) == {k for k, v in registered.items() if v is not None}


def test_scale_set_components_share_the_scale_set_outputs() -> None:
    for cls in (DscScaleSet, CustomScriptScaleSet, CloudInitScaleSet):
        assert issubclass(cls, ScaleSetComponent)
        assert set(output_attributes(cls)) >= SCALE_SET_OUTPUTS


def test_one_name_means_one_type_everywhere() -> None:
    types: dict[str, set[str]] = {}
    for cls in COMPONENTS:
        for name, annotation in output_attributes(cls).items():
            types.setdefault(name, set()).add(annotation)
    assert {name: seen for name, seen in types.items() if len(seen) > 1} == {}


def test_the_principal_id_is_the_system_identity(
    built: tuple[MockDeployment, dict[str, pulumi.ComponentResource]],
) -> None:
    deployment, components = built
    with_identity = components["CustomScriptScaleSet"]
    without = components["CloudInitScaleSet"]
    assert isinstance(with_identity, ScaleSetComponent)
    assert isinstance(without, ScaleSetComponent)
    assert without.principal_id is None
    vmss = deployment.resource("azure-native:compute:VirtualMachineScaleSet", "worker-vmss")
    assert (
        deployment.resolve(with_identity.principal_id).value
        == vmss.outputs["identity"]["principalId"]
    )


def test_every_component_is_public() -> None:
    for cls in COMPONENTS:
        assert getattr(vmss_components, cls.__name__) is cls
