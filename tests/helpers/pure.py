"""The pure tiers' guard (tests/unit, tests/integration): the mock engine, the kit's deployments
and resource registration fail loudly, so "registers nothing" holds for every test there."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from vmss_components.testing import MockDeployment


class EngineUsedError(AssertionError):
    """A pure-tier test reached for the Pulumi engine or registered a resource."""


def _refuse(what: str, tier: str) -> Any:
    def refuse(*_: object, **__: object) -> Any:
        raise EngineUsedError(
            f"{what} in {tier}: this tier is pure (no mock engine, no resources); "
            "move the test to tests/components/"
        )

    return refuse


def forbid_engine(monkeypatch: pytest.MonkeyPatch, tier: str) -> None:
    """Make the mock engine, the kit's deployments and resource registration fail loudly."""
    monkeypatch.setattr(pulumi.runtime, "set_mocks", _refuse("pulumi.runtime.set_mocks", tier))
    monkeypatch.setattr(
        pulumi.runtime.mocks, "set_mocks", _refuse("pulumi.runtime.set_mocks", tier)
    )
    monkeypatch.setattr(MockDeployment, "__enter__", _refuse("MockDeployment", tier))
    monkeypatch.setattr(MockDeployment, "run", _refuse("MockDeployment.run", tier))
    monkeypatch.setattr(pulumi.Resource, "__init__", _refuse("registering a resource", tier))
