"""The plan as data: every resource with its inputs, secrets masked, in a stable order.

The document is what ``vmss-plan --json`` writes and what ``--compare`` reads back, so two
plans of the same tree are byte-identical and a diff shows exactly what changed.

Masking. On the wire a nested secret makes its whole top-level input secret (all of a scale
set's ``virtualMachineProfile`` when one protected setting is). Showing nothing of it would
hide every setting that matters, so for the inputs whose shape is known (a scale set's
profile, a guest assignment's properties, a policy definition's metadata and rule) the
document reveals the structure and masks what is secret by Azure's contract
(``protectedSettings``, ``adminPassword``, ``customData``, ``configurationProtectedParameter``),
plus any string that carries a SAS signature or a value known to be secret in this run. Any
other secret input is masked whole. Values invented by the mocks (ids, principal ids,
addresses) are kept, wrapped as ``{"placeholder": value}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vmss_components.testing import UNKNOWN, RecordedResource, Secret

from .fingerprints import fingerprint_key, key_id, secret_fingerprints
from .runner import PlanRun

FORMAT = "vmss-plan/1"
SECRET = "[secret]"
UNKNOWN_TEXT = "[unknown]"
#: Keys whose values Azure treats as secret wherever they appear.
SECRET_KEYS = frozenset(
    {"protectedSettings", "adminPassword", "customData", "configurationProtectedParameter"}
)
#: Secret top-level inputs whose structure is known well enough to show their public parts.
STRUCTURED_SECRETS = frozenset(
    {
        ("azure-native:compute:VirtualMachineScaleSet", "virtualMachineProfile"),
        ("azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS", "properties"),
        # A policy definition carries the package's URL with its SAS token in both.
        ("azure-native:authorization:PolicyDefinition", "metadata"),
        ("azure-native:authorization:PolicyDefinition", "policyRule"),
        ("azure-native:authorization:PolicyDefinitionAtManagementGroup", "metadata"),
        ("azure-native:authorization:PolicyDefinitionAtManagementGroup", "policyRule"),
    }
)
_SAS_SIGNATURE = re.compile(r"(?:^|[?&])sig=", re.IGNORECASE)
_MIN_SECRET_LENGTH = 6


@dataclass(frozen=True)
class PlanDocument:
    """A plan as JSON-ready data (``data``), with helpers to read its parts."""

    data: dict[str, Any]

    def to_json(self) -> str:
        """Stable JSON text: sorted keys, two-space indent, trailing newline."""
        return json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> PlanDocument:
        """Read a document written by :meth:`to_json`; other JSON is a ValueError."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} plan document")
        # What the rollout report reads: a document without it is another tool's JSON.
        if not isinstance(data.get("stack"), str) or not isinstance(data.get("resources"), list):
            raise ValueError(f"not a {FORMAT} plan document (no stack or resources)")
        return cls(data)

    @property
    def resources(self) -> list[dict[str, Any]]:
        """Every resource entry, in document order."""
        return list(self.data["resources"])

    def of_type(self, type_token: str) -> list[dict[str, Any]]:
        """Resource entries of one type."""
        return [r for r in self.resources if r["type"] == type_token]


def address(resource: RecordedResource) -> str:
    """A resource's stable address: its URN without the stack and project prefix."""
    return resource.urn.split("::", 2)[2]


def build_document(run: PlanRun) -> PlanDocument:
    """Mask and order everything the run recorded."""
    deployment = run.deployment
    resources = deployment.resources
    masker = Masker(
        secrets=_secret_values(run, resources),
        placeholders=deployment.mocks.invented - deployment.mocks.invented_secrets,
    )
    by_urn = {r.urn: r for r in resources}
    key = fingerprint_key()
    entries = []
    for resource in sorted(resources, key=address):
        entry: dict[str, Any] = {
            "address": address(resource),
            "type": resource.type,
            "name": resource.name,
            "parent": address(by_urn[resource.parent]) if resource.parent in by_urn else None,
            "custom": resource.custom,
            "inputs": masker.inputs(resource),
            "secretInputs": sorted(
                k
                for k, v in resource.inputs.items()
                if isinstance(v, Secret) and k != DYNAMIC_PROVIDER
            ),
            "dependencies": sorted(
                address(by_urn[urn]) for urn in set(resource.dependencies) if urn in by_urn
            ),
        }
        fingerprints = secret_fingerprints(resource, SECRET_KEYS, STRUCTURED_SECRETS, key)
        # A dynamic resource's serialized provider is code, not a secret Azure receives.
        fingerprints.pop(DYNAMIC_PROVIDER, None)
        if fingerprints:
            # Keyed: tells that a secret changed, never what it is (see fingerprints.py).
            entry["secretFingerprints"] = fingerprints
        if not resource.custom:
            entry["outputs"] = masker.value(resource.outputs)
        options = _options(resource)
        if options:
            entry["options"] = options
        entries.append(entry)
    data: dict[str, Any] = {
        "format": FORMAT,
        "project": run.project.name,
        "stack": run.stack,
        "config": {
            "file": str(run.config.file.relative_to(run.project.root)),
            "secretKeys": list(run.config.secret_keys),
            "encryptedKeys": list(run.config.encrypted_keys),
        },
        "resources": entries,
        "fingerprintKey": key_id(key),
        "outputs": {
            name: SECRET if resolved.secret else masker.value(resolved.value)
            for name, resolved in run.stack_outputs.items()
        },
        "sas": sorted(
            (
                {
                    "resource": masker.value(call.args.get("canonicalizedResource")),
                    "expiry": call.args.get("sharedAccessExpiryTime"),
                }
                for call in deployment.calls_to("azure-native:storage:listStorageAccountServiceSAS")
            ),
            key=lambda item: json.dumps(item, sort_keys=True),
        ),
        "warnings": sorted(set(deployment.warnings)),
        "preview": deployment.preview,
    }
    return PlanDocument(data)


class Masker:
    """Turns recorded values into JSON-safe, secret-free values."""

    def __init__(self, *, secrets: Iterable[str], placeholders: Iterable[str]) -> None:
        self.secrets = sorted(
            {s for s in secrets if len(s) >= _MIN_SECRET_LENGTH}, key=len, reverse=True
        )
        self.placeholders = sorted(
            {p for p in placeholders if len(p) >= _MIN_SECRET_LENGTH}, key=len, reverse=True
        )
        self._secret_index = _Needles(self.secrets)
        self._placeholder_index = _Needles(self.placeholders)
        self._texts: dict[str, Any] = {}

    def inputs(self, resource: RecordedResource) -> dict[str, Any]:
        """A resource's inputs, masked; structured secrets keep their public parts."""
        masked: dict[str, Any] = {}
        for key, value in resource.inputs.items():
            if key == DYNAMIC_PROVIDER:
                # A dynamic resource's serialized provider: code, not what Azure receives.
                continue
            if isinstance(value, Secret) and (resource.type, key) not in STRUCTURED_SECRETS:
                masked[key] = SECRET
            else:
                masked[key] = self.value(value)
        return masked

    def value(self, value: Any, key: str | None = None) -> Any:
        """One value, masked recursively."""
        if key in SECRET_KEYS:
            return SECRET
        if isinstance(value, Secret):
            inner = value.value
            if isinstance(inner, Mapping | list):
                return self.value(inner)
            return SECRET
        if value is UNKNOWN:
            return UNKNOWN_TEXT
        if isinstance(value, Mapping):
            if value.get("asset") == "file":
                return f"[file {str(value.get('path', '')).rsplit('/', 1)[-1]}]"
            return {str(k): self.value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            return self.text(value)
        return value

    def text(self, value: str) -> Any:
        """A string: masked if it carries a secret, wrapped if it holds a placeholder."""
        verdict = self._texts.get(value)
        if verdict is None:
            if _SAS_SIGNATURE.search(value) or self._secret_index.found_in(value):
                verdict = SECRET
            elif self._placeholder_index.found_in(value):
                verdict = _PLACEHOLDER
            else:
                verdict = _PLAIN
            self._texts[value] = verdict
        if verdict is _PLACEHOLDER:
            return {"placeholder": value}
        return SECRET if verdict is SECRET else value


_PLACEHOLDER = "placeholder"
_PLAIN = "plain"


class _Needles:
    """Whether a string contains any of many needles (each at least six characters long),
    in time linear in the string: the needles are indexed by their first six characters."""

    def __init__(self, needles: Iterable[str]) -> None:
        self.index: dict[str, list[str]] = {}
        for needle in needles:
            self.index.setdefault(needle[:_MIN_SECRET_LENGTH], []).append(needle)

    def found_in(self, value: str) -> bool:
        index = self.index
        if not index:
            return False
        for start in range(len(value) - _MIN_SECRET_LENGTH + 1):
            candidates = index.get(value[start : start + _MIN_SECRET_LENGTH])
            if candidates is not None and any(value.startswith(n, start) for n in candidates):
                return True
        return False


def _secret_values(run: PlanRun, resources: Iterable[RecordedResource]) -> set[str]:
    values = set(run.deployment.mocks.invented_secrets)
    for key in run.config.secret_keys:
        if key in run.config.values:
            values.add(run.config.values[key])
    for resource in resources:
        for key, value in resource.inputs.items():
            if isinstance(value, Secret) and (resource.type, key) not in STRUCTURED_SECRETS:
                _collect_strings(value, values)
            else:
                _collect_secrets(value, values, key=key)
        _collect_secrets(resource.outputs, values)
    for resolved in run.stack_outputs.values():
        if resolved.secret:
            _collect_strings(resolved.value, values)
    return values


def _collect_secrets(value: Any, found: set[str], *, key: str | None = None) -> None:
    """Strings that are secret inside a value whose shape is known."""
    if key in SECRET_KEYS:
        _collect_strings(value, found)
    elif isinstance(value, Secret):
        inner = value.value
        if isinstance(inner, Mapping | list):
            _collect_secrets(inner, found)
        else:
            _collect_strings(inner, found)
    elif isinstance(value, Mapping):
        for child_key, child in value.items():
            _collect_secrets(child, found, key=str(child_key))
    elif isinstance(value, list):
        for child in value:
            _collect_secrets(child, found)


def _collect_strings(value: Any, found: set[str]) -> None:
    if isinstance(value, Secret):
        _collect_strings(value.value, found)
    elif isinstance(value, str):
        found.add(value)
    elif isinstance(value, Mapping):
        for child in value.values():
            _collect_strings(child, found)
    elif isinstance(value, list):
        for child in value:
            _collect_strings(child, found)


def _options(resource: RecordedResource) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if resource.retain_on_delete:
        options["retainOnDelete"] = True
    if resource.protect:
        options["protect"] = True
    if resource.ignore_changes:
        options["ignoreChanges"] = sorted(resource.ignore_changes)
    if resource.custom_timeouts:
        options["customTimeouts"] = dict(resource.custom_timeouts)
    if resource.delete_before_replace:
        options["deleteBeforeReplace"] = True
    return options


BLOB = "azure-native:storage:Blob"
VMSS = "azure-native:compute:VirtualMachineScaleSet"
#: The components that own a scale set (a tier), and how the plan names their delivery path.
TIER_TYPES = {
    "vmss:index:DscScaleSet": "DSC",
    "vmss:index:CustomScriptScaleSet": "Custom Script",
    "vmss:index:CloudInitScaleSet": "cloud-init",
}


def plain_text(value: Any) -> str:
    """A document string as text: a placeholder's invented value, else the string, else ''."""
    if isinstance(value, Mapping) and set(value) == {"placeholder"}:
        return str(value["placeholder"])
    return value if isinstance(value, str) else ""


#: The Entra ID upload of a store without shared keys (vmss_components.store.entra_upload).
ENTRA_BLOB = "pulumi-python:dynamic:Resource"
DYNAMIC_PROVIDER = "__provider"


def consumed_blobs(document: PlanDocument, vmss: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The published artifacts a scale set's instances download: the blobs it waits for
    (uploaded with the account key, or with Entra ID by a store without shared keys)."""
    wanted = set(vmss.get("dependencies") or ())
    uploads = document.of_type(BLOB) + [
        r for r in document.of_type(ENTRA_BLOB) if "blob_name" in (r.get("inputs") or {})
    ]
    return [r for r in uploads if r["address"] in wanted]
