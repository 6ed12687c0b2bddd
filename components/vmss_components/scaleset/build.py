"""Registering the scale set: one ``compute.VirtualMachineScaleSet`` (and, with autoscale,
its ``monitor.AutoscaleSetting``) as children of the calling component, from a resolved
:class:`~.resolve.ScaleSetSpec`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import pulumi
import pulumi_random as random
from pulumi_azure_native import compute, monitor

from .._guard import guard_output_contents
from .._inputs import as_dict, checked_at
from .._redact import kind, redacts
from ..errors import ConfigurationError
from ..extensions import (
    Extension,
    check_extension_list,
    check_handler_rules,
    check_one_per_handler,
)
from ..store import PublishedArtifact
from .args import ScaleSetArgs, UpgradePolicy
from .resolve import ScaleSetSpec
from .trusted_launch import decide_trusted_launch

# Scale-set operations wait for every instance and every extension (DSC may reboot twice):
# far beyond the provider's default. At least two hours, as long rollouts need.
LONG_OPERATION = "2h"
#: A Uniform scale set in a single placement group holds at most this many instances.
SINGLE_PLACEMENT_GROUP_LIMIT = 100
_MANUAL_UPGRADE_NOTE = (
    "upgrade policy Manual: model changes (extensions, customData, image) reach only new "
    "instances until each existing instance is upgraded (az vmss update-instances)"
)


@redacts("admin_password")
@dataclass(frozen=True, kw_only=True)
class BuiltScaleSet:
    """What :func:`build_scale_set` registered."""

    vmss: compute.VirtualMachineScaleSet
    admin_password: pulumi.Output[str] | None
    generated_password: bool
    autoscale: monitor.AutoscaleSetting | None
    extensions: tuple[Extension, ...]
    artifacts: tuple[PublishedArtifact, ...]
    #: Every user-assigned identity attached to the scale set: the arguments' and those the
    #: component added (a download identity given by id).
    user_assigned_resource_ids: tuple[pulumi.Input[str], ...] = ()


def build_scale_set(
    name: str,
    spec: ScaleSetSpec,
    *,
    parent: pulumi.Resource,
    extensions: Sequence[Extension] = (),
    custom_data: pulumi.Input[str] | None = None,
    identity_ids: Sequence[pulumi.Input[str]] = (),
    depends_on: Sequence[pulumi.Resource] = (),
    artifacts: Sequence[PublishedArtifact] = (),
    manual_upgrade_note: str = _MANUAL_UPGRADE_NOTE,
) -> BuiltScaleSet:
    """Register the scale set (``<name>-vmss``) and its autoscale setting under ``parent``.

    ``extensions`` are the component's own; the health and guest configuration extensions
    from the spec and the user's ``extra_extensions`` follow them. ``identity_ids`` adds
    user-assigned identities the component owns; ``depends_on`` holds what must exist before
    the first instance boots (a role assignment its extensions rely on). ``artifacts`` are the
    published artifacts the instances download: the scale set waits for their uploads, whose
    URLs are known before the blobs exist.
    """
    args = spec.args
    all_extensions = (*extensions, *spec.added_extensions, *args.extra_extensions)
    check_extension_list(all_extensions, "scale_set.extensions")
    # The component's own extensions obey the same handler rules as the user's (checked
    # for those already by resolve_scale_set, before anything registered).
    for extension in all_extensions:
        check_handler_rules(extension, spec.os, f"scale_set.extensions.{extension.name}")
    check_one_per_handler(
        [(f"scale_set.extensions.{e.name}", e.publisher, e.type) for e in all_extensions]
    )
    child = pulumi.ResourceOptions(parent=parent)

    password: pulumi.Output[str] | None = None
    generated = False
    if spec.os == "windows":
        if args.admin_password is None:
            generated_password = windows_password(f"{name}-admin-password", opts=child)
            password = pulumi.Output.secret(generated_password.result)
            generated = True
        else:
            # An Output's value is checked to be text when known: the SDK's own type error
            # would print the value.
            password = pulumi.Output.secret(
                checked_at(args.admin_password, _check_password_type, "scale_set.admin_password")
            )

    if args.upgrade.mode == "Manual":
        # One warning per scale set; a component may say more precisely what a Manual policy
        # means for what it delivers.
        pulumi.log.warn(f"{name}: {manual_upgrade_note}", resource=parent)

    vmss = compute.VirtualMachineScaleSet(
        f"{name}-vmss",
        resource_group_name=args.resource_group_name,
        location=args.location,
        sku=compute.SkuArgs(name=_vm_size(spec), tier="Standard", capacity=args.capacity),
        zones=_zones(args),
        orchestration_mode=compute.OrchestrationMode(args.orchestration_mode),
        **_orchestration_settings(args),
        upgrade_policy=_upgrade_policy(args.upgrade),
        automatic_repairs_policy=(
            compute.AutomaticRepairsPolicyArgs(enabled=True, grace_period="PT30M")
            if args.automatic_repairs
            else None
        ),
        identity=_identity(spec, identity_ids),
        virtual_machine_profile=compute.VirtualMachineScaleSetVMProfileArgs(
            os_profile=_os_profile(spec, password, custom_data),
            storage_profile=_storage_profile(spec),
            network_profile=_network_profile(name, args),
            diagnostics_profile=compute.DiagnosticsProfileArgs(
                boot_diagnostics=compute.BootDiagnosticsArgs(enabled=args.boot_diagnostics)
            ),
            extension_profile=compute.VirtualMachineScaleSetExtensionProfileArgs(
                extensions=[extension_args(e) for e in all_extensions]
            )
            if all_extensions
            else None,
            security_profile=_security_profile(spec),
        ),
        tags=as_dict(args.tags),
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
        user_assigned_resource_ids=(*spec.user_assigned_resource_ids, *identity_ids),
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
    settings: dict[str, Any] = {"overprovision": False}
    # One placement group holds at most 100 instances: a Uniform scale set that may grow
    # beyond (capacity or autoscale maximum) spans several.
    single = single_placement_group(args)
    if single is not None:
        settings["single_placement_group"] = single
    return settings


def _over_limit(capacity: int, autoscale_maximum: int) -> bool | None:
    return False if max(capacity, autoscale_maximum) > SINGLE_PLACEMENT_GROUP_LIMIT else None


def single_placement_group(args: ScaleSetArgs) -> pulumi.Input[bool] | None:
    """``singlePlacementGroup`` for a Uniform scale set: False when it may hold more than 100
    instances (``capacity`` or the autoscale maximum), else None (Azure's default). A
    capacity known only later decides when it is known."""
    maximum = args.autoscale.maximum if args.autoscale else 0
    capacity = args.capacity
    if isinstance(capacity, int):
        return _over_limit(capacity, maximum)
    if maximum > SINGLE_PLACEMENT_GROUP_LIMIT:
        return False
    # None once known leaves the setting out, as for a plain capacity of 100 or fewer.
    known_later: pulumi.Output[int] = pulumi.Output.from_input(capacity)
    return known_later.apply(lambda count: cast(bool, _over_limit(int(count), maximum)))


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
    spec: ScaleSetSpec, identity_ids: Sequence[pulumi.Input[str]]
) -> compute.VirtualMachineScaleSetIdentityArgs | None:
    user_assigned = [*spec.user_assigned_resource_ids, *identity_ids]
    system = spec.system_assigned_identity
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
    spec: ScaleSetSpec,
    password: pulumi.Output[str] | None,
    custom_data: pulumi.Input[str] | None,
) -> compute.VirtualMachineScaleSetOSProfileArgs:
    args = spec.args
    if spec.os == "windows":
        return compute.VirtualMachineScaleSetOSProfileArgs(
            computer_name_prefix=spec.computer_name_prefix,
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
        computer_name_prefix=spec.computer_name_prefix,
        admin_username=args.admin_username,
        custom_data=custom_data,
        linux_configuration=compute.LinuxConfigurationArgs(
            disable_password_authentication=True,
            provision_vm_agent=True,
            ssh=compute.SshConfigurationArgs(
                public_keys=_public_keys(args.admin_username, spec.ssh_public_keys)
            ),
        ),
    )


def _public_keys(
    username: str, keys: Sequence[pulumi.Input[str]] | pulumi.Output[Sequence[str]]
) -> list[compute.SshPublicKeyArgs] | pulumi.Output[list[compute.SshPublicKeyArgs]]:
    def entry(key: pulumi.Input[str]) -> compute.SshPublicKeyArgs:
        return compute.SshPublicKeyArgs(path=f"/home/{username}/.ssh/authorized_keys", key_data=key)

    if isinstance(keys, pulumi.Output):
        # The whole list is known later (another stack's output).
        return keys.apply(lambda known: [entry(key) for key in known])
    return [entry(key) for key in keys]


def _vm_size(spec: ScaleSetSpec) -> pulumi.Input[str]:
    """The size; one known only later is checked then against the Trusted Launch rule that
    resolve applies to a plain size (same message)."""
    size = spec.args.vm_size
    if not spec.trusted_launch or not isinstance(size, pulumi.Output):
        return size

    def rule(known: Any, path: str) -> None:
        decide_trusted_launch(
            spec.args.trusted_launch,
            spec.image.hyper_v_generation(),
            known,
            spec.image.label(),
            path,
        )

    return checked_at(size, rule, "scale_set")


def _zones(args: ScaleSetArgs) -> Any:
    # An empty list is a regional scale set: sent as no zones at all.
    if isinstance(args.zones, pulumi.Output):
        return args.zones.apply(lambda zones: list(zones) or None)
    return list(args.zones) or None


def _text(value: pulumi.Input[int]) -> pulumi.Input[str]:
    """A count as the text the autoscale setting takes."""
    return (
        pulumi.Output.from_input(value).apply(str)
        if isinstance(value, pulumi.Output)
        else str(value)
    )


def _security_profile(spec: ScaleSetSpec) -> compute.SecurityProfileArgs | None:
    # Trusted Launch is sent explicitly: the SDK's compute API (2024-11-01) predates Azure's
    # Trusted Launch default, and its opt-out is to leave securityType unset.
    trusted = spec.trusted_launch
    if not trusted and not spec.args.encryption_at_host:
        return None
    return compute.SecurityProfileArgs(
        encryption_at_host=True if spec.args.encryption_at_host else None,
        security_type=compute.SecurityTypes.TRUSTED_LAUNCH if trusted else None,
        uefi_settings=compute.UefiSettingsArgs(secure_boot_enabled=True, v_tpm_enabled=True)
        if trusted
        else None,
    )


def _storage_profile(spec: ScaleSetSpec) -> compute.VirtualMachineScaleSetStorageProfileArgs:
    image = spec.image
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
            disk_size_gb=spec.args.os_disk_size_gb,
            managed_disk=compute.VirtualMachineScaleSetManagedDiskParametersArgs(
                storage_account_type=spec.args.os_disk_type
            ),
        ),
    )


def _network_profile(
    name: str, args: ScaleSetArgs
) -> compute.VirtualMachineScaleSetNetworkProfileArgs:
    pools = [compute.SubResourceArgs(id=pool) for pool in args.load_balancer_backend_pool_ids]
    return compute.VirtualMachineScaleSetNetworkProfileArgs(
        network_api_version="2020-11-01" if args.orchestration_mode == "Flexible" else None,
        # A load balancer probe as the health signal (rolling upgrades, repairs).
        health_probe=compute.ApiEntityReferenceArgs(id=args.health_probe_id)
        if args.health_probe_id is not None
        else None,
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
        force_update_tag=guard_output_contents(
            extension.force_update_tag, f"extensions.{extension.name}.force_update_tag"
        ),
        # provisionAfterExtensions needs every extension to carry settings, even {}.
        # An Output's content is judged when it resolves, before Azure receives it.
        settings=guard_output_contents(
            dict(extension.settings), f"extensions.{extension.name}.settings"
        ),
        protected_settings=protected,
        provision_after_extensions=list(extension.provision_after) or None,
        suppress_failures=extension.suppress_failures,
    )


def _check_password_type(password: object, path: str) -> None:
    if not isinstance(password, str) or not password:
        raise ConfigurationError(
            path, f"expected a non-empty string, got {kind(password)} (the value is not shown)"
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
                    default=_text(args.capacity if settings.default is None else settings.default),
                ),
                rules=[
                    rule("Increase", "GreaterThan", settings.scale_out_cpu_percent),
                    rule("Decrease", "LessThan", settings.scale_in_cpu_percent),
                ],
            )
        ],
        tags=as_dict(args.tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
