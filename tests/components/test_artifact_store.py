"""ArtifactStore under the recording mocks: account, container, blobs, SAS, role grants."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pulumi
import pytest
from helpers import NOW, policy_at, store_args, write_tree

from vmss_components import ArtifactStore, ConfigurationError, Package, PublishedArtifact
from vmss_components.testing import UNKNOWN, MockDeployment, Secret

SAS_TOKEN = "azure-native:storage:listStorageAccountServiceSAS"


@pytest.fixture
def package(tmp_path: Path) -> Package:
    return Package.from_directory(
        write_tree(tmp_path / "site", {"index.html": "<h1>hello</h1>", "app/main.py": "print()"})
    )


def test_account_is_hardened_storage_v2(mocked: MockDeployment) -> None:
    mocked.run(lambda: ArtifactStore("store", store_args(tags={"env": "dev"})))
    account = mocked.resource("azure-native:storage:StorageAccount")
    assert account.name == "store-account"
    assert account.get("kind") == "StorageV2"
    assert account.get("sku") == {"name": "Standard_LRS"}
    assert account.get("enableHttpsTrafficOnly") is True
    assert account.get("minimumTlsVersion") == "TLS1_2"
    assert account.get("allowBlobPublicAccess") is False
    assert account.get("allowSharedKeyAccess") is True
    assert account.get("resourceGroupName") == "rg-app"
    assert account.get("tags") == {"env": "dev"}
    name = account.get("accountName")
    assert name.startswith("artifacts") and len(name) == len("artifacts") + 8
    assert name.isalnum() and name == name.lower() and 3 <= len(name) <= 24


def test_account_name_suffix_comes_from_pulumi_random(mocked: MockDeployment) -> None:
    mocked.run(lambda: ArtifactStore("store", store_args(account_name_prefix="webart")))
    suffix = mocked.resource("random:index/randomString:RandomString")
    assert suffix.name == "store-suffix"
    assert suffix.get("length") == 8
    assert (
        suffix.get("upper"),
        suffix.get("special"),
        suffix.get("lower"),
        suffix.get("numeric"),
    ) == (
        False,
        False,
        True,
        True,
    )
    result = suffix.outputs["result"]
    assert (
        mocked.resource("azure-native:storage:StorageAccount").get("accountName")
        == f"webart{result}"
    )


def test_container_is_private(mocked: MockDeployment) -> None:
    store = mocked.run(lambda: ArtifactStore("store", store_args(container_name="dsc-packages")))
    container = mocked.resource("azure-native:storage:BlobContainer")
    assert container.get("publicAccess") == "None"
    assert container.get("containerName") == "dsc-packages"
    account = mocked.resource("azure-native:storage:StorageAccount")
    assert container.get("accountName") == account.get("accountName")
    assert container.parent == mocked.resource("vmss:index:ArtifactStore").urn
    assert mocked.resolve(store.container_id).value.endswith(
        f"/storageAccounts/{account.get('accountName')}/blobServices/default/containers/dsc-packages"
    )


def test_children_are_parented_to_the_store(mocked: MockDeployment, package: Package) -> None:
    def program() -> None:
        store = ArtifactStore("store", store_args())
        store.publish("web", package)

    mocked.run(program)
    component = mocked.resource("vmss:index:ArtifactStore", "store")
    children = {r.type for r in mocked.children_of(component.urn)}
    assert children == {
        "random:index/randomString:RandomString",
        "azure-native:storage:StorageAccount",
        "azure-native:storage:BlobContainer",
        "azure-native:storage:Blob",
    }
    assert not mocked.resources_of_type("azure-native:storage:ManagementPolicy")


def test_publish_uploads_to_a_content_addressed_blob(
    mocked: MockDeployment, package: Package
) -> None:
    artifact = mocked.run(lambda: ArtifactStore("store", store_args()).publish("web", package))
    blob = mocked.resource("azure-native:storage:Blob")
    expected_name = f"web/{package.sha256[:16]}/site.zip"
    assert artifact.blob_name == expected_name
    assert blob.name == "store-web"
    assert blob.get("blobName") == expected_name
    assert blob.get("contentMd5") == package.md5_base64
    assert blob.get("contentType") == "application/zip"
    assert blob.get("type") == "Block"
    assert blob.get("source") == {"asset": "file", "path": str(package.path)}
    assert blob.get("metadata") == {"sha256": package.sha256}
    assert blob.retain_on_delete is True
    assert artifact.sha256 == package.sha256
    assert artifact.update_tag == package.sha256[:16]


def test_urls_and_token(mocked: MockDeployment, package: Package) -> None:
    artifact = mocked.run(lambda: ArtifactStore("store", store_args()).publish("web", package))
    account = mocked.resource("azure-native:storage:StorageAccount").get("accountName")
    url = mocked.resolve(artifact.url)
    token = mocked.resolve(artifact.sas_token)
    with_sas = mocked.resolve(artifact.url_with_sas)
    assert url.value == f"https://{account}.blob.core.windows.net/artifacts/{artifact.blob_name}"
    assert not url.secret
    assert "sig=" not in url.value and "?" not in url.value
    assert token.secret and with_sas.secret
    assert token.value.startswith("?")
    assert "sig=" in token.value
    assert with_sas.value == url.value + token.value
    query = parse_qs(token.value[1:])
    assert query["sp"] == ["r"] and query["sr"] == ["b"] and query["spr"] == ["https"]


def test_sas_call_arguments(mocked: MockDeployment, package: Package) -> None:
    policy = policy_at(NOW)

    def program() -> PublishedArtifact:
        artifact = ArtifactStore("store", store_args(sas=policy)).publish("web", package)
        artifact.sas_token  # noqa: B018 - the token is signed on first access (issue 18)
        return artifact

    artifact = mocked.run(program)
    (call,) = mocked.calls_to(SAS_TOKEN)
    account = mocked.resource("azure-native:storage:StorageAccount").get("accountName")
    assert call.args == {
        "accountName": account,
        "resourceGroupName": "rg-app",
        "canonicalizedResource": f"/blob/{account}/artifacts/{artifact.blob_name}",
        "resource": "b",
        "permissions": "r",
        "protocols": "https",
        "sharedAccessExpiryTime": policy.expiry_text(),
    }
    assert artifact.sas_expiry == policy.expiry_text()


def test_same_window_same_token_next_window_new_token(tmp_path: Path, package: Package) -> None:
    def token_at(moment: object) -> str:
        with MockDeployment(speedups=True) as deployment:
            artifact = deployment.run(
                lambda: ArtifactStore("store", store_args(sas=policy_at(moment))).publish(
                    "web", package
                )  # type: ignore[arg-type]
            )
            return str(deployment.resolve(artifact.sas_token).value)

    first = token_at(NOW)
    assert token_at(NOW + timedelta(days=1)) == first
    later = [token_at(NOW + timedelta(days=d)) for d in (90, 91)]
    assert later[0] == later[1] != first


def test_new_content_gets_a_new_blob_name_url_and_tag(
    mocked: MockDeployment, tmp_path: Path
) -> None:
    source = write_tree(tmp_path / "site", {"index.html": "v1"})
    first = Package.from_directory(source)
    (source / "index.html").write_text("v2")
    second = Package.from_directory(source)

    def program() -> tuple[object, object]:
        store = ArtifactStore("store", store_args())
        return store.publish("v1", first), store.publish("v2", second)

    one, two = mocked.run(program)
    assert one.blob_name.split("/")[1] != two.blob_name.split("/")[1]  # type: ignore[attr-defined]
    assert one.update_tag != two.update_tag  # type: ignore[attr-defined]
    assert mocked.resolve(one.url).value != mocked.resolve(two.url).value  # type: ignore[attr-defined]


def test_grant_read_assigns_blob_data_reader_on_the_container(mocked: MockDeployment) -> None:
    def program() -> None:
        store = ArtifactStore("store", store_args())
        store.grant_read("store-reader", "11111111-2222-3333-4444-555555555555")

    mocked.run(program)
    grant = mocked.resource("azure-native:authorization:RoleAssignment")
    container_id = mocked.resource("azure-native:storage:BlobContainer").outputs["id"]
    assert grant.get("scope") == container_id
    assert grant.get("principalId") == "11111111-2222-3333-4444-555555555555"
    assert grant.get("principalType") == "ServicePrincipal"
    assert grant.get("roleDefinitionId") == (
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/"
        "roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
    )
    name = grant.get("roleAssignmentName")
    assert len(name) == 36 and name.count("-") == 4
    with MockDeployment(speedups=True) as again:
        again.run(program)
        assert (
            again.resource("azure-native:authorization:RoleAssignment").get("roleAssignmentName")
            == name
        )


def test_preview_constructs_without_calling_sas_with_unknowns(
    previewed: MockDeployment, package: Package
) -> None:
    artifact = previewed.run(lambda: ArtifactStore("store", store_args()).publish("web", package))
    assert previewed.calls_to(SAS_TOKEN) == []
    account = previewed.resource("azure-native:storage:StorageAccount")
    assert account.inputs["accountName"] is UNKNOWN
    token = previewed.resolve(artifact.sas_token)
    assert not token.known and token.secret
    assert previewed.resolve(artifact.url).known is False
    assert previewed.resource("azure-native:storage:Blob").get("blobName") == artifact.blob_name


def test_secret_token_stays_secret_downstream(mocked: MockDeployment, package: Package) -> None:
    def program() -> None:
        artifact = ArtifactStore("store", store_args()).publish("web", package)
        pulumi.CustomResource(
            "test:index:Consumer", "consumer", {"settings": {"token": artifact.sas_token}}
        )

    mocked.run(program)
    consumer = mocked.resource("test:index:Consumer")
    assert isinstance(consumer.inputs["settings"], Secret)


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "Web", "web site", "web/1", "-web", "x" * 64])
def test_bad_publish_key(mocked: MockDeployment, package: Package, key: str) -> None:
    def program() -> None:
        ArtifactStore("store", store_args()).publish(key, package)

    with pytest.raises(ConfigurationError) as caught:
        mocked.run(program)
    assert caught.value.path == "key"
    assert mocked.resources_of_type("azure-native:storage:Blob") == []


def test_publishing_a_key_twice(mocked: MockDeployment, package: Package) -> None:
    def program() -> None:
        store = ArtifactStore("store", store_args())
        store.publish("web", package)
        store.publish("web", package)

    with pytest.raises(ConfigurationError, match="already published") as caught:
        mocked.run(program)
    assert caught.value.path == "key"
    assert len(mocked.resources_of_type("azure-native:storage:Blob")) == 1


def test_publishing_something_that_is_not_a_package(mocked: MockDeployment, tmp_path: Path) -> None:
    def program() -> None:
        ArtifactStore("store", store_args()).publish("web", tmp_path)  # type: ignore[arg-type]

    with pytest.raises(ConfigurationError) as caught:
        mocked.run(program)
    assert caught.value.path == "package"
