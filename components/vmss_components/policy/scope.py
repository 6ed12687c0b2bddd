"""Azure Policy scopes: a management group, a subscription or a resource group. Pure.

The forms are those of the Policy Assignments REST API (``scope``): ``/providers/
Microsoft.Management/managementGroups/{managementGroupId}``, ``/subscriptions/
{subscriptionId}`` and ``/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}``.
Azure also takes a single resource as a scope; a policy for every machine in a scope has no
use for one, so it is refused here, as is anything that is not exactly one of the three.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .._redact import show
from ..errors import ConfigurationError

ScopeKind = Literal["management_group", "subscription", "resource_group"]

_GUID = r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"
# Management group ids: up to 90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'.
_MANAGEMENT_GROUP = re.compile(
    r"/providers/Microsoft\.Management/managementGroups/"
    r"(?P<group>[A-Za-z0-9_.()-]{0,89}[A-Za-z0-9_()-])",
    re.IGNORECASE,
)
_SUBSCRIPTION = re.compile(rf"/subscriptions/(?P<subscription>{_GUID})", re.IGNORECASE)
# Resource group names: up to 90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'.
_RESOURCE_GROUP = re.compile(
    rf"/subscriptions/(?P<subscription>{_GUID})/resourceGroups/"
    r"(?P<group>[-\w.()]{0,89}[-\w()])",
    re.IGNORECASE,
)
# Policy assignment names (REST API pattern): no < > * % & : \ ? . + /, not ending in a space.
_ASSIGNMENT_NAME = r"[^<>*%&:\\?.+/]*[^<>*%&:\\?.+/ ]"
_ASSIGNMENT_SUFFIX = re.compile(
    rf"(?P<scope>.+)/providers/Microsoft\.Authorization/policyAssignments/"
    rf"(?P<name>{_ASSIGNMENT_NAME})",
    re.IGNORECASE,
)
_SCOPE_FORMS = (
    "/providers/Microsoft.Management/managementGroups/<group>, /subscriptions/<subscription "
    "GUID> or /subscriptions/<subscription GUID>/resourceGroups/<group>"
)


@dataclass(frozen=True)
class PolicyScope:
    """A checked policy scope: its id as given, its kind and its parts."""

    id: str
    kind: ScopeKind
    management_group: str | None = None
    subscription_id: str | None = None
    resource_group: str | None = None

    @property
    def definition_scope(self) -> str:
        """Where a custom definition assignable here lives: the management group itself, or
        the subscription (a definition is assignable at its own scope and below)."""
        if self.kind == "management_group":
            return self.id
        return f"/subscriptions/{self.subscription_id}"

    def role_definition_id(self, role: str) -> str:
        """The id of built-in role ``role`` (a GUID) as a role assignment here takes it: the
        subscription form below a subscription, the tenant form at a management group."""
        if self.kind == "management_group":
            return f"/providers/Microsoft.Authorization/roleDefinitions/{role}"
        return (
            f"/subscriptions/{self.subscription_id}/providers/Microsoft.Authorization/"
            f"roleDefinitions/{role}"
        )

    def assignment_id(self, name: str) -> str:
        """The id of the policy assignment ``name`` at this scope."""
        return f"{self.id}/providers/Microsoft.Authorization/policyAssignments/{name}"

    def covers(self, other: PolicyScope) -> bool | None:
        """Whether an assignment here reaches every machine in ``other``; None when only
        Azure knows (a management group's place in the hierarchy)."""
        if self.kind == "management_group":
            if other.kind == "management_group" and _same(
                self.management_group, other.management_group
            ):
                return True
            return None
        if other.kind == "management_group" or not _same(
            self.subscription_id, other.subscription_id
        ):
            return False
        if self.kind == "subscription":
            return True
        return other.kind == "resource_group" and _same(self.resource_group, other.resource_group)


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.lower() == b.lower()


def parse_policy_scope(value: object, path: str) -> PolicyScope:
    """The scope ``value`` names; ConfigurationError unless it is exactly the id of a
    management group, a subscription or a resource group."""
    if not isinstance(value, str):
        raise ConfigurationError(
            path,
            f"expected the id of a management group, subscription or resource group as plain "
            f"text (it decides which resources are created), got {type(value).__name__}",
        )
    if (match := _MANAGEMENT_GROUP.fullmatch(value)) is not None:
        return PolicyScope(value, "management_group", management_group=match.group("group"))
    if (match := _SUBSCRIPTION.fullmatch(value)) is not None:
        return PolicyScope(value, "subscription", subscription_id=match.group("subscription"))
    if (match := _RESOURCE_GROUP.fullmatch(value)) is not None:
        return PolicyScope(
            value,
            "resource_group",
            subscription_id=match.group("subscription"),
            resource_group=match.group("group"),
        )
    raise ConfigurationError(
        path,
        f"{show(value)} is not the id of a management group, subscription or resource group "
        f"({_SCOPE_FORMS})",
    )


def parse_assignment_id(value: object, path: str) -> tuple[PolicyScope, str]:
    """The scope and name of a policy assignment id (``<scope>/providers/
    Microsoft.Authorization/policyAssignments/<name>``), its scope one of the three kinds."""
    text = value if isinstance(value, str) else ""
    match = _ASSIGNMENT_SUFFIX.fullmatch(text)
    if match is None:
        shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
        raise ConfigurationError(
            path,
            f"{shown} is not a policy assignment id (<scope>/providers/"
            f"Microsoft.Authorization/policyAssignments/<name>, the scope one of {_SCOPE_FORMS})",
        )
    return parse_policy_scope(match.group("scope"), path), match.group("name")
