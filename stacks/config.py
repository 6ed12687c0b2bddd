"""The stack's configuration, read once into typed settings with errors that name the key.

Only this module reads ``pulumi.Config``. Every key lives in the project's namespace
(``vmss-components:<key>`` in ``stacks/Pulumi.<stack>.yaml``); a missing or wrong key raises a
``ConfigurationError`` whose path is the full key (``vmss-components:web.capacity``) and whose
message names the stack file to fix.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from vmss_components import (
    ASSIGNMENT_TYPES,
    POLICY_MODES,
    UPGRADE_MODES,
    ArtifactStoreArgs,
    Autoscale,
    ConfigurationError,
    HealthProbe,
    NetworkRules,
    SasPolicy,
    ScaleSetArgs,
    UpgradePolicy,
    choice,
)
from vmss_components._checks import unseen_character
from vmss_components._rules import declare_rule
from vmss_components.scaleset import resolve_scale_set
from vmss_components.vocabulary import AssignmentType, UpgradeMode

NAMESPACE = "vmss-components"
_TIER_KEYS = {"vmSize", "capacity", "zones", "upgradeMode", "autoscale", "maxSurge"}
# The components' argument paths, as the keys of a tier's object in the stack file.
_TIER_FIELDS = {
    "scale_set.vm_size": "vmSize",
    "scale_set.capacity": "capacity",
    "scale_set.zones": "zones",
    "scale_set.upgrade.mode": "upgradeMode",
    "scale_set.upgrade.max_surge": "maxSurge",
    "scale_set.autoscale.minimum": "autoscale.minimum",
    "scale_set.autoscale.maximum": "autoscale.maximum",
    "scale_set.autoscale.default": "autoscale",
    "scale_set.autoscale.scale_out_cpu_percent": "autoscale.scaleOutCpuPercent",
    "scale_set.autoscale.scale_in_cpu_percent": "autoscale.scaleInCpuPercent",
}
# Placeholders that let the components check a tier's values before any resource exists.
_CHECK_GROUP = "rg-config-check"
_CHECK_SUBNET = (
    "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
)
_AUTOSCALE_KEYS = {"minimum", "maximum", "scaleOutCpuPercent", "scaleInCpuPercent"}
_GUEST_KEYS = {"tier", "assignmentType", "delivery", "packageVersion"}
# The environment's name is part of every resource name: ASCII only, at least one letter.
_ENVIRONMENT = re.compile(r"(?=[a-z0-9]*[a-z])[a-z0-9]{1,8}", re.ASCII)
# The address space's prefix: the tiers' /24 subnets need at least a /22, and more than a /8
# is no private range.
_SMALLEST_PREFIX, _LARGEST_PREFIX = 22, 8
declare_rule(
    "stack-environment-ascii",
    "The stack's environment is 1-8 ASCII lower-case letters and digits with a letter, "
    "checked before any resource is registered.",
    where="stacks/config.py load_settings",
    paths=("vmss-components:environment",),
)
declare_rule(
    "stack-address-space-range",
    "The stack's addressSpace is an IPv4 network from a /8 to a /22, checked before any "
    "subnet is computed or resource registered.",
    where="stacks/config.py _address_space",
    paths=("vmss-components:addressSpace",),
)
_STORE_KEYS = {"network", "uploaderAddresses", "downloads"}
# Where the artifact store's blobs are reachable: anywhere (tokens and roles guard them), or
# only through a private endpoint in the environment's network.
STORE_NETWORKS = ("public", "private")
# How the Linux tiers and the Machine Configuration baseline fetch artifacts: a SAS token each,
# or one user-assigned identity (no token in any model). DSC always uses SAS.
STORE_DOWNLOADS = ("sas", "identity")
TIERS = ("web", "app", "worker")
# The sample machine configuration is a Linux baseline: it goes on a Linux tier.
GUEST_TIERS = ("app", "worker")
# How the baseline reaches machines: a GuestAssignment on one tier, or a policy on every
# machine in the environment's resource group (MachineConfigurationPolicy).
DELIVERIES = ("assignment", "policy")
_PACKAGE_VERSION = re.compile(r"\d+\.\d+\.\d+", re.ASCII)


@dataclass(frozen=True, kw_only=True)
class AutoscaleSettings:
    """CPU autoscale bounds of one tier."""

    minimum: int
    maximum: int
    scale_out_cpu_percent: int
    scale_in_cpu_percent: int


@dataclass(frozen=True, kw_only=True)
class TierSettings:
    """Size and rollout of one tier's scale set."""

    vm_size: str
    capacity: int
    zones: tuple[str, ...]
    upgrade_mode: UpgradeMode
    max_surge: bool
    autoscale: AutoscaleSettings | None


@dataclass(frozen=True, kw_only=True)
class GuestAssignmentSettings:
    """The Machine Configuration baseline: how it is delivered, how it acts, which version.

    ``delivery`` ``assignment`` assigns it to one Linux ``tier`` (GuestAssignment);
    ``policy`` assigns it by Azure Policy to every Linux machine in the resource group
    (MachineConfigurationPolicy), and ``tier`` is not used.
    """

    tier: str | None
    assignment_type: AssignmentType
    delivery: str
    package_version: str


@dataclass(frozen=True, kw_only=True)
class ArtifactStoreSettings:
    """How the artifact store is reached.

    ``network`` ``private``: a blob private endpoint in the environment's ``endpoints``
    subnet. With ``uploader_addresses`` (the public addresses of the machines that run
    ``pulumi up``) the public endpoint stays on for them alone; without, public access is
    disabled and ``pulumi up`` must run inside the virtual network. ``downloads``
    ``identity``: the Linux tiers and the Machine Configuration baseline download with one
    user-assigned identity instead of SAS tokens (the DSC web tier keeps SAS: the DSC
    extension has no identity download).
    """

    network: str
    uploader_addresses: tuple[str, ...]
    downloads: str


@dataclass(frozen=True, kw_only=True)
class StackSettings:
    """Everything one environment needs, typed. Secrets stay Outputs (or None: generated)."""

    stack: str
    stack_file: str
    environment: str
    location: str
    address_space: ipaddress.IPv4Network
    ssh_public_key: str
    admin_password: pulumi.Output[str] | None
    app_pool_password: pulumi.Output[str] | None
    sas_rotation_days: int
    sas_min_lifetime_days: int
    tiers: Mapping[str, TierSettings]
    guest_assignment: GuestAssignmentSettings
    artifact_store: ArtifactStoreSettings
    tags: Mapping[str, str]


class _Reader:
    """Reads keys with errors that name the key and the stack file."""

    def __init__(self) -> None:
        self.config = pulumi.Config(NAMESPACE)
        self.stack = pulumi.get_stack()
        self.stack_file = f"stacks/Pulumi.{self.stack}.yaml"

    def error(self, key: str, reason: str) -> ConfigurationError:
        return ConfigurationError(f"{NAMESPACE}:{key}", f"{reason} (in {self.stack_file})")

    def text(self, key: str, *, default: str | None = None) -> str:
        value = self.config.get(key)
        if value is None:
            if default is None:
                raise self.error(key, f"is required: pulumi config set {key} <value>")
            return default
        if not value.strip():
            raise self.error(key, "is empty")
        found = unseen_character(value)
        if found is not None:
            raise self.error(key, f"holds {found}: a control or format character")
        return value

    def integer(self, key: str, *, default: int) -> int:
        value = self.config.get(key)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise self.error(key, f"expected a whole number, got {value!r}") from None

    def secret(self, key: str) -> pulumi.Output[str] | None:
        # Not declared in Pulumi.yaml (generated when unset): None when the stack lacks it.
        return self.config.get_secret(key)

    def mapping(self, key: str, *, required: bool) -> dict[str, Any]:
        try:
            value = self.config.get_object(key)
        except Exception as error:
            raise self.error(key, f"is not valid YAML/JSON: {error}") from error
        if value is None:
            if required:
                raise self.error(key, "is required (an object)")
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"expected an object, got {value!r}")
        return value


def load_settings() -> StackSettings:
    """Read and check the stack configuration; the first fault raises ConfigurationError."""
    reader = _Reader()
    environment = reader.text("environment", default=reader.stack)
    if not _ENVIRONMENT.fullmatch(environment):
        raise reader.error(
            "environment",
            f"{environment!a}: use 1-8 ASCII lower-case letters and digits (a-z, 0-9), "
            "at least one letter: it is part of every resource name",
        )
    network = _address_space(reader)
    tiers = {tier: _tier(reader, tier) for tier in TIERS}
    guest = _guest_assignment(reader)
    tags = reader.mapping("tags", required=False)
    for name, value in tags.items():
        if not isinstance(value, str):
            raise reader.error(f"tags.{name}", f"tag values are strings, got {value!r}")
    all_tags = {"environment": environment, **tags}
    try:
        # Every resource takes these tags: the store's rules are every resource's rules.
        ArtifactStoreArgs(resource_group_name=_CHECK_GROUP, tags=all_tags)
    except ConfigurationError as error:
        raise reader.error(error.path, error.reason) from None
    rotation = reader.integer("sasRotationDays", default=90)
    lifetime = reader.integer("sasMinLifetimeDays", default=180)
    try:
        SasPolicy(rotation_days=rotation, min_lifetime_days=lifetime)
    except ConfigurationError as error:
        key = {"sas.rotation_days": "sasRotationDays"}.get(error.path, "sasMinLifetimeDays")
        raise reader.error(key, error.reason) from None
    return StackSettings(
        stack=reader.stack,
        stack_file=reader.stack_file,
        environment=environment,
        location=reader.text("location", default="westeurope"),
        address_space=network,
        ssh_public_key=_ssh_public_key(reader),
        admin_password=_password(reader, "adminPassword"),
        app_pool_password=_password(reader, "appPoolPassword"),
        sas_rotation_days=rotation,
        sas_min_lifetime_days=lifetime,
        tiers=tiers,
        guest_assignment=guest,
        artifact_store=_artifact_store(reader),
        tags=all_tags,
    )


def _address_space(reader: _Reader) -> ipaddress.IPv4Network:
    """The virtual network's range: a /8 to a /22, checked before any subnet is computed."""
    address = reader.text("addressSpace", default="10.20.0.0/16")
    try:
        network = ipaddress.IPv4Network(address)
    except ValueError as error:
        raise reader.error("addressSpace", f"{address!a} is not an IPv4 network: {error}") from None
    if network.prefixlen > _SMALLEST_PREFIX:
        raise reader.error(
            "addressSpace", f"{address} is too small: use a /{_SMALLEST_PREFIX} or larger"
        )
    if network.prefixlen < _LARGEST_PREFIX:
        # The tiers take /24 subnets of it: a /0 would be 16 million of them.
        raise reader.error(
            "addressSpace",
            f"{address} is too large: use a /{_LARGEST_PREFIX} to a /{_SMALLEST_PREFIX} "
            "(a virtual network takes private ranges such as 10.20.0.0/16)",
        )
    return network


def _ssh_public_key(reader: _Reader) -> str:
    """The Linux tiers' key, checked as the scale sets will check it."""
    key = reader.text("sshPublicKey")
    args = ScaleSetArgs(
        resource_group_name=_CHECK_GROUP,
        subnet_id=_CHECK_SUBNET,
        upgrade=UpgradePolicy(mode="Automatic"),
        ssh_public_keys=[key],
    )
    try:
        resolve_scale_set(args, os="linux", name="check")
    except ConfigurationError as error:
        raise reader.error("sshPublicKey", error.reason) from None
    return key


def _password(reader: _Reader, key: str) -> pulumi.Output[str] | None:
    """A Windows password (secret); its text is checked as Windows will, and never shown."""
    value = reader.config.get(key)
    if value is None:
        return None
    if not value.strip():
        raise reader.error(key, "is empty")
    args = ScaleSetArgs(
        resource_group_name=_CHECK_GROUP,
        subnet_id=_CHECK_SUBNET,
        upgrade=UpgradePolicy(mode="Automatic"),
        admin_password=value,
    )
    try:
        resolve_scale_set(args, os="windows", name="check")
    except ConfigurationError as error:
        raise reader.error(key, error.reason) from None
    return reader.secret(key)


def _tier(reader: _Reader, tier: str) -> TierSettings:
    values = reader.mapping(tier, required=True)
    _no_unknown_keys(reader, tier, values, _TIER_KEYS)
    zones = values.get("zones", [])
    if not isinstance(zones, list) or not all(isinstance(z, str | int) for z in zones):
        raise reader.error(f"{tier}.zones", f"expected a list such as ['1', '2'], got {zones!r}")
    autoscale = None
    if values.get("autoscale") is not None:
        raw = values["autoscale"]
        if not isinstance(raw, dict):
            raise reader.error(f"{tier}.autoscale", f"expected an object, got {raw!r}")
        _no_unknown_keys(reader, f"{tier}.autoscale", raw, _AUTOSCALE_KEYS)
        autoscale = AutoscaleSettings(
            minimum=_int(reader, f"{tier}.autoscale.minimum", raw.get("minimum")),
            maximum=_int(reader, f"{tier}.autoscale.maximum", raw.get("maximum")),
            scale_out_cpu_percent=_int(
                reader, f"{tier}.autoscale.scaleOutCpuPercent", raw.get("scaleOutCpuPercent", 75)
            ),
            scale_in_cpu_percent=_int(
                reader, f"{tier}.autoscale.scaleInCpuPercent", raw.get("scaleInCpuPercent", 25)
            ),
        )
    given_mode = values.get("upgradeMode")
    try:
        mode = choice(given_mode, UPGRADE_MODES, f"{tier}.upgradeMode")
    except ConfigurationError:
        raise reader.error(
            f"{tier}.upgradeMode", f"expected Manual, Automatic or Rolling, got {given_mode!r}"
        ) from None
    vm_size = values.get("vmSize")
    if not isinstance(vm_size, str) or not vm_size:
        raise reader.error(
            f"{tier}.vmSize", f"expected a VM size such as Standard_D2s_v5, got {vm_size!r}"
        )
    max_surge = values.get("maxSurge", False)
    if not isinstance(max_surge, bool):
        raise reader.error(f"{tier}.maxSurge", f"expected true or false, got {max_surge!r}")
    settings = TierSettings(
        vm_size=vm_size,
        capacity=_int(reader, f"{tier}.capacity", values.get("capacity")),
        zones=tuple(str(z) for z in zones),
        upgrade_mode=mode,
        max_surge=max_surge,
        autoscale=autoscale,
    )
    _check_tier(reader, tier, settings)
    return settings


def _check_tier(reader: _Reader, tier: str, settings: TierSettings) -> None:
    """The components' own rules on a tier's values, reported against the stack file's key
    (``web.capacity``), before the program registers any resource."""
    try:
        autoscale = (
            Autoscale(
                minimum=settings.autoscale.minimum,
                maximum=settings.autoscale.maximum,
                scale_out_cpu_percent=settings.autoscale.scale_out_cpu_percent,
                scale_in_cpu_percent=settings.autoscale.scale_in_cpu_percent,
            )
            if settings.autoscale is not None
            else None
        )
        ScaleSetArgs(
            resource_group_name=_CHECK_GROUP,
            subnet_id=_CHECK_SUBNET,
            upgrade=UpgradePolicy(mode=settings.upgrade_mode, max_surge=settings.max_surge),
            vm_size=settings.vm_size,
            capacity=settings.capacity,
            zones=settings.zones,
            autoscale=autoscale,
            # Every tier that rolls gets a health probe from the environment.
            health=HealthProbe(),
        )
    except ConfigurationError as error:
        field = _TIER_FIELDS.get(error.path.split("[", 1)[0])
        raise reader.error(f"{tier}.{field}" if field else tier, error.reason) from None


def _guest_assignment(reader: _Reader) -> GuestAssignmentSettings:
    values = reader.mapping("guestAssignment", required=True)
    _no_unknown_keys(reader, "guestAssignment", values, _GUEST_KEYS)
    delivery = values.get("delivery", "assignment")
    if delivery not in DELIVERIES:
        raise reader.error(
            "guestAssignment.delivery", f"expected one of {DELIVERIES}, got {delivery!r}"
        )
    tier = values.get("tier")
    if (tier is not None or delivery == "assignment") and tier not in GUEST_TIERS:
        raise reader.error(
            "guestAssignment.tier", f"expected a Linux tier, one of {GUEST_TIERS}, got {tier!r}"
        )
    kind = values.get("assignmentType", "Audit")
    kinds = POLICY_MODES if delivery == "policy" else ASSIGNMENT_TYPES
    if kind not in kinds:
        raise reader.error(
            "guestAssignment.assignmentType",
            f"expected one of {kinds} for delivery {delivery!r}, got {kind!r}",
        )
    version = values.get("packageVersion", "1.0.0")
    if not isinstance(version, str) or not _PACKAGE_VERSION.fullmatch(version):
        raise reader.error(
            "guestAssignment.packageVersion", f"{version!r} is not a version such as '1.0.0'"
        )
    return GuestAssignmentSettings(
        tier=tier,
        # Checked above against the delivery's own choices: every one is an assignment type.
        assignment_type=choice(kind, ASSIGNMENT_TYPES, "guestAssignment.assignmentType"),
        delivery=delivery,
        package_version=version,
    )


def _artifact_store(reader: _Reader) -> ArtifactStoreSettings:
    values = reader.mapping("artifactStore", required=False)
    _no_unknown_keys(reader, "artifactStore", values, _STORE_KEYS)
    network = values.get("network", "public")
    if network not in STORE_NETWORKS:
        raise reader.error(
            "artifactStore.network", f"expected one of {STORE_NETWORKS}, got {network!r}"
        )
    addresses = values.get("uploaderAddresses", [])
    if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
        raise reader.error(
            "artifactStore.uploaderAddresses",
            f"expected a list of public IPv4 addresses, got {addresses!r}",
        )
    if addresses and network != "private":
        raise reader.error(
            "artifactStore.uploaderAddresses",
            "is for network: private (the public store takes any)",
        )
    try:
        # The store's own rules on the addresses, reported against the stack file's key.
        if addresses:
            NetworkRules(uploader_ip_addresses=addresses)
    except ConfigurationError as error:
        raise reader.error("artifactStore.uploaderAddresses", error.reason) from None
    downloads = values.get("downloads", "sas")
    if downloads not in STORE_DOWNLOADS:
        raise reader.error(
            "artifactStore.downloads", f"expected one of {STORE_DOWNLOADS}, got {downloads!r}"
        )
    return ArtifactStoreSettings(
        network=network, uploader_addresses=tuple(addresses), downloads=downloads
    )


def _int(reader: _Reader, key: str, value: object) -> int:
    if value is None:
        raise reader.error(key, "is required (a whole number)")
    if isinstance(value, bool) or not isinstance(value, int):
        raise reader.error(key, f"expected a whole number, got {value!r}")
    return value


def _no_unknown_keys(reader: _Reader, key: str, values: Mapping[str, Any], known: set[str]) -> None:
    unknown = sorted(set(values) - known)
    if unknown:
        raise reader.error(
            f"{key}.{unknown[0]}", f"is not a known setting (known: {', '.join(sorted(known))})"
        )
