"""The unit tier is pure: no mock engine, no deployment, no resource.

Every test here runs with the mock engine and resource registration made to fail loudly, so
a test that needs them belongs in tests/components/, and a pure function that starts to
register something (a resolve step, an args class) fails its unit tests. "Registers nothing"
holds for every test of this tier without being asserted one by one.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from vmss_components.testing import MockDeployment


class EngineUsedError(AssertionError):
    """A unit test reached for the Pulumi engine or registered a resource."""


def _refuse(what: str) -> Any:
    def refuse(*_: object, **__: object) -> Any:
        raise EngineUsedError(
            f"{what} in tests/unit/: unit tests are pure (no mock engine, no resources); "
            "move the test to tests/components/"
        )

    return refuse


@pytest.fixture(autouse=True)
def no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the mock engine, the kit's deployments and resource registration fail loudly."""
    monkeypatch.setattr(pulumi.runtime, "set_mocks", _refuse("pulumi.runtime.set_mocks"))
    monkeypatch.setattr(pulumi.runtime.mocks, "set_mocks", _refuse("pulumi.runtime.set_mocks"))
    monkeypatch.setattr(MockDeployment, "__enter__", _refuse("MockDeployment"))
    monkeypatch.setattr(MockDeployment, "run", _refuse("MockDeployment.run"))
    monkeypatch.setattr(pulumi.Resource, "__init__", _refuse("registering a resource"))
