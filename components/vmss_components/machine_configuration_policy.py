"""MachineConfigurationPolicy: a Machine Configuration package on every machine in a scope,
through Azure Policy.

Where :class:`~vmss_components.GuestAssignment` assigns a package to one scale set of this
program, this component gives it to every Windows or Linux virtual machine and scale set in a
management group, subscription or resource group, including machines no stack created and
machines created later, with compliance reported by Azure Policy. It registers:

- the package, published to the store;
- a custom policy definition shaped as Microsoft's GuestConfiguration module writes it
  (``New-GuestConfigurationPolicy``; see :mod:`vmss_components.policy.definition`): on the
  management group, or on the subscription for a subscription or resource group scope;
- its assignment at the scope, with a system-assigned identity for the Apply modes and the
  roles its ``roleDefinitionIds`` name, granted at the scope;
- Microsoft's built-in initiative that deploys the prerequisites (the agent extension and a
  system-assigned identity on virtual machines), assigned with its Contributor role, unless an
  existing assignment of it is referenced;
- optionally a remediation task, so machines that existed before get the configuration.

What the component is made to depend on (``opts.depends_on``, a resource group that is the
scope) is passed on to everything it makes at the scope, which must exist first.

Every rule is checked before anything is registered (:func:`resolve_machine_configuration_
policy`); the document itself is built by the pure :mod:`vmss_components.policy`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi
from pulumi_azure_native import authorization, policyinsights

from . import _registry
from ._checks import (
    check_bool,
    check_component_name,
    check_identity_input,
    check_input_text,
    check_literal,
    check_sequence,
    check_tags,
)
from ._download_identity import given_identity
from ._guard import secret_reason
from ._naming import (
    artifact_key,
    policy_assignment_name,
    policy_definition_name,
    remediation_name,
)
from ._redact import show
from ._types import (
    OsType,
    PolicyEnforcementMode,
    PolicyMode,
    RemediationDiscoveryMode,
)
from .errors import ConfigurationError
from .packaging import MachineConfigurationPackage
from .packaging.parameters import (
    ParameterTarget,
    check_parameter_text,
    compiled_text,
    parameter_target,
)
from .policy import (
    DEPLOYMENT_PARAMETERS,
    ENABLE_AUTO_REMEDIATION,
    INCLUDE_ARC_MACHINES,
    MODULE_PARAMETERS,
    PolicyDefinitionFacts,
    PolicyParameterFacts,
    PolicyScope,
    definition_parameters,
    effect,
    parse_assignment_id,
    parse_policy_scope,
    policy_definition_document,
    role_definition_ids,
)
from .store import ArtifactStore, PublishedArtifact, StoreFacts, check_store, role_assignment_name

#: Microsoft's built-in initiative "Deploy prerequisites to enable Guest Configuration
#: policies on virtual machines" (Azure/azure-policy, Guest Configuration/Prerequisites.json).
PREREQUISITES_INITIATIVE_ID = (
    "/providers/Microsoft.Authorization/policySetDefinitions/12794019-7a00-42cf-95c2-882eed337cc8"
)
#: Contributor: the role every policy of the prerequisites initiative names.
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
# Limits New-GuestConfigurationPolicy checks (and Azure Policy keeps).
_DISPLAY_NAME_MAX = 128
_DESCRIPTION_MAX = 512
_POLICY_VERSION = re.compile(r"\d+\.\d+\.\d+", re.ASCII)
# Policy parameter names end up in ARM expressions ([parameters('Name')]).
_PARAMETER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_OS_LABEL = {"windows": "Windows", "linux": "Linux"}
_MODE_VERB = {
    "Audit": "Audits",
    "ApplyAndMonitor": "Applies once, then audits,",
    "ApplyAndAutoCorrect": "Applies and keeps correcting",
}


#: The package version New-GuestConfigurationPolicy writes when the package has none.
UNVERSIONED_PACKAGE_VERSION = "1.0.0"


@dataclass(frozen=True, kw_only=True)
class PolicyParameter:
    """One MOF property offered as a policy parameter, and the value this assignment gives it.

    Unset fields are derived from the MOF: the name from the resource and property
    (``[MotdFile]Motd;Contents`` becomes ``MotdContents``), the default from the compiled
    value, the allowed values ``True``/``False`` for a boolean property.
    """

    name: str | None = None
    """The policy parameter's name (a letter, then letters, digits or ``_``; at most 64).
    Default: the resource's name and the property, letters and digits only."""
    display_name: str | None = None
    """What the portal shows for it (at most 128 characters). Default: ``<Property> of
    <ResourceId>``."""
    description: str | None = None
    """Its description (at most 512 characters). Default: one sentence naming the property and
    the configuration."""
    default_value: str | None = None
    """The definition's default. Default: the MOF's compiled value as text (``True``/``False``
    for booleans); a property compiled as ``NULL`` has none, and then ``value`` is required."""
    allowed_values: Sequence[str] | None = None
    """The only values an assignment may give, each fitting the property's MOF type.
    Default: ``("True", "False")`` for a boolean property, else any value."""
    value: str | None = None
    """The value this component's assignment gives; None leaves the default."""

    def __post_init__(self) -> None:
        for attribute in ("name", "display_name", "description", "default_value", "value"):
            value = getattr(self, attribute)
            if value is not None and not isinstance(value, str):
                raise ConfigurationError(
                    attribute,
                    f"expected a string, got {type(value).__name__}: Machine Configuration "
                    f"parameters are strings (write {show(str(value))})",
                )
        if self.name is not None and not _PARAMETER_NAME.fullmatch(self.name):
            raise ConfigurationError(
                "name",
                f"{show(self.name)} is not a policy parameter name: a letter, then letters, digits "
                "or '_', at most 64",
            )
        if self.allowed_values is not None:
            check_sequence(self.allowed_values, "allowed_values")
            if not self.allowed_values:
                raise ConfigurationError("allowed_values", "give at least one value, or None")
            for index, item in enumerate(self.allowed_values):
                if not isinstance(item, str):
                    raise ConfigurationError(
                        f"allowed_values[{index}]",
                        f"expected a string, got {type(item).__name__} (write {show(str(item))})",
                    )
            if len(set(self.allowed_values)) != len(self.allowed_values):
                raise ConfigurationError("allowed_values", "lists a value twice")


@dataclass(frozen=True, kw_only=True)
class PolicyRemediation:
    """A remediation task: the policy deploys the configuration to machines that already
    existed (a deployIfNotExists policy otherwise acts only when a machine is created or
    updated). A new task runs for every new package: a started task cannot be changed."""

    resource_discovery_mode: RemediationDiscoveryMode = "ReEvaluateCompliance"
    """``ReEvaluateCompliance`` (evaluate every machine first, so a new package reaches
    machines that were compliant with the old one) or ``ExistingNonCompliant`` (only machines
    already reported non-compliant)."""
    parallel_deployments: int | None = None
    """How many machines are remediated at once (1-30; Azure's default 10)."""
    resource_count: int | None = None
    """The most machines the task remediates (1-50000; Azure's default 500)."""
    failure_threshold: float | None = None
    """Stop the task when this fraction of deployments fails (0.0-1.0)."""
    locations: Sequence[str] = ()
    """Only machines in these Azure regions; empty: every region."""

    def __post_init__(self) -> None:
        check_literal(
            self.resource_discovery_mode,
            "remediation.resource_discovery_mode",
            RemediationDiscoveryMode,
        )
        for attribute, low, high in (
            ("parallel_deployments", 1, 30),
            ("resource_count", 1, 50000),
        ):
            value = getattr(self, attribute)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ConfigurationError(
                    f"remediation.{attribute}",
                    f"expected a whole number {low}-{high}, got {show(value)}",
                )
        threshold = self.failure_threshold
        if threshold is not None and (
            isinstance(threshold, bool)
            or not isinstance(threshold, int | float)
            or not 0.0 <= threshold <= 1.0
        ):
            raise ConfigurationError(
                "remediation.failure_threshold",
                f"expected a fraction 0.0-1.0 (0.1 stops at 10% failures), got {show(threshold)}",
            )
        check_sequence(self.locations, "remediation.locations")
        for index, location in enumerate(self.locations):
            if not isinstance(location, str) or not location.strip():
                raise ConfigurationError(
                    f"remediation.locations[{index}]",
                    f"expected a region name, got {show(location)}",
                )


@dataclass(frozen=True, kw_only=True)
class MachineConfigurationPolicyArgs:
    """A Machine Configuration package, where it is published, and the scope whose machines
    it governs through Azure Policy."""

    package: MachineConfigurationPackage
    """The configuration zip (``MachineConfigurationPackage.build`` or ``.from_zip``): its
    name, version and SHA256 go into the definition."""
    store: ArtifactStore
    """Where the package is published for the machines to download."""
    scope: str
    """The id of the management group
    (``/providers/Microsoft.Management/managementGroups/<id>``), subscription
    (``/subscriptions/<GUID>``) or resource group
    (``/subscriptions/<GUID>/resourceGroups/<name>``) whose machines the policy governs.
    Plain text: it decides which resources are made. Below a management group the definition
    is made in the Azure provider's subscription, which must be the scope's."""
    mode: PolicyMode = "Audit"
    """``Audit`` (an auditIfNotExists policy: report only), ``ApplyAndMonitor`` or
    ``ApplyAndAutoCorrect`` (a deployIfNotExists policy that deploys the guest assignment; needs
    a package built ``AuditAndSet``)."""
    os: OsType | None = None
    """``windows`` or ``linux``: which machines the definition selects. Default: the OS the
    package's resource modules run on, when they say; otherwise required."""
    location: pulumi.Input[str] | None = None
    """The Azure region of the policy assignments' managed identities: required for the Apply
    modes and when the prerequisites are assigned here."""
    parameters: Mapping[str, PolicyParameter] = field(default_factory=dict)
    """MOF properties offered as policy parameters: ``"[ResourceType]ResourceName;Property"``
    (exactly as in the MOF, as ``GuestAssignment`` takes them) to a ``PolicyParameter``. Policy
    parameters are public: there are no protected ones."""
    content_identity_resource_id: pulumi.Input[str] | None = None
    """A user-assigned identity that downloads the package instead of a SAS token: the
    definition names it (``contentManagedIdentity``), it gets Storage Blob Data Reader on the
    container, and every machine the policy reaches must carry it. Not with
    ``arc_machines``."""
    arc_machines: bool = False
    """Also govern Arc-connected machines (charged per machine): the module's Arc branch, with
    the assignment's ``IncludeArcMachines`` set to ``"true"``. Off: the module's
    ``-ExcludeArcMachines`` definition."""
    auto_remediation: bool = False
    """The Apply modes' ``EnableAutoRemediation`` parameter (module 4.12): the Machine
    Configuration service corrects drift by itself."""
    machine_tags: Mapping[str, str] = field(default_factory=dict)
    """Govern only machines carrying all of these tags (the module's ``-Tag``)."""
    display_name: str | None = None
    """The definition's and assignment's display name (at most 128 characters). Default:
    derived from the configuration, OS and mode."""
    description: str | None = None
    """The definition's description (at most 512 characters). Default: derived."""
    policy_version: str | None = None
    """The definition's ``metadata.version`` (x.y.z). Default: the package's version, so a new
    package version is a new policy version."""
    enforcement_mode: PolicyEnforcementMode = "Default"
    """``Default``, or ``DoNotEnforce``: evaluate and report, deploy only through remediation
    tasks."""
    prerequisites_assignment_id: str | None = None
    """The id of an existing assignment of the prerequisites initiative that covers the scope;
    None: this component assigns the initiative at the scope."""
    remediation: PolicyRemediation | None = None
    """A remediation task for machines that existed before (Apply modes only)."""

    def __post_init__(self) -> None:
        if not isinstance(self.package, MachineConfigurationPackage):
            raise ConfigurationError(
                "package",
                "expected a MachineConfigurationPackage (MachineConfigurationPackage.build(...) "
                f"or .from_zip(...)), got {show(self.package)}",
            )
        parse_policy_scope(self.scope, "scope")
        check_literal(self.mode, "mode", PolicyMode)
        if self.os is not None:
            check_literal(self.os, "os", OsType)
        check_input_text(self.location, "location", optional=True)
        if not isinstance(self.parameters, Mapping):
            raise ConfigurationError(
                "parameters", "expected a mapping of '[Type]Name;Property' to PolicyParameter"
            )
        for key, parameter in self.parameters.items():
            if not isinstance(key, str) or not key:
                raise ConfigurationError("parameters", f"parameter keys are text, got {show(key)}")
            if not isinstance(parameter, PolicyParameter):
                raise ConfigurationError(
                    f"parameters.{key}",
                    f"expected a PolicyParameter(...), got {type(parameter).__name__}",
                )
        identity = self.content_identity_resource_id
        if identity is not None:
            check_identity_input(identity, "content_identity_resource_id")
        check_bool(self.arc_machines, "arc_machines")
        check_bool(self.auto_remediation, "auto_remediation")
        check_tags(self.machine_tags, "machine_tags")
        for name in self.machine_tags:
            # The name sits inside tags['<name>'] in the policy rule.
            if set(name) & set("'[]"):
                raise ConfigurationError(
                    "machine_tags", f"tag name {show(name)}: a policy rule cannot name ' [ or ]"
                )
        _check_text(self.display_name, "display_name", _DISPLAY_NAME_MAX)
        _check_text(self.description, "description", _DESCRIPTION_MAX)
        if self.policy_version is not None and (
            not isinstance(self.policy_version, str)
            or not _POLICY_VERSION.fullmatch(self.policy_version)
        ):
            raise ConfigurationError(
                "policy_version", f"{show(self.policy_version)} is not a version such as '1.0.0'"
            )
        check_literal(self.enforcement_mode, "enforcement_mode", PolicyEnforcementMode)
        if self.prerequisites_assignment_id is not None:
            parse_assignment_id(self.prerequisites_assignment_id, "prerequisites_assignment_id")
        if self.remediation is not None and not isinstance(self.remediation, PolicyRemediation):
            raise ConfigurationError(
                "remediation",
                f"expected a PolicyRemediation(...) or None, got {type(self.remediation).__name__}",
            )


def _check_text(value: object, path: str, limit: int) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(path, f"expected non-empty text, got {show(value)}")
    if len(value) > limit:
        raise ConfigurationError(path, f"{len(value)} characters: Azure Policy allows {limit}")
    reason = secret_reason(None, value)
    if reason is not None:
        raise ConfigurationError(path, f"looks like a secret ({reason}), but it is public")


# --- Resolve: every rule, before any resource exists ---------------------------------------


@dataclass(frozen=True, kw_only=True)
class MachineConfigurationPolicySpec:
    """A validated policy: the definition's facts (all but its content URI) and the names,
    values and roles of what the component registers."""

    scope: PolicyScope
    definition: PolicyDefinitionFacts
    artifact_key: str
    definition_name: str
    assignment_name: str
    #: The values the assignment gives, by policy parameter name.
    assignment_parameters: tuple[tuple[str, str], ...]
    #: Built-in roles (GUIDs) the assignment's identity holds at the scope.
    roles: tuple[str, ...]
    #: The prerequisites assignment's name when this component assigns the initiative.
    prerequisites_name: str | None
    #: The id of the existing prerequisites assignment otherwise.
    prerequisites_reference: str | None
    remediation_name: str | None
    warnings: tuple[str, ...]


def resolve_machine_configuration_policy(
    name: str, args: MachineConfigurationPolicyArgs, store: StoreFacts
) -> MachineConfigurationPolicySpec:
    """Every rule of a MachineConfigurationPolicy, checked before any resource exists.

    ``store`` describes ``args.store`` as plain facts.
    """
    check_component_name(name)
    if not isinstance(args, MachineConfigurationPolicyArgs):
        raise ConfigurationError(
            "args", f"expected MachineConfigurationPolicyArgs, got {show(args)}"
        )
    key = artifact_key(name, "policy")
    store.check_unpublished(key)
    if args.content_identity_resource_id is None:
        store.check_sas(
            "content_identity_resource_id",
            "give content_identity_resource_id, a user-assigned identity the machines carry "
            "(Azure virtual machines and scale sets; Arc machines download by SAS only)",
        )
    package = args.package
    scope = parse_policy_scope(args.scope, "scope")
    if package.mode == "Audit" and args.mode != "Audit":
        # New-GuestConfigurationPolicy refuses this too ("Audit-only" package).
        raise ConfigurationError(
            "mode",
            f"{show(args.mode)} sets machine state, but {package.filename} is an Audit package "
            "(metaconfig Type Audit), which only audits: build it with mode='AuditAndSet', or "
            "use mode='Audit'",
        )
    os = _resolve_os(args)
    deploys = args.mode != "Audit"
    if args.content_identity_resource_id is not None and args.arc_machines:
        raise ConfigurationError(
            "content_identity_resource_id",
            "a user-assigned identity cannot download packages on Arc machines (the module "
            "requires -ExcludeArcMachines with it): leave arc_machines off, or download with a "
            "SAS token",
        )
    if not deploys and args.auto_remediation:
        raise ConfigurationError(
            "auto_remediation",
            "an Audit policy changes nothing: auto-remediation needs an Apply mode",
        )
    if not deploys and args.remediation is not None:
        raise ConfigurationError(
            "remediation",
            "an Audit (auditIfNotExists) policy has nothing to remediate: remediation needs "
            "mode='ApplyAndMonitor' or 'ApplyAndAutoCorrect'",
        )
    reference = args.prerequisites_assignment_id
    if reference is not None:
        _check_prerequisites_reference(reference, scope)
    needs_identity = deploys or reference is None
    if needs_identity and args.location is None:
        why = "the Apply modes deploy" if deploys else "the prerequisites initiative deploys"
        raise ConfigurationError(
            "location",
            f"required: {why} with a managed identity, which lives in an Azure region",
        )
    parameters = _resolve_parameters(args, package)
    package_version = package.version
    unversioned = package_version is None
    if package_version is None:
        # New-GuestConfigurationPolicy writes 1.0.0 for a package whose metaconfig gives no
        # Version (or that has no metaconfig), with a warning.
        package_version = UNVERSIONED_PACKAGE_VERSION
    policy_version = args.policy_version or _package_policy_version(package_version)
    facts = PolicyDefinitionFacts(
        display_name=args.display_name or _display_name(package, os, args.mode),
        description=args.description or _description(package, os, args),
        policy_version=policy_version,
        configuration_name=package.configuration_name,
        package_version=package_version,
        content_hash=package.content_hash,
        os=os,
        mode=args.mode,
        parameters=tuple(p for p, _ in parameters),
        content_identity=(
            args.content_identity_resource_id
            if isinstance(args.content_identity_resource_id, str)
            else None
        ),
        arc_machines=args.arc_machines,
        machine_tags=tuple(args.machine_tags.items()),
    )
    values: list[tuple[str, str]] = []
    if args.arc_machines:
        values.append((INCLUDE_ARC_MACHINES, "true"))
    if deploys:
        values.append((ENABLE_AUTO_REMEDIATION, "true" if args.auto_remediation else "false"))
    values.extend((p.name, value) for p, value in parameters if value is not None)
    # What reading the package found worth a look (names, metaconfig, InSpec), first.
    warnings: list[str] = list(package.warnings)
    if unversioned:
        warnings.append(
            f"{package.filename} has no version (no Version in a metaconfig): the definition "
            f"says {UNVERSIONED_PACKAGE_VERSION}, as New-GuestConfigurationPolicy writes for "
            "such a package, so a new package under this name is not a new policy version; "
            "rebuild it with a version (MachineConfigurationPackage.build(..., version=...))"
        )
    if args.content_identity_resource_id is None:
        warnings.append(
            "the package's URL with its SAS token is written into the policy definition "
            "(metadata and policy rule), where anyone who may read policy definitions at "
            f"{scope.definition_scope} can read it; download with a user-assigned identity "
            "(content_identity_resource_id) to keep tokens out of it"
        )
    else:
        warnings.append(
            "every machine the policy reaches must carry the user-assigned identity in "
            "content_identity_resource_id: the agent downloads the package with it"
        )
    # The definition keeps its name (and is updated in place) while the package's content,
    # version and URL change; what Azure cannot update in place gets a new name: removing a
    # parameter is refused on update, and the effect decides roles and identity.
    identity = (
        package.configuration_name.lower(),
        os,
        effect(facts),
        *(p.name for p in facts.parameters),
        "arc" if args.arc_machines else "no-arc",
    )
    return MachineConfigurationPolicySpec(
        scope=scope,
        definition=facts,
        artifact_key=key,
        definition_name=policy_definition_name(name, scope.definition_scope, *identity),
        assignment_name=policy_assignment_name(name, "mc"),
        assignment_parameters=tuple(values),
        roles=tuple(role.rsplit("/", 1)[-1] for role in role_definition_ids(facts)),
        prerequisites_name=policy_assignment_name(name, "pre") if reference is None else None,
        prerequisites_reference=reference,
        remediation_name=(
            remediation_name(name, package.content_hash) if args.remediation is not None else None
        ),
        warnings=tuple(warnings),
    )


def _resolve_os(args: MachineConfigurationPolicyArgs) -> OsType:
    package = args.package
    found = package.operating_system()
    if args.os is None:
        if found is None:
            modules = ", ".join(sorted({r.module_name for r in package.resources})) or "none"
            raise ConfigurationError(
                "os",
                f"required: the resource modules of {package.filename} ({modules}) do not say "
                "which OS they run on; set os='windows' or os='linux'",
            )
        return found
    if found is not None and found != args.os:
        raise ConfigurationError(
            "os", f"{package.filename} uses {found} resource modules, but os is {show(args.os)}"
        )
    return args.os


def _package_policy_version(version: str) -> str:
    if not _POLICY_VERSION.fullmatch(version):
        raise ConfigurationError(
            "policy_version",
            f"required: the package's version {show(version)} is not x.y.z, so it cannot "
            "be the policy's version",
        )
    return version


def _check_prerequisites_reference(reference: str, scope: PolicyScope) -> None:
    referenced, _ = parse_assignment_id(reference, "prerequisites_assignment_id")
    if referenced.covers(scope) is False:
        raise ConfigurationError(
            "prerequisites_assignment_id",
            f"that assignment is at {referenced.id}, which does not contain {scope.id}: the "
            "prerequisites must be assigned at the scope or above it",
        )


def _resolve_parameters(
    args: MachineConfigurationPolicyArgs, package: MachineConfigurationPackage
) -> list[tuple[PolicyParameterFacts, str | None]]:
    """Each offered MOF property as a policy parameter, with this assignment's value."""
    resolved: list[tuple[PolicyParameterFacts, str | None]] = []
    taken: dict[str, str] = {
        reserved.lower(): reserved for reserved in (*DEPLOYMENT_PARAMETERS, *MODULE_PARAMETERS)
    }
    for key, parameter in args.parameters.items():
        path = f"parameters.{key}"
        target = parameter_target(key, package, path)
        if "'" in key:
            raise ConfigurationError(
                path, f"{show(key)} holds a quote, which the policy's ARM expressions cannot carry"
            )
        reason = secret_reason(target.property, None)
        if reason is not None:
            raise ConfigurationError(
                path,
                f"looks like a secret ({reason}), but policy parameters are public (anyone who "
                "may read the policy sees them): pass it to a GuestAssignment as a protected "
                "parameter instead",
            )
        name = parameter.name or _parameter_name(target)
        if not _PARAMETER_NAME.fullmatch(name):
            raise ConfigurationError(
                f"{path}.name",
                f"the derived name {show(name)} is not a policy parameter name: give name=...",
            )
        other = taken.get(name.lower())
        if other is not None:
            why = (
                "a parameter of the definition itself"
                if other in (*DEPLOYMENT_PARAMETERS, *MODULE_PARAMETERS)
                else f"the name of {other}"
            )
            raise ConfigurationError(
                f"{path}.name",
                f"{show(name)} is already {why} (names are compared without case): give another "
                "name=...",
            )
        taken[name.lower()] = key
        allowed = (
            tuple(parameter.allowed_values)
            if parameter.allowed_values is not None
            else (("True", "False") if isinstance(target.value, bool) else None)
        )
        for index, item in enumerate(allowed or ()):
            check_parameter_text(item, target, f"{path}.allowed_values[{index}]")
            _check_public(item, f"{path}.allowed_values[{index}]")
        default = (
            parameter.default_value
            if parameter.default_value is not None
            else compiled_text(target)
        )
        if default is not None:
            check_parameter_text(default, target, f"{path}.default_value")
            _check_public(default, f"{path}.default_value")
            _check_allowed(default, allowed, f"{path}.default_value")
        value = parameter.value
        if value is not None:
            check_parameter_text(value, target, f"{path}.value")
            _check_public(value, f"{path}.value")
            _check_allowed(value, allowed, f"{path}.value")
        elif default is None:
            raise ConfigurationError(
                f"{path}.value",
                "required: the MOF compiles this property as NULL, so the definition has no "
                "default and Azure would refuse the assignment; give value= or default_value=",
            )
        display = parameter.display_name or f"{target.property} of {target.resource.resource_id}"
        description = parameter.description or (
            f"The value of {target.property} of {target.resource.resource_id} in Machine "
            f"Configuration {package.configuration_name}."
        )
        _check_text(display, f"{path}.display_name", _DISPLAY_NAME_MAX)
        _check_text(description, f"{path}.description", _DESCRIPTION_MAX)
        facts = PolicyParameterFacts(
            name=name,
            reference=key,
            display_name=display,
            description=description,
            default_value=default,
            allowed_values=allowed,
        )
        resolved.append((facts, value))
    return resolved


def _parameter_name(target: ParameterTarget) -> str:
    resource = target.resource
    base = resource.name or resource.resource_type or resource.resource_id
    return re.sub(r"[^A-Za-z0-9]", "", base) + re.sub(r"[^A-Za-z0-9]", "", target.property)


def _check_public(value: str, path: str) -> None:
    reason = secret_reason(None, value)
    if reason is not None:
        # The value itself is never repeated: it may be the secret.
        raise ConfigurationError(
            path, f"looks like a secret ({reason}), but policy parameters are public"
        )


def _check_allowed(value: str, allowed: tuple[str, ...] | None, path: str) -> None:
    if allowed is not None and value not in allowed:
        listed = ", ".join(repr(item) for item in allowed)
        raise ConfigurationError(path, f"{show(value)} is not one of the allowed values ({listed})")


def _display_name(package: MachineConfigurationPackage, os: OsType, mode: str) -> str:
    return (
        f"Machine Configuration {package.configuration_name} on {_OS_LABEL[os]} machines ({mode})"[
            :_DISPLAY_NAME_MAX
        ]
    )


def _description(
    package: MachineConfigurationPackage, os: OsType, args: MachineConfigurationPolicyArgs
) -> str:
    machines = "virtual machines and scale sets"
    if args.arc_machines:
        machines += " (and Arc-connected machines when the assignment includes them)"
    return (
        f"{_MODE_VERB[args.mode]} the Machine Configuration package "
        f"{package.configuration_name} on {_OS_LABEL[os]} {machines}. Generated from the "
        "package by vmss_components, in the shape of New-GuestConfigurationPolicy."
    )[:_DESCRIPTION_MAX]


# --- Component ------------------------------------------------------------------------------


class MachineConfigurationPolicy(pulumi.ComponentResource):
    """A Machine Configuration package on every machine in a scope, through Azure Policy."""

    definition: authorization.PolicyDefinition | authorization.PolicyDefinitionAtManagementGroup
    """The custom policy definition (on the management group, or on the subscription)."""
    definition_id: pulumi.Output[str]
    """Its Azure resource id."""
    definition_name: str
    """Its name: a GUID that stays while the package's content and version change (the
    definition is updated in place) and changes with its parameters, OS or effect."""
    policy_assignment: authorization.PolicyAssignment
    """The policy assignment at the scope."""
    policy_assignment_id: pulumi.Output[str]
    """Its Azure resource id (what remediation tasks and exemptions name)."""
    principal_id: pulumi.Output[str] | None
    """The principal id of the assignment's system-assigned identity (Apply modes); None for
    an Audit policy, which needs none."""
    role_assignments: list[authorization.RoleAssignment]
    """The roles granted at the scope: those the policy's ``roleDefinitionIds`` name, to its
    identity, then Contributor to the prerequisites assignment's identity."""
    prerequisites: authorization.PolicyAssignment | None
    """The assignment of the prerequisites initiative made here; None when referenced."""
    prerequisites_assignment_id: pulumi.Output[str]
    """The id of the prerequisites assignment in effect (made here or referenced)."""
    remediation: (
        policyinsights.RemediationAtManagementGroup
        | policyinsights.RemediationAtSubscription
        | policyinsights.RemediationAtResourceGroup
        | None
    )
    """The remediation task for this package, or None."""
    artifact: PublishedArtifact
    """The published package."""
    content_uri: pulumi.Output[str]
    """Where machines download the package (secret when it carries a SAS token)."""
    content_reader: authorization.RoleAssignment | None
    """The content identity's reader role on the store's container, or None (SAS)."""
    content_hash: pulumi.Output[str]
    """The package's SHA256, upper-case hex, as the definition carries it."""
    package_version: str
    """The package's version (its metaconfig ``Version``; ``1.0.0`` when it has none, as
    Microsoft's module writes it)."""
    policy_version: str
    """The definition's ``metadata.version``."""

    def __init__(
        self,
        name: str,
        args: MachineConfigurationPolicyArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if not isinstance(args, MachineConfigurationPolicyArgs):
            raise ConfigurationError(
                "args", f"expected MachineConfigurationPolicyArgs, got {show(args)}"
            )
        store = check_store(args.store, "store")
        spec = resolve_machine_configuration_policy(name, args, store.facts)
        _registry.claim_component_name("vmss:index:MachineConfigurationPolicy", name)
        _claim_prerequisites(name, spec)
        super().__init__("vmss:index:MachineConfigurationPolicy", name, None, opts)
        self._args = args
        self._spec = spec
        # What the caller made the component depend on (a resource group that is the scope)
        # must exist before anything is made at the scope.
        self._waits_for = _resources_in(opts.depends_on if opts is not None else None)
        scope = spec.scope
        facts = spec.definition
        for warning in spec.warnings:
            pulumi.log.warn(f"{name}: {warning}", resource=self)

        self.artifact = store.publish(spec.artifact_key, args.package)
        depends_on: list[pulumi.Resource] = [self.artifact.blob]
        identity = args.content_identity_resource_id
        self.content_reader = None
        if identity is not None:
            self.content_reader = self._grant_content_reader(name, identity, store)
            depends_on.append(self.content_reader)
            # The identity reads the blob: the URL carries no token.
            self.content_uri = self.artifact.url
        else:
            self.content_uri = self.artifact.url_with_sas
        self.content_hash = pulumi.Output.from_input(facts.content_hash)
        self.package_version = facts.package_version
        self.policy_version = facts.policy_version
        self.definition_name = spec.definition_name

        # The document is secret while its content URI carries a SAS token.
        document = pulumi.Output.all(self.content_uri, identity).apply(
            lambda values: policy_definition_document(
                dataclasses.replace(facts, content_identity=values[1]), values[0]
            )
        )
        definition_args: dict[str, Any] = {
            "policy_definition_name": spec.definition_name,
            "display_name": facts.display_name,
            "description": facts.description,
            "policy_type": authorization.PolicyType.CUSTOM,
            "mode": "Indexed",
            "metadata": document.apply(lambda d: d["metadata"]),
            "parameters": {
                key: _parameter_definition(entry)
                for key, entry in definition_parameters(facts).items()
            },
            "policy_rule": document.apply(lambda d: d["policyRule"]),
        }
        definition_opts = pulumi.ResourceOptions(parent=self, depends_on=depends_on)
        if scope.kind == "management_group":
            self.definition = authorization.PolicyDefinitionAtManagementGroup(
                f"{name}-definition",
                management_group_id=scope.management_group,
                opts=definition_opts,
                **definition_args,
            )
        else:
            self.definition = authorization.PolicyDefinition(
                f"{name}-definition", opts=definition_opts, **definition_args
            )
        self.definition_id = self.definition.id

        self.policy_assignment = authorization.PolicyAssignment(
            f"{name}-assignment",
            scope=scope.id,
            policy_assignment_name=spec.assignment_name,
            policy_definition_id=self.definition_id,
            display_name=facts.display_name,
            enforcement_mode=authorization.EnforcementMode(args.enforcement_mode),
            parameters={
                key: authorization.ParameterValuesValueArgs(value=value)
                for key, value in spec.assignment_parameters
            }
            or None,
            identity=(
                authorization.IdentityArgs(type=authorization.ResourceIdentityType.SYSTEM_ASSIGNED)
                if facts.deploys
                else None
            ),
            location=args.location if facts.deploys else None,
            # The name is fixed: a replacement must delete the old assignment first.
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=self._waits_for, delete_before_replace=True
            ),
        )
        self.policy_assignment_id = self.policy_assignment.id
        self.principal_id = _principal(self.policy_assignment) if facts.deploys else None
        self.role_assignments = [
            self._grant(f"{name}-role-{role[:8]}", self.principal_id, role)
            for role in spec.roles
            if self.principal_id is not None
        ]

        self.prerequisites = None
        if spec.prerequisites_name is not None:
            self.prerequisites = authorization.PolicyAssignment(
                f"{name}-prerequisites",
                scope=scope.id,
                policy_assignment_name=spec.prerequisites_name,
                policy_definition_id=PREREQUISITES_INITIATIVE_ID,
                display_name=(
                    "Deploy prerequisites to enable Guest Configuration policies on virtual "
                    f"machines ({name})"
                ),
                identity=authorization.IdentityArgs(
                    type=authorization.ResourceIdentityType.SYSTEM_ASSIGNED
                ),
                location=args.location,
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=self._waits_for, delete_before_replace=True
                ),
            )
            self.role_assignments.append(
                self._grant(
                    f"{name}-prerequisites-role", _principal(self.prerequisites), CONTRIBUTOR
                )
            )
            self.prerequisites_assignment_id = self.prerequisites.id
        else:
            assert spec.prerequisites_reference is not None
            self.prerequisites_assignment_id = pulumi.Output.from_input(
                spec.prerequisites_reference
            )

        self.remediation = None
        if args.remediation is not None and spec.remediation_name is not None:
            self.remediation = self._remediation(name, spec, args.remediation)

        self.register_outputs(
            {
                "definition": self.definition,
                "definition_id": self.definition_id,
                "definition_name": self.definition_name,
                "policy_assignment": self.policy_assignment,
                "policy_assignment_id": self.policy_assignment_id,
                "principal_id": self.principal_id,
                "role_assignments": self.role_assignments,
                "prerequisites": self.prerequisites,
                "prerequisites_assignment_id": self.prerequisites_assignment_id,
                "remediation": self.remediation,
                "artifact": self.artifact.as_output(),
                "content_uri": self.content_uri,
                "content_reader": self.content_reader,
                "content_hash": self.content_hash,
                "package_version": self.package_version,
                "policy_version": self.policy_version,
            }
        )

    @property
    def args(self) -> MachineConfigurationPolicyArgs:
        """The arguments the policy was given."""
        return self._args

    @property
    def spec(self) -> MachineConfigurationPolicySpec:
        """The validated policy."""
        return self._spec

    def _grant_content_reader(
        self, name: str, identity: pulumi.Input[str], store: ArtifactStore
    ) -> authorization.RoleAssignment:
        """Storage Blob Data Reader on the container for the content identity."""
        principal_id = given_identity(
            identity, None, "content_identity_resource_id", parent=self
        ).principal_id
        return store.grant_read(
            f"{name}-content-reader",
            principal_id,
            opts=pulumi.ResourceOptions(parent=self),
            principal_key=identity if isinstance(identity, str) else None,
        )

    def _grant(
        self, name: str, principal_id: pulumi.Output[str], role: str
    ) -> authorization.RoleAssignment:
        """Built-in role ``role`` for a policy assignment's identity, at the scope."""
        scope = self._spec.scope
        return authorization.RoleAssignment(
            name,
            scope=scope.id,
            principal_id=principal_id,
            # A policy assignment's identity is a service principal; saying so avoids failures
            # while a new identity is still replicating through Entra ID.
            principal_type=authorization.PrincipalType.SERVICE_PRINCIPAL,
            role_definition_id=scope.role_definition_id(role),
            role_assignment_name=principal_id.apply(
                lambda principal: role_assignment_name(scope.id, str(principal), role)
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=self._waits_for),
        )

    def _remediation(
        self,
        name: str,
        spec: MachineConfigurationPolicySpec,
        remediation: PolicyRemediation,
    ) -> (
        policyinsights.RemediationAtManagementGroup
        | policyinsights.RemediationAtSubscription
        | policyinsights.RemediationAtResourceGroup
    ):
        """A remediation task of the assignment, after its roles are granted."""
        common: dict[str, Any] = {
            "remediation_name": spec.remediation_name,
            "policy_assignment_id": self.policy_assignment_id,
            "resource_discovery_mode": policyinsights.ResourceDiscoveryMode(
                remediation.resource_discovery_mode
            ),
            "parallel_deployments": remediation.parallel_deployments,
            "resource_count": remediation.resource_count,
            "failure_threshold": (
                policyinsights.RemediationPropertiesFailureThresholdArgs(
                    percentage=float(remediation.failure_threshold)
                )
                if remediation.failure_threshold is not None
                else None
            ),
            "filters": (
                policyinsights.RemediationFiltersArgs(locations=list(remediation.locations))
                if remediation.locations
                else None
            ),
        }
        # Deployments need the roles; a finished task is history, kept when a new package
        # brings a new task (a started task cannot be changed, so each package has its own).
        opts = pulumi.ResourceOptions(
            parent=self,
            depends_on=[self.policy_assignment, *self.role_assignments],
            retain_on_delete=True,
        )
        scope = spec.scope
        if scope.kind == "management_group":
            return policyinsights.RemediationAtManagementGroup(
                f"{name}-remediation",
                management_group_id=scope.management_group,
                management_groups_namespace="Microsoft.Management",
                opts=opts,
                **common,
            )
        if scope.kind == "subscription":
            return policyinsights.RemediationAtSubscription(
                f"{name}-remediation", opts=opts, **common
            )
        return policyinsights.RemediationAtResourceGroup(
            f"{name}-remediation", resource_group_name=scope.resource_group, opts=opts, **common
        )


def _resources_in(depends_on: object) -> list[pulumi.Resource]:
    """The resources of a ``depends_on`` option (one resource or a list of them)."""
    if isinstance(depends_on, pulumi.Resource):
        return [depends_on]
    if isinstance(depends_on, list | tuple):
        return [item for item in depends_on if isinstance(item, pulumi.Resource)]
    return []


def _principal(assignment: authorization.PolicyAssignment) -> pulumi.Output[str]:
    """The principal id of a policy assignment's system-assigned identity."""
    return assignment.identity.apply(
        lambda identity: identity.principal_id if identity is not None else cast(str, None)
    )


def _parameter_definition(entry: Mapping[str, Any]) -> authorization.ParameterDefinitionsValueArgs:
    """One definition parameter, as azure-native takes it. Metadata keys the SDK's type does not
    list (``portalReview``, which the REST API allows as an additional property) are kept by
    passing the metadata as it is written."""
    metadata = dict(entry["metadata"])
    known = {"displayName", "description"}
    typed_metadata: Any
    if set(metadata) <= known:
        typed_metadata = authorization.ParameterDefinitionsValueMetadataArgs(
            display_name=metadata["displayName"], description=metadata["description"]
        )
    else:
        typed_metadata = metadata
    return authorization.ParameterDefinitionsValueArgs(
        type=authorization.ParameterType(entry["type"]),
        metadata=typed_metadata,
        default_value=entry.get("defaultValue"),
        allowed_values=entry.get("allowedValues"),
    )


def _claim_prerequisites(name: str, spec: MachineConfigurationPolicySpec) -> None:
    """One prerequisites assignment per scope in this program."""
    if spec.prerequisites_name is None:
        return
    other = _registry.claim(("mc-prerequisites", spec.scope.id.lower()), name)
    if other is not None:
        raise ConfigurationError(
            "prerequisites_assignment_id",
            f"MachineConfigurationPolicy {show(other)} already assigns the prerequisites at "
            f"{spec.scope.id}: reference its assignment (prerequisites_assignment_id="
            f"<its prerequisites_assignment_id>) instead of assigning them twice",
        )
