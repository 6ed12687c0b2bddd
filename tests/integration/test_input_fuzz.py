"""Fuzzers for the user-data and SSH key readers (issue 15, point 8): any text or bytes give a
result or a ConfigurationError, within a time limit, with a message that prints anywhere.

As in test_readers_fuzz.py (this folder), each runs a small sample with the suite and a
large one behind the ``fuzz`` marker (``make fuzz``). The user-data fuzzers run the fallback
checks (no ``cloud-init`` command: a run of the tool per example would take minutes); one
more, behind the marker only, runs the real ``cloud-init schema`` on a smaller sample.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from helpers import SSH_KEY, linux_args
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_readers_fuzz import fuzzers, only_configuration_errors, soup

from vmss_components._checks import unseen_character
from vmss_components.scaleset.resolve import resolve_scale_set
from vmss_components.userdata import check_user_data, cloud_init_command, schema

USER_DATA_TOKENS = [
    "#cloud-config\n",
    "#Cloud-Config\n",
    "\n",
    "#cloud-config-archive\n",
    "#include ",
    "#include-once\n",
    "https://example.com/a\n",
    "## template: jinja\n",
    "{{ v1.instance_id }}",
    "{% if %}",
    "#!/bin/sh\n",
    "#cloud-boothook\n",
    "Content-Type: multipart/mixed; boundary=X\nMIME-Version: 1.0\n\n",
    "--X\nContent-Type: text/cloud-config\n\n",
    "--X--\n",
    "- ",
    "  ",
    ": ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "!!binary aGk=",
    "!!python/unicode ",
    "!!python/object:os.system ",
    "&a ",
    "*a",
    "<<: *a\n",
    "---\n",
    "%YAML 1.1\n",
    "runcmd",
    "write_files",
    "content",
    "path",
    "packages",
    "ssh_pwauth: true\n",
    "chpasswd:\n  list: |\n    root:pw\n",
    "type: text/cloud-config\n",
    "\ud800",
    "\x00",
    "\ufeff",
    "\u202e",
    "9" * 50,
]


def _with_fallback(source: Any) -> None:
    with mock.patch.object(schema, "cloud_init_command", lambda: None):
        only_configuration_errors(lambda: check_user_data(source, log=lambda line: None))


@st.composite
def user_data_inputs(draw: st.DrawFn) -> str | bytes:
    text = draw(soup(USER_DATA_TOKENS))
    if draw(st.booleans()):
        return text
    # As a file: its bytes, or random bytes.
    if draw(st.booleans()):
        return text.encode("utf-8", "surrogatepass")
    return draw(st.binary(max_size=200))


def _read_user_data(value: str | bytes) -> None:
    if isinstance(value, str):
        _with_fallback(value)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "user-data"
        path.write_bytes(value)
        _with_fallback(path)


test_user_data_reader_sample, test_user_data_reader = fuzzers(user_data_inputs())(_read_user_data)


@pytest.mark.fuzz
@pytest.mark.skipif(cloud_init_command() is None, reason="cloud-init is not installed")
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(soup(USER_DATA_TOKENS, max_size=40))
def test_user_data_reader_with_cloud_init(text: str) -> None:
    only_configuration_errors(lambda: check_user_data(text, log=lambda line: None))


# --- SSH key files --------------------------------------------------------------------------

KEY_TOKENS = [
    "ssh-ed25519 ",
    "ssh-rsa ",
    "ecdsa-sha2-nistp256 ",
    SSH_KEY,
    "AAAAC3NzaC1lZDI1NTE5",
    "AAAA",
    "=",
    " ",
    "\n",
    "\r\n",
    "-----BEGIN OPENSSH PRIVATE KEY-----\n",
    "\ud800",
    "\x00",
    "\u00e9",
    "\ufeff",
]


@st.composite
def key_inputs(draw: st.DrawFn) -> tuple[bool, bytes | str]:
    text = draw(soup(KEY_TOKENS, max_size=20))
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return False, text
    if choice == 1:
        return True, text.encode("utf-8", "surrogatepass")
    return True, draw(st.binary(max_size=300))


def _read_key(value: tuple[bool, bytes | str]) -> None:
    as_file, content = value

    def read(entry: str | Path) -> None:
        args = linux_args(ssh_public_keys=[entry])
        (key,) = resolve_scale_set(args, os="linux", name="web").ssh_public_keys
        # What is accepted is one line without control or format characters: the keyData.
        assert unseen_character(key) is None, ascii(key)

    if not as_file:
        assert isinstance(content, str)
        only_configuration_errors(lambda: read(content))
        return
    assert isinstance(content, bytes)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "id.pub"
        path.write_bytes(content)
        only_configuration_errors(lambda: read(path))


test_key_file_reader_sample, test_key_file_reader = fuzzers(key_inputs())(_read_key)
