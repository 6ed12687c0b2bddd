"""cloud-init messages keep the key path, line and reason, never a value of the document.

Each document below is refused, with a canary password where users put them (``chpasswd``,
``users``, ``runcmd``, ``write_files``, an ``#include`` URL, a YAML error on the secret's own
line); the message must name where and why, and never repeat the canary, with the real
``cloud-init schema`` and with the fallback checks used when it is not installed.
"""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from helpers import require_cloud_init

from vmss_components import ConfigurationError
from vmss_components.userdata import schema, validate_user_data
from vmss_components.userdata._scrub import scrub

CANARY = "Cl0ud-Canary-Pw-7731"

# (document, what the message must still say: a key path, a line or the reason)
REFUSED = {
    "chpasswd-expire": (f"#cloud-config\nchpasswd:\n  expire: {CANARY}\n", "boolean"),
    "chpasswd-list": (f"#cloud-config\nchpasswd:\n  list: 7\n  expire: false\n{CANARY}: 1\n", ""),
    "users-object": (
        f"#cloud-config\nusers:\n  - name: bob\n    plain_text_passwd: {CANARY}\n"
        "    lock_passwd: maybe\n",
        "",
    ),
    "users-string": (f"#cloud-config\nusers: 5\npassword: {CANARY}\n", "users"),
    "runcmd-string": (f"#cloud-config\nruncmd: echo root:{CANARY} | chpasswd\n", "runcmd"),
    "runcmd-item": (f"#cloud-config\nruncmd:\n  - {{secret: {CANARY}}}\n", "runcmd"),
    "write_files-item": (f"#cloud-config\nwrite_files:\n  - {CANARY}\n", "write_files"),
    "write_files-permissions": (
        f"#cloud-config\nwrite_files:\n  - path: /etc/app.env\n    content: TOKEN={CANARY}\n"
        "    permissions: 0600\n",
        "permissions",
    ),
    "write_files-encoding": (
        f"#cloud-config\nwrite_files:\n  - path: /etc/app.env\n    encoding: {CANARY}\n",
        "encoding",
    ),
    "packages": (f"#cloud-config\npackages: {CANARY}\n", "packages"),
    "yaml-error-on-secret-line": (
        f"#cloud-config\nusers:\n  - name: bob\n    passwd: {CANARY}: x\n",
        "line 4",
    ),
    "yaml-error-quoted-secret": (f"#cloud-config\nchpasswd:\n  list: '{CANARY}\n", "line 3"),
    "include-userinfo": (f"#include\nftp://admin:{CANARY}@files.example.com/a.yaml\n", "line 2"),
    "include-token": (f"#include\nfile:///{CANARY}/a.yaml\n", "line 2"),
    "mime-part": (
        'Content-Type: multipart/mixed; boundary="XX"\nMIME-Version: 1.0\n\n--XX\n'
        'Content-Type: text/cloud-config; charset="us-ascii"\n\n'
        f"#cloud-config\nruncmd: echo {CANARY}\n--XX--\n",
        "runcmd",
    ),
}


def _message(document: str) -> str:
    with pytest.raises(ConfigurationError) as caught:
        validate_user_data(document)
    return str(caught.value)


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_the_real_validator_never_repeats_a_value(case: str) -> None:
    require_cloud_init()
    document, kept = REFUSED[case]
    message = _message(document)
    assert CANARY not in message
    assert "7731" not in message and "Cl0ud" not in message
    assert kept in message


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_the_fallback_checks_never_repeat_a_value(
    case: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(schema, "cloud_init_command", lambda: None)
    document, _ = REFUSED[case]
    with caplog.at_level(logging.WARNING):
        try:
            validate_user_data(document)
        except ConfigurationError as error:
            assert CANARY not in str(error)
    assert CANARY not in caplog.text


def test_the_fallback_refuses_the_documents_it_can_judge(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "cloud_init_command", lambda: None)
    for case in ("runcmd-string", "packages", "write_files-item", "yaml-error-on-secret-line"):
        document, kept = REFUSED[case]
        message = _message(document)
        assert kept in message and CANARY not in message


def test_a_yaml_error_keeps_line_column_and_reason() -> None:
    message = _message(f"#cloud-config\nusers:\n  - name: bob\n    passwd: {CANARY}: x\n")
    assert "line 4, column" in message and "mapping values are not allowed here" in message


def test_scrub_keeps_keys_and_schema_words_and_hides_values() -> None:
    document = f"#cloud-config\nchpasswd:\n  list: root:{CANARY}\n"
    message = f"chpasswd.list: 'root:{CANARY}' is not of type 'array'\n  list: root:{CANARY}\n   ^"
    assert scrub(message, document) == "chpasswd.list: <value> is not of type 'array'\n  <value>"


def test_cloud_init_verdicts_are_named_by_a_keyed_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A verdict's file name is keyed by the cache's own key: two caches name the same
    document differently, so a name tells nothing of a password in it."""
    require_cloud_init()
    document = "#cloud-config\nruncmd:\n  - echo hello\n"
    names = []
    for cache in ("one", "two"):
        monkeypatch.setenv("VMSS_COMPONENTS_CACHE_DIR", str(tmp_path / cache))
        schema._SHAPES.clear()
        validate_user_data(document)
        names.append(sorted(p.name for p in (tmp_path / cache / "cloud-init").iterdir()))
        assert stat.S_IMODE((tmp_path / cache / "verdicts.key").stat().st_mode) == 0o600
    assert names[0] and names[1] and names[0] != names[1]
