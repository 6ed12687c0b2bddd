"""The scale-set rules that need the OS and the component's own extensions. Pure.

:func:`resolve_scale_set` takes plain arguments and returns a :class:`ScaleSetSpec`: the
validated facts a build needs (OS, image, computer name prefix, SSH keys, the extensions the
scale set adds for health and Machine Configuration). It registers nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pulumi

from .._checks import check_component_name, check_type
from .._files import read_utf8_file
from .._naming import computer_name_prefix
from .._redact import show
from .._rules import declare_rule
from .._types import OsType
from ..errors import ConfigurationError
from ..extensions import (
    Extension,
    check_extension_list,
    check_handler_rules,
    check_one_per_handler,
    guest_configuration_extension,
    health_extension,
)
from .args import (
    LINUX_DEFAULT_IMAGE,
    WINDOWS_DEFAULT_IMAGE,
    ImageReference,
    ScaleSetArgs,
    check_ssh_key,
)
from .trusted_launch import decide_trusted_launch

IMAGE_OS_MATCHES = declare_rule(
    "image-os-matches-component",
    "The image's OS is the component's (no cloud-init on a Windows image, no DSC on Ubuntu).",
    where="vmss_components.scaleset.resolve.resolve_scale_set",
    paths=("scale_set.image",),
)
# An OpenSSH public key file is one line: an RSA key of 16384 bits is under 3 KiB.
_KEY_FILE_LIMIT = 16 * 1024


@dataclass(frozen=True, kw_only=True)
class ScaleSetSpec:
    """A validated scale set: resolved OS, image, computer name prefix, SSH keys, the
    extensions it adds and its identities."""

    args: ScaleSetArgs
    os: OsType
    image: ImageReference
    computer_name_prefix: str
    ssh_public_keys: Sequence[pulumi.Input[str]] | pulumi.Output[Sequence[str]]
    """The keys' texts; an Output (a key, or the whole list) was checked by the args and is
    checked again when its value is known."""
    added_extensions: tuple[Extension, ...]
    system_assigned_identity: bool
    user_assigned_resource_ids: tuple[pulumi.Input[str], ...]
    trusted_launch: bool


def resolve_scale_set(
    args: ScaleSetArgs,
    *,
    os: OsType,
    name: str,
    component_extension_names: Sequence[str] = (),
    component_handlers: Sequence[tuple[str, str]] = (),
    path: str = "scale_set",
) -> ScaleSetSpec:
    """Check ``args`` for a scale set of ``os`` whose component adds the named extensions,
    of the handlers ``component_handlers`` ((publisher, type) pairs).

    Every extension of the scale set obeys its handler's rules (OS, version, settings), and
    a handler appears once, however the extension arrives. Raises ConfigurationError before
    any resource exists.
    """
    check_component_name(name)
    check_type(args, ScaleSetArgs, path)
    image = args.image or (WINDOWS_DEFAULT_IMAGE if os == "windows" else LINUX_DEFAULT_IMAGE)
    image_os = image.operating_system()
    if image_os != os:
        raise ConfigurationError(
            f"{path}.image",
            f"{image.publisher or _image_label(image)} is a {image_os} image, but this scale set "
            f"runs {os}",
        )
    trusted_launch = decide_trusted_launch(
        args.trusted_launch,
        image.hyper_v_generation(),
        args.vm_size if isinstance(args.vm_size, str) else None,
        image.label(),
        path,
    )
    prefix = computer_name_prefix(args.computer_name_prefix, name, os, path)
    keys = _ssh_keys(args, os, path)
    if os == "windows" and isinstance(args.admin_password, str):
        _check_windows_password(args.admin_password, f"{path}.admin_password")
    added: list[Extension] = []
    if args.health is not None:
        added.append(
            health_extension(
                os,
                protocol=args.health.protocol,
                port=args.health.port,
                request_path=args.health.request_path,
                interval_in_seconds=args.health.interval_in_seconds,
                number_of_probes=args.health.number_of_probes,
            )
        )
    if args.machine_configuration:
        added.append(guest_configuration_extension(os))
    names = [
        *component_extension_names,
        *(e.name for e in added),
        *(e.name for e in args.extra_extensions),
    ]
    _check_unique_names(names, component_extension_names, path)
    extra_path = f"{path}.extra_extensions"
    for extension in added:
        check_handler_rules(extension, os, f"{path}.extensions.{extension.name}")
    for index, extension in enumerate(args.extra_extensions):
        check_handler_rules(extension, os, f"{extra_path}[{index}]")
    check_one_per_handler(
        [(f"{extra_path}[{i}]", e.publisher, e.type) for i, e in enumerate(args.extra_extensions)],
        owned=[*component_handlers, *((e.publisher, e.type) for e in added)],
    )
    # The user's extensions may wait for the component's and for each other: checked now,
    # before the component registers anything (the whole list is checked again when built).
    check_extension_list(
        args.extra_extensions,
        f"{path}.extra_extensions",
        others=[*component_extension_names, *(e.name for e in added)],
    )
    return ScaleSetSpec(
        args=args,
        os=os,
        image=image,
        computer_name_prefix=prefix,
        ssh_public_keys=keys,
        added_extensions=tuple(added),
        system_assigned_identity=args.system_assigned_identity,
        user_assigned_resource_ids=tuple(args.managed_identities.user_assigned_resource_ids),
        trusted_launch=trusted_launch,
    )


def _image_label(image: ImageReference) -> str:
    # An id known only later is not shown (its repr says nothing).
    return image.id if isinstance(image.id, str) else "the custom image"


EXTENSION_NAMES_UNIQUE = declare_rule(
    "extension-names-unique",
    "Extension names are unique in a scale set (compared without case), the component's own "
    "included.",
    where="vmss_components.scaleset.resolve.resolve_scale_set",
    paths=("scale_set.extra_extensions",),
)


def _check_unique_names(names: Sequence[str], owned: Sequence[str], path: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            where = "extra_extensions" if name not in owned else "extension_name"
            raise ConfigurationError(
                f"{path}.{where}",
                f"two extensions would be named {show(name)}: names must be unique in a scale set",
            )
        seen.add(name.lower())


def _ssh_keys(
    args: ScaleSetArgs, os: OsType, path: str
) -> Sequence[pulumi.Input[str]] | pulumi.Output[Sequence[str]]:
    given = args.ssh_public_keys
    if os == "windows":
        if isinstance(given, pulumi.Output) or given:
            raise ConfigurationError(
                f"{path}.ssh_public_keys", "Windows scale sets log in with a password, not SSH keys"
            )
        return ()
    if args.admin_password is not None:
        raise ConfigurationError(
            f"{path}.admin_password",
            "Linux scale sets here allow SSH keys only (password login is disabled)",
        )
    if isinstance(given, pulumi.Output):
        # Known later: the args checked it (each key, at least one) when its value is known.
        return given
    if not given:
        raise ConfigurationError(
            f"{path}.ssh_public_keys", "a Linux scale set needs at least one SSH public key"
        )
    keys: list[pulumi.Input[str]] = []
    for index, entry in enumerate(given):
        where = f"{path}.ssh_public_keys[{index}]"
        if isinstance(entry, pulumi.Output):
            keys.append(entry)  # checked by the args when its value is known
        elif isinstance(entry, Path):
            # A regular file only, at most 16 KiB, decoded as UTF-8 whatever the locale: the
            # same file gives the same keyData on every operator's machine.
            text = read_utf8_file(entry.expanduser(), where, limit=_KEY_FILE_LIMIT)
            keys.append(check_ssh_key(text, where))
        else:
            keys.append(check_ssh_key(entry, where))
    return tuple(keys)


def _check_windows_password(password: str, path: str) -> None:
    classes = sum(
        bool(re.search(pattern, password))
        for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")
    )
    if not 12 <= len(password) <= 123 or classes < 3:
        raise ConfigurationError(
            path,
            "Windows needs 12-123 characters with three of: lower case, upper case, digit, "
            "special character",
        )
