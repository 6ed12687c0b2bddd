"""Deterministic zips: the entries in, one zip in the build cache out, built once. Pure.

:func:`build_zip` sorts the entries, fingerprints them (names and each file's ``stat``, never
its bytes) and returns the cached zip for that fingerprint, or writes it: with
:mod:`._fast_zip` (parallel deflate, hashed as written) when the archive stays below zip64's
thresholds, else with :mod:`zipfile`, whose bytes the fast writer matches exactly. Either way
the entries carry fixed timestamps and permissions, so the same files give the same bytes.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from .._redact import show
from ..errors import ConfigurationError
from . import _fast_zip
from ._cache import (
    FILE_MODE,
    BuiltZip,
    private_dir,
    read_cached,
    record,
    slot_directory,
    zip_location,
)
from ._digests import CHUNK, Digests, file_digests
from ._regular import open_regular

# Bumped whenever the bytes a tree turns into change, so stale cache entries are never reused.
_FORMAT_VERSION = "1"
# The earliest time a zip header can hold: a constant, so mtimes never reach the bytes.
_FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
# Regular file, rw-r--r--; written as a Unix entry so every unzip reads the same mode.
_FILE_ATTRIBUTES = (stat.S_IFREG | 0o644) << 16
_UNIX = 3


@dataclass(frozen=True, kw_only=True)
class ZipEntry:
    """One member of a zip: its name inside the archive and a file or bytes for its content."""

    arcname: str
    source: Path | None = None
    data: bytes | None = None


#: Called with a package label when a zip is built (not when served from cache).
BuildObserver = Callable[[str], None]
_observers: list[BuildObserver] = []


def add_build_observer(observer: BuildObserver) -> Callable[[], None]:
    """Call ``observer(label)`` before each cold build; returns a function that removes it."""
    _observers.append(observer)
    return lambda: _observers.remove(observer)


def build_zip(entries: Sequence[ZipEntry], *, label: str, origin: str) -> BuiltZip:
    """Write ``entries`` as a deterministic zip in the cache, or reuse the cached one.

    ``label`` names the package (the zip is ``<label>.zip``) and progress messages;
    ``origin`` (the source folder) decides the cache slot, within which only the newest few
    builds are kept.

    The cache key is a fingerprint of the entry names and each source file's size, mode,
    mtime, ctime and inode (never its bytes), so an unchanged tree costs a ``stat`` per file.
    A hit returns the very file a cold build wrote, so bytes and digests are identical. Zips
    are stored under their digest (``<slot>/<sha256>/<label>.zip``): the path an upload
    names depends on the content only.
    """
    ordered = sorted(entries, key=lambda e: e.arcname)
    _check_unique(ordered)
    key, sizes = _fingerprint(ordered)
    directory = slot_directory(label, origin)
    cached = read_cached(directory, key)
    if cached is not None:
        return cached
    for observer in list(_observers):
        observer(label)
    private_dir(directory)
    members = [
        _fast_zip.Member(arcname=e.arcname, source=e.source, data=e.data, size_hint=size)
        for e, size in zip(ordered, sizes, strict=True)
    ]
    fast = _write_fast(members, directory) if _fast_zip.fits(members) else None
    if fast is not None:
        building, written = fast
        digests = Digests(sha256=written.sha256, md5_base64=written.md5_base64, size=written.size)
        uncompressed = written.uncompressed_size
    else:
        # Beyond zip64's thresholds zipfile writes the extra records; same bytes as ever.
        building = directory / f"{key}.zip"
        uncompressed = _write_zip(ordered, building)
        digests = file_digests(building, "package")
    zip_path = zip_location(directory, digests.sha256, label)
    private_dir(zip_path.parent)
    os.chmod(building, FILE_MODE)  # zipfile's file follows the umask
    os.replace(building, zip_path)
    built = BuiltZip(
        path=zip_path,
        sha256=digests.sha256,
        md5_base64=digests.md5_base64,
        size=digests.size,
        uncompressed_size=uncompressed,
    )
    record(directory, key, built)
    return built


def _write_fast(
    members: Sequence[_fast_zip.Member], directory: Path
) -> tuple[Path, _fast_zip.Written] | None:
    """Write with :mod:`._fast_zip` (parallel deflate, hashed on the way); None
    when the files grew past zip64's thresholds while being read (zipfile then writes)."""
    fd, temp_name = tempfile.mkstemp(dir=directory, suffix=".part")
    os.close(fd)
    try:
        written = _fast_zip.write_zip(
            members,
            Path(temp_name),
            on_read_error=_read_error,
            date_time=_FIXED_DATE_TIME,
            external_attr=_FILE_ATTRIBUTES,
            create_system=_UNIX,
        )
    except _fast_zip.NeedsZip64:
        Path(temp_name).unlink(missing_ok=True)
        return None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return Path(temp_name), written


def _read_error(source: Path, error: OSError) -> ConfigurationError:
    return ConfigurationError("package.source", f"cannot read {source}: {error.strerror or error}")


def _write_zip(entries: Sequence[ZipEntry], destination: Path) -> int:
    """Write ``entries`` with :mod:`zipfile`: the reference the fast writer matches byte for
    byte, and the writer of archives that need zip64."""
    fd, temp_name = tempfile.mkstemp(dir=destination.parent, suffix=".part")
    total = 0
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            for entry in entries:
                info = zipfile.ZipInfo(entry.arcname, _FIXED_DATE_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = _UNIX
                info.external_attr = _FILE_ATTRIBUTES
                if entry.data is not None:
                    info.file_size = len(entry.data)
                    with archive.open(info, "w") as member:
                        member.write(entry.data)
                    total += len(entry.data)
                    continue
                assert entry.source is not None
                try:
                    with open_regular(entry.source) as content:
                        info.file_size = os.fstat(content.fileno()).st_size
                        with archive.open(info, "w") as member:
                            total += _copy(content, member)
                except OSError as error:
                    raise ConfigurationError(
                        "package.source",
                        f"cannot read {entry.source}: {error.strerror or error}",
                    ) from error
        os.replace(temp_name, destination)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return total


def _copy(source: BinaryIO, target: IO[bytes]) -> int:
    read = source.read
    write = target.write
    copied = 0
    while chunk := read(CHUNK):
        write(chunk)
        copied += len(chunk)
    return copied


def _check_unique(entries: Sequence[ZipEntry]) -> None:
    for before, after in itertools.pairwise(entries):
        if before.arcname == after.arcname:
            raise ConfigurationError("package", f"two entries are named {show(after.arcname)}")


def _fingerprint(entries: Sequence[ZipEntry]) -> tuple[str, list[int]]:
    digest = hashlib.sha256()
    sizes: list[int] = []
    # The compressed bytes depend on the zlib build, so a different zlib never reuses a zip.
    digest.update(f"{_FORMAT_VERSION}\0{zlib.ZLIB_RUNTIME_VERSION}\0".encode())
    for entry in entries:
        digest.update(entry.arcname.encode("utf-8", "surrogateescape") + b"\0")
        if entry.data is not None:
            digest.update(b"data\0" + hashlib.sha256(entry.data).digest())
            sizes.append(len(entry.data))
            continue
        assert entry.source is not None
        try:
            info = entry.source.stat()
        except OSError as error:
            raise ConfigurationError(
                "package.source", f"cannot read {entry.source}: {error.strerror or error}"
            ) from error
        digest.update(
            f"file\0{info.st_size}\0{info.st_mode}\0{info.st_mtime_ns}\0"
            f"{info.st_ctime_ns}\0{info.st_ino}\0{info.st_dev}\0".encode()
        )
        sizes.append(info.st_size)
    return digest.hexdigest()[:40], sizes
