"""The custom policy definition of a Machine Configuration package, from plain facts. Pure.

:func:`policy_definition_document` returns the definition's ``properties`` as Microsoft's
GuestConfiguration module writes them with ``New-GuestConfigurationPolicy`` (module 4.12.0,
Azure/GuestConfiguration at 9ce97249): ``source/templates/1-Metadata.json``,
``2-Parameters.json``, ``4-Action-Audit.json`` and ``4-Action-Set-VMSS.json``, filled in as
``source/Private/New-GuestConfigurationPolicy{Content,MetadataSection,ParametersSection,
ActionSection,SetActionSection,AuditActionSection,GuestAssignmentNameReference,
ParameterReferenceString}.ps1`` fill them. Two departures, both deliberate:

- parameter types are ``"String"``, the spelling of azure-native's ``ParameterType`` enum
  (the module writes ``"string"``; Azure reads the type without regard to case and its
  built-in Machine Configuration policies read ``"String"``);
- the definition's ``metadata.version`` is the policy version the caller chose (the library
  uses the package's version), where the module takes ``-PolicyVersion``.

Audit packages give an ``auditIfNotExists`` policy; ApplyAndMonitor and ApplyAndAutoCorrect
a ``deployIfNotExists`` policy whose deployment creates the guest assignment on a virtual
machine, an Arc machine or a scale set, whichever the policy evaluates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._redact import show
from .._types import OsType, PolicyMode, choices
from ..errors import ConfigurationError
from .conditions import INCLUDE_ARC_MACHINES, machines_condition

POLICY_MODES = choices(PolicyMode)
ENABLE_AUTO_REMEDIATION = "EnableAutoRemediation"
#: Names the deployment template already uses for its own parameters.
DEPLOYMENT_PARAMETERS = ("vmName", "location", "type", "assignmentName")
#: Policy parameter names the module itself defines.
MODULE_PARAMETERS = (INCLUDE_ARC_MACHINES, ENABLE_AUTO_REMEDIATION)
#: Guest Configuration Resource Contributor: what a deployIfNotExists policy's identity needs
#: to create guest configuration assignments (``4-Action-Set-VMSS.json``).
GUEST_CONFIGURATION_RESOURCE_CONTRIBUTOR = "088ab73d-1256-47ae-bea9-9de8e7131f31"
GUEST_ASSIGNMENTS = "Microsoft.GuestConfiguration/guestConfigurationAssignments"
#: The machine types a deployIfNotExists deployment creates assignments on, in the module's
#: order; the Arc type is left out without Arc machines.
DEPLOYMENT_TARGETS = (
    "Microsoft.Compute/virtualMachines",
    "Microsoft.HybridCompute/machines",
    "Microsoft.Compute/virtualMachineScaleSets",
)
GUEST_ASSIGNMENT_API_VERSION = "2024-04-05"
_TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#"


@dataclass(frozen=True, kw_only=True)
class PolicyParameterFacts:
    """One MOF property offered as a policy parameter.

    ``reference`` is the guest configuration parameter it sets (``[Type]Name;Property``);
    ``name`` the policy parameter's name. ``default_value`` and ``allowed_values`` are
    strings, as every Machine Configuration parameter is.
    """

    name: str
    reference: str
    display_name: str
    description: str
    default_value: str | None = None
    allowed_values: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class PolicyDefinitionFacts:
    """Everything a Machine Configuration policy definition says, as plain values.

    ``content_hash`` is the package zip's SHA256 in upper-case hex. ``content_identity`` is
    the resource id of the user-assigned identity machines download the package with (the
    content URI then carries no token), or None. ``arc_machines`` keeps the module's Arc
    branch and its ``IncludeArcMachines`` parameter (the module's default); without it the
    definition is the module's ``-ExcludeArcMachines`` shape. ``machine_tags`` are the
    module's ``-Tag``: only machines with every one of these tags are governed.
    """

    display_name: str
    description: str
    policy_version: str
    configuration_name: str
    package_version: str
    content_hash: str
    os: OsType
    mode: PolicyMode
    parameters: tuple[PolicyParameterFacts, ...] = ()
    content_identity: str | None = None
    arc_machines: bool = False
    machine_tags: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in POLICY_MODES:
            raise ConfigurationError("mode", f"{show(self.mode)} is not one of {POLICY_MODES}")
        if self.os not in choices(OsType):
            raise ConfigurationError("os", f"{show(self.os)} is not 'windows' or 'linux'")
        # New-GuestConfigurationPolicy: "User assigned managed identities cannot be used with
        # Azure Arc machines" (-ManagedIdentityResourceId requires -ExcludeArcMachines).
        if self.content_identity is not None and self.arc_machines:
            raise ConfigurationError(
                "content_identity_resource_id",
                "a user-assigned identity cannot download packages on Arc machines: leave "
                "arc_machines off, or download with a SAS token",
            )

    @property
    def deploys(self) -> bool:
        """Whether the policy deploys assignments (deployIfNotExists) or only audits."""
        return self.mode != "Audit"


def effect(facts: PolicyDefinitionFacts) -> str:
    """``deployIfNotExists`` for the Apply modes, ``auditIfNotExists`` for Audit."""
    return "deployIfNotExists" if facts.deploys else "auditIfNotExists"


def role_definition_ids(facts: PolicyDefinitionFacts) -> tuple[str, ...]:
    """The roles the policy assignment's identity needs (the rule's ``roleDefinitionIds``)."""
    if not facts.deploys:
        return ()
    return (
        f"/providers/Microsoft.Authorization/roleDefinitions/"
        f"{GUEST_CONFIGURATION_RESOURCE_CONTRIBUTOR}",
    )


def guest_assignment_name(configuration_name: str) -> str:
    """The ARM expression naming the guest assignment a policy creates:
    ``<Configuration>$pid<uniqueString(assignment, reference)>``, one per policy assignment
    (``New-GuestConfigurationPolicyGuestAssignmentNameReference.ps1``)."""
    return (
        f"[concat('{configuration_name}$pid', "
        "uniqueString(policy().assignmentId, policy().definitionReferenceId))]"
    )


def parameter_hash(parameters: tuple[PolicyParameterFacts, ...]) -> str:
    """The ARM expression the existence condition compares the guest assignment's
    ``parameterHash`` with: base64 of ``<reference>=<value>`` pairs joined by ``,``, in the
    parameters' order (``New-GuestConfigurationPolicyActionSection.ps1``)."""
    items = [f"'{p.reference}', '=', parameters('{p.name}')" for p in parameters]
    separator = ", ',', "
    return f"[base64(concat({separator.join(items)}))]"


def definition_parameters(facts: PolicyDefinitionFacts) -> dict[str, dict[str, Any]]:
    """``properties.parameters``: the module's own (``2-Parameters.json``), then one string
    parameter per MOF property offered, in order."""
    parameters: dict[str, dict[str, Any]] = {}
    if facts.arc_machines:
        parameters[INCLUDE_ARC_MACHINES] = {
            "type": "String",
            "metadata": {
                "displayName": "Include Arc connected machines",
                "description": (
                    "By selecting this option, you agree to be charged monthly per Arc "
                    "connected machine."
                ),
                "portalReview": "true",
            },
            "allowedValues": ["true", "false"],
            "defaultValue": "false",
        }
    if facts.deploys:
        parameters[ENABLE_AUTO_REMEDIATION] = {
            "type": "String",
            "metadata": {
                "displayName": "Enable Auto Remediation",
                "description": (
                    "When true, the policy will automatically enforce remediation. When false, "
                    "it will only audit"
                ),
            },
            "allowedValues": ["true", "false"],
            "defaultValue": "false",
        }
    for parameter in facts.parameters:
        entry: dict[str, Any] = {
            "type": "String",
            "metadata": {
                "displayName": parameter.display_name,
                "description": parameter.description,
            },
        }
        if parameter.default_value is not None:
            entry["defaultValue"] = parameter.default_value
        if parameter.allowed_values is not None:
            entry["allowedValues"] = list(parameter.allowed_values)
        parameters[parameter.name] = entry
    return parameters


def definition_metadata(facts: PolicyDefinitionFacts, content_uri: str) -> dict[str, Any]:
    """``properties.metadata``: what the Machine Configuration service reads to create guest
    assignments (for auditIfNotExists policies too), with the package's name, version, URI and
    hash (``1-Metadata.json``, ``New-GuestConfigurationPolicyMetadataSection.ps1``)."""
    guest: dict[str, Any] = {
        "name": facts.configuration_name,
        "version": facts.package_version,
        "contentType": "Custom",
        "contentUri": content_uri,
        "contentHash": facts.content_hash,
    }
    if facts.content_identity is not None:
        guest["contentManagedIdentity"] = facts.content_identity
    if facts.parameters:
        # An object here (parameter name -> reference); the deployment takes a list.
        guest["configurationParameter"] = {p.name: p.reference for p in facts.parameters}
    if facts.deploys:
        guest["enableAutoRemediation"] = f"[parameters('{ENABLE_AUTO_REMEDIATION}')]"
        guest["autoRemediationAssignmentType"] = facts.mode
    return {
        "category": "Guest Configuration",
        "version": facts.policy_version,
        "requiredProviders": ["Microsoft.GuestConfiguration"],
        "guestConfiguration": guest,
    }


def existence_condition(facts: PolicyDefinitionFacts) -> dict[str, Any]:
    """When a machine counts as done: its guest assignment is compliant (and, with parameters,
    was made with this assignment's values); a one-element ``allOf`` is unwrapped."""
    conditions: list[dict[str, Any]] = [
        {"field": f"{GUEST_ASSIGNMENTS}/complianceStatus", "equals": "Compliant"}
    ]
    if facts.deploys:
        # Always true: it ties the condition to the parameter, as the module does.
        conditions.append(
            {"value": f"[parameters('{ENABLE_AUTO_REMEDIATION}')]", "in": ["true", "false"]}
        )
    if facts.parameters:
        conditions.append(
            {
                "field": f"{GUEST_ASSIGNMENTS}/parameterHash",
                "equals": parameter_hash(facts.parameters),
            }
        )
    return conditions[0] if len(conditions) == 1 else {"allOf": conditions}


def guest_configuration(facts: PolicyDefinitionFacts, content_uri: str) -> dict[str, Any]:
    """The ``guestConfiguration`` each deployed guest assignment carries."""
    guest: dict[str, Any] = {
        "name": facts.configuration_name,
        "version": facts.package_version,
        "contentType": "Custom",
        "contentUri": content_uri,
        "contentHash": facts.content_hash,
        "assignmentType": facts.mode,
    }
    if facts.content_identity is not None:
        guest["contentManagedIdentity"] = facts.content_identity
    if facts.parameters:
        guest["configurationParameter"] = [
            {"name": p.reference, "value": f"[parameters('{p.name}')]"} for p in facts.parameters
        ]
    return guest


def deployment(facts: PolicyDefinitionFacts, content_uri: str) -> dict[str, Any]:
    """The deployment a deployIfNotExists policy runs on a machine without a compliant
    assignment: one template resource per machine type, each enabled by a condition on the
    evaluated resource's type (``4-Action-Set-VMSS.json``)."""
    name = guest_assignment_name(facts.configuration_name)
    parameters: dict[str, Any] = {
        "vmName": {"value": "[field('name')]"},
        "location": {"value": "[field('location')]"},
        "type": {"value": "[field('type')]"},
        "assignmentName": {"value": name},
    }
    template_parameters: dict[str, Any] = {key: {"type": "string"} for key in DEPLOYMENT_PARAMETERS}
    for parameter in facts.parameters:
        parameters[parameter.name] = {"value": f"[parameters('{parameter.name}')]"}
        template_parameters[parameter.name] = {"type": "string"}
    guest = guest_configuration(facts, content_uri)
    resources = [
        {
            "condition": f"[equals(toLower(parameters('type')), toLower('{target}'))]",
            "apiVersion": GUEST_ASSIGNMENT_API_VERSION,
            "type": f"{target}/providers/guestConfigurationAssignments",
            "name": (
                "[concat(parameters('vmName'), '/Microsoft.GuestConfiguration/', "
                "parameters('assignmentName'))]"
            ),
            "location": "[parameters('location')]",
            "properties": {"guestConfiguration": dict(guest)},
        }
        for target in DEPLOYMENT_TARGETS
        if facts.arc_machines or target != "Microsoft.HybridCompute/machines"
    ]
    return {
        "properties": {
            "mode": "incremental",
            "parameters": parameters,
            "template": {
                "$schema": _TEMPLATE_SCHEMA,
                "contentVersion": "1.0.0.0",
                "parameters": template_parameters,
                "resources": resources,
            },
        }
    }


def policy_rule(facts: PolicyDefinitionFacts, content_uri: str) -> dict[str, Any]:
    """``properties.policyRule``: ``if`` the machines, ``then`` the effect and its details."""
    details: dict[str, Any] = {}
    roles = role_definition_ids(facts)
    if roles:
        details["roleDefinitionIds"] = list(roles)
    details["type"] = GUEST_ASSIGNMENTS
    details["name"] = guest_assignment_name(facts.configuration_name)
    details["existenceCondition"] = existence_condition(facts)
    if facts.deploys:
        details["deployment"] = deployment(facts, content_uri)
    return {
        "if": machines_condition(facts.os, include_arc=facts.arc_machines, tags=facts.machine_tags),
        "then": {"effect": effect(facts), "details": details},
    }


def policy_definition_document(facts: PolicyDefinitionFacts, content_uri: str) -> dict[str, Any]:
    """The definition's ``properties``, in the module's order."""
    return {
        "displayName": facts.display_name,
        "policyType": "Custom",
        "mode": "Indexed",
        "description": facts.description,
        "metadata": definition_metadata(facts, content_uri),
        "parameters": definition_parameters(facts),
        "policyRule": policy_rule(facts, content_uri),
    }
