"""ArtifactStore arguments refused before the store exists.

Each case fails while its arguments are built, so the store never starts: in this tier any
registration fails the test (tests/unit/conftest.py), which is how "registers nothing" is
checked here.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import NOW, policy_at, store_args

from vmss_components import ArtifactStore, ConfigurationError


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"resource_group_name": ""}, "resource_group_name"),
        ({"resource_group_name": 42}, "resource_group_name"),
        ({"location": ""}, "location"),
        ({"account_name_prefix": "Artifacts"}, "account_name_prefix"),
        ({"account_name_prefix": "ab"}, "account_name_prefix"),
        ({"account_name_prefix": "a" * 17}, "account_name_prefix"),
        ({"account_name_prefix": "art-facts"}, "account_name_prefix"),
        ({"container_name": "Artifacts"}, "container_name"),
        ({"container_name": "ab"}, "container_name"),
        ({"container_name": "double--dash"}, "container_name"),
        ({"container_name": "-leading"}, "container_name"),
        ({"sku": "Standard_XYZ"}, "sku"),
        ({"sas": "90 days"}, "sas"),
        ({"tags": {"a/b": "x"}}, "tags"),
        ({"tags": ["env"]}, "tags"),
        ({"tags": {"env": 3}}, "tags.env"),
    ],
)
def test_bad_store_args(overrides: dict[str, object], path: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        ArtifactStore("store", store_args(**overrides))
    assert caught.value.path == path


def test_expired_fixed_expiry_registers_nothing() -> None:
    with pytest.raises(ConfigurationError) as caught:
        ArtifactStore("store", store_args(sas=policy_at(NOW, expiry=NOW - timedelta(days=1))))
    assert caught.value.path == "sas.expiry"
