"""``${artifact:KEY}`` placeholders in user data, and the realistic values they stand for.

``${artifact:KEY}`` becomes a published artifact's URL with its SAS token and
``${artifact:KEY.sha256}`` its SHA256 digest; other ``${...}`` forms (shell variables) are
left alone. Before deploy the real URL is not known, so :func:`stand_in_url` gives one of
the same shape and length for validating and sizing the user data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import urllib.parse
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from .._redact import show
from ..errors import ConfigurationError

_PLACEHOLDER = re.compile(r"\$\{artifact:([^}]*)\}")
_PLACEHOLDER_BODY = re.compile(r"([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(\.sha256)?")


@dataclass(frozen=True)
class Placeholder:
    """One ``${artifact:KEY}`` (``field="url"``) or ``${artifact:KEY.sha256}`` in the text."""

    text: str
    key: str
    field: Literal["url", "sha256"]


@dataclass(frozen=True)
class ArtifactValues:
    """What an artifact's placeholders become: its URL (with SAS) and its SHA256 (hex)."""

    url: str
    sha256: str


def find_placeholders(
    text: str, keys: Collection[str] | None = None, path: str = "cloud_config"
) -> tuple[Placeholder, ...]:
    """Every artifact placeholder in ``text``, in order; with ``keys``, unknown keys refused.

    Other ``${...}`` forms (shell variables) are left alone; ``${artifact:...}`` that is neither
    ``KEY`` nor ``KEY.sha256`` is an error.
    """
    found: list[Placeholder] = []
    for match in _PLACEHOLDER.finditer(text):
        body = _PLACEHOLDER_BODY.fullmatch(match.group(1))
        if body is None:
            raise ConfigurationError(
                path,
                f"{match.group(0)} is not a placeholder: use ${{artifact:KEY}} for the URL with "
                "its SAS token or ${artifact:KEY.sha256} for the digest",
            )
        key = body.group(1)
        if keys is not None and key not in keys:
            known = ", ".join(sorted(keys)) or "none"
            raise ConfigurationError(
                path,
                f"{match.group(0)} names the artifact {show(key)}, which is not in artifacts "
                f"(known: {known})",
            )
        found.append(Placeholder(match.group(0), key, "sha256" if body.group(2) else "url"))
    return tuple(found)


def resolve_placeholders(
    text: str, values: Mapping[str, ArtifactValues], path: str = "cloud_config"
) -> str:
    """``text`` with each placeholder replaced by its artifact's URL or digest."""
    find_placeholders(text, values.keys(), path)

    def replace(match: re.Match[str]) -> str:
        body = _PLACEHOLDER_BODY.fullmatch(match.group(1))
        assert body is not None  # checked above
        artifact = values[body.group(1)]
        return artifact.sha256 if body.group(2) else artifact.url

    return _PLACEHOLDER.sub(replace, text)


def stand_in_url(blob_name: str, *, sas_expiry: str) -> str:
    """A realistic stand-in for an artifact URL with its SAS, for validating before deploy.

    The real account and container names and the token's signature are known only once the
    store exists. The stand-in has the shape and length of the real thing and errs long where
    a length is not known yet: an account name of 24 characters and a container name of 63
    (Azure's maxima), the service SAS query the store signs (version, expiry, ``sr=b``,
    ``sp=r``, ``spr=https``) and a URL-encoded 256-bit signature.
    """
    account = ("artifacts" + hashlib.sha256(blob_name.encode()).hexdigest())[:24]
    container = "artifacts-" + "x" * 53
    signature = base64.b64encode(
        hmac.new(b"stand-in", f"{blob_name}|{sas_expiry}".encode(), hashlib.sha256).digest()
    ).decode()
    query = urllib.parse.urlencode(
        {
            "sv": "2022-11-02",
            "se": sas_expiry,
            "sr": "b",
            "sp": "r",
            "spr": "https",
            "sig": signature,
        },
        safe="",
    )
    return f"https://{account}.blob.core.windows.net/{container}/{blob_name}?{query}"
