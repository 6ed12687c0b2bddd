"""GuestAssignment: an Azure Machine Configuration package assigned to a scale set.

The package (:class:`MachineConfigurationPackage`) is published to the artifact store; a
``guestconfiguration.GuestConfigurationAssignmentsVMSS`` points the agent on every instance at
it by HTTPS URL (with a read-only SAS, or plain with a user-assigned identity that holds the
blob reader role), with the upper-case SHA256 the agent checks the download against.

Machine Configuration is unforgiving and reports mistakes only on the machines, late. So the
rules are checked here, before any resource exists: the zip, MOF and assignment share one
name; parameters name a resource and property the MOF has and are strings; an Audit package
backs only an Audit assignment; the target scale set has the agent extension, a
system-assigned identity and Uniform orchestration; one scale set carries one assignment per
configuration name.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
from pulumi_azure_native import authorization, guestconfiguration, managedidentity

from .artifacts import ArtifactStore, PublishedArtifact
from .errors import ConfigurationError
from .extensions import GUEST_CONFIGURATION_PUBLISHER, OsType, guest_configuration_extension
from .guard import check_public_settings
from .naming import artifact_key
from .packaging import MachineConfigurationPackage
from .packaging.mof import MofInstance, MofResource
from .scaleset import ScaleSetComponent
from .validation import check_choice, check_component_name, check_input_text

AssignmentType = Literal["Audit", "ApplyAndMonitor", "ApplyAndAutoCorrect", "DeployAndAutoCorrect"]
ASSIGNMENT_TYPES: tuple[AssignmentType, ...] = (
    "Audit",
    "ApplyAndMonitor",
    "ApplyAndAutoCorrect",
    "DeployAndAutoCorrect",
)
_IDENTITY_ID = re.compile(
    r"/subscriptions/[^/]+/resourceGroups/(?P<group>[^/]+)/providers/"
    r"Microsoft\.ManagedIdentity/userAssignedIdentities/(?P<name>[^/]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True, kw_only=True)
class ExternalScaleSet:
    """A scale set managed outside this library (another stack, the portal, Bicep).

    Its prerequisites (the agent extension, a system-assigned identity, Uniform orchestration)
    cannot be checked from here: the assignment logs a warning saying so.
    """

    resource_group_name: pulumi.Input[str]
    vmss_name: pulumi.Input[str]
    os: OsType
    location: pulumi.Input[str] | None = None

    def __post_init__(self) -> None:
        check_input_text(self.resource_group_name, "target.resource_group_name")
        check_input_text(self.vmss_name, "target.vmss_name")
        check_choice(self.os, "target.os", ("windows", "linux"))
        check_input_text(self.location, "target.location", optional=True)


@dataclass(frozen=True, kw_only=True)
class GuestAssignmentArgs:
    """A Machine Configuration package, where it is published, and the scale set it governs.

    ``parameters`` and ``protected_parameters`` override values in the MOF: keys are
    ``[ResourceType]ResourceName;Property`` (``[MotdFile]Motd;Contents``), values are strings.
    Protected values are Pulumi secrets. ``content_identity_id`` is a user-assigned identity
    (already attached to the target) that downloads the package instead of a SAS token.
    """

    package: MachineConfigurationPackage
    store: ArtifactStore
    target: ScaleSetComponent | ExternalScaleSet
    assignment_type: AssignmentType = "Audit"
    parameters: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    protected_parameters: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    content_identity_id: pulumi.Input[str] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.package, MachineConfigurationPackage):
            raise ConfigurationError(
                "package",
                "expected a MachineConfigurationPackage (MachineConfigurationPackage.build(...) "
                f"or .from_zip(...)), got {self.package!r}",
            )
        if not isinstance(self.store, ArtifactStore):
            raise ConfigurationError("store", f"expected an ArtifactStore, got {self.store!r}")
        if not isinstance(self.target, ScaleSetComponent | ExternalScaleSet):
            raise ConfigurationError(
                "target",
                "expected a scale-set component of this library or ExternalScaleSet(...), "
                f"got {self.target!r}",
            )
        check_choice(self.assignment_type, "assignment_type", ASSIGNMENT_TYPES)
        for attribute in ("parameters", "protected_parameters"):
            values = getattr(self, attribute)
            if not isinstance(values, Mapping):
                raise ConfigurationError(
                    attribute, "expected a mapping of '[Type]Name;Property' to string values"
                )
            for key, value in values.items():
                _check_parameter_value(
                    key, value, f"{attribute}.{key}", secret=attribute == "protected_parameters"
                )
        for key in self.protected_parameters:
            if key in self.parameters:
                raise ConfigurationError(
                    f"protected_parameters.{key}",
                    f"{key!r} is also in parameters: give each parameter once",
                )
        check_public_settings(dict(self.parameters), "parameters")
        identity = self.content_identity_id
        if not (identity is None or isinstance(identity, pulumi.Output)) and not (
            isinstance(identity, str) and _IDENTITY_ID.fullmatch(identity)
        ):
            raise ConfigurationError(
                "content_identity_id",
                f"{identity!r} is not a user-assigned identity id (/subscriptions/<id>/"
                "resourceGroups/<group>/providers/Microsoft.ManagedIdentity/"
                "userAssignedIdentities/<name>)",
            )


def _check_parameter_value(key: object, value: object, path: str, *, secret: bool) -> None:
    if not isinstance(key, str) or not key:
        raise ConfigurationError(path, f"parameter names are text, got {key!r}")
    if isinstance(value, pulumi.Output | str):
        return
    # A protected value is never repeated in a message (messages reach logs and CI output).
    shown = f"a value of type {type(value).__name__}" if secret else repr(value)
    # Azure takes every parameter value as a string; say exactly what to write instead.
    if isinstance(value, bool | int | float):
        hint = "str(value)" if secret else repr(str(value))
        raise ConfigurationError(
            path,
            f"{shown} is not a string: Machine Configuration parameters are strings, write {hint}",
        )
    if isinstance(value, list | tuple | set | Mapping):
        raise ConfigurationError(
            path,
            f"{shown} is not a string: Machine Configuration cannot pass arrays or objects "
            "through parameters, only strings",
        )
    raise ConfigurationError(path, f"{shown} is not a string")


# --- Plan -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class GuestAssignmentPlan:
    """A validated assignment: what Azure receives, and where."""

    configuration_name: str
    os: OsType
    resource_group_name: pulumi.Input[str]
    vmss_name: pulumi.Input[str]
    location: pulumi.Input[str] | None
    parameters: tuple[tuple[str, pulumi.Input[str]], ...]
    protected_parameters: tuple[tuple[str, pulumi.Input[str]], ...]
    #: Identity ids attached to the target, when the content identity must be matched against
    #: them once Outputs are known (None: proven at plan time or not applicable).
    identity_ids_to_match: tuple[pulumi.Input[str], ...] | None
    target_key: Hashable
    target_label: str
    warnings: tuple[str, ...]


def plan_guest_assignment(name: str, args: GuestAssignmentArgs) -> GuestAssignmentPlan:
    """Every rule of a GuestAssignment, checked before any resource exists."""
    check_component_name(name)
    if not isinstance(args, GuestAssignmentArgs):
        raise ConfigurationError("args", f"expected GuestAssignmentArgs, got {args!r}")
    args.store.check_unpublished(artifact_key(name, "guest-config"))
    package = args.package
    if package.mode == "Audit" and args.assignment_type != "Audit":
        raise ConfigurationError(
            "assignment_type",
            f"{args.assignment_type!r} sets machine state, but {package.filename} is an Audit "
            "package (metaconfig Type Audit), which only audits: build it with "
            "mode='AuditAndSet', or assign it as 'Audit'",
        )
    parameters = tuple(
        (key, _check_parameter(key, value, package, f"parameters.{key}"))
        for key, value in args.parameters.items()
    )
    protected = tuple(
        (key, _check_parameter(key, value, package, f"protected_parameters.{key}", secret=True))
        for key, value in args.protected_parameters.items()
    )
    warnings: list[str] = []
    if protected:
        names = ", ".join(key for key, _ in protected)
        warnings.append(
            f"protected parameters ({names}) are sent to Azure as secrets, but Machine "
            "Configuration does not manage secrets (no secret store, no rotation); prefer "
            "reading secrets on the machine, for example from Key Vault with a managed "
            "identity"
        )

    target = args.target
    to_match: tuple[pulumi.Input[str], ...] | None = None
    if isinstance(target, ExternalScaleSet):
        os = target.os
        resource_group_name = target.resource_group_name
        vmss_name = target.vmss_name
        location = target.location
        key: Hashable = (
            ("external", target.resource_group_name.lower(), target.vmss_name.lower())
            if isinstance(target.resource_group_name, str) and isinstance(target.vmss_name, str)
            else _Same(target)
        )
        label = (
            f"scale set {target.vmss_name}"
            if isinstance(target.vmss_name, str)
            else "the scale set"
        )
        agent = guest_configuration_extension(os)
        needs = (
            f"Uniform orchestration, a system-assigned identity and the {agent.name} extension "
            f"(publisher {GUEST_CONFIGURATION_PUBLISHER}, type {agent.type}, version "
            f"{agent.type_handler_version}, automatic upgrade on)"
        )
        if args.content_identity_id is not None:
            needs += " and the user-assigned identity in content_identity_id"
        warnings.append(
            f"the prerequisites of external {label} cannot be checked from here: it needs {needs}"
        )
    else:
        os, resource_group_name, vmss_name, location = _check_component(target)
        to_match = _check_identity(args.content_identity_id, target)
        key = _Same(target)
        label = f"scale set of {getattr(target, '_name', 'the target')}"
    expected = package.operating_system()
    if expected is not None and expected != os:
        modules = ", ".join(sorted({r.module_name for r in package.resources}))
        raise ConfigurationError(
            "target",
            f"{package.filename} uses {expected} resource modules ({modules}), but the target "
            f"runs {os}",
        )
    return GuestAssignmentPlan(
        configuration_name=package.configuration_name,
        os=os,
        resource_group_name=resource_group_name,
        vmss_name=vmss_name,
        location=location,
        parameters=parameters,
        protected_parameters=protected,
        identity_ids_to_match=to_match,
        target_key=key,
        target_label=label,
        warnings=tuple(warnings),
    )


def _check_parameter(
    key: str,
    value: pulumi.Input[str],
    package: MachineConfigurationPackage,
    path: str,
    *,
    secret: bool = False,
) -> pulumi.Input[str]:
    """The parameter names a resource and property of the MOF, and its value fits."""
    resource_id, separator, prop = key.rpartition(";")
    if not separator or not resource_id or not prop:
        raise ConfigurationError(
            path,
            f"{key!r} is not '[ResourceType]ResourceName;Property' (for example "
            f"'{_example(package.resources[0])}')",
        )
    resource = package.configuration.resource(resource_id)
    if resource is None:
        found = ", ".join(r.resource_id for r in package.resources)
        raise ConfigurationError(
            path,
            f"{package.configuration_name} has no resource {resource_id!r}; its resources: {found}",
        )
    if prop not in resource.properties:
        near = [p for p in resource.properties if p.lower() == prop.lower()]
        hint = f" (did you mean {near[0]!r}? names are matched exactly)" if near else ""
        found = ", ".join(resource.properties) or "none"
        raise ConfigurationError(
            path,
            f"{resource_id} sets no property {prop!r} in the MOF{hint}; it sets: {found}",
        )
    current = resource.properties[prop]
    if isinstance(current, tuple | MofInstance):
        kind = "an array" if isinstance(current, tuple) else "an embedded instance"
        raise ConfigurationError(
            path,
            f"{prop} of {resource_id} is {kind} in the MOF: Machine Configuration parameters "
            "carry strings only",
        )
    if isinstance(value, str):
        _check_fits(value, current, prop, resource_id, path, secret=secret)
    return value


def _check_fits(
    value: str, current: object, prop: str, resource_id: str, path: str, *, secret: bool
) -> None:
    """A string the agent can put where the MOF has a boolean or a number."""
    shown = "the value given" if secret else repr(value)
    if isinstance(current, bool):
        if value.strip().lower() not in ("true", "false"):
            raise ConfigurationError(
                path, f"{prop} of {resource_id} is a boolean: write 'True' or 'False'"
            )
    elif isinstance(current, int):
        try:
            int(value.strip())
        except ValueError:
            raise ConfigurationError(
                path, f"{prop} of {resource_id} is a whole number, and {shown} is not"
            ) from None
    elif isinstance(current, float):
        try:
            float(value.strip())
        except ValueError:
            raise ConfigurationError(
                path, f"{prop} of {resource_id} is a number, and {shown} is not"
            ) from None


def _example(resource: MofResource) -> str:
    first = next(iter(resource.properties), "Property")
    return f"{resource.resource_id};{first}"


def _check_component(
    target: ScaleSetComponent,
) -> tuple[OsType, pulumi.Input[str], pulumi.Input[str], pulumi.Input[str] | None]:
    plan = getattr(target, "plan", None)
    if plan is None:
        raise ConfigurationError("target", "the scale-set component has not finished building")
    args = plan.args
    if args.orchestration_mode != "Uniform":
        raise ConfigurationError(
            "target.scale_set.orchestration_mode",
            f"{args.orchestration_mode}: assignments to a scale set need Uniform orchestration "
            "(Flexible scale sets allow no system-assigned identity); set "
            "orchestration_mode='Uniform' and machine_configuration=True on the target's "
            "ScaleSetArgs",
        )
    if not args.machine_configuration:
        agent = guest_configuration_extension(plan.os)
        raise ConfigurationError(
            "target.scale_set.machine_configuration",
            "the target lacks the Machine Configuration prerequisites: set "
            f"machine_configuration=True on its ScaleSetArgs, which adds the {agent.name} "
            "extension and a system-assigned identity",
        )
    return plan.os, args.resource_group_name, target.vmss_name, target.vmss.location


def _check_identity(
    identity: pulumi.Input[str] | None, target: ScaleSetComponent
) -> tuple[pulumi.Input[str], ...] | None:
    """The content identity is attached to the target; returns ids to match at deploy time
    when Outputs keep the answer from being known now."""
    if identity is None:
        return None
    attached: Sequence[pulumi.Input[str]] = target.plan.args.user_assigned_identity_ids
    missing = ConfigurationError(
        "content_identity_id",
        "the target does not carry this identity: add it to the target's "
        "ScaleSetArgs(user_assigned_identity_ids=[...]) (a scale set built earlier cannot "
        "gain it from here)",
    )
    if any(item is identity for item in attached):
        return None
    if not attached:
        raise missing
    if isinstance(identity, str) and all(isinstance(item, str) for item in attached):
        if identity.lower() in {str(item).lower() for item in attached}:
            return None
        raise missing
    return tuple(attached)


@dataclass(frozen=True, eq=False)
class _Same:
    """A registry key that matches one object only."""

    value: object

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value


# Per stack (the root resource), per target: configuration name (lower case) -> component.
_CLAIMS: weakref.WeakKeyDictionary[pulumi.Resource, dict[Hashable, dict[str, str]]] = (
    weakref.WeakKeyDictionary()
)
_UNROOTED: dict[Hashable, dict[str, str]] = {}


def _claim(name: str, plan: GuestAssignmentPlan) -> None:
    """Refuse a second assignment of one configuration on one scale set in this stack."""
    root = pulumi.runtime.get_root_resource()
    claims = _CLAIMS.setdefault(root, {}) if root is not None else _UNROOTED
    taken = claims.setdefault(plan.target_key, {})
    other = taken.get(plan.configuration_name.lower())
    if other is not None:
        raise ConfigurationError(
            "target",
            f"{plan.target_label} already carries configuration {plan.configuration_name!r} "
            f"(GuestAssignment {other!r}): Azure names the assignment after the configuration, "
            "so both would be one resource",
        )
    taken[plan.configuration_name.lower()] = name


# --- Component ------------------------------------------------------------------------------


class GuestAssignment(pulumi.ComponentResource):
    """A Machine Configuration package assigned to every instance of a scale set.

    Outputs: ``assignment`` (the GuestConfigurationAssignmentsVMSS), ``assignment_name``,
    ``content_uri`` (secret when it carries a SAS), ``content_hash`` (upper-case SHA256),
    ``artifact`` (:class:`PublishedArtifact`) and ``content_reader`` (the role assignment of
    the content identity, or None).
    """

    assignment: guestconfiguration.GuestConfigurationAssignmentsVMSS
    assignment_name: pulumi.Output[str]
    content_uri: pulumi.Output[str]
    content_hash: pulumi.Output[str]
    artifact: PublishedArtifact
    content_reader: authorization.RoleAssignment | None

    def __init__(
        self, name: str, args: GuestAssignmentArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        plan = plan_guest_assignment(name, args)
        _claim(name, plan)
        super().__init__("vmss:index:GuestAssignment", name, None, opts)
        self.args = args
        self.plan = plan
        package = args.package
        self.artifact = args.store.publish(artifact_key(name, "guest-config"), package)
        for warning in plan.warnings:
            pulumi.log.warn(f"{name}: {warning}", resource=self)

        # The URL is known before the upload finishes: wait for the blob itself.
        depends_on: list[pulumi.Resource] = [self.artifact.blob]
        identity: pulumi.Output[str] | None = None
        self.content_reader = None
        if args.content_identity_id is not None:
            identity = _matched_identity(args.content_identity_id, plan.identity_ids_to_match)
            parts = identity.apply(_identity_parts)
            principal_id = managedidentity.get_user_assigned_identity_output(
                resource_group_name=parts.apply(lambda p: p[0]),
                resource_name=parts.apply(lambda p: p[1]),
                opts=pulumi.InvokeOutputOptions(parent=self),
            ).principal_id
            self.content_reader = args.store.grant_read(
                f"{name}-content-reader",
                principal_id,
                opts=pulumi.ResourceOptions(parent=self),
            )
            depends_on.append(self.content_reader)
            # The identity reads the blob: the URL carries no token.
            self.content_uri = self.artifact.url
        else:
            self.content_uri = self.artifact.url_with_sas

        self.content_hash = pulumi.Output.from_input(package.content_hash)
        guest = guestconfiguration.GuestConfigurationNavigationArgs(
            name=package.configuration_name,
            content_uri=self.content_uri,
            content_hash=package.content_hash,
            assignment_type=guestconfiguration.AssignmentType(args.assignment_type),
            configuration_parameter=[
                guestconfiguration.ConfigurationParameterArgs(name=key, value=value)
                for key, value in plan.parameters
            ]
            or None,
            configuration_protected_parameter=[
                guestconfiguration.ConfigurationParameterArgs(
                    name=key, value=pulumi.Output.secret(value)
                )
                for key, value in plan.protected_parameters
            ]
            or None,
            content_managed_identity=identity,
        )
        self.assignment = guestconfiguration.GuestConfigurationAssignmentsVMSS(
            f"{name}-assignment",
            # Azure finds the configuration by this name: it must be the MOF's and the zip's.
            name=package.configuration_name,
            vmss_name=plan.vmss_name,
            resource_group_name=plan.resource_group_name,
            location=plan.location,
            properties=guestconfiguration.GuestConfigurationAssignmentPropertiesArgs(
                guest_configuration=guest
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )
        self.assignment_name = self.assignment.name
        self.register_outputs(
            {
                "assignment_name": self.assignment_name,
                "content_uri": self.content_uri,
                "content_hash": self.content_hash,
                "artifact_url": self.artifact.url,
            }
        )


def _identity_parts(identity_id: str) -> tuple[str, str]:
    match = _IDENTITY_ID.fullmatch(identity_id)
    if match is None:
        raise ConfigurationError(
            "content_identity_id", f"{identity_id!r} is not a user-assigned identity id"
        )
    return match.group("group"), match.group("name")


def _matched_identity(
    identity: pulumi.Input[str], attached: tuple[pulumi.Input[str], ...] | None
) -> pulumi.Output[str]:
    """The identity id, checked against the target's identities once Outputs are known."""
    if attached is None:
        return pulumi.Output.from_input(identity)

    def check(values: list[Any]) -> str:
        wanted, *ids = values
        if str(wanted).lower() not in {str(item).lower() for item in ids}:
            raise ConfigurationError(
                "content_identity_id",
                f"the target does not carry identity {wanted}: add it to the target's "
                "ScaleSetArgs(user_assigned_identity_ids=[...])",
            )
        return str(wanted)

    return pulumi.Output.all(identity, *attached).apply(check)
