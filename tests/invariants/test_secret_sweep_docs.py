"""docs/reliability.md quotes the canary sweep's own figures (issue 14): counted, not typed."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_secret_canary_sweep as sweep
from helpers import REPO, Kit, Packages, build_packages

from vmss_components.testing import MockDeployment

DOC = (REPO / "docs" / "reliability.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    return build_packages(tmp_path_factory.mktemp("sweep-doc-packages"))


def _canaries_per_form(packages: Packages, tmp: Path) -> int:
    return sum(_canaries_of(name, packages, tmp) for name in sweep.CASES)


def _canaries_of(name: str, packages: Packages, tmp: Path) -> int:
    canaries = sweep.Canaries(f"count-{name}")
    kit = Kit(tmp / name, packages)
    with MockDeployment(speedups=True) as deployment:
        deployment.run(lambda: sweep.CASES[name](kit, canaries, "plain"))
    return len(canaries.given)


def test_the_sweep_figures_are_quoted(packages: Packages, tmp_path: Path) -> None:
    deployments = len(sweep.CASES) * len(sweep.KINDS) * 2
    row = (
        f"**{len(sweep.CASES)}** component programs x **{len(sweep.KINDS)}** forms "
        "(plain, secret Output, plain Output; nested in mappings and lists) x **2** modes = "
        f"**{deployments}** deployments, **{_canaries_per_form(packages, tmp_path)}** canaries "
        f"per form in every secret-bearing argument; **{len(sweep.WRONG)}** wrong inputs "
        f"carrying a canary (**{len(sweep.URL_FORMS)}** URL credential forms)"
    )
    assert row in DOC
    assert f"**{len(sweep.WRONG)}** wrong inputs carry a canary" in DOC
    assert len(sweep.WRONG) >= 50
