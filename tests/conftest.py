"""Fixtures every tier shares: an isolated package cache, the recording Azure mock engine and
the committed stacks planned once. A tier's own fixtures live in its folder's conftest.py; plain
helpers in the ``helpers`` package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO, STACKS

from vmss_components.testing import MockDeployment
from vmss_plan import PlanRun, load_project, run_plan
from vmss_plan.fingerprints import KEY_VARIABLE

# One fingerprint key for the whole run: plans made in different package caches (the
# session's and a test's) stay comparable. tests/plan/test_plan_secret_fingerprints.py
# covers the key kept in the cache folder.
os.environ.setdefault(KEY_VARIABLE, "test-suite-fingerprint-key")


@pytest.fixture(autouse=True)
def package_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test builds packages into a cache of its own."""
    cache = tmp_path_factory.mktemp("package-cache")
    monkeypatch.setenv("VMSS_COMPONENTS_CACHE_DIR", str(cache))
    return cache


@pytest.fixture
def mocked() -> Iterator[MockDeployment]:
    """A deployment (``pulumi up``) against the Azure mocks, recorded."""
    with MockDeployment(preview=False, speedups=True) as deployment:
        yield deployment


@pytest.fixture
def previewed() -> Iterator[MockDeployment]:
    """A preview (``pulumi preview`` of a new stack): Azure-computed values are unknown."""
    with MockDeployment(preview=True, speedups=True) as deployment:
        yield deployment


@pytest.fixture(params=["update", "preview"])
def deployment(request: pytest.FixtureRequest) -> Iterator[MockDeployment]:
    """The same test in both modes."""
    with MockDeployment(preview=request.param == "preview", speedups=True) as recorded:
        yield recorded


@pytest.fixture(scope="session")
def stack_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PlanRun]:
    """Each committed stack planned once per session (per worker), for every module that
    only reads the result; packages are built into a cache of their own."""
    cache = tmp_path_factory.mktemp("stack-package-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VMSS_COMPONENTS_CACHE_DIR", str(cache))
        project = load_project(REPO)
        return {stack: run_plan(project, stack) for stack in STACKS}
