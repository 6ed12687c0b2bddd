"""Structural checks of a cloud-config, for when the ``cloud-init`` command is not installed.

They cover the common modules' top-level types and the shapes of ``packages``, ``runcmd``,
``bootcmd``, ``ssh_authorized_keys`` and ``write_files``, as cloud-init's schema
(schema-cloud-config-v1.json) states them, and word their errors as cloud-init does, so
both checks read alike. They are a subset: the real ``cloud-init schema`` decides when it
can run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._redact import kind, show
from ..errors import ConfigurationError

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}
# Top-level keys of the common modules and their types in cloud-init's schema
# (schema-cloud-config-v1.json).
_MODULE_TYPES: dict[str, tuple[str, ...]] = {
    "packages": ("array",),
    "package_update": ("boolean",),
    "package_upgrade": ("boolean",),
    "package_reboot_if_required": ("boolean",),
    "runcmd": ("array",),
    "bootcmd": ("array",),
    "write_files": ("array",),
    "users": ("string", "array", "object"),
    "groups": ("string", "array", "object"),
    "ssh_authorized_keys": ("array",),
    "ssh_pwauth": ("boolean", "string"),
    "disable_root": ("boolean",),
    "hostname": ("string",),
    "fqdn": ("string",),
    "preserve_hostname": ("boolean",),
    "prefer_fqdn_over_hostname": ("boolean",),
    "timezone": ("string",),
    "locale": ("string",),
    "final_message": ("string",),
    "ntp": ("object", "null"),
    "apt": ("object",),
    "snap": ("object",),
    "chpasswd": ("object",),
    "mounts": ("array",),
    "swap": ("object",),
    "growpart": ("object",),
    "power_state": ("object",),
}
_WRITE_FILE_TYPES: dict[str, str] = {
    "path": "string",
    "content": "string",
    "owner": "string",
    "permissions": "string",
    "encoding": "string",
    "append": "boolean",
    "defer": "boolean",
}
_WRITE_FILE_ENCODINGS = (
    "gz",
    "gzip",
    "gz+base64",
    "gzip+base64",
    "gz+b64",
    "gzip+b64",
    "b64",
    "base64",
    "text/plain",
)


def _is(value: Any, kinds: Sequence[str]) -> bool:
    if isinstance(value, bool):
        return "boolean" in kinds
    return any(isinstance(value, _JSON_TYPES[kind]) for kind in kinds)


def _type_error(path: str, where: str, value: Any, kinds: Sequence[str]) -> ConfigurationError:
    # Worded as cloud-init words it, so both checks read alike; but a value under a
    # credential's key (chpasswd, passwd) or binary content is named by its type only.
    expected = ", ".join(repr(kind) for kind in kinds)
    return ConfigurationError(path, f"{where}: {kind(value)} is not of type {expected}")


def check_structure(config: dict[str, Any], path: str) -> None:
    """Raise ConfigurationError where the parsed cloud-config ``config`` breaks the checks."""
    for key, kinds in _MODULE_TYPES.items():
        if key in config and not _is(config[key], kinds):
            raise _type_error(path, key, config[key], kinds)
    for key in ("packages", "runcmd", "bootcmd", "ssh_authorized_keys", "write_files"):
        if isinstance(config.get(key), list) and not config[key]:
            raise ConfigurationError(path, f"{key}: [] is too short (cloud-init wants one item)")
    for index, item in enumerate(config.get("packages") or ()):
        pinned = isinstance(item, list) and len(item) == 2 and all(isinstance(v, str) for v in item)
        if not isinstance(item, str) and not pinned:
            raise ConfigurationError(
                path,
                f"packages.{index}: {kind(item)} is neither a package name nor [name, version]",
            )
    for key in ("runcmd", "bootcmd"):
        for index, item in enumerate(config.get(key) or ()):
            argv = isinstance(item, list) and all(isinstance(v, str) for v in item)
            if not isinstance(item, str) and not argv and not (key == "runcmd" and item is None):
                raise ConfigurationError(
                    path,
                    f"{key}.{index}: {kind(item)} is neither a shell string nor a list of strings",
                )
    for index, item in enumerate(config.get("ssh_authorized_keys") or ()):
        if not isinstance(item, str):
            raise _type_error(path, f"ssh_authorized_keys.{index}", item, ("string",))
    for index, item in enumerate(config.get("write_files") or ()):
        _check_write_file(item, f"write_files.{index}", path)


def _check_write_file(item: Any, where: str, path: str) -> None:
    if not isinstance(item, dict):
        raise _type_error(path, where, item, ("object",))
    if "path" not in item:
        raise ConfigurationError(path, f"{where}: 'path' is a required property")
    for key, value in item.items():
        kind = _WRITE_FILE_TYPES.get(key)
        if kind is None:
            raise ConfigurationError(
                path, f"{where}: additional property {show(key)} is not allowed in write_files"
            )
        if key == "content" and isinstance(value, bytes):
            continue  # !!binary content: cloud-init writes the bytes as they are
        if not _is(value, (kind,)):
            raise _type_error(path, f"{where}.{key}", value, (kind,))
    if "encoding" in item and item["encoding"] not in _WRITE_FILE_ENCODINGS:
        raise ConfigurationError(
            path,
            f"{where}.encoding: the value is not one of {', '.join(_WRITE_FILE_ENCODINGS)}",
        )
