"""Reading a user's file safely: regular files only, never more than a limit. Pure.

Every reader of user input (scripts, MOFs, metaconfigs, cloud-configs, key files) goes
through :func:`read_file_bytes` (text files through :func:`read_utf8_file`, UTF-8 whatever the
locale), so a FIFO is refused instead of hanging, ``/dev/zero`` is
refused instead of exhausting memory, and a missing or unreadable file is a
ConfigurationError naming the argument.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ._rules import declare_rule
from .errors import ConfigurationError

declare_rule(
    "input-file-regular",
    "A file the library reads is a regular file within its size limit: a FIFO, socket or "
    "device is refused without being read.",
    where="vmss_components._files.read_file_bytes",
    paths=("cloud_config", "script", "scale_set.ssh_public_keys[0]", "package.path"),
)
declare_rule(
    "input-text-utf8",
    "A text file is decoded as UTF-8 whatever the locale; other bytes are refused, naming the "
    "offset, never the bytes.",
    where="vmss_components._files.decode_utf8",
    paths=("cloud_config", "scale_set.ssh_public_keys[0]"),
)
declare_rule(
    "text-no-lone-surrogate",
    "Text holds no lone surrogate, which could not be encoded as UTF-8 for a file, Azure or "
    "cloud-init (the engine would fail on it after resources are registered): user data, "
    "scripts, keys, package content and every text argument (a command, a name).",
    where="vmss_components._files.check_encodable; vmss_components._checks.check_input_text",
    paths=(
        "cloud_config",
        "script",
        "scale_set.ssh_public_keys[0]",
        "package.content",
        "command",
        "scale_set.resource_group_name",
    ),
)

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


def decode_utf8(data: bytes, argument: str, what: str) -> str:
    """``data`` decoded as strict UTF-8; ConfigurationError at ``argument`` otherwise.

    Whatever the locale: a file read on one operator's machine gives the same text on
    another's. The error names the byte offset, never the bytes (the file may hold secrets).
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigurationError(
            argument, f"{what} is not UTF-8 text (an invalid byte at offset {error.start:,})"
        ) from None


def read_utf8_file(path: Path, argument: str, *, limit: int = TEXT_FILE_LIMIT) -> str:
    """The text of the regular UTF-8 file ``path`` (see :func:`read_file_bytes`)."""
    return decode_utf8(read_file_bytes(path, argument, limit=limit), argument, str(path))


def check_encodable(text: str, argument: str, what: str = "the text") -> str:
    """Refuse text holding a lone surrogate (``"\\ud800"``): it cannot be written as UTF-8,
    so it could reach neither a file, nor Azure, nor cloud-init. Returns ``text``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ConfigurationError(
            argument,
            f"{what} holds a lone surrogate (U+{ord(text[error.start]):04X}) at character "
            f"{error.start:,}: it is not valid Unicode text and cannot be encoded as UTF-8",
        ) from None
    return text
