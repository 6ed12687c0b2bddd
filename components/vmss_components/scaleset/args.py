"""The arguments every scale set takes, and the rules each argument obeys on its own.

``ScaleSetArgs`` and its parts are frozen keyword-only dataclasses validated on construction
(plain values only; Outputs are taken on trust). The rules that depend on the operating system
and on what the component adds live in :mod:`.resolve`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pulumi

from .._checks import (
    check_bool,
    check_choice,
    check_input_text,
    check_int,
    check_literal,
    check_pattern,
    check_sequence,
    check_tags,
    check_type,
)
from .._guard import NO_SECRETS, check_public_value
from .._types import (
    OrchestrationMode,
    OsDiskType,
    OsType,
    ProbeProtocol,
    UpgradeMode,
)
from ..errors import ConfigurationError
from ..extensions import Extension, check_extension

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
    """The Application Health extension's probe of each instance (the rolling-upgrade signal)."""

    protocol: ProbeProtocol = "http"
    port: int = 80
    request_path: str | None = "/"
    interval_in_seconds: int | None = None
    number_of_probes: int | None = None

    def __post_init__(self) -> None:
        path = "scale_set.health"
        check_literal(self.protocol, f"{path}.protocol", ProbeProtocol)
        check_int(self.port, f"{path}.port", minimum=1, maximum=65535)
        if isinstance(self.request_path, str):
            # The probe path is a public setting of the Application Health extension.
            check_public_value(self.request_path, f"{path}.request_path", NO_SECRETS)
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
            check_literal(self.os, f"{path}.os", OsType)

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
_ZONES = ("1", "2", "3")


@dataclass(frozen=True, kw_only=True)
class ManagedIdentities:
    """The scale set's managed identities, in Azure Verified Modules' vocabulary.

    ``system_assigned`` gives the scale set an identity of its own (its principal exists only
    once the scale set does; ``machine_configuration=True`` turns it on). Each id in
    ``user_assigned_resource_ids`` attaches an existing user-assigned identity; a component's
    download identity names one of them.
    """

    system_assigned: bool = False
    user_assigned_resource_ids: Sequence[pulumi.Input[str]] = ()

    def __post_init__(self) -> None:
        path = "scale_set.managed_identities"
        check_bool(self.system_assigned, f"{path}.system_assigned")
        check_sequence(self.user_assigned_resource_ids, f"{path}.user_assigned_resource_ids")
        for index, identity in enumerate(self.user_assigned_resource_ids):
            check_input_text(identity, f"{path}.user_assigned_resource_ids[{index}]")


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
    managed_identities: ManagedIdentities = field(default_factory=ManagedIdentities)
    #: Deprecated: ``managed_identities=ManagedIdentities(user_assigned_resource_ids=...)``.
    user_assigned_identity_ids: Sequence[pulumi.Input[str]] = ()
    load_balancer_backend_pool_ids: Sequence[pulumi.Input[str]] = ()
    autoscale: Autoscale | None = None
    extra_extensions: Sequence[Extension] = ()
    boot_diagnostics: bool = True
    encryption_at_host: bool = False
    automatic_repairs: bool = False
    os_disk_type: OsDiskType = "StandardSSD_LRS"
    os_disk_size_gb: int | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        path = "scale_set"
        check_input_text(self.resource_group_name, f"{path}.resource_group_name")
        check_input_text(self.subnet_id, f"{path}.subnet_id")
        check_input_text(self.location, f"{path}.location", optional=True)
        check_type(self.upgrade, UpgradePolicy, f"{path}.upgrade")
        check_pattern(
            self.vm_size, f"{path}.vm_size", _VM_SIZE, "an Azure VM size such as 'Standard_D2s_v5'"
        )
        check_int(self.capacity, f"{path}.capacity", minimum=0, maximum=1000)
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
                f"{path}.admin_username", f"{self.admin_username!r} is reserved by Azure"
            )
        check_input_text(self.admin_password, f"{path}.admin_password", optional=True, secret=True)
        if isinstance(self.ssh_public_keys, str | Path):
            raise ConfigurationError(
                f"{path}.ssh_public_keys", "expected a list of keys, got a single value"
            )
        check_sequence(self.ssh_public_keys, f"{path}.ssh_public_keys")
        check_sequence(self.zones, f"{path}.zones")
        for index, zone in enumerate(self.zones):
            check_choice(zone, f"{path}.zones[{index}]", _ZONES)
        if len(set(self.zones)) != len(self.zones):
            raise ConfigurationError(f"{path}.zones", "a zone is listed twice")
        check_literal(self.orchestration_mode, f"{path}.orchestration_mode", OrchestrationMode)
        if self.health is not None:
            check_type(self.health, HealthProbe, f"{path}.health")
        for flag in (
            "machine_configuration",
            "boot_diagnostics",
            "encryption_at_host",
            "automatic_repairs",
        ):
            check_bool(getattr(self, flag), f"{path}.{flag}")
        check_type(self.managed_identities, ManagedIdentities, f"{path}.managed_identities")
        check_sequence(self.user_assigned_identity_ids, f"{path}.user_assigned_identity_ids")
        for index, identity in enumerate(self.user_assigned_identity_ids):
            check_input_text(identity, f"{path}.user_assigned_identity_ids[{index}]")
        if self.user_assigned_identity_ids:
            self._adopt_deprecated_identities(path)
        check_sequence(
            self.load_balancer_backend_pool_ids, f"{path}.load_balancer_backend_pool_ids"
        )
        for index, pool in enumerate(self.load_balancer_backend_pool_ids):
            check_input_text(pool, f"{path}.load_balancer_backend_pool_ids[{index}]")
        if self.autoscale is not None:
            check_type(self.autoscale, Autoscale, f"{path}.autoscale")
            if not self.autoscale.minimum <= self.capacity <= self.autoscale.maximum:
                raise ConfigurationError(
                    f"{path}.capacity",
                    f"{self.capacity} is outside autoscale {self.autoscale.minimum}.."
                    f"{self.autoscale.maximum}",
                )
        check_sequence(self.extra_extensions, f"{path}.extra_extensions")
        for index, extension in enumerate(self.extra_extensions):
            check_type(extension, Extension, f"{path}.extra_extensions[{index}]")
            check_extension(extension, f"{path}.extra_extensions[{index}]")
        check_literal(self.os_disk_type, f"{path}.os_disk_type", OsDiskType)
        if self.os_disk_size_gb is not None:
            check_int(self.os_disk_size_gb, f"{path}.os_disk_size_gb", minimum=30, maximum=4095)
        check_tags(self.tags, f"{path}.tags")
        self._check_combinations(path)

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
        if self.managed_identities.system_assigned and self.orchestration_mode == "Flexible":
            raise ConfigurationError(
                f"{path}.managed_identities.system_assigned",
                "Flexible scale sets allow only user-assigned identities: use "
                "orchestration_mode='Uniform' or a user-assigned identity",
            )
