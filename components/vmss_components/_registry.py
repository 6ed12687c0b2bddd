"""Claims that must be unique within one Pulumi program (one stack's deployment).

Some uniqueness rules span components: one scale set carries one assignment per
configuration name. Each claim lives under the program's root stack resource, so two
programs run in one process (tests, the offline plan) never see each other's claims.
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable

import pulumi

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
