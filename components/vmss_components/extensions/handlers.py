"""The handlers this library knows, and the rules each one brings, however an extension arrives.

A handler is recognised by its (publisher, type), compared without case, as Azure compares
them: the same rules apply to an extension a component builds and to one given in
``ScaleSetArgs.extra_extensions``. Each row says which OS the handler runs on, the handler
versions documented for it, and the check of its settings. Extensions of handlers not listed
here are taken as given (only the generic rules of :mod:`.spec` apply).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._redact import show
from .._rules import declare_rule
from .._types import OsType
from ..errors import ConfigurationError
from .custom_script import (
    CSE_LINUX_PUBLISHER,
    CSE_LINUX_TYPE,
    CSE_LINUX_VERSION,
    CSE_WINDOWS_PUBLISHER,
    CSE_WINDOWS_TYPE,
    CSE_WINDOWS_VERSION,
    check_custom_script_settings,
)
from .dsc import DSC_PUBLISHER, DSC_TYPE, check_dsc_settings
from .guest_configuration import GUEST_CONFIGURATION_PUBLISHER
from .health import HEALTH_PUBLISHER, check_health_settings
from .spec import Extension

SettingsCheck = Callable[[Mapping[str, Any], Mapping[str, Any] | None, str], None]


@dataclass(frozen=True, kw_only=True)
class Handler:
    """One extension handler: who publishes it, where it runs, which versions are documented
    and what its settings must satisfy."""

    #: How messages name it.
    label: str
    publisher: str
    type: str
    #: The OS it runs on; None for a retired handler, refused everywhere.
    os: OsType | None
    #: ``major.minor`` versions documented for it (minor versions auto-upgrade from there).
    versions: tuple[str, ...]
    #: Checks its public and protected settings (path prefixes the error paths).
    check_settings: SettingsCheck | None = None
    #: Why it is refused on every OS (a retired handler), or None.
    retired: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """(publisher, type) in lower case: how Azure tells handlers apart."""
        return handler_key(self.publisher, self.type)


def handler_key(publisher: str, type: str) -> tuple[str, str]:
    """The identity of a handler: (publisher, type) without case."""
    return publisher.strip().lower(), type.strip().lower()


def _cse(os: OsType) -> SettingsCheck:
    def check(settings: Mapping[str, Any], protected: Mapping[str, Any] | None, path: str) -> None:
        check_custom_script_settings(os, settings, protected or {}, path)

    return check


def _no_settings_check(
    settings: Mapping[str, Any], protected: Mapping[str, Any] | None, path: str
) -> None:
    return None


#: The documented handlers. Versions: DSC 2.77 (what Microsoft's templates give, up to 2.83,
#: the last); Custom Script 1.10 (Windows) and 2.1 (Linux), the versions with managed-identity
#: download; Application Health 1.0 (binary states) and 2.0 (rich states); the Machine
#: Configuration agent 1.0.
HANDLERS: tuple[Handler, ...] = (
    Handler(
        label="PowerShell DSC",
        publisher=DSC_PUBLISHER,
        type=DSC_TYPE,
        os="windows",
        versions=("2.77", "2.80", "2.83"),
        check_settings=check_dsc_settings,
    ),
    Handler(
        label="DSC for Linux",
        publisher="Microsoft.OSTCExtensions",
        type="DSCForLinux",
        os=None,
        versions=(),
        retired="the Linux DSC extension was retired on 2023-09-30: use Machine Configuration",
    ),
    Handler(
        label="Custom Script (Windows)",
        publisher=CSE_WINDOWS_PUBLISHER,
        type=CSE_WINDOWS_TYPE,
        os="windows",
        versions=(CSE_WINDOWS_VERSION,),
        check_settings=_cse("windows"),
    ),
    Handler(
        label="Custom Script (Linux)",
        publisher=CSE_LINUX_PUBLISHER,
        type=CSE_LINUX_TYPE,
        os="linux",
        versions=(CSE_LINUX_VERSION,),
        check_settings=_cse("linux"),
    ),
    Handler(
        label="Application Health (Windows)",
        publisher=HEALTH_PUBLISHER,
        type="ApplicationHealthWindows",
        os="windows",
        versions=("1.0", "2.0"),
        check_settings=check_health_settings,
    ),
    Handler(
        label="Application Health (Linux)",
        publisher=HEALTH_PUBLISHER,
        type="ApplicationHealthLinux",
        os="linux",
        versions=("1.0", "2.0"),
        check_settings=check_health_settings,
    ),
    Handler(
        label="Machine Configuration (Windows)",
        publisher=GUEST_CONFIGURATION_PUBLISHER,
        type="ConfigurationforWindows",
        os="windows",
        versions=("1.0",),
        check_settings=_no_settings_check,
    ),
    Handler(
        label="Machine Configuration (Linux)",
        publisher=GUEST_CONFIGURATION_PUBLISHER,
        type="ConfigurationForLinux",
        os="linux",
        versions=("1.0",),
        check_settings=_no_settings_check,
    ),
)
_BY_KEY = {handler.key: handler for handler in HANDLERS}

_WHERE = "vmss_components.extensions.handlers"
_EXTRA = "scale_set.extra_extensions"
ONE_PER_HANDLER = declare_rule(
    "extension-one-per-handler",
    "A scale set takes at most one extension per handler (publisher and type, compared "
    "without case): Azure answers 'Multiple VMExtensions per handler not supported'.",
    where=f"{_WHERE}.check_one_per_handler",
    paths=(_EXTRA,),
)
HANDLER_OS = declare_rule(
    "extension-handler-os",
    "A known handler runs on its own OS only (no Windows Custom Script or PowerShell DSC on "
    "Linux, no Linux handler on Windows); a retired handler (DSCForLinux) is refused.",
    where=f"{_WHERE}.check_handler_rules",
    paths=(_EXTRA,),
)
HANDLER_VERSION = declare_rule(
    "extension-handler-version",
    "A known handler's typeHandlerVersion is one of the versions documented for it (DSC 2.77, "
    "2.80, 2.83; Custom Script 1.10 on Windows, 2.1 on Linux; Application Health 1.0, 2.0; "
    "Machine Configuration 1.0).",
    where=f"{_WHERE}.check_handler_rules",
    paths=("type_handler_version", _EXTRA),
)


def handler_of(publisher: object, type: object) -> Handler | None:
    """The known handler of this (publisher, type), compared without case, or None."""
    if not isinstance(publisher, str) or not isinstance(type, str):
        return None
    return _BY_KEY.get(handler_key(publisher, type))


def handler_named(publisher: str, type: str) -> Handler:
    """The known handler of this (publisher, type); a programming error when unknown."""
    handler = handler_of(publisher, type)
    if handler is None:
        raise KeyError(f"{publisher}/{type} is not a known handler")
    return handler


def check_handler_version(handler: Handler, version: object, path: str) -> None:
    """``version`` is one documented for ``handler``."""
    if version not in handler.versions:
        raise ConfigurationError(
            path,
            f"{show(version)} is not a documented version of the {handler.label} extension "
            f"(use {' or '.join(handler.versions)}; minor versions auto-upgrade)",
        )


def check_handler_rules(extension: Extension, os: OsType, path: str) -> None:
    """The rules of the extension's handler, when it is a known one: the OS, the version
    and the settings. ``path`` names the extension (``scale_set.extra_extensions[0]``)."""
    handler = handler_of(extension.publisher, extension.type)
    if handler is None:
        return
    where = f"{extension.publisher}/{extension.type}"
    if handler.retired is not None:
        raise ConfigurationError(f"{path}.type", f"{where}: {handler.retired}")
    if handler.os != os:
        raise ConfigurationError(
            f"{path}.type",
            f"{where} is the {handler.label} extension, which runs on {handler.os}; this scale "
            f"set runs {os}",
        )
    check_handler_version(handler, extension.type_handler_version, f"{path}.type_handler_version")
    if handler.check_settings is not None:
        handler.check_settings(extension.settings, extension.protected_settings, path)


def check_one_per_handler(
    extensions: Sequence[tuple[str, str, str]], owned: Sequence[tuple[str, str]] = ()
) -> None:
    """At most one extension per (publisher, type). ``extensions`` are (path, publisher,
    type) of the extensions given; ``owned`` the (publisher, type) of those a component adds
    itself, listed first. The second of a pair is the one refused, at its path."""
    seen: dict[tuple[str, str], str] = {}
    for publisher, type in owned:
        seen.setdefault(handler_key(publisher, type), "the component's own")
    for path, publisher, type in extensions:
        key = handler_key(publisher, type)
        if key in seen:
            raise ConfigurationError(
                path,
                f"a second {publisher}/{type} extension ({seen[key]} is the first): Azure takes "
                "one extension per handler (Multiple VMExtensions per handler not supported)",
            )
        seen[key] = path
