"""Issue 15, point 3: cloud-config is checked inside every container cloud-init opens, and user
data is read as cloud-init reads it (headers, ``#include`` lines, YAML tags); settings that
weaken security give a warning without their values.

Where Debian's cloud-init is installed, its own ``UserDataProcessor`` (run by the system
Python) is the oracle: the cloud-configs found here are the ones cloud-init finds.
"""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml

from vmss_components import ConfigurationError
from vmss_components.userdata import check_user_data, cloud_init_command, schema
from vmss_components.userdata.formats import cloud_config_documents, detect_format

SECRET = "S3cret-Pw-not-for-logs"
BAD = "runcmd: 5\n"  # cloud-init: 5 is not of type 'array'


def both_ways(text: str) -> list[Any]:
    """check_user_data with cloud-init's schema tool (when installed) and without it."""
    results: list[Any] = []
    if cloud_init_command() is not None:
        results.append(lambda: check_user_data(text))
    results.append(lambda: _fallback(text))
    return results


def _fallback(text: str) -> Any:
    with mock.patch.object(schema, "cloud_init_command", lambda: None):
        return check_user_data(text, log=lambda line: None)


def refused_everywhere(text: str, path: str) -> list[ConfigurationError]:
    errors = []
    for run in both_ways(text):
        with pytest.raises(ConfigurationError) as caught:
            run()
        assert caught.value.path == path, caught.value
        errors.append(caught.value)
    return errors


def mime(*parts: tuple[str, str | bytes], encoding: str | None = None) -> str:
    lines = ['Content-Type: multipart/mixed; boundary="XX"', "MIME-Version: 1.0", ""]
    for kind, content in parts:
        lines += ["--XX", f"Content-Type: {kind}"]
        if encoding == "base64":
            data = content if isinstance(content, bytes) else content.encode()
            lines += ["Content-Transfer-Encoding: base64", "", base64.b64encode(data).decode()]
        else:
            assert isinstance(content, str)
            lines += ["", content]
    lines += ["--XX--", ""]
    return "\n".join(lines)


# --- Headers as cloud-init reads them -------------------------------------------------------


@pytest.mark.rule("cloud-init-header-as-read", path="cloud_config", case="valid")
@pytest.mark.parametrize(
    "text",
    [
        "#Cloud-Config\nruncmd: [ls]\n",
        "#CLOUD-CONFIG\nruncmd: [ls]\n",
        "\n#cloud-config\nruncmd: [ls]\n",
        "  \n\t\n#cloud-config\nruncmd: [ls]\n",
        "\r\n#cloud-config\r\nruncmd: [ls]\r\n",
    ],
    ids=["title-case", "upper-case", "blank-line", "spaces-and-tabs", "crlf"],
)
def test_headers_cloud_init_reads_are_accepted_and_checked(text: str) -> None:
    assert detect_format(text) == "cloud-config"
    for run in both_ways(text):
        run()
    refused_everywhere(text.replace("runcmd: [ls]", "runcmd: 5"), "cloud_config")


@pytest.mark.rule("cloud-init-header-as-read", path="cloud_config", case="violation")
@pytest.mark.parametrize(
    "text",
    ["\ufeff#cloud-config\nruncmd: [ls]\n", "# cloud-config\nruncmd: [ls]\n", "runcmd: [ls]\n"],
    ids=["byte-order-mark", "space-after-hash", "no-header"],
)
def test_what_cloud_init_does_not_read_is_refused(text: str) -> None:
    with pytest.raises(ConfigurationError):
        detect_format(text)


def test_the_schema_tool_gets_the_header_first() -> None:
    (document, path) = cloud_config_documents("\n\n#Cloud-Config\nruncmd: [ls]\n", "cloud-config")[
        0
    ]
    assert document == "#cloud-config\nruncmd: [ls]\n" and path == "cloud_config"


# --- #include -------------------------------------------------------------------------------


@pytest.mark.rule("cloud-init-include-lines", path="cloud_config", case="valid")
@pytest.mark.parametrize(
    "text",
    [
        "#include https://example.com/a.yaml\n",
        "#include-once https://example.com/a.yaml\n",
        "#INCLUDE https://example.com/a.yaml\nhttps://example.com/b.yaml\n",
        "#include\n# a comment\nhttps://example.com/a.yaml\n",
    ],
)
def test_include_urls_are_read_as_cloud_init_reads_them(text: str) -> None:
    assert check_user_data(text).format in ("include", "include-once")


@pytest.mark.rule("cloud-init-include-lines", path="cloud_config", case="violation")
@pytest.mark.parametrize(
    "text", ["#include\n", "#include /etc/passwd\n", "#include\nhttps://a\nftp://b\n"]
)
def test_include_without_http_urls_is_refused(text: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        check_user_data(text)
    assert caught.value.path == "cloud_config"


# --- YAML tags ------------------------------------------------------------------------------


@pytest.mark.rule("cloud-init-yaml-loader", path="cloud_config", case="valid")
@pytest.mark.parametrize(
    "text",
    [
        "#cloud-config\nruncmd: [!!python/unicode 'echo hi']\n",
        "#cloud-config\nwrite_files:\n- path: /etc/x\n  content: !!binary aGVsbG8=\n",
    ],
    ids=["python-unicode", "binary-content"],
)
def test_tags_cloud_inits_loader_accepts_are_accepted(text: str) -> None:
    for run in both_ways(text):
        run()


@pytest.mark.rule("cloud-init-yaml-loader", path="cloud_config", case="violation")
@pytest.mark.parametrize(
    "text",
    [
        "#cloud-config\nruncmd: [!!python/object/apply:os.system ['ls']]\n",
        "#cloud-config\nruncmd: " + "[" * 1000 + "\n",
        "#cloud-config\nruncmd: [" * 2 + "\n",
    ],
    ids=["python-object", "deep-nesting", "unclosed"],
)
def test_what_cloud_inits_loader_refuses_is_refused(text: str) -> None:
    for run in both_ways(text):
        with pytest.raises(ConfigurationError) as caught:
            run()
        assert caught.value.path == "cloud_config"


def test_binary_content_is_never_printed() -> None:
    text = f"#cloud-config\nruncmd: !!binary {base64.b64encode(SECRET.encode()).decode()}\n"
    with pytest.raises(ConfigurationError) as caught:
        _fallback(text)
    assert SECRET not in str(caught.value)


# --- Containers -----------------------------------------------------------------------------


@pytest.mark.rule("cloud-config-in-every-container", path="cloud_config", case="violation")
@pytest.mark.parametrize(
    ("text", "path"),
    [
        (f"#cloud-config-archive\n- type: text/cloud-config\n  content: '{BAD}'\n",
         "cloud_config[0].content"),
        (f"#cloud-config-archive\n- '#cloud-config\n\n  {BAD}'\n", "cloud_config[0].content"),
        (f"#cloud-config-archive\n- content: '{BAD}'\n", "cloud_config[0].content"),
        (mime(("text/x-shellscript", "#!/bin/sh\necho"), ("text/cloud-config", BAD)),
         "cloud_config.parts[1]"),
        (mime(("text/plain", f"#cloud-config\n{BAD}")), "cloud_config.parts[0]"),
        (mime(("text/cloud-config-archive", f"- '#cloud-config\n\n  {BAD}'\n")),
         "cloud_config.parts[0][0].content"),
        ("## template: jinja\n#cloud-config\nruncmd: {{ v1.instance_id }}\n", "cloud_config"),
    ],
    ids=["archive-typed", "archive-string", "archive-untyped", "mime-part", "mime-text-plain",
         "archive-in-mime", "jinja-rendered"],
)  # fmt: skip
def test_a_bad_cloud_config_in_any_container_is_refused(text: str, path: str) -> None:
    refused_everywhere(text, path)


@pytest.mark.rule("cloud-config-in-every-container", path="cloud_config", case="violation")
def test_a_bad_cloud_config_in_a_gzip_part_is_refused() -> None:
    packed = gzip.compress(f"#cloud-config\n{BAD}".encode(), mtime=0)
    text = mime(("application/x-gzip", packed), encoding="base64")
    refused_everywhere(text, "cloud_config.parts[0]")


@pytest.mark.rule("cloud-config-in-every-container", path="cloud_config", case="valid")
def test_good_containers_are_accepted() -> None:
    archive = textwrap.dedent(
        """\
        #cloud-config-archive
        - type: text/cloud-config
          content: 'runcmd: [ls]'
        - '#!/bin/sh

          echo hi'
        - content: 'packages: [nginx]'
        """
    )
    for text in (
        archive,
        mime(("text/cloud-config", "runcmd: [ls]"), ("text/x-shellscript", "#!/bin/sh\necho")),
        "## template: jinja\n#cloud-config\nhostname: {{ v1.local_hostname }}\n",
        "## template: jinja\n#!/bin/sh\necho {{ ds.meta_data.imds.compute.location }}\n",
    ):
        for run in both_ways(text):
            run()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("## template: jinja\n#cloud-config\nruncmd: [{% if %}]\n", "does not parse"),
        ("## template: jinja\n#cloud-config\nx: {{ 1 / 0 }}\n", "fails to render"),
        ("## template: jinja\n{{ v1.region }}\n", "next line"),
        (mime(("text/cloud-config-jsonp", "{}")), "removed from cloud-init"),
        ("#cloud-config-archive\n- 5\n", "each part is a string or a mapping"),
    ],
)
def test_containers_cloud_init_would_ignore_are_refused_with_the_reason(
    text: str, reason: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        _fallback(text)
    assert reason in caught.value.reason


def test_containers_nest_only_so_deep() -> None:
    text = "#cloud-config-archive\n- 'runcmd: [ls]'\n"
    for _ in range(12):
        text = "#cloud-config-archive\n- " + json.dumps(text) + "\n"
    with pytest.raises(ConfigurationError, match="nest deeper"):
        _fallback(text)


# --- cloud-init itself as the oracle --------------------------------------------------------

ORACLE = """
import json, sys, tempfile
from cloudinit import helpers, user_data
folder = tempfile.mkdtemp()
paths = helpers.Paths({"cloud_dir": folder, "run_dir": folder})
message = user_data.UserDataProcessor(paths).process(sys.stdin.buffer.read())
print(json.dumps([
    (part.get_payload(decode=True) or b"").decode("utf-8")
    for part in message.walk()
    if part.get_content_type() == "text/cloud-config"
]))
"""
SYSTEM_PYTHON = Path("/usr/bin/python3")


def _cloud_init_finds(text: str) -> list[Any]:
    result = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", ORACLE],
        input=text.encode(),
        capture_output=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
    )
    return [yaml.safe_load(doc) for doc in json.loads(result.stdout)]


def _has_cloud_init_package() -> bool:
    if shutil.which("cloud-init") is None or not SYSTEM_PYTHON.exists():
        return False
    probe = subprocess.run([str(SYSTEM_PYTHON), "-c", "import cloudinit"], capture_output=True)
    return probe.returncode == 0


ORACLE_SAMPLES = [
    "#Cloud-Config\nruncmd: [ls]\n",
    "\n\n#cloud-config\npackages: [nginx]\n",
    "#cloud-config-archive\n- 'runcmd: [a]'\n- type: text/x-shellscript\n  content: '#!/bin/sh'\n"
    "- content: '#cloud-config\n\n  packages: [b]'\n",
    mime(("text/cloud-config", "runcmd: [c]"), ("text/plain", "#cloud-config\nruncmd: [d]")),
    mime(("text/x-shellscript", "#cloud-config\nruncmd: [e]"), ("text/plain", "echo plain")),
    mime(("text/cloud-config-archive", "- 'runcmd: [f]'\n- '#!/bin/sh'\n")),
    mime(("application/x-gzip", gzip.compress(b"#cloud-config\nruncmd: [g]\n", mtime=0)),
         encoding="base64"),
]  # fmt: skip


@pytest.mark.skipif(not _has_cloud_init_package(), reason="Debian's cloud-init is not installed")
@pytest.mark.parametrize("text", ORACLE_SAMPLES)
def test_the_cloud_configs_found_are_the_ones_cloud_init_finds(text: str) -> None:
    ours = [yaml.safe_load(doc) for doc, _ in cloud_config_documents(text, detect_format(text))]
    assert ours == _cloud_init_finds(text)


# --- Settings that weaken security ----------------------------------------------------------


@pytest.mark.rule("cloud-config-security-warning", path="cloud_config", case="violation")
@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("#cloud-config\nssh_pwauth: true\n", "ssh_pwauth turns SSH password login on"),
        ("#cloud-config\nssh_pwauth: 'yes'\n", "ssh_pwauth"),
        (f"#cloud-config\nchpasswd:\n  list: |\n    root:{SECRET}\n  expire: false\n",
         "chpasswd sets passwords"),
        (f"#cloud-config\nchpasswd:\n  users:\n  - name: ops\n    password: {SECRET}\n",
         "chpasswd sets passwords"),
        (f"#cloud-config\npassword: {SECRET}\n", "default user's password"),
        (f"#cloud-config\nusers:\n- name: ops\n  plain_text_passwd: {SECRET}\n", "users ops"),
        (mime(("text/cloud-config", "ssh_pwauth: true")), "cloud_config.parts[0]: ssh_pwauth"),
    ],
)  # fmt: skip
def test_weakening_settings_warn_without_their_values(text: str, said: str) -> None:
    for run in both_ways(text):
        warnings = run().validation.warnings
        assert any(said in w for w in warnings), warnings
        assert not [w for w in warnings if SECRET in w]


@pytest.mark.rule("cloud-config-security-warning", path="cloud_config", case="valid")
def test_keys_only_configs_give_no_warning() -> None:
    text = "#cloud-config\nssh_pwauth: false\nchpasswd:\n  expire: false\nruncmd: [ls]\n"
    for run in both_ways(text):
        assert run().validation.warnings == ()


LOADER_ORACLE = """
import json, sys
from cloudinit import safeyaml
try:
    value = safeyaml.load(sys.stdin.read())
except Exception as error:
    print(json.dumps({"refused": type(error).__name__}))
else:
    print(json.dumps({"value": repr(value)}))
"""
LOADER_SAMPLES = [
    "runcmd: [!!python/unicode 'echo hi']\n",
    "content: !!binary aGVsbG8=\n",
    "a: !!str 5\nb: !!int '7'\nc: !!float 1\n",
    "runcmd: [!!python/object/apply:os.system ['ls']]\n",
    "a: !!python/str x\n",
    "a: &x [1]\nb: *x\n",
    "a: !!set {x}\n",
    "a: 2001-02-03\n",
]


@pytest.mark.skipif(not _has_cloud_init_package(), reason="Debian's cloud-init is not installed")
@pytest.mark.parametrize("text", LOADER_SAMPLES)
def test_yaml_is_loaded_as_cloud_inits_loader_loads_it(text: str) -> None:
    from vmss_components.userdata._yaml import load_yaml

    result = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", LOADER_ORACLE],
        input=text.encode(),
        capture_output=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
    )
    theirs = json.loads(result.stdout)
    try:
        ours = {"value": repr(load_yaml(text, "cloud_config"))}
    except ConfigurationError:
        assert "refused" in theirs, theirs
    else:
        assert ours == theirs
