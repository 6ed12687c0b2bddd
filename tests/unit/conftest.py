"""The unit tier is pure and fast: no mock engine, no deployment, no resource, no external tool.

Every test here runs with the mock engine and resource registration made to fail loudly, so
a test that needs them belongs in tests/components/, and a pure function that starts to
register something (a resolve step, an args class) fails its unit tests. "Registers nothing"
holds for every test of this tier without being asserted one by one. Pure tests that run a
real tool (cloud-init, unzip, bash, a fresh interpreter) or real sizes belong in
tests/integration/, which keeps this tier under ten seconds.
"""

from __future__ import annotations

import pytest
from helpers.pure import forbid_engine


@pytest.fixture(autouse=True)
def no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine fails loudly here (helpers.pure)."""
    forbid_engine(monkeypatch, "tests/unit/")
