"""CustomScriptScaleSet: the exact Custom Script extension Azure receives, on both OSes."""

from __future__ import annotations

import base64
import gzip
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pulumi
import pytest
from helpers import (
    BIG_SCRIPT,
    DOWNLOAD_IDENTITY_ID,
    EXTERNAL_URI,
    LINUX_COMMAND,
    LINUX_SCRIPT,
    NOW,
    SSH_KEY,
    TOKEN_URI,
    WINDOWS_COMMAND,
    WINDOWS_SCRIPT,
    WORKER,
    artifact_store,
    copy_script_samples,
    custom_script_values,
    linux_args,
    policy_at,
    scale_set_args,
)
from pulumi.runtime import mocks as pulumi_mocks

from vmss_components import (
    ArtifactStore,
    ConfigurationError,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    Extension,
    HealthProbe,
    ImageReference,
    ManagedIdentities,
    Package,
    UpgradePolicy,
)
from vmss_components.extensions import (
    CSE_LINUX_PUBLISHER,
    CSE_PROTECTED_KEYS,
    CSE_PUBLIC_KEYS,
    encode_script,
)
from vmss_components.scaleset import extension_args
from vmss_components.store import STORAGE_BLOB_DATA_READER
from vmss_components.testing import MOCK_SUBSCRIPTION_ID, UNKNOWN, MockDeployment, RecordedResource

VMSS = "azure-native:compute:VirtualMachineScaleSet"
COMPONENT = "vmss:index:CustomScriptScaleSet"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
ROLE = "azure-native:authorization:RoleAssignment"
LOOKUP = "azure-native:managedidentity:getUserAssignedIdentity"


def cse_program(os_type: str = "linux", *, days: int = 0, **overrides: Any) -> Any:
    def program() -> tuple[ArtifactStore, CustomScriptScaleSet]:
        store = artifact_store(sas=policy_at(NOW + timedelta(days=days)))
        values = {**custom_script_values(os_type), "store": store}
        values.update(overrides)
        return store, CustomScriptScaleSet("app", CustomScriptScaleSetArgs(**values))

    return program


def run_cse(deployment: MockDeployment, os_type: str = "linux", **overrides: Any) -> Any:
    _, cse = deployment.run(cse_program(os_type, **overrides))
    return cse


def extensions_of(vmss: RecordedResource) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in vmss.get("virtualMachineProfile.extensionProfile.extensions")}


def the_extension(cse: CustomScriptScaleSet) -> Extension:
    (extension,) = [
        e for e in cse.extensions if e.name in ("CustomScript", "CustomScriptExtension")
    ]
    return extension


def resolved(deployment: MockDeployment, value: Any) -> Any:
    return deployment.resolve(value).value


# --- The exact extension, both OSes, both download modes -----------------------------------


def test_windows_with_sas(mocked: MockDeployment) -> None:
    cse = run_cse(mocked, "windows")
    vmss = mocked.resource(VMSS)
    assert vmss.parent == mocked.resource(COMPONENT, "app").urn
    (artifact,) = cse.artifacts.values()
    url_with_sas = resolved(mocked, artifact.url_with_sas)
    tag = resolved(mocked, cse.update_tag)
    assert extensions_of(vmss)["CustomScriptExtension"] == {
        "name": "CustomScriptExtension",
        "publisher": "Microsoft.Compute",
        "type": "CustomScriptExtension",
        "typeHandlerVersion": "1.10",
        "autoUpgradeMinorVersion": True,
        "forceUpdateTag": tag,
        "settings": {},
        "protectedSettings": {"fileUris": [url_with_sas], "commandToExecute": WINDOWS_COMMAND},
    }
    package = Package.from_file(WINDOWS_SCRIPT)
    assert url_with_sas.startswith(resolved(mocked, artifact.url) + "?sv=")
    assert f"/app-cse-install-app-ps1/{package.sha256[:16]}/install-app.ps1?" in url_with_sas
    assert "sig=" in url_with_sas and len(tag) == 16
    assert mocked.resources_of_type(IDENTITY) == [] and mocked.resources_of_type(ROLE) == []
    assert cse.download_identity is None and cse.role_assignment is None
    assert "identity" not in vmss.inputs


def test_windows_with_a_created_managed_identity(mocked: MockDeployment) -> None:
    cse = run_cse(mocked, "windows", download="managed_identity")
    vmss = mocked.resource(VMSS)
    identity = mocked.resource(IDENTITY, "app-identity")
    assert identity.parent == mocked.resource(COMPONENT, "app").urn
    assert identity.get("resourceGroupName") == "rg-app"
    client_id = identity.outputs["clientId"]
    (artifact,) = cse.artifacts.values()
    assert extensions_of(vmss)["CustomScriptExtension"] == {
        "name": "CustomScriptExtension",
        "publisher": "Microsoft.Compute",
        "type": "CustomScriptExtension",
        "typeHandlerVersion": "1.10",
        "autoUpgradeMinorVersion": True,
        "forceUpdateTag": resolved(mocked, cse.update_tag),
        "settings": {"fileUris": [resolved(mocked, artifact.url)]},
        "protectedSettings": {
            "commandToExecute": WINDOWS_COMMAND,
            "managedIdentity": {"clientId": client_id},
        },
    }
    assert vmss.get("identity") == {"type": "UserAssigned", "userAssignedIdentities": [identity.id]}
    assert cse.download_identity is not None
    assert resolved(mocked, cse.download_identity_client_id) == client_id
    assert mocked.calls_to(LOOKUP) == []


def test_linux_with_sas_and_an_external_uri(mocked: MockDeployment) -> None:
    cse = run_cse(mocked, "linux", file_uris=[EXTERNAL_URI])
    vmss = mocked.resource(VMSS)
    script, worker = cse.artifacts.values()
    assert [a.package.filename for a in cse.artifacts.values()] == [
        "install-worker.sh",
        "worker.py",
    ]
    assert extensions_of(vmss)["CustomScript"] == {
        "name": "CustomScript",
        "publisher": "Microsoft.Azure.Extensions",
        "type": "CustomScript",
        "typeHandlerVersion": "2.1",
        "autoUpgradeMinorVersion": True,
        "forceUpdateTag": resolved(mocked, cse.update_tag),
        "settings": {},
        "protectedSettings": {
            "fileUris": [
                resolved(mocked, script.url_with_sas),
                resolved(mocked, worker.url_with_sas),
                EXTERNAL_URI,
            ],
            "commandToExecute": LINUX_COMMAND,
        },
    }
    # Each blob carries its own token, scoped to that one blob.
    script_token = resolved(mocked, script.sas_token)
    worker_token = resolved(mocked, worker.sas_token)
    assert script_token != worker_token
    sas_calls = mocked.calls_to("azure-native:storage:listStorageAccountServiceSAS")
    # One call per blob; the two invokes are sent asynchronously, in either order.
    assert sorted(c.args["canonicalizedResource"].rsplit("/", 1)[1] for c in sas_calls) == [
        "install-worker.sh",
        "worker.py",
    ]


def test_linux_with_a_given_managed_identity(mocked: MockDeployment) -> None:
    cse = run_cse(
        mocked,
        "linux",
        download="managed_identity",
        download_identity_resource_id=DOWNLOAD_IDENTITY_ID,
    )
    vmss = mocked.resource(VMSS)
    (call,) = mocked.calls_to(LOOKUP)
    assert call.args == {"resourceGroupName": "rg-identities", "resourceName": "id-app-download"}
    client_id = resolved(mocked, cse.download_identity_client_id)
    assert client_id and client_id != UNKNOWN
    script, worker = cse.artifacts.values()
    assert extensions_of(vmss)["CustomScript"] == {
        "name": "CustomScript",
        "publisher": "Microsoft.Azure.Extensions",
        "type": "CustomScript",
        "typeHandlerVersion": "2.1",
        "autoUpgradeMinorVersion": True,
        "forceUpdateTag": resolved(mocked, cse.update_tag),
        "settings": {"fileUris": [resolved(mocked, script.url), resolved(mocked, worker.url)]},
        "protectedSettings": {
            "commandToExecute": LINUX_COMMAND,
            "managedIdentity": {"clientId": client_id},
        },
    }
    assert mocked.resources_of_type(IDENTITY) == [] and cse.download_identity is None
    assert vmss.get("identity.userAssignedIdentities") == [DOWNLOAD_IDENTITY_ID]
    role = mocked.resource(ROLE, "app-blob-reader")
    principal_id = resolved(mocked, cse.download_identity_principal_id)
    assert role.get("principalId") == principal_id
    # The ids are the ones Azure answers for that identity (the mocks invent them from its id).
    answer, _ = mocked.mocks.call(
        pulumi_mocks.MockCallArgs(token=LOOKUP, args=call.args, provider="")
    )
    assert (client_id, principal_id) == (answer["clientId"], answer["principalId"])


def test_linux_inline_script_is_gzip_base64_in_protected_settings(mocked: MockDeployment) -> None:
    text = "#!/bin/sh\nset -e\necho 'hello from the scale set' > /var/tmp/hello\n"
    cse = run_cse(
        mocked, "linux", files=[], store=None, command=None, script=text, skip_dos2unix=True
    )
    extension = extensions_of(mocked.resource(VMSS))["CustomScript"]
    assert extension == {
        "name": "CustomScript",
        "publisher": "Microsoft.Azure.Extensions",
        "type": "CustomScript",
        "typeHandlerVersion": "2.1",
        "autoUpgradeMinorVersion": True,
        "forceUpdateTag": resolved(mocked, cse.update_tag),
        "settings": {"skipDos2Unix": True},
        "protectedSettings": {"script": encode_script(text.encode())},
    }
    encoded = extension["protectedSettings"]["script"]
    assert gzip.decompress(base64.b64decode(encoded, validate=True)).decode() == text
    assert cse.artifacts == {}
    assert mocked.resources_of_type("azure-native:storage:Blob") == []


def test_linux_script_file_with_companion_files(mocked: MockDeployment, tmp_path: Path) -> None:
    script = tmp_path / "setup.sh"
    script.write_bytes(b"#!/bin/bash\nexec bash install-worker.sh\n")
    cse = run_cse(mocked, "linux", command=None, script=script)
    extension = extensions_of(mocked.resource(VMSS))["CustomScript"]
    assert set(extension["protectedSettings"]) == {"fileUris", "script"}
    assert extension["settings"] == {}
    decoded = gzip.decompress(base64.b64decode(extension["protectedSettings"]["script"]))
    assert decoded == script.read_bytes()
    assert len(cse.artifacts) == 2


def test_external_uris_alone_stay_public_unless_they_carry_a_token(mocked: MockDeployment) -> None:
    run_cse(mocked, "linux", files=[], store=None, file_uris=[EXTERNAL_URI])
    extension = extensions_of(mocked.resource(VMSS))["CustomScript"]
    assert extension["settings"] == {"fileUris": [EXTERNAL_URI]}
    assert extension["protectedSettings"] == {"commandToExecute": LINUX_COMMAND}


def test_an_external_uri_with_a_token_goes_to_protected_settings(mocked: MockDeployment) -> None:
    cse = run_cse(mocked, "windows", files=[], store=None, file_uris=[EXTERNAL_URI, TOKEN_URI])
    extension = extensions_of(mocked.resource(VMSS))["CustomScriptExtension"]
    assert extension["settings"] == {}
    assert extension["protectedSettings"]["fileUris"] == [EXTERNAL_URI, TOKEN_URI]
    assert "c2lnbmF0dXJl" not in resolved(mocked, cse.update_tag)


def test_external_blob_uris_with_a_given_identity_need_no_store(mocked: MockDeployment) -> None:
    blob = "https://partner.blob.core.windows.net/drop/agent.deb"
    cse = run_cse(
        mocked,
        "linux",
        files=[],
        store=None,
        file_uris=[blob],
        download="managed_identity",
        download_identity_resource_id=DOWNLOAD_IDENTITY_ID,
    )
    extension = extensions_of(mocked.resource(VMSS))["CustomScript"]
    assert extension["settings"] == {"fileUris": [blob]}
    assert extension["protectedSettings"]["managedIdentity"] == {
        "clientId": resolved(mocked, cse.download_identity_client_id)
    }
    # Nothing is published, so there is nothing of ours to grant.
    assert mocked.resources_of_type(ROLE) == [] and cse.role_assignment is None


# --- Secrets --------------------------------------------------------------------------------

MODES = [
    ("windows", "sas"),
    ("windows", "managed_identity"),
    ("linux", "sas"),
    ("linux", "managed_identity"),
]


@pytest.mark.parametrize(("os_type", "download"), MODES)
def test_public_settings_carry_no_token_and_protected_settings_are_secret(
    deployment: MockDeployment, os_type: str, download: str
) -> None:
    command = "bash install-worker.sh --api-key Sup3r-Secret-Key"
    if os_type == "windows":
        command = "powershell -File install-app.ps1 -ApiKey Sup3r-Secret-Key"
    cse = run_cse(deployment, os_type, download=download, command=command)
    extension = the_extension(cse)
    # What Azure receives in public settings (in a preview, URLs not known yet are UNKNOWN).
    public = extensions_of(deployment.resource(VMSS))[extension.name]["settings"]
    public_text = repr(public)
    assert "sig=" not in public_text and "Sup3r-Secret" not in public_text
    assert "commandToExecute" not in public and "script" not in public
    assert set(public) <= CSE_PUBLIC_KEYS[cse.os]
    assert not deployment.resolve(pulumi.Output.from_input(dict(extension.settings))).secret
    protected = deployment.resolve(extension_args(extension).protected_settings)
    assert protected.secret
    if deployment.preview:
        # The SAS token or the identity's client id is not known before deploy, so the
        # protected settings as a whole are unknown (and secret).
        assert not protected.known
    else:
        assert protected.value["commandToExecute"] == command
        assert set(protected.value) <= CSE_PROTECTED_KEYS[cse.os]
        for artifact in cse.artifacts.values():
            token = resolved(deployment, artifact.sas_token)
            assert token.startswith("?sv=") and token[1:] not in public_text
            assert deployment.resolve(artifact.sas_token).secret
        if download == "sas":
            assert all("sig=" in uri for uri in protected.value["fileUris"])
        else:
            assert public["fileUris"] == [
                resolved(deployment, a.url) for a in cse.artifacts.values()
            ]
    assert deployment.resource(VMSS).is_secret("virtualMachineProfile")
    tag = deployment.resolve(cse.update_tag)
    # In a first preview the tag's key (a RandomBytes) does not exist yet: the tag is unknown.
    assert not tag.secret and tag.known is not deployment.preview


def test_a_command_from_secret_config_stays_secret(mocked: MockDeployment) -> None:
    command = pulumi.Output.secret("bash install-worker.sh --token From-Config-1")
    cse = run_cse(mocked, "linux", command=command)
    protected = mocked.resolve(extension_args(the_extension(cse)).protected_settings)
    assert protected.secret
    assert protected.value["commandToExecute"] == "bash install-worker.sh --token From-Config-1"
    tag = mocked.resolve(cse.update_tag)
    assert not tag.secret and "From-Config" not in tag.value


# --- Managed identity: the role assignment and its ordering --------------------------------


def test_role_assignment_exists_before_the_scale_set(deployment: MockDeployment) -> None:
    cse = run_cse(deployment, "linux", download="managed_identity")
    vmss = deployment.resource(VMSS)
    role = deployment.resource(ROLE, "app-blob-reader")
    identity = deployment.resource(IDENTITY, "app-identity")
    component = deployment.resource(COMPONENT, "app")
    assert role.parent == component.urn and identity.parent == component.urn
    assert role.urn in vmss.dependencies
    assert cse.role_assignment is not None and cse.download_identity is not None
    assert role.get("principalType") == "ServicePrincipal"
    if deployment.preview:
        assert vmss.get("identity.userAssignedIdentities") == [UNKNOWN]
        return
    container = deployment.resource("azure-native:storage:BlobContainer")
    assert role.get("scope") == container.outputs["id"]
    assert role.get("principalId") == identity.outputs["principalId"]
    assert role.get("roleDefinitionId") == (
        f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/"
        f"roleDefinitions/{STORAGE_BLOB_DATA_READER}"
    )
    assert vmss.get("identity") == {"type": "UserAssigned", "userAssignedIdentities": [identity.id]}
    assert resolved(deployment, cse.download_identity_resource_id) == identity.id


def test_a_given_identity_already_on_the_scale_set_is_attached_once(
    mocked: MockDeployment,
) -> None:
    scale_set = scale_set_args(
        ssh_public_keys=[SSH_KEY],
        managed_identities=ManagedIdentities(user_assigned_resource_ids=[DOWNLOAD_IDENTITY_ID]),
    )
    run_cse(
        mocked,
        "linux",
        scale_set=scale_set,
        download="managed_identity",
        download_identity_resource_id=DOWNLOAD_IDENTITY_ID,
    )
    assert mocked.resource(VMSS).get("identity.userAssignedIdentities") == [DOWNLOAD_IDENTITY_ID]
    assert mocked.resource(ROLE).urn in mocked.resource(VMSS).dependencies


def test_an_identity_id_known_only_at_deploy_time(mocked: MockDeployment) -> None:
    cse = run_cse(
        mocked,
        "linux",
        download="managed_identity",
        download_identity_resource_id=pulumi.Output.from_input(DOWNLOAD_IDENTITY_ID),
    )
    (call,) = mocked.calls_to(LOOKUP)
    assert call.args == {"resourceGroupName": "rg-identities", "resourceName": "id-app-download"}
    assert mocked.resource(VMSS).get("identity.userAssignedIdentities") == [DOWNLOAD_IDENTITY_ID]
    answer, _ = mocked.mocks.call(
        pulumi_mocks.MockCallArgs(token=LOOKUP, args=call.args, provider="")
    )
    assert resolved(mocked, cse.download_identity_client_id) == answer["clientId"]


# --- Update tags -----------------------------------------------------------------------------


def plan_tag(os_type: str = "linux", **overrides: Any) -> tuple[str, dict[str, Any]]:
    with MockDeployment(speedups=True) as deployment:
        cse = run_cse(deployment, os_type, **overrides)
        extension = extensions_of(deployment.resource(VMSS))[the_extension(cse).name]
        return resolved(deployment, cse.update_tag), extension


def test_the_tag_stays_put_for_the_same_content_anywhere(tmp_path: Path) -> None:
    tag, extension = plan_tag()
    assert plan_tag() == (tag, extension)
    moved = copy_script_samples(tmp_path / "elsewhere")
    os.utime(moved[0], (1, 1))
    assert plan_tag(files=list(moved)) == (tag, extension)
    assert extension["forceUpdateTag"] == tag


def test_the_tag_changes_with_a_files_content(tmp_path: Path) -> None:
    script, worker = copy_script_samples(tmp_path / "app")
    before, extension_before = plan_tag(files=[script, worker])
    worker.write_text(worker.read_text().replace("POLL_SECONDS = 5", "POLL_SECONDS = 10"))
    after, extension_after = plan_tag(files=[script, worker])
    assert after != before
    before_uris = extension_before["protectedSettings"]["fileUris"]
    after_uris = extension_after["protectedSettings"]["fileUris"]
    assert before_uris[0] == after_uris[0]  # the unchanged script keeps its blob
    assert before_uris[1] != after_uris[1]  # the changed worker gets a new one


def test_the_tag_changes_with_the_command_and_nothing_else_does() -> None:
    before, extension_before = plan_tag()
    after, extension_after = plan_tag(command=LINUX_COMMAND + " --verbose")
    assert after != before
    assert (
        extension_after["protectedSettings"]["fileUris"]
        == (extension_before["protectedSettings"]["fileUris"])
    )


@pytest.mark.parametrize(
    "change",
    [
        {"rerun": 1},
        {"download": "managed_identity"},
        {"file_uris": [EXTERNAL_URI]},
        {"skip_dos2unix": True},
        {"files": [WORKER, LINUX_SCRIPT]},
    ],
    ids=["rerun", "download", "file_uris", "dos2unix", "order"],
)
def test_the_tag_follows_what_the_extension_consumes(change: dict[str, Any]) -> None:
    base, _ = plan_tag()
    assert plan_tag(**change)[0] != base


def test_the_tag_follows_the_script() -> None:
    first = plan_tag(files=[], store=None, command=None, script="#!/bin/sh\necho one\n")[0]
    again = plan_tag(files=[], store=None, command=None, script="#!/bin/sh\necho one\n")[0]
    other = plan_tag(files=[], store=None, command=None, script="#!/bin/sh\necho two\n")[0]
    assert first == again != other


def test_sas_rotation_changes_the_token_but_not_the_tag() -> None:
    def tag_and_token(days: int) -> tuple[str, str]:
        with MockDeployment(speedups=True) as deployment:
            cse = run_cse(deployment, "windows", days=days)
            return resolved(deployment, cse.update_tag), resolved(
                deployment, next(iter(cse.artifacts.values())).sas_token
            )

    tag_now, token_now = tag_and_token(0)
    tag_later, token_later = tag_and_token(120)
    assert token_now != token_later
    assert tag_now == tag_later


def test_a_token_in_an_external_uri_is_not_tag_material() -> None:
    rotated = TOKEN_URI.replace("c2lnbmF0dXJlLWJ5dGVz", "b3RoZXItc2lnbmF0dXJl")
    first, _ = plan_tag("windows", files=[], store=None, file_uris=[TOKEN_URI])
    second, rotated_extension = plan_tag("windows", files=[], store=None, file_uris=[rotated])
    assert first == second
    assert rotated_extension["protectedSettings"]["fileUris"] == [rotated]


# --- Outputs and preview ---------------------------------------------------------------------


def test_outputs(mocked: MockDeployment) -> None:
    cse = run_cse(mocked, "linux")
    assert cse.os == "linux"
    assert resolved(mocked, cse.vmss_name) == "app-vmss"
    assert resolved(mocked, cse.vmss_id).endswith("/virtualMachineScaleSets/app-vmss")
    assert [a.key for a in cse.artifacts.values()] == [
        "app-cse-install-worker-sh",
        "app-cse-worker-py",
    ]
    assert cse.admin_password is None
    assert [e.name for e in cse.extensions] == ["CustomScript"]
    key = mocked.resource("random:index/randomBytes:RandomBytes", "app-tag-key")
    assert key.parent == mocked.resource(COMPONENT, "app").urn


def test_windows_outputs_include_the_generated_password(mocked: MockDeployment) -> None:
    cse = run_cse(mocked, "windows")
    assert cse.os == "windows"
    password = mocked.resolve(cse.admin_password)
    assert password.secret and password.value


def test_preview_constructs_with_unknowns(previewed: MockDeployment) -> None:
    cse = run_cse(previewed, "windows", download="managed_identity")
    assert previewed.calls_to("azure-native:storage:listStorageAccountServiceSAS") == []
    assert previewed.resolve(cse.vmss_id).known is False
    assert previewed.resolve(cse.download_identity_client_id).known is False
    assert previewed.resolve(cse.update_tag).known is False
    extension = extensions_of(previewed.resource(VMSS))["CustomScriptExtension"]
    assert extension["settings"] == {"fileUris": [UNKNOWN]}
    assert extension["protectedSettings"] == UNKNOWN
    assert extension["forceUpdateTag"] == UNKNOWN
    assert (extension["publisher"], extension["typeHandlerVersion"]) == (
        "Microsoft.Compute",
        "1.10",
    )
    assert previewed.resource(ROLE).urn in previewed.resource(VMSS).dependencies


def test_preview_of_an_inline_script_shows_it_protected(previewed: MockDeployment) -> None:
    text = "#!/bin/sh\necho hi\n"
    run_cse(previewed, "linux", files=[], store=None, command=None, script=text)
    extension = extensions_of(previewed.resource(VMSS))["CustomScript"]
    assert extension["settings"] == {}
    assert extension["protectedSettings"] == {"script": encode_script(text.encode())}
    assert previewed.resource(VMSS).is_secret("virtualMachineProfile")


def test_rolling_with_health_adds_the_health_extension_after_the_script(
    mocked: MockDeployment,
) -> None:
    scale_set = scale_set_args(
        ssh_public_keys=[SSH_KEY],
        upgrade=UpgradePolicy(mode="Rolling"),
        health=HealthProbe(port=8080, request_path="/healthz"),
    )
    run_cse(mocked, "linux", scale_set=scale_set)
    assert list(extensions_of(mocked.resource(VMSS))) == ["CustomScript", "ApplicationHealth"]


def test_the_extension_name_can_be_chosen(mocked: MockDeployment) -> None:
    run_cse(mocked, "windows", extension_name="install-app")
    extension = extensions_of(mocked.resource(VMSS))["install-app"]
    assert extension["type"] == "CustomScriptExtension"


# --- Bad input: a ConfigurationError naming the argument, before anything is registered ------

NOT_AN_IDENTITY = (
    f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/rg/providers/"
    "Microsoft.Compute/virtualMachines/vm1"
)
WINDOWS_IMAGE = ImageReference(
    publisher="MicrosoftWindowsServer", offer="WindowsServer", sku="2022-datacenter-azure-edition"
)
UBUNTU = ImageReference(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server")
OTHER_CSE = Extension(
    name="more-scripts",
    publisher=CSE_LINUX_PUBLISHER,
    type="CustomScript",
    type_handler_version="2.1",
)

BAD_INPUT: list[tuple[str, dict[str, Any], str]] = [
    ("windows", {"command": None, "script": "Write-Output hi"}, "script"),
    ("windows", {"script": "Write-Output hi"}, "script"),
    ("linux", {"command": None}, "command"),
    ("windows", {"command": None}, "command"),
    ("linux", {"script": "#!/bin/sh\necho hi\n"}, "script"),
    ("linux", {"command": None, "script": BIG_SCRIPT}, "script"),
    ("linux", {"command": None, "script": "  \n"}, "script"),
    ("linux", {"command": None, "script": Path("/nonexistent/setup.sh")}, "script"),
    ("linux", {"command": ""}, "command"),
    ("linux", {"file_uris": ["http://example.com/setup.sh"]}, "file_uris[0]"),
    ("linux", {"file_uris": [EXTERNAL_URI, "ftp://example.com/a.sh"]}, "file_uris[1]"),
    ("linux", {"file_uris": ["https://example.com/"]}, "file_uris[0]"),
    ("linux", {"file_uris": ["https://example.com/tools/"]}, "file_uris[0]"),
    ("windows", {"file_uris": [TOKEN_URI.replace("https", "http")]}, "file_uris[0]"),
    ("linux", {"file_uris": EXTERNAL_URI}, "file_uris"),
    ("linux", {"file_uris": [Path("a.sh")]}, "file_uris[0]"),
    ("linux", {"store": None}, "store"),
    ("windows", {"store": None}, "store"),
    ("linux", {"files": [LINUX_SCRIPT, Path("/nonexistent/worker.py")]}, "files[1]"),
    ("linux", {"files": [str(LINUX_SCRIPT)]}, "files[0]"),
    ("linux", {"files": LINUX_SCRIPT}, "files"),
    ("linux", {"files": [LINUX_SCRIPT, LINUX_SCRIPT]}, "files[1]"),
    (
        "linux",
        {"file_uris": ["https://example.com/tools/worker.py"]},
        "file_uris[0]",
    ),
    ("linux", {"download": "managed_identity", "file_uris": [TOKEN_URI]}, "file_uris[0]"),
    ("linux", {"os": "linux", "scale_set": scale_set_args(image=WINDOWS_IMAGE)}, "scale_set.image"),
    ("windows", {"scale_set": scale_set_args(image=UBUNTU)}, "scale_set.image"),
    ("linux", {"scale_set": scale_set_args()}, "scale_set.ssh_public_keys"),
    ("linux", {"os": "macos"}, "os"),
    ("linux", {"scale_set": "Standard_D2s_v5"}, "scale_set"),
    ("linux", {"store": "artifacts"}, "store"),
    ("linux", {"download": "anonymous"}, "download"),
    ("linux", {"download": "SAS"}, "download"),
    (
        "linux",
        {"download_identity_resource_id": DOWNLOAD_IDENTITY_ID},
        "download_identity_resource_id",
    ),
    (
        "linux",
        {"download": "managed_identity", "download_identity_resource_id": NOT_AN_IDENTITY},
        "download_identity_resource_id",
    ),
    (
        "linux",
        {"download": "managed_identity", "download_identity_resource_id": "id-app"},
        "download_identity_resource_id",
    ),
    (
        "linux",
        {"download": "managed_identity", "files": [], "store": None, "file_uris": [EXTERNAL_URI]},
        "download_identity_resource_id",
    ),
    ("linux", {"rerun": -1}, "rerun"),
    ("linux", {"rerun": "1"}, "rerun"),
    ("linux", {"rerun": True}, "rerun"),
    ("windows", {"skip_dos2unix": True}, "skip_dos2unix"),
    ("linux", {"skip_dos2unix": "yes"}, "skip_dos2unix"),
    ("windows", {"type_handler_version": "2.1"}, "type_handler_version"),
    ("linux", {"type_handler_version": "1.10"}, "type_handler_version"),
    ("linux", {"type_handler_version": "2"}, "type_handler_version"),
    (
        "windows",
        {"type_handler_version": "1.9", "download": "managed_identity"},
        "type_handler_version",
    ),
    (
        "linux",
        {"type_handler_version": "2.0", "download": "managed_identity"},
        "type_handler_version",
    ),
    ("linux", {"extension_name": "has space"}, "extension_name"),
    (
        "linux",
        {"scale_set": linux_args(extra_extensions=[OTHER_CSE])},
        "scale_set.extra_extensions[0]",
    ),
    (
        "linux",
        {
            "extension_name": "ApplicationHealth",
            "scale_set": scale_set_args(
                ssh_public_keys=[SSH_KEY],
                upgrade=UpgradePolicy(mode="Rolling"),
                health=HealthProbe(),
            ),
        },
        "scale_set.extension_name",
    ),
]


@pytest.mark.parametrize(
    ("os_type", "overrides", "path"),
    BAD_INPUT,
    ids=[f"{i}-{case[2]}" for i, case in enumerate(BAD_INPUT)],
)
def test_bad_input_registers_nothing(
    mocked: MockDeployment, os_type: str, overrides: dict[str, Any], path: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        mocked.run(cse_program(os_type, **overrides))
    assert caught.value.path == path, str(caught.value)
    for kind in (COMPONENT, VMSS, IDENTITY, ROLE, "azure-native:storage:Blob"):
        assert mocked.resources_of_type(kind) == [], kind
    assert mocked.resources_of_type("random:index/randomBytes:RandomBytes") == []


def test_two_file_names_with_one_store_key_are_refused(
    mocked: MockDeployment, tmp_path: Path
) -> None:
    first, second = tmp_path / "setup.sh", tmp_path / "setup-sh"
    first.write_text("echo 1\n")
    second.write_text("echo 2\n")
    with pytest.raises(ConfigurationError) as caught:
        mocked.run(cse_program("linux", files=[first, second]))
    assert caught.value.path == "files[1]"
    assert "'app-cse-setup-sh'" in caught.value.reason
    assert mocked.resources_of_type("azure-native:storage:Blob") == []


def test_a_malformed_identity_id_known_late_fails_with_the_same_error(
    mocked: MockDeployment,
) -> None:
    with pytest.raises(Exception, match="is not a user-assigned identity id"):
        run_cse(
            mocked,
            "linux",
            download="managed_identity",
            download_identity_resource_id=pulumi.Output.from_input(NOT_AN_IDENTITY),
        )
