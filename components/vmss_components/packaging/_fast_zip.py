"""A deterministic zip writer that deflates in worker threads and hashes as it writes. Pure.

The bytes are exactly those :mod:`zipfile` writes for the same entries (``ZIP_DEFLATED`` at
zlib's default level, Unix attributes, fixed timestamps, no data descriptors, no zip64), so a
package keeps its digest, and so its blob name and update tag, whichever writer built it.
What differs is the work: each file is read and deflated as one stream in a worker thread
(zlib and the file reads release the GIL, so the cores work side by side), while the calling
thread writes finished entries in archive order and feeds them to SHA256 and MD5 on the way,
so the zip is never read back. Small files are batched into one job; the jobs in flight hold
at most :data:`WINDOW` bytes, so memory stays flat however big the tree; a file larger than
:data:`STREAM_THRESHOLD` is deflated in the calling thread and streamed to disk.

Archives that would need zip64 (over 65,534 entries or about 2 GiB) are left to
:mod:`zipfile`: the caller checks :func:`fits` first, and :class:`NeedsZip64` is raised if
files grew past that estimate while being read.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ._regular import open_regular

#: Bytes read from a file at a time.
CHUNK = 1 << 20
#: Most uncompressed bytes handed to the workers and not yet written.
WINDOW = 16 << 20
#: Files smaller than this are batched, up to this many bytes per job.
BATCH_BYTES = 1 << 20
#: Files larger than this are streamed by the calling thread instead of buffered.
STREAM_THRESHOLD = 16 << 20
#: Largest archive this writer produces; beyond it zipfile's zip64 records are needed.
_ZIP64_LIMIT = (1 << 31) - 1
_MAX_ENTRIES = 0xFFFF - 1

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # zipfile's DEFAULT_VERSION: deflate, no zip64
_UTF8_FLAG = 0x800


@dataclass(frozen=True, kw_only=True)
class Member:
    """One entry to write: its name in the archive and a file (or bytes) for its content.

    ``size_hint`` is the file's size when known (it only steers batching and memory).
    """

    arcname: str
    source: Path | None = None
    data: bytes | None = None
    size_hint: int = 0


@dataclass(frozen=True, kw_only=True)
class Written:
    """What :func:`write_zip` produced: digests and sizes of the archive."""

    sha256: str
    md5_base64: str
    size: int
    uncompressed_size: int


class NeedsZip64(Exception):
    """The files grew past :func:`fits`'s estimate while being read: write with zipfile."""


#: Turns an OSError reading ``source`` into the caller's own error.
ReadError = Callable[[Path, OSError], Exception]


def fits(members: Sequence[Member]) -> bool:
    """Whether ``members`` stay below the limits beyond which zipfile writes zip64 records."""
    if len(members) > _MAX_ENTRIES:
        return False
    # Deflate grows incompressible data by a few bytes per 16 KiB block: 1% is generous.
    total = sum(m.size_hint if m.data is None else len(m.data) for m in members)
    headers = sum(2 * (46 + len(m.arcname.encode("utf-8", "surrogateescape"))) for m in members)
    return total * 1.01 + headers + 1024 < _ZIP64_LIMIT and all(
        (m.size_hint if m.data is None else len(m.data)) * 1.05 <= _ZIP64_LIMIT for m in members
    )


def write_zip(
    members: Sequence[Member],
    destination: Path,
    *,
    on_read_error: ReadError,
    date_time: tuple[int, int, int, int, int, int],
    external_attr: int,
    create_system: int,
    workers: int | None = None,
) -> Written:
    """Write ``members``, in order, as a zip to the file ``destination`` (replaced if any).

    Entries are deflated with zlib's default level, as ``zipfile`` does, and carry
    ``date_time``, ``external_attr`` and ``create_system``. An unreadable file raises what
    ``on_read_error`` returns, for the first such file in archive order.
    """
    with destination.open("w+b") as handle:
        return _write(
            members,
            handle,
            on_read_error=on_read_error,
            date_time=date_time,
            external_attr=external_attr,
            create_system=create_system,
            workers=workers,
        )


def _write(
    members: Sequence[Member],
    handle: BinaryIO,
    *,
    on_read_error: ReadError,
    date_time: tuple[int, int, int, int, int, int],
    external_attr: int,
    create_system: int,
    workers: int | None,
) -> Written:
    dostime, dosdate = _dos(date_time)
    out = _HashingWriter(handle)
    central: list[bytes] = []
    total = 0
    count = workers if workers is not None else min(8, os.cpu_count() or 1)
    jobs = list(_plan_jobs(members))
    with ThreadPoolExecutor(max_workers=max(1, count), thread_name_prefix="zip") as pool:
        pending: deque[tuple[Future[list[_Deflated]], int]] = deque()
        in_flight = 0

        def write_oldest() -> None:
            nonlocal in_flight, total
            future, weight = pending.popleft()
            in_flight -= weight
            for deflated in future.result():
                total += deflated.size
                central.append(_emit(out, deflated, dostime, dosdate, external_attr, create_system))

        try:
            for job, weight in jobs:
                streamed = job[0].data is None and job[0].size_hint > STREAM_THRESHOLD
                while pending and (streamed or in_flight + weight > WINDOW):
                    write_oldest()
                if streamed:
                    size, deflated = _stream(out, job[0], on_read_error, dostime, dosdate)
                    total += size
                    central.append(
                        _central(deflated, dostime, dosdate, external_attr, create_system)
                    )
                    continue
                pending.append((pool.submit(_deflate_all, job, on_read_error), weight))
                in_flight += weight
            while pending:
                write_oldest()
        except BaseException:
            for future, _ in pending:
                future.cancel()
            raise
    start = out.offset
    if start > _ZIP64_LIMIT:
        raise NeedsZip64(f"the archive reached {start:,} bytes")
    for record in central:
        out.write(record)
    directory_size = out.offset - start
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), directory_size, start, 0))
    return out.finish(total)


# --- Jobs and deflating ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Deflated:
    """One member deflated: what its headers need and its compressed bytes."""

    name: bytes
    flags: int
    crc: int
    size: int
    compressed: list[bytes]
    compressed_size: int
    offset: int = 0


def _plan_jobs(members: Iterable[Member]) -> Iterable[tuple[list[Member], int]]:
    batch: list[Member] = []
    weight = 0
    for member in members:
        size = len(member.data) if member.data is not None else member.size_hint
        if size >= BATCH_BYTES or (member.data is None and size > STREAM_THRESHOLD):
            if batch:
                yield batch, weight
                batch, weight = [], 0
            yield [member], size
            continue
        batch.append(member)
        weight += size
        if weight >= BATCH_BYTES:
            yield batch, weight
            batch, weight = [], 0
    if batch:
        yield batch, weight


def _name(arcname: str) -> tuple[bytes, int]:
    # As zipfile: ASCII names as they are, anything else UTF-8 with the language flag.
    try:
        return arcname.encode("ascii"), 0
    except UnicodeEncodeError:
        return arcname.encode("utf-8"), _UTF8_FLAG


def _deflate_all(job: list[Member], on_read_error: ReadError) -> list[_Deflated]:
    return [_deflate(member, on_read_error) for member in job]


def _deflate(member: Member, on_read_error: ReadError) -> _Deflated:
    name, flags = _name(member.arcname)
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    parts: list[bytes] = []
    crc = 0
    size = 0
    if member.data is not None:
        crc = zlib.crc32(member.data)
        size = len(member.data)
        parts.append(compressor.compress(member.data))
    else:
        assert member.source is not None
        try:
            with open_regular(member.source) as handle:
                read = handle.read
                while chunk := read(CHUNK):
                    crc = zlib.crc32(chunk, crc)
                    size += len(chunk)
                    parts.append(compressor.compress(chunk))
        except OSError as error:
            raise on_read_error(member.source, error) from error
    parts.append(compressor.flush())
    compressed = [p for p in parts if p]
    return _Deflated(
        name=name,
        flags=flags,
        crc=crc,
        size=size,
        compressed=compressed,
        compressed_size=sum(len(p) for p in compressed),
    )


# --- Writing ------------------------------------------------------------------------------


class _HashingWriter:
    """Writes to the archive and hashes every byte, unless a header had to be patched."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.offset = 0
        self.sha256 = hashlib.sha256()
        self.md5 = hashlib.md5(usedforsecurity=False)
        # Bytes from here on are hashed by reading the file back (after a patched header).
        self.unhashed_from: int | None = None

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        if self.unhashed_from is None:
            self.sha256.update(data)
            self.md5.update(data)
        self.offset += len(data)

    def patch(self, offset: int, data: bytes) -> None:
        if self.unhashed_from is None:
            raise AssertionError("patching bytes already hashed")
        self.handle.seek(offset)
        self.handle.write(data)
        self.handle.seek(self.offset)

    def finish(self, uncompressed: int) -> Written:
        self.handle.flush()
        if self.unhashed_from is not None:
            self.handle.seek(self.unhashed_from)
            while chunk := self.handle.read(CHUNK):
                self.sha256.update(chunk)
                self.md5.update(chunk)
        return Written(
            sha256=self.sha256.hexdigest(),
            md5_base64=base64.b64encode(self.md5.digest()).decode("ascii"),
            size=self.offset,
            uncompressed_size=uncompressed,
        )


def _dos(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


def _local_header(deflated: _Deflated, dostime: int, dosdate: int) -> bytes:
    return (
        _LOCAL.pack(
            b"PK\x03\x04",
            _VERSION,
            0,
            deflated.flags,
            zlib.DEFLATED,
            dostime,
            dosdate,
            deflated.crc,
            deflated.compressed_size,
            deflated.size,
            len(deflated.name),
            0,
        )
        + deflated.name
    )


def _central(
    deflated: _Deflated, dostime: int, dosdate: int, external_attr: int, create_system: int
) -> bytes:
    return (
        _CENTRAL.pack(
            b"PK\x01\x02",
            _VERSION,
            create_system,
            _VERSION,
            0,
            deflated.flags,
            zlib.DEFLATED,
            dostime,
            dosdate,
            deflated.crc,
            deflated.compressed_size,
            deflated.size,
            len(deflated.name),
            0,
            0,
            0,
            0,
            external_attr,
            deflated.offset,
        )
        + deflated.name
    )


def _emit(
    out: _HashingWriter,
    deflated: _Deflated,
    dostime: int,
    dosdate: int,
    external_attr: int,
    create_system: int,
) -> bytes:
    if max(deflated.size, deflated.compressed_size, out.offset) > _ZIP64_LIMIT:
        raise NeedsZip64(f"{deflated.name!r} or its offset passed the zip64 threshold")
    placed = _Deflated(
        name=deflated.name,
        flags=deflated.flags,
        crc=deflated.crc,
        size=deflated.size,
        compressed=[],
        compressed_size=deflated.compressed_size,
        offset=out.offset,
    )
    out.write(_local_header(placed, dostime, dosdate))
    for part in deflated.compressed:
        out.write(part)
    deflated.compressed.clear()
    return _central(placed, dostime, dosdate, external_attr, create_system)


def _stream(
    out: _HashingWriter, member: Member, on_read_error: ReadError, dostime: int, dosdate: int
) -> tuple[int, _Deflated]:
    """Deflate one big file straight to disk, then patch its header as zipfile does."""
    assert member.source is not None
    name, flags = _name(member.arcname)
    offset = out.offset
    if out.unhashed_from is None:
        out.unhashed_from = offset
    blank = _Deflated(name=name, flags=flags, crc=0, size=0, compressed=[], compressed_size=0)
    out.write(_local_header(blank, dostime, dosdate))
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    crc = 0
    size = 0
    compressed_size = 0
    try:
        with open_regular(member.source) as handle:
            read = handle.read
            while chunk := read(CHUNK):
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
                part = compressor.compress(chunk)
                compressed_size += len(part)
                out.write(part)
    except OSError as error:
        raise on_read_error(member.source, error) from error
    tail = compressor.flush()
    compressed_size += len(tail)
    out.write(tail)
    if max(size, compressed_size, offset) > _ZIP64_LIMIT:
        raise NeedsZip64(f"{member.arcname} grew past the zip64 threshold while being read")
    done = _Deflated(
        name=name,
        flags=flags,
        crc=crc,
        size=size,
        compressed=[],
        compressed_size=compressed_size,
        offset=offset,
    )
    out.patch(offset, _local_header(done, dostime, dosdate))
    return size, done
