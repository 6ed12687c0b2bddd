"""Release hygiene: the sdist holds the library and what describes it, nothing else; a wheel
built from it holds the two packages; the README's install line names a tag that is this
version's, and (where the tag exists) installs from it."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
from helpers import REPO

VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
TAG = f"v{VERSION}"
#: What the sdist may hold: the library, README, LICENSE, CHANGELOG and pyproject (PKG-INFO
#: is generated; hatchling always adds the VCS ignore file, which cannot be kept out).
TOP = {"components", "README.md", "LICENSE", "CHANGELOG.md", "pyproject.toml", "PKG-INFO"}
ALWAYS_ADDED = {".gitignore"}
PACKAGES = {"vmss_components", "vmss_plan"}


def _run(*command: str | Path, cwd: Path = REPO) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def _build(hook: str, source: Path, out: Path) -> Path:
    """Call the build backend's PEP 517 hook in ``source`` (offline, no isolation)."""
    code = f"import sys; from hatchling.build import {hook}; print({hook}(sys.argv[1]))"
    name = _run(sys.executable, "-c", code, out, cwd=source).strip().splitlines()[-1]
    return out / name


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build("build_sdist", REPO, tmp_path_factory.mktemp("sdist"))


def _members(sdist: Path) -> list[str]:
    with tarfile.open(sdist) as archive:
        names = [m.name for m in archive.getmembers() if m.isfile()]
    root = f"vmss_components-{VERSION}/"
    assert all(name.startswith(root) for name in names), names[:5]
    return [name[len(root) :] for name in names]


def test_the_sdist_holds_the_library_readme_license_changelog_and_pyproject(sdist: Path) -> None:
    members = _members(sdist)
    top = {name.split("/", 1)[0] for name in members}
    assert top - ALWAYS_ADDED == TOP
    packages = {name.split("/")[1] for name in members if name.startswith("components/")}
    assert packages == PACKAGES
    for package in PACKAGES:
        assert f"components/{package}/__init__.py" in members
        assert f"components/{package}/py.typed" in members
    assert not [n for n in members if "__pycache__" in n or n.endswith(".pyc")]


def test_a_wheel_built_from_the_sdist_holds_the_two_packages(sdist: Path, tmp_path: Path) -> None:
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    wheel = _build("build_wheel", tmp_path / f"vmss_components-{VERSION}", tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        top = {name.split("/", 1)[0] for name in archive.namelist()}
    assert {t for t in top if not t.endswith(".dist-info")} == PACKAGES


def _readme_tags() -> list[str]:
    readme = (REPO / "README.md").read_text()
    return re.findall(r"git\+[^\s\"@]+@([\w.\-]+)", readme)


def test_the_readme_install_line_is_pinned_to_this_versions_tag() -> None:
    tags = _readme_tags()
    assert tags, "the README shows a VCS install pinned to a tag"
    assert set(tags) == {TAG}
    assert f"## [{VERSION}]" in (REPO / "CHANGELOG.md").read_text(), (
        "the tagged version is a release of the CHANGELOG"
    )


def _tag_exists() -> bool:
    result = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", "--quiet", f"refs/tags/{TAG}"],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


@pytest.mark.skipif(not _tag_exists(), reason=f"the release tag {TAG} is not in this clone")
def test_the_readme_install_line_installs_from_the_tag(tmp_path: Path) -> None:
    """The README's line with this repository as the URL: pip clones the tag and builds it."""
    environment = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    requirement = f"vmss-components @ git+file://{REPO}@{TAG}"
    # pip clones the tag and builds it here (the backend is in this environment, offline),
    # then installs the result into the new environment.
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--wheel-dir", wheels, requirement)  # fmt: skip
    (wheel,) = wheels.glob(f"vmss_components-{VERSION}-*.whl")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet",
         wheel)  # fmt: skip
    here = [p for p in sys.path if p.endswith("site-packages")]
    code = (
        "import sys; sys.path.extend(sys.argv[1:]); import vmss_components; "
        "print(vmss_components.__file__)"
    )
    location = Path(_run(python, "-c", code, *here, cwd=tmp_path).strip())
    assert environment.resolve() in location.resolve().parents
