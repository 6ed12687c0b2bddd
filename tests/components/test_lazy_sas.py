"""No SAS is minted for an artifact no consumer fetches by SAS (issue 18, point 2), and a
store without shared keys (point 3): the account Azure receives and the refusals."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import (
    DSC_SAMPLE_ARGUMENTS,
    artifact_store,
    custom_script_values,
    dsc_package,
    windows_args,
)

from vmss_components import (
    ConfigurationError,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    DscScaleSet,
    DscScaleSetArgs,
)
from vmss_components.testing import MockDeployment

SAS = "azure-native:storage:listStorageAccountServiceSAS"
ACCOUNT = "azure-native:storage:StorageAccount"
DYNAMIC = "pulumi-python:dynamic:Resource"


def cse(store: Any, download: str) -> CustomScriptScaleSet:
    values = {**custom_script_values("linux"), "store": store, "download": download}
    return CustomScriptScaleSet("app", CustomScriptScaleSetArgs(**values))


def dsc(store: Any) -> DscScaleSet:
    return DscScaleSet(
        "web",
        DscScaleSetArgs(
            scale_set=windows_args(), store=store, package=dsc_package(), **DSC_SAMPLE_ARGUMENTS
        ),
    )


def signed_blobs(mocked: MockDeployment) -> list[str]:
    return sorted(c.args["canonicalizedResource"].split("/")[4] for c in mocked.calls_to(SAS))


@pytest.mark.parametrize(
    ("download", "expected"),
    [
        ("sas", ["app-cse-install-worker-sh", "app-cse-worker-py"]),
        ("managed_identity", []),
    ],
)
def test_custom_script_signs_only_by_sas(
    mocked: MockDeployment, download: str, expected: list[str]
) -> None:
    component = mocked.run(lambda: cse(artifact_store(), download))
    assert signed_blobs(mocked) == expected
    assert all(a.signed == (download == "sas") for a in component.artifacts.values())


def test_one_store_signs_for_the_dsc_tier_only(mocked: MockDeployment) -> None:
    def program() -> tuple[CustomScriptScaleSet, DscScaleSet]:
        store = artifact_store()
        return cse(store, "managed_identity"), dsc(store)

    app, web = mocked.run(program)
    assert signed_blobs(mocked) == ["web-dsc"]
    assert web.artifact.signed
    assert not any(a.signed for a in app.artifacts.values())


def test_a_token_is_signed_once_however_often_it_is_read(mocked: MockDeployment) -> None:
    def program() -> Any:
        artifact = artifact_store().publish("one", dsc_package())
        first = artifact.sas_token
        assert artifact.url_with_sas is artifact.url_with_sas
        assert artifact.sas_token is first
        return artifact

    mocked.run(program)
    assert len(mocked.calls_to(SAS)) == 1


def test_account_with_shared_key_off(mocked: MockDeployment) -> None:
    mocked.run(lambda: artifact_store(shared_key_access=False))
    account = mocked.resource(ACCOUNT)
    assert account.inputs["allowSharedKeyAccess"] is False
    assert account.inputs["defaultToOAuthAuthentication"] is True


def test_account_with_shared_key_on_is_unchanged(mocked: MockDeployment) -> None:
    mocked.run(lambda: artifact_store())
    account = mocked.resource(ACCOUNT)
    assert account.inputs["allowSharedKeyAccess"] is True
    assert "defaultToOAuthAuthentication" not in account.inputs


def test_dsc_on_a_no_key_store_registers_nothing_of_its_own(mocked: MockDeployment) -> None:
    def program() -> None:
        store = artifact_store(shared_key_access=False)
        with pytest.raises(ConfigurationError) as caught:
            dsc(store)
        assert caught.value.path == "store"

    mocked.run(program)
    assert mocked.resources_of_type("vmss:index:DscScaleSet") == []
    assert mocked.resources_of_type(DYNAMIC) == []
    assert mocked.calls_to(SAS) == []


def test_a_no_key_store_uploads_with_entra_id_and_signs_nothing(mocked: MockDeployment) -> None:
    def program() -> CustomScriptScaleSet:
        return cse(artifact_store(shared_key_access=False), "managed_identity")

    component = mocked.run(program)
    assert mocked.resources_of_type("azure-native:storage:Blob") == []
    uploads = {blob.name: blob for blob in mocked.resources_of_type(DYNAMIC)}
    assert sorted(uploads) == ["store-app-cse-install-worker-sh", "store-app-cse-worker-py"]
    account = mocked.resource(ACCOUNT)
    for artifact in component.artifacts.values():
        upload = uploads[f"store-{artifact.key}"]
        package = artifact.package
        assert upload.parent == mocked.resource("vmss:index:ArtifactStore").urn
        assert {k: v for k, v in upload.inputs.items() if k != "__provider"} == {
            "account_name": account.get("accountName"),
            "container_name": "artifacts",
            "blob_endpoint": f"https://{account.get('accountName')}.blob.core.windows.net/",
            "blob_name": artifact.blob_name,
            "path": str(package.path),  # type: ignore[union-attr]
            "content_md5": package.md5_base64,  # type: ignore[union-attr]
            "content_type": package.content_type,  # type: ignore[union-attr]
            "sha256": artifact.sha256,
        }
        assert upload.retain_on_delete is True
    assert mocked.calls_to(SAS) == []
    # Reading a token from such a store is refused, naming why.
    with pytest.raises(ConfigurationError) as caught:
        next(iter(component.artifacts.values())).sign()
    assert caught.value.path == "store" and "denies a service SAS" in str(caught.value)
