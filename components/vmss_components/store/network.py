"""How instances and the deploying machine reach the artifact store's blobs.

Three shapes, each a fact of Azure Storage networking
(learn.microsoft.com/azure/storage/common/storage-network-security):

- public (the default): the blob endpoint takes any address; tokens and roles guard the data.
- network rules: the public endpoint denies by default; scale-set subnets come in through
  the ``Microsoft.Storage`` service endpoint (virtual network rules), the machine that runs
  ``pulumi up`` through its public IPv4 address or its subnet. IP rules do not apply to
  traffic from the account's own region, so a runner in Azure must be allowed by subnet.
- private endpoint: the blob endpoint gets an address in a subnet, resolved through the
  ``privatelink.blob.core.windows.net`` private DNS zone linked to the virtual networks that
  use it; with public network access Disabled, nothing else reaches the account (Disabled
  also denies every firewall rule), so the deploying machine must be inside a linked network.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pulumi
from pulumi_azure_native import network, privatedns, storage

from .._checks import check_bool, check_input_text, check_literal, check_sequence, check_type
from .._rules import declare_rule
from ..errors import ConfigurationError

PublicNetworkAccess = Literal["Enabled", "Disabled"]

#: The private DNS zone of blob private endpoints in Azure's public cloud.
BLOB_PRIVATE_DNS_ZONE = "privatelink.blob.core.windows.net"
# Storage IP rules refuse the RFC 1918 private ranges (and take IPv4 only).
_RFC1918 = tuple(
    ipaddress.IPv4Network(block) for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
# A storage account takes at most 100 IP rules.
_MAX_IP_RULES = 100
_SUBNET_ID = re.compile(
    r"(?P<network>/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/"
    r"virtualNetworks/[^/]+)/subnets/[^/]+",
    re.IGNORECASE | re.ASCII,
)

declare_rule(
    "store-network-uploader-reachable",
    "With network rules the deploying machine (which uploads the blobs) must be allowed by "
    "public IPv4 address or by subnet; with public access Disabled the store needs a private "
    "endpoint, and firewall rules are refused (Disabled denies them all).",
    where="vmss_components.store.network.check_network",
    paths=("network_rules", "public_network_access", "private_endpoint_subnet_id"),
)


@dataclass(frozen=True, kw_only=True)
class NetworkRules:
    """The public blob endpoint with default deny: who may still come in."""

    allowed_subnet_ids: Sequence[pulumi.Input[str]] = ()
    """Subnets whose instances download artifacts (the scale sets' subnets). Each needs the
    ``Microsoft.Storage`` service endpoint."""
    uploader_ip_addresses: Sequence[str] = ()
    """Public IPv4 addresses or ranges (``203.0.113.7``, ``203.0.113.0/28``) of the machines
    that run ``pulumi up``: they upload the blobs. Not for a runner in the account's own
    region (IP rules do not apply there): give its subnet in ``uploader_subnet_ids``."""
    uploader_subnet_ids: Sequence[pulumi.Input[str]] = ()
    """Subnets of runners in Azure that run ``pulumi up`` (service endpoint required)."""
    bypass_azure_services: bool = True
    """Let trusted Azure services (backup, monitoring) through the firewall."""

    def __post_init__(self) -> None:
        path = "network_rules"
        for field_name in ("allowed_subnet_ids", "uploader_subnet_ids"):
            values = getattr(self, field_name)
            check_sequence(values, f"{path}.{field_name}")
            for index, subnet in enumerate(values):
                check_input_text(subnet, f"{path}.{field_name}[{index}]")
        check_sequence(self.uploader_ip_addresses, f"{path}.uploader_ip_addresses")
        for index, address in enumerate(self.uploader_ip_addresses):
            _check_ip_rule(address, f"{path}.uploader_ip_addresses[{index}]")
        if len(self.uploader_ip_addresses) > _MAX_IP_RULES:
            raise ConfigurationError(
                f"{path}.uploader_ip_addresses", f"a storage account takes at most {_MAX_IP_RULES}"
            )
        check_bool(self.bypass_azure_services, f"{path}.bypass_azure_services")
        if not self.uploader_ip_addresses and not self.uploader_subnet_ids:
            raise ConfigurationError(
                f"{path}.uploader_ip_addresses",
                "Pulumi uploads the blobs from the machine it runs on; with default-deny rules "
                "and no address or subnet for it, every upload is refused. Give "
                "uploader_ip_addresses (public IPv4; a runner in Azure in the account's region "
                "must use uploader_subnet_ids, as IP rules do not apply to same-region "
                "traffic), or use a private endpoint",
            )


def _check_ip_rule(value: object, path: str) -> None:
    if not isinstance(value, str):
        raise ConfigurationError(
            path, f"expected an IPv4 address or range, got {type(value).__name__}"
        )
    try:
        network_ = ipaddress.IPv4Network(value, strict=True)
    except ValueError:
        raise ConfigurationError(
            path, "expected a public IPv4 address or CIDR range (203.0.113.7, 203.0.113.0/28)"
        ) from None
    if "/" in value and network_.prefixlen > 30:
        raise ConfigurationError(
            path, "storage IP rules take no /31 or /32 ranges: give the bare address"
        )
    if any(network_.overlaps(private) for private in _RFC1918):
        raise ConfigurationError(
            path,
            "storage IP rules take no private (RFC 1918) addresses; a private address reaches "
            "the account through a subnet (uploader_subnet_ids) or a private endpoint",
        )


def check_network(
    public_network_access: object,
    private_endpoint_subnet_id: object,
    private_dns_zone_id: object,
    linked_virtual_network_ids: object,
    network_rules: object,
) -> None:
    """The store's network arguments, alone and together (plain values; Outputs on trust)."""
    check_literal(public_network_access, "public_network_access", PublicNetworkAccess)
    check_input_text(private_endpoint_subnet_id, "private_endpoint_subnet_id", optional=True)
    if isinstance(private_endpoint_subnet_id, str) and not _SUBNET_ID.fullmatch(
        private_endpoint_subnet_id
    ):
        raise ConfigurationError(
            "private_endpoint_subnet_id",
            "not a subnet id (/subscriptions/<id>/resourceGroups/<group>/providers/"
            "Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>)",
        )
    check_input_text(private_dns_zone_id, "private_dns_zone_id", optional=True)
    check_sequence(linked_virtual_network_ids, "linked_virtual_network_ids")
    assert isinstance(linked_virtual_network_ids, Sequence)
    for index, network_id in enumerate(linked_virtual_network_ids):
        check_input_text(network_id, f"linked_virtual_network_ids[{index}]")
    if network_rules is not None:
        check_type(network_rules, NetworkRules, "network_rules")
    endpoint = private_endpoint_subnet_id is not None
    if not endpoint and (private_dns_zone_id is not None or linked_virtual_network_ids):
        raise ConfigurationError(
            "private_dns_zone_id"
            if private_dns_zone_id is not None
            else "linked_virtual_network_ids",
            "private DNS is for a private endpoint: give private_endpoint_subnet_id",
        )
    if private_dns_zone_id is not None and linked_virtual_network_ids:
        raise ConfigurationError(
            "linked_virtual_network_ids",
            "the store links only a zone it creates; link your own zone where it is managed",
        )
    if public_network_access == "Disabled":
        if not endpoint:
            raise ConfigurationError(
                "public_network_access",
                "with public network access Disabled nothing could reach the blobs: give "
                "private_endpoint_subnet_id",
            )
        if network_rules is not None:
            raise ConfigurationError(
                "network_rules",
                "public network access Disabled denies every firewall rule: use the private "
                "endpoint alone, or public access Enabled with network rules",
            )
    elif endpoint and network_rules is None:
        raise ConfigurationError(
            "network_rules",
            "with a private endpoint and public access Enabled, say who may still use the "
            "public endpoint (network_rules, for the machine that runs pulumi up), or set "
            "public_network_access='Disabled'",
        )


def network_rule_set(
    public_network_access: PublicNetworkAccess,
    private_endpoint: bool,
    rules: NetworkRules | None,
) -> storage.NetworkRuleSetArgs | None:
    """The account's firewall: None when fully public (as before), else default deny."""
    if rules is None and not private_endpoint:
        return None
    if rules is None:
        return storage.NetworkRuleSetArgs(
            default_action=storage.DefaultAction.DENY, bypass=storage.Bypass.AZURE_SERVICES
        )
    subnets = [*rules.allowed_subnet_ids, *rules.uploader_subnet_ids]
    return storage.NetworkRuleSetArgs(
        default_action=storage.DefaultAction.DENY,
        bypass=storage.Bypass.AZURE_SERVICES
        if rules.bypass_azure_services
        else storage.Bypass.NONE,
        virtual_network_rules=[
            storage.VirtualNetworkRuleArgs(
                virtual_network_resource_id=subnet, action=storage.Action.ALLOW
            )
            for subnet in subnets
        ]
        or None,
        ip_rules=[
            storage.IPRuleArgs(i_p_address_or_range=address, action=storage.Action.ALLOW)
            for address in rules.uploader_ip_addresses
        ]
        or None,
    )


def virtual_network_of(subnet_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """The virtual network id a subnet id belongs to."""

    def parent(value: str) -> str:
        match = _SUBNET_ID.fullmatch(value)
        if match is None:
            raise ConfigurationError(
                "private_endpoint_subnet_id", "not a subnet id (…/virtualNetworks/<n>/subnets/<s>)"
            )
        return match.group("network")

    return pulumi.Output.from_input(subnet_id).apply(parent)


def build_private_endpoint(
    name: str,
    *,
    account_id: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    location: pulumi.Input[str] | None,
    subnet_id: pulumi.Input[str],
    dns_zone_id: pulumi.Input[str] | None,
    linked_virtual_network_ids: Sequence[pulumi.Input[str]],
    parent: pulumi.Resource,
) -> list[pulumi.Resource]:
    """A blob private endpoint in ``subnet_id`` and its DNS; what uploads must wait for."""
    child = pulumi.ResourceOptions(parent=parent)
    endpoint = network.PrivateEndpoint(
        f"{name}-blob-pe",
        resource_group_name=resource_group_name,
        location=location,
        subnet=network.SubnetArgs(id=subnet_id),
        private_link_service_connections=[
            network.PrivateLinkServiceConnectionArgs(
                name=f"{name}-blob", private_link_service_id=account_id, group_ids=["blob"]
            )
        ],
        opts=child,
    )
    created: list[pulumi.Resource] = [endpoint]
    zone_id: pulumi.Input[str]
    if dns_zone_id is None:
        zone = privatedns.PrivateZone(
            f"{name}-blob-dns",
            resource_group_name=resource_group_name,
            private_zone_name=BLOB_PRIVATE_DNS_ZONE,
            location="global",
            opts=child,
        )
        zone_id = zone.id
        created.append(zone)
        networks = [virtual_network_of(subnet_id), *linked_virtual_network_ids]
        for index, network_id in enumerate(networks):
            suffix = "" if index == 0 else f"-{index}"
            created.append(
                privatedns.VirtualNetworkLink(
                    f"{name}-blob-dns-link{suffix}",
                    resource_group_name=resource_group_name,
                    private_zone_name=zone.name,
                    virtual_network=privatedns.SubResourceArgs(id=network_id),
                    registration_enabled=False,
                    location="global",
                    opts=child,
                )
            )
    else:
        zone_id = dns_zone_id
    # The zone group writes the endpoint's A record into the zone.
    created.append(
        network.PrivateDnsZoneGroup(
            f"{name}-blob-dns-group",
            resource_group_name=resource_group_name,
            private_endpoint_name=endpoint.name,
            private_dns_zone_group_name="default",
            private_dns_zone_configs=[
                network.PrivateDnsZoneConfigArgs(
                    name="privatelink-blob-core-windows-net", private_dns_zone_id=zone_id
                )
            ],
            opts=child,
        )
    )
    return created
