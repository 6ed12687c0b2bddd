"""The arguments every scale set takes, and the rules each argument obeys on its own.

``ScaleSetArgs`` and its parts are frozen keyword-only dataclasses validated on construction.
The arguments users feed from config, other stacks or generated resources (SSH keys, VM size,
capacity, zones, tags, image, subnet and identity ids) take a ``pulumi.Input``: a plain value
is checked on construction, an Output by the same rule when its value is known (the field then
holds the checked Output, see :func:`~.._inputs.checked_input`). The rules that depend on the
operating system and on what the component adds live in :mod:`.resolve`.
"""

from __future__ import annotations

import base64
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pulumi

from .._checks import (
    check_bool,
    check_choice,
    check_input_text,
    check_int,
    check_literal,
    check_pattern,
    check_sequence,
    check_text_characters,
    check_type,
    checked_tags,
    checked_text,
)
from .._files import check_encodable
from .._guard import NO_SECRETS, check_public_value
from .._inputs import checked_at, checked_input, is_output, shown
from .._redact import redacts, show
from .._rules import declare_rule
from .._types import (
    HyperVGeneration,
    OrchestrationMode,
    OsDiskType,
    OsType,
    ProbeProtocol,
    UpgradeMode,
)
from ..errors import ConfigurationError
from ..extensions import HEALTH_PUBLISHER, Extension, check_extension, handler_of
from .trusted_launch import marketplace_generation

# Azure: "The allowed formats are Major.Minor.Build or 'latest'".
_IMAGE_VERSION = re.compile(r"latest|[0-9]{1,10}\.[0-9]{1,10}\.[0-9]{1,10}", re.ASCII)
_ISO_DURATION = re.compile(r"PT(?=\d)(\d+H)?(\d+M)?(\d+S)?", re.ASCII)
declare_rule(
    "ascii-digits-only",
    "Versions and durations take ASCII digits only: Arabic-Indic (\u0661.\u0660) or "
    "full-width (\uff11.\uff10) digits, which Python's \\d matches, are refused.",
    where="re.ASCII on every pattern (tests/invariants/test_regex_audit.py)",
    paths=(
        "scale_set.upgrade.pause_time_between_batches",
        "scale_set.image.version",
        "extension.type_handler_version",
        "policy_version",
    ),
)


@dataclass(frozen=True, kw_only=True)
class UpgradePolicy:
    """How model changes reach existing instances (the scale set's upgrade policy).

    ``mode`` has no default: choose it. The batch fields apply to ``Rolling`` only and are
    sent to Azure only with it.
    """

    mode: UpgradeMode
    """``Manual``: a changed model reaches only new instances until each existing one is
    upgraded (``az vmss update-instances``); a warning says so at every run. ``Automatic``:
    every instance is upgraded at once, in no particular order. ``Rolling``: in batches, each
    waiting for the health signal, so ``ScaleSetArgs.health`` is required."""
    max_batch_instance_percent: int = 20
    """Rolling: the largest share of instances upgraded in one batch (5-100), at most
    ``max_unhealthy_instance_percent`` (Azure refuses a batch larger than that budget)."""
    max_unhealthy_instance_percent: int = 20
    """Rolling: the upgrade stops when more than this share of all instances is unhealthy
    (5-100)."""
    max_unhealthy_upgraded_instance_percent: int = 20
    """Rolling: the upgrade stops when more than this share of the upgraded instances is
    unhealthy (0-100)."""
    pause_time_between_batches: str = "PT0S"
    """Rolling: the wait between batches, an ISO 8601 duration (``PT0S``, ``PT5M``,
    ``PT1H``)."""
    max_surge: bool = False
    """Rolling: create new instances on the latest model before deleting old ones, so
    capacity never drops during a rollout (costs extra instances while it runs)."""
    rollback_failed_instances_on_policy_breach: bool = True
    """Rolling: put failed instances back on the previous model when the policy is breached."""
    automatic_os_upgrade: bool = False
    """Let Azure replace the OS disk when the image publisher ships a new version of a
    ``latest`` image. Needs ``health``; on Windows it turns Windows Update off (Azure refuses
    both at once)."""

    def __post_init__(self) -> None:
        path = "scale_set.upgrade"
        check_literal(self.mode, f"{path}.mode", UpgradeMode)
        check_int(
            self.max_batch_instance_percent,
            f"{path}.max_batch_instance_percent",
            minimum=5,
            maximum=100,
        )
        check_int(
            self.max_unhealthy_instance_percent,
            f"{path}.max_unhealthy_instance_percent",
            minimum=5,
            maximum=100,
        )
        check_int(
            self.max_unhealthy_upgraded_instance_percent,
            f"{path}.max_unhealthy_upgraded_instance_percent",
            minimum=0,
            maximum=100,
        )
        if self.max_batch_instance_percent > self.max_unhealthy_instance_percent:
            raise ConfigurationError(
                f"{path}.max_batch_instance_percent",
                f"{self.max_batch_instance_percent} exceeds max_unhealthy_instance_percent "
                f"({self.max_unhealthy_instance_percent}): Azure refuses a batch larger than "
                "the unhealthy budget",
            )
        check_pattern(
            self.pause_time_between_batches,
            f"{path}.pause_time_between_batches",
            _ISO_DURATION,
            "an ISO 8601 duration such as 'PT0S', 'PT5M' or 'PT1H'",
        )
        for flag in (
            "max_surge",
            "rollback_failed_instances_on_policy_breach",
            "automatic_os_upgrade",
        ):
            check_bool(getattr(self, flag), f"{path}.{flag}")


@dataclass(frozen=True, kw_only=True)
class HealthProbe:
    """The Application Health extension's probe of each instance, run on the instance itself.

    It is the health signal of rolling upgrades, automatic OS upgrades and automatic repairs.
    Version 1.0 of the extension is used: binary states, a 200 answer is healthy.
    """

    protocol: ProbeProtocol = "http"
    """``http``, ``https`` or ``tcp`` (a tcp probe is healthy when the port accepts a
    connection)."""
    port: int = 80
    """The port probed on each instance (1-65535)."""
    request_path: str | None = "/"
    """http/https: the path requested, starting with ``/``; ignored for tcp. A public
    setting: nothing secret in it."""
    interval_in_seconds: int | None = None
    """Seconds between probes (5-60); None keeps the extension's default (5)."""
    number_of_probes: int | None = None
    """Consecutive probes that must agree before the state changes (1-24); None keeps the
    extension's default (1)."""

    def __post_init__(self) -> None:
        path = "scale_set.health"
        check_literal(self.protocol, f"{path}.protocol", ProbeProtocol)
        check_int(self.port, f"{path}.port", minimum=1, maximum=65535)
        if isinstance(self.request_path, str):
            check_text_characters(self.request_path, f"{path}.request_path", "the probe path")
            # The probe path is a public setting of the Application Health extension.
            check_public_value(self.request_path, f"{path}.request_path", NO_SECRETS)
        if self.protocol != "tcp" and (
            not isinstance(self.request_path, str) or not self.request_path.startswith("/")
        ):
            raise ConfigurationError(
                f"{path}.request_path",
                f"{show(self.request_path)}: an {self.protocol} probe needs a path "
                "starting with '/'",
            )
        if self.interval_in_seconds is not None:
            check_int(
                self.interval_in_seconds, f"{path}.interval_in_seconds", minimum=5, maximum=60
            )
        if self.number_of_probes is not None:
            check_int(self.number_of_probes, f"{path}.number_of_probes", minimum=1, maximum=24)


IMAGE_OS_AGREES = declare_rule(
    "image-os-agrees",
    "A declared image os agrees with a known marketplace publisher (Canonical is Linux, "
    "MicrosoftWindowsServer is Windows): the OS comes from the image.",
    where="vmss_components.scaleset.args.ImageReference",
    paths=("scale_set.image.os",),
)
IMAGE_OS_DECLARED = declare_rule(
    "image-os-declared",
    "A custom or gallery image (id), or a publisher the library does not know, declares its os.",
    where="vmss_components.scaleset.args.ImageReference",
    paths=("scale_set.image.os",),
)


@dataclass(frozen=True, kw_only=True)
class ImageReference:
    """A marketplace image (``publisher``, ``offer``, ``sku``, ``version``) or a custom or
    gallery image (``id``), never both."""

    publisher: str | None = None
    """Marketplace publisher (``Canonical``, ``MicrosoftWindowsServer``); with ``offer`` and
    ``sku``."""
    offer: str | None = None
    """Marketplace offer (``ubuntu-24_04-lts``, ``WindowsServer``)."""
    sku: str | None = None
    """Marketplace SKU (``server``, ``2022-datacenter-azure-edition``)."""
    version: str = "latest"
    """Marketplace image version; ``latest`` takes the newest when instances are created."""
    id: pulumi.Input[str] | None = None
    """Resource id of a managed image or a Compute Gallery image version, instead of a
    marketplace image."""
    os: OsType | None = None
    """The image's OS, checked against the component's. Inferred from well-known marketplace
    publishers (a declared ``os`` must agree with the publisher); required for a custom or
    gallery image (``id``) and for a publisher the library does not know."""
    generation: HyperVGeneration | None = None
    """The image's Hyper-V generation (``V1`` or ``V2``). Inferred from marketplace SKU names
    (``-g2``/``-gen2``, Azure Edition, Canonical's current offers: V2; ``-gen1``: V1); state
    it for a custom or gallery image, or any image whose SKU does not say, because Trusted
    Launch (on by default) needs V2."""

    def __post_init__(self) -> None:
        path = "scale_set.image"
        marketplace = (self.publisher, self.offer, self.sku)
        if self.id is not None:
            if any(v is not None for v in marketplace):
                raise ConfigurationError(
                    path, "give either id (a custom or gallery image) or publisher/offer/sku"
                )
            object.__setattr__(self, "id", checked_text(self.id, f"{path}.id"))
        else:
            for attribute, value in zip(("publisher", "offer", "sku"), marketplace, strict=True):
                if not isinstance(value, str) or not value.strip():
                    raise ConfigurationError(
                        f"{path}.{attribute}",
                        "a marketplace image needs publisher, offer and sku (or give id)",
                    )
            if not isinstance(self.version, str) or not _IMAGE_VERSION.fullmatch(self.version):
                raise ConfigurationError(
                    f"{path}.version",
                    "expected 'latest' or a version Major.Minor.Build in ASCII digits "
                    "(Azure's two formats)",
                )
        for attribute in ("id", "publisher", "offer", "sku", "version"):
            value = getattr(self, attribute)
            if isinstance(value, str):
                check_text_characters(value, f"{path}.{attribute}", f"the image {attribute}")
        if self.os is not None:
            check_literal(self.os, f"{path}.os", OsType)
        if self.generation is not None:
            check_literal(self.generation, f"{path}.generation", HyperVGeneration)
        known = self._publisher_os()
        if known is not None and self.os is not None and self.os != known:
            raise ConfigurationError(
                f"{path}.os",
                f"{self.os!r} disagrees with the image: {self.publisher} publishes {known} "
                "images (the OS comes from the image)",
            )
        if known is None and self.os is None:
            what = (
                "a custom or gallery image"
                if self.id is not None
                else (f"publisher {self.publisher!r} is not one the library knows")
            )
            raise ConfigurationError(
                f"{path}.os",
                f"{what}: declare the image's OS (os='windows' or os='linux')",
            )

    def hyper_v_generation(self) -> HyperVGeneration | None:
        """The image's generation: stated, else inferred from a marketplace SKU, else unknown."""
        if self.generation is not None:
            return self.generation
        if self.publisher is None or self.offer is None or self.sku is None:
            return None
        return marketplace_generation(self.publisher, self.offer, self.sku)

    def label(self) -> str:
        """How messages name the image: its marketplace URN, or 'the custom image'."""
        if self.publisher is not None:
            return f"{self.publisher}:{self.offer}:{self.sku}"
        return "the custom image (id)"

    def _publisher_os(self) -> OsType | None:
        publisher = (self.publisher or "").strip().lower()
        if publisher in _WINDOWS_PUBLISHERS:
            return "windows"
        if publisher in _LINUX_PUBLISHERS:
            return "linux"
        return None

    def operating_system(self) -> OsType:
        """The image's OS: from a known publisher, else as declared (checked at
        construction: one of the two is always there, and they agree)."""
        known = self._publisher_os()
        if known is not None:
            return known
        assert self.os is not None
        return self.os


_WINDOWS_PUBLISHERS = {
    "microsoftwindowsserver",
    "microsoftwindowsdesktop",
    "microsoftsqlserver",
    "microsoftvisualstudio",
    "microsoftbiztalkserver",
    "microsoftsharepoint",
}
_LINUX_PUBLISHERS = {
    "canonical",
    "redhat",
    "debian",
    "suse",
    "openlogic",
    "oracle",
    "almalinux",
    "resf",
    "kinvolk",
    "microsoftcblmariner",
    "microsoft-azure-linux",
}

#: Windows Server 2022 Datacenter: Azure Edition, the current general-purpose Windows image.
WINDOWS_DEFAULT_IMAGE = ImageReference(
    publisher="MicrosoftWindowsServer",
    offer="WindowsServer",
    sku="2022-datacenter-azure-edition",
    version="latest",
)
#: Ubuntu Server 24.04 LTS.
LINUX_DEFAULT_IMAGE = ImageReference(
    publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", version="latest"
)


@dataclass(frozen=True, kw_only=True)
class Autoscale:
    """CPU-driven autoscale (a ``monitor.AutoscaleSetting``): one instance more above
    ``scale_out_cpu_percent`` average CPU over 10 minutes, one fewer below
    ``scale_in_cpu_percent``, 5 minutes cooldown. While it is on, ``pulumi up`` leaves the
    instance count to the autoscaler (``sku.capacity`` changes are ignored)."""

    minimum: int
    """Fewest instances (0-1000); the scale set's ``capacity`` must lie within the bounds."""
    maximum: int
    """Most instances (1-1000, at least ``minimum``)."""
    default: int | None = None
    """The count used when the CPU metric is unavailable; None uses ``capacity``."""
    scale_out_cpu_percent: int = 75
    """Average CPU (2-99) above which an instance is added."""
    scale_in_cpu_percent: int = 25
    """Average CPU (1-98) below which an instance is removed; below
    ``scale_out_cpu_percent``, or the two rules would fight."""

    def __post_init__(self) -> None:
        path = "scale_set.autoscale"
        check_int(self.minimum, f"{path}.minimum", minimum=0, maximum=1000)
        check_int(self.maximum, f"{path}.maximum", minimum=1, maximum=1000)
        if self.maximum < self.minimum:
            raise ConfigurationError(
                f"{path}.maximum", f"{self.maximum} is below minimum {self.minimum}"
            )
        if self.default is not None:
            check_int(self.default, f"{path}.default", minimum=self.minimum, maximum=self.maximum)
        check_int(
            self.scale_out_cpu_percent, f"{path}.scale_out_cpu_percent", minimum=2, maximum=99
        )
        check_int(self.scale_in_cpu_percent, f"{path}.scale_in_cpu_percent", minimum=1, maximum=98)
        if self.scale_in_cpu_percent >= self.scale_out_cpu_percent:
            raise ConfigurationError(
                f"{path}.scale_in_cpu_percent",
                f"{self.scale_in_cpu_percent} must be below scale_out_cpu_percent "
                f"({self.scale_out_cpu_percent}), or the two rules would fight",
            )


# Azure refuses these administrator names on Windows and Linux alike.
_RESERVED_USERNAMES = {
    "administrator",
    "admin",
    "user",
    "user1",
    "test",
    "user2",
    "test1",
    "user3",
    "admin1",
    "1",
    "123",
    "a",
    "actuser",
    "adm",
    "admin2",
    "aspnet",
    "backup",
    "console",
    "david",
    "guest",
    "john",
    "owner",
    "root",
    "server",
    "sql",
    "support",
    "support_388945a0",
    "sys",
    "test2",
    "test3",
    "user4",
    "user5",
}
_USERNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
# Azure's sizes are ASCII names of at most some 30 characters (Standard_ND96isr_H100_v5).
declare_rule(
    "vm-size-format",
    "vm_size is an Azure size name: Standard_ or Basic_A and at most 64 ASCII characters.",
    where="vmss_components.scaleset.args.ScaleSetArgs",
    paths=("scale_set.vm_size",),
)
_VM_SIZE = re.compile(r"Standard_[A-Za-z0-9_]{1,55}|Basic_A[0-9]{1,2}", re.ASCII)
_ZONES = ("1", "2", "3")


HEALTH_SOURCE_REQUIRED = declare_rule(
    "health-source-required",
    "Rolling upgrades, automatic OS upgrades and automatic repairs need a health signal: the "
    "component's Application Health extension (health), the user's own (extra_extensions) or "
    "a load balancer probe (health_probe_id).",
    where="vmss_components.scaleset.args.ScaleSetArgs",
    paths=("scale_set.health",),
)
HEALTH_SOURCE_SINGLE = declare_rule(
    "health-source-single",
    "One health signal only: an Application Health extension or a load balancer probe, not both.",
    where="vmss_components.scaleset.args.ScaleSetArgs",
    paths=("scale_set.health_probe_id",),
)


def check_vm_size(value: object, path: str) -> None:
    """An Azure VM size name (``Standard_D2s_v5``)."""
    check_pattern(value, path, _VM_SIZE, "an Azure VM size such as 'Standard_D2s_v5'")


def check_capacity(value: object, path: str, autoscale: Autoscale | None) -> None:
    """An instance count (0-1000), within the autoscale bounds when there are some."""
    count = check_int(value, path, minimum=0, maximum=1000)
    if autoscale is not None and not autoscale.minimum <= count <= autoscale.maximum:
        raise ConfigurationError(
            path, f"{count} is outside autoscale {autoscale.minimum}..{autoscale.maximum}"
        )


def _check_zone(value: object, path: str) -> None:
    check_choice(value, path, _ZONES)


def check_zones(values: object, path: str, *, indexes: Sequence[int] | None = None) -> None:
    """Availability zones: a list of distinct ``"1"``, ``"2"``, ``"3"``. ``indexes`` are the
    positions of ``values`` in the list the user gave (when some are checked later)."""
    check_sequence(values, path)
    assert isinstance(values, Sequence)
    positions = indexes if indexes is not None else range(len(values))
    for index, zone in zip(positions, values, strict=True):
        _check_zone(zone, f"{path}[{index}]")
    if len(set(values)) != len(values):
        raise ConfigurationError(path, "a zone is listed twice")


_SSH_KEY = re.compile(
    r"(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)) ([A-Za-z0-9+/]+=*)(?: [^\r\n]*)?"
)


def check_ssh_key(value: object, path: str) -> str:
    """An OpenSSH public key's text (``ssh-ed25519 AAAA... comment``), stripped. The message
    never shows the value (it may come from a secret)."""
    if not isinstance(value, str):
        raise ConfigurationError(
            path, f"expected a key (str) or key file (Path), got {_kind(value)}"
        )
    text = check_encodable(value.strip(), path, "the key")
    if not is_openssh_key(text):
        raise ConfigurationError(
            path, "not an OpenSSH public key ('ssh-rsa AAAA...' or 'ssh-ed25519 AAAA...')"
        )
    # The comment is free text: it reaches keyData, so nothing unseen in it.
    return check_text_characters(text, path, "the key")


def check_ssh_key_list(values: object, path: str) -> None:
    """A list of OpenSSH public keys' texts, at least one (a known Output's value)."""
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise ConfigurationError(path, "expected a list of keys, got a single value")
    if not values:
        raise ConfigurationError(path, "a Linux scale set needs at least one SSH public key")
    for index, value in enumerate(values):
        check_ssh_key(value, f"{path}[{index}]")


def is_openssh_key(text: str) -> bool:
    """Whether ``text`` is one OpenSSH public key line."""
    # The key blob starts with its own type name, length-prefixed: a pasted fragment or a
    # private key fails here rather than at boot.
    match = _SSH_KEY.fullmatch(text)
    if match is None:
        return False
    try:
        blob = base64.b64decode(match.group(2), validate=True)
    except ValueError:
        return False
    length = int.from_bytes(blob[:4], "big")
    return blob[4 : 4 + length] == match.group(1).encode()


def _kind(value: object) -> str:
    return shown(value) if is_output(value) else f"a value of type {type(value).__name__}"


@dataclass(frozen=True, kw_only=True)
class ManagedIdentities:
    """The scale set's managed identities, in Azure Verified Modules' vocabulary."""

    system_assigned: bool = False
    """Give the scale set an identity of its own (its ``principal_id`` is an output). Its
    principal exists only once the scale set does: too late to be granted a role the first
    instances need. Uniform orchestration only; ``machine_configuration=True`` turns it on."""
    user_assigned_resource_ids: Sequence[pulumi.Input[str]] = ()
    """Resource ids of existing user-assigned identities to attach
    (``/subscriptions/.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>``).
    A component's download or content identity names one of these."""

    def __post_init__(self) -> None:
        path = "scale_set.managed_identities"
        check_bool(self.system_assigned, f"{path}.system_assigned")
        check_sequence(self.user_assigned_resource_ids, f"{path}.user_assigned_resource_ids")
        checked = tuple(
            checked_text(identity, f"{path}.user_assigned_resource_ids[{index}]")
            for index, identity in enumerate(self.user_assigned_resource_ids)
        )
        object.__setattr__(self, "user_assigned_resource_ids", checked)


@redacts("admin_password")
@dataclass(frozen=True, kw_only=True)
class ScaleSetArgs:
    """What every scale set needs; the component decides the OS and adds its extensions."""

    resource_group_name: pulumi.Input[str]
    """The resource group the scale set (and its autoscale setting) is created in."""
    subnet_id: pulumi.Input[str]
    """Resource id of the subnet the instances' network interfaces join."""
    upgrade: UpgradePolicy
    """How model changes reach existing instances; no default mode (see ``UpgradePolicy``)."""
    location: pulumi.Input[str] | None = None
    """Azure region; None uses the resource group's."""
    vm_size: pulumi.Input[str] = "Standard_D2s_v5"
    """The instance size (``Standard_...``), available in the region (and zones). An Output
    is checked when its value is known."""
    capacity: pulumi.Input[int] = 2
    """Instance count (0-1000); the initial count under ``autoscale``, within its bounds. An
    Output is checked when its value is known. A Uniform scale set that may hold more than
    100 instances (capacity or autoscale maximum) gets ``singlePlacementGroup: false``: one
    placement group holds at most 100."""
    image: ImageReference | None = None
    """The OS image; None is Windows Server 2022 Datacenter Azure Edition or Ubuntu Server
    24.04 LTS, by the component's OS. An image of the other OS is refused."""
    admin_username: str = "azureuser"
    """The administrator account: 1-64 letters, digits, ``_``, ``.``, ``-``; names Azure
    reserves (``admin``, ``administrator``, ``root``, ...) are refused."""
    admin_password: pulumi.Input[str] | None = None
    """Windows only: the administrator password (12-123 characters, three of lower, upper,
    digit, special), kept secret. None generates one (``pulumi-random``, output
    ``admin_password``). Linux refuses it: password login is off."""
    ssh_public_keys: Sequence[pulumi.Input[str] | Path] | pulumi.Output[Sequence[str]] = ()
    """Linux only, at least one: OpenSSH public keys, a ``str`` being the key itself and a
    ``Path`` a key file (``~`` expanded). Password login is disabled. A key, or the whole list,
    may be an Output (``config.require_secret``, another stack's output): checked when its
    value is known."""
    computer_name_prefix: str | None = None
    """Prefix of the instances' host names: at most 9 characters on Windows (NetBIOS names
    are 15 and Azure appends 6), 58 on Linux. None derives it from the component's name."""
    zones: Sequence[pulumi.Input[str]] | pulumi.Output[Sequence[str]] = ()
    """Availability zones (``"1"``, ``"2"``, ``"3"``) to spread the instances over; empty
    for a regional scale set. A zone, or the whole list, may be an Output: checked when its
    value is known."""
    orchestration_mode: OrchestrationMode = "Uniform"
    """``Uniform`` (identical instances from one model) or ``Flexible``. Flexible scale sets
    allow no system-assigned identity, so no Machine Configuration; they get a fault domain
    count of 1 and the network API version Azure requires."""
    health: HealthProbe | None = None
    """Adds the Application Health extension: a health signal, which ``Rolling``, automatic
    OS upgrades and ``automatic_repairs`` need (or your own Application Health extension in
    ``extra_extensions``, or ``health_probe_id``). One signal only (a load balancer may still
    probe for its own routing)."""
    health_probe_id: pulumi.Input[str] | None = None
    """Resource id of a load balancer probe to use as the health signal instead of an
    Application Health extension (the network profile's ``healthProbe``); the instances must
    be in that load balancer's backend pool."""
    machine_configuration: bool = False
    """Add the Machine Configuration prerequisites ``GuestAssignment`` needs: the
    ``AzurePolicyforWindows``/``AzurePolicyforLinux`` extension and a system-assigned
    identity. Uniform orchestration only."""
    managed_identities: ManagedIdentities = field(default_factory=ManagedIdentities)
    """The system-assigned identity and the user-assigned identities attached to the
    instances."""
    user_assigned_identity_ids: Sequence[pulumi.Input[str]] = ()
    """Deprecated (removed in the next release): use
    ``managed_identities=ManagedIdentities(user_assigned_resource_ids=...)``."""
    load_balancer_backend_pool_ids: Sequence[pulumi.Input[str]] = ()
    """Resource ids of load balancer backend pools the instances' network interfaces join."""
    autoscale: Autoscale | None = None
    """CPU autoscale; None keeps ``capacity`` fixed."""
    extra_extensions: Sequence[Extension] = ()
    """Your own extensions, after the component's: names unique, ``provision_after`` may name
    the component's. Azure takes one extension per handler (publisher and type)."""
    boot_diagnostics: bool = True
    """Managed boot diagnostics (serial log and screenshot), no storage account needed."""
    encryption_at_host: bool = False
    """``securityProfile.encryptionAtHost``: encrypt temp disks and caches on the host. The
    subscription must have the ``EncryptionAtHost`` feature registered."""
    trusted_launch: bool | None = None
    """Trusted Launch (``securityProfile.securityType: TrustedLaunch`` with secure boot and a
    vTPM). None, the default: on for a Generation 2 image, off for Generation 1; an image
    whose generation cannot be told must state ``image.generation``. True requires it (a
    Generation 2 image, a size that supports it); False opts out (nothing is sent)."""
    automatic_repairs: bool = False
    """Replace instances the health signal reports unhealthy (30-minute grace period);
    needs ``health``."""
    os_disk_type: OsDiskType = "StandardSSD_LRS"
    """The managed OS disk's storage type; Premium types need a size that supports them."""
    os_disk_size_gb: int | None = None
    """OS disk size (30-4095 GB); None keeps the image's size."""
    tags: Mapping[str, pulumi.Input[str]] | pulumi.Output[Mapping[str, str]] = field(
        default_factory=dict
    )
    """Tags on the scale set and its autoscale setting. Public: a secret-looking value is
    refused. A value, or the whole mapping, may be an Output: checked when its value is
    known."""

    def __post_init__(self) -> None:
        path = "scale_set"
        check_input_text(self.resource_group_name, f"{path}.resource_group_name")
        self._check_input("subnet_id", lambda v: check_input_text(v, f"{path}.subnet_id"))
        check_input_text(self.location, f"{path}.location", optional=True)
        for attribute in ("resource_group_name", "location"):
            value = getattr(self, attribute)
            if isinstance(value, str):
                what = f"the {attribute.replace('_', ' ')}"
                check_text_characters(value, f"{path}.{attribute}", what)
        check_type(self.upgrade, UpgradePolicy, f"{path}.upgrade")
        if self.autoscale is not None:
            check_type(self.autoscale, Autoscale, f"{path}.autoscale")
        self._check_input("vm_size", lambda v: check_vm_size(v, f"{path}.vm_size"))
        self._check_input(
            "capacity", lambda v: check_capacity(v, f"{path}.capacity", self.autoscale)
        )
        if self.image is not None:
            check_type(self.image, ImageReference, f"{path}.image")
        check_pattern(
            self.admin_username,
            f"{path}.admin_username",
            _USERNAME,
            "1-64 letters, digits, '_', '.', '-', starting with a letter or '_'",
        )
        if self.admin_username.lower() in _RESERVED_USERNAMES:
            raise ConfigurationError(
                f"{path}.admin_username", f"{show(self.admin_username)} is reserved by Azure"
            )
        check_input_text(self.admin_password, f"{path}.admin_password", optional=True, secret=True)
        self._check_ssh_keys(f"{path}.ssh_public_keys")
        self._check_zones(f"{path}.zones")
        check_literal(self.orchestration_mode, f"{path}.orchestration_mode", OrchestrationMode)
        if self.health is not None:
            check_type(self.health, HealthProbe, f"{path}.health")
        check_input_text(self.health_probe_id, f"{path}.health_probe_id", optional=True)
        for flag in (
            "machine_configuration",
            "boot_diagnostics",
            "encryption_at_host",
            "automatic_repairs",
        ):
            check_bool(getattr(self, flag), f"{path}.{flag}")
        if self.trusted_launch is not None:
            check_bool(self.trusted_launch, f"{path}.trusted_launch")
        check_type(self.managed_identities, ManagedIdentities, f"{path}.managed_identities")
        check_sequence(self.user_assigned_identity_ids, f"{path}.user_assigned_identity_ids")
        object.__setattr__(
            self,
            "user_assigned_identity_ids",
            tuple(
                checked_text(identity, f"{path}.user_assigned_identity_ids[{index}]")
                for index, identity in enumerate(self.user_assigned_identity_ids)
            ),
        )
        if self.user_assigned_identity_ids:
            self._adopt_deprecated_identities(path)
        check_sequence(
            self.load_balancer_backend_pool_ids, f"{path}.load_balancer_backend_pool_ids"
        )
        for index, pool in enumerate(self.load_balancer_backend_pool_ids):
            check_input_text(pool, f"{path}.load_balancer_backend_pool_ids[{index}]")
        # Resource ids given as text: a newline or a zero-width character would reach Azure.
        ids: list[tuple[str, object]] = [
            ("subnet_id", self.subnet_id),
            ("health_probe_id", self.health_probe_id),
        ]
        ids += [
            (f"load_balancer_backend_pool_ids[{index}]", pool)
            for index, pool in enumerate(self.load_balancer_backend_pool_ids)
        ]
        for attribute, value in ids:
            if isinstance(value, str):
                check_text_characters(value, f"{path}.{attribute}", "the resource id")
        check_sequence(self.extra_extensions, f"{path}.extra_extensions")
        for index, extension in enumerate(self.extra_extensions):
            check_type(extension, Extension, f"{path}.extra_extensions[{index}]")
            check_extension(extension, f"{path}.extra_extensions[{index}]")
        check_literal(self.os_disk_type, f"{path}.os_disk_type", OsDiskType)
        if self.os_disk_size_gb is not None:
            check_int(self.os_disk_size_gb, f"{path}.os_disk_size_gb", minimum=30, maximum=4095)
        object.__setattr__(self, "tags", checked_tags(self.tags, f"{path}.tags"))
        self._check_combinations(path)

    def _check_input(self, attribute: str, check: Callable[[Any], object]) -> None:
        """Check an Input field now (plain) or when known (Output: the field then holds the
        checked Output, which is what the scale set receives)."""
        object.__setattr__(self, attribute, checked_input(getattr(self, attribute), check))

    def _check_ssh_keys(self, path: str) -> None:
        keys = self.ssh_public_keys
        if isinstance(keys, pulumi.Output):
            # A list known only later (another stack's output): each key and the count are
            # checked then. Only a Linux scale set takes keys, so at least one is needed.
            object.__setattr__(self, "ssh_public_keys", checked_at(keys, check_ssh_key_list, path))
            return
        if isinstance(keys, str | Path):
            raise ConfigurationError(path, "expected a list of keys, got a single value")
        check_sequence(keys, path)
        checked = tuple(
            checked_at(key, check_ssh_key, f"{path}[{index}]") if is_output(key) else key
            for index, key in enumerate(keys)
        )
        object.__setattr__(self, "ssh_public_keys", checked)

    def _check_zones(self, path: str) -> None:
        zones = self.zones
        if isinstance(zones, pulumi.Output):
            object.__setattr__(self, "zones", checked_at(zones, check_zones, path))
            return
        check_sequence(zones, path)
        plain = [zone for zone in zones if not is_output(zone)]
        check_zones(plain, path, indexes=[i for i, z in enumerate(zones) if not is_output(z)])
        checked = tuple(
            checked_at(zone, _check_zone, f"{path}[{index}]") for index, zone in enumerate(zones)
        )
        object.__setattr__(self, "zones", checked)

    def _adopt_deprecated_identities(self, path: str) -> None:
        warnings.warn(
            "ScaleSetArgs(user_assigned_identity_ids=...) is deprecated and will be removed in "
            "the next release: use managed_identities=ManagedIdentities("
            "user_assigned_resource_ids=...)",
            DeprecationWarning,
            stacklevel=4,
        )
        if self.managed_identities.user_assigned_resource_ids:
            raise ConfigurationError(
                f"{path}.user_assigned_identity_ids",
                "give user-assigned identities once, in managed_identities"
                ".user_assigned_resource_ids (user_assigned_identity_ids is its deprecated name)",
            )
        merged = replace(
            self.managed_identities,
            user_assigned_resource_ids=tuple(self.user_assigned_identity_ids),
        )
        object.__setattr__(self, "managed_identities", merged)

    @property
    def system_assigned_identity(self) -> bool:
        """Whether the scale set gets a system-assigned identity (asked for, or needed by
        Machine Configuration)."""
        return self.machine_configuration or self.managed_identities.system_assigned

    def health_sources(self) -> tuple[str, ...]:
        """The health signals this scale set has: ``health``, an Application Health
        extension among ``extra_extensions``, ``health_probe_id``."""
        sources = []
        if self.health is not None:
            sources.append("health")
        for index, extension in enumerate(self.extra_extensions):
            handler = handler_of(extension.publisher, extension.type)
            if handler is not None and handler.publisher == HEALTH_PUBLISHER:
                sources.append(f"extra_extensions[{index}]")
        if self.health_probe_id is not None:
            sources.append("health_probe_id")
        return tuple(sources)

    def _check_combinations(self, path: str) -> None:
        sources = self.health_sources()
        advice = (
            "set health=HealthProbe(...), add an Application Health extension to "
            "extra_extensions, or give health_probe_id (a load balancer probe)"
        )
        for needed, what in (
            (self.upgrade.mode == "Rolling", "a Rolling upgrade policy needs"),
            (self.upgrade.automatic_os_upgrade, "automatic OS upgrades need"),
            (self.automatic_repairs, "automatic instance repairs need"),
        ):
            if needed and not sources:
                raise ConfigurationError(f"{path}.health", f"{what} a health signal: {advice}")
        if len(sources) > 1 and "health_probe_id" in sources:
            raise ConfigurationError(
                f"{path}.health_probe_id",
                f"two health signals ({', '.join(sources)}): use one, as Azure refuses "
                "automatic repairs and OS upgrades with both an Application Health extension "
                "and a load balancer probe",
            )
        if self.machine_configuration and self.orchestration_mode == "Flexible":
            raise ConfigurationError(
                f"{path}.machine_configuration",
                "Flexible scale sets allow only user-assigned identities, and Machine "
                "Configuration needs a system-assigned one: use orchestration_mode='Uniform'",
            )
        if self.managed_identities.system_assigned and self.orchestration_mode == "Flexible":
            raise ConfigurationError(
                f"{path}.managed_identities.system_assigned",
                "Flexible scale sets allow only user-assigned identities: use "
                "orchestration_mode='Uniform' or a user-assigned identity",
            )
