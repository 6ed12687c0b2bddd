"""Every azure-native resource the library sends conforms to the installed SDK's input types.

Each dict key is a property of the SDK's input type at that place, each value of the type the
SDK declares there, and each string where the SDK declares an enum is one of its values
(helpers.sdk_types). Checked for the committed stacks and for the store's enterprise variants
of issue 18 (an existing account, shared keys off, a private endpoint with its DNS, network
rules), with identity downloads and Trusted Launch on and off, in preview and not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from helpers import (
    CLOUD_INIT_SAMPLE,
    DOWNLOAD_IDENTITY_ID,
    LINUX_SCRIPT,
    NOW,
    SUBNET_ID,
    artifact_store,
    linux_args,
    mc_package,
    policy_at,
    windows_args,
)
from helpers.sdk_types import nonconforming, sdk_problems
from helpers.stacks import run_stack_program, stack_config, stack_deployment

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    GuestAssignment,
    GuestAssignmentArgs,
    ImageReference,
    NetworkRules,
    Package,
)
from vmss_components.testing import MockDeployment

VNET = SUBNET_ID.rsplit("/subnets/", 1)[0]
ENDPOINTS = f"{VNET}/subnets/endpoints"
ZONE = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dns/providers/"
    "Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net"
)
EXISTING_ACCOUNT = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/"
    "Microsoft.Storage/storageAccounts/platformartifacts"
)


def _consumers(store: ArtifactStore, *, sas: bool = True) -> None:
    """A Custom Script and a cloud-init tier downloading by identity, a guest assignment whose
    content the worker's identity reads, and (with ``sas``) a cloud-init tier by SAS."""
    worker = CustomScriptScaleSet(
        "worker",
        CustomScriptScaleSetArgs(
            scale_set=linux_args(machine_configuration=True),
            os="linux",
            store=store,
            files=[LINUX_SCRIPT],
            command="sh install-worker.sh",
            download="managed_identity",
            download_identity_resource_id=DOWNLOAD_IDENTITY_ID,
        ),
    )
    CloudInitScaleSet(
        "app",
        CloudInitScaleSetArgs(
            scale_set=linux_args(),
            store=store,
            cloud_config={"runcmd": ["/usr/local/sbin/vmss-fetch-blob site /tmp/site.zip"]},
            artifacts={"site": Package.from_directory(CLOUD_INIT_SAMPLE / "site")},
            download="managed_identity",
        ),
    )
    GuestAssignment(
        "baseline",
        GuestAssignmentArgs(
            package=mc_package(),
            store=store,
            target=worker,
            content_identity_resource_id=DOWNLOAD_IDENTITY_ID,
        ),
    )
    if sas:
        CloudInitScaleSet(
            "legacy",
            CloudInitScaleSetArgs(
                scale_set=linux_args(
                    image=ImageReference(
                        publisher="Canonical",
                        offer="0001-com-ubuntu-server-focal",
                        sku="20_04-lts",
                        version="latest",
                    ),
                    trusted_launch=False,
                ),
                store=store,
                cloud_config={"runcmd": ["curl -fsSLo /tmp/site.zip '${artifact:site}'"]},
                artifacts={"site": Package.from_directory(CLOUD_INIT_SAMPLE / "site")},
            ),
        )


def _existing_account() -> None:
    store = ArtifactStore(
        "store",
        ArtifactStoreArgs(
            existing_account_id=EXISTING_ACCOUNT, container_name="deploy", sas=policy_at(NOW)
        ),
    )
    _consumers(store)


def _no_shared_key_private_endpoint() -> None:
    store = artifact_store(
        shared_key_access=False,
        public_network_access="Disabled",
        private_endpoint_subnet_id=ENDPOINTS,
    )
    _consumers(store, sas=False)


def _private_endpoint_existing_zone() -> None:
    store = artifact_store(
        public_network_access="Disabled",
        private_endpoint_subnet_id=ENDPOINTS,
        private_dns_zone_id=ZONE,
    )
    _consumers(store)


def _network_rules() -> None:
    store = artifact_store(
        network_rules=NetworkRules(
            allowed_subnet_ids=[SUBNET_ID], uploader_ip_addresses=["203.0.113.7"]
        )
    )
    _consumers(store)


def _windows_trusted_launch_off() -> None:
    store = artifact_store()
    CustomScriptScaleSet(
        "win",
        CustomScriptScaleSetArgs(
            scale_set=windows_args(trusted_launch=False, encryption_at_host=True),
            os="windows",
            store=store,
            files=[LINUX_SCRIPT],
            command="powershell -File install-worker.sh",
        ),
    )


PROGRAMS: dict[str, Callable[[], Any]] = {
    "existing-account": _existing_account,
    "no-shared-key-private-endpoint": _no_shared_key_private_endpoint,
    "private-endpoint-existing-zone": _private_endpoint_existing_zone,
    "network-rules": _network_rules,
    "windows-trusted-launch-off": _windows_trusted_launch_off,
}


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_the_store_variants_conform_to_the_sdk(name: str, preview: bool) -> None:
    with MockDeployment(preview=preview, speedups=True) as deployment:
        deployment.run(PROGRAMS[name])
        resources = deployment.resources
    types = {r.type for r in resources}
    assert "azure-native:compute:VirtualMachineScaleSet" in types
    assert nonconforming(resources) == []


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_committed_stacks_conform_to_the_sdk(stack: str, preview: bool) -> None:
    values, secret_keys = stack_config(stack)
    with stack_deployment(stack, values, secret_keys, preview=preview) as deployment:
        run_stack_program(deployment)
        resources = deployment.resources
    assert len([r for r in resources if r.type.startswith("azure-native:")]) > 20
    assert nonconforming(resources) == []


def test_the_check_finds_what_the_sdk_does_not_declare() -> None:
    """The check can fail: a wrong enum spelling, an unknown key, a wrong scalar type, at any
    depth."""
    assert sdk_problems(
        "azure-native:storage:StorageAccount",
        {
            "publicNetworkAccess": "disabled",
            "allowSharedKeyAccess": "false",
            "networkRuleSet": {
                "defaultAction": "Deny",
                "virtualNetworkRules": [{"id": SUBNET_ID, "action": "Allow"}],
            },
            "sku": {"name": "Standard_LRS"},
        },
    ) == [
        "publicNetworkAccess: 'disabled' is not one of ['Disabled', 'Enabled', "
        "'SecuredByPerimeter']",
        "allowSharedKeyAccess: str where the SDK takes <class 'bool'>",
        "networkRuleSet.virtualNetworkRules[0].id: not a property of VirtualNetworkRuleArgs",
    ]
    assert sdk_problems(
        "azure-native:compute:VirtualMachineScaleSet",
        {"virtualMachineProfile": {"securityProfile": {"securityType": "Standard"}}},
    ) == [
        "virtualMachineProfile.securityProfile.securityType: 'Standard' is not one of "
        "['ConfidentialVM', 'TrustedLaunch']"
    ]
    assert sdk_problems("azure-native:network:Subnet", {"subnetName": "a", "bogus": 1}) == [
        "bogus: not an input of SubnetInitArgs"
    ]
