"""Azure Policy for Machine Configuration: definition documents and scopes. Pure: no Pulumi.

:mod:`.definition` builds a custom policy definition from a package's plain facts as
Microsoft's GuestConfiguration module writes it (``New-GuestConfigurationPolicy``);
:mod:`.conditions` holds its ``if`` (which machines); :mod:`.scope` reads and checks policy
scopes. This module only re-exports.
"""

from .conditions import INCLUDE_ARC_MACHINES, machines_condition
from .definition import (
    DEPLOYMENT_PARAMETERS,
    ENABLE_AUTO_REMEDIATION,
    GUEST_CONFIGURATION_RESOURCE_CONTRIBUTOR,
    MODULE_PARAMETERS,
    POLICY_MODES,
    PolicyDefinitionFacts,
    PolicyParameterFacts,
    definition_metadata,
    definition_parameters,
    effect,
    guest_assignment_name,
    parameter_hash,
    policy_definition_document,
    policy_rule,
    role_definition_ids,
)
from .scope import PolicyScope, parse_assignment_id, parse_policy_scope

__all__ = [
    "DEPLOYMENT_PARAMETERS",
    "ENABLE_AUTO_REMEDIATION",
    "GUEST_CONFIGURATION_RESOURCE_CONTRIBUTOR",
    "INCLUDE_ARC_MACHINES",
    "MODULE_PARAMETERS",
    "POLICY_MODES",
    "PolicyDefinitionFacts",
    "PolicyParameterFacts",
    "PolicyScope",
    "definition_metadata",
    "definition_parameters",
    "effect",
    "guest_assignment_name",
    "machines_condition",
    "parameter_hash",
    "parse_assignment_id",
    "parse_policy_scope",
    "policy_definition_document",
    "policy_rule",
    "role_definition_ids",
]
