"""The Pulumi internals the mock kit needs to be correct, each looked up here and checked.

Running a program to completion (``run_pulumi_func`` under ``_sync_await``, as Pulumi's own
``pulumi.runtime.test`` does), recording what the engine receives (the wire format in
``rpc``, the mock monitor's registry) and isolating one deployment from the next (Pulumi's
global settings, root stack and config, saved and restored) use names Pulumi does not
export. They are not optional, so a Pulumi that lacks one fails here, naming it, rather than
somewhere inside a run: on import for module names, on entering a deployment for the fields
of the settings object (which each deployment replaces). The optional speed-ups are in
:mod:`._speedups`.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any


def _installed_pulumi() -> str:
    try:
        return importlib.metadata.version("pulumi")
    except importlib.metadata.PackageNotFoundError:  # vendored, without its metadata
        return "unknown"


#: The installed Pulumi SDK's version (``"unknown"`` when its package metadata is missing).
PULUMI_VERSION = _installed_pulumi()

try:
    import pulumi.output
    from pulumi.runtime import config as pulumi_config
    from pulumi.runtime import rpc, settings
    from pulumi.runtime.mocks import MockMonitor
    from pulumi.runtime.proto import resource_pb2
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await
except ImportError as error:
    raise ImportError(
        f"vmss_components.testing cannot run on pulumi {PULUMI_VERSION}: {error}"
    ) from error

__all__ = [
    "CONTEXT_SETTINGS",
    "PULUMI_VERSION",
    "MockMonitor",
    "_ensure_event_loop",
    "_sync_await",
    "check_settings",
    "pulumi_config",
    "require",
    "resource_pb2",
    "rpc",
    "run_pulumi_func",
    "settings",
]

#: The fields of Pulumi's settings object that one deployment sets and the next must not see.
CONTEXT_SETTINGS = (
    "rpc_manager",
    "outputs",
    "monitor",
    "engine",
    "project",
    "stack",
    "dry_run",
    "organization",
    "monitor_features",
    "callbacks",
)

_MODULE_NAMES: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("pulumi.output", pulumi.output, ("Unknown",)),
    ("pulumi.runtime.config", pulumi_config, ("CONFIG", "_SECRET_KEYS")),
    ("pulumi.runtime.settings", settings, ("ROOT", "SETTINGS")),
    (
        "pulumi.runtime.rpc",
        rpc,
        (
            "UNKNOWN",
            "deserialize_properties",
            "serialize_properties",
            "is_rpc_secret",
            "wrap_rpc_secret",
            "unwrap_rpc_secret",
        ),
    ),
    ("pulumi.runtime.mocks.MockMonitor", MockMonitor, ("ResourceRegistration", "make_urn")),
)


def _missing(owner: str, value: Any, names: tuple[str, ...]) -> list[str]:
    return [f"{owner}.{name}" for name in names if not hasattr(value, name)]


def _unsupported(missing: list[str]) -> str:
    return f"vmss_components.testing cannot run on pulumi {PULUMI_VERSION}: it has no " + ", ".join(
        missing
    )


_absent = [name for owner, value, names in _MODULE_NAMES for name in _missing(owner, value, names)]
if _absent:
    raise ImportError(_unsupported(_absent))


def require(owner: str, value: object, names: tuple[str, ...]) -> None:
    """Raise if ``value`` (described as ``owner`` in the message) lacks one of ``names``."""
    missing = _missing(owner, value, names)
    if missing:
        raise RuntimeError(_unsupported(missing))


def check_settings() -> None:
    """Raise if Pulumi's current settings object lacks a field a deployment saves or clears."""
    owner = "pulumi.runtime.settings.SETTINGS"
    require(owner, settings.SETTINGS, CONTEXT_SETTINGS)
    require(f"{owner}.rpc_manager", settings.SETTINGS.rpc_manager, ("clear",))
    require(f"{owner}.outputs", settings.SETTINGS.outputs, ("clear",))
