"""Digests of files on disk: the SHA256 and MD5 a blob upload and an update tag need. Pure.

Kept apart so the package constructors, the Machine Configuration reader and the zip builder
hash a file one way, read once in chunks.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import ConfigurationError
from ._zip_read import ZIP_ERRORS, check_central_directory, reason

#: Bytes read from a file at a time.
CHUNK = 1 << 20


@dataclass(frozen=True, kw_only=True)
class Digests:
    """SHA256 (lower hex), MD5 (base64) and size of a file."""

    sha256: str
    md5_base64: str
    size: int


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading only if it is (still) a regular file.

    The trees and files a package is made of were checked to be regular files; should one be
    replaced by a FIFO before it is read, opening it without ``O_NONBLOCK`` would wait for a
    writer forever (in a worker thread, where no signal reaches it). It is refused instead.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    handle = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return handle


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


def zip_uncompressed_size(path: Path, argument: str) -> int:
    """Total size of a zip's members once extracted; a file that is no zip is an error.

    Only the central directory is read (after checking its size, so a huge one cannot exhaust
    memory); whatever :mod:`zipfile` raises on damaged bytes becomes a ConfigurationError.
    """
    try:
        check_central_directory(path, argument)
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except ConfigurationError:
        raise
    except ZIP_ERRORS as error:
        raise ConfigurationError(
            argument, f"{path.name} is not a readable zip: {reason(error)}"
        ) from error
