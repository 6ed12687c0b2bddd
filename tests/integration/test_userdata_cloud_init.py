"""vmss_components.userdata against Debian's real cloud-init: the schema check, its messages
and annotations, MIME parts, and the size check on a limit-sized document."""

from __future__ import annotations

import pytest
from helpers import CLOUD_INIT_SAMPLE, require_cloud_init
from helpers.userdata import SITE_SHA, big_cloud_config, mime_archive

from vmss_components import ConfigurationError
from vmss_components.userdata import (
    CUSTOM_DATA_LIMIT,
    ArtifactValues,
    check_user_data,
    render_cloud_config,
    stand_in_url,
    validate_user_data,
)


@pytest.fixture
def real_cloud_init() -> str:
    return require_cloud_init()


def test_the_sample_passes_the_real_schema(real_cloud_init: str) -> None:
    template = (CLOUD_INIT_SAMPLE / "web.yaml").read_text()
    checked = check_user_data(
        CLOUD_INIT_SAMPLE / "web.yaml",
        stand_ins={
            "site": ArtifactValues(
                url=stand_in_url("k/0/site.zip", sas_expiry="2027-05-22T00:00:00Z"), sha256=SITE_SHA
            )
        },
    )
    assert checked.template == template
    assert checked.format == "cloud-config"
    assert checked.keys == {"site"}
    assert checked.validation.schema_checked_by is not None
    assert checked.validation.schema_checked_by.startswith("cloud-init ")
    assert checked.validation.skipped is None


def test_a_valid_cloud_config_passes_the_real_schema(real_cloud_init: str) -> None:
    text = render_cloud_config(
        {"packages": ["nginx"], "runcmd": ["systemctl enable --now nginx"], "timezone": "UTC"}
    )
    validation = validate_user_data(text)
    assert validation.format == "cloud-config"
    assert validation.schema_checked_by is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # A wrong type for a known key, in cloud-init's own words.
        ("#cloud-config\npackages: nginx\n", "<value> is not of type 'array'"),
        ("#cloud-config\nruncmd: 42\n", "42 is not of type 'array'"),
        (
            "#cloud-config\nwrite_files:\n  - path: /etc/motd\n    permissions: 0644\n",
            "420 is not of type 'string'",
        ),
        ("#cloud-config\npackage_update: sometimes\n", "<value> is not of type 'boolean'"),
        # A malformed document.
        ("#cloud-config\npackages: [nginx\n", "is not valid yaml"),
        ("#cloud-config\nruncmd:\n  - echo: a: b\n", "is not valid yaml"),
        ("#cloud-config\n- nginx\n", "Cloud-config is not a YAML dict"),
    ],
)
def test_invalid_cloud_configs_are_rejected_with_cloud_inits_message(
    real_cloud_init: str, text: str, message: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        validate_user_data(text)
    error = str(caught.value)
    assert caught.value.path == "cloud_config"
    assert message in error
    assert "cloud-init " in error and "schema rejected it" in error


def test_the_annotation_points_at_the_offending_line(real_cloud_init: str) -> None:
    text = "#cloud-config\ntimezone: UTC\npackages: nginx\n"
    with pytest.raises(ConfigurationError) as caught:
        validate_user_data(text)
    assert "line 3 (packages): # E1" in str(caught.value)
    assert "/tmp" not in str(caught.value)  # messages name the document, not a temporary path


def test_cloud_config_parts_of_a_mime_archive_are_validated(real_cloud_init: str) -> None:
    good = mime_archive("packages: [nginx]\n")
    assert validate_user_data(good).format == "mime-multipart"
    with pytest.raises(ConfigurationError) as caught:
        validate_user_data(mime_archive("packages: nginx\n"))
    assert caught.value.path == "cloud_config.parts[0]"
    assert "<value> is not of type 'array'" in str(caught.value)


def test_the_size_check_sees_the_resolved_urls() -> None:
    # Fits with the placeholders, not once each becomes a SAS URL.
    filler = big_cloud_config(CUSTOM_DATA_LIMIT - 200)
    template = filler + "runcmd:\n" + "  - curl -O ${artifact:site}\n" * 5
    assert len(template.encode()) < CUSTOM_DATA_LIMIT
    stand_in = ArtifactValues(
        url=stand_in_url(
            "web-cloud-init-site/c2ab784849868000/site.zip", sas_expiry="2027-05-22T00:00:00Z"
        ),
        sha256=SITE_SHA,
    )
    with pytest.raises(ConfigurationError, match="over the limit"):
        check_user_data(template, stand_ins={"site": stand_in}, compress="never")
    assert check_user_data(template, stand_ins={"site": stand_in}).planned.compressed
