"""The base of every scale-set component, and the facts a scale set shares with others.

A scale-set component registers exactly its output attributes (the annotated attributes
below, and those its subclass adds); everything else it offers is a read-only property.
Another component learns about a scale set only through :class:`ScaleSetFacts`, plain values
and Inputs, never through its resources or arguments.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import pulumi
import pulumi_random as random
from pulumi_azure_native import compute, monitor

from .._registry import claim_component_name
from .._types import OrchestrationMode, OsType
from ..extensions import Extension
from .args import ScaleSetArgs
from .build import BuiltScaleSet
from .resolve import ScaleSetSpec

# 256 bits: the key of the HMAC through which protected values enter a public update tag.
_TAG_KEY_BYTES = 32


@dataclass(frozen=True, kw_only=True)
class ScaleSetFacts:
    """What another component (a guest assignment) may know of a scale set.

    A fact is None where it cannot be known from this program (a scale set managed
    elsewhere): the consumer then warns instead of checking.
    """

    os: OsType
    resource_group_name: pulumi.Input[str]
    vmss_name: pulumi.Input[str]
    location: pulumi.Input[str] | None
    #: How the scale set is named in messages (``scale set of web``).
    label: str
    orchestration_mode: OrchestrationMode | None = None
    machine_configuration: bool | None = None
    system_assigned_identity: bool | None = None
    user_assigned_resource_ids: tuple[pulumi.Input[str], ...] | None = None


def _principal_id(identity: compute.outputs.VirtualMachineScaleSetIdentityResponse | None) -> str:
    # Azure fills principalId once the identity exists; until then (or under mocks that do not
    # answer it) the value is unset, which Pulumi shows as unknown or null.
    return cast(str, identity.principal_id if identity is not None else None)


def tag_key(name: str, parent: pulumi.Resource) -> pulumi.Output[str]:
    """A secret random key (``<name>-tag-key``) owned by ``parent``, for keyed update tags."""
    return random.RandomBytes(
        f"{name}-tag-key",
        length=_TAG_KEY_BYTES,
        opts=pulumi.ResourceOptions(parent=parent),
    ).base64


class ScaleSetComponent(pulumi.ComponentResource):
    """What every scale-set component of this library exposes.

    Outputs (registered): ``vmss``, ``vmss_id``, ``vmss_name``, ``principal_id``, ``os``,
    ``admin_password``, ``autoscale``, and those of the component. Properties: ``args``,
    ``spec`` (the validated scale set), ``extensions`` (every extension in the model, in
    order) and ``facts`` (what a guest assignment may know of it).
    """

    vmss: compute.VirtualMachineScaleSet
    """The scale set."""
    vmss_id: pulumi.Output[str]
    """The scale set's Azure resource id."""
    vmss_name: pulumi.Output[str]
    """The scale set's Azure name."""
    principal_id: pulumi.Output[str] | None
    """The principal id of the scale set's system-assigned identity; None without one."""
    os: OsType
    """The operating system of the instances: ``"windows"`` or ``"linux"``."""
    admin_password: pulumi.Output[str] | None
    """Windows: the administrator password (secret; generated when none was given). None on
    Linux."""
    autoscale: monitor.AutoscaleSetting | None
    """The CPU autoscale setting, or None without autoscale."""

    _args: Any
    _spec: ScaleSetSpec
    _extensions: tuple[Extension, ...]

    def __init__(
        self, type_token: str, name: str, args: Any, opts: pulumi.ResourceOptions | None
    ) -> None:
        claim_component_name(type_token, name)
        super().__init__(type_token, name, None, opts)
        self._component_name = name
        self._args = args

    @property
    def args(self) -> Any:
        """The arguments the component was given."""
        return self._args

    @property
    def spec(self) -> ScaleSetSpec:
        """The validated scale set: OS, image, computer name prefix, keys, extensions."""
        return self._spec

    @property
    def plan(self) -> ScaleSetSpec:
        """Deprecated name of :attr:`spec`."""
        warnings.warn(
            "ScaleSetComponent.plan is deprecated and will be removed in the next release: "
            "use .spec",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._spec

    @property
    def extensions(self) -> tuple[Extension, ...]:
        """Every extension in the scale set's model, in order."""
        return self._extensions

    @property
    def facts(self) -> ScaleSetFacts:
        """What a guest assignment may know of this scale set."""
        scale_set: ScaleSetArgs = self._spec.args
        return ScaleSetFacts(
            os=self._spec.os,
            resource_group_name=scale_set.resource_group_name,
            vmss_name=self.vmss_name,
            location=self.vmss.location,
            label=f"scale set of {self._component_name}",
            orchestration_mode=scale_set.orchestration_mode,
            machine_configuration=scale_set.machine_configuration,
            system_assigned_identity=self._spec.system_assigned_identity,
            # Those the component attached too (a download identity given by id): a guest
            # assignment may read its content with one of them.
            user_assigned_resource_ids=self._attached_identity_ids,
        )

    def _finish(self, built: BuiltScaleSet, spec: ScaleSetSpec, outputs: Mapping[str, Any]) -> None:
        """Take the built scale set's attributes and register every output attribute:
        those above and the component's own ``outputs``."""
        self._spec = spec
        self._attached_identity_ids = built.user_assigned_resource_ids
        self._extensions = built.extensions
        self.vmss = built.vmss
        self.vmss_name = built.vmss.name
        self.vmss_id = built.vmss.id
        self.principal_id = (
            built.vmss.identity.apply(_principal_id) if spec.system_assigned_identity else None
        )
        self.os = spec.os
        self.admin_password = built.admin_password
        self.autoscale = built.autoscale
        self.register_outputs(
            {
                "vmss": self.vmss,
                "vmss_id": self.vmss_id,
                "vmss_name": self.vmss_name,
                "principal_id": self.principal_id,
                "os": self.os,
                "admin_password": self.admin_password,
                "autoscale": self.autoscale,
                **outputs,
            }
        )
