"""DscScaleSet: the seed's DSC extension shape, produced from a local configuration folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pulumi
import pytest
from helpers import (
    DSC_SAMPLE,
    DSC_SAMPLE_ARGUMENTS,
    NOW,
    artifact_store,
    dsc_package,
    policy_at,
    scale_set_args,
)

from vmss_components import (
    ArtifactStore,
    Autoscale,
    ConfigurationError,
    DscPackage,
    DscScaleSet,
    DscScaleSetArgs,
    HealthProbe,
    ImageReference,
    UpgradePolicy,
)
from vmss_components.scaleset import extension_args
from vmss_components.testing import MockDeployment, RecordedResource, reveal

VMSS = "azure-native:compute:VirtualMachineScaleSet"
CREDENTIAL = {"userName": "apppool", "password": "Sup3r-Secret-Pw!"}


def dsc_program(package: DscPackage, **overrides: Any) -> Any:
    def program() -> tuple[ArtifactStore, DscScaleSet]:
        store = artifact_store()
        values: dict[str, Any] = {
            "scale_set": scale_set_args(),
            "store": store,
            "package": package,
            "configuration_arguments": {"SiteTitle": "Contoso"},
            "protected_configuration_arguments": {"AppPoolCredential": CREDENTIAL},
        }
        values.update(overrides)
        return store, DscScaleSet("web", DscScaleSetArgs(**values))

    return program


def extensions_of(vmss: RecordedResource) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in vmss.get("virtualMachineProfile.extensionProfile.extensions")}


def run_dsc(deployment: MockDeployment, package: DscPackage, **overrides: Any) -> DscScaleSet:
    _, dsc = deployment.run(dsc_program(package, **overrides))
    return dsc  # type: ignore[no-any-return]


def test_extension_has_the_seed_shape_field_by_field(mocked: MockDeployment) -> None:
    package = dsc_package()
    dsc = run_dsc(mocked, package)
    vmss = mocked.resource(VMSS)
    assert vmss.parent == mocked.resource("vmss:index:DscScaleSet", "web").urn
    extension = extensions_of(vmss)["Microsoft.Powershell.DSC"]
    url = mocked.resolve(dsc.artifact.url).value
    token = mocked.resolve(dsc.artifact.sas_token).value
    tag = mocked.resolve(dsc.update_tag).value
    assert extension == {
        "name": "Microsoft.Powershell.DSC",
        "publisher": "Microsoft.Powershell",
        "type": "DSC",
        "typeHandlerVersion": "2.77",
        "autoUpgradeMinorVersion": True,
        "forceUpdateTag": tag,
        "settings": {
            "wmfVersion": "latest",
            "configuration": {"url": url, "script": "WebServer.ps1", "function": "WebServer"},
            "configurationArguments": {"SiteTitle": "Contoso"},
            "privacy": {"dataCollection": "Disable"},
        },
        "protectedSettings": {
            "configurationUrlSasToken": token,
            "configurationArguments": {"AppPoolCredential": CREDENTIAL},
        },
    }
    assert token.startswith("?") and "sig=" in token
    assert "sig=" not in url and url.endswith(f"/{package.sha256[:16]}/web.zip")
    blob = mocked.resource("azure-native:storage:Blob")
    assert blob.get("blobName") == f"web-dsc/{package.sha256[:16]}/web.zip"
    assert len(tag) == 16


def test_the_whole_protected_part_is_secret_and_public_settings_carry_no_token(
    mocked: MockDeployment,
) -> None:
    dsc = run_dsc(mocked, dsc_package())
    vmss = mocked.resource(VMSS)
    (extension,) = [e for e in dsc.extensions if e.name == "Microsoft.Powershell.DSC"]
    protected = mocked.resolve(extension_args(extension).protected_settings)
    assert protected.secret
    assert set(protected.value) == {"configurationUrlSasToken", "configurationArguments"}
    settings = mocked.resolve(pulumi.Output.from_input(dict(extension.settings)))
    assert not settings.secret
    token = mocked.resolve(dsc.artifact.sas_token).value
    public_text = repr(settings.value)
    assert token[1:] not in public_text and "Sup3r-Secret" not in public_text
    assert vmss.is_secret("virtualMachineProfile")


def test_configuration_data_is_published_with_its_own_token(mocked: MockDeployment) -> None:
    data = DSC_SAMPLE.parent / "ConfigurationData.psd1"
    dsc = run_dsc(mocked, dsc_package(), configuration_data=data)
    extension = extensions_of(mocked.resource(VMSS))["Microsoft.Powershell.DSC"]
    assert dsc.configuration_data_artifact is not None
    data_url = mocked.resolve(dsc.configuration_data_artifact.url).value
    data_token = mocked.resolve(dsc.configuration_data_artifact.sas_token).value
    assert extension["settings"]["configurationData"] == {"url": data_url}
    assert extension["protectedSettings"]["configurationDataUrlSasToken"] == data_token
    assert data_url.endswith("/ConfigurationData.psd1") and "sig=" not in data_url
    assert data_token != mocked.resolve(dsc.artifact.sas_token).value


def test_the_scale_set_waits_for_its_uploads(mocked: MockDeployment) -> None:
    run_dsc(mocked, dsc_package(), configuration_data=DSC_SAMPLE.parent / "ConfigurationData.psd1")
    blobs = {b.urn for b in mocked.resources_of_type("azure-native:storage:Blob")}
    assert len(blobs) == 2
    assert blobs <= set(mocked.resource(VMSS).dependencies)


def test_configuration_data_as_text(mocked: MockDeployment) -> None:
    text = "@{ AllNodes = @(@{ NodeName = 'localhost' }) }"
    dsc = run_dsc(mocked, dsc_package(), configuration_data=text)
    assert dsc.configuration_data_artifact is not None
    assert dsc.configuration_data_artifact.package.path.read_text() == text


def test_same_folder_twice_gives_the_same_tag_and_settings(tmp_path: Path) -> None:
    def plan_once() -> tuple[str, Any]:
        with MockDeployment(speedups=True) as deployment:
            dsc = run_dsc(deployment, dsc_package())
            extension = extensions_of(deployment.resource(VMSS))["Microsoft.Powershell.DSC"]
            return deployment.resolve(dsc.update_tag).value, extension

    first_tag, first = plan_once()
    copy = tmp_path / "elsewhere" / "web"
    shutil.copytree(DSC_SAMPLE, copy)
    with MockDeployment(speedups=True) as deployment:
        dsc = run_dsc(deployment, dsc_package(source=copy))
        moved = extensions_of(deployment.resource(VMSS))["Microsoft.Powershell.DSC"]
        assert deployment.resolve(dsc.update_tag).value == first_tag
    assert moved == first
    assert plan_once() == (first_tag, first)


def plan_extension(source: Path, **package_args: Any) -> tuple[dict[str, Any], str, str]:
    with MockDeployment(speedups=True) as deployment:
        dsc = run_dsc(deployment, dsc_package(source=source, **package_args))
        extension = extensions_of(deployment.resource(VMSS))["Microsoft.Powershell.DSC"]
        blob = deployment.resource("azure-native:storage:Blob").get("blobName")
        return extension, blob, deployment.resolve(dsc.update_tag).value


def test_one_changed_byte_gives_a_new_blob_url_and_tag(tmp_path: Path) -> None:
    source = tmp_path / "web"
    shutil.copytree(DSC_SAMPLE, source)
    before, blob_before, tag_before = plan_extension(source)
    module = source / "WebSiteContent" / "WebSiteContent.psm1"
    module.write_bytes(module.read_bytes().replace(b"UTF8Encoding($false)", b"UTF8Encoding($true)"))
    after, blob_after, tag_after = plan_extension(source)
    assert blob_after != blob_before
    assert after["settings"]["configuration"]["url"] != before["settings"]["configuration"]["url"]
    assert tag_after != tag_before
    assert after["forceUpdateTag"] == tag_after


def test_an_excluded_file_changing_changes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "web"
    shutil.copytree(DSC_SAMPLE, source)
    (source / "NOTES.md").write_text("draft 1")
    before = plan_extension(source, exclude=["*.md"])
    (source / "NOTES.md").write_text("draft 2, much longer")
    (source / "WebServer.ps1~").write_text("editor backup")
    assert plan_extension(source, exclude=["*.md"]) == before


def test_rerun_changes_only_the_tag(tmp_path: Path) -> None:
    with MockDeployment(speedups=True) as deployment:
        base = run_dsc(deployment, dsc_package())
        base_tag = deployment.resolve(base.update_tag).value
        base_settings = extensions_of(deployment.resource(VMSS))["Microsoft.Powershell.DSC"]
    with MockDeployment(speedups=True) as deployment:
        again = run_dsc(deployment, dsc_package(), rerun=1)
        tag = deployment.resolve(again.update_tag).value
        settings = extensions_of(deployment.resource(VMSS))["Microsoft.Powershell.DSC"]
    assert tag != base_tag
    assert settings["settings"] == base_settings["settings"]


def test_tag_follows_protected_arguments_without_revealing_them() -> None:
    def tag_for(credential: dict[str, str]) -> tuple[str, bool]:
        with MockDeployment(speedups=True) as deployment:
            dsc = run_dsc(
                deployment,
                dsc_package(),
                protected_configuration_arguments={"AppPoolCredential": credential},
            )
            resolved = deployment.resolve(dsc.update_tag)
            return resolved.value, resolved.secret

    first, secret = tag_for(CREDENTIAL)
    assert not secret
    assert tag_for(CREDENTIAL)[0] == first
    assert tag_for({**CREDENTIAL, "password": "Another-Pw-1!"})[0] != first


def test_the_sas_token_is_not_part_of_the_tag() -> None:
    def tag_and_token(days: int) -> tuple[str, str]:
        from datetime import timedelta

        with MockDeployment(speedups=True) as deployment:

            def program() -> DscScaleSet:
                store = artifact_store(sas=policy_at(NOW + timedelta(days=days)))
                return DscScaleSet(
                    "web",
                    DscScaleSetArgs(
                        scale_set=scale_set_args(),
                        store=store,
                        package=dsc_package(),
                        **DSC_SAMPLE_ARGUMENTS,
                    ),
                )

            dsc = deployment.run(program)
            return (
                deployment.resolve(dsc.update_tag).value,
                deployment.resolve(dsc.artifact.sas_token).value,
            )

    tag_now, token_now = tag_and_token(0)
    tag_later, token_later = tag_and_token(120)
    assert token_now != token_later
    assert tag_now == tag_later


def test_retirement_warning_points_to_guest_assignment(mocked: MockDeployment) -> None:
    run_dsc(mocked, dsc_package())
    warnings = [w for w in mocked.warnings if "retires" in w]
    assert len(warnings) == 1
    assert "2028-03-31" in warnings[0] and "GuestAssignment" in warnings[0]


def test_outputs(mocked: MockDeployment) -> None:
    dsc = run_dsc(mocked, dsc_package())
    assert dsc.os == "windows"
    assert mocked.resolve(dsc.vmss_id).value.endswith("/virtualMachineScaleSets/web-vmss")
    assert mocked.resolve(dsc.vmss_name).value == "web-vmss"
    password = mocked.resolve(dsc.admin_password)
    assert password.secret and password.value
    assert dsc.artifact.sha256 == dsc_package().sha256


def test_rolling_with_health_adds_the_health_extension(mocked: MockDeployment) -> None:
    args = scale_set_args(
        upgrade=UpgradePolicy(mode="Rolling"), health=HealthProbe(request_path="/health.html")
    )
    run_dsc(mocked, dsc_package(), scale_set=args)
    extensions = extensions_of(mocked.resource(VMSS))
    assert list(extensions) == ["Microsoft.Powershell.DSC", "ApplicationHealth"]
    assert extensions["ApplicationHealth"]["type"] == "ApplicationHealthWindows"
    assert extensions["ApplicationHealth"]["settings"]["requestPath"] == "/health.html"
    assert mocked.resource(VMSS).get("upgradePolicy.mode") == "Rolling"


def test_manual_warns(mocked: MockDeployment) -> None:
    run_dsc(mocked, dsc_package(), scale_set=scale_set_args(upgrade=UpgradePolicy(mode="Manual")))
    assert any("only new instances" in w for w in mocked.warnings)


def test_autoscale_ignores_capacity(mocked: MockDeployment) -> None:
    run_dsc(
        mocked, dsc_package(), scale_set=scale_set_args(autoscale=Autoscale(minimum=2, maximum=6))
    )
    assert mocked.resource(VMSS).ignore_changes == ["sku.capacity"]
    assert len(mocked.resources_of_type("azure-native:monitor:AutoscaleSetting")) == 1


def test_preview_constructs_with_unknowns(previewed: MockDeployment) -> None:
    dsc = run_dsc(previewed, dsc_package())
    assert previewed.calls_to("azure-native:storage:listStorageAccountServiceSAS") == []
    assert previewed.resolve(dsc.artifact.sas_token).known is False
    assert previewed.resolve(dsc.vmss_id).known is False
    vmss = previewed.resource(VMSS)
    extension = extensions_of(vmss)["Microsoft.Powershell.DSC"]
    assert extension["settings"]["configuration"]["script"] == "WebServer.ps1"


# --- bad input ---------------------------------------------------------------------------


BAD_DSC: list[tuple[dict[str, Any], str]] = [
    (
        {"configuration_arguments": {"AppPoolCredential": "x"}},
        "protected_configuration_arguments.AppPoolCredential",
    ),
    (
        {"configuration_arguments": {"SiteTitle": "x", "apppoolcredential": "y"}},
        "protected_configuration_arguments.AppPoolCredential",
    ),
    (
        {"configuration_arguments": {"AdminPassword": "hunter2"}},
        "configuration_arguments.AdminPassword",
    ),
    (
        {"configuration_arguments": {"Cred": {"userName": "u", "password": "p"}}},
        "configuration_arguments.Cred.password",
    ),
    (
        {
            "configuration_arguments": {
                "Source": "https://a.blob.core.windows.net/c/b?sv=2022&sig=abcdefgh1234"
            }
        },
        "configuration_arguments.Source",
    ),
    (
        {
            "configuration_arguments": {
                "Conn": "DefaultEndpointsProtocol=https;AccountKey=abcdefghijkl=="
            }
        },
        "configuration_arguments.Conn",
    ),
    ({"wmf_version": "6.0"}, "wmf_version"),
    ({"data_collection": "Enabled"}, "data_collection"),
    ({"type_handler_version": "1.0"}, "type_handler_version"),
    ({"extension_name": "has space"}, "extension_name"),
    ({"rerun": -1}, "rerun"),
    ({"configuration_data": 42}, "configuration_data"),
    ({"configuration_data": "not psd1"}, "configuration_data"),
    ({"configuration_data": Path("/nonexistent/data.psd1")}, "configuration_data"),
    ({"configuration_data": DSC_SAMPLE / "WebServer.ps1"}, "configuration_data"),
    (
        {
            "scale_set": scale_set_args(
                image=ImageReference(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server")
            )
        },
        "scale_set.image",
    ),
    (
        {"scale_set": scale_set_args(computer_name_prefix="far-too-long")},
        "scale_set.computer_name_prefix",
    ),
    ({"scale_set": "Standard_D2s_v5"}, "scale_set"),
    (
        {
            "extension_name": "ApplicationHealth",
            "scale_set": scale_set_args(
                upgrade=UpgradePolicy(mode="Rolling"), health=HealthProbe()
            ),
        },
        "scale_set.extension_name",
    ),
]


@pytest.mark.parametrize(("overrides", "path"), BAD_DSC)
def test_bad_dsc_input_registers_nothing(
    mocked: MockDeployment, overrides: dict[str, Any], path: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        mocked.run(dsc_program(dsc_package(), **overrides))
    assert caught.value.path == path, str(caught.value)
    assert mocked.resources_of_type("vmss:index:DscScaleSet") == []
    assert mocked.resources_of_type(VMSS) == []
    assert mocked.resources_of_type("azure-native:storage:Blob") == []


def test_secret_arguments_as_outputs_stay_secret(mocked: MockDeployment) -> None:
    password = pulumi.Output.secret("From-Config-1!")
    dsc = run_dsc(
        mocked,
        dsc_package(),
        protected_configuration_arguments={
            "AppPoolCredential": {"userName": "apppool", "password": password}
        },
    )
    extension = extensions_of(mocked.resource(VMSS))["Microsoft.Powershell.DSC"]
    assert extension["protectedSettings"]["configurationArguments"]["AppPoolCredential"] == {
        "userName": "apppool",
        "password": "From-Config-1!",
    }
    assert "From-Config-1!" not in repr(reveal(mocked.resolve(dsc.update_tag).value))
