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

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_azure_native import authorization, guestconfiguration

from . import _registry
from ._checks import (
    check_component_name,
    check_identity_input,
    check_input_text,
    check_literal,
)
from ._download_identity import given_identity
from ._guard import PROTECTED_PARAMETERS, check_public_settings, guard_output_contents
from ._inputs import checked_at
from ._naming import artifact_key
from ._redact import redacts, show
from ._types import AssignmentType, OsType, choices
from .errors import ConfigurationError
from .extensions import GUEST_CONFIGURATION_PUBLISHER, guest_configuration_extension
from .packaging import MachineConfigurationPackage
from .packaging.parameters import check_parameter_text, parameter_target
from .scaleset import ScaleSetComponent, ScaleSetFacts
from .store import ArtifactStore, PublishedArtifact, StoreFacts, check_store

ASSIGNMENT_TYPES = choices(AssignmentType)


@dataclass(frozen=True, kw_only=True)
class ExternalScaleSet:
    """A scale set managed outside this library (another stack, the portal, Bicep).

    Its prerequisites (the agent extension, a system-assigned identity, Uniform orchestration)
    cannot be checked from here: the assignment logs a warning saying so.
    """

    resource_group_name: pulumi.Input[str]
    """The scale set's resource group."""
    vmss_name: pulumi.Input[str]
    """The scale set's Azure name."""
    os: OsType
    """Its instances' OS, ``"windows"`` or ``"linux"``: checked against the package's
    resource modules."""
    location: pulumi.Input[str] | None = None
    """The scale set's region, given to the assignment; None leaves it to Azure."""

    def __post_init__(self) -> None:
        check_input_text(self.resource_group_name, "target.resource_group_name")
        check_input_text(self.vmss_name, "target.vmss_name")
        check_literal(self.os, "target.os", OsType)
        check_input_text(self.location, "target.location", optional=True)

    @property
    def facts(self) -> ScaleSetFacts:
        """What a guest assignment may know of it: where it is; its prerequisites unknown."""
        label = (
            f"scale set {self.vmss_name}" if isinstance(self.vmss_name, str) else "the scale set"
        )
        return ScaleSetFacts(
            os=self.os,
            resource_group_name=self.resource_group_name,
            vmss_name=self.vmss_name,
            location=self.location,
            label=label,
        )


@redacts("protected_parameters")
@dataclass(frozen=True, kw_only=True)
class GuestAssignmentArgs:
    """A Machine Configuration package, where it is published, and the scale set it governs."""

    package: MachineConfigurationPackage
    """The configuration zip (``MachineConfigurationPackage.build`` or ``.from_zip``); its
    configuration name is the assignment's name."""
    store: ArtifactStore
    """Where the package is published."""
    target: ScaleSetComponent | ExternalScaleSet
    """The scale set every instance of which is configured: a scale-set component of this
    program (built with ``machine_configuration=True``, Uniform) or an ``ExternalScaleSet``."""
    assignment_type: AssignmentType = "Audit"
    """``Audit`` (report only), ``ApplyAndMonitor``, ``ApplyAndAutoCorrect`` or
    ``DeployAndAutoCorrect``; all but ``Audit`` need a package built ``AuditAndSet``."""
    parameters: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Overrides of values in the MOF: ``"[ResourceType]ResourceName;Property"`` (exactly as
    in the MOF) to a string, always a string. Public: a secret-looking value is refused."""
    protected_parameters: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """The same, sent as secrets. Machine Configuration manages no secrets: a warning says
    so."""
    content_identity_resource_id: pulumi.Input[str] | None = None
    """One of the target's user-assigned identities (its ``managed_identities``) that
    downloads the package: the URL then carries no token, and the identity is granted Storage
    Blob Data Reader on the container before the assignment exists."""
    content_identity_id: pulumi.Input[str] | None = None
    """Deprecated (removed in the next release): use ``content_identity_resource_id``."""

    def __post_init__(self) -> None:
        if not isinstance(self.package, MachineConfigurationPackage):
            raise ConfigurationError(
                "package",
                "expected a MachineConfigurationPackage (MachineConfigurationPackage.build(...) "
                f"or .from_zip(...)), got {show(self.package)}",
            )
        check_literal(self.assignment_type, "assignment_type", AssignmentType)
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
                    f"{show(key)} is also in parameters: give each parameter once",
                )
        check_public_settings(dict(self.parameters), "parameters", PROTECTED_PARAMETERS)
        if self.content_identity_id is not None:
            self._adopt_deprecated_identity()
        identity = self.content_identity_resource_id
        if identity is not None:
            check_identity_input(identity, "content_identity_resource_id")

    def _adopt_deprecated_identity(self) -> None:
        warnings.warn(
            "GuestAssignmentArgs(content_identity_id=...) is deprecated and will be removed in "
            "the next release: use content_identity_resource_id=...",
            DeprecationWarning,
            stacklevel=4,
        )
        if self.content_identity_resource_id is not None:
            raise ConfigurationError(
                "content_identity_id",
                "give the content identity once, as content_identity_resource_id "
                "(content_identity_id is its deprecated name)",
            )
        object.__setattr__(self, "content_identity_resource_id", self.content_identity_id)


def _check_parameter_value(key: object, value: object, path: str, *, secret: bool) -> None:
    if not isinstance(key, str) or not key:
        raise ConfigurationError(path, f"parameter names are text, got {show(key)}")
    if isinstance(value, pulumi.Output | str):
        return
    # A protected value is never repeated in a message (messages reach logs and CI output).
    shown = f"a value of type {type(value).__name__}" if secret else show(value)
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


# --- Resolve: every rule, before any resource exists ---------------------------------------


@redacts("protected_parameters")
@dataclass(frozen=True, kw_only=True)
class GuestAssignmentSpec:
    """A validated assignment: what Azure receives, and where."""

    configuration_name: str
    artifact_key: str
    os: OsType
    resource_group_name: pulumi.Input[str]
    vmss_name: pulumi.Input[str]
    location: pulumi.Input[str] | None
    parameters: tuple[tuple[str, pulumi.Input[str]], ...]
    protected_parameters: tuple[tuple[str, pulumi.Input[str]], ...]
    #: Identity ids attached to the target, when the content identity must be matched against
    #: them once Outputs are known (None: proven now, or not applicable).
    identity_ids_to_match: tuple[pulumi.Input[str], ...] | None
    target_label: str
    warnings: tuple[str, ...]


def resolve_guest_assignment(
    name: str, args: GuestAssignmentArgs, target: ScaleSetFacts, store: StoreFacts
) -> GuestAssignmentSpec:
    """Every rule of a GuestAssignment, checked before any resource exists.

    ``target`` and ``store`` describe ``args.target`` and ``args.store`` as plain facts.
    """
    check_component_name(name)
    if not isinstance(args, GuestAssignmentArgs):
        raise ConfigurationError("args", f"expected GuestAssignmentArgs, got {show(args)}")
    key = artifact_key(name, "guest-config")
    store.check_unpublished(key)
    if args.content_identity_resource_id is None:
        store.check_sas(
            "content_identity_resource_id",
            "give content_identity_resource_id, a user-assigned identity attached to the "
            "target (it is granted Storage Blob Data Reader on the container)",
        )
    package = args.package
    if package.mode == "Audit" and args.assignment_type != "Audit":
        raise ConfigurationError(
            "assignment_type",
            f"{show(args.assignment_type)} sets machine state, but {package.filename} is an Audit "
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
    # What reading the package found worth a look (names, metaconfig, InSpec), first.
    warnings: list[str] = list(package.warnings)
    if protected:
        names = ", ".join(key for key, _ in protected)
        warnings.append(
            f"protected parameters ({names}) are sent to Azure as secrets, but Machine "
            "Configuration does not manage secrets (no secret store, no rotation); prefer "
            "reading secrets on the machine, for example from Key Vault with a managed "
            "identity"
        )
    identity = args.content_identity_resource_id
    to_match: tuple[pulumi.Input[str], ...] | None = None
    if target.machine_configuration is None:
        agent = guest_configuration_extension(target.os)
        needs = (
            f"Uniform orchestration, a system-assigned identity and the {agent.name} extension "
            f"(publisher {GUEST_CONFIGURATION_PUBLISHER}, type {agent.type}, version "
            f"{agent.type_handler_version}, automatic upgrade on)"
        )
        if identity is not None:
            needs += " and the user-assigned identity in content_identity_resource_id"
        warnings.append(
            f"the prerequisites of external {target.label} cannot be checked from here: it "
            f"needs {needs}"
        )
    else:
        _check_prerequisites(target)
        to_match = _check_identity(identity, target.user_assigned_resource_ids or ())
    expected = package.operating_system()
    if expected is not None and expected != target.os:
        modules = ", ".join(sorted({r.module_name for r in package.resources}))
        raise ConfigurationError(
            "target",
            f"{package.filename} uses {expected} resource modules ({modules}), but the target "
            f"runs {target.os}",
        )
    return GuestAssignmentSpec(
        configuration_name=package.configuration_name,
        artifact_key=key,
        os=target.os,
        resource_group_name=target.resource_group_name,
        vmss_name=target.vmss_name,
        location=target.location,
        parameters=parameters,
        protected_parameters=protected,
        identity_ids_to_match=to_match,
        target_label=target.label,
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
    """The parameter names a resource and property of the MOF, and its value fits; an
    Output's value when it is known (a non-string there would otherwise reach the SDK, whose
    type error prints the value)."""
    target = parameter_target(key, package, path)

    def check(known: object, where: str) -> None:
        _check_parameter_value(key, known, where, secret=secret)
        if isinstance(known, str):
            check_parameter_text(known, target, where, secret=secret)

    return checked_at(value, check, path)


def _check_prerequisites(target: ScaleSetFacts) -> None:
    """A scale set of this program carries what Machine Configuration needs."""
    if target.orchestration_mode != "Uniform":
        raise ConfigurationError(
            "target.scale_set.orchestration_mode",
            f"{target.orchestration_mode}: assignments to a scale set need Uniform orchestration "
            "(Flexible scale sets allow no system-assigned identity); set "
            "orchestration_mode='Uniform' and machine_configuration=True on the target's "
            "ScaleSetArgs",
        )
    if not target.machine_configuration:
        agent = guest_configuration_extension(target.os)
        raise ConfigurationError(
            "target.scale_set.machine_configuration",
            "the target lacks the Machine Configuration prerequisites: set "
            f"machine_configuration=True on its ScaleSetArgs, which adds the {agent.name} "
            "extension and a system-assigned identity",
        )


def _check_identity(
    identity: pulumi.Input[str] | None, attached: Sequence[pulumi.Input[str]]
) -> tuple[pulumi.Input[str], ...] | None:
    """The content identity is attached to the target; returns ids to match at deploy time
    when Outputs keep the answer from being known now."""
    if identity is None:
        return None
    missing = ConfigurationError(
        "content_identity_resource_id",
        "the target does not carry this identity: add it to the target's "
        "ScaleSetArgs(managed_identities=ManagedIdentities(user_assigned_resource_ids=[...])) "
        "(a scale set built earlier cannot gain it from here)",
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
    """A claim key that matches one object only."""

    value: object

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value


def _target_key(target: ScaleSetComponent | ExternalScaleSet) -> Hashable:
    """One key per scale set: the component itself, or an external set's group and name."""
    if (
        isinstance(target, ExternalScaleSet)
        and isinstance(target.resource_group_name, str)
        and isinstance(target.vmss_name, str)
    ):
        return ("external", target.resource_group_name.lower(), target.vmss_name.lower())
    return _Same(target)


def _claim(
    name: str, target: ScaleSetComponent | ExternalScaleSet, spec: GuestAssignmentSpec
) -> None:
    """Refuse a second assignment of one configuration on one scale set in this program."""
    key = ("guest-assignment", _target_key(target), spec.configuration_name.lower())
    other = _registry.claim(key, name)
    if other is not None:
        raise ConfigurationError(
            "target",
            f"{spec.target_label} already carries configuration {show(spec.configuration_name)} "
            f"(GuestAssignment {show(other)}): Azure names the assignment after the configuration, "
            "so both would be one resource",
        )


# --- Component ------------------------------------------------------------------------------


class GuestAssignment(pulumi.ComponentResource):
    """A Machine Configuration package assigned to every instance of a scale set."""

    assignment: guestconfiguration.GuestConfigurationAssignmentsVMSS
    """The guest configuration assignment on the scale set."""
    assignment_name: pulumi.Output[str]
    """Its Azure name: the configuration's name."""
    content_uri: pulumi.Output[str]
    """Where the agent downloads the package (secret when it carries a SAS token)."""
    content_hash: pulumi.Output[str]
    """The package's SHA256, upper-case hex, as the agent checks it."""
    artifact: PublishedArtifact
    """The published package."""
    content_reader: authorization.RoleAssignment | None
    """The content identity's reader role on the store's container, or None (SAS)."""

    def __init__(
        self, name: str, args: GuestAssignmentArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        if not isinstance(args, GuestAssignmentArgs):
            raise ConfigurationError("args", f"expected GuestAssignmentArgs, got {show(args)}")
        store = check_store(args.store, "store")
        target = _target_facts(args.target)
        spec = resolve_guest_assignment(name, args, target, store.facts)
        _registry.claim_component_name("vmss:index:GuestAssignment", name)
        _claim(name, args.target, spec)
        super().__init__("vmss:index:GuestAssignment", name, None, opts)
        self._args = args
        self._spec = spec
        package = args.package
        self.artifact = store.publish(spec.artifact_key, package)
        for warning in spec.warnings:
            pulumi.log.warn(f"{name}: {warning}", resource=self)

        # The URL is known before the upload finishes: wait for the blob itself.
        depends_on: list[pulumi.Resource] = [self.artifact.blob]
        identity: pulumi.Output[str] | None = None
        self.content_reader = None
        if args.content_identity_resource_id is not None:
            identity = _matched_identity(
                args.content_identity_resource_id, spec.identity_ids_to_match
            )
            principal_id = given_identity(
                identity, None, "content_identity_resource_id", parent=self
            ).principal_id
            self.content_reader = store.grant_read(
                f"{name}-content-reader",
                principal_id,
                opts=pulumi.ResourceOptions(parent=self),
                principal_key=args.content_identity_resource_id
                if isinstance(args.content_identity_resource_id, str)
                else None,
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
                # An Output's content is judged when it resolves (a URL with a credential),
                # before Azure stores it in the public parameters.
                guestconfiguration.ConfigurationParameterArgs(
                    name=key,
                    value=guard_output_contents(value, f"parameters.{key}", PROTECTED_PARAMETERS),
                )
                for key, value in spec.parameters
            ]
            or None,
            configuration_protected_parameter=[
                guestconfiguration.ConfigurationParameterArgs(
                    name=key, value=pulumi.Output.secret(value)
                )
                for key, value in spec.protected_parameters
            ]
            or None,
            content_managed_identity=identity,
        )
        self.assignment = guestconfiguration.GuestConfigurationAssignmentsVMSS(
            f"{name}-assignment",
            # Azure finds the configuration by this name: it must be the MOF's and the zip's.
            name=package.configuration_name,
            vmss_name=spec.vmss_name,
            resource_group_name=spec.resource_group_name,
            location=spec.location,
            properties=guestconfiguration.GuestConfigurationAssignmentPropertiesArgs(
                guest_configuration=guest
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )
        self.assignment_name = self.assignment.name
        self.register_outputs(
            {
                "assignment": self.assignment,
                "assignment_name": self.assignment_name,
                "content_uri": self.content_uri,
                "content_hash": self.content_hash,
                "artifact": self.artifact.as_output(),
                "content_reader": self.content_reader,
            }
        )

    @property
    def args(self) -> GuestAssignmentArgs:
        """The arguments the assignment was given."""
        return self._args

    @property
    def spec(self) -> GuestAssignmentSpec:
        """The validated assignment."""
        return self._spec


def _target_facts(target: object) -> ScaleSetFacts:
    """The facts of a target scale set, refusing anything else."""
    if not isinstance(target, ScaleSetComponent | ExternalScaleSet):
        raise ConfigurationError(
            "target",
            "expected a scale-set component of this library or ExternalScaleSet(...), "
            f"got {show(target)}",
        )
    try:
        return target.facts
    except AttributeError:
        raise ConfigurationError(
            "target", "the scale-set component has not finished building"
        ) from None


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
                "content_identity_resource_id",
                f"the target does not carry identity {wanted}: add it to the target's "
                "ScaleSetArgs(managed_identities=ManagedIdentities("
                "user_assigned_resource_ids=[...]))",
            )
        return str(wanted)

    return pulumi.Output.all(identity, *attached).apply(check)
