"""The threaded zip writer: the very bytes zipfile writes, digests of what is on disk."""

from __future__ import annotations

import base64
import hashlib
import random
import subprocess
import zipfile
from pathlib import Path

import pytest

from vmss_components import ConfigurationError
from vmss_components.packaging import _fast_zip, _zip, cache_dir


def _tree(root: Path, seed: int) -> list[_zip.ZipEntry]:
    rng = random.Random(seed)
    entries = [_zip.ZipEntry(arcname="meta.json", data=b'{"Type": "Audit"}\n')]
    sizes = [0, 1, 100, 5_000, 70_000, 300_000, (1 << 20) + 7]
    for index in range(30):
        size = rng.choice(sizes)
        data = (rng.randbytes(size) if index % 2 else (b"Set-Item -Path x %d\n" % index) * size)[
            :size
        ]
        name = f"d{index % 5}/f{index}" + ("-é" if index % 17 == 0 else "")
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        entries.append(_zip.ZipEntry(arcname=name, source=path))
    return sorted(entries, key=lambda e: e.arcname)


def _members(entries: list[_zip.ZipEntry]) -> list[_fast_zip.Member]:
    return [
        _fast_zip.Member(
            arcname=e.arcname,
            source=e.source,
            data=e.data,
            size_hint=len(e.data) if e.data is not None else e.source.stat().st_size,  # type: ignore[union-attr]
        )
        for e in entries
    ]


def _write(members: list[_fast_zip.Member], path: Path, workers: int) -> _fast_zip.Written:
    return _fast_zip.write_zip(
        members,
        path,
        on_read_error=_zip._read_error,
        date_time=_zip._FIXED_DATE_TIME,
        external_attr=_zip._FILE_ATTRIBUTES,
        create_system=_zip._UNIX,
        workers=workers,
    )


@pytest.mark.parametrize("workers", [1, 2, 4])
@pytest.mark.parametrize("stream_threshold", [_fast_zip.STREAM_THRESHOLD, 50_000])
def test_same_bytes_as_zipfile_and_digests_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int, stream_threshold: int
) -> None:
    monkeypatch.setattr(_fast_zip, "STREAM_THRESHOLD", stream_threshold)
    monkeypatch.setattr(_fast_zip, "WINDOW", 2 << 20)
    entries = _tree(tmp_path / "tree", seed=workers)
    reference = tmp_path / "reference.zip"
    uncompressed = _zip._write_zip(entries, reference)
    written = _write(_members(entries), tmp_path / "fast.zip", workers)
    data = (tmp_path / "fast.zip").read_bytes()
    assert data == reference.read_bytes()
    assert written.sha256 == hashlib.sha256(data).hexdigest()
    md5 = hashlib.md5(data, usedforsecurity=False).digest()
    assert written.md5_base64 == base64.b64encode(md5).decode()
    assert written.size == len(data)
    assert written.uncompressed_size == uncompressed
    with zipfile.ZipFile(tmp_path / "fast.zip") as archive:
        assert archive.testzip() is None


def test_the_unzip_tool_reads_it(tmp_path: Path) -> None:
    unzip = pytest.importorskip("shutil").which("unzip")
    if unzip is None:
        pytest.skip("unzip is not installed")
    entries = _tree(tmp_path / "tree", seed=7)
    _write(_members(entries), tmp_path / "fast.zip", 2)
    done = subprocess.run([unzip, "-tqq", str(tmp_path / "fast.zip")], capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_archives_needing_zip64_are_left_to_zipfile() -> None:
    small = _fast_zip.Member(arcname="a", data=b"x")
    assert _fast_zip.fits([small])
    huge = _fast_zip.Member(arcname="big.iso", source=Path("big.iso"), size_hint=3 << 30)
    assert not _fast_zip.fits([small, huge])
    many = [_fast_zip.Member(arcname=f"f{i}", data=b"") for i in range(70_000)]
    assert not _fast_zip.fits(many)


def test_the_first_unreadable_file_in_archive_order_is_reported(tmp_path: Path) -> None:
    entries = _tree(tmp_path / "tree", seed=3)
    members = _members(entries)
    members[5] = _fast_zip.Member(arcname="gone", source=tmp_path / "gone", size_hint=10)
    members[20] = _fast_zip.Member(arcname="gone2", source=tmp_path / "gone2", size_hint=10)
    with pytest.raises(ConfigurationError, match="gone: No such file"):
        _write(members, tmp_path / "fast.zip", 2)


def test_files_that_grew_past_the_estimate_are_written_by_zipfile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "tree"
    entries = _tree(source, seed=5)
    reference = tmp_path / "reference.zip"
    _zip._write_zip(entries, reference)
    # As if the files had grown between the estimate and the reading.
    monkeypatch.setattr(_fast_zip, "fits", lambda members: True)
    monkeypatch.setattr(_fast_zip, "_ZIP64_LIMIT", 100_000)
    built = _zip.build_zip(entries, label="grown", origin=str(source))
    assert built.path.read_bytes() == reference.read_bytes()
    assert not list(cache_dir().rglob("*.part"))
