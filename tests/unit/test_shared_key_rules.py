"""A store with shared_key_access=False (issue 18, point 3): every consumer must download by
identity. The refusals come from the resolve steps, given the store's facts, before anything
exists; each names the argument and the way out."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from helpers import (
    CLOUD_INIT_SAMPLE,
    DOWNLOAD_IDENTITY_ID,
    DSC_SAMPLE_ARGUMENTS,
    custom_script_values,
    dsc_package,
    linux_args,
    mc_package,
    scale_set_args,
    store_args,
    store_facts,
)
from helpers.policy import policy_args

from vmss_components import (
    CloudInitScaleSetArgs,
    ConfigurationError,
    CustomScriptScaleSetArgs,
    DscScaleSetArgs,
    ExternalScaleSet,
    GuestAssignmentArgs,
    Package,
)
from vmss_components.cloud_init import resolve_cloud_init
from vmss_components.custom_script import resolve_custom_script
from vmss_components.dsc import resolve_dsc
from vmss_components.guest_assignment import resolve_guest_assignment
from vmss_components.machine_configuration_policy import resolve_machine_configuration_policy
from vmss_components.store import StoreFacts

NO_KEY = replace(store_facts(), shared_key_access=False)
NO_STORE: Any = object()  # the resolve steps read the store's facts only


def test_the_args_default_to_shared_key_on_and_take_only_a_bool() -> None:
    assert store_args().shared_key_access is True
    assert store_args(shared_key_access=False).shared_key_access is False
    with pytest.raises(ConfigurationError) as caught:
        store_args(shared_key_access="false")
    assert caught.value.path == "shared_key_access"


@pytest.mark.rule("store-without-shared-key-downloads-by-identity", path="store", case="violation")
def test_dsc_is_refused_naming_the_alternatives() -> None:
    args = DscScaleSetArgs(
        scale_set=scale_set_args(), store=NO_STORE, package=dsc_package(), **DSC_SAMPLE_ARGUMENTS
    )
    with pytest.raises(ConfigurationError) as caught:
        resolve_dsc("web", args, NO_KEY)
    assert caught.value.path == "store"
    message = str(caught.value)
    assert "configurationUrlSasToken" in message and "no managed-identity setting" in message
    assert "GuestAssignment" in message
    assert "CustomScriptScaleSet(download='managed_identity')" in message
    assert "shared_key_access=True" in message
    # A store with shared keys accepts it.
    resolve_dsc("web", args, store_facts())


@pytest.mark.rule(
    "store-without-shared-key-downloads-by-identity", path="download", case="violation"
)
def test_custom_script_by_sas_is_refused() -> None:
    args = CustomScriptScaleSetArgs(**custom_script_values("linux"), store=NO_STORE)
    with pytest.raises(ConfigurationError) as caught:
        resolve_custom_script("app", args, NO_KEY)
    assert caught.value.path == "download"
    assert "download='managed_identity'" in str(caught.value)


def test_cloud_init_by_sas_is_refused() -> None:
    args = CloudInitScaleSetArgs(
        scale_set=linux_args(),
        cloud_config=CLOUD_INIT_SAMPLE / "web.yaml",
        store=NO_STORE,
        artifacts={"site": Package.from_directory(CLOUD_INIT_SAMPLE / "site")},
    )
    with pytest.raises(ConfigurationError) as caught:
        resolve_cloud_init("web", args, NO_KEY)
    assert caught.value.path == "download"
    assert "download='managed_identity'" in str(caught.value)


@pytest.mark.rule(
    "store-without-shared-key-downloads-by-identity",
    path="content_identity_resource_id",
    case="violation",
)
def test_guest_assignment_without_a_content_identity_is_refused() -> None:
    target = ExternalScaleSet(resource_group_name="rg", vmss_name="web", os="linux")
    args = GuestAssignmentArgs(package=mc_package(), store=NO_STORE, target=target)
    with pytest.raises(ConfigurationError) as caught:
        resolve_guest_assignment("baseline", args, target.facts, NO_KEY)
    assert caught.value.path == "content_identity_resource_id"


def test_machine_configuration_policy_without_a_content_identity_is_refused() -> None:
    args = policy_args(package=mc_package())
    with pytest.raises(ConfigurationError) as caught:
        resolve_machine_configuration_policy("baseline", args, NO_KEY)
    assert caught.value.path == "content_identity_resource_id"


def identity_consumers() -> dict[str, Any]:
    cse = CustomScriptScaleSetArgs(
        **custom_script_values("linux"), store=NO_STORE, download="managed_identity"
    )
    cloud_init = CloudInitScaleSetArgs(
        scale_set=linux_args(),
        cloud_config=CLOUD_INIT_SAMPLE / "web.yaml",
        store=NO_STORE,
        artifacts={"site": Package.from_directory(CLOUD_INIT_SAMPLE / "site")},
        download="managed_identity",
    )
    target = ExternalScaleSet(resource_group_name="rg", vmss_name="web", os="linux")
    guest = GuestAssignmentArgs(
        package=mc_package(),
        store=NO_STORE,
        target=target,
        content_identity_resource_id=DOWNLOAD_IDENTITY_ID,
    )
    policy = policy_args(
        package=mc_package(), os="linux", content_identity_resource_id=DOWNLOAD_IDENTITY_ID
    )
    return {
        "cse": lambda facts: resolve_custom_script("app", cse, facts),
        "cloud_init": lambda facts: resolve_cloud_init("web", cloud_init, facts),
        "guest": lambda facts: resolve_guest_assignment("g", guest, target.facts, facts),
        "policy": lambda facts: resolve_machine_configuration_policy("p", policy, facts),
    }


@pytest.mark.rule("store-without-shared-key-downloads-by-identity", path="download", case="valid")
@pytest.mark.parametrize("consumer", ["cse", "cloud_init", "guest", "policy"])
def test_identity_consumers_resolve_on_a_no_key_store(consumer: str) -> None:
    """By identity nothing needs a SAS: each consumer resolves on a no-key store."""
    identity_consumers()[consumer](NO_KEY)


def test_facts_say_what_a_store_allows() -> None:
    facts = StoreFacts(sas_expiry="2030-01-01T00:00:00Z", shared_key_access=False)
    with pytest.raises(ConfigurationError) as caught:
        facts.check_sas("x", "do y")
    assert caught.value.path == "x" and str(caught.value).endswith("do y")
    StoreFacts(sas_expiry="2030-01-01T00:00:00Z").check_sas("x")
