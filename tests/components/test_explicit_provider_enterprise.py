"""The explicit provider reaches every resource and invoke of the components and store
variants test_explicit_provider.py does not build: MachineConfigurationPolicy, a store in an
existing account (its account and container lookups), a store without shared keys behind a
private endpoint with its DNS zone and links, network rules, and cloud-init downloading with a
created identity (issues 17 and 18).

The provider is given three ways: ``providers=[p]``, ``provider=p``, and inherited from a
parent component of the user's. A mock that refuses any azure-native resource or invoke
without a provider reference stands for "default providers disabled".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_azure_native as azure_native
import pytest
from helpers import (
    CLOUD_INIT_SAMPLE,
    DOWNLOAD_IDENTITY_ID,
    LINUX_SCRIPT,
    NOW,
    SUBNET_ID,
    linux_args,
    mc_package,
    policy_at,
)
from helpers.policy import IDENTITY_ID, RG_SCOPE

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    MachineConfigurationPolicy,
    MachineConfigurationPolicyArgs,
    NetworkRules,
    Package,
)
from vmss_components.testing import AzureMocks, MockDeployment

VNET = SUBNET_ID.rsplit("/subnets/", 1)[0]
EXISTING_ACCOUNT = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/"
    "Microsoft.Storage/storageAccounts/platformartifacts"
)
SITE = CLOUD_INIT_SAMPLE / "site"


class NoDefaultProvider(AzureMocks):
    """Default providers disabled: an azure-native resource or invoke must name a provider."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[Any, dict[str, Any]]:
        if args.typ.startswith("azure-native:") and not args.provider:
            raise AssertionError(f"{args.typ} {args.name} went to the default provider")
        return super().new_resource(args)

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        if args.token.startswith("azure-native:") and not args.provider:
            raise AssertionError(f"{args.token} went to the default provider")
        return super().call(args)


def _components(opts: Callable[[], pulumi.ResourceOptions]) -> None:
    existing = ArtifactStore(
        "existing",
        ArtifactStoreArgs(
            existing_account_id=EXISTING_ACCOUNT, container_name="deploy", sas=policy_at(NOW)
        ),
        opts=opts(),
    )
    private = ArtifactStore(
        "private",
        ArtifactStoreArgs(
            resource_group_name="rg-app",
            shared_key_access=False,
            public_network_access="Disabled",
            private_endpoint_subnet_id=f"{VNET}/subnets/endpoints",
            sas=policy_at(NOW),
        ),
        opts=opts(),
    )
    ruled = ArtifactStore(
        "ruled",
        ArtifactStoreArgs(
            resource_group_name="rg-app",
            network_rules=NetworkRules(
                allowed_subnet_ids=[SUBNET_ID], uploader_ip_addresses=["203.0.113.7"]
            ),
            sas=policy_at(NOW),
        ),
        opts=opts(),
    )
    CloudInitScaleSet(
        "app",
        CloudInitScaleSetArgs(
            scale_set=linux_args(),
            store=private,
            cloud_config={"runcmd": ["/usr/local/sbin/vmss-fetch-blob site /tmp/site.zip"]},
            artifacts={"site": Package.from_directory(SITE)},
            download="managed_identity",
        ),
        opts=opts(),
    )
    CustomScriptScaleSet(
        "worker",
        CustomScriptScaleSetArgs(
            scale_set=linux_args(),
            os="linux",
            store=existing,
            files=[LINUX_SCRIPT],
            command="sh install-worker.sh",
            download="managed_identity",
            download_identity_resource_id=DOWNLOAD_IDENTITY_ID,
        ),
        opts=opts(),
    )
    CloudInitScaleSet(
        "legacy",
        CloudInitScaleSetArgs(
            scale_set=linux_args(),
            store=ruled,
            cloud_config={"runcmd": ["curl -fsSLo /tmp/site.zip '${artifact:site}'"]},
            artifacts={"site": Package.from_directory(SITE)},
        ),
        opts=opts(),
    )
    MachineConfigurationPolicy(
        "baseline",
        MachineConfigurationPolicyArgs(
            package=mc_package(),
            store=existing,
            scope=RG_SCOPE,
            os="linux",
            location="westeurope",
            content_identity_resource_id=IDENTITY_ID,
        ),
        opts=opts(),
    )


def _second() -> azure_native.Provider:
    return azure_native.Provider("second", subscription_id="11111111-1111-1111-1111-111111111111")


def _providers() -> None:
    second = _second()
    _components(lambda: pulumi.ResourceOptions(providers=[second]))


def _provider() -> None:
    second = _second()
    _components(lambda: pulumi.ResourceOptions(provider=second))


def _inherited() -> None:
    outer = pulumi.ComponentResource(
        "user:index:Platform", "platform", None, pulumi.ResourceOptions(providers=[_second()])
    )
    _components(lambda: pulumi.ResourceOptions(parent=outer))


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize(
    "program", [_providers, _provider, _inherited], ids=["providers", "provider", "parent"]
)
def test_every_resource_and_invoke_uses_the_explicit_provider(
    program: Callable[[], None], preview: bool
) -> None:
    mocks = NoDefaultProvider(preview=preview)
    with MockDeployment(preview=preview, speedups=True, mocks=mocks) as deployment:
        deployment.run(program)
        (provider,) = deployment.resources_of_type("pulumi:providers:azure-native")
        reference = f"{provider.urn}::"
        resources = [r for r in deployment.resources if r.custom and r.type.startswith("azure-")]
        calls = [c for c in deployment.calls if c.token.startswith("azure-native:")]
    assert {r.type for r in resources} >= {
        "azure-native:network:PrivateEndpoint",
        "azure-native:network:PrivateDnsZoneGroup",
        "azure-native:privatedns:PrivateZone",
        "azure-native:privatedns:VirtualNetworkLink",
        "azure-native:managedidentity:UserAssignedIdentity",
        "azure-native:authorization:PolicyDefinition",
        "azure-native:authorization:PolicyAssignment",
        "azure-native:authorization:RoleAssignment",
    }
    assert {c.token for c in calls} >= {
        "azure-native:storage:getStorageAccount",
        "azure-native:storage:getBlobContainer",
        "azure-native:managedidentity:getUserAssignedIdentity",
        "azure-native:authorization:getClientConfig",
    }
    assert [r.name for r in resources if not r.provider.startswith(reference)] == []
    assert [c.token for c in calls if not c.provider.startswith(reference)] == []
