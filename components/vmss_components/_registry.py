"""Claims that must be unique within one Pulumi program (one stack's deployment).

Some uniqueness rules span components: one scale set carries one assignment per
configuration name. Each claim lives under the program's root stack resource, so two
programs run in one process (tests, the offline plan) never see each other's claims.
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable

import pulumi

from ._rules import declare_rule
from .errors import ConfigurationError

_BY_ROOT: weakref.WeakKeyDictionary[pulumi.Resource, dict[Hashable, str]] = (
    weakref.WeakKeyDictionary()
)
_UNROOTED: dict[Hashable, str] = {}


def claim(key: Hashable, owner: str) -> str | None:
    """Record that ``owner`` holds ``key`` in this program; returns the earlier owner, if any
    (and then records nothing)."""
    root = pulumi.runtime.get_root_resource()
    claims = _BY_ROOT.setdefault(root, {}) if root is not None else _UNROOTED
    earlier = claims.get(key)
    if earlier is None:
        claims[key] = owner
    return earlier


COMPONENT_NAME_UNIQUE = declare_rule(
    "component-name-unique",
    "Two components of one type cannot share a name in one program: Pulumi would see one "
    "resource (the same URN), and a real pulumi up fails on the duplicate.",
    where="vmss_components._registry.claim_component_name",
    paths=("name",),
)


def claim_component_name(type_token: str, name: str) -> None:
    """Refuse a second component of ``type_token`` named ``name`` in this program (called
    before the component registers)."""
    if claim(("component", type_token, name), name) is not None:
        kind = type_token.rsplit(":", 1)[-1]
        raise ConfigurationError(
            "name",
            f"another {kind} is already named {name!r} in this program: component names are "
            "unique per type (Pulumi identifies resources by type and name)",
        )
