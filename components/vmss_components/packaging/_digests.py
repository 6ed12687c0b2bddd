"""Digests of files on disk: the SHA256 and MD5 a blob upload and an update tag need. Pure.

Kept apart so the package constructors, the Machine Configuration reader and the zip builder
hash a file one way, read once in chunks.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigurationError
from ._regular import open_regular

#: Bytes read from a file at a time.
CHUNK = 1 << 20


@dataclass(frozen=True, kw_only=True)
class Digests:
    """SHA256 (lower hex), MD5 (base64) and size of a file."""

    sha256: str
    md5_base64: str
    size: int


def file_digests(path: Path, argument: str) -> Digests:
    """SHA256 and MD5 of a file, read once in chunks."""
    sha256 = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    size = 0
    try:
        with open_regular(path) as handle:
            while chunk := handle.read(CHUNK):
                sha256.update(chunk)
                md5.update(chunk)
                size += len(chunk)
    except OSError as error:
        raise ConfigurationError(
            argument, f"cannot read {path}: {error.strerror or error}"
        ) from error
    return Digests(
        sha256=sha256.hexdigest(),
        md5_base64=base64.b64encode(md5.digest()).decode("ascii"),
        size=size,
    )
