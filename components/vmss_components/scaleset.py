"""The scale set every component builds: its arguments, their rules, and the resource.

``ScaleSetArgs`` and its parts are frozen keyword-only dataclasses validated on construction
(plain values only; Outputs are taken on trust). :func:`plan_scale_set` applies the rules that
depend on the operating system and on what the component adds, before any resource exists.
:func:`build_scale_set` then registers one ``compute.VirtualMachineScaleSet`` (and, with
autoscale, its ``monitor.AutoscaleSetting``) as children of the calling component.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pulumi
import pulumi_random as random
from pulumi_azure_native import compute, monitor

from .artifacts import PublishedArtifact
from .errors import ConfigurationError
from .extensions import (
    Extension,
    OsType,
    check_extension,
    check_extension_list,
    guest_configuration_extension,
    health_extension,
)
from .guard import check_public_value
from .naming import computer_name_prefix
from .validation import (
    check_choice,
    check_component_name,
    check_input_text,
    check_int,
    check_pattern,
    check_tags,
)

UpgradeMode = Literal["Manual", "Automatic", "Rolling"]
OrchestrationMode = Literal["Uniform", "Flexible"]

# Scale-set operations wait for every instance and every extension (DSC may reboot twice):
# far beyond the provider's default. At least two hours, as long rollouts need.
LONG_OPERATION = "2h"
_ISO_DURATION = re.compile(r"PT(?=\d)(\d+H)?(\d+M)?(\d+S)?")


@dataclass(frozen=True, kw_only=True)
class UpgradePolicy:
    """How model changes reach existing instances. ``mode`` has no default: choose it.

    ``Manual``: only new instances get a changed model until each instance is upgraded.
    ``Automatic``: all instances are upgraded at once, in no particular order.
    ``Rolling``: upgraded in batches, each waiting for the health signal (``health`` on the
    scale set is then required); the percentages, pause, surge and rollback apply here.
    """

    mode: UpgradeMode
    max_batch_instance_percent: int = 20
    max_unhealthy_instance_percent: int = 20
    max_unhealthy_upgraded_instance_percent: int = 20
    pause_time_between_batches: str = "PT0S"
    max_surge: bool = False
    rollback_failed_instances_on_policy_breach: bool = True
    automatic_os_upgrade: bool = False

    def __post_init__(self) -> None:
        path = "scale_set.upgrade"
        check_choice(self.mode, f"{path}.mode", ("Manual", "Automatic", "Rolling"))
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
            _check_bool(getattr(self, flag), f"{path}.{flag}")


@dataclass(frozen=True, kw_only=True)
class HealthProbe:
    """The Application Health extension's probe of each instance (the rolling-upgrade signal)."""

    protocol: Literal["http", "https", "tcp"] = "http"
    port: int = 80
    request_path: str | None = "/"
    interval_in_seconds: int | None = None
    number_of_probes: int | None = None

    def __post_init__(self) -> None:
        path = "scale_set.health"
        check_choice(self.protocol, f"{path}.protocol", ("http", "https", "tcp"))
        check_int(self.port, f"{path}.port", minimum=1, maximum=65535)
        if isinstance(self.request_path, str):
            # The probe path is a public setting of the Application Health extension.
            check_public_value(self.request_path, f"{path}.request_path")
        if self.protocol != "tcp" and (
            not isinstance(self.request_path, str) or not self.request_path.startswith("/")
        ):
            raise ConfigurationError(
                f"{path}.request_path",
                f"{self.request_path!r}: an {self.protocol} probe needs a path starting with '/'",
            )
        if self.interval_in_seconds is not None:
            check_int(
                self.interval_in_seconds, f"{path}.interval_in_seconds", minimum=5, maximum=60
            )
        if self.number_of_probes is not None:
            check_int(self.number_of_probes, f"{path}.number_of_probes", minimum=1, maximum=24)


@dataclass(frozen=True, kw_only=True)
class ImageReference:
    """A marketplace image (publisher, offer, sku, version) or a custom/gallery image ``id``.

    ``os`` declares the image's operating system; for marketplace images of well-known
    publishers it is inferred, for custom images it is taken from here when given.
    """

    publisher: str | None = None
    offer: str | None = None
    sku: str | None = None
    version: str = "latest"
    id: pulumi.Input[str] | None = None
    os: OsType | None = None

    def __post_init__(self) -> None:
        path = "scale_set.image"
        marketplace = (self.publisher, self.offer, self.sku)
        if self.id is not None:
            if any(v is not None for v in marketplace):
                raise ConfigurationError(
                    path, "give either id (a custom or gallery image) or publisher/offer/sku"
                )
            check_input_text(self.id, f"{path}.id")
        else:
            for attribute, value in zip(("publisher", "offer", "sku"), marketplace, strict=True):
                if not isinstance(value, str) or not value.strip():
                    raise ConfigurationError(
                        f"{path}.{attribute}",
                        "a marketplace image needs publisher, offer and sku (or give id)",
                    )
            if not isinstance(self.version, str) or not self.version.strip():
                raise ConfigurationError(f"{path}.version", "expected 'latest' or a version")
        if self.os is not None:
            check_choice(self.os, f"{path}.os", ("windows", "linux"))

    def operating_system(self) -> OsType | None:
        """The image's OS: declared, else inferred from the publisher, else unknown."""
        if self.os is not None:
            return self.os
        publisher = (self.publisher or "").lower()
        if publisher in _WINDOWS_PUBLISHERS:
            return "windows"
        if publisher in _LINUX_PUBLISHERS:
            return "linux"
        return None


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
    """CPU-driven autoscale: add an instance above ``scale_out_cpu_percent`` average CPU over
    10 minutes, remove one below ``scale_in_cpu_percent``, within ``minimum``..``maximum``.
    While it is on, ``pulumi up`` leaves the instance count to the autoscaler."""

    minimum: int
    maximum: int
    default: int | None = None
    scale_out_cpu_percent: int = 75
    scale_in_cpu_percent: int = 25

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
_VM_SIZE = re.compile(r"Standard_[A-Za-z0-9_]+|Basic_A[0-9]+")
_SSH_KEY = re.compile(
    r"(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)) ([A-Za-z0-9+/]+=*)(?: [^\r\n]*)?"
)
_OS_DISK_TYPES = (
    "Standard_LRS",
    "StandardSSD_LRS",
    "Premium_LRS",
    "StandardSSD_ZRS",
    "Premium_ZRS",
)


@dataclass(frozen=True, kw_only=True)
class ScaleSetArgs:
    """What every scale set needs; the component decides the OS and adds its extensions.

    ``upgrade`` is required. Windows gets ``admin_password`` or a generated one (secret);
    Linux logs in with ``ssh_public_keys`` only (a ``Path`` is read as a key file, a ``str``
    is the key itself). ``machine_configuration=True`` adds the guest configuration agent
    and a system-assigned identity, which ``GuestAssignment`` needs.
    """

    resource_group_name: pulumi.Input[str]
    subnet_id: pulumi.Input[str]
    upgrade: UpgradePolicy
    location: pulumi.Input[str] | None = None
    vm_size: str = "Standard_D2s_v5"
    capacity: int = 2
    image: ImageReference | None = None
    admin_username: str = "azureuser"
    admin_password: pulumi.Input[str] | None = None
    ssh_public_keys: Sequence[str | Path] = ()
    computer_name_prefix: str | None = None
    zones: Sequence[str] = ()
    orchestration_mode: OrchestrationMode = "Uniform"
    health: HealthProbe | None = None
    machine_configuration: bool = False
    user_assigned_identity_ids: Sequence[pulumi.Input[str]] = ()
    load_balancer_backend_pool_ids: Sequence[pulumi.Input[str]] = ()
    autoscale: Autoscale | None = None
    extra_extensions: Sequence[Extension] = ()
    boot_diagnostics: bool = True
    encryption_at_host: bool = False
    automatic_repairs: bool = False
    os_disk_type: str = "StandardSSD_LRS"
    os_disk_size_gb: int | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        path = "scale_set"
        check_input_text(self.resource_group_name, f"{path}.resource_group_name")
        check_input_text(self.subnet_id, f"{path}.subnet_id")
        check_input_text(self.location, f"{path}.location", optional=True)
        _check_type(self.upgrade, UpgradePolicy, f"{path}.upgrade")
        check_pattern(
            self.vm_size, f"{path}.vm_size", _VM_SIZE, "an Azure VM size such as 'Standard_D2s_v5'"
        )
        check_int(self.capacity, f"{path}.capacity", minimum=0, maximum=1000)
        if self.image is not None:
            _check_type(self.image, ImageReference, f"{path}.image")
        check_pattern(
            self.admin_username,
            f"{path}.admin_username",
            _USERNAME,
            "1-64 letters, digits, '_', '.', '-', starting with a letter or '_'",
        )
        if self.admin_username.lower() in _RESERVED_USERNAMES:
            raise ConfigurationError(
                f"{path}.admin_username", f"{self.admin_username!r} is reserved by Azure"
            )
        check_input_text(self.admin_password, f"{path}.admin_password", optional=True, secret=True)
        if isinstance(self.ssh_public_keys, str | Path):
            raise ConfigurationError(
                f"{path}.ssh_public_keys", "expected a list of keys, got a single value"
            )
        _check_sequence(self.ssh_public_keys, f"{path}.ssh_public_keys")
        _check_sequence(self.zones, f"{path}.zones")
        for index, zone in enumerate(self.zones):
            check_choice(zone, f"{path}.zones[{index}]", ("1", "2", "3"))
        if len(set(self.zones)) != len(self.zones):
            raise ConfigurationError(f"{path}.zones", "a zone is listed twice")
        check_choice(self.orchestration_mode, f"{path}.orchestration_mode", ("Uniform", "Flexible"))
        if self.health is not None:
            _check_type(self.health, HealthProbe, f"{path}.health")
        for flag in (
            "machine_configuration",
            "boot_diagnostics",
            "encryption_at_host",
            "automatic_repairs",
        ):
            _check_bool(getattr(self, flag), f"{path}.{flag}")
        _check_sequence(self.user_assigned_identity_ids, f"{path}.user_assigned_identity_ids")
        for index, identity in enumerate(self.user_assigned_identity_ids):
            check_input_text(identity, f"{path}.user_assigned_identity_ids[{index}]")
        _check_sequence(
            self.load_balancer_backend_pool_ids, f"{path}.load_balancer_backend_pool_ids"
        )
        for index, pool in enumerate(self.load_balancer_backend_pool_ids):
            check_input_text(pool, f"{path}.load_balancer_backend_pool_ids[{index}]")
        if self.autoscale is not None:
            _check_type(self.autoscale, Autoscale, f"{path}.autoscale")
            if not self.autoscale.minimum <= self.capacity <= self.autoscale.maximum:
                raise ConfigurationError(
                    f"{path}.capacity",
                    f"{self.capacity} is outside autoscale {self.autoscale.minimum}.."
                    f"{self.autoscale.maximum}",
                )
        _check_sequence(self.extra_extensions, f"{path}.extra_extensions")
        for index, extension in enumerate(self.extra_extensions):
            _check_type(extension, Extension, f"{path}.extra_extensions[{index}]")
            check_extension(extension, f"{path}.extra_extensions[{index}]")
        check_choice(self.os_disk_type, f"{path}.os_disk_type", _OS_DISK_TYPES)
        if self.os_disk_size_gb is not None:
            check_int(self.os_disk_size_gb, f"{path}.os_disk_size_gb", minimum=30, maximum=4095)
        check_tags(self.tags, f"{path}.tags")
        self._check_combinations(path)

    def _check_combinations(self, path: str) -> None:
        if self.upgrade.mode == "Rolling" and self.health is None:
            raise ConfigurationError(
                f"{path}.health",
                "a Rolling upgrade policy needs a health signal: set health=HealthProbe(...)",
            )
        if self.upgrade.automatic_os_upgrade and self.health is None:
            raise ConfigurationError(
                f"{path}.health",
                "automatic OS upgrades need a health signal: set health=HealthProbe(...)",
            )
        if self.automatic_repairs and self.health is None:
            raise ConfigurationError(
                f"{path}.health",
                "automatic instance repairs need a health signal: set health=HealthProbe(...)",
            )
        if self.machine_configuration and self.orchestration_mode == "Flexible":
            raise ConfigurationError(
                f"{path}.machine_configuration",
                "Flexible scale sets allow only user-assigned identities, and Machine "
                "Configuration needs a system-assigned one: use orchestration_mode='Uniform'",
            )


def _check_type(value: object, expected: type, path: str) -> None:
    if not isinstance(value, expected):
        raise ConfigurationError(path, f"expected {expected.__name__}, got {value!r}")


def _check_bool(value: object, path: str) -> None:
    if not isinstance(value, bool):
        raise ConfigurationError(path, f"expected True or False, got {value!r}")


def _check_sequence(value: object, path: str) -> None:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ConfigurationError(path, f"expected a list, got {value!r}")


# --- Plan: the rules that need the OS and the component's extensions -----------------------


@dataclass(frozen=True, kw_only=True)
class ScaleSetPlan:
    """A validated scale set: resolved OS, image, computer name prefix and SSH keys."""

    args: ScaleSetArgs
    os: OsType
    image: ImageReference
    computer_name_prefix: str
    ssh_public_keys: tuple[str, ...]
    added_extensions: tuple[Extension, ...]


def plan_scale_set(
    args: ScaleSetArgs,
    *,
    os: OsType,
    name: str,
    component_extension_names: Sequence[str] = (),
    path: str = "scale_set",
) -> ScaleSetPlan:
    """Check ``args`` for a scale set of ``os`` whose component adds the named extensions.

    Raises ConfigurationError before any resource exists.
    """
    check_component_name(name)
    _check_type(args, ScaleSetArgs, path)
    image = args.image or (WINDOWS_DEFAULT_IMAGE if os == "windows" else LINUX_DEFAULT_IMAGE)
    image_os = image.operating_system()
    if image_os is not None and image_os != os:
        raise ConfigurationError(
            f"{path}.image",
            f"{image.publisher or image.id} is a {image_os} image, but this scale set runs {os}",
        )
    prefix = computer_name_prefix(args.computer_name_prefix, name, os, path)
    keys = _ssh_keys(args, os, path)
    if os == "windows" and isinstance(args.admin_password, str):
        _check_windows_password(args.admin_password, f"{path}.admin_password")
    added: list[Extension] = []
    if args.health is not None:
        added.append(
            health_extension(
                os,
                protocol=args.health.protocol,
                port=args.health.port,
                request_path=args.health.request_path,
                interval_in_seconds=args.health.interval_in_seconds,
                number_of_probes=args.health.number_of_probes,
            )
        )
    if args.machine_configuration:
        added.append(guest_configuration_extension(os))
    names = [
        *component_extension_names,
        *(e.name for e in added),
        *(e.name for e in args.extra_extensions),
    ]
    _check_unique_names(names, component_extension_names, path)
    # The user's extensions may wait for the component's and for each other: checked now,
    # before the component registers anything (the whole list is checked again when built).
    check_extension_list(
        args.extra_extensions,
        f"{path}.extra_extensions",
        others=[*component_extension_names, *(e.name for e in added)],
    )
    return ScaleSetPlan(
        args=args,
        os=os,
        image=image,
        computer_name_prefix=prefix,
        ssh_public_keys=keys,
        added_extensions=tuple(added),
    )


def _check_unique_names(names: Sequence[str], owned: Sequence[str], path: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            where = "extra_extensions" if name not in owned else "extension_name"
            raise ConfigurationError(
                f"{path}.{where}",
                f"two extensions would be named {name!r}: names must be unique in a scale set",
            )
        seen.add(name.lower())


def _ssh_keys(args: ScaleSetArgs, os: OsType, path: str) -> tuple[str, ...]:
    if os == "windows":
        if args.ssh_public_keys:
            raise ConfigurationError(
                f"{path}.ssh_public_keys", "Windows scale sets log in with a password, not SSH keys"
            )
        return ()
    if args.admin_password is not None:
        raise ConfigurationError(
            f"{path}.admin_password",
            "Linux scale sets here allow SSH keys only (password login is disabled)",
        )
    if not args.ssh_public_keys:
        raise ConfigurationError(
            f"{path}.ssh_public_keys", "a Linux scale set needs at least one SSH public key"
        )
    keys: list[str] = []
    for index, entry in enumerate(args.ssh_public_keys):
        where = f"{path}.ssh_public_keys[{index}]"
        if isinstance(entry, Path):
            try:
                text = entry.expanduser().read_text().strip()
            except OSError as error:
                raise ConfigurationError(where, f"cannot read {entry}: {error.strerror}") from error
        elif isinstance(entry, str):
            text = entry.strip()
        else:
            raise ConfigurationError(
                where, f"expected a key (str) or key file (Path), got {entry!r}"
            )
        if not _is_openssh_key(text):
            raise ConfigurationError(
                where, "not an OpenSSH public key ('ssh-rsa AAAA...' or 'ssh-ed25519 AAAA...')"
            )
        keys.append(text)
    return tuple(keys)


def _is_openssh_key(text: str) -> bool:
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


def _check_windows_password(password: str, path: str) -> None:
    classes = sum(
        bool(re.search(pattern, password))
        for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")
    )
    if not 12 <= len(password) <= 123 or classes < 3:
        raise ConfigurationError(
            path,
            "Windows needs 12-123 characters with three of: lower case, upper case, digit, "
            "special character",
        )


# --- Build ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BuiltScaleSet:
    """What :func:`build_scale_set` registered."""

    vmss: compute.VirtualMachineScaleSet
    admin_password: pulumi.Output[str] | None
    generated_password: bool
    autoscale: monitor.AutoscaleSetting | None
    extensions: tuple[Extension, ...]
    artifacts: tuple[PublishedArtifact, ...]


def build_scale_set(
    name: str,
    plan: ScaleSetPlan,
    *,
    parent: pulumi.Resource,
    extensions: Sequence[Extension] = (),
    custom_data: pulumi.Input[str] | None = None,
    identity_ids: Sequence[pulumi.Input[str]] = (),
    depends_on: Sequence[pulumi.Resource] = (),
    artifacts: Sequence[PublishedArtifact] = (),
) -> BuiltScaleSet:
    """Register the scale set (``<name>-vmss``) and its autoscale setting under ``parent``.

    ``extensions`` are the component's own; the health and guest configuration extensions
    from the plan and the user's ``extra_extensions`` follow them. ``identity_ids`` adds
    user-assigned identities the component owns; ``depends_on`` holds what must exist before
    the first instance boots (a role assignment its extensions rely on). ``artifacts`` are the
    published artifacts the instances download: the scale set waits for their uploads, whose
    URLs are known before the blobs exist.
    """
    args = plan.args
    all_extensions = (*extensions, *plan.added_extensions, *args.extra_extensions)
    check_extension_list(all_extensions, "scale_set.extensions")
    child = pulumi.ResourceOptions(parent=parent)

    password: pulumi.Output[str] | None = None
    generated = False
    if plan.os == "windows":
        if args.admin_password is None:
            generated_password = windows_password(f"{name}-admin-password", opts=child)
            password = pulumi.Output.secret(generated_password.result)
            generated = True
        else:
            password = pulumi.Output.secret(args.admin_password)

    if args.upgrade.mode == "Manual":
        pulumi.log.warn(
            f"{name}: upgrade policy Manual: model changes (extensions, customData, image) reach "
            "only new instances until each existing instance is upgraded "
            "(az vmss update-instances)",
            resource=parent,
        )

    vmss = compute.VirtualMachineScaleSet(
        f"{name}-vmss",
        resource_group_name=args.resource_group_name,
        location=args.location,
        sku=compute.SkuArgs(name=args.vm_size, tier="Standard", capacity=args.capacity),
        zones=list(args.zones) or None,
        orchestration_mode=compute.OrchestrationMode(args.orchestration_mode),
        **_orchestration_settings(args),
        upgrade_policy=_upgrade_policy(args.upgrade),
        automatic_repairs_policy=(
            compute.AutomaticRepairsPolicyArgs(enabled=True, grace_period="PT30M")
            if args.automatic_repairs
            else None
        ),
        identity=_identity(args, identity_ids),
        virtual_machine_profile=compute.VirtualMachineScaleSetVMProfileArgs(
            os_profile=_os_profile(plan, password, custom_data),
            storage_profile=_storage_profile(plan),
            network_profile=_network_profile(name, args),
            diagnostics_profile=compute.DiagnosticsProfileArgs(
                boot_diagnostics=compute.BootDiagnosticsArgs(enabled=args.boot_diagnostics)
            ),
            extension_profile=compute.VirtualMachineScaleSetExtensionProfileArgs(
                extensions=[extension_args(e) for e in all_extensions]
            )
            if all_extensions
            else None,
            security_profile=compute.SecurityProfileArgs(encryption_at_host=True)
            if args.encryption_at_host
            else None,
        ),
        tags=dict(args.tags),
        opts=pulumi.ResourceOptions(
            parent=parent,
            depends_on=[*depends_on, *(artifact.blob for artifact in artifacts)],
            custom_timeouts=pulumi.CustomTimeouts(
                create=LONG_OPERATION, update=LONG_OPERATION, delete=LONG_OPERATION
            ),
            # With autoscale on, the instance count belongs to the autoscaler.
            ignore_changes=["sku.capacity"] if args.autoscale else None,
        ),
    )
    autoscale = _autoscale(name, args, vmss, parent) if args.autoscale else None
    return BuiltScaleSet(
        vmss=vmss,
        admin_password=password,
        generated_password=generated,
        autoscale=autoscale,
        extensions=tuple(all_extensions),
        artifacts=tuple(artifacts),
    )


def windows_password(
    name: str, opts: pulumi.ResourceOptions | None = None
) -> random.RandomPassword:
    """A generated password Windows accepts: 24 characters, two of each class, secret."""
    return random.RandomPassword(
        name,
        length=24,
        special=True,
        min_lower=2,
        min_upper=2,
        min_numeric=2,
        min_special=2,
        # Characters Windows accepts that survive shells and JSON unescaped.
        override_special="!#%*()-_=+[]{}:?",
        opts=opts,
    )


def _orchestration_settings(args: ScaleSetArgs) -> dict[str, Any]:
    if args.orchestration_mode == "Flexible":
        # Flexible scale sets need a fault domain count and create NICs through the network
        # API; they do not overprovision.
        return {"platform_fault_domain_count": 1}
    # Overprovisioned instances would run every extension and then be deleted.
    return {"overprovision": False}


def _upgrade_policy(policy: UpgradePolicy) -> compute.UpgradePolicyArgs:
    rolling = None
    if policy.mode == "Rolling":
        rolling = compute.RollingUpgradePolicyArgs(
            max_batch_instance_percent=policy.max_batch_instance_percent,
            max_unhealthy_instance_percent=policy.max_unhealthy_instance_percent,
            max_unhealthy_upgraded_instance_percent=policy.max_unhealthy_upgraded_instance_percent,
            pause_time_between_batches=policy.pause_time_between_batches,
            max_surge=policy.max_surge,
            rollback_failed_instances_on_policy_breach=policy.rollback_failed_instances_on_policy_breach,
        )
    return compute.UpgradePolicyArgs(
        mode=compute.UpgradeMode(policy.mode),
        rolling_upgrade_policy=rolling,
        automatic_os_upgrade_policy=compute.AutomaticOSUpgradePolicyArgs(
            enable_automatic_os_upgrade=policy.automatic_os_upgrade
        ),
    )


def _identity(
    args: ScaleSetArgs, identity_ids: Sequence[pulumi.Input[str]]
) -> compute.VirtualMachineScaleSetIdentityArgs | None:
    user_assigned = [*args.user_assigned_identity_ids, *identity_ids]
    system = args.machine_configuration
    if not system and not user_assigned:
        return None
    if system and user_assigned:
        kind = compute.ResourceIdentityType.SYSTEM_ASSIGNED_USER_ASSIGNED
    elif system:
        kind = compute.ResourceIdentityType.SYSTEM_ASSIGNED
    else:
        kind = compute.ResourceIdentityType.USER_ASSIGNED
    return compute.VirtualMachineScaleSetIdentityArgs(
        type=kind, user_assigned_identities=user_assigned or None
    )


def _os_profile(
    plan: ScaleSetPlan,
    password: pulumi.Output[str] | None,
    custom_data: pulumi.Input[str] | None,
) -> compute.VirtualMachineScaleSetOSProfileArgs:
    args = plan.args
    if plan.os == "windows":
        return compute.VirtualMachineScaleSetOSProfileArgs(
            computer_name_prefix=plan.computer_name_prefix,
            admin_username=args.admin_username,
            admin_password=password,
            custom_data=custom_data,
            windows_configuration=compute.WindowsConfigurationArgs(
                provision_vm_agent=True,
                # Azure refuses Windows Update on instances whose OS upgrades it manages.
                enable_automatic_updates=not args.upgrade.automatic_os_upgrade,
            ),
        )
    return compute.VirtualMachineScaleSetOSProfileArgs(
        computer_name_prefix=plan.computer_name_prefix,
        admin_username=args.admin_username,
        custom_data=custom_data,
        linux_configuration=compute.LinuxConfigurationArgs(
            disable_password_authentication=True,
            provision_vm_agent=True,
            ssh=compute.SshConfigurationArgs(
                public_keys=[
                    compute.SshPublicKeyArgs(
                        path=f"/home/{args.admin_username}/.ssh/authorized_keys",
                        key_data=key,
                    )
                    for key in plan.ssh_public_keys
                ]
            ),
        ),
    )


def _storage_profile(plan: ScaleSetPlan) -> compute.VirtualMachineScaleSetStorageProfileArgs:
    image = plan.image
    reference = (
        compute.ImageReferenceArgs(id=image.id)
        if image.id is not None
        else compute.ImageReferenceArgs(
            publisher=image.publisher, offer=image.offer, sku=image.sku, version=image.version
        )
    )
    return compute.VirtualMachineScaleSetStorageProfileArgs(
        image_reference=reference,
        os_disk=compute.VirtualMachineScaleSetOSDiskArgs(
            create_option=compute.DiskCreateOptionTypes.FROM_IMAGE,
            caching=compute.CachingTypes.READ_WRITE,
            disk_size_gb=plan.args.os_disk_size_gb,
            managed_disk=compute.VirtualMachineScaleSetManagedDiskParametersArgs(
                storage_account_type=plan.args.os_disk_type
            ),
        ),
    )


def _network_profile(
    name: str, args: ScaleSetArgs
) -> compute.VirtualMachineScaleSetNetworkProfileArgs:
    pools = [compute.SubResourceArgs(id=pool) for pool in args.load_balancer_backend_pool_ids]
    return compute.VirtualMachineScaleSetNetworkProfileArgs(
        network_api_version="2020-11-01" if args.orchestration_mode == "Flexible" else None,
        network_interface_configurations=[
            compute.VirtualMachineScaleSetNetworkConfigurationArgs(
                name=f"{name}-nic",
                primary=True,
                ip_configurations=[
                    compute.VirtualMachineScaleSetIPConfigurationArgs(
                        name=f"{name}-ipconfig",
                        primary=True,
                        subnet=compute.ApiEntityReferenceArgs(id=args.subnet_id),
                        load_balancer_backend_address_pools=pools or None,
                    )
                ],
            )
        ],
    )


def extension_args(extension: Extension) -> compute.VirtualMachineScaleSetExtensionArgs:
    """The SDK's form of one extension, its protected settings wrapped as a secret."""
    protected = (
        # The SDK does not mark protected settings secret: without this they would be stored
        # in plain text in the state and shown by pulumi preview.
        pulumi.Output.secret(dict(extension.protected_settings))
        if extension.protected_settings is not None
        else None
    )
    return compute.VirtualMachineScaleSetExtensionArgs(
        name=extension.name,
        publisher=extension.publisher,
        type=extension.type,
        type_handler_version=extension.type_handler_version,
        auto_upgrade_minor_version=extension.auto_upgrade_minor_version,
        enable_automatic_upgrade=extension.enable_automatic_upgrade,
        force_update_tag=extension.force_update_tag,
        # provisionAfterExtensions needs every extension to carry settings, even {}.
        settings=dict(extension.settings),
        protected_settings=protected,
        provision_after_extensions=list(extension.provision_after) or None,
        suppress_failures=extension.suppress_failures,
    )


def _autoscale(
    name: str,
    args: ScaleSetArgs,
    vmss: compute.VirtualMachineScaleSet,
    parent: pulumi.Resource,
) -> monitor.AutoscaleSetting:
    settings = args.autoscale
    assert settings is not None

    def rule(direction: str, operator: str, threshold: int) -> monitor.ScaleRuleArgs:
        return monitor.ScaleRuleArgs(
            metric_trigger=monitor.MetricTriggerArgs(
                metric_name="Percentage CPU",
                metric_namespace="microsoft.compute/virtualmachinescalesets",
                metric_resource_uri=vmss.id,
                operator=monitor.ComparisonOperationType(operator),
                statistic=monitor.MetricStatisticType.AVERAGE,
                threshold=float(threshold),
                time_aggregation=monitor.TimeAggregationType.AVERAGE,
                time_grain="PT1M",
                time_window="PT10M",
            ),
            scale_action=monitor.ScaleActionArgs(
                direction=monitor.ScaleDirection(direction),
                type=monitor.ScaleType.CHANGE_COUNT,
                value="1",
                cooldown="PT5M",
            ),
        )

    return monitor.AutoscaleSetting(
        f"{name}-autoscale",
        resource_group_name=args.resource_group_name,
        location=args.location,
        enabled=True,
        target_resource_uri=vmss.id,
        profiles=[
            monitor.AutoscaleProfileArgs(
                name="cpu",
                capacity=monitor.ScaleCapacityArgs(
                    minimum=str(settings.minimum),
                    maximum=str(settings.maximum),
                    default=str(args.capacity if settings.default is None else settings.default),
                ),
                rules=[
                    rule("Increase", "GreaterThan", settings.scale_out_cpu_percent),
                    rule("Decrease", "LessThan", settings.scale_in_cpu_percent),
                ],
            )
        ],
        tags=dict(args.tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )


class ScaleSetComponent(pulumi.ComponentResource):
    """What every scale-set component of this library exposes.

    ``vmss`` is the scale set; ``vmss_name``/``vmss_id`` its Azure name and id; ``os`` is
    ``"windows"`` or ``"linux"``; ``plan`` the validated arguments; ``admin_password`` the
    Windows password (secret; generated when none was given), None on Linux; ``extensions``
    every extension in the model, in order.
    """

    vmss: compute.VirtualMachineScaleSet
    vmss_name: pulumi.Output[str]
    vmss_id: pulumi.Output[str]
    os: OsType
    plan: ScaleSetPlan
    admin_password: pulumi.Output[str] | None
    autoscale: monitor.AutoscaleSetting | None
    extensions: tuple[Extension, ...]

    def _adopt(self, built: BuiltScaleSet, plan: ScaleSetPlan) -> dict[str, Any]:
        """Take the built scale set's attributes; returns the outputs every component registers.

        ``artifact_urls`` (token-free) says which published artifacts the instances consume,
        which the offline plan's diagram and rollout report read.
        """
        self.vmss = built.vmss
        self.vmss_name = built.vmss.name
        self.vmss_id = built.vmss.id
        self.os = plan.os
        self.plan = plan
        self.admin_password = built.admin_password
        self.autoscale = built.autoscale
        self.extensions = built.extensions
        outputs: dict[str, Any] = {
            "vmss_name": self.vmss_name,
            "vmss_id": self.vmss_id,
            "os": self.os,
            "artifact_urls": [artifact.url for artifact in built.artifacts],
        }
        if built.generated_password and built.admin_password is not None:
            outputs["admin_password"] = built.admin_password
        return outputs
