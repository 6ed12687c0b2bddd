"""The plan as a terminal would show ``pulumi preview``: a resource tree with key settings."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .document import SECRET, PlanDocument
from .paths import artifact_paths, describe

_WIDTH = 120


@dataclass(frozen=True)
class Glyphs:
    """The tree's branches and the ellipsis: box-drawing characters, or ASCII for a console
    whose encoding has none (a Latin-1 or ASCII terminal)."""

    middle: str
    last: str
    through: str
    ellipsis: str


BOX_GLYPHS = Glyphs(
    middle="\u251c\u2500 ", last="\u2514\u2500 ", through="\u2502  ", ellipsis="\u2026"
)
ASCII_GLYPHS = Glyphs(middle="|- ", last="`- ", through="|  ", ellipsis="...")


def glyphs_for(encoding: str | None) -> Glyphs:
    """The box glyphs when ``encoding`` can write them, else the ASCII ones."""
    try:
        "".join(
            (BOX_GLYPHS.middle, BOX_GLYPHS.last, BOX_GLYPHS.through, BOX_GLYPHS.ellipsis)
        ).encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ASCII_GLYPHS
    return BOX_GLYPHS


@dataclass(frozen=True)
class Style:
    """ANSI colours when a terminal is attached, nothing otherwise."""

    color: bool
    glyphs: Glyphs = BOX_GLYPHS

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def create(self, text: str) -> str:
        return self._wrap("32", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def warn(self, text: str) -> str:
        return self._wrap("33", text)

    def secret(self, text: str) -> str:
        return self._wrap("35", text)


def render(document: PlanDocument, *, color: bool = False, glyphs: Glyphs = BOX_GLYPHS) -> str:
    """The whole report: header, tree with key settings, outputs, warnings, summary.

    ``glyphs`` draws the tree (see :func:`glyphs_for`)."""
    style = Style(color, glyphs)
    data = document.data
    lines = [
        style.bold(f"Offline plan of stack '{data['stack']}' (project {data['project']})"),
        "Run under the Pulumi mock engine: no Azure, no Pulumi CLI, no network. Values marked",
        "(placeholder) are invented here; Azure assigns the real ones on `pulumi up`.",
        "[secret] marks secrets, [unknown] values known only after apply.",
    ]
    if data["config"]["encryptedKeys"]:
        keys = ", ".join(data["config"]["encryptedKeys"])
        lines.append(style.warn(f"Encrypted config ({keys}) replaced by secret placeholders."))
    lines.append("")
    lines.extend(_tree(document, style))
    lines.append("")
    if data["outputs"]:
        lines.append(style.bold("Outputs:"))
        for name, value in data["outputs"].items():
            lines.append(f"    {name}: {_short(value, style, 100)}")
        lines.append("")
    paths = artifact_paths(document)
    if paths:
        lines.append(style.bold("Artifact paths:"))
        for path in paths:
            text = f"    {describe(path)}"
            lines.append(text if path.reachable else style.warn(text))
        lines.append("")
    if data["warnings"]:
        lines.append(style.bold("Warnings:"))
        for warning in data["warnings"]:
            lines.append(style.warn(f"    ! {warning}"))
        lines.append("")
    count = len(document.resources)
    lines.append(style.bold(f"Resources: {style.create(f'+ {count} to create')}"))
    text = "\n".join(lines) + "\n"
    return text.replace(BOX_GLYPHS.ellipsis, glyphs.ellipsis)


def _tree(document: PlanDocument, style: Style) -> Iterator[str]:
    glyphs = style.glyphs
    resources = document.resources
    children: dict[str | None, list[dict[str, Any]]] = {}
    for resource in resources:
        children.setdefault(resource["parent"], []).append(resource)
    rows: list[tuple[str, dict[str, Any], str]] = []

    def walk(parent: str | None, prefix: str) -> None:
        items = children.get(parent, [])
        for index, resource in enumerate(items):
            last = index == len(items) - 1
            branch = glyphs.last if last else glyphs.middle
            rows.append((f"{prefix}{branch}{resource['type']}", resource, prefix))
            walk(resource["address"], prefix + ("   " if last else glyphs.through))

    walk(None, "")
    stack_name = f"{document.data['project']}-{document.data['stack']}"
    type_width = max([len("pulumi:pulumi:Stack"), *(len(label) for label, _, _ in rows)]) + 2
    name_width = max([len(stack_name), *(len(r["name"]) for r in resources)]) + 2
    plus, create = style.create("+"), style.create("create")
    yield style.bold(f"     {'Type':<{type_width}}{'Name':<{name_width}}Plan")
    yield f" {plus}   {'pulumi:pulumi:Stack':<{type_width}}{stack_name:<{name_width}}{create}"
    for label, row, prefix in rows:
        yield f" {plus}   {label:<{type_width}}{row['name']:<{name_width}}{create}"
        last = label[len(prefix) :].startswith(glyphs.last)
        detail_prefix = prefix + ("   " if last else glyphs.through)
        for line in key_settings(row):
            yield style.dim(f"     {detail_prefix}   {line}")


def key_settings(resource: Mapping[str, Any]) -> list[str]:
    """The few settings worth reading for one resource, as ``label: value`` lines."""
    summarize = _SUMMARIES.get(resource["type"])
    inputs = resource["inputs"]
    if summarize is not None:
        return summarize(inputs)
    if not resource["custom"]:
        return []
    return [
        f"{key}: {_short(value, None, 90)}"
        for key, value in inputs.items()
        if not isinstance(value, Mapping | list) and key not in ("resourceGroupName", "location")
    ][:6]


def _get(value: Any, *path: str | int) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(value, list) or len(value) <= part:
                return None
        elif not isinstance(value, Mapping):
            return None
        value = value[part] if isinstance(part, int) else value.get(part)
    return value


def _short(value: Any, style: Style | None = None, limit: int = 90) -> str:
    if isinstance(value, Mapping) and set(value) == {"placeholder"}:
        return f"{value['placeholder']} (placeholder)"
    if value == SECRET and style is not None:
        return style.secret(SECRET)
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(_plain(value), separators=(", ", ": "), sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        if set(value) == {"placeholder"}:
            return f"{value['placeholder']} (placeholder)"
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _lines(*pairs: tuple[str, Any]) -> list[str]:
    return [f"{label}: {_short(value)}" for label, value in pairs if value not in (None, [], {})]


def _scale_set(inputs: Mapping[str, Any]) -> list[str]:
    profile = inputs.get("virtualMachineProfile")
    sku = inputs.get("sku") or {}
    upgrade = inputs.get("upgradePolicy") or {}
    rolling = upgrade.get("rollingUpgradePolicy")
    image = _get(profile, "storageProfile", "imageReference") or {}
    image_text = image.get("id") or ":".join(
        str(image.get(k)) for k in ("publisher", "offer", "sku", "version")
    )
    os_profile = _get(profile, "osProfile") or {}
    lines = _lines(
        ("sku", f"{sku.get('name')} x {sku.get('capacity')}"),
        ("zones", inputs.get("zones")),
        ("orchestration", inputs.get("orchestrationMode")),
        ("upgrade", upgrade.get("mode")),
        ("rolling", rolling),
        ("image", image_text),
        ("computerNamePrefix", os_profile.get("computerNamePrefix")),
        ("adminPassword", os_profile.get("adminPassword")),
        ("customData", os_profile.get("customData")),
        ("identity", _get(inputs.get("identity"), "type")),
    )
    for extension in _get(profile, "extensionProfile", "extensions") or []:
        head = (
            f"extension {extension.get('name')}: {extension.get('publisher')}/"
            f"{extension.get('type')} {extension.get('typeHandlerVersion')}"
        )
        if extension.get("forceUpdateTag"):
            head += f" tag={_short(extension['forceUpdateTag'])}"
        lines.append(head)
        lines.append(f"  settings: {_short(extension.get('settings'), None, 100)}")
        if "protectedSettings" in extension:
            lines.append(f"  protectedSettings: {SECRET}")
    return lines


def _storage_account(inputs: Mapping[str, Any]) -> list[str]:
    return _lines(
        ("accountName", inputs.get("accountName")),
        ("kind", inputs.get("kind")),
        ("sku", _get(inputs, "sku", "name")),
        ("httpsOnly", inputs.get("enableHttpsTrafficOnly")),
        ("minimumTls", inputs.get("minimumTlsVersion")),
        ("publicBlobAccess", inputs.get("allowBlobPublicAccess")),
    )


def _blob(inputs: Mapping[str, Any]) -> list[str]:
    return _lines(
        ("blobName", inputs.get("blobName")),
        ("source", inputs.get("source")),
        ("contentMd5", inputs.get("contentMd5")),
    )


def _guest_assignment(inputs: Mapping[str, Any]) -> list[str]:
    configuration = _get(inputs, "properties", "guestConfiguration") or {}
    return _lines(
        ("name", inputs.get("name")),
        ("vmssName", inputs.get("vmssName")),
        ("assignmentType", configuration.get("assignmentType")),
        ("contentUri", configuration.get("contentUri")),
        ("contentHash", configuration.get("contentHash")),
        ("parameters", configuration.get("configurationParameter")),
    )


_ROLE_NAMES = {
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
    "088ab73d-1256-47ae-bea9-9de8e7131f31": "Guest Configuration Resource Contributor",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
}


def _policy_definition(inputs: Mapping[str, Any]) -> list[str]:
    guest = _get(inputs, "metadata", "guestConfiguration") or {}
    package = f"{guest.get('name')} {guest.get('version')}" if guest else None
    return _lines(
        ("name", inputs.get("policyDefinitionName")),
        ("managementGroup", inputs.get("managementGroupId")),
        ("effect", _get(inputs, "policyRule", "then", "effect")),
        ("package", package),
        ("contentHash", guest.get("contentHash")),
        ("contentUri", guest.get("contentUri")),
        ("policyVersion", _get(inputs, "metadata", "version")),
    )


def _policy_assignment(inputs: Mapping[str, Any]) -> list[str]:
    parameters = inputs.get("parameters") or {}
    return _lines(
        ("name", inputs.get("policyAssignmentName")),
        ("scope", inputs.get("scope")),
        ("definition", inputs.get("policyDefinitionId")),
        ("identity", _get(inputs, "identity", "type")),
        ("parameters", {k: _get(v, "value") for k, v in parameters.items()}),
    )


def _remediation(inputs: Mapping[str, Any]) -> list[str]:
    return _lines(
        ("name", inputs.get("remediationName")),
        ("assignment", inputs.get("policyAssignmentId")),
        ("discovery", inputs.get("resourceDiscoveryMode")),
    )


def _role_assignment(inputs: Mapping[str, Any]) -> list[str]:
    role = inputs.get("roleDefinitionId")
    if isinstance(role, str):
        guid = role.rsplit("/", 1)[-1]
        role = f"{_ROLE_NAMES[guid]} ({guid})" if guid in _ROLE_NAMES else guid
    return _lines(
        ("role", role), ("principalId", inputs.get("principalId")), ("scope", inputs.get("scope"))
    )


def _autoscale(inputs: Mapping[str, Any]) -> list[str]:
    profile = _get(inputs, "profiles", 0) or {}
    capacity = profile.get("capacity") or {}
    rules = [
        f"{_get(r, 'scaleAction', 'direction')} when CPU "
        f"{_get(r, 'metricTrigger', 'operator')} {_get(r, 'metricTrigger', 'threshold')}%"
        for r in profile.get("rules") or []
    ]
    return _lines(
        (
            "capacity",
            f"{capacity.get('minimum')}..{capacity.get('maximum')} "
            f"(default {capacity.get('default')})",
        ),
        ("rules", ", ".join(rules)),
        ("target", inputs.get("targetResourceUri")),
    )


def _load_balancer(inputs: Mapping[str, Any]) -> list[str]:
    probes = [
        f"{p.get('name')} {p.get('protocol')}:{p.get('port')}{p.get('requestPath') or ''}"
        for p in inputs.get("probes") or []
    ]
    rules = [
        f"{r.get('name')} {r.get('protocol')} {r.get('frontendPort')}->{r.get('backendPort')}"
        for r in inputs.get("loadBalancingRules") or []
    ]
    return _lines(
        ("name", inputs.get("loadBalancerName")),
        ("sku", _get(inputs, "sku", "name")),
        ("probes", ", ".join(probes)),
        ("rules", ", ".join(rules)),
    )


_SUMMARIES: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
    "azure-native:compute:VirtualMachineScaleSet": _scale_set,
    "azure-native:storage:StorageAccount": _storage_account,
    "azure-native:storage:Blob": _blob,
    "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS": _guest_assignment,
    "azure-native:authorization:RoleAssignment": _role_assignment,
    "azure-native:monitor:AutoscaleSetting": _autoscale,
    "azure-native:authorization:PolicyDefinition": _policy_definition,
    "azure-native:authorization:PolicyDefinitionAtManagementGroup": _policy_definition,
    "azure-native:authorization:PolicyAssignment": _policy_assignment,
    "azure-native:policyinsights:RemediationAtManagementGroup": _remediation,
    "azure-native:policyinsights:RemediationAtSubscription": _remediation,
    "azure-native:policyinsights:RemediationAtResourceGroup": _remediation,
    "azure-native:network:LoadBalancer": _load_balancer,
    "azure-native:storage:BlobContainer": lambda i: _lines(
        ("containerName", i.get("containerName")), ("publicAccess", i.get("publicAccess"))
    ),
    "azure-native:resources:ResourceGroup": lambda i: _lines(
        ("name", i.get("resourceGroupName")), ("location", i.get("location"))
    ),
    "azure-native:network:VirtualNetwork": lambda i: _lines(
        ("addressSpace", _get(i, "addressSpace", "addressPrefixes"))
    ),
    "azure-native:network:Subnet": lambda i: _lines(
        ("name", i.get("subnetName")), ("addressPrefix", i.get("addressPrefix"))
    ),
    "azure-native:network:NetworkSecurityGroup": lambda i: _lines(
        ("rules", [r.get("name") for r in i.get("securityRules") or []])
    ),
    "azure-native:network:PublicIPAddress": lambda i: _lines(
        ("sku", _get(i, "sku", "name")),
        ("allocation", i.get("publicIPAllocationMethod")),
        ("zones", i.get("zones")),
    ),
    "azure-native:managedidentity:UserAssignedIdentity": lambda i: _lines(
        ("name", i.get("resourceName"))
    ),
    "random:index/randomString:RandomString": lambda i: _lines(("length", i.get("length"))),
    "random:index/randomPassword:RandomPassword": lambda i: _lines(("length", i.get("length"))),
    "random:index/randomBytes:RandomBytes": lambda i: _lines(("length", i.get("length"))),
}
