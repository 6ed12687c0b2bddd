"""The one place Azure-facing names are derived from component names. Pure."""

from __future__ import annotations

import re

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
            f"{explicit!r}: {os} computer name prefixes are 1-{limit} letters, digits and "
            "dashes, not all digits",
        )
    return explicit
