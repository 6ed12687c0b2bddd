"""The one place Azure-facing names are derived from component names. Pure."""

from __future__ import annotations

import hashlib
import re
import uuid

from ._redact import show
from ._types import OsType
from .errors import ConfigurationError


def artifact_key(component: str, role: str) -> str:
    """The store key for one artifact of a component: ``web`` + ``dsc`` -> ``web-dsc``.

    Keys are lower-case letters, digits and dashes (a blob folder and part of a Pulumi name),
    so two components never share a key unless their names differ only in punctuation or case.
    """
    base = re.sub(r"[^a-z0-9]+", "-", component.lower()).strip("-") or "artifact"
    return f"{base[: 62 - len(role)].strip('-')}-{role}"


def computer_name_prefix(explicit: str | None, component: str, os: OsType, path: str) -> str:
    """The instances' computer name prefix: ``explicit`` checked, or derived from ``component``.

    Windows computer names are NetBIOS names of at most 15 characters and Azure appends a
    6-character instance suffix, so 9 are left; Linux host names leave 58.
    """
    limit = 9 if os == "windows" else 58
    if explicit is None:
        derived = re.sub(r"[^a-z0-9-]", "", component.lower()).strip("-")
        derived = derived[:limit].strip("-")
        if not derived or derived.isdigit():
            derived = ("win" if os == "windows" else "vm") + derived
        return derived[:limit]
    pattern = re.compile(rf"[A-Za-z0-9](?:[A-Za-z0-9-]{{0,{limit - 1}}})?")
    if not isinstance(explicit, str) or not pattern.fullmatch(explicit) or explicit.isdigit():
        raise ConfigurationError(
            f"{path}.computer_name_prefix",
            f"{show(explicit)}: {os} computer name prefixes are 1-{limit} letters, digits and "
            "dashes, not all digits",
        )
    return explicit


# Policy definition names are GUIDs, as New-GuestConfigurationPolicy makes them (-PolicyId).
_POLICY_DEFINITION_NAMESPACE = uuid.UUID("3f0c2d54-8a8e-4d3c-9a51-2b7f0d6c1e94")


def policy_definition_name(component: str, definition_scope: str, *identity: str) -> str:
    """A policy definition's name: a GUID derived from the component, where the definition
    lives and ``identity`` (what must give a new definition rather than update this one)."""
    seed = "|".join([component, definition_scope.lower(), *identity])
    return str(uuid.uuid5(_POLICY_DEFINITION_NAMESPACE, seed))


def policy_assignment_name(component: str, role: str) -> str:
    """A policy assignment's name: ``<component>-<role>-<hash>``, at most 24 characters.

    Azure limits assignment names at a management group to 24 characters and refuses
    ``. + * % & : \\ ? / < >`` in them; lower-case letters, digits and dashes fit every scope.
    ``role`` is 1-3 lower-case letters (``mc`` the policy, ``pre`` its prerequisites).
    """
    if not re.fullmatch(r"[a-z]{1,3}", role):
        raise ValueError(f"role {role!r} must be 1-3 lower-case letters")
    digest = hashlib.sha256(f"{component}|{role}".encode()).hexdigest()[:8]
    base = re.sub(r"[^a-z0-9]+", "-", component.lower()).strip("-")[:11].strip("-") or "p"
    return f"{base}-{role}-{digest}"


def remediation_name(component: str, content_hash: str) -> str:
    """A remediation task's name: ``<component>-<first 12 of the package hash>``.

    A started task cannot be changed: new content needs a new task, so the name follows it.
    """
    base = re.sub(r"[^a-z0-9]+", "-", component.lower()).strip("-")[:50].strip("-") or "p"
    return f"{base}-{content_hash[:12].lower()}"
