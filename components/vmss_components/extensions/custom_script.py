"""The Custom Script extension, Windows and Linux: the handlers' keys, rules and builders."""

from __future__ import annotations

import base64
import gzip
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from .._checks import check_text_characters
from .._redact import show
from .._rules import declare_rule
from .._types import OsType
from ..errors import ConfigurationError
from .spec import Extension

CSE_WINDOWS_PUBLISHER = "Microsoft.Compute"
CSE_WINDOWS_TYPE = "CustomScriptExtension"
CSE_WINDOWS_VERSION = "1.10"
CSE_LINUX_PUBLISHER = "Microsoft.Azure.Extensions"
CSE_LINUX_TYPE = "CustomScript"
CSE_LINUX_VERSION = "2.1"
#: The Linux handler refuses a ``script`` longer than this, counted as encoded text.
CSE_SCRIPT_MAX_ENCODED = 256 * 1024

# The keys each handler accepts. The Linux handler validates both sections against a JSON
# schema with additionalProperties false, so any other key fails the extension on the
# instance; Windows ignores unknown keys silently, which is worse. timestamp and skipDos2Unix
# are public-only on Linux; script exists on Linux only.
CSE_PUBLIC_KEYS: Mapping[OsType, frozenset[str]] = {
    "windows": frozenset({"fileUris", "commandToExecute", "timestamp"}),
    "linux": frozenset({"commandToExecute", "script", "skipDos2Unix", "fileUris", "timestamp"}),
}
CSE_PROTECTED_KEYS: Mapping[OsType, frozenset[str]] = {
    "windows": frozenset(
        {
            "commandToExecute",
            "fileUris",
            "storageAccountName",
            "storageAccountKey",
            "managedIdentity",
        }
    ),
    "linux": frozenset(
        {
            "commandToExecute",
            "fileUris",
            "script",
            "storageAccountName",
            "storageAccountKey",
            "managedIdentity",
        }
    ),
}


_CSE_WHERE = "vmss_components.extensions.custom_script.check_custom_script_settings"
CSE_KEYS_RULE = declare_rule(
    "cse-settings-keys",
    "The Custom Script handler's sections hold only its own keys (Linux validates them with "
    "additionalProperties false; Windows ignores the others silently); timestamp and "
    "skipDos2Unix are public-only, script is Linux-only.",
    where=_CSE_WHERE,
    paths=("scale_set.extra_extensions",),
)
CSE_ONE_PLACE_RULE = declare_rule(
    "cse-field-one-place",
    "A Custom Script field is public or protected, never both.",
    where=_CSE_WHERE,
    paths=("scale_set.extra_extensions",),
)
CSE_ONE_RUN_RULE = declare_rule(
    "cse-one-command",
    "A Custom Script extension has exactly one of commandToExecute and script.",
    where=f"{_CSE_WHERE}; vmss_components.custom_script.CustomScriptScaleSetArgs",
    paths=("command", "script", "scale_set.extra_extensions"),
)


def encode_script(script: bytes) -> str:
    """A Linux Custom Script ``script``: gzip then base64, as the handler decodes it.

    The gzip header's timestamp is fixed at 0, so the same script gives the same text on every
    run (with the same zlib) and an unchanged script changes no setting.
    """
    return base64.b64encode(gzip.compress(script, compresslevel=9, mtime=0)).decode("ascii")


def check_custom_script_settings(
    os: OsType, settings: Mapping[str, Any], protected: Mapping[str, Any], path: str
) -> None:
    """The handler's own rules on the two sections: allowed keys, no key in both, exactly one
    of ``commandToExecute``/``script``."""
    for section, keys, allowed in (
        ("settings", settings, CSE_PUBLIC_KEYS[os]),
        ("protected_settings", protected, CSE_PROTECTED_KEYS[os]),
    ):
        unknown = sorted(set(keys) - allowed)
        if unknown:
            raise ConfigurationError(
                f"{path}.{section}",
                f"{', '.join(unknown)} not accepted by the {os} Custom Script handler "
                f"(allowed: {', '.join(sorted(allowed))})",
            )
    both = sorted(set(settings) & set(protected))
    if both:
        raise ConfigurationError(
            f"{path}.protected_settings",
            f"{', '.join(both)} both public and protected: the handler takes a field from one "
            "place only",
        )
    runs = [k for k in ("commandToExecute", "script") if k in settings or k in protected]
    if len(runs) != 1:
        raise ConfigurationError(
            path, f"exactly one of commandToExecute and script is needed, got {runs or 'none'}"
        )
    for section, values in (("settings", settings), ("protected_settings", protected)):
        if "fileUris" in values:
            check_file_uris(os, values["fileUris"], f"{path}.{section}.fileUris")
        script = values.get("script")
        if isinstance(script, str) and len(script) > CSE_SCRIPT_MAX_ENCODED:
            raise ConfigurationError(
                f"{path}.{section}.script",
                f"{len(script):,} characters: the Linux handler takes at most "
                f"{CSE_SCRIPT_MAX_ENCODED:,} (gzip then base64 the script, or publish it and "
                "run a command)",
            )


def download_file_name(uri: str) -> str:
    """The name the handlers save a download under: the last segment of the URL's path,
    empty when the path ends with ``/``."""
    return urllib.parse.unquote(urllib.parse.urlsplit(uri).path).rsplit("/", 1)[-1]


def check_file_uris(os: OsType, uris: object, path: str) -> None:
    """``fileUris`` as the handler downloads them: https:// URLs, each with a file name, the
    names distinct (without case on Windows), since every file lands in one folder.

    An Output (a list, or one URL) is known only later and taken on trust. Messages never
    show a URL (one in protected settings may carry a token), only the file name.
    """
    if isinstance(uris, pulumi.Output):
        return
    if isinstance(uris, str) or not isinstance(uris, Sequence):
        raise ConfigurationError(path, f"expected a list of https:// URLs, got {show(uris)}")
    seen: dict[str, str] = {}
    for index, uri in enumerate(uris):
        if isinstance(uri, pulumi.Output):
            continue
        where = f"{path}[{index}]"
        if not isinstance(uri, str):
            raise ConfigurationError(where, f"expected an https:// URL, got {show(uri)}")
        # urlsplit drops tabs and newlines silently: checked on the text as given.
        check_text_characters(uri, where, "the URL")
        parts = urllib.parse.urlsplit(uri)
        if parts.scheme.lower() != "https" or not parts.netloc:
            raise ConfigurationError(
                where, "not an https:// URL: instances download over HTTPS only"
            )
        name = download_file_name(uri)
        if not name:
            raise ConfigurationError(
                where,
                "the URL has no file name: the handler saves each download under the last "
                "segment of its path",
            )
        folded = name.lower() if os == "windows" else name
        if folded in seen:
            raise ConfigurationError(
                where,
                f"{show(name)} is also the name of {seen[folded]}: the handler downloads every "
                "file into one folder",
            )
        seen[folded] = where


def _custom_script_sections(
    *,
    file_uris: Sequence[pulumi.Input[str]],
    protect_file_uris: bool,
    command: pulumi.Input[str] | None,
    script: str | None,
    managed_identity_client_id: pulumi.Input[str] | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    settings: dict[str, Any] = {}
    protected: dict[str, Any] = {}
    if file_uris:
        # A URL carrying a SAS token is a credential: then the whole list is protected (a
        # field lives in one section only).
        (protected if protect_file_uris else settings)["fileUris"] = list(file_uris)
    # The command or script may hold secrets (arguments, inline passwords): always protected.
    if command is not None:
        protected["commandToExecute"] = command
    if script is not None:
        protected["script"] = script
    if managed_identity_client_id is not None:
        protected["managedIdentity"] = {"clientId": managed_identity_client_id}
    return settings, protected


def windows_custom_script_extension(
    *,
    name: str,
    type_handler_version: str,
    file_uris: Sequence[pulumi.Input[str]],
    protect_file_uris: bool,
    command: pulumi.Input[str],
    managed_identity_client_id: pulumi.Input[str] | None,
    force_update_tag: pulumi.Input[str],
) -> Extension:
    """The Windows Custom Script extension (``Microsoft.Compute``/``CustomScriptExtension``).

    ``commandToExecute`` is protected; ``fileUris`` are protected when ``protect_file_uris``
    (they carry SAS tokens), public otherwise; with a managed identity the protected settings
    name it by ``clientId``. Files land in the handler's ``Downloads\\<n>`` folder, where the
    command runs.
    """
    settings, protected = _custom_script_sections(
        file_uris=file_uris,
        protect_file_uris=protect_file_uris,
        command=command,
        script=None,
        managed_identity_client_id=managed_identity_client_id,
    )
    check_custom_script_settings("windows", settings, protected, "extension")
    return Extension(
        name=name,
        publisher=CSE_WINDOWS_PUBLISHER,
        type=CSE_WINDOWS_TYPE,
        type_handler_version=type_handler_version,
        auto_upgrade_minor_version=True,
        force_update_tag=force_update_tag,
        settings=settings,
        protected_settings=protected,
    )


def linux_custom_script_extension(
    *,
    name: str,
    type_handler_version: str,
    file_uris: Sequence[pulumi.Input[str]],
    protect_file_uris: bool,
    command: pulumi.Input[str] | None,
    script: str | None,
    managed_identity_client_id: pulumi.Input[str] | None,
    skip_dos2unix: bool,
    force_update_tag: pulumi.Input[str],
) -> Extension:
    """The Linux Custom Script extension (``Microsoft.Azure.Extensions``/``CustomScript``).

    Exactly one of ``command`` and ``script`` (already encoded by :func:`encode_script`), both
    protected. ``skipDos2Unix`` is public-only and sent only when true (the handler's default
    is false). Files land in ``/var/lib/waagent/custom-script/download/<n>``, where the
    command runs.
    """
    settings, protected = _custom_script_sections(
        file_uris=file_uris,
        protect_file_uris=protect_file_uris,
        command=command,
        script=script,
        managed_identity_client_id=managed_identity_client_id,
    )
    if skip_dos2unix:
        settings["skipDos2Unix"] = True
    check_custom_script_settings("linux", settings, protected, "extension")
    return Extension(
        name=name,
        publisher=CSE_LINUX_PUBLISHER,
        type=CSE_LINUX_TYPE,
        type_handler_version=type_handler_version,
        auto_upgrade_minor_version=True,
        force_update_tag=force_update_tag,
        settings=settings,
        protected_settings=protected,
    )
