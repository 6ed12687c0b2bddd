"""CloudInitScaleSet(download="managed_identity"): artifacts fetched by a user-assigned
identity with vmss-fetch-blob; the exact resources, the multipart customData (validated by
the real cloud-init, merged by cloud-init's own merger) and no SAS anywhere (issue 18)."""

from __future__ import annotations

import base64
import email
import gzip
import json
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import (
    CLOUD_INIT_SAMPLE,
    DOWNLOAD_IDENTITY_ID,
    artifact_store,
    linux_args,
    require_cloud_init,
    store_facts,
)

from vmss_components import (
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    ConfigurationError,
    ManagedIdentities,
    Package,
)
from vmss_components.cloud_init import resolve_cloud_init
from vmss_components.store import STORAGE_BLOB_DATA_READER
from vmss_components.testing import MockDeployment, RecordedResource
from vmss_components.userdata import CUSTOM_DATA_LIMIT, decode_custom_data, validate_user_data
from vmss_components.userdata.identity import HELPER_PATH, MANIFEST_PATH, helper_script

VMSS = "azure-native:compute:VirtualMachineScaleSet"
COMPONENT = "vmss:index:CloudInitScaleSet"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
ROLE = "azure-native:authorization:RoleAssignment"
LOOKUP = "azure-native:managedidentity:getUserAssignedIdentity"
SAS = "azure-native:storage:listStorageAccountServiceSAS"
SITE = CLOUD_INIT_SAMPLE / "site"

# The user's own data: a write_files entry and runcmd that must survive the merge, and the
# helper called by key.
USER_DATA = """#cloud-config
packages: [nginx, unzip]
write_files:
  - path: /usr/local/sbin/install-site
    owner: root:root
    permissions: "0700"
    content: |
      #!/bin/sh
      set -eu
      work=$(mktemp -d)
      /usr/local/sbin/vmss-fetch-blob site "$work/site.zip"
      unzip -q "$work/site.zip" -d /var/www/site
      echo "digest ${artifact:site.sha256} from ${artifact:site}"
runcmd:
  - [/usr/local/sbin/install-site]
"""


def program(**overrides: Any) -> Any:
    def body() -> CloudInitScaleSet:
        values: dict[str, Any] = {
            "scale_set": linux_args(),
            "cloud_config": USER_DATA,
            "store": artifact_store(),
            "artifacts": {"site": Package.from_directory(SITE)},
            "download": "managed_identity",
        }
        values.update(overrides)
        return CloudInitScaleSet("web", CloudInitScaleSetArgs(**values))

    return body


def user_data_of(vmss: RecordedResource) -> str:
    value = vmss.get("virtualMachineProfile.osProfile.customData")
    assert isinstance(value, str)
    return decode_custom_data(value)


def parts_of(text: str) -> list[tuple[str, str]]:
    message = email.message_from_string(text)
    assert message.is_multipart()
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        parts.append((part.get_content_type(), payload.decode("utf-8")))
    return parts


def test_created_identity_exact_resources(mocked: MockDeployment) -> None:
    ci = mocked.run(program())
    component = mocked.resource(COMPONENT, "web")
    identity = mocked.resource(IDENTITY, "web-identity")
    assert identity.parent == component.urn
    assert identity.get("resourceGroupName") == "rg-app"
    role = mocked.resource(ROLE, "web-blob-reader")
    assert role.get("principalId") == identity.outputs["principalId"]
    assert role.get("principalType") == "ServicePrincipal"
    assert role.get("roleDefinitionId").endswith(f"/roleDefinitions/{STORAGE_BLOB_DATA_READER}")
    assert role.get("scope") == mocked.resource("azure-native:storage:BlobContainer").outputs["id"]
    vmss = mocked.resource(VMSS)
    assert vmss.get("identity") == {"type": "UserAssigned", "userAssignedIdentities": [identity.id]}
    # The first instance may boot only once the role exists.
    assert role.urn in vmss.dependencies
    assert mocked.resolve(ci.download_identity_client_id).value == identity.outputs["clientId"]
    # No SAS is minted for an artifact fetched by identity.
    assert mocked.calls_to(SAS) == []
    assert not ci.artifacts["site"].signed


def test_custom_data_is_user_part_then_helper_part(mocked: MockDeployment) -> None:
    ci = mocked.run(program())
    vmss = mocked.resource(VMSS)
    assert vmss.is_secret("virtualMachineProfile")
    text = user_data_of(vmss)
    (user_type, user), (part_type, part) = parts_of(text)
    url = mocked.resolve(ci.artifacts["site"].url).value
    sha256 = ci.artifacts["site"].sha256
    assert "?" not in url and "sig=" not in text
    assert (user_type, part_type) == ("text/cloud-config", "text/cloud-config")
    # The user's part is unchanged but for its placeholders: the token-free URL, the digest.
    assert user == USER_DATA.replace("${artifact:site.sha256}", sha256).replace(
        "${artifact:site}", url
    )
    document = yaml.safe_load(part)
    assert document["merge_how"] == [
        {"name": "list", "settings": ["append"]},
        {"name": "dict", "settings": ["no_replace", "recurse_list"]},
    ]
    helper, manifest = document["write_files"]
    assert {k: helper[k] for k in ("path", "owner", "permissions", "encoding")} == {
        "path": HELPER_PATH,
        "owner": "root:root",
        "permissions": "0755",
        "encoding": "gz+b64",
    }
    assert gzip.decompress(base64.b64decode(helper["content"])) == helper_script()
    assert manifest["path"] == MANIFEST_PATH and manifest["permissions"] == "0644"
    assert json.loads(manifest["content"]) == {
        "client_id": mocked.resolve(ci.download_identity_client_id).value,
        "artifacts": {"site": {"url": url, "sha256": sha256}},
    }
    digest = mocked.resolve(ci.custom_data_hash)
    assert not digest.secret and len(digest.value) == 64


def test_real_cloud_init_validates_and_merges_keeping_the_users_lists(
    mocked: MockDeployment, tmp_path: Path
) -> None:
    require_cloud_init()
    mocked.run(program())
    text = user_data_of(mocked.resource(VMSS))
    validation = validate_user_data(text)
    assert validation.format == "mime-multipart" and validation.schema_checked_by
    merged = merge_with_cloud_init(text, tmp_path)
    paths = [entry["path"] for entry in merged["write_files"]]
    assert paths == ["/usr/local/sbin/install-site", HELPER_PATH, MANIFEST_PATH]
    assert merged["runcmd"] == [["/usr/local/sbin/install-site"]]
    assert merged["packages"] == ["nginx", "unzip"]
    # The merged document is valid cloud-config too.
    validate_user_data("#cloud-config\n" + yaml.safe_dump(merged))


# Run by the Python that runs cloud-init (its shebang): cloud-init's own part handler
# merges the cloud-config parts in order, honouring merge_how, as on an instance.
_MERGE = """
import sys, yaml
from cloudinit import handlers, helpers, user_data
from cloudinit.handlers.cloud_config import CloudConfigPartHandler
folder = sys.argv[1]
paths = helpers.Paths({"cloud_dir": folder, "run_dir": folder})
handler = CloudConfigPartHandler(paths)
handler.cloud_fn = folder + "/merged.yaml"
message = user_data.UserDataProcessor(paths).process(sys.stdin.read())
handlers.call_begin(handler, None, 1)
for part in message.walk():
    if part.get_content_type() == "text/cloud-config":
        payload = part.get_payload(decode=True).decode("utf-8")
        handler.handle_part(None, "text/cloud-config", part.get_filename(), payload, 1, part)
handlers.call_end(handler, None, 1)
"""


def merge_with_cloud_init(text: str, folder: Path) -> dict[str, Any]:
    """The cloud-config cloud-init builds from the multipart, by cloud-init's own merger."""
    command = Path(require_cloud_init())
    interpreter = command.read_text().splitlines()[0].removeprefix("#!").split()
    done = subprocess.run(
        [*interpreter, "-c", _MERGE, str(folder)],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    merged = yaml.safe_load((folder / "merged.yaml").read_text())
    assert isinstance(merged, dict)
    return merged


def test_given_identity_attached_and_looked_up(mocked: MockDeployment) -> None:
    ci = mocked.run(program(download_identity_resource_id=DOWNLOAD_IDENTITY_ID))
    assert mocked.resources_of_type(IDENTITY) == [] and ci.download_identity is None
    assert len(mocked.calls_to(LOOKUP)) == 1
    vmss = mocked.resource(VMSS)
    assert vmss.get("identity.userAssignedIdentities") == [DOWNLOAD_IDENTITY_ID]
    role = mocked.resource(ROLE, "web-blob-reader")
    assert role.get("principalId") == mocked.resolve(ci.download_identity_principal_id).value
    manifest = json.loads(
        yaml.safe_load(parts_of(user_data_of(vmss))[1][1])["write_files"][1]["content"]
    )
    assert manifest["client_id"] == mocked.resolve(ci.download_identity_client_id).value


def test_given_identity_already_on_the_scale_set_is_not_attached_twice(
    mocked: MockDeployment,
) -> None:
    scale_set = linux_args(
        managed_identities=ManagedIdentities(user_assigned_resource_ids=[DOWNLOAD_IDENTITY_ID])
    )
    mocked.run(program(scale_set=scale_set, download_identity_resource_id=DOWNLOAD_IDENTITY_ID))
    vmss = mocked.resource(VMSS)
    assert vmss.get("identity.userAssignedIdentities") == [DOWNLOAD_IDENTITY_ID]


def test_sas_mode_signs_only_what_the_user_data_refers_to(mocked: MockDeployment) -> None:
    """Default SAS download: one token per referenced artifact, none for the unreferenced."""
    text = "#cloud-config\nruncmd:\n  - [curl, -fsSo, /tmp/site.zip, '${artifact:site}']\n"
    ci = mocked.run(
        program(
            download="sas",
            cloud_config=text,
            artifacts={
                "site": Package.from_directory(SITE),
                "extra": Package.from_directory(SITE),
            },
        )
    )
    (call,) = mocked.calls_to(SAS)
    assert "/web-cloud-init-site/" in call.args["canonicalizedResource"]
    assert ci.artifacts["site"].signed and not ci.artifacts["extra"].signed


# --- Refusals, before anything registers ----------------------------------------------------


def test_identity_without_artifacts_or_identity_is_refused() -> None:
    args = CloudInitScaleSetArgs(
        scale_set=linux_args(), cloud_config="#cloud-config\n{}\n", download="managed_identity"
    )
    with pytest.raises(ConfigurationError) as caught:
        resolve_cloud_init("web", args, None)
    assert caught.value.path == "download_identity_resource_id"


def test_identity_id_with_sas_is_refused() -> None:
    with pytest.raises(ConfigurationError) as caught:
        CloudInitScaleSetArgs(
            scale_set=linux_args(),
            cloud_config="#cloud-config\n{}\n",
            download_identity_resource_id=DOWNLOAD_IDENTITY_ID,
        )
    assert caught.value.path == "download_identity_resource_id"


@pytest.mark.parametrize("value", ["SAS", "identity", None])
def test_unknown_download_mode_is_refused(value: object) -> None:
    with pytest.raises(ConfigurationError) as caught:
        CloudInitScaleSetArgs(
            scale_set=linux_args(),
            cloud_config="#cloud-config\n{}\n",
            download=value,  # type: ignore[arg-type]
        )
    assert caught.value.path == "download"


def test_malformed_identity_id_is_refused() -> None:
    with pytest.raises(ConfigurationError) as caught:
        CloudInitScaleSetArgs(
            scale_set=linux_args(),
            cloud_config="#cloud-config\n{}\n",
            download="managed_identity",
            download_identity_resource_id="/subscriptions/x/identity",
        )
    assert caught.value.path == "download_identity_resource_id"


# --- Resolve: notes and the size check with the helper's part -------------------------------


def identity_args(cloud_config: str, **artifacts: Package) -> CloudInitScaleSetArgs:
    return CloudInitScaleSetArgs(
        scale_set=linux_args(),
        cloud_config=cloud_config,
        store=STORE_STAND_IN,
        artifacts=artifacts or {"site": Package.from_directory(SITE)},
        download="managed_identity",
    )


STORE_STAND_IN: Any = object()  # the resolve step reads the store's facts only


def test_a_helper_call_counts_as_a_reference() -> None:
    site = Package.from_directory(SITE)
    text = "#cloud-config\nruncmd:\n  - [/usr/local/sbin/vmss-fetch-blob, site, /tmp/s.zip]\n"
    spec = resolve_cloud_init("web", identity_args(text, site=site, extra=site), store_facts())
    (note,) = spec.notes
    assert "artifacts extra are published" in note and "vmss-fetch-blob KEY" in note


def test_the_size_check_counts_the_helpers_part() -> None:
    spec = resolve_cloud_init("web", identity_args(USER_DATA), store_facts())
    assert spec.planned is not None
    # The helper (gzip+base64) and the manifest add a few KB to what the user wrote.
    assert 3_000 < spec.planned.size - spec.user_data.planned.size < 8_000


def test_user_data_that_fits_alone_but_not_with_the_helper_is_refused() -> None:
    spec = resolve_cloud_init("web", identity_args(USER_DATA), store_facts())
    assert spec.planned is not None
    extra = spec.planned.size - spec.user_data.planned.size
    # A comment line filling the user data to just under the limit on its own.
    filler = CUSTOM_DATA_LIMIT - len(USER_DATA.encode()) - extra // 2
    text = USER_DATA + "# " + "x" * filler + "\n"
    with pytest.raises(ConfigurationError) as caught:
        resolve_cloud_init("web", replace(identity_args(text), compress="never"), store_facts())
    assert caught.value.path == "cloud_config" and "over the limit" in str(caught.value)
    # The same user data with SAS download (no helper) fits.
    sas = replace(identity_args(text), compress="never", download="sas")
    resolve_cloud_init("web", sas, store_facts())
