"""The Application Health extension: the health signal rolling upgrades wait for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from .._redact import show
from .._rules import declare_rule
from .._types import OsType
from ..errors import ConfigurationError
from .spec import Extension

HEALTH_EXTENSION_NAME = "ApplicationHealth"
HEALTH_PUBLISHER = "Microsoft.ManagedServices"


def health_extension(
    os: OsType,
    *,
    protocol: str,
    port: int,
    request_path: str | None,
    interval_in_seconds: int | None = None,
    number_of_probes: int | None = None,
) -> Extension:
    """The Application Health extension: the health signal rolling upgrades wait for.

    Version 1.0 reports binary states (a 200 answer is healthy), which any web server gives;
    2.0's rich states need the application to answer with a JSON body.
    """
    settings: dict[str, Any] = {"protocol": protocol, "port": port}
    if protocol in ("http", "https") and request_path is not None:
        settings["requestPath"] = request_path
    if interval_in_seconds is not None:
        settings["intervalInSeconds"] = interval_in_seconds
    if number_of_probes is not None:
        settings["numberOfProbes"] = number_of_probes
    return Extension(
        name=HEALTH_EXTENSION_NAME,
        publisher=HEALTH_PUBLISHER,
        type="ApplicationHealthWindows" if os == "windows" else "ApplicationHealthLinux",
        type_handler_version="1.0",
        auto_upgrade_minor_version=True,
        settings=settings,
    )


HEALTH_SETTINGS_KEYS = frozenset(
    {"protocol", "port", "requestPath", "intervalInSeconds", "numberOfProbes", "gracePeriod"}
)
HEALTH_SETTINGS_RULE = declare_rule(
    "health-settings",
    "The Application Health extension's settings: protocol http, https or tcp; port 1-65535; "
    "requestPath (http/https only) starting with '/'; intervalInSeconds 5-60; numberOfProbes "
    "1-24; no other keys.",
    where="vmss_components.extensions.health.check_health_settings; "
    "vmss_components.scaleset.args.HealthProbe",
    paths=("scale_set.health", "scale_set.extra_extensions"),
)
_RANGES = {"port": (1, 65535), "intervalInSeconds": (5, 60), "numberOfProbes": (1, 24)}


def check_health_settings(
    settings: Mapping[str, Any], protected: Mapping[str, Any] | None, path: str
) -> None:
    """The Application Health handler's rules on its public settings, however it arrives."""
    where = f"{path}.settings"
    unknown = sorted(str(k) for k in settings if k not in HEALTH_SETTINGS_KEYS)
    if unknown:
        raise ConfigurationError(
            where,
            f"{', '.join(unknown)} not read by the Application Health handler "
            f"(allowed: {', '.join(sorted(HEALTH_SETTINGS_KEYS))})",
        )
    protocol = settings.get("protocol")
    if isinstance(protocol, pulumi.Output):
        return
    if protocol not in ("http", "https", "tcp"):
        raise ConfigurationError(f"{where}.protocol", f"{show(protocol)} is not http, https or tcp")
    for key, (low, high) in _RANGES.items():
        value = settings.get(key)
        if value is None and key != "port":
            continue
        if isinstance(value, pulumi.Output):
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigurationError(
                f"{where}.{key}", f"{show(value)} is not a number in {low}-{high}"
            )
    request_path = settings.get("requestPath")
    if request_path is None and protocol != "tcp":
        raise ConfigurationError(f"{where}.requestPath", f"an {protocol} probe needs a path")
    if request_path is not None and not isinstance(request_path, pulumi.Output):
        if protocol == "tcp":
            raise ConfigurationError(f"{where}.requestPath", "a tcp probe takes no requestPath")
        if not isinstance(request_path, str) or not request_path.startswith("/"):
            raise ConfigurationError(
                f"{where}.requestPath", f"{show(request_path)} does not start with '/'"
            )
