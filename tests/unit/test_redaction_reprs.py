"""repr/str of args, specs and results hide secrets; messages show types (issue 14, point 3).

Pure: no engine. The classes that need a live store (DSC, guest assignment) are covered
under mocks by tests/invariants/test_secret_canary_sweep.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
from helpers import SSH_KEY, linux_args, mc_package, windows_args

from vmss_components import (
    CloudInitScaleSetArgs,
    ConfigurationError,
    CustomScriptScaleSetArgs,
    Extension,
    Package,
)
from vmss_components._redact import REDACTED, kind, redact_url, show
from vmss_components.custom_script import resolve_custom_script
from vmss_components.userdata import check_user_data, encode_custom_data

CANARY = "Canary-Repr-S3cret-4e1f"


def _views(item: Any) -> str:
    return repr(item) + str(item) + f"{item}" + repr([item]) + str({"k": item})


def _extension(**overrides: Any) -> Extension:
    values: dict[str, Any] = {
        "name": "Agent",
        "publisher": "Contoso",
        "type": "Agent",
        "type_handler_version": "1.0",
        "protected_settings": {"apiKey": CANARY, "nested": [CANARY]},
    }
    values.update(overrides)
    return Extension(**values)


def test_scale_set_args_hide_the_admin_password_and_protected_settings() -> None:
    args = windows_args(admin_password=CANARY, extra_extensions=[_extension()])
    shown = _views(args)
    assert CANARY not in shown
    assert f"admin_password={REDACTED}" in shown
    assert f"protected_settings={{'apiKey': {REDACTED}, 'nested': {REDACTED}}}" in shown
    assert "resource_group_name='rg-app'" in shown  # public fields stay readable


def test_a_missing_secret_is_shown_as_none() -> None:
    assert "admin_password=None" in repr(windows_args())


def test_custom_script_args_hide_command_and_inline_script_but_show_a_path() -> None:
    args = CustomScriptScaleSetArgs(
        scale_set=linux_args(), os="linux", command=f"sh run.sh {CANARY}"
    )
    assert CANARY not in _views(args) and f"command={REDACTED}" in repr(args)
    inline = CustomScriptScaleSetArgs(scale_set=linux_args(), os="linux", script=f"echo {CANARY}")
    assert CANARY not in _views(inline) and f"script={REDACTED}" in repr(inline)
    from_file = CustomScriptScaleSetArgs(
        scale_set=linux_args(), os="linux", script=Path("/opt/run.sh")
    )
    assert "PosixPath('/opt/run.sh')" in repr(from_file) or "/opt/run.sh" in repr(from_file)


def test_custom_script_file_uris_are_shown_without_their_tokens() -> None:
    uri = f"https://acct.blob.core.windows.net/c/run.sh?sv=2022-11-02&sig={CANARY}"
    args = CustomScriptScaleSetArgs(
        scale_set=linux_args(), os="linux", file_uris=[uri], command="sh run.sh"
    )
    spec = resolve_custom_script("web", args, None)
    for item in (args, spec):
        assert CANARY not in _views(item)
        assert "https://acct.blob.core.windows.net/c/run.sh" in repr(item)


def test_the_custom_script_spec_hides_the_encoded_script() -> None:
    args = CustomScriptScaleSetArgs(scale_set=linux_args(), os="linux", script=f"echo {CANARY}")
    spec = resolve_custom_script("web", args, None)
    assert spec.encoded_script is not None and spec.script_sha256 is not None
    assert spec.encoded_script not in _views(spec) and CANARY not in _views(spec)
    # An unkeyed digest of the script would let a reader test guesses of it.
    assert spec.script_sha256 not in _views(spec)


def test_cloud_config_and_the_rendered_user_data_are_hidden() -> None:
    document = f"#!/bin/sh\necho root:{CANARY} | chpasswd\n"
    args = CloudInitScaleSetArgs(scale_set=linux_args(), cloud_config=document)
    mapping = CloudInitScaleSetArgs(
        scale_set=linux_args(), cloud_config={"runcmd": [f"echo {CANARY}"]}
    )
    checked = check_user_data(document)
    encoded = encode_custom_data(document)
    for item in (args, mapping, checked, encoded):
        shown = _views(item)
        assert CANARY not in shown and encoded.custom_data not in shown, type(item)
    path_args = CloudInitScaleSetArgs(scale_set=linux_args(), cloud_config=Path("/srv/web.yaml"))
    assert "web.yaml" in repr(path_args)


def test_an_output_secret_is_never_printed() -> None:
    args = linux_args(admin_password=pulumi.Output.secret(CANARY), ssh_public_keys=[SSH_KEY])
    assert CANARY not in _views(args)


def test_a_machine_configuration_package_hides_mof_property_values() -> None:
    package = mc_package()
    shown = _views(package)
    values = [
        str(value)
        for resource in package.resources
        for value in resource.properties.values()
        # a value that is also the resource's name is shown as its name
        if isinstance(value, str) and len(value) > 6 and value not in resource.resource_id
    ]
    assert values and not [value for value in values if value in shown]
    assert "'Contents'" in shown or "Contents" in shown  # property names remain


# --- Messages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "None"),
        (3, "3"),
        ("short", "'short'"),
        ("x" * 100, "'" + "x" * 57 + "...'"),
        ("https://u:pw@h.example/a?sig=x#f", "'https://h.example/a'"),
        (Path("/a/b"), "'/a/b'"),
        ({"password": CANARY}, "a value of type dict"),
        ([CANARY], "a value of type list"),
        (b"bytes", "a value of type bytes"),
        (bytearray(b"x"), "a value of type bytearray"),
    ],
)
def test_show_gives_scalars_shortened_text_and_only_the_type_of_anything_else(
    value: object, expected: str
) -> None:
    assert show(value) == expected


def test_kind_and_redact_url() -> None:
    assert kind(windows_args()) == "a value of type ScaleSetArgs"
    assert redact_url("get ftp://a:b@h/x?y=1 now") == "get ftp://h/x now"


def test_a_wrong_args_object_is_named_by_its_type() -> None:
    other = CustomScriptScaleSetArgs(
        scale_set=windows_args(admin_password=CANARY), os="windows", command=CANARY
    )
    with pytest.raises(ConfigurationError) as raised:
        CloudInitScaleSetArgs(scale_set=other, cloud_config="#!/bin/sh\n")  # type: ignore[arg-type]
    assert "got a value of type CustomScriptScaleSetArgs" in str(raised.value)
    assert CANARY not in str(raised.value)


def test_content_of_the_wrong_type_is_not_echoed() -> None:
    with pytest.raises(ConfigurationError) as raised:
        Package.from_content("a.sh", bytearray(CANARY.encode()))  # type: ignore[arg-type]
    assert CANARY not in str(raised.value) and "bytearray" in str(raised.value)
