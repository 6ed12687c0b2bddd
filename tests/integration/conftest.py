"""The integration tier: pure code against real tools and at real sizes.

Debian's cloud-init, unzip, bash and fresh interpreters run here, with multi-megabyte and
zip64 packages and the readers' fuzz samples. Like tests/unit it is pure: the mock engine and
resource registration fail loudly (helpers.pure).
"""

from __future__ import annotations

import pytest
from helpers.pure import forbid_engine


@pytest.fixture(autouse=True)
def no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine fails loudly here (helpers.pure)."""
    forbid_engine(monkeypatch, "tests/integration/")
