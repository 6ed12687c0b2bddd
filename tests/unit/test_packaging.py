"""Packages: deterministic zips, digests, cache and the errors for bad trees."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers import DSC_SAMPLE, write_tree

from vmss_components import ConfigurationError, DscPackage, Package, packaging
from vmss_components.packaging import as_package

TREE = {
    "Configure.ps1": "Configuration Main { Node localhost { } }\n",
    "Modules/xWeb/xWeb.psd1": "@{ ModuleVersion = '1.0' }\n",
    "Modules/xWeb/DSCResources/xSite.psm1": "function Get-TargetResource {}\n" * 50,
    "data/blob.bin": bytes(range(256)) * 40,
    "a-b.txt": "dash sorts before slash\n",
}
JUNK = {
    "__pycache__/x.cpython-311.pyc": b"\0",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".DS_Store": b"\0\1",
    "Configure.ps1~": "backup",
    ".Configure.ps1.swp": b"swap",
    "Modules/xWeb/.#lock": "emacs",
}


def tree(
    tmp_path: Path, name: str = "web", *, mtime: int | None = None, extra: dict | None = None
) -> Path:
    return write_tree(tmp_path / name, {**TREE, **JUNK, **(extra or {})}, mtime=mtime)


def test_zip_holds_sorted_files_without_prefix_or_junk(tmp_path: Path) -> None:
    package = Package.from_directory(tree(tmp_path))
    with zipfile.ZipFile(package.path) as archive:
        names = archive.namelist()
        assert names == sorted(TREE)
        assert names[0] == "Configure.ps1"
        assert "a-b.txt" in names and names.index("a-b.txt") < names.index("data/blob.bin")
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.create_system == 3
            assert stat.S_IMODE(info.external_attr >> 16) == 0o644
            assert stat.S_ISREG(info.external_attr >> 16)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            content = TREE[info.filename]
            expected = content.encode() if isinstance(content, str) else content
            assert archive.read(info) == expected
        assert archive.testzip() is None


def test_zip_passes_the_unzip_tool(tmp_path: Path) -> None:
    unzip = shutil.which("unzip")
    if unzip is None:
        if os.environ.get("CI"):
            pytest.fail("unzip must be installed in CI (.ci/run installs it)")
        pytest.skip("unzip is not installed; .ci/run installs it")
    package = Package.from_directory(tree(tmp_path))
    result = subprocess.run([unzip, "-t", str(package.path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors detected" in result.stdout


def test_package_metadata_matches_the_bytes(tmp_path: Path) -> None:
    package = Package.from_directory(tree(tmp_path))
    data = package.path.read_bytes()
    assert package.name == "web"
    assert package.filename == "web.zip"
    assert package.sha256 == hashlib.sha256(data).hexdigest()
    assert package.md5_base64 == base64.b64encode(hashlib.md5(data).digest()).decode()
    assert package.size == len(data)
    assert package.uncompressed_size == sum(
        len(v.encode() if isinstance(v, str) else v) for v in TREE.values()
    )
    assert package.content_type == "application/zip"


def test_same_tree_elsewhere_with_other_mtimes_gives_identical_bytes(tmp_path: Path) -> None:
    first = Package.from_directory(tree(tmp_path / "one", mtime=1_000_000_000), name="site")
    second = Package.from_directory(
        tree(tmp_path / "two" / "deeper", mtime=1_700_000_000), name="site"
    )
    assert first.path != second.path
    assert first.path.read_bytes() == second.path.read_bytes()
    assert (first.sha256, first.md5_base64, first.size) == (
        second.sha256,
        second.md5_base64,
        second.size,
    )


def test_file_creation_order_does_not_matter(tmp_path: Path) -> None:
    forward = write_tree(tmp_path / "f" / "pkg", dict(TREE))
    backward = write_tree(tmp_path / "b" / "pkg", dict(reversed(list(TREE.items()))))
    assert Package.from_directory(forward).sha256 == Package.from_directory(backward).sha256


def test_one_changed_byte_changes_the_digest(tmp_path: Path) -> None:
    source = tree(tmp_path)
    before = Package.from_directory(source)
    target = source / "data" / "blob.bin"
    data = bytearray(target.read_bytes())
    data[100] ^= 1
    target.write_bytes(bytes(data))
    after = Package.from_directory(source)
    assert after.sha256 != before.sha256
    assert after.path != before.path


def test_junk_and_excluded_files_do_not_change_the_package(tmp_path: Path) -> None:
    source = tree(tmp_path, extra={"notes/draft.md": "draft", "build.log": "log"})
    clean = Package.from_directory(write_tree(tmp_path / "clean" / "web", dict(TREE)))
    excluded = Package.from_directory(source, exclude=["*.log", "notes"])
    assert excluded.sha256 == clean.sha256
    (source / "build.log").write_text("another log")
    (source / ".git" / "HEAD").write_text("changed")
    assert Package.from_directory(source, exclude=["*.log", "notes"]).sha256 == clean.sha256


def test_exclude_with_a_slash_matches_the_relative_path(tmp_path: Path) -> None:
    source = tree(tmp_path)
    package = Package.from_directory(source, exclude=["Modules/xWeb/DSCResources/*"])
    with zipfile.ZipFile(package.path) as archive:
        assert "Modules/xWeb/DSCResources/xSite.psm1" not in archive.namelist()
        assert "Modules/xWeb/xWeb.psd1" in archive.namelist()


def test_unchanged_tree_is_served_from_cache_with_identical_bytes(tmp_path: Path) -> None:
    source = tree(tmp_path)
    built: list[str] = []
    remove = packaging.add_build_observer(built.append)
    try:
        cold = Package.from_directory(source)
        warm = Package.from_directory(source)
    finally:
        remove()
    assert built == ["web"]
    assert warm == cold
    assert hashlib.sha256(warm.path.read_bytes()).hexdigest() == cold.sha256


def test_cache_misses_when_a_file_changes_even_with_the_same_size(tmp_path: Path) -> None:
    source = tree(tmp_path, mtime=1_600_000_000)
    first = Package.from_directory(source)
    (source / "a-b.txt").write_text("DASH sorts before slash\n")
    os.utime(source / "a-b.txt", (1_600_000_000, 1_600_000_000))
    second = Package.from_directory(source)
    assert second.sha256 != first.sha256


def test_a_corrupted_cache_entry_is_rebuilt(tmp_path: Path) -> None:
    source = tree(tmp_path)
    first = Package.from_directory(source)
    first.path.write_bytes(b"truncated")
    second = Package.from_directory(source)
    assert second.sha256 == first.sha256
    assert hashlib.sha256(second.path.read_bytes()).hexdigest() == first.sha256


def test_symlinks_inside_the_tree_are_followed(tmp_path: Path) -> None:
    source = tree(tmp_path)
    (source / "alias.txt").symlink_to(source / "a-b.txt")
    package = Package.from_directory(source)
    with zipfile.ZipFile(package.path) as archive:
        assert archive.read("alias.txt") == archive.read("a-b.txt")


def test_from_file_publishes_the_file_as_is(tmp_path: Path) -> None:
    script = tmp_path / "install.sh"
    script.write_text("#!/bin/bash\necho hi\n")
    package = Package.from_file(script)
    assert package.path == script
    assert package.filename == package.name == "install.sh"
    assert package.sha256 == hashlib.sha256(script.read_bytes()).hexdigest()
    assert package.size == package.uncompressed_size == script.stat().st_size
    assert package.content_type == "text/x-sh"


def test_from_zip_publishes_the_zip_as_is(tmp_path: Path) -> None:
    built = Package.from_directory(tree(tmp_path))
    copy = tmp_path / "prebuilt.zip"
    shutil.copyfile(built.path, copy)
    package = Package.from_zip(copy)
    assert package.path == copy
    assert (package.name, package.filename) == ("prebuilt", "prebuilt.zip")
    assert package.sha256 == built.sha256
    assert package.uncompressed_size == built.uncompressed_size


# --- bad input ---------------------------------------------------------------------------


def expect_error(path: str, call: object, *args: object, **kwargs: object) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    assert caught.value.path == path, str(caught.value)
    assert isinstance(caught.value, ValueError)
    return caught.value


def test_missing_source(tmp_path: Path) -> None:
    error = expect_error("package.source", Package.from_directory, tmp_path / "nope")
    assert "does not exist" in str(error)


def test_source_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    expect_error("package.source", Package.from_directory, tmp_path / "f")


def test_empty_directory_and_one_with_only_junk(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    expect_error("package.source", Package.from_directory, tmp_path / "empty")
    write_tree(tmp_path / "junk", JUNK)
    error = expect_error("package.source", Package.from_directory, tmp_path / "junk")
    assert "no files" in str(error)


def test_symlink_pointing_outside_the_tree(tmp_path: Path) -> None:
    source = tree(tmp_path)
    (tmp_path / "secret.txt").write_text("outside")
    (source / "leak.txt").symlink_to(tmp_path / "secret.txt")
    error = expect_error("package.source", Package.from_directory, source)
    assert "leak.txt" in str(error) and "outside" in str(error)


def test_broken_symlink(tmp_path: Path) -> None:
    source = tree(tmp_path)
    (source / "gone.txt").symlink_to(source / "missing.txt")
    error = expect_error("package.source", Package.from_directory, source)
    assert "gone.txt" in str(error)


def test_symlink_loop(tmp_path: Path) -> None:
    source = tree(tmp_path)
    (source / "Modules" / "again").symlink_to(source / "Modules")
    error = expect_error("package.source", Package.from_directory, source)
    assert "loop" in str(error)


def test_unreadable_entry(tmp_path: Path) -> None:
    source = tree(tmp_path)
    os.mkfifo(source / "pipe")
    error = expect_error("package.source", Package.from_directory, source)
    assert "pipe" in str(error)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tree(tmp_path)
    denied = source / "a-b.txt"
    real_open = os.open

    # Sources are opened with os.open (only while they are regular files); tests run as root,
    # so a permission error is simulated there.
    def refuse(path: Any, *args: Any, **kwargs: Any) -> int:
        if Path(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    error = expect_error("package.source", Package.from_directory, source)
    assert "a-b.txt" in str(error) and "Permission denied" in str(error)
    assert not list(packaging.cache_dir().rglob("*.part")), "a failed build leaves no temp file"


@pytest.mark.parametrize("name", ["has space", "ends.", "-dash", "ümlaut", "", "a/b", "x" * 201])
def test_unsafe_package_names(tmp_path: Path, name: str) -> None:
    expect_error("package.name", Package.from_directory, tree(tmp_path), name=name)


def test_unsafe_directory_name_used_as_package_name(tmp_path: Path) -> None:
    source = tree(tmp_path, name="my site")
    expect_error("package.name", Package.from_directory, source)
    assert Package.from_directory(source, name="my-site").filename == "my-site.zip"


def test_exclude_given_as_one_string(tmp_path: Path) -> None:
    error = expect_error("package.exclude", Package.from_directory, tree(tmp_path), exclude="*.log")
    assert "single string" in str(error)


def test_exclude_with_an_empty_pattern(tmp_path: Path) -> None:
    expect_error(
        "package.exclude[1]", Package.from_directory, tree(tmp_path), exclude=["*.log", ""]
    )


def test_from_file_errors(tmp_path: Path) -> None:
    expect_error("package.path", Package.from_file, tmp_path / "missing.sh")
    expect_error("package.path", Package.from_file, tmp_path)
    bad = tmp_path / "my script.sh"
    bad.write_text("echo")
    expect_error("package.path", Package.from_file, bad)


def test_from_zip_errors(tmp_path: Path) -> None:
    not_zip = tmp_path / "fake.zip"
    not_zip.write_text("plain text")
    error = expect_error("package.path", Package.from_zip, not_zip)
    assert "not a readable zip" in str(error)
    text = tmp_path / "archive.tar"
    text.write_text("x")
    expect_error("package.path", Package.from_zip, text)


def test_dsc_package_holds_its_zip_and_is_made_only_by_from_directory() -> None:
    dsc = DscPackage.from_directory(DSC_SAMPLE, script="WebServer.ps1", function="WebServer")
    assert not isinstance(dsc, Package)
    assert as_package(dsc) is dsc.package
    file = dsc.package
    assert (dsc.name, dsc.filename, dsc.path, dsc.sha256, dsc.md5_base64) == (
        file.name,
        file.filename,
        file.path,
        file.sha256,
        file.md5_base64,
    )
    assert (dsc.size, dsc.uncompressed_size, dsc.content_type) == (
        file.size,
        file.uncompressed_size,
        file.content_type,
    )
    with pytest.raises(TypeError, match=r"DscPackage\.from_directory"):
        DscPackage(package=file, script="WebServer.ps1", function="Other")
    with pytest.raises(TypeError, match=r"DscPackage\.from_directory"):
        dataclasses.replace(dsc, function="Other")


def test_as_package_is_the_file_to_upload(tmp_path: Path) -> None:
    package = Package.from_content("a.txt", "a")
    assert as_package(package) is package
    with pytest.raises(ConfigurationError, match=r"expected a Package, got 'a\.txt'"):
        as_package("a.txt")  # type: ignore[arg-type]
