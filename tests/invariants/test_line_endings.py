"""Issue 15, point 12: a checkout that converts line endings (``core.autocrlf=true``, Git for
Windows' default) gives the same artifact bytes and so the same package digests, blob names
and update tags. .gitattributes marks the artifact trees ``-text``.

The test clones the committed repository twice, with and without the conversion, and
compares every artifact file and the digest of every package the trees make.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import REPO

from vmss_components import Package

#: The trees whose files are published (or packaged) byte for byte.
ARTIFACT_TREES = (
    "stacks/artifacts",
    "examples",
    "tests/unit/fixtures",
    "tests/invariants/user_project/infra/files",
)

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (REPO / ".git").exists(),
    reason="needs git and the repository's history (a source checkout)",
)


def clone(target: Path, autocrlf: str) -> Path:
    setting = f"core.autocrlf={autocrlf}"
    subprocess.run(
        [
            "git",
            "-c",
            setting,
            "clone",
            "-q",
            "--no-hardlinks",
            "-c",
            setting,
            str(REPO),
            str(target),
        ],
        check=True,
        capture_output=True,
    )
    return target


@pytest.fixture(scope="module")
def clones(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("checkouts")
    return clone(root / "lf", "false"), clone(root / "crlf", "true")


def files_under(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for tree in ARTIFACT_TREES
        for path in sorted((root / tree).rglob("*"))
        if path.is_file()
    }


def test_the_conversion_happens_outside_the_artifact_trees(clones: tuple[Path, Path]) -> None:
    # Without this the test could not fail: the CRLF clone must really convert text files.
    lf, crlf = clones
    assert b"\r\n" not in (lf / "README.md").read_bytes()
    assert b"\r\n" in (crlf / "README.md").read_bytes()


def test_artifact_files_are_byte_exact_in_a_crlf_checkout(clones: tuple[Path, Path]) -> None:
    lf, crlf = clones
    expected = files_under(lf)
    assert len(expected) > 40
    changed = [name for name, data in files_under(crlf).items() if data != expected.get(name)]
    assert not changed, f"converted in a CRLF checkout: {changed}"


def test_package_digests_are_the_same_in_a_crlf_checkout(
    clones: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VMSS_COMPONENTS_CACHE_DIR", str(tmp_path / "cache"))

    def digests(root: Path) -> dict[str, str]:
        artifacts = root / "stacks" / "artifacts"
        found = {
            folder.relative_to(artifacts).as_posix(): Package.from_directory(folder).sha256
            for folder in sorted(artifacts.rglob("*"))
            if folder.is_dir()
        }
        found.update(
            {
                path.relative_to(artifacts).as_posix(): Package.from_file(path).sha256
                for path in sorted(artifacts.rglob("*"))
                if path.is_file()
            }
        )
        return found

    lf, crlf = clones
    expected = digests(lf)
    assert "dsc/web" in expected and "custom-script/install-worker.sh" in expected
    assert digests(crlf) == expected
