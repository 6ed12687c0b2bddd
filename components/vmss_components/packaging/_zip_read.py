"""Reading a zip someone else built, safely: any bytes give a zip or a ConfigurationError. Pure.

:mod:`zipfile` raises a dozen exception types on damaged or hostile archives (``BadZipFile``,
``zlib.error``, ``NotImplementedError`` for an unknown compression method, ``RuntimeError``
for an encrypted member, ``EOFError``, ``ValueError``…) and trusts the sizes the archive
declares. :class:`SafeZip` checks the archive before trusting it: the central directory's size
(read from the end record before :mod:`zipfile` parses it, so a million tiny entries cannot
exhaust memory), every member's method (stored or deflated, what Windows' own unzip reads) and
encryption flag, the sizes it declares against deflate's ratio limit and a total, and member
names (no absolute paths, ``..``, drive letters or control characters). Reading a member never
returns more than it declares, and damaged data is an error naming the member.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from ..errors import ConfigurationError
from ._regular import open_regular

# Deflate cannot expand data more than about 1032 to 1; a member claiming more is damaged or
# crafted (a zip bomb). A little slack covers the headers of tiny members.
_DEFLATE_MAX_RATIO = 1032
_RATIO_SLACK = 64 * 1024
#: The largest central directory read (bytes): some 80,000 entries.
MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024
# What zipfile may raise on damaged or hostile input, besides the checks made here.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
    struct.error,
    UnicodeError,
    OverflowError,
)
_END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"
_CHUNK = 1 << 20


def central_directory_size(handle: BinaryIO) -> int | None:
    """The size the archive's end record gives its central directory; None without one."""
    handle.seek(0, 2)
    size = handle.tell()
    tail_length = min(size, 22 + 65535)
    handle.seek(size - tail_length)
    tail = handle.read(tail_length)
    at = tail.rfind(_END_OF_CENTRAL_DIRECTORY)
    if at < 0 or at + 22 > len(tail):
        return None
    (directory_size,) = struct.unpack_from("<I", tail, at + 12)
    if directory_size != 0xFFFFFFFF:
        return int(directory_size)
    # Zip64: the locator just before the end record points at the zip64 end record.
    locator = at - 20
    if locator < 0 or tail[locator : locator + 4] != _ZIP64_LOCATOR:
        return None
    (offset,) = struct.unpack_from("<Q", tail, locator + 8)
    if offset + 56 > size:
        return None
    handle.seek(offset)
    record = handle.read(56)
    if len(record) < 56 or record[:4] != _ZIP64_END:
        return None
    (directory_size,) = struct.unpack_from("<Q", record, 40)
    return int(directory_size)


def check_central_directory(path: Path, argument: str, handle: BinaryIO | None = None) -> None:
    """Refuse an archive whose central directory is over :data:`MAX_CENTRAL_DIRECTORY`,
    before :mod:`zipfile` parses it into one object per entry."""
    if handle is None:
        with open_regular(path) as own:
            directory = central_directory_size(own)
    else:
        directory = central_directory_size(handle)
    if directory is not None and directory > MAX_CENTRAL_DIRECTORY:
        raise ConfigurationError(
            argument,
            f"{path.name}: its central directory is {directory:,} bytes, over the limit of "
            f"{MAX_CENTRAL_DIRECTORY:,} (too many entries for a package)",
        )


class SafeZip:
    """An archive opened for reading after the checks above; use as a context manager.

    ``argument`` is the error path (``package.path``); ``limit`` the most its members may
    declare in total once extracted.
    """

    def __init__(self, path: Path, argument: str, *, limit: int) -> None:
        self.path = path
        self.argument = argument
        self.limit = limit
        self.archive: zipfile.ZipFile | None = None
        self.handle: BinaryIO | None = None
        try:
            self.handle = open_regular(path)
            check_central_directory(path, argument, self.handle)
            self.archive = zipfile.ZipFile(self.handle)
            self.infos = self.archive.infolist()
        except ConfigurationError:
            self.close()
            raise
        except ZIP_ERRORS as error:
            self.close()
            raise self.error(f"is not a readable zip: {reason(error)}") from error
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.folders: set[str] = set()
        try:
            self._check_members()
        except BaseException:
            self.close()
            raise

    def _check_members(self) -> None:
        total = 0
        for info in self.infos:
            name = check_member_name(info.filename, self.path, self.argument)
            if info.is_dir():
                self.folders.add(name.rstrip("/"))
                continue
            self._check_member(info, name)
            total += info.file_size
            if name in self.members:
                raise self.error(f"holds {name!a} twice")
            self.members[name] = info
        self.uncompressed_size = total
        if total > self.limit:
            raise self.error(
                f"declares {total:,} bytes once extracted, over the limit of {self.limit:,}"
            )

    def error(self, reason: str) -> ConfigurationError:
        return ConfigurationError(self.argument, f"{self.path.name} {reason}")

    def _check_member(self, info: zipfile.ZipInfo, name: str) -> None:
        if info.flag_bits & 0x1:
            raise self.error(
                f"holds an encrypted member ({name!a}): the agent cannot read encrypted zips"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise self.error(
                f"stores {name!a} with compression method {info.compress_type}: use deflate "
                "or no compression, which every unzip reads"
            )
        if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
            raise self.error(
                f"declares {name!a} stored uncompressed, yet as {info.file_size:,} bytes in "
                f"{info.compress_size:,}: the archive is damaged"
            )
        if info.file_size > _DEFLATE_MAX_RATIO * info.compress_size + _RATIO_SLACK:
            raise self.error(
                f"declares {name!a} as {info.file_size:,} bytes from {info.compress_size:,} "
                f"compressed, beyond deflate's ratio of {_DEFLATE_MAX_RATIO}:1: the archive is "
                "damaged or a zip bomb"
            )

    def read(self, name: str, *, limit: int) -> bytes:
        """A member's bytes (at most ``limit``); damaged data is an error naming it."""
        info = self.members[name]
        if info.file_size > limit:
            raise self.error(f"holds {name!a} of {info.file_size:,} bytes, over {limit:,}")
        chunks = list(self._chunks(info, name))
        return b"".join(chunks)

    def verify(self) -> None:
        """Decompress every member once, so damaged data is found here, not on the machines."""
        for name, info in self.members.items():
            for _ in self._chunks(info, name):
                pass

    def _chunks(self, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
        assert self.archive is not None
        try:
            with self.archive.open(info) as member:
                read = 0
                while chunk := member.read(_CHUNK):
                    read += len(chunk)
                    if read > info.file_size:
                        raise self.error(f"holds {name!a}, longer than it declares")
                    yield chunk
        except ConfigurationError:
            raise
        except ZIP_ERRORS as error:
            raise self.error(f"holds damaged data in {name!a}: {reason(error)}") from error

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
        if self.handle is not None:
            self.handle.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def check_member_name(filename: str, path: Path, argument: str) -> str:
    """A member's name with ``/`` separators; unsafe or unprintable names are errors."""
    # Zips made by older Windows tools separate folders with '\'.
    member = filename.replace("\\", "/")
    parts = member.rstrip("/").split("/")
    if (
        not member
        or member.startswith("/")
        or ".." in parts
        or (parts and ":" in parts[0])
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in member)
    ):
        raise ConfigurationError(argument, f"{path.name} holds an unsafe path {filename!a}")
    return member


def reason(error: BaseException) -> str:
    """An exception's message, ASCII-safe, for a ConfigurationError."""
    text = str(error) or type(error).__name__
    return ascii(text)[1:-1] if not text.isascii() else text
