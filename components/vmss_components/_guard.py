"""Refuses values that look secret where they would be public. Pure.

Public extension settings and public arguments are stored in the scale-set model in plain
text and shown to anyone who can read the resource. This guard runs over every such value
this library builds or is given: a field named like a credential, a SAS signature, a storage
connection string. Values still unknown (Pulumi Outputs) cannot be read at plan time and are
left to their own secretness.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NoReturn

import pulumi

from .errors import ConfigurationError

# Field names (compared lower-case with separators removed) that only ever hold credentials.
_SECRET_NAME_ENDINGS = (
    "password",
    "passwd",
    "secret",
    "accountkey",
    "sastoken",
    "connectionstring",
    "privatekey",
    "apikey",
)
_SECRET_NAMES = {"pwd", "token"}
_SAS_SIGNATURE = re.compile(r"(?:^|[?&])sig=[A-Za-z0-9%+/=]{8,}", re.IGNORECASE)
_ACCOUNT_KEY = re.compile(r"AccountKey\s*=\s*[A-Za-z0-9+/=]{8,}", re.IGNORECASE)
_SHARED_ACCESS = re.compile(r"SharedAccessSignature\s*=", re.IGNORECASE)
# A query parameter of a URL (``https://host/file?password=...``, ``/health?token=...``).
_QUERY_FIELD = re.compile(r"[?&]([A-Za-z0-9_.-]+)=[^&#\s]")


def _secret_name(name: str) -> bool:
    folded = re.sub(r"[^a-z0-9]", "", name.lower())
    return folded in _SECRET_NAMES or folded.endswith(_SECRET_NAME_ENDINGS)


def secret_reason(key: str | None, value: Any) -> str | None:
    """Why a key and value look secret, or None when they do not."""
    if key is not None and _secret_name(key):
        return f"a field named {key!r} holds a credential"
    if isinstance(value, str):
        if _SAS_SIGNATURE.search(value):
            return "it carries a SAS signature (sig=)"
        if _ACCOUNT_KEY.search(value):
            return "it carries a storage account key"
        if _SHARED_ACCESS.search(value):
            return "it carries a shared access signature"
        if "?" in value:
            for name in _QUERY_FIELD.findall(value):
                if _secret_name(name):
                    return f"its query parameter {name!r} holds a credential"
    return None


def check_public_value(value: Any, path: str) -> None:
    """Raise ConfigurationError if one public value (not a mapping) looks secret."""
    reason = None if isinstance(value, pulumi.Output) else secret_reason(None, value)
    if reason is not None:
        _refuse(path, reason)


def check_public_settings(value: Any, path: str) -> None:
    """Raise ConfigurationError at the first secret-looking field inside ``value``."""
    _walk(None, value, path)


def _walk(key: str | None, value: Any, path: str) -> None:
    if isinstance(value, pulumi.Output):
        return
    reason = secret_reason(key, value) if not isinstance(value, Mapping | list | tuple) else None
    if reason is None and key is not None and isinstance(value, Mapping | list | tuple):
        reason = secret_reason(key, None)
    if reason is not None:
        _refuse(path, reason)
    if isinstance(value, Mapping):
        for child_key, child in value.items():
            _walk(str(child_key), child, f"{path}.{child_key}")
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value):
            _walk(None, child, f"{path}[{index}]")


def _refuse(path: str, reason: str) -> NoReturn:
    raise ConfigurationError(
        path,
        f"looks like a secret ({reason}) but would be public: pass it as a protected "
        "setting or argument instead",
    )
