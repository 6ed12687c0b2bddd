"""What CustomScriptScaleSet refuses or accepts before anything exists (resolve_custom_script
with plain store facts), and the pure helpers behind it: the script encoding, the handlers'
key rules, SAS tokens in URIs and identity ids."""

from __future__ import annotations

import base64
import gzip
import random
from typing import Any

import pytest
from helpers import (
    BIG_SCRIPT,
    DOWNLOAD_IDENTITY_ID,
    EXTERNAL_URI,
    TOKEN_URI,
    custom_script_values,
    linux_args,
    store_facts,
)

from vmss_components import ConfigurationError, CustomScriptScaleSetArgs
from vmss_components._checks import parse_identity_id
from vmss_components.custom_script import (
    CustomScriptSpec,
    has_sas_token,
    resolve_custom_script,
)
from vmss_components.extensions import check_custom_script_settings, encode_script


def resolve(os_type: str = "linux", **overrides: Any) -> CustomScriptSpec:
    """resolve_custom_script on the sample arguments with ``overrides``, the store as facts."""
    values = {**custom_script_values(os_type), "store": None}
    values.update(overrides)
    return resolve_custom_script("app", CustomScriptScaleSetArgs(**values), store_facts())


def test_a_bad_uri_with_a_token_is_reported_without_the_token() -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve("windows", file_uris=[TOKEN_URI.replace("https:", "http:")])
    assert "c2lnbmF0dXJl" not in str(caught.value)
    assert "'http://partner.blob.core.windows.net/drop/agent.deb' is not" in str(caught.value)


def test_a_too_large_script_says_by_how_much() -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve_custom_script(
            "app",
            CustomScriptScaleSetArgs(scale_set=linux_args(), os="linux", script=BIG_SCRIPT),
            None,
        )
    encoded = len(encode_script(BIG_SCRIPT.encode()))
    assert f"{encoded - 256 * 1024:,} over" in str(caught.value)
    assert "262,144" in str(caught.value)


def test_a_script_just_under_the_limit_is_accepted() -> None:
    text = base64.b64encode(random.Random(5).randbytes(190_000)).decode()
    assert len(encode_script(text.encode())) <= 256 * 1024
    plan = resolve_custom_script(
        "app",
        CustomScriptScaleSetArgs(scale_set=linux_args(), os="linux", script=text),
        None,
    )
    assert plan.encoded_script == encode_script(text.encode())


def test_encode_script_is_deterministic_gzip_base64() -> None:
    text = b"#!/bin/sh\necho hi\n"
    encoded = encode_script(text)
    assert encoded == encode_script(text)
    raw = base64.b64decode(encoded, validate=True)
    assert raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\0\0\0\0"  # gzip, mtime 0
    assert gzip.decompress(raw) == text


def test_the_handlers_key_rules_are_enforced() -> None:
    check_custom_script_settings("linux", {"skipDos2Unix": True}, {"script": "x"}, "extension")
    with pytest.raises(ConfigurationError, match="skipDos2Unix"):
        check_custom_script_settings(
            "windows", {"skipDos2Unix": True}, {"commandToExecute": "x"}, "e"
        )
    with pytest.raises(ConfigurationError, match="both public and protected"):
        check_custom_script_settings(
            "linux", {"fileUris": []}, {"fileUris": [], "commandToExecute": "x"}, "e"
        )
    with pytest.raises(ConfigurationError, match="exactly one"):
        check_custom_script_settings("linux", {}, {"commandToExecute": "x", "script": "y"}, "e")
    with pytest.raises(ConfigurationError, match="timestamp"):
        check_custom_script_settings("linux", {}, {"commandToExecute": "x", "timestamp": 1}, "e")
    with pytest.raises(ConfigurationError, match="script"):
        check_custom_script_settings("windows", {}, {"script": "x"}, "e")


def test_sas_tokens_and_identity_ids_are_recognised() -> None:
    assert has_sas_token(TOKEN_URI)
    assert has_sas_token("https://a.example/x.sh?SIG=abc")
    assert not has_sas_token(EXTERNAL_URI)
    assert not has_sas_token("https://a.example/sig=/x.sh?signature=1")
    assert parse_identity_id(DOWNLOAD_IDENTITY_ID, "identity_id") == (
        "rg-identities",
        "id-app-download",
    )
    lower = DOWNLOAD_IDENTITY_ID.lower()
    assert parse_identity_id(lower, "identity_id") == ("rg-identities", "id-app-download")
    with pytest.raises(ConfigurationError) as caught:
        parse_identity_id(DOWNLOAD_IDENTITY_ID + "/extra", "identity_id")
    assert caught.value.path == "identity_id"


# --- The sample scripts ----------------------------------------------------------------------
