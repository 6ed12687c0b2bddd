"""Reading a user's file safely: regular files only, never more than a limit. Pure.

Every reader of user input (scripts, MOFs, metaconfigs, cloud-configs, key files) goes
through :func:`read_file_bytes`, so a FIFO is refused instead of hanging, ``/dev/zero`` is
refused instead of exhausting memory, and a missing or unreadable file is a
ConfigurationError naming the argument.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import ConfigurationError

#: The default ceiling for a text file a user hands to the library (scripts, MOFs, configs).
TEXT_FILE_LIMIT = 16 * 1024 * 1024


def read_file_bytes(path: Path, argument: str, *, limit: int = TEXT_FILE_LIMIT) -> bytes:
    """The bytes of the regular file ``path``; ConfigurationError at ``argument`` otherwise.

    The file's type is checked before it is opened (``os.stat`` follows symlinks), so a
    FIFO, socket or device is refused without reading; a file larger than ``limit`` bytes is
    refused, and the read itself stops at ``limit + 1`` bytes should the file grow meanwhile.
    """
    try:
        status = path.stat()
    except OSError as error:
        raise ConfigurationError(argument, f"cannot read {path}: {error.strerror}") from error
    if not stat.S_ISREG(status.st_mode):
        kind = "a folder" if stat.S_ISDIR(status.st_mode) else "not a regular file"
        raise ConfigurationError(argument, f"{path} is {kind}: give a regular file")
    if status.st_size > limit:
        raise ConfigurationError(
            argument, f"{path} is {status.st_size:,} bytes, over the limit of {limit:,}"
        )
    try:
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, opening it
        # returns at once instead of waiting for a writer.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise ConfigurationError(argument, f"cannot read {path}: {error.strerror}") from error
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ConfigurationError(argument, f"{path} is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ConfigurationError(argument, f"{path} is over the limit of {limit:,} bytes")
    return data
