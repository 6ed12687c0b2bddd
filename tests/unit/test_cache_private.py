"""The package cache is private and checked (issue 14, point 6).

Folders 0700 and files 0600 whatever the umask; a cached zip changed on disk is rebuilt,
never returned under its old digest; an unusable cache folder falls back to a private
temporary one with a warning.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import write_tree

from vmss_components.packaging import Package, cache_dir
from vmss_components.packaging._cache import configured_cache_dir


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _modes(root: Path) -> tuple[set[int], set[int]]:
    folders = {stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")] if p.is_dir()}
    files = {stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*") if p.is_file()}
    return folders, files


def test_folders_are_0700_and_files_0600_under_umask_000(tmp_path: Path, open_umask: None) -> None:
    source = write_tree(tmp_path / "site", {"index.html": "<h1>hi</h1>", "a/b.txt": "b"})
    Package.from_directory(source)
    Package.from_content("setup.sh", "#!/bin/sh\necho secret-ish\n")
    root = cache_dir()
    folders, files = _modes(root)
    assert folders == {0o700} and files == {0o600}, (folders, files)


def test_an_existing_open_cache_folder_is_made_private(tmp_path: Path) -> None:
    root = configured_cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o777)
    Package.from_content("a.txt", "a")
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_a_tampered_cached_zip_is_rebuilt(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", {"index.html": "<h1>v1</h1>" * 50})
    first = Package.from_directory(source)
    original = first.path.read_bytes()
    # Flip one byte of the cached zip, keeping its size: the next build must not trust it.
    tampered = bytearray(original)
    tampered[len(tampered) // 2] ^= 0xFF
    first.path.write_bytes(bytes(tampered))
    second = Package.from_directory(source)
    assert second.sha256 == first.sha256
    assert second.path.read_bytes() == original
    assert hashlib.sha256(second.path.read_bytes()).hexdigest() == second.sha256


def test_a_tampered_content_file_is_written_again() -> None:
    first = Package.from_content("run.sh", "echo one\n")
    first.path.write_bytes(b"echo two\n")  # same size
    second = Package.from_content("run.sh", "echo one\n")
    assert second.path.read_bytes() == b"echo one\n"


def test_an_unusable_cache_folder_falls_back_to_a_private_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache's parent should be")
    monkeypatch.setenv("VMSS_COMPONENTS_CACHE_DIR", str(blocker / "cache"))
    with pytest.warns(RuntimeWarning, match="cannot be used"):
        package = Package.from_content("a.txt", "a")
    assert not str(package.path).startswith(str(blocker))
    fallback = cache_dir()
    assert package.path.is_relative_to(fallback)
    assert stat.S_IMODE(fallback.stat().st_mode) == 0o700
    source = write_tree(tmp_path / "site", {"index.html": "x"})
    assert Package.from_directory(source).path.is_relative_to(fallback)
