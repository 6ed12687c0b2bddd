"""A Mermaid diagram of an environment, drawn from a plan (never by hand).

Nodes: the scale-set tiers, the load balancers, the artifact stores, guest assignments.
Edges: traffic from a load balancer to the tiers in its backend pool, each published
artifact from its store to the tier whose extension or customData consumes it, and each
guest assignment to the tier it configures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .document import TIER_TYPES, VMSS, PlanDocument, consumed_blobs, plain_text


def _id(address: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9]", "_", address.rsplit("::", 1)[-1])


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        if set(value) == {"placeholder"}:
            yield str(value["placeholder"])
            return
        for child in value.values():
            yield from _strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child)
    elif isinstance(value, str):
        yield value


def mermaid(document: PlanDocument) -> str:
    """The diagram as Mermaid ``flowchart`` text."""
    resources = document.resources
    by_parent: dict[str | None, list[dict[str, Any]]] = {}
    for resource in resources:
        by_parent.setdefault(resource["parent"], []).append(resource)
    lines = ["flowchart LR", "    internet((Internet))"]
    edges: list[str] = []

    balancers = document.of_type("azure-native:network:LoadBalancer")
    for balancer in balancers:
        inputs = balancer["inputs"]
        probes = ", ".join(
            f"{p.get('protocol')}:{p.get('port')}{p.get('requestPath') or ''}"
            for p in inputs.get("probes") or []
        )
        name = plain_text(inputs.get("loadBalancerName")) or balancer["name"]
        lines.append(f'    {_id(balancer["address"])}["Load balancer {name}<br/>probe {probes}"]')
        edges.append(f"    internet --> {_id(balancer['address'])}")

    stores = [r for r in resources if r["type"] == "vmss:index:ArtifactStore"]
    for store in stores:
        lines.append(f'    {_id(store["address"])}[("Artifact store {store["name"]}")]')

    tiers = [r for r in resources if r["type"] in TIER_TYPES]
    vmss_names: dict[str, str] = {}
    for tier in tiers:
        vmss = next((c for c in by_parent.get(tier["address"], []) if c["type"] == VMSS), None)
        detail = ""
        if vmss is not None:
            inputs = vmss["inputs"]
            sku = inputs.get("sku") or {}
            mode = (inputs.get("upgradePolicy") or {}).get("mode")
            outputs = tier.get("outputs") or {}
            detail = (
                f"<br/>{outputs.get('os', '')} · {sku.get('name')} x {sku.get('capacity')} · {mode}"
            )
            vmss_names[vmss["name"]] = tier["address"]
            vmss_names[plain_text(inputs.get("vmScaleSetName")) or vmss["name"]] = tier["address"]
            for balancer in balancers:
                name = plain_text(balancer["inputs"].get("loadBalancerName")) or balancer["name"]
                if any(f"/loadBalancers/{name}/" in s for s in _strings(inputs)):
                    edges.append(f"    {_id(balancer['address'])} --> {_id(tier['address'])}")
        lines.append(
            f'    {_id(tier["address"])}["{TIER_TYPES[tier["type"]]}: {tier["name"]}{detail}"]'
        )
        for blob in consumed_blobs(document, vmss) if vmss is not None else ():
            store_address = blob["parent"]
            parts = plain_text(blob["inputs"].get("blobName")).split("/")
            if store_address is None or len(parts) < 3:
                continue
            label = f"{parts[0]}: {parts[-1]}"
            edges.append(f'    {_id(store_address)} -->|"{label}"| {_id(tier["address"])}')

    for assignment in (r for r in resources if r["type"] == "vmss:index:GuestAssignment"):
        child = next(
            (
                c
                for c in by_parent.get(assignment["address"], [])
                if c["type"].startswith("azure-native:guestconfiguration:")
            ),
            None,
        )
        kind = ""
        target = None
        if child is not None:
            inputs = child["inputs"]
            kind = plain_text(
                ((inputs.get("properties") or {}).get("guestConfiguration") or {}).get(
                    "assignmentType"
                )
            )
            target = vmss_names.get(plain_text(inputs.get("vmssName")))
        lines.append(
            f'    {_id(assignment["address"])}{{{{"Machine Configuration<br/>'
            f'{assignment["name"]} ({kind})"}}}}'
        )
        if target is not None:
            edges.append(f"    {_id(assignment['address'])} -.->|assigns| {_id(target)}")
    return "\n".join(lines + sorted(set(edges), key=edges.index)) + "\n"
