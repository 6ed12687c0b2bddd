"""The unit tier stays pure: reaching for the mock engine or registering a resource fails."""

from __future__ import annotations

import pulumi
import pytest
from helpers import store_args

from vmss_components import ArtifactStore
from vmss_components.testing import AzureMocks, MockDeployment

PURE = "this tier is pure"


def test_the_mock_engine_cannot_be_installed() -> None:
    with pytest.raises(AssertionError, match=PURE):
        pulumi.runtime.set_mocks(AzureMocks())
    with pytest.raises(AssertionError, match=PURE):
        pulumi.runtime.mocks.set_mocks(AzureMocks())


def test_a_deployment_cannot_start_or_run() -> None:
    with pytest.raises(AssertionError, match=PURE), MockDeployment():
        pass  # pragma: no cover
    with pytest.raises(AssertionError, match=PURE):
        MockDeployment().run(lambda: None)


def test_nothing_can_be_registered() -> None:
    with pytest.raises(AssertionError, match=PURE):
        pulumi.ComponentResource("test:index:Thing", "thing")
    # A component with valid arguments gets as far as registering itself, and stops there.
    with pytest.raises(AssertionError, match=PURE):
        ArtifactStore("store", store_args())
