"""Keyed fingerprints of secret values, so a plan can tell that a secret changed, never what.

The plan masks every secret (``[secret]``), so two plans that differ only in a password
used to be byte-identical and ``--compare`` said "no change" although the scale-set model
changes. Each resource entry now keeps, for every secret place of its inputs (a secret
input, a ``protectedSettings``, ``adminPassword``, ``customData`` or protected parameter
inside a structured one), an HMAC-SHA256 of the value under a key that is NOT in the
document: ``$VMSS_PLAN_FINGERPRINT_KEY``, else a random key kept in the package cache folder
(``plan-fingerprint.key``, mode 0600). Without the key nobody can test guesses of a secret
against a fingerprint; the document records only the key's id, so ``--compare`` can tell
fingerprints made with another key (another machine) from a change.

The mock engine's random values are derived from resource names, so the component's own
random key is not secret in an offline plan: that is why this key is the plan's own.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

from vmss_components.packaging._cache import private_key
from vmss_components.testing import RecordedResource, Secret

#: The environment variable that gives the key (shared by machines whose plans are compared).
KEY_VARIABLE = "VMSS_PLAN_FINGERPRINT_KEY"
_FINGERPRINT_LENGTH = 32


def fingerprint_key() -> bytes:
    """The key: ``$VMSS_PLAN_FINGERPRINT_KEY``, else the cache folder's own (made once)."""
    given = os.environ.get(KEY_VARIABLE)
    if given:
        return given.encode()
    return private_key("plan-fingerprint")


def key_id(key: bytes) -> str:
    """A short id of the key (not the key): which plans' fingerprints can be compared."""
    return hmac.new(key, b"vmss-plan key id", hashlib.sha256).hexdigest()[:12]


def secret_fingerprints(
    resource: RecordedResource,
    secret_keys: frozenset[str],
    structured: frozenset[tuple[str, str]],
    key: bytes,
) -> dict[str, str]:
    """``{input path: keyed fingerprint}`` for every secret place of ``resource``'s inputs."""
    found: dict[str, str] = {}
    for name, value in resource.inputs.items():
        if isinstance(value, Secret) and (resource.type, name) not in structured:
            found[name] = _fingerprint(key, value)
            continue
        for path, secret in _secret_places(value, name, secret_keys):
            found[path] = _fingerprint(key, secret)
    return found


def _secret_places(value: Any, path: str, secret_keys: frozenset[str]) -> Iterator[tuple[str, Any]]:
    leaf = path.rsplit(".", 1)[-1]
    if leaf in secret_keys:
        yield path, value
        return
    if isinstance(value, Secret):
        inner = value.value
        if isinstance(inner, Mapping | list):
            yield from _secret_places(inner, path, secret_keys)
        else:
            yield path, inner
    elif isinstance(value, Mapping):
        for child, item in value.items():
            yield from _secret_places(item, f"{path}.{child}", secret_keys)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _secret_places(item, f"{path}[{index}]", secret_keys)


def _fingerprint(key: bytes, value: Any) -> str:
    text = json.dumps(_revealed(value), sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:_FINGERPRINT_LENGTH]


def _revealed(value: Any) -> Any:
    if isinstance(value, Secret):
        return _revealed(value.value)
    if isinstance(value, Mapping):
        return {str(k): _revealed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_revealed(v) for v in value]
    return value


def changed_secrets(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Paths of secrets whose fingerprints differ between two resource entries."""
    before = old.get("secretFingerprints") or {}
    after = new.get("secretFingerprints") or {}
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
