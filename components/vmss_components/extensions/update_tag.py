"""Update tags: short stable hashes that change exactly when an extension's input does.

Used as ``forceUpdateTag``: a new tag re-runs the extension on every instance.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

import pulumi

_TAG_LENGTH = 16


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def update_tag(
    material: Mapping[str, Any],
    *,
    secret_material: Mapping[str, pulumi.Input[Any]] | None = None,
    key: pulumi.Input[str] | None = None,
) -> pulumi.Output[str]:
    """A short stable tag: changes exactly when something the extension consumes changes.

    ``material`` holds what may be public (package digests, public settings, the handler
    version, a ``rerun`` counter); it may contain Outputs. ``secret_material`` (passwords,
    protected arguments; never a SAS token, which rotates on its own schedule) enters only
    through an HMAC keyed by ``key``, a secret the component owns, so the public tag lets
    nobody test guesses of a password. The tag itself is not secret.
    """
    public = pulumi.Output.from_input(material).apply(_canonical)
    if not secret_material:
        return public.apply(lambda text: hashlib.sha256(text).hexdigest()[:_TAG_LENGTH])
    if key is None:
        raise ValueError("secret material needs a key")
    secret = pulumi.Output.from_input(secret_material).apply(_canonical)

    def combine(values: list[Any]) -> str:
        public_text, secret_text, key_text = values
        keyed = hmac.new(str(key_text).encode(), secret_text, hashlib.sha256).hexdigest()
        return hashlib.sha256(public_text + b"\0" + keyed.encode()).hexdigest()[:_TAG_LENGTH]

    tag = pulumi.Output.all(public, secret, key).apply(combine)
    # A keyed hash reveals nothing of what it hashed: the tag may be shown in plain text.
    return pulumi.Output.unsecret(tag)
