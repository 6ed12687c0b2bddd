"""The rollout report: what changing from one plan to the next does to running instances.

Per scale set: which extensions re-run (their update tag or public settings changed), whether
customData changed (existing instances get it only when upgraded and reimaged), whether SAS
rotation changes protected settings, and whether the upgrade policy rolls the change out or
leaves it for new instances only.

Per Machine Configuration policy definition: a new package (version and content hash) is a
policy definition update, which Azure Policy carries to every machine of the scope; a new
definition name means the definition is replaced (its parameters, OS or effect changed); a
new remediation task says existing machines are remediated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .document import SECRET, VMSS, PlanDocument, consumed_blobs
from .fingerprints import changed_secrets
from .render import Style, _short

POLICY_DEFINITIONS = (
    "azure-native:authorization:PolicyDefinition",
    "azure-native:authorization:PolicyDefinitionAtManagementGroup",
)
REMEDIATIONS = (
    "azure-native:policyinsights:RemediationAtManagementGroup",
    "azure-native:policyinsights:RemediationAtSubscription",
    "azure-native:policyinsights:RemediationAtResourceGroup",
)


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
    lines.extend(_policy_reports(old, new, rotated, style))
    lines.extend(_secret_reports(old, new, style))
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
    if _same_key(old_document, new_document):
        for path in changed_secrets(old, new):
            # Only the path: the fingerprints say that the value changed, never what it is.
            changes.append(f"secret changed: {path}")
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


def _by_address(document: PlanDocument, types: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {r["address"]: r for r in document.resources if r["type"] in types}


def _package(definition: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = definition["inputs"].get("metadata")
    guest = metadata.get("guestConfiguration") if isinstance(metadata, Mapping) else None
    return guest if isinstance(guest, Mapping) else {}


def _hash8(value: Any) -> str:
    return str(value)[:8] if isinstance(value, str) else str(value)


def _policy_reports(
    old: PlanDocument, new: PlanDocument, rotated: bool, style: Style
) -> Iterator[str]:
    """One section per Machine Configuration policy definition (and its remediation)."""
    old_definitions = _by_address(old, POLICY_DEFINITIONS)
    new_definitions = _by_address(new, POLICY_DEFINITIONS)
    old_tasks = {r["parent"]: r for r in _by_address(old, REMEDIATIONS).values()}
    new_tasks = {r["parent"]: r for r in _by_address(new, REMEDIATIONS).values()}
    for address in sorted(set(old_definitions) | set(new_definitions)):
        before, after = old_definitions.get(address), new_definitions.get(address)
        if after is None:
            assert before is not None
            yield style.warn(f"  {_owner(before)}: policy definition removed")
            continue
        name = after["inputs"].get("policyDefinitionName")
        yield f"  {style.bold(_owner(after))} (policy definition {name})"
        package = _package(after)
        label = f"{package.get('name')} {package.get('version')}"
        if before is None:
            yield (
                f"    new policy definition: package {label}, content "
                f"{_hash8(package.get('contentHash'))}"
            )
            continue
        changes = list(_definition_changes(before, after, rotated))
        before_task = old_tasks.get(after["parent"])
        after_task = new_tasks.get(after["parent"])
        task = after_task["inputs"].get("remediationName") if after_task else None
        if task is not None and (
            before_task is None or before_task["inputs"].get("remediationName") != task
        ):
            changes.append(
                f"remediation task {task} runs on the machines that exist (a new task per "
                "package; earlier tasks are kept as history)"
            )
        if not changes:
            yield "    no change"
            continue
        yield from (f"    {change}" for change in changes)


def _definition_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], rotated: bool
) -> Iterator[str]:
    old_package, new_package = _package(before), _package(after)
    old_name = before["inputs"].get("policyDefinitionName")
    new_name = after["inputs"].get("policyDefinitionName")
    if old_name != new_name:
        yield (
            f"new policy definition {new_name} replaces {old_name}: its parameters, OS or "
            "effect changed (Azure cannot remove parameters from a definition in place); the "
            "assignment moves to the new one"
        )
    old_version, new_version = old_package.get("version"), new_package.get("version")
    old_hash, new_hash = old_package.get("contentHash"), new_package.get("contentHash")
    if old_version != new_version or old_hash != new_hash:
        yield (
            f"policy definition update: package {new_package.get('name')} {old_version} -> "
            f"{new_version}, content {_hash8(old_hash)} -> {_hash8(new_hash)} (the new "
            "contentUri and contentHash in the definition's metadata and deployment: Machine "
            "Configuration releases the package to the scope's machines from it)"
        )
        older, newer = _version_key(old_version), _version_key(new_version)
        if older and newer and newer < older:
            yield (
                f"warning: the package version goes down ({old_version} -> {new_version}): a "
                "policy update needs a greater version than the one published"
            )
        if old_hash != new_hash and old_version == new_version:
            yield (
                f"warning: the package's content changed but its version ({new_version}) did "
                "not: give the package a new version, so Azure Policy shows which one a "
                "machine has"
            )
    elif rotated and new_package.get("contentUri") == SECRET:
        yield (
            "policy definition update: the content URL's SAS token rotates (same package; "
            "machines download it with the new token)"
        )
    else:
        paths = [
            path
            for path in changed_paths(before["inputs"], after["inputs"])
            if path != "policyDefinitionName"
        ]
        if paths:
            listed = ", ".join(paths[:6]) + (" ..." if len(paths) > 6 else "")
            yield f"policy definition update: {listed}"


def _version_key(version: Any) -> tuple[int, ...]:
    parts = str(version).split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else ()


def _same_key(old: PlanDocument, new: PlanDocument) -> bool:
    return old.data.get("fingerprintKey") == new.data.get("fingerprintKey")


def _secret_reports(old: PlanDocument, new: PlanDocument, style: Style) -> Iterator[str]:
    """Changed secrets of resources other than scale sets (theirs are in their report)."""
    if not _same_key(old, new):
        yield style.warn(
            "  secrets: the earlier plan's fingerprints were made with another key "
            "(VMSS_PLAN_FINGERPRINT_KEY): a changed secret cannot be told"
        )
        return
    before = {r["address"]: r for r in old.resources if r["type"] != VMSS}
    for entry in new.resources:
        previous = before.get(entry["address"])
        if entry["type"] == VMSS or previous is None:
            continue
        for path in changed_secrets(previous, entry):
            yield f"  {entry['address']}: secret changed: {path}"
