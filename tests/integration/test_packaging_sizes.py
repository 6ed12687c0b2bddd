"""Packages at real sizes: large files are streamed into the zip, never read whole."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from vmss_components import Package


def test_building_streams_large_files(tmp_path: Path) -> None:
    source = tmp_path / "big"
    source.mkdir()
    chunk = os.urandom(1 << 20)
    with (source / "payload.bin").open("wb") as handle:
        for _ in range(24):
            handle.write(chunk)
    package = Package.from_directory(source)
    assert package.uncompressed_size == 24 << 20
    with zipfile.ZipFile(package.path) as archive:
        assert archive.getinfo("payload.bin").file_size == 24 << 20
