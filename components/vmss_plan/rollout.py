"""The rollout report: what changing from one plan to the next does to running instances.

Per scale set: which extensions re-run (their update tag or public settings changed), whether
customData changed (existing instances get it only when upgraded and reimaged), whether SAS
rotation changes protected settings, and whether the upgrade policy rolls the change out or
leaves it for new instances only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .document import PlanDocument, consumed_blobs
from .render import Style, _short

VMSS = "azure-native:compute:VirtualMachineScaleSet"


def changed_paths(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted paths at which two JSON values differ (``a.b``, ``list[2]``)."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        if set(old) == {"placeholder"} or set(new) == {"placeholder"}:
            return [] if old == new else [prefix or "."]
        found: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in old or key not in new:
                found.append(path)
            else:
                found.extend(changed_paths(old[key], new[key], path))
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        found = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            found.extend(changed_paths(a, b, f"{prefix}[{index}]"))
        return found
    return [] if old == new else [prefix or "."]


def _extensions(vmss: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    profile = vmss["inputs"].get("virtualMachineProfile") or {}
    listed = ((profile.get("extensionProfile") or {}).get("extensions")) or []
    return {str(e.get("name")): e for e in listed if isinstance(e, Mapping)}


def _model(vmss: Mapping[str, Any]) -> dict[str, Any]:
    """The scale-set model minus what the report looks at separately."""
    inputs = dict(vmss["inputs"])
    profile = dict(inputs.get("virtualMachineProfile") or {})
    profile.pop("extensionProfile", None)
    if isinstance(profile.get("osProfile"), Mapping):
        os_profile = dict(profile["osProfile"])
        os_profile.pop("customData", None)
        profile["osProfile"] = os_profile
    inputs["virtualMachineProfile"] = profile
    sku = dict(inputs.get("sku") or {})
    sku.pop("capacity", None)
    inputs["sku"] = sku
    return inputs


def _component_outputs(document: PlanDocument, vmss: Mapping[str, Any]) -> Mapping[str, Any]:
    for resource in document.resources:
        if resource["address"] == vmss["parent"]:
            outputs = resource.get("outputs")
            return outputs if isinstance(outputs, Mapping) else {}
    return {}


def _owner(vmss: Mapping[str, Any]) -> str:
    parent = vmss["parent"] or ""
    return parent.rsplit("::", 1)[-1] or vmss["name"]


def _consumes_tokens(document: PlanDocument, vmss: Mapping[str, Any]) -> bool:
    return bool(consumed_blobs(document, vmss))


def _policy_line(vmss: Mapping[str, Any]) -> str:
    upgrade = vmss["inputs"].get("upgradePolicy") or {}
    mode = upgrade.get("mode")
    if mode == "Rolling":
        rolling = upgrade.get("rollingUpgradePolicy") or {}
        batch = rolling.get("maxBatchInstancePercent", 20)
        surge = " with surge (new instances first)" if rolling.get("maxSurge") else ""
        return f"rollout: Rolling, batches of {batch}%{surge}, each waiting for the health signal"
    if mode == "Automatic":
        return "rollout: Automatic, every instance upgraded at once"
    return (
        "rollout: Manual, only NEW instances get this model; upgrade the existing ones "
        "yourself (az vmss update-instances)"
    )


def rollout_report(old: PlanDocument, new: PlanDocument, *, color: bool = False) -> str:
    """The report of moving from ``old`` to ``new``, as text."""
    style = Style(color)
    lines = [style.bold(f"Rollout report: {old.data['stack']} (earlier plan) -> this plan")]
    old_expiries = {item["expiry"] for item in old.data.get("sas", [])}
    new_expiries = {item["expiry"] for item in new.data.get("sas", [])}
    rotated = bool(old_expiries) and bool(new_expiries) and old_expiries != new_expiries
    old_sets = {r["address"]: r for r in old.of_type(VMSS)}
    new_sets = {r["address"]: r for r in new.of_type(VMSS)}
    for address in sorted(set(old_sets) | set(new_sets)):
        lines.extend(
            _scale_set_report(
                old, new, old_sets.get(address), new_sets.get(address), rotated, style
            )
        )
    if rotated:
        lines.append(
            style.warn(
                "  SAS rotation: token expiry "
                f"{', '.join(sorted(old_expiries))} -> {', '.join(sorted(new_expiries))}; "
                "every setting that carries a token changes (a scheduled rollout)"
            )
        )
    other = sorted(
        r["address"]
        for r in new.resources
        if r["custom"] and r["type"] != VMSS and r not in old.resources
    )
    if other:
        lines.append(f"  other resources created or changed: {len(other)}")
        lines.extend(f"    {address}" for address in other[:20])
        if len(other) > 20:
            lines.append(f"    ... and {len(other) - 20} more")
    return "\n".join(lines) + "\n"


def _scale_set_report(
    old_document: PlanDocument,
    new_document: PlanDocument,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    rotated: bool,
    style: Style,
) -> Iterator[str]:
    if new is None:
        assert old is not None
        yield style.warn(f"  {_owner(old)}: scale set removed")
        return
    title = f"  {style.bold(_owner(new))} ({new['name']}, upgrade policy "
    title += f"{(new['inputs'].get('upgradePolicy') or {}).get('mode')})"
    if old is None:
        yield title
        yield "    new scale set: every instance starts from this model"
        return
    changes: list[str] = []
    model_changed = False
    old_extensions, new_extensions = _extensions(old), _extensions(new)
    for name in sorted(set(old_extensions) | set(new_extensions), key=str):
        before, after = old_extensions.get(name), new_extensions.get(name)
        if before is None:
            changes.append(f"adds extension {name} (runs on every instance)")
            model_changed = True
            continue
        if after is None:
            changes.append(f"removes extension {name}")
            model_changed = True
            continue
        reasons = []
        if before.get("forceUpdateTag") != after.get("forceUpdateTag"):
            reasons.append(
                f"update tag {_short(before.get('forceUpdateTag'))} -> "
                f"{_short(after.get('forceUpdateTag'))}"
            )
        settings = changed_paths(before.get("settings"), after.get("settings"))
        if settings:
            reasons.append(f"settings changed: {', '.join(settings)}")
        if before.get("typeHandlerVersion") != after.get("typeHandlerVersion"):
            reasons.append("handler version changed")
        if rotated and "protectedSettings" in after and _consumes_tokens(new_document, new):
            reasons.append("protected settings changed (SAS rotation)")
        if reasons:
            changes.append(f"re-runs {name}: {'; '.join(reasons)}")
            model_changed = True
    old_hash = _component_outputs(old_document, old).get("custom_data_hash")
    new_hash = _component_outputs(new_document, new).get("custom_data_hash")
    if old_hash != new_hash:
        changes.append(
            "customData changed: existing instances get it only when upgraded to the latest "
            "model AND reimaged (az vmss reimage); new instances get it at once"
        )
        model_changed = True
    model = changed_paths(_model(old), _model(new))
    if model:
        changes.append(f"model changed: {', '.join(model[:6])}{' ...' if len(model) > 6 else ''}")
        model_changed = True
    old_capacity = (old["inputs"].get("sku") or {}).get("capacity")
    new_capacity = (new["inputs"].get("sku") or {}).get("capacity")
    if old_capacity != new_capacity:
        changes.append(f"capacity {old_capacity} -> {new_capacity}")
    yield title
    if not changes:
        yield "    no change"
        return
    yield from (f"    {change}" for change in changes)
    if model_changed:
        yield style.warn(f"    {_policy_line(new)}")
