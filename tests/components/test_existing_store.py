"""ArtifactStore into an existing account and container (issue 18, point 1): no account or
container is created, every upload, token and grant goes to the existing ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import LINUX_SCRIPT, NOW, WORKER, linux_args, policy_at, write_tree

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    ConfigurationError,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    Package,
    PublishedArtifact,
)
from vmss_components.testing import MockDeployment, reveal

SUBSCRIPTION = "11111111-2222-3333-4444-555555555555"
ACCOUNT_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-shared/providers/"
    "Microsoft.Storage/storageAccounts/platformartifacts"
)
MOCK_ACCOUNT_PREFIX = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/"
    "Microsoft.Storage/storageAccounts/platformartifacts"
)


def existing(**overrides: object) -> ArtifactStoreArgs:
    values: dict[str, object] = {
        "existing_account_id": ACCOUNT_ID,
        "container_name": "deploy",
        "sas": policy_at(NOW),
    }
    values.update(overrides)
    return ArtifactStoreArgs(**values)  # type: ignore[arg-type]


@pytest.fixture
def package(tmp_path: Path) -> Package:
    return Package.from_directory(write_tree(tmp_path / "site", {"index.html": "<h1>hi</h1>"}))


def test_nothing_is_created_and_the_existing_ones_are_looked_up(mocked: MockDeployment) -> None:
    store = mocked.run(lambda: ArtifactStore("store", existing()))
    types = {r.type for r in mocked.resources}
    assert types == {"vmss:index:ArtifactStore"}
    assert store.account is None and store.container is None
    (account,) = mocked.calls_to("azure-native:storage:getStorageAccount")
    assert account.args == {"accountName": "platformartifacts", "resourceGroupName": "rg-shared"}
    (container,) = mocked.calls_to("azure-native:storage:getBlobContainer")
    assert container.args == {
        "accountName": "platformartifacts",
        "containerName": "deploy",
        "resourceGroupName": "rg-shared",
    }
    assert mocked.resolve(store.account_name).value == "platformartifacts"
    assert mocked.resolve(store.container_name).value == "deploy"
    assert mocked.resolve(store.container_id).value == (
        f"{MOCK_ACCOUNT_PREFIX}/blobServices/default/containers/deploy"
    )
    assert (
        mocked.resolve(store.blob_endpoint).value
        == "https://platformartifacts.blob.core.windows.net/"
    )


def test_publish_uploads_into_the_existing_container(
    mocked: MockDeployment, package: Package
) -> None:
    def program() -> PublishedArtifact:
        artifact = ArtifactStore("store", existing()).publish("web", package)
        artifact.sas_token  # noqa: B018 - signed on first access (lazy SAS)
        return artifact

    artifact = mocked.run(program)
    blob = mocked.resource("azure-native:storage:Blob")
    assert blob.get("accountName") == "platformartifacts"
    assert blob.get("containerName") == "deploy"
    assert blob.get("resourceGroupName") == "rg-shared"
    assert blob.get("blobName") == f"web/{package.sha256[:16]}/site.zip"
    assert blob.retain_on_delete is True
    (sas,) = mocked.calls_to("azure-native:storage:listStorageAccountServiceSAS")
    assert sas.args["accountName"] == "platformartifacts"
    assert sas.args["resourceGroupName"] == "rg-shared"
    assert sas.args["canonicalizedResource"] == (
        f"/blob/platformartifacts/deploy/{artifact.blob_name}"
    )
    assert mocked.resolve(artifact.url).value == (
        f"https://platformartifacts.blob.core.windows.net/deploy/{artifact.blob_name}"
    )


def test_grant_read_scopes_the_existing_container(mocked: MockDeployment) -> None:
    def program() -> None:
        ArtifactStore("store", existing()).grant_read("reader", SUBSCRIPTION)

    mocked.run(program)
    grant = mocked.resource("azure-native:authorization:RoleAssignment")
    assert grant.get("scope") == f"{MOCK_ACCOUNT_PREFIX}/blobServices/default/containers/deploy"


def test_a_consumer_downloads_from_the_existing_account(mocked: MockDeployment) -> None:
    def program() -> CustomScriptScaleSet:
        store = ArtifactStore("store", existing())
        return CustomScriptScaleSet(
            "workers",
            CustomScriptScaleSetArgs(
                os="linux",
                scale_set=linux_args(),
                store=store,
                files=[LINUX_SCRIPT, WORKER],
                command="bash install-worker.sh",
            ),
        )

    mocked.run(program)
    vmss = mocked.resource("azure-native:compute:VirtualMachineScaleSet")
    (extension,) = [
        e
        for e in vmss.get("virtualMachineProfile.extensionProfile.extensions")
        if e["type"] == "CustomScript"
    ]
    # Downloaded by SAS: the URLs carry tokens, so they sit in the protected settings.
    uris = reveal(extension["protectedSettings"])["fileUris"]
    assert uris and all(
        u.startswith("https://platformartifacts.blob.core.windows.net/deploy/") for u in uris
    )
    assert not [r for r in mocked.resources if r.type == "azure-native:storage:StorageAccount"]


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"existing_account_id": "/subscriptions/x/storageAccounts/a"}, "existing_account_id"),
        (
            {"existing_account_id": ACCOUNT_ID.replace("platformartifacts", "Platform")},
            "existing_account_id",
        ),
        ({"existing_account_id": 42}, "existing_account_id"),
        ({"resource_group_name": "rg-other"}, "resource_group_name"),
        ({"location": "westeurope"}, "location"),
        ({"sku": "Standard_ZRS"}, "sku"),
        ({"account_name_prefix": "mine"}, "account_name_prefix"),
        ({"tags": {"env": "dev"}}, "tags"),
    ],
)
def test_bad_existing_account_arguments(overrides: dict[str, object], path: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        existing(**overrides)
    assert caught.value.path == path


def test_the_group_may_be_repeated_and_a_new_account_needs_one() -> None:
    assert existing(resource_group_name="RG-Shared").existing
    with pytest.raises(ConfigurationError) as caught:
        ArtifactStoreArgs(sas=policy_at(NOW))
    assert caught.value.path == "resource_group_name"
