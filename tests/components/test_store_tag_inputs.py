"""ArtifactStoreArgs(tags=...) takes Outputs like ScaleSetArgs(tags=...) (issue 17, point 5):
tags from config or another stack. A plain mapping is checked at construction, an Output (the
whole mapping or one value) when its value is known, with the same ConfigurationError text;
a good Output reaches the storage account unchanged."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from helpers import store_args

from vmss_components import ArtifactStore, ConfigurationError
from vmss_components.testing import MockDeployment

ACCOUNT = "azure-native:storage:StorageAccount"
EXISTING = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/"
    "Microsoft.Storage/storageAccounts/platformartifacts"
)
BAD = {"cost/centre": "42"}


@pytest.fixture(autouse=True)
def _finalizers_run_here() -> Iterator[None]:
    yield
    gc.collect()


def _refused_when_known(program: Any) -> ConfigurationError:
    with MockDeployment(speedups=True) as deployment, pytest.raises(ValueError) as raised:
        deployment.run(program)
    error: BaseException | None = raised.value
    while error is not None and not isinstance(error, ConfigurationError):
        error = error.__cause__ or error.__context__
    assert isinstance(error, ConfigurationError), raised.value
    return error


def test_plain_bad_tags_are_refused_at_construction() -> None:
    with pytest.raises(ConfigurationError) as caught:
        store_args(tags=BAD)
    assert caught.value.path == "tags"


@pytest.mark.parametrize("form", ["whole", "value"])
def test_good_output_tags_reach_the_account(form: str, mocked: MockDeployment) -> None:
    def program() -> None:
        tags: Any = (
            pulumi.Output.from_input({"team": "shop"})
            if form == "whole"
            else {"team": pulumi.Output.from_input("shop")}
        )
        ArtifactStore("store", store_args(tags=tags))

    mocked.run(program)
    assert mocked.resource(ACCOUNT).get("tags") == {"team": "shop"}


@pytest.mark.parametrize("form", ["whole", "value"])
def test_bad_output_tags_are_refused_when_known_with_the_same_text(form: str) -> None:
    with pytest.raises(ConfigurationError) as plain:
        store_args(tags=BAD)

    def program() -> None:
        tags: Any = (
            pulumi.Output.from_input(BAD)
            if form == "whole"
            else {"cost/centre": pulumi.Output.from_input("42")}
        )
        ArtifactStore("store", store_args(tags=tags))

    refused = _refused_when_known(program)
    assert (refused.path, str(refused)) == ("tags", str(plain.value))
    assert "Output object" not in str(refused)


def test_output_tags_on_an_existing_account_are_refused_as_unused() -> None:
    with pytest.raises(ConfigurationError) as caught:
        store_args(
            resource_group_name=None,
            existing_account_id=EXISTING,
            tags=pulumi.Output.from_input({"team": "shop"}),
        )
    assert caught.value.path == "tags"
