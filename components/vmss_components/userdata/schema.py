"""Validating user data as cloud-init will read it, and remembering what was accepted.

:func:`validate_user_data` finds the ``#cloud-config`` documents in the user data (see
:mod:`.formats`), parses each as YAML and, when the ``cloud-init`` command is installed
(Debian and Ubuntu package it), runs its own schema check, ``cloud-init schema`` (see
:mod:`._tool`); without it, the structural checks of the common modules run (see
:mod:`._structure`) and one log line says the full check was skipped. Accepted verdicts are
kept per document shape in the process and per document text on disk, so the tool runs once
for each.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from ._security import security_warnings
from ._structure import check_structure
from ._tool import run_schema, tool_version
from ._yaml import load_yaml
from .formats import UserDataFormat, cloud_config_documents, detect_format

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Validation:
    """How a user-data document was checked.

    ``schema_checked_by`` names the tool (``"cloud-init 22.4.2"``) when the real schema check
    ran, None when only the structural checks did (``skipped`` then says why).
    ``deprecations`` are cloud-init's notes on keys that still work but are going away.
    """

    format: UserDataFormat
    schema_checked_by: str | None
    skipped: str | None
    deprecations: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    """Settings that weaken the instances' security (``ssh_pwauth: true``, passwords set by
    ``chpasswd``), named without their values; the components log them."""


# (command, shape) -> the verdict of an accepted document of that shape.
_SHAPES: dict[tuple[str, str], Validation] = {}


def cloud_init_command() -> str | None:
    """The ``cloud-init`` executable on PATH, or None when it is not installed."""
    return shutil.which("cloud-init")


def validate_user_data(
    text: str,
    *,
    path: str = "cloud_config",
    log: Callable[[str], None] | None = None,
    shape: str | None = None,
) -> Validation:
    """Check ``text`` as cloud-init will read it; raise ConfigurationError if it would fail.

    ``#cloud-config`` documents (also the cloud-config parts of a MIME archive) must parse as
    YAML into a mapping and pass ``cloud-init schema`` when the command is installed, whose
    own messages are quoted in the error. Without it, the common modules' types are checked
    and ``log`` (default: this module's logger, at warning level) gets one line saying the full
    schema check was skipped. Placeholders should already be replaced by realistic values.

    ``shape`` names the document up to the stand-in URLs in it (see
    :func:`~vmss_components.userdata.check.check_user_data`): once ``cloud-init schema``
    accepted one document of a shape, in this process, the others of that shape are accepted
    without running it again (a URL of URL-safe characters in place of another changes
    nothing cloud-init's schema looks at). An accepted document is also remembered in the
    package cache (``$VMSS_COMPONENTS_CACHE_DIR/cloud-init``), keyed by its text and the very
    ``cloud-init`` installed (path, size, mtime, inode), so the next process does not run the
    tool for it again. Rejections are never reused.
    """
    fmt = detect_format(text, path)
    documents = cloud_config_documents(text, fmt, path)
    if not documents:
        return Validation(format=fmt, schema_checked_by=None, skipped=None)
    validation = _validate(fmt, documents, text, path=path, log=log, shape=shape)
    # Read after the checks, which report a document that does not parse in their own words;
    # also for a verdict served from the cache, which does not keep them.
    warnings = tuple(
        warning
        for document, where in documents
        for warning in security_warnings(load_yaml(document, where), where)
    )
    return dataclasses.replace(validation, warnings=warnings)


def _validate(
    fmt: UserDataFormat,
    documents: list[tuple[str, str]],
    text: str,
    *,
    path: str,
    log: Callable[[str], None] | None,
    shape: str | None,
) -> Validation:

    command = cloud_init_command()
    deprecations: list[str] = []
    if command is not None:
        if shape is not None and (command, shape) in _SHAPES:
            return _SHAPES[command, shape]
        remembered = _remembered(command, text)
        if remembered is not None and remembered.format == fmt:
            if shape is not None:
                _SHAPES[command, shape] = remembered
            return remembered
        version = tool_version(command, path)
        for document, where in documents:
            deprecations += run_schema(command, version, document, where)
            _parse_cloud_config(document, where)
        validation = Validation(
            format=fmt,
            schema_checked_by=version,
            skipped=None,
            deprecations=tuple(deprecations),
        )
        if shape is not None:
            _SHAPES[command, shape] = validation
        _remember(command, text, validation)
        return validation
    for document, where in documents:
        check_structure(_parse_cloud_config(document, where), where)
    reason = (
        f"{path}: full cloud-config schema validation skipped: the cloud-init command is not "
        "installed (apt-get install cloud-init); only YAML and the common modules' types "
        "were checked"
    )
    (log or logger.warning)(reason)
    return Validation(format=fmt, schema_checked_by=None, skipped=reason)


def _parse_cloud_config(text: str, path: str) -> dict[str, Any]:
    data = load_yaml(text, path)
    if not isinstance(data, dict):
        raise ConfigurationError(
            path,
            f"the cloud-config must be a YAML mapping of module keys, got "
            f"{'nothing' if data is None else type(data).__name__}",
        )
    return data


# --- Accepted verdicts on disk --------------------------------------------------------------


def _verdict_file(command: str, text: str) -> Path | None:
    """Where an accepted document's verdict is kept, for this installation of the tool."""
    from ..packaging._cache import cache_dir, private_key

    try:
        real = os.path.realpath(command)
        info = os.stat(real)
    except OSError:
        return None
    identity = f"{real}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\0"
    # Keyed: the document may hold a password, and a plain digest in a file name would let
    # anyone who lists the cache test guesses of it.
    try:
        key = private_key("verdicts")
    except OSError:
        return None
    digest = hmac.new(
        key, identity.encode() + text.encode("utf-8", "surrogatepass"), hashlib.sha256
    )
    return cache_dir() / "cloud-init" / f"{digest.hexdigest()}.json"


def _remembered(command: str, text: str) -> Validation | None:
    where = _verdict_file(command, text)
    if where is None:
        return None
    try:
        data = json.loads(where.read_bytes())
        return Validation(
            format=data["format"],
            schema_checked_by=str(data["schema_checked_by"]),
            skipped=None,
            deprecations=tuple(str(d) for d in data["deprecations"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _remember(command: str, text: str, validation: Validation) -> None:
    where = _verdict_file(command, text)
    if where is None:
        return
    record = {
        "format": validation.format,
        "schema_checked_by": validation.schema_checked_by,
        "deprecations": list(validation.deprecations),
    }
    try:
        from ..packaging._cache import private_dir

        private_dir(where.parent)
        handle, temporary = tempfile.mkstemp(dir=where.parent, suffix=".part")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.replace(temporary, where)
    except OSError:
        return  # a cache that cannot be written only costs the next run the check
