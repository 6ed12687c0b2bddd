"""CloudInitScaleSet: user data checked before deploy, customData secret and exact."""

from __future__ import annotations

import base64
import gzip
import hashlib
from pathlib import Path
from typing import Any

import pulumi
import pytest
from helpers import (
    CLOUD_INIT_SAMPLE,
    SSH_KEY,
    artifact_store,
    linux_args,
    require_cloud_init,
    scale_set_args,
)

from vmss_components import (
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    ConfigurationError,
    ImageReference,
    Package,
    UpgradePolicy,
)
from vmss_components.cloud_init import resolve_cloud_init
from vmss_components.testing import MockDeployment, RecordedResource
from vmss_components.userdata import CUSTOM_DATA_LIMIT, keyed_digest, render_cloud_config, schema

VMSS = "azure-native:compute:VirtualMachineScaleSet"
COMPONENT = "vmss:index:CloudInitScaleSet"
SAMPLE = CLOUD_INIT_SAMPLE / "web.yaml"
SITE = CLOUD_INIT_SAMPLE / "site"


@pytest.fixture
def real_cloud_init() -> str:
    return require_cloud_init()


def cloud_init_program(**overrides: Any) -> Any:
    def program() -> CloudInitScaleSet:
        store = artifact_store()
        values: dict[str, Any] = {
            "scale_set": linux_args(),
            "cloud_config": SAMPLE,
            "store": store,
            "artifacts": {"site": Package.from_directory(SITE)},
        }
        values.update(overrides)
        return CloudInitScaleSet("web", CloudInitScaleSetArgs(**values))

    return program


def run(deployment: MockDeployment, **overrides: Any) -> CloudInitScaleSet:
    return deployment.run(cloud_init_program(**overrides))  # type: ignore[no-any-return]


def custom_data_of(vmss: RecordedResource) -> str:
    value = vmss.get("virtualMachineProfile.osProfile.customData")
    assert isinstance(value, str)
    return value


def decoded(custom_data: str) -> bytes:
    data = base64.b64decode(custom_data, validate=True)
    assert len(data) <= CUSTOM_DATA_LIMIT
    return data


def expected_user_data(deployment: MockDeployment, ci: CloudInitScaleSet, template: str) -> str:
    """The template with each placeholder replaced by the values the store really produced."""
    text = template
    for key, artifact in ci.artifacts.items():
        url = deployment.resolve(artifact.url_with_sas).value
        text = text.replace(f"${{artifact:{key}.sha256}}", artifact.sha256)
        text = text.replace(f"${{artifact:{key}}}", url)
    return text


# --- customData is the rendered user data, secret ------------------------------------------


def test_custom_data_is_the_sample_with_placeholders_resolved_and_secret(
    mocked: MockDeployment,
) -> None:
    ci = run(mocked)
    vmss = mocked.resource(VMSS)
    assert vmss.parent == mocked.resource(COMPONENT, "web").urn
    data = decoded(custom_data_of(vmss))
    assert data[:2] != b"\x1f\x8b"  # fits as is: auto does not compress
    text = data.decode()
    expected = expected_user_data(mocked, ci, SAMPLE.read_text())
    assert text == expected
    site = ci.artifacts["site"]
    url = mocked.resolve(site.url_with_sas).value
    assert f"--output \"$work/site.zip\" '{url}'" in text
    assert f"printf '%s  %s\\n' '{site.sha256}'" in text
    assert "${artifact:" not in text and "sig=" in url
    # Secret in the model Azure receives, and as the component's output.
    assert vmss.is_secret("virtualMachineProfile")
    custom_data = mocked.resolve(ci.custom_data)
    assert custom_data.secret and custom_data.value == custom_data_of(vmss)


def test_a_mapping_is_rendered_and_sent_exactly(mocked: MockDeployment) -> None:
    config = {
        "package_update": True,
        "packages": ["nginx"],
        "runcmd": [["sh", "-c", "curl -fsSo /tmp/site.zip '${artifact:site}'"]],
    }
    ci = run(mocked, cloud_config=config)
    text = decoded(custom_data_of(mocked.resource(VMSS))).decode()
    assert text == expected_user_data(mocked, ci, render_cloud_config(config))
    assert text.startswith("#cloud-config\npackage_update: true\npackages:\n  - nginx\n")
    assert ci.user_data_format == "cloud-config"


def test_a_script_as_text_needs_no_store(mocked: MockDeployment) -> None:
    script = "#!/bin/sh\necho hello > /var/tmp/hello\n"
    ci = run(mocked, cloud_config=script, store=None, artifacts={})
    assert decoded(custom_data_of(mocked.resource(VMSS))) == script.encode()
    assert ci.user_data_format == "script"
    assert ci.artifacts == {}
    assert mocked.resolve(ci.custom_data).secret
    assert mocked.resources_of_type("azure-native:storage:Blob") == []


def test_the_artifact_is_published_before_the_scale_set(mocked: MockDeployment) -> None:
    ci = run(mocked)
    blob = mocked.resource("azure-native:storage:Blob")
    package = Package.from_directory(SITE)
    assert blob.get("blobName") == f"web-cloud-init-site/{package.sha256[:16]}/site.zip"
    assert blob.retain_on_delete
    assert blob.urn in mocked.resource(VMSS).dependencies
    assert ci.artifacts["site"].sha256 == package.sha256
    component = mocked.resource(COMPONENT, "web")
    assert component.custom is False


def test_the_stand_in_url_was_at_least_as_long_as_the_real_one(mocked: MockDeployment) -> None:
    ci = run(mocked)
    real = mocked.resolve(ci.artifacts["site"].url_with_sas).value
    with MockDeployment(speedups=True) as again:
        store = again.run(artifact_store)
        planned = resolve_cloud_init(
            "web",
            CloudInitScaleSetArgs(
                scale_set=linux_args(),
                cloud_config="#!/bin/sh\necho '${artifact:site}'\n",
                store=store,
                artifacts={"site": Package.from_directory(SITE)},
            ),
            store.facts,
        )
    stand_in = planned.user_data.planned.user_data.split("'")[1]
    assert stand_in != real
    assert len(real) <= len(stand_in) <= len(real) + 120
    assert stand_in.split("?")[0].endswith(real.split("?")[0].split("/artifacts/", 1)[1])


# --- hash ----------------------------------------------------------------------------------


def keyed_hash(deployment: MockDeployment, data: bytes) -> str:
    """custom_data_hash as the component computes it: keyed by its random tag key."""
    key = deployment.resource("random:index/randomBytes:RandomBytes").outputs["base64"]
    return keyed_digest(str(key.value), data)


def test_the_hash_is_the_keyed_sha256_of_the_decoded_custom_data_and_not_secret(
    mocked: MockDeployment,
) -> None:
    ci = run(mocked)
    data = decoded(custom_data_of(mocked.resource(VMSS)))
    resolved = mocked.resolve(ci.custom_data_hash)
    assert resolved.value == keyed_hash(mocked, data)
    assert resolved.value != hashlib.sha256(data).hexdigest()
    assert not resolved.secret


def test_the_hash_is_stable_and_follows_the_content(tmp_path: Path) -> None:
    def hash_of(**overrides: Any) -> str:
        with MockDeployment(speedups=True) as deployment:
            return str(deployment.resolve(run(deployment, **overrides).custom_data_hash).value)

    first = hash_of()
    assert hash_of() == first
    changed = tmp_path / "web.yaml"
    changed.write_text(SAMPLE.read_text().replace("cloud-init finished", "done"))
    assert hash_of(cloud_config=changed) != first
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>v2</h1>")
    assert hash_of(artifacts={"site": Package.from_directory(site)}) != first


# --- compression -----------------------------------------------------------------------------


def big_config(lines: int) -> dict[str, Any]:
    body = "".join(f"server line {i % 50} of the repeated configuration\n" for i in range(lines))
    return {
        "write_files": [{"path": "/etc/app/big.conf", "content": body}],
        "runcmd": ["curl -fsSo /tmp/site.zip '${artifact:site}'"],
    }


def test_auto_gzips_a_document_that_would_not_fit(mocked: MockDeployment) -> None:
    config = big_config(2000)
    ci = run(mocked, cloud_config=config)
    data = decoded(custom_data_of(mocked.resource(VMSS)))
    assert data[:2] == b"\x1f\x8b"
    text = gzip.decompress(data).decode()
    assert len(text.encode()) > CUSTOM_DATA_LIMIT
    assert text == expected_user_data(mocked, ci, render_cloud_config(config))
    assert mocked.resolve(ci.custom_data_hash).value == keyed_hash(mocked, data)


def test_always_gzips_even_a_small_document(mocked: MockDeployment) -> None:
    ci = run(mocked, compress="always")
    data = decoded(custom_data_of(mocked.resource(VMSS)))
    assert data[:2] == b"\x1f\x8b"
    assert gzip.decompress(data).decode() == expected_user_data(mocked, ci, SAMPLE.read_text())


def test_never_refuses_a_document_over_the_limit_saying_by_how_much(
    mocked: MockDeployment,
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        run(mocked, cloud_config=big_config(2000), compress="never")
    assert caught.value.path == "cloud_config"
    assert "bytes over the limit" in str(caught.value) and "65,535" in str(caught.value)
    assert mocked.resources_of_type(COMPONENT) == []
    assert mocked.resources_of_type(VMSS) == []


def test_a_document_too_big_even_gzipped_is_refused(mocked: MockDeployment) -> None:
    # Hex digests barely compress: about 190 KB of them stay near 100 KB gzipped.
    rows = [hashlib.sha256(f"{i}".encode()).hexdigest() for i in range(3000)]
    with pytest.raises(ConfigurationError, match=r"gzipped it is [\d,]+ bytes .* over the limit"):
        run(
            mocked,
            cloud_config={"write_files": [{"path": "/x", "content": "\n".join(rows)}]},
            store=None,
            artifacts={},
        )
    assert mocked.resources_of_type(VMSS) == []


# --- invalid user data is refused before any resource ---------------------------------------


@pytest.mark.parametrize(
    ("cloud_config", "message"),
    [
        ("#cloud-config\npackages: nginx\n", "<value> is not of type 'array'"),
        ({"write_files": [{"path": "/a", "permissions": 420}]}, "420 is not of type 'string'"),
        ("#cloud-config\nruncmd: [\n", "is not valid yaml"),
    ],
)
def test_invalid_cloud_configs_are_refused_with_cloud_inits_message(
    real_cloud_init: str, deployment: MockDeployment, cloud_config: Any, message: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        run(deployment, cloud_config=cloud_config, store=None, artifacts={})
    assert caught.value.path == "cloud_config"
    assert message in str(caught.value) and "schema rejected it" in str(caught.value)
    assert deployment.resources_of_type(COMPONENT) == []


def test_an_unknown_format_is_refused(deployment: MockDeployment) -> None:
    with pytest.raises(ConfigurationError) as caught:
        run(deployment, cloud_config="packages: [nginx]\n", store=None, artifacts={})
    assert caught.value.path == "cloud_config"
    assert "unknown user-data format" in str(caught.value)
    assert deployment.resources_of_type(COMPONENT) == []


def test_the_sample_passes_the_real_cloud_init(
    real_cloud_init: str, mocked: MockDeployment
) -> None:
    run(mocked)
    assert not any("skipped" in w for w in mocked.warnings)


def test_without_cloud_init_one_warning_says_the_schema_check_was_skipped(
    monkeypatch: pytest.MonkeyPatch, mocked: MockDeployment
) -> None:
    monkeypatch.setattr(schema, "cloud_init_command", lambda: None)
    run(mocked)
    skipped = [w for w in mocked.warnings if "schema validation skipped" in w]
    assert len(skipped) == 1 and skipped[0].startswith("web: cloud_config: ")
    # Another program: names are unique within one.
    with (
        MockDeployment(speedups=True) as again,
        pytest.raises(
            ConfigurationError, match="packages: a value of type str is not of type 'array'"
        ),
    ):
        run(again, cloud_config="#cloud-config\npackages: nginx\n")


def test_cloud_init_deprecations_are_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mocked: MockDeployment
) -> None:
    tool = tmp_path / "cloud-init"
    tool.write_text(
        "#!/bin/sh\n"
        'echo "Cloud config schema deprecations: apt_update: DEPRECATED. Use package_update."\n'
    )
    tool.chmod(0o755)
    monkeypatch.setattr(schema, "cloud_init_command", lambda: str(tool))
    run(mocked, cloud_config="#cloud-config\napt_update: true\n", store=None, artifacts={})
    assert "web: cloud-init deprecation: apt_update: DEPRECATED. Use package_update." in (
        mocked.warnings
    )


def test_an_unknown_placeholder_names_the_key(deployment: MockDeployment) -> None:
    with pytest.raises(ConfigurationError) as caught:
        run(deployment, cloud_config="#!/bin/sh\ncurl -O '${artifact:app}'\n")
    assert caught.value.path == "cloud_config"
    assert "'app'" in str(caught.value) and "known: site" in str(caught.value)
    assert deployment.resources_of_type(COMPONENT) == []


def test_an_unused_artifact_is_warned_about(mocked: MockDeployment) -> None:
    run(mocked, cloud_config="#!/bin/sh\necho no artifacts here\n")
    assert any("site are published but no" in w for w in mocked.warnings)


# --- the Linux-only rule and other arguments -----------------------------------------------


def test_a_windows_image_is_refused(deployment: MockDeployment) -> None:
    windows = ImageReference(
        publisher="MicrosoftWindowsServer", offer="WindowsServer", sku="2022-datacenter"
    )
    with pytest.raises(ConfigurationError) as caught:
        run(deployment, scale_set=linux_args(image=windows))
    assert caught.value.path == "scale_set.image"
    assert "windows image" in str(caught.value) and "linux" in str(caught.value)
    assert deployment.resources_of_type(COMPONENT) == []


def test_a_linux_scale_set_logs_in_with_ssh_keys(mocked: MockDeployment) -> None:
    ci = run(mocked)
    vmss = mocked.resource(VMSS)
    assert ci.os == "linux"
    assert vmss.get("virtualMachineProfile.osProfile.linuxConfiguration.ssh.publicKeys") == [
        {"path": "/home/azureuser/.ssh/authorized_keys", "keyData": SSH_KEY}
    ]
    assert vmss.get("virtualMachineProfile.storageProfile.imageReference.publisher") == "Canonical"
    with MockDeployment(speedups=True) as again, pytest.raises(ConfigurationError) as caught:
        run(again, scale_set=scale_set_args())
    assert caught.value.path == "scale_set.ssh_public_keys"


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"store": None}, "store"),
        ({"artifacts": {"Site": Package.from_content("a.txt", "a")}}, "artifacts"),
        ({"artifacts": {"site.v2": Package.from_content("a.txt", "a")}}, "artifacts"),
        ({"artifacts": {"site": Path("site.zip")}}, "artifacts.site"),
        ({"artifacts": ["site"]}, "artifacts"),
        ({"store": "store"}, "store"),
        ({"compress": "gzip"}, "compress"),
        ({"cloud_config": b"#cloud-config\n"}, "cloud_config"),
        ({"cloud_config": 42}, "cloud_config"),
        ({"scale_set": "Standard_D2s_v5"}, "scale_set"),
        ({"cloud_config": Path("/nonexistent/user-data")}, "cloud_config"),
        ({"cloud_config": {"runcmd": [pulumi.Output.from_input("x")]}}, "cloud_config.runcmd[0]"),
    ],
)
def test_bad_arguments(mocked: MockDeployment, overrides: dict[str, Any], path: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        run(mocked, **overrides)
    assert caught.value.path == path
    assert mocked.resources_of_type(COMPONENT) == []


# --- rollout honesty -------------------------------------------------------------------------


def test_manual_upgrades_warn_that_instances_need_a_reimage(mocked: MockDeployment) -> None:
    run(mocked, scale_set=linux_args(upgrade=UpgradePolicy(mode="Manual")))
    reimage = [w for w in mocked.warnings if "reimaged" in w]
    assert len(reimage) == 1
    assert "custom_data_hash" in reimage[0] and "latest model" in reimage[0]


def test_automatic_upgrades_do_not_warn(mocked: MockDeployment) -> None:
    run(mocked)
    assert not any("reimaged" in w for w in mocked.warnings)


# --- outputs and modes -----------------------------------------------------------------------


def test_outputs(mocked: MockDeployment) -> None:
    ci = run(mocked)
    assert mocked.resolve(ci.vmss_name).value == "web-vmss"
    assert mocked.resolve(ci.vmss_id).value.endswith("/virtualMachineScaleSets/web-vmss")
    assert ci.admin_password is None
    assert list(ci.artifacts) == ["site"]
    component = mocked.resource(COMPONENT, "web")
    assert component.type == COMPONENT


def test_both_modes_construct_and_keep_custom_data_secret(deployment: MockDeployment) -> None:
    ci = run(deployment)
    vmss = deployment.resource(VMSS)
    assert vmss.is_secret("virtualMachineProfile")
    custom_data = deployment.resolve(ci.custom_data)
    assert custom_data.secret
    if deployment.preview:
        # The SAS token is known only once the store exists: so is the customData.
        assert not custom_data.known
        assert not deployment.resolve(ci.custom_data_hash).known
        assert deployment.calls_to("azure-native:storage:listStorageAccountServiceSAS") == []
    else:
        assert custom_data.known
        assert decoded(custom_data.value).decode() == expected_user_data(
            deployment, ci, SAMPLE.read_text()
        )


def test_preview_of_plain_user_data_is_known_and_secret(previewed: MockDeployment) -> None:
    script = "#!/bin/sh\necho hello\n"
    ci = run(previewed, cloud_config=script, store=None, artifacts={})
    custom_data = previewed.resolve(ci.custom_data)
    assert custom_data.known and custom_data.secret
    assert decoded(custom_data.value) == script.encode()
    # The hash is keyed by a random key, which a new stack creates only when it is updated.
    assert not previewed.resolve(ci.custom_data_hash).known
