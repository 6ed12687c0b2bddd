"""The plain-value rules every args class shares, one copy of each.

Each raises ConfigurationError naming the argument; none touches a Pulumi resource.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pulumi

from ._files import check_encodable
from ._guard import secret_reason
from ._inputs import checked_at, checked_input, shown
from ._redact import show
from ._rules import declare_rule
from ._types import choices
from .errors import ConfigurationError

TEXT_RULE = declare_rule(
    "text-no-control-characters",
    "Names, tags, probe paths, image references, SSH keys, the resource group, location and "
    "resource ids, an extension's publisher, type and update tag and Custom Script file URLs "
    "hold no control or format "
    "character (NUL, a newline, U+202E, a zero-width character): they would reach Azure, "
    "logs and portals unseen.",
    where="vmss_components._checks.check_text_characters",
    paths=(
        "scale_set.tags",
        "scale_set.health.request_path",
        "scale_set.image.version",
        "scale_set.ssh_public_keys[0]",
        "scale_set.subnet_id",
        "scale_set.resource_group_name",
        "scale_set.location",
        "extension.publisher",
        "extension.type",
        "extension.force_update_tag",
        "file_uris",
    ),
)
TAG_RULE = declare_rule(
    "tag-azure-limits",
    "At most 50 tags; a tag name is 1-512 characters without any of <>%&\\?/, a tag value a "
    "string of at most 256 characters.",
    where="vmss_components._checks.check_tags",
    paths=("scale_set.tags",),
)
# Unicode categories refused in single-line text: controls (Cc: NUL, tab, newline), format
# characters (Cf: U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, U+FEFF), lone
# surrogates (Cs) and the line and paragraph separators (Zl, Zp).
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

# Azure tag names cannot contain these characters; a resource takes at most 50 tags.
_TAG_FORBIDDEN = set("<>%&\\?/")
_MAX_TAGS = 50
# Component names become Pulumi logical names, URN segments and the start of Azure names
# (the scale set is autonamed from "<name>-vmss" plus a random suffix, 64 characters at most).
_COMPONENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,49}")


def unseen_character(text: str) -> str | None:
    """The first control or format character in ``text``, described, or None."""
    for index, character in enumerate(text):
        if unicodedata.category(character) in _UNSEEN_CATEGORIES:
            name = unicodedata.name(character, "a control character")
            return f"U+{ord(character):04X} ({name}) at character {index}"
    return None


def check_text_characters(value: str, path: str, what: str = "the text") -> str:
    """Refuse single-line text holding a control or format character; returns ``value``.

    The error names the character and where it is, never the text (it may be a key).
    """
    found = unseen_character(value)
    if found is not None:
        raise ConfigurationError(
            path,
            f"{what} holds {found}: control and format characters are invisible in logs and "
            "portals, and Azure or the instances may read them differently",
        )
    return value


def _shown(value: object, limit: int = 60) -> str:
    """A value for a message: ASCII-escaped and cut to ``limit`` characters."""
    if not isinstance(value, str):
        return shown(value)
    text = ascii(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def check_tags(tags: object, path: str) -> dict[str, str]:
    """Azure tags: at most 50, names up to 512 characters without ``<>%&\\?/``, values up to 256."""
    if not isinstance(tags, Mapping):
        raise ConfigurationError(
            path, f"expected a mapping of tag names to values, got {shown(tags)}"
        )
    if len(tags) > _MAX_TAGS:
        raise ConfigurationError(path, f"{len(tags)} tags: Azure allows at most {_MAX_TAGS}")
    for key, value in tags.items():
        _check_tag_name(key, path)
        _check_tag_value(value, path, key=key)
    return dict(tags)


def checked_tags(
    tags: Mapping[str, pulumi.Input[str]] | pulumi.Output[Mapping[str, str]], path: str
) -> Mapping[str, pulumi.Input[str]] | pulumi.Output[Mapping[str, str]]:
    """:func:`check_tags` on a ``pulumi.Input``: plain names and values now, an Output (the
    whole mapping or one value) when its value is known, with the same messages."""
    if isinstance(tags, pulumi.Output):
        return checked_at(tags, check_tags, path)
    if not isinstance(tags, Mapping):
        raise ConfigurationError(
            path, f"expected a mapping of tag names to values, got {shown(tags)}"
        )
    if len(tags) > _MAX_TAGS:
        raise ConfigurationError(path, f"{len(tags)} tags: Azure allows at most {_MAX_TAGS}")
    checked: dict[str, pulumi.Input[str]] = {}
    for key, value in tags.items():
        _check_tag_name(key, path)
        # The name is judged now whatever the value: an Output unknown in a preview too.
        _refuse_secret_tag(key, secret_reason(key, None), path)
        checked[key] = checked_at(value, functools.partial(_check_tag_value, key=key), path)
    return checked


def _check_tag_name(key: object, path: str) -> None:
    if not isinstance(key, str) or not key or len(key) > 512 or set(key) & _TAG_FORBIDDEN:
        raise ConfigurationError(
            path, f"tag name {_shown(key)} must be 1-512 characters without any of <>%&\\?/"
        )
    check_text_characters(key, path, f"the tag name {_shown(key)}")


def _check_tag_value(value: object, path: str, *, key: str) -> None:
    """The value of the tag ``key``; ``path`` names the tags."""
    if not isinstance(value, str) or len(value) > 256:
        raise ConfigurationError(f"{path}.{key}", "tag value must be a string of at most 256")
    check_text_characters(value, f"{path}.{key}", "the tag value")
    _refuse_secret_tag(key, secret_reason(key, value), path)


def _refuse_secret_tag(key: str, reason: str | None, path: str) -> None:
    # Tags are shown to anyone who can read the resource, and in every cost report.
    if reason is not None:
        raise ConfigurationError(
            f"{path}.{key}",
            f"looks like a secret ({reason}) but tags are public: keep secrets out of tags",
        )


def check_component_name(name: object, path: str = "name") -> str:
    """A component's name: 1-50 letters, digits, '.', '-', '_', starting with a letter or digit.

    It becomes the Pulumi name of the component and its children (URNs split on ``::``) and
    the start of Azure names, so spaces, slashes and other punctuation are refused here rather
    than by Azure halfway through a deployment.
    """
    if not isinstance(name, str) or not _COMPONENT_NAME.fullmatch(name):
        shown = show(name)
        raise ConfigurationError(
            path,
            f"{shown} is not a valid component name: 1-50 letters, digits, '.', '-' or '_', "
            "starting with a letter or digit",
        )
    return name


def check_input_text(
    value: object, path: str, *, optional: bool = False, secret: bool = False
) -> None:
    """A ``pulumi.Input[str]``: an Output is taken on trust, plain text must be non-empty
    valid Unicode (no lone surrogate).

    With ``secret`` (a password, a command) the message never shows the value.
    """
    if value is None and optional:
        return
    if isinstance(value, pulumi.Output):
        return
    if not isinstance(value, str) or not value.strip():
        shown = f"a value of type {type(value).__name__}" if secret else show(value)
        raise ConfigurationError(path, f"expected a non-empty string or an Output, got {shown}")
    # A lone surrogate has no UTF-8 form: the engine would fail on it after resources are
    # registered. The message names the character's position, never the text.
    check_encodable(value, path)


def checked_text(
    value: pulumi.Input[str] | None, path: str, *, optional: bool = False, secret: bool = False
) -> pulumi.Input[str] | None:
    """:func:`check_input_text` on a plain value now and on an Output when its value is known
    (an Output that resolves to empty text or None is refused then, with the same message)."""
    if isinstance(value, pulumi.Output):
        return checked_input(
            value, lambda known: check_input_text(known, path, optional=optional, secret=secret)
        )
    check_input_text(value, path, optional=optional, secret=secret)
    return value


def check_int(value: object, path: str, *, minimum: int, maximum: int) -> int:
    """A whole number in ``minimum..maximum`` (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(path, f"expected a whole number, got {shown(value)}")
    if not minimum <= value <= maximum:
        raise ConfigurationError(path, f"{value} is outside {minimum}..{maximum}")
    return value


def check_pattern(value: object, path: str, pattern: re.Pattern[str], rule: str) -> str:
    """Text matching ``pattern``; ``rule`` says in words what is accepted."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ConfigurationError(path, f"{_shown(value)} is not valid: {rule}")
    return value


def check_choice(value: object, path: str, choices: tuple[Any, ...]) -> Any:
    """One of ``choices``, compared exactly."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ConfigurationError(path, f"{shown(value)} is not one of {listed}")
    return value


def check_literal(value: object, path: str, literal: Any) -> Any:
    """One of the values of a ``Literal`` type (the choices are the type's own)."""
    return check_choice(value, path, choices(literal))


def check_type(value: object, expected: type, path: str) -> None:
    """An instance of ``expected``."""
    if not isinstance(value, expected):
        raise ConfigurationError(path, f"expected {expected.__name__}, got {shown(value)}")


def check_bool(value: object, path: str) -> None:
    """``True`` or ``False`` (not a truthy value)."""
    if not isinstance(value, bool):
        raise ConfigurationError(path, f"expected True or False, got {shown(value)}")


def check_sequence(value: object, path: str) -> None:
    """A list or tuple, not a single string."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ConfigurationError(path, f"expected a list, got {shown(value)}")


# Extension names appear in provisionAfterExtensions and in the instance view: Azure takes
# 1-64 letters, digits, '.', '-', '_'.
EXTENSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def check_extension_name(value: object, path: str) -> str:
    """A scale-set extension name."""
    if not isinstance(value, str) or not EXTENSION_NAME.fullmatch(value):
        raise ConfigurationError(
            path, f"{show(value)} is not a valid extension name (1-64 letters, digits, . - _)"
        )
    return value


_USER_ASSIGNED_IDENTITY_ID = re.compile(
    r"/subscriptions/(?P<subscription>[^/]+)/resourceGroups/(?P<group>[^/]+)/providers/"
    r"Microsoft\.ManagedIdentity/userAssignedIdentities/(?P<name>[^/]+)",
    re.IGNORECASE,
)


# Storage account ids: the segment names in any case (ARM ids are case-insensitive there),
# the account name as Azure allows it (3-24 lower-case letters and digits).
_STORAGE_ACCOUNT_ID = re.compile(
    r"/subscriptions/(?P<subscription>[0-9a-fA-F-]{36})"
    r"/resourceGroups/(?P<group>[-\w._()]{1,90})"
    r"/providers/Microsoft\.Storage/storageAccounts/(?P<name>[a-z0-9]{3,24})",
    re.IGNORECASE | re.ASCII,
)


_ACCOUNT_NAME = re.compile(r"[a-z0-9]{3,24}", re.ASCII)


def parse_storage_account_id(account_id: object, path: str) -> tuple[str, str, str]:
    """The subscription, resource group and name of a storage account, from its id."""
    if not isinstance(account_id, str):
        raise ConfigurationError(
            path, f"expected a storage account resource id, got {type(account_id).__name__}"
        )
    match = _STORAGE_ACCOUNT_ID.fullmatch(account_id)
    # Only the fixed segments are case-insensitive: account names are lower-case.
    if match is None or _ACCOUNT_NAME.fullmatch(match.group("name")) is None:
        raise ConfigurationError(
            path,
            "not a storage account id (/subscriptions/<id>/resourceGroups/<group>/providers/"
            "Microsoft.Storage/storageAccounts/<3-24 lower-case letters and digits>)",
        )
    return match.group("subscription"), match.group("group"), match.group("name")


def parse_identity_id(identity_id: str, path: str) -> tuple[str, str]:
    """The resource group and name of a user-assigned identity, from its resource id."""
    match = _USER_ASSIGNED_IDENTITY_ID.fullmatch(identity_id.strip())
    if match is None:
        raise ConfigurationError(
            path,
            f"{show(identity_id)} is not a user-assigned identity id "
            "(/subscriptions/<id>/resourceGroups/<group>/providers/"
            "Microsoft.ManagedIdentity/userAssignedIdentities/<name>)",
        )
    return match.group("group"), match.group("name")


def check_identity_input(value: object, path: str) -> tuple[str, str] | None:
    """A user-assigned identity's resource id given as a ``pulumi.Input[str]``.

    Plain text must be such an id: its resource group and name are returned, for looking the
    identity up. An Output is taken on trust (None): it is parsed when its value is known, and
    a malformed one fails then, at ``path``.
    """
    if isinstance(value, pulumi.Output):
        return None
    if not isinstance(value, str):
        raise ConfigurationError(
            path, f"expected a user-assigned identity id, got {type(value).__name__}"
        )
    return parse_identity_id(value, path)


DOWNLOAD_IDENTITY_PATH = "download_identity_resource_id"


def check_download_identity(download: str, identity: object) -> None:
    """``download_identity_resource_id`` of a component that downloads by SAS or by identity:
    only with ``download='managed_identity'``, and a user-assigned identity id."""
    if identity is None:
        return
    if download != "managed_identity":
        raise ConfigurationError(
            DOWNLOAD_IDENTITY_PATH,
            "an identity is only used with download='managed_identity'; with 'sas' each "
            "download URL carries its own token",
        )
    check_identity_input(identity, DOWNLOAD_IDENTITY_PATH)


def resolve_download_identity(
    download: str, given: object, *, publishes: bool, content: str, reads: str
) -> tuple[Literal["given", "created"] | None, tuple[str, str] | None]:
    """Which identity a component downloads with, and the group and name to look a given one
    up by (when its id is plain text).

    By SAS: none. By identity: the given one, or else one the component creates, which can
    read only what the component itself publishes (``publishes``); with nothing to publish a
    new identity could read nothing, so an identity must be given. ``content`` names what
    would be published (``files``), ``reads`` what the given identity must already read.
    """
    if download != "managed_identity":
        return None, None
    if given is not None:
        return "given", check_identity_input(given, DOWNLOAD_IDENTITY_PATH)
    if publishes:
        return "created", None
    raise ConfigurationError(
        DOWNLOAD_IDENTITY_PATH,
        f"download='managed_identity' without {content} to publish needs "
        f"download_identity_resource_id: the identity that can already read {reads} "
        "(a new one could read nothing)",
    )
