"""The library installs as users install it: a wheel and an editable checkout both give
``import vmss_components``; the wheel holds the two packages and their ``py.typed``, and
nothing else."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from helpers import REPO

PACKAGES = ("vmss_components", "vmss_plan")


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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--quiet", "--wheel-dir", out, REPO,
    )  # fmt: skip
    (built,) = out.glob("vmss_components-*.whl")
    return built


def _imported_from(environment: Path, install: list[str | Path]) -> Path:
    """Install into a new virtual environment (without dependencies: the import needs the
    test session's, found after the environment's own packages) and say where
    ``vmss_components`` is imported from."""
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet",
         *install)  # fmt: skip
    here = [p for p in sys.path if p.endswith("site-packages")]
    code = (
        "import sys; sys.path.extend(sys.argv[1:]); import vmss_components, vmss_plan; "
        "print(vmss_components.__file__); print(vmss_plan.__file__)"
    )
    first, second = _run(python, "-c", code, *here, cwd=environment).split()
    assert Path(second).parent.name == "vmss_plan"
    return Path(first).resolve()


def test_the_wheel_holds_the_two_packages_and_nothing_else(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    top = {name.split("/", 1)[0] for name in names}
    (info,) = [t for t in top if t.endswith(".dist-info")]
    assert top == {*PACKAGES, info}
    for package in PACKAGES:
        assert f"{package}/py.typed" in names
        assert f"{package}/__init__.py" in names
    assert "vmss_components/testing/__init__.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_a_wheel_install_imports_the_library(wheel: Path, tmp_path: Path) -> None:
    location = _imported_from(tmp_path / "env", [wheel])
    assert (tmp_path / "env").resolve() in location.parents


def test_an_editable_install_imports_the_checkout(tmp_path: Path) -> None:
    # What ``pip install -e .`` asks the build backend for (PEP 660), built here with the
    # session's hatchling so the new environment needs no network.
    out = tmp_path / "editable"
    out.mkdir()
    _run(
        sys.executable, "-c", "import sys, hatchling.build as b; b.build_editable(sys.argv[1])", out
    )
    (editable,) = out.glob("vmss_components-*.whl")
    location = _imported_from(tmp_path / "env", [editable])
    assert location == (REPO / "components" / "vmss_components" / "__init__.py").resolve()
