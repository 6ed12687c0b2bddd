"""vmss_components.userdata: rendering, formats, placeholders, validation (real and structural),
customData encoding and its size limit."""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import random
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import CLOUD_INIT_SAMPLE, require_cloud_init
from helpers.userdata import SITE, SITE_SHA, SITE_URL, big_cloud_config

from vmss_components import ConfigurationError
from vmss_components.userdata import (
    CUSTOM_DATA_LIMIT,
    check_user_data,
    decode_custom_data,
    detect_format,
    encode_custom_data,
    find_placeholders,
    read_user_data,
    render_cloud_config,
    resolve_placeholders,
    schema,
    stand_in_url,
    validate_user_data,
)


@pytest.fixture
def real_cloud_init() -> str:
    return require_cloud_init()


@pytest.fixture
def without_cloud_init(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "cloud_init_command", lambda: None)


def fake_cloud_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """A stand-in ``cloud-init`` executable (a shell script) for testing how output is read."""
    tool = tmp_path / "bin" / "cloud-init"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\n" + textwrap.dedent(script))
    tool.chmod(0o755)
    monkeypatch.setattr(schema, "cloud_init_command", lambda: str(tool))


# --- rendering ------------------------------------------------------------------------------


def test_a_mapping_renders_with_the_header_in_the_order_given() -> None:
    text = render_cloud_config(
        {
            "package_update": True,
            "packages": ["nginx", ["curl", "8.5.0-2ubuntu10"]],
            "write_files": [{"path": "/etc/motd", "content": "line 1\nline 2\n"}],
            "runcmd": [["systemctl", "restart", "nginx"]],
        }
    )
    assert text == textwrap.dedent(
        """\
        #cloud-config
        package_update: true
        packages:
          - nginx
          - - curl
            - 8.5.0-2ubuntu10
        write_files:
          - path: /etc/motd
            content: |
              line 1
              line 2
        runcmd:
          - - systemctl
            - restart
            - nginx
        """
    )


def test_values_that_are_not_plain_data_are_refused_with_their_path() -> None:
    with pytest.raises(ConfigurationError) as caught:
        render_cloud_config({"write_files": [{"path": "/a", "content": object()}]})
    assert caught.value.path == "cloud_config.write_files[0].content"
    with pytest.raises(ConfigurationError) as caught:
        render_cloud_config({"users": {1: "x"}})
    assert caught.value.path == "cloud_config.users"


def test_a_path_is_a_file_and_a_str_is_content(tmp_path: Path) -> None:
    file = tmp_path / "user-data.yaml"
    file.write_text("#cloud-config\npackages: [nginx]\n")
    assert read_user_data(file) == "#cloud-config\npackages: [nginx]\n"
    # A string naming a file is content, never a path: and not a format cloud-init knows.
    with pytest.raises(ConfigurationError) as caught:
        detect_format(read_user_data(str(file)))
    assert "unknown user-data format" in str(caught.value)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (Path("/nonexistent/user-data"), "cannot read"),
        ("   \n", "empty"),
        ({}, "empty"),
        (b"#cloud-config\n", "expected a mapping"),
    ],
)
def test_unreadable_or_empty_user_data(source: Any, reason: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        read_user_data(source)
    assert caught.value.path == "cloud_config"
    assert reason in str(caught.value)


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    file = tmp_path / "user-data"
    file.write_bytes(b"#cloud-config\nfinal_message: \xff\n")
    with pytest.raises(ConfigurationError, match="not UTF-8"):
        read_user_data(file)


# --- formats --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        ("#cloud-config", "cloud-config"),
        ("#cloud-config-archive", "cloud-config-archive"),
        ("#!/bin/bash", "script"),
        ("#!/usr/bin/env python3", "script"),
        ("#cloud-boothook", "boothook"),
        ("#include", "include"),
        ("#include-once", "include-once"),
        ("## template: jinja", "jinja"),
        ("#part-handler", "part-handler"),
        ('Content-Type: multipart/mixed; boundary="==x=="', "mime-multipart"),
        ("MIME-Version: 1.0", "mime-multipart"),
    ],
)
def test_formats_are_told_by_their_first_line(first_line: str, expected: str) -> None:
    text = f"{first_line}\nMIME-Version: 1.0\n" if "multipart" in first_line else first_line
    assert detect_format(text + "\nrest\n") == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("packages: [nginx]\n", "unknown user-data format"),
        ("\ufeff#cloud-config\n", "byte-order mark"),
        ("#cloud-config-jsonp\n{}", "removed"),
        ("#upstart-job\n", "Upstart"),
        ("Content-Type: multipart/mixed; boundary=x\n\n--x--\n", "MIME-Version"),
        ("<powershell>Install-WindowsFeature Web-Server</powershell>", "unknown user-data format"),
    ],
)
def test_anything_else_is_refused(text: str, reason: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        detect_format(text)
    assert caught.value.path == "cloud_config"
    assert reason in str(caught.value)


# --- placeholders ---------------------------------------------------------------------------


def test_placeholders_become_the_url_and_the_digest() -> None:
    template = "#!/bin/sh\ncurl -o /tmp/s.zip '${artifact:site}'\necho '${artifact:site.sha256}'\n"
    found = find_placeholders(template, {"site"})
    assert [(p.key, p.field) for p in found] == [("site", "url"), ("site", "sha256")]
    assert resolve_placeholders(template, SITE) == (
        f"#!/bin/sh\ncurl -o /tmp/s.zip '{SITE_URL}'\necho '{SITE_SHA}'\n"
    )


def test_shell_variables_are_left_alone() -> None:
    template = "#!/bin/sh\necho ${HOME} ${artifact_dir:-/opt} $artifact\n"
    assert find_placeholders(template, set()) == ()
    assert resolve_placeholders(template, {}) == template


def test_an_unknown_placeholder_key_is_an_error_naming_it() -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve_placeholders("#!/bin/sh\ncurl ${artifact:sit}\n", SITE)
    assert caught.value.path == "cloud_config"
    assert "'sit'" in str(caught.value) and "known: site" in str(caught.value)


@pytest.mark.parametrize("body", ["site.md5", "Site", "", "site.sha256.x", "my_app"])
def test_a_malformed_placeholder_is_an_error(body: str) -> None:
    with pytest.raises(ConfigurationError, match="is not a placeholder"):
        find_placeholders(f"#!/bin/sh\necho ${{artifact:{body}}}\n", {"site"})


def test_the_stand_in_url_is_a_realistic_sas_url() -> None:
    url = stand_in_url(
        "web-cloud-init-site/c2ab784849868000/site.zip", sas_expiry="2027-05-22T00:00:00Z"
    )
    assert url.startswith("https://") and ".blob.core.windows.net/" in url
    host = url.split("/")[2]
    assert len(host.split(".")[0]) == 24  # Azure's longest account name
    assert "/web-cloud-init-site/c2ab784849868000/site.zip?" in url
    query = url.split("?", 1)[1]
    assert "se=2027-05-22T00%3A00%3A00Z" in query and "sr=b" in query and "sp=r" in query
    signature = query.split("sig=", 1)[1]
    assert (
        len(base64.b64decode(signature.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=")))
        == 32
    )
    assert 280 <= len(url) <= 400


# --- validation with the real cloud-init ----------------------------------------------------


def test_other_formats_get_their_own_checks() -> None:
    assert validate_user_data("#!/bin/sh\necho hi\n").schema_checked_by is None
    assert validate_user_data("#include\nhttps://example.com/a.yaml\n").format == "include"
    with pytest.raises(ConfigurationError, match="not http"):
        validate_user_data("#include\n/etc/passwd\n")
    assert (
        validate_user_data(
            "#cloud-config-archive\n- type: text/cloud-config\n  content: 'a: 1'\n"
        ).format
        == "cloud-config-archive"
    )
    with pytest.raises(ConfigurationError, match="non-empty YAML list"):
        validate_user_data("#cloud-config-archive\na: 1\n")
    assert (
        validate_user_data(
            "## template: jinja\n#cloud-config\nhostname: {{ v1.local_hostname }}\n"
        ).format
        == "jinja"
    )
    with pytest.raises(ConfigurationError, match="next line"):
        validate_user_data("## template: jinja\nhostname: x\n")


# --- how the tool's output is read (a stand-in executable) ----------------------------------


def test_a_newer_cloud_init_that_fails_annotated_runs_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_cloud_init(
        tmp_path,
        monkeypatch,
        """\
        case "$*" in
          --version) echo "/usr/bin/cloud-init 24.4.1"; exit 0;;
          *--annotate*)
            cat "$3"
            printf '\\n# Errors: -------------\\n# E1: from the future\\n'
            exit 1;;
          *)
            echo "Invalid user-data $3"
            echo "Error: Cloud config schema errors: x: from the future" >&2
            exit 1;;
        esac
        """,
    )
    with pytest.raises(ConfigurationError) as caught:
        validate_user_data("#cloud-config\nx: 1\n")
    assert "cloud-init 24.4.1 schema rejected it" in str(caught.value)
    assert "# E1: from the future" in str(caught.value)


def test_a_failure_without_annotations_quotes_the_plain_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_cloud_init(
        tmp_path,
        monkeypatch,
        """\
        case "$*" in
          --version) echo "/usr/bin/cloud-init 22.4.2"; exit 0;;
          *--annotate*) echo "Traceback (most recent call last):" >&2; exit 1;;
          *)
            echo "Error:" >&2
            echo "Cloud config schema errors: y.0.z: 1 is not of type string" >&2
            exit 1;;
        esac
        """,
    )
    with pytest.raises(ConfigurationError) as caught:
        validate_user_data("#cloud-config\ny: [{z: 1}]\n")
    assert "Cloud config schema errors: y.0.z: 1 is not of type string" in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_deprecations_are_returned_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_cloud_init(
        tmp_path,
        monkeypatch,
        """\
        case "$*" in
          --version) echo "/usr/bin/cloud-init 22.4.2"; exit 0;;
          *) echo "Cloud config schema deprecations: apt_update: DEPRECATED. Use package_update."
             echo "Valid cloud-config: $3";;
        esac
        """,
    )
    validation = validate_user_data("#cloud-config\napt_update: true\n")
    assert validation.deprecations == ("apt_update: DEPRECATED. Use package_update.",)


def test_the_tool_runs_without_this_virtualenv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "environment"
    fake_cloud_init(
        tmp_path,
        monkeypatch,
        f"""\
        env > {seen}
        pwd >> {seen}
        echo "/usr/bin/cloud-init 22.4.2"
        """,
    )
    monkeypatch.setenv("PYTHONPATH", "/somewhere/site-packages")
    monkeypatch.setenv("VIRTUAL_ENV", "/somewhere")
    validate_user_data("#cloud-config\nhostname: env-check\n")
    recorded = seen.read_text()
    assert "PYTHONPATH" not in recorded and "VIRTUAL_ENV" not in recorded
    assert "/cloud-init-schema-" in recorded  # ran inside its own temporary folder


# --- validation without cloud-init ----------------------------------------------------------


@pytest.mark.usefixtures("without_cloud_init")
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "#cloud-config\npackages: nginx\n",
            "packages: a value of type str is not of type 'array'",
        ),
        ("#cloud-config\nruncmd: 42\n", "runcmd: a value of type int is not of type 'array'"),
        (
            "#cloud-config\npackage_update: sometimes\n",
            "a value of type str is not of type 'boolean'",
        ),
        (
            "#cloud-config\nusers: 7\n",
            "users: a value of type int is not of type 'string', 'array', 'object'",
        ),
        (
            "#cloud-config\nwrite_files:\n  - path: /etc/motd\n    permissions: 0644\n",
            "write_files.0.permissions: a value of type int is not of type 'string'",
        ),
        ("#cloud-config\nwrite_files:\n  - content: x\n", "'path' is a required property"),
        ("#cloud-config\nwrite_files:\n  - path: /a\n    mode: '0644'\n", "'mode' is not allowed"),
        (
            "#cloud-config\nwrite_files:\n  - path: /a\n    encoding: zip\n",
            "encoding: the value is not one of",
        ),
        ("#cloud-config\npackages: [[nginx]]\n", "packages.0"),
        ("#cloud-config\nruncmd: [{a: b}]\n", "runcmd.0"),
        ("#cloud-config\npackages: []\n", "too short"),
        ("#cloud-config\npackages: [nginx\n", "not valid YAML"),
        ("#cloud-config\n- nginx\n", "must be a YAML mapping"),
        ("#cloud-config\n", "got nothing"),
    ],
)
def test_without_cloud_init_structural_checks_reject(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        validate_user_data(text)
    assert caught.value.path == "cloud_config"
    assert message in str(caught.value)


@pytest.mark.usefixtures("without_cloud_init")
def test_without_cloud_init_one_line_says_the_schema_check_was_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="vmss_components.userdata.schema")
    validation = validate_user_data((CLOUD_INIT_SAMPLE / "web.yaml").read_text())
    assert validation.schema_checked_by is None
    assert validation.skipped is not None and "skipped" in validation.skipped
    lines = [r.getMessage() for r in caplog.records if r.name == "vmss_components.userdata.schema"]
    assert lines == [validation.skipped]
    assert "cloud-init command is not installed" in lines[0]
    collected: list[str] = []
    validate_user_data("#cloud-config\nhostname: web\n", log=collected.append)
    assert len(collected) == 1 and "skipped" in collected[0]


@pytest.mark.usefixtures("without_cloud_init")
def test_without_cloud_init_scripts_need_no_schema_and_log_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="vmss_components.userdata.schema")
    assert validate_user_data("#!/bin/sh\necho hi\n").skipped is None
    assert caplog.records == []


# --- encoding and the size limit ------------------------------------------------------------


def test_auto_keeps_text_that_fits_as_is() -> None:
    text = "#cloud-config\npackages: [nginx]\n"
    encoded = encode_custom_data(text)
    assert not encoded.compressed
    assert base64.b64decode(encoded.custom_data) == text.encode() == encoded.data
    assert encoded.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert decode_custom_data(encoded.custom_data) == text


def test_auto_gzips_only_when_needed_to_fit() -> None:
    at_limit = big_cloud_config(CUSTOM_DATA_LIMIT)
    assert not encode_custom_data(at_limit).compressed
    over = big_cloud_config(CUSTOM_DATA_LIMIT + 1)
    encoded = encode_custom_data(over)
    assert encoded.compressed
    assert encoded.size < CUSTOM_DATA_LIMIT
    assert gzip.decompress(base64.b64decode(encoded.custom_data)).decode() == over
    assert encoded.sha256 == hashlib.sha256(encoded.data).hexdigest()


def test_always_gzips_and_never_does_not() -> None:
    text = "#cloud-config\npackages: [nginx]\n"
    always = encode_custom_data(text, "always")
    assert always.compressed and always.data[:2] == b"\x1f\x8b"
    assert decode_custom_data(always.custom_data) == text
    never = encode_custom_data(big_cloud_config(CUSTOM_DATA_LIMIT), "never")
    assert not never.compressed and never.size == CUSTOM_DATA_LIMIT


def test_gzip_is_deterministic() -> None:
    text = big_cloud_config(100_000)
    first = encode_custom_data(text, "always")
    assert encode_custom_data(text, "always") == first
    assert first.data[4:8] == b"\0\0\0\0"  # no timestamp in the header


def test_never_over_the_limit_says_by_how_much() -> None:
    with pytest.raises(ConfigurationError) as caught:
        encode_custom_data(big_cloud_config(CUSTOM_DATA_LIMIT + 1), "never")
    message = str(caught.value)
    assert caught.value.path == "cloud_config"
    assert "it is 65,536 bytes" in message and "1 byte over the limit" in message
    assert "compress='auto'" in message
    with pytest.raises(ConfigurationError, match="34,465 bytes over the limit"):
        encode_custom_data(big_cloud_config(100_000), "never")


def test_incompressible_data_over_the_limit_says_by_how_much() -> None:
    noise = base64.b64encode(random.Random(7).randbytes(80_000)).decode()
    text = f"#cloud-config\nwrite_files:\n  - path: /opt/blob\n    content: {noise}\n"
    for mode in ("auto", "always"):
        with pytest.raises(ConfigurationError) as caught:
            encode_custom_data(text, mode)
        message = str(caught.value)
        size = len(gzip_bytes(text))
        assert f"gzipped it is {size:,} bytes" in message
        assert f"{size - CUSTOM_DATA_LIMIT:,} bytes over the limit" in message


def gzip_bytes(text: str) -> bytes:
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


def test_an_unknown_compress_mode() -> None:
    with pytest.raises(ConfigurationError) as caught:
        encode_custom_data("#!/bin/sh\n", "maybe")  # type: ignore[arg-type]
    assert caught.value.path == "compress"


def test_check_user_data_refuses_unknown_keys_before_validating(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(schema, "cloud_init_command", lambda: pytest.fail("validated"))
    with pytest.raises(ConfigurationError, match="'app'"):
        check_user_data("#!/bin/sh\ncurl ${artifact:app}\n", stand_ins=SITE)


def test_the_sample_checks_the_download_before_unpacking() -> None:
    sample = yaml.safe_load((CLOUD_INIT_SAMPLE / "web.yaml").read_text())
    assert sample["packages"] == ["nginx", "unzip", "curl"]
    script = sample["write_files"][0]["content"]
    assert "'${artifact:site}'" in script and "sha256sum --check" in script
    assert sample["write_files"][0]["permissions"] == "0700"
