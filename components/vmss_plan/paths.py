"""The path each tier's instances take to their artifacts: which store, which endpoint
(public, behind network rules, or private), and how they authenticate (SAS or identity).

Read from the plan document alone, so ``--json`` plans and live plans say the same. A tier
whose subnet a store's network rules do not list cannot download, and is reported as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .document import TIER_TYPES, VMSS, PlanDocument, consumed_blobs, plain_text

_ACCOUNT = "azure-native:storage:StorageAccount"
_PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
_ZONE_LINK = "azure-native:privatedns:VirtualNetworkLink"


@dataclass(frozen=True)
class ArtifactPath:
    """How one tier reaches one store."""

    tier: str
    store: str
    blobs: int
    endpoint: str
    auth: str
    reachable: bool


def _subnet_of(vmss: Mapping[str, Any]) -> str:
    profile = (vmss.get("inputs") or {}).get("virtualMachineProfile") or {}
    configs = (profile.get("networkProfile") or {}).get("networkInterfaceConfigurations") or []
    for config in configs:
        for ip in config.get("ipConfigurations") or []:
            subnet = plain_text((ip.get("subnet") or {}).get("id"))
            if subnet:
                return subnet
    return ""


def _endpoint(document: PlanDocument, store: str, subnet: str) -> tuple[str, bool]:
    children = [r for r in document.resources if r["parent"] == store]
    account = next((r for r in children if r["type"] == _ACCOUNT), None)
    private = any(r["type"] == _PRIVATE_ENDPOINT for r in children)
    if account is None:
        return "an existing account (its network is managed where the account is)", True
    inputs = account["inputs"]
    public = inputs.get("publicNetworkAccess") != "Disabled"
    rules = inputs.get("networkRuleSet") or {}
    linked = {
        plain_text((r["inputs"].get("virtualNetwork") or {}).get("id")).lower()
        for r in children
        if r["type"] == _ZONE_LINK
    }
    network = subnet.lower().rsplit("/subnets/", 1)[0] if "/subnets/" in subnet else ""
    if private and network and network in linked:
        # Its network resolves the account's name to the endpoint through the linked zone.
        return "the private endpoint (its network is linked to the zone)", True
    if private and not public:
        return "the private endpoint (public access disabled)", True
    if not rules or rules.get("defaultAction") != "Deny":
        return "the public endpoint", True
    allowed = {
        plain_text(rule.get("virtualNetworkResourceId")).lower()
        for rule in rules.get("virtualNetworkRules") or []
    }
    if private:
        return "the private endpoint, or the public one behind network rules", True
    if subnet and subnet.lower() in allowed:
        return "the public endpoint, its subnet allowed by the network rules", True
    if not subnet or any(not a for a in allowed):
        return "the public endpoint behind network rules (subnet not known in the plan)", True
    return "the public endpoint, but the network rules do not list its subnet", False


def artifact_paths(document: PlanDocument) -> list[ArtifactPath]:
    """One entry per (tier, store) for every tier that downloads artifacts."""
    paths: list[ArtifactPath] = []
    for tier in (r for r in document.resources if r["type"] in TIER_TYPES):
        children = (r for r in document.resources if r["parent"] == tier["address"])
        vmss = next((r for r in children if r["type"] == VMSS), None)
        if vmss is None:
            continue
        stores: dict[str, int] = {}
        for blob in consumed_blobs(document, vmss):
            if blob["parent"] is not None:
                stores[blob["parent"]] = stores.get(blob["parent"], 0) + 1
        outputs = tier.get("outputs") or {}
        auth = "managed identity" if outputs.get("download_identity_resource_id") else "SAS token"
        subnet = _subnet_of(vmss)
        for store, count in stores.items():
            endpoint, reachable = _endpoint(document, store, subnet)
            store_name = next(r["name"] for r in document.resources if r["address"] == store)
            paths.append(
                ArtifactPath(
                    tier=tier["name"],
                    store=store_name,
                    blobs=count,
                    endpoint=endpoint,
                    auth=auth,
                    reachable=reachable,
                )
            )
    return paths


def describe(path: ArtifactPath) -> str:
    """One line for the text plan."""
    blobs = f"{path.blobs} blob{'s' if path.blobs != 1 else ''}"
    line = f"{path.tier}: {blobs} from {path.store} by {path.auth}, through {path.endpoint}"
    return line if path.reachable else f"{line}: downloads will be refused"
