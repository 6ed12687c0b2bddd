"""The artifact store's network (issue 18, point 4): network rules, a private endpoint with its
DNS, public access off, and the refusals, as Azure receives them."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import store_args, write_tree

from vmss_components import ArtifactStore, ConfigurationError, NetworkRules, Package
from vmss_components.testing import MockDeployment

VNET = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/"
    "Microsoft.Network/virtualNetworks/vnet"
)
ENDPOINTS = f"{VNET}/subnets/endpoints"
APP = f"{VNET}/subnets/app"
RUNNER = f"{VNET}/subnets/runner"
HUB = VNET.replace("vnet", "hub")
ZONE = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dns/providers/"
    "Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net"
)
PRIVATE = (
    "azure-native:network:PrivateEndpoint",
    "azure-native:privatedns:PrivateZone",
    "azure-native:privatedns:VirtualNetworkLink",
    "azure-native:network:PrivateDnsZoneGroup",
)


@pytest.fixture
def package(tmp_path: Path) -> Package:
    return Package.from_directory(write_tree(tmp_path / "site", {"index.html": "hi"}))


def test_fully_public_by_default_sends_no_rules(mocked: MockDeployment) -> None:
    mocked.run(lambda: ArtifactStore("store", store_args()))
    account = mocked.resource("azure-native:storage:StorageAccount")
    assert account.get("publicNetworkAccess") == "Enabled"
    assert "networkRuleSet" not in account.inputs
    assert not [r for r in mocked.resources if r.type in PRIVATE]


@pytest.mark.rule("store-network-uploader-reachable", path="network_rules", case="valid")
def test_network_rules_deny_by_default_and_allow_subnets_and_the_uploader(
    mocked: MockDeployment,
) -> None:
    rules = NetworkRules(
        allowed_subnet_ids=[APP],
        uploader_ip_addresses=["203.0.113.7", "198.51.100.0/28"],
        uploader_subnet_ids=[RUNNER],
    )
    mocked.run(lambda: ArtifactStore("store", store_args(network_rules=rules)))
    account = mocked.resource("azure-native:storage:StorageAccount")
    assert account.get("networkRuleSet") == {
        "defaultAction": "Deny",
        "bypass": "AzureServices",
        "virtualNetworkRules": [
            {"virtualNetworkResourceId": APP, "action": "Allow"},
            {"virtualNetworkResourceId": RUNNER, "action": "Allow"},
        ],
        "ipRules": [
            {"iPAddressOrRange": "203.0.113.7", "action": "Allow"},
            {"iPAddressOrRange": "198.51.100.0/28", "action": "Allow"},
        ],
    }


@pytest.mark.rule(
    "store-network-uploader-reachable", path="private_endpoint_subnet_id", case="valid"
)
def test_a_private_endpoint_with_its_zone_links_and_record(
    mocked: MockDeployment, package: Package
) -> None:
    def program() -> None:
        store = ArtifactStore(
            "store",
            store_args(
                public_network_access="Disabled",
                private_endpoint_subnet_id=ENDPOINTS,
                linked_virtual_network_ids=[HUB],
            ),
        )
        store.publish("site", package)

    mocked.run(program)
    account = mocked.resource("azure-native:storage:StorageAccount")
    assert account.get("publicNetworkAccess") == "Disabled"
    assert account.get("networkRuleSet") == {"defaultAction": "Deny", "bypass": "AzureServices"}
    endpoint = mocked.resource("azure-native:network:PrivateEndpoint")
    assert endpoint.name == "store-blob-pe"
    # (the SDK adds its SubnetArgs defaults to the reference; Azure reads only the id)
    assert endpoint.get("subnet")["id"] == ENDPOINTS
    assert endpoint.get("privateLinkServiceConnections") == [
        {"name": "store-blob", "privateLinkServiceId": account.outputs["id"], "groupIds": ["blob"]}
    ]
    zone = mocked.resource("azure-native:privatedns:PrivateZone")
    assert zone.get("privateZoneName") == "privatelink.blob.core.windows.net"
    assert zone.get("location") == "global"
    links = sorted(
        mocked.resources_of_type("azure-native:privatedns:VirtualNetworkLink"), key=lambda r: r.name
    )
    assert [(link.name, link.get("virtualNetwork")) for link in links] == [
        ("store-blob-dns-link", {"id": VNET}),
        ("store-blob-dns-link-1", {"id": HUB}),
    ]
    assert all(link.get("registrationEnabled") is False for link in links)
    group = mocked.resource("azure-native:network:PrivateDnsZoneGroup")
    assert group.get("privateDnsZoneGroupName") == "default"
    assert group.get("privateDnsZoneConfigs") == [
        {"name": "privatelink-blob-core-windows-net", "privateDnsZoneId": zone.outputs["id"]}
    ]
    # The upload waits until the private path resolves.
    blob = mocked.resource("azure-native:storage:Blob")
    private_urns = {r.urn for r in mocked.resources if r.type in PRIVATE}
    assert private_urns <= set(blob.dependencies)


def test_an_existing_zone_gets_only_the_record(mocked: MockDeployment) -> None:
    mocked.run(
        lambda: ArtifactStore(
            "store",
            store_args(
                public_network_access="Disabled",
                private_endpoint_subnet_id=ENDPOINTS,
                private_dns_zone_id=ZONE,
            ),
        )
    )
    assert not mocked.resources_of_type("azure-native:privatedns:PrivateZone")
    assert not mocked.resources_of_type("azure-native:privatedns:VirtualNetworkLink")
    group = mocked.resource("azure-native:network:PrivateDnsZoneGroup")
    assert group.get("privateDnsZoneConfigs")[0]["privateDnsZoneId"] == ZONE


@pytest.mark.rule("store-network-uploader-reachable", path="network_rules", case="violation")
def test_network_rules_without_the_uploader_are_refused() -> None:
    with pytest.raises(ConfigurationError) as caught:
        NetworkRules(allowed_subnet_ids=[APP])
    assert caught.value.path == "network_rules.uploader_ip_addresses"
    assert "same-region" in caught.value.reason


@pytest.mark.rule(
    "store-network-uploader-reachable", path="public_network_access", case="violation"
)
def test_public_access_off_needs_a_private_endpoint() -> None:
    with pytest.raises(ConfigurationError) as caught:
        store_args(public_network_access="Disabled")
    assert caught.value.path == "public_network_access"


@pytest.mark.rule(
    "store-network-uploader-reachable", path="private_endpoint_subnet_id", case="violation"
)
def test_an_endpoint_with_public_access_on_needs_rules_for_the_public_side() -> None:
    with pytest.raises(ConfigurationError) as caught:
        store_args(private_endpoint_subnet_id=ENDPOINTS)
    assert caught.value.path == "network_rules"
    rules = NetworkRules(uploader_ip_addresses=["203.0.113.7"])
    assert store_args(private_endpoint_subnet_id=ENDPOINTS, network_rules=rules)


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"public_network_access": "Off"}, "public_network_access"),
        (
            {
                "public_network_access": "Disabled",
                "private_endpoint_subnet_id": ENDPOINTS,
                "network_rules": NetworkRules(uploader_ip_addresses=["203.0.113.7"]),
            },
            "network_rules",
        ),
        ({"private_endpoint_subnet_id": VNET}, "private_endpoint_subnet_id"),
        ({"private_dns_zone_id": ZONE}, "private_dns_zone_id"),
        ({"linked_virtual_network_ids": [HUB]}, "linked_virtual_network_ids"),
        (
            {
                "public_network_access": "Disabled",
                "private_endpoint_subnet_id": ENDPOINTS,
                "private_dns_zone_id": ZONE,
                "linked_virtual_network_ids": [HUB],
            },
            "linked_virtual_network_ids",
        ),
        ({"network_rules": "deny"}, "network_rules"),
    ],
)
def test_bad_network_arguments(overrides: dict[str, object], path: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        store_args(**overrides)
    assert caught.value.path == path


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.4", "RFC 1918"),
        ("192.168.1.0/24", "RFC 1918"),
        ("172.20.0.0/16", "RFC 1918"),
        ("203.0.113.7/32", "no /31 or /32"),
        ("2001:db8::1", "IPv4"),
        ("203.0.113.300", "IPv4"),
        ("203.0.113.1/28", "IPv4"),
    ],
)
def test_uploader_addresses_azure_takes(address: str, reason: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        NetworkRules(uploader_ip_addresses=[address])
    assert caught.value.path == "network_rules.uploader_ip_addresses[0]"
    assert reason in caught.value.reason
