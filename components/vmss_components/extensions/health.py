"""The Application Health extension: the health signal rolling upgrades wait for."""

from __future__ import annotations

from typing import Any

from .._types import OsType
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
