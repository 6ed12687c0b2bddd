"""Preview, library-wide: every component constructs under ``pulumi preview`` conditions
(mocks with ``preview=True``: whatever Azure computes is unknown) without an error, leaves
Azure's values unknown rather than inventing them, keeps secrets secret while unknown, and
never sends an invoke (the SAS signing above all) with unknown arguments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from helpers import Kit, Packages, build_packages, walk
from pulumi_azure_native import managedidentity

from vmss_components import (
    Autoscale,
    ExternalScaleSet,
    GuestAssignment,
    GuestAssignmentArgs,
    HealthProbe,
    ManagedIdentities,
    UpgradePolicy,
)
from vmss_components.scaleset import ScaleSetComponent
from vmss_components.testing import UNKNOWN, MockDeployment

SAS = "azure-native:storage:listStorageAccountServiceSAS"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"


def identity(name: str) -> managedidentity.UserAssignedIdentity:
    """An identity created in the same program: its id is unknown during a preview."""
    return managedidentity.UserAssignedIdentity(name, resource_group_name="rg-kit")


def guest_on_external(k: Kit) -> GuestAssignment:
    reader = identity("reader")
    target = ExternalScaleSet(resource_group_name="rg-legacy", vmss_name="legacy", os="linux")
    return GuestAssignment(
        "external",
        GuestAssignmentArgs(
            package=k.packages.mc,
            store=k.store(),
            target=target,
            content_identity_resource_id=reader.id,
        ),
    )


def guest_with_identity(k: Kit) -> GuestAssignment:
    reader = identity("reader")
    target = k.cloud_init(
        "target",
        scale_set=k.linux(
            machine_configuration=True,
            managed_identities=ManagedIdentities(user_assigned_resource_ids=[reader.id]),
        ),
    )
    return k.guest("identity", target=target, content_identity_resource_id=reader.id)


def cloud_init_with_site(k: Kit) -> Any:
    return k.cloud_init(
        "app",
        store=k.store(),
        artifacts={"site": k.packages.script},
        cloud_config="#!/bin/sh\ncurl -o /tmp/s '${artifact:site}' && echo ${artifact:site.sha256}\n",
    )


# fmt: off
COMPONENTS: list[tuple[str, Callable[[Kit], Any]]] = [
    ("dsc-with-configuration-data", lambda k: k.dsc("web", configuration_data="@{ AllNodes = @() }", protected_configuration_arguments={"AppPoolCredential": {"userName": "u", "password": pulumi.Output.secret("p4ss-W0rd-x")}})),
    ("dsc-rolling-autoscale", lambda k: k.dsc("web", scale_set=k.windows(upgrade=UpgradePolicy(mode="Rolling"), health=HealthProbe(), autoscale=Autoscale(minimum=1, maximum=4)))),
    ("cse-windows-sas", lambda k: k.cse("jobs", os="windows", files=[k.packages.script], command="powershell -File install.ps1")),
    ("cse-linux-created-identity", lambda k: k.cse("workers", files=[k.packages.script], download="managed_identity")),
    ("cse-linux-identity-output", lambda k: k.cse("workers", files=[k.packages.script], download="managed_identity", download_identity_resource_id=identity("given").id)),
    ("cse-linux-script", lambda k: k.cse("scripted", command=None, script="#!/bin/sh\necho hi\n", file_uris=["https://example.com/tool.sh"])),
    ("cloud-init-with-artifact", cloud_init_with_site),
    ("guest-assignment-sas", lambda k: k.guest("baseline", parameters={"[MotdFile]Motd;Contents": "hi"}, protected_parameters={"[MotdFile]Motd;Mode": pulumi.Output.secret("0644")})),
    ("guest-assignment-identity", guest_with_identity),
    ("guest-assignment-external", guest_on_external),
    ("store-publish-and-grant-read", lambda k: (k.store().publish("site", k.packages.script), k.store().grant_read("reader-role", identity("reader").principal_id))),
]
# fmt: on


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    return build_packages(tmp_path_factory.mktemp("preview-packages"))


def unknown_arguments(deployment: MockDeployment) -> list[str]:
    return [
        f"{call.token}: {path}"
        for call in deployment.calls
        for path, value, _ in walk(call.args)
        if value is UNKNOWN
    ]


@pytest.mark.parametrize(("label", "build"), COMPONENTS, ids=[label for label, _ in COMPONENTS])
def test_components_construct_in_a_preview(
    label: str, build: Callable[[Kit], Any], packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    with MockDeployment(preview=True, speedups=True) as deployment:
        component = deployment.run(lambda: build(kit))
    assert not unknown_arguments(deployment)
    # The store's account name waits on a random suffix: no token can be signed yet,
    # though every published artifact asked for one.
    assert not deployment.calls_to(SAS)
    assert deployment.resources, label
    store = kit._made.get("store")
    if store is not None:
        assert store.published, label
        assert not deployment.resolve(store.account_name).known
        for artifact in store.published.values():
            url = deployment.resolve(artifact.url)
            token = deployment.resolve(artifact.sas_token)
            assert not url.known and not token.known
            assert token.secret and deployment.resolve(artifact.url_with_sas).secret
    if isinstance(component, ScaleSetComponent):
        assert not deployment.resolve(component.vmss_id).known
        if component.admin_password is not None:
            assert deployment.resolve(component.admin_password).secret
        owner = deployment.resolve(component.urn).value
        (vmss,) = [
            r
            for r in deployment.resources_of_type("azure-native:compute:VirtualMachineScaleSet")
            if r.parent == owner
        ]
        if any(artifact.blob for artifact in (store.published.values() if store else ())):
            # The model refers to blobs whose URLs Azure has yet to give: unknown, not made up.
            assert any(value is UNKNOWN for _, value, _ in walk(vmss.inputs)), label
