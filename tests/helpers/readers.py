"""For the reader tests (issue 16): fixture paths, package folders, and damaged zips.

Imported as ``from helpers.readers import ...``; the fixtures themselves live in
tests/unit/fixtures/readers.
"""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "unit" / "fixtures" / "readers"
PS = FIXTURES / "ps"
MOF = FIXTURES / "mof"

#: A metaconfig as Microsoft's packager writes it.
META = '{"Type": "Audit", "Version": "1.0.0"}'
#: A small module folder for the fixtures' resources.
SAMPLE_MODULE = {
    "Modules/SampleDsc/SampleDsc.psd1": "@{ ModuleVersion = '1.0.0' }",
    "Modules/SampleDsc/SampleDsc.psm1": "class SampleAudit { }",
}


def dsc_folder(root: Path, script: bytes | str, *, name: str = "Site.ps1") -> Path:
    """A DSC package folder holding one script (bytes as given, text as UTF-8)."""
    root.mkdir(parents=True, exist_ok=True)
    data = script.encode("utf-8") if isinstance(script, str) else script
    (root / name).write_bytes(data)
    return root


def write_zip(
    path: Path, members: dict[str, bytes | str], *, method: int = zipfile.ZIP_DEFLATED
) -> Path:
    """A zip as another tool would write it, members in the given order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return path


def _headers(data: bytes, signature: bytes) -> list[int]:
    found: list[int] = []
    at = data.find(signature)
    while at >= 0:
        found.append(at)
        at = data.find(signature, at + 1)
    return found


def patch_member(path: Path, member: str, **fields: int) -> None:
    """Rewrite header fields of ``member`` in both its local and central headers.

    ``flags`` (general purpose bits), ``method`` (compression method) and ``size`` (the
    declared uncompressed size) are supported.
    """
    data = bytearray(path.read_bytes())
    encoded = member.encode()
    # Local header: flags at 6, method at 8, size at 22, name length at 26, name at 30.
    for at in _headers(bytes(data), b"PK\x03\x04"):
        (length,) = struct.unpack_from("<H", data, at + 26)
        if bytes(data[at + 30 : at + 30 + length]) != encoded:
            continue
        _set(data, at, fields, flags=6, method=8, size=22)
    # Central header: flags at 8, method at 10, size at 24, name length at 28, name at 46.
    for at in _headers(bytes(data), b"PK\x01\x02"):
        (length,) = struct.unpack_from("<H", data, at + 28)
        if bytes(data[at + 46 : at + 46 + length]) != encoded:
            continue
        _set(data, at, fields, flags=8, method=10, size=24)
    path.write_bytes(bytes(data))


def _set(data: bytearray, at: int, fields: dict[str, int], **offsets: int) -> None:
    for name, value in fields.items():
        width = "<I" if name == "size" else "<H"
        if name == "flags":
            (current,) = struct.unpack_from("<H", data, at + offsets[name])
            value |= current
        struct.pack_into(width, data, at + offsets[name], value)


def corrupt_member(path: Path, member: str) -> None:
    """Overwrite the middle of ``member``'s compressed data with other bytes."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    (name_length, extra_length) = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    middle = start + info.compress_size // 2
    for index in range(middle, min(middle + 16, start + info.compress_size)):
        data[index] ^= 0xFF
    path.write_bytes(bytes(data))


def linux_motd_files() -> dict[str, str]:
    """The files of the sample Linux Machine Configuration package, as a prebuilt zip holds them."""
    from .paths import SAMPLE_MOF

    return {
        "LinuxMotd.mof": SAMPLE_MOF.read_text(),
        "LinuxMotd.metaconfig.json": json.dumps({"Type": "Audit", "Version": "1.0.0"}),
        "Modules/LinuxMotdDsc/LinuxMotdDsc.psd1": "@{ ModuleVersion = '1.0.0' }",
        "Modules/LinuxMotdDsc/LinuxMotdDsc.psm1": "class MotdFile {}",
    }
