"""The one entry point a component uses: user data read, checked and sized before deploy.

:func:`check_user_data` reads the user data, names its format, checks its placeholders
against the artifact keys, and validates and size-checks it with realistic stand-ins in
place of the artifacts' URLs, so both checks see what the instances will get.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._redact import redacts
from ..errors import ConfigurationError
from .encode import Compress, CustomData, encode_custom_data
from .formats import UserDataFormat, detect_format
from .placeholders import ArtifactValues, Placeholder, find_placeholders, resolve_placeholders
from .render import read_user_data
from .schema import Validation, validate_user_data

_SHA256 = re.compile(r"[0-9a-f]{64}")


@redacts("template")
@dataclass(frozen=True)
class CheckedUserData:
    """A user-data template that passed every check with realistic artifact values.

    ``template`` still holds its placeholders; ``planned`` is the customData it encodes to
    with the stand-ins, so its size is the one to expect.
    """

    template: str
    format: UserDataFormat
    placeholders: tuple[Placeholder, ...]
    validation: Validation
    planned: CustomData

    @property
    def keys(self) -> frozenset[str]:
        """The artifact keys the template refers to."""
        return frozenset(p.key for p in self.placeholders)


def _shape(template: str, values: Mapping[str, ArtifactValues]) -> str | None:
    """A digest equal for documents that differ only in their stand-in URLs."""
    if not values:
        return None
    urls = {
        key: ArtifactValues(url=f"https://stand-in.invalid/{key}", sha256=v.sha256)
        for key, v in values.items()
    }
    try:
        canonical = resolve_placeholders(template, urls)
    except ConfigurationError:
        return None
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def check_user_data(
    source: Mapping[str, Any] | str | Path,
    *,
    stand_ins: Mapping[str, ArtifactValues] | None = None,
    compress: Compress = "auto",
    path: str = "cloud_config",
    log: Callable[[str], None] | None = None,
) -> CheckedUserData:
    """Read, detect, check the placeholders, validate and size-check user data.

    ``stand_ins`` gives each artifact key realistic values (see
    :func:`~vmss_components.userdata.placeholders.stand_in_url`); a placeholder naming any
    other key is an error. Validation and the size check run on the text with the stand-ins
    in place, so both see what the instances will get.
    """
    values = dict(stand_ins or {})
    for key, value in values.items():
        if not _SHA256.fullmatch(value.sha256):
            raise ConfigurationError(f"artifacts.{key}", "sha256 must be 64 lower-case hex")
    template = read_user_data(source, path)
    fmt = detect_format(template, path)
    placeholders = find_placeholders(template, values.keys(), path)
    resolved = resolve_placeholders(template, values, path)
    validation = validate_user_data(resolved, path=path, log=log, shape=_shape(template, values))
    planned = encode_custom_data(resolved, compress, path=path)
    return CheckedUserData(
        template=template,
        format=fmt,
        placeholders=placeholders,
        validation=validation,
        planned=planned,
    )
