"""Issue 15 audit: values that passed construction and then failed in the engine or reached
Azure unseen — whole numbers a 64-bit float cannot hold, lone surrogates in settings,
arguments and commands, control characters in an extension's publisher and type, the
resource group, the location and file URLs, and Windows device names as published files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import NOW, SSH_KEY, linux_args, policy_at

from vmss_components import (
    ConfigurationError,
    CustomScriptScaleSetArgs,
    Extension,
    Package,
)
from vmss_components._files import read_file_bytes
from vmss_components._json import check_json_value
from vmss_components.userdata.render import read_user_data

TEXT = "text-no-control-characters"
SURROGATE = "text-no-lone-surrogate"
JSON = "settings-json-values"
DEVICES = "package-windows-names"
URL = "https://example.com/tools/install.sh"


def refused(call: Any, path: str) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        call()
    assert caught.value.path == path, caught.value
    return caught.value


def agent(**overrides: Any) -> Extension:
    values: dict[str, Any] = {
        "name": "Agent",
        "publisher": "Contoso.Monitoring",
        "type": "Agent",
        "type_handler_version": "1.0",
    }
    values.update(overrides)
    return Extension(**values)


def cse(**overrides: Any) -> CustomScriptScaleSetArgs:
    values: dict[str, Any] = {"scale_set": linux_args(), "os": "linux", "command": "sh a.sh"}
    values.update(overrides)
    return CustomScriptScaleSetArgs(**values)


# --- whole numbers: Pulumi sends every number as a 64-bit float ------------------------------


@pytest.mark.rule(JSON, path="extension.settings", case="violation")
@pytest.mark.parametrize(
    "number", [2**53, -(2**53), 10**400, -(10**20)], ids=["2**53", "-2**53", "10**400", "-10**20"]
)
def test_a_whole_number_a_float_cannot_hold_is_refused(number: int) -> None:
    error = refused(
        lambda: agent(settings={"limits": [{"bytes": number}]}),
        "extension.settings.limits[0].bytes",
    )
    assert str(number) not in error.reason, "the value may be a secret: never shown"


@pytest.mark.rule(JSON, path="extension.protected_settings", case="violation")
def test_a_huge_protected_number_is_refused() -> None:
    refused(lambda: agent(protected_settings={"pin": 10**400}), "extension.protected_settings.pin")


@pytest.mark.rule(JSON, path="extension.settings", case="valid")
@pytest.mark.parametrize("number", [2**53 - 1, -(2**53 - 1), 0, True, 1e300])
def test_numbers_a_float_holds_are_taken(number: Any) -> None:
    agent(settings={"n": number})


# --- lone surrogates: no UTF-8 form, so the engine failed on them after registering ----------


@pytest.mark.rule(JSON, path="extension.settings", case="violation")
def test_a_lone_surrogate_in_a_setting_is_refused() -> None:
    refused(lambda: agent(settings={"a": ["x\ud800"]}), "extension.settings.a[0]")


@pytest.mark.rule(JSON, path="extension.protected_settings", case="violation")
def test_a_lone_surrogate_in_a_setting_name_is_refused() -> None:
    error = refused(
        lambda: agent(protected_settings={"k\udcff": "v"}), "extension.protected_settings"
    )
    assert "a key holds a lone surrogate" in error.reason


def test_a_lone_surrogate_in_arguments_is_refused_by_the_json_check() -> None:
    with pytest.raises(ConfigurationError) as caught:
        check_json_value({"Site": {"Title": "\ud800"}}, "configuration_arguments")
    assert caught.value.path == "configuration_arguments.Site.Title"


@pytest.mark.rule(SURROGATE, path="command", case="violation")
def test_a_lone_surrogate_in_a_command_is_refused() -> None:
    error = refused(lambda: cse(command="echo \ud800 secret"), "command")
    assert "secret" not in error.reason


@pytest.mark.rule(SURROGATE, path="scale_set.resource_group_name", case="violation")
def test_a_lone_surrogate_in_a_resource_group_is_refused() -> None:
    refused(lambda: linux_args(resource_group_name="rg-\udcff"), "scale_set.resource_group_name")


@pytest.mark.rule(SURROGATE, path="command", case="valid")
def test_a_command_in_any_script_is_taken() -> None:
    cse(command="echo 'héllo wörld ✓' && sh a.sh")


# --- control and format characters in names and URLs -----------------------------------------

UNSEEN = ["\x00", "\n", "\u202e", "\u200b"]


@pytest.mark.rule(TEXT, path="extension.publisher", case="violation")
@pytest.mark.parametrize("char", UNSEEN)
def test_a_publisher_with_an_unseen_character_is_refused(char: str) -> None:
    refused(lambda: agent(publisher=f"Contoso{char}"), "extension.publisher")


@pytest.mark.rule(TEXT, path="extension.type", case="violation")
@pytest.mark.parametrize("char", UNSEEN)
def test_a_handler_type_with_an_unseen_character_is_refused(char: str) -> None:
    refused(lambda: agent(type=f"Age{char}nt"), "extension.type")


@pytest.mark.rule(TEXT, path="scale_set.resource_group_name", case="violation")
@pytest.mark.parametrize("char", UNSEEN)
def test_a_resource_group_with_an_unseen_character_is_refused(char: str) -> None:
    refused(
        lambda: linux_args(resource_group_name=f"rg-app{char}"), "scale_set.resource_group_name"
    )


@pytest.mark.rule(TEXT, path="scale_set.location", case="violation")
@pytest.mark.parametrize("char", UNSEEN)
def test_a_location_with_an_unseen_character_is_refused(char: str) -> None:
    refused(lambda: linux_args(location=f"westeurope{char}"), "scale_set.location")


@pytest.mark.rule(TEXT, path="file_uris", case="violation")
@pytest.mark.parametrize(
    "uri", [f"{URL}\n", f"{URL}\t", "https://exam\nple.com/a.sh", f"{URL}\u202e"]
)
def test_a_file_url_with_an_unseen_character_is_refused(uri: str) -> None:
    # urlsplit drops tabs and newlines, so the URL looked like a valid one.
    refused(lambda: cse(file_uris=[uri]), "file_uris[0]")


@pytest.mark.rule(TEXT, path="file_uris", case="valid")
def test_plain_names_and_urls_are_taken() -> None:
    agent(publisher="Microsoft.Azure.Monitor", type="AzureMonitorLinuxAgent")
    linux_args(
        resource_group_name="rg-app (prod)", location="westeurope", ssh_public_keys=[SSH_KEY]
    )
    cse(file_uris=[URL])


# --- Windows device names as published files --------------------------------------------------


@pytest.mark.rule(DEVICES, path="package.filename", case="violation")
@pytest.mark.parametrize("name", ["nul", "CON", "aux.ps1", "Com1.txt", "lpt9.sh"])
def test_a_windows_device_name_is_refused_as_content_name(name: str) -> None:
    error = refused(lambda: Package.from_content(name, "x"), "package.filename")
    assert "device name on Windows" in error.reason


@pytest.mark.rule(DEVICES, path="package.path", case="violation")
def test_a_windows_device_name_is_refused_as_a_single_file(tmp_path: Path) -> None:
    (tmp_path / "aux.ps1").write_text("Write-Output 1\n")
    refused(lambda: Package.from_file(tmp_path / "aux.ps1"), "package.path")


@pytest.mark.rule(DEVICES, path="package.filename", case="valid")
@pytest.mark.parametrize("name", ["null.txt", "console.ps1", "com10", "auxiliary.sh"])
def test_names_that_only_look_like_devices_are_published(name: str) -> None:
    assert Package.from_content(name, "x").filename == name


# --- messages stay printable ------------------------------------------------------------------


def test_an_error_naming_a_non_utf8_file_name_can_be_printed() -> None:
    # A file name that is not UTF-8 reaches Python as lone surrogates.
    error = refused(
        lambda: read_file_bytes(Path("/nonexistent/\udcff.pub"), "scale_set.ssh_public_keys[0]"),
        "scale_set.ssh_public_keys[0]",
    )
    str(error).encode("utf-8")
    assert "\\udcff" in error.reason


@pytest.mark.rule(TEXT, path="extension.force_update_tag", case="violation")
@pytest.mark.parametrize("char", [*UNSEEN, "\ud800"])
def test_an_update_tag_with_an_unseen_character_is_refused(char: str) -> None:
    # A lone surrogate here failed in the engine, after registration.
    refused(lambda: agent(force_update_tag=f"v2{char}"), "extension.force_update_tag")


@pytest.mark.rule(TEXT, path="extension.force_update_tag", case="valid")
def test_a_plain_update_tag_is_taken() -> None:
    agent(force_update_tag="2026-12-02.1")


PROBE = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/"
    "Microsoft.Network/loadBalancers/lb-web/probes/http"
)


@pytest.mark.rule(TEXT, path="scale_set.subnet_id", case="violation")
@pytest.mark.parametrize(
    ("attribute", "value", "path"),
    [
        ("subnet_id", "/subscriptions/0/resourceGroups/rg/subnets/web\n", "scale_set.subnet_id"),
        (
            "subnet_id",
            "/subscriptions/0/resourceGroups/rg/\u200bsubnets/web",
            "scale_set.subnet_id",
        ),
        ("health_probe_id", f"{PROBE}\n", "scale_set.health_probe_id"),
        (
            "load_balancer_backend_pool_ids",
            [f"{PROBE}\x00"],
            "scale_set.load_balancer_backend_pool_ids[0]",
        ),
    ],
    ids=["subnet-newline", "subnet-zero-width", "probe-newline", "pool-nul"],
)
def test_a_resource_id_with_an_unseen_character_is_refused(
    attribute: str, value: object, path: str
) -> None:
    refused(lambda: linux_args(**{attribute: value}), path)


@pytest.mark.rule(TEXT, path="scale_set.subnet_id", case="valid")
def test_plain_resource_ids_are_taken() -> None:
    linux_args(health_probe_id=PROBE, load_balancer_backend_pool_ids=[PROBE])


@pytest.mark.rule("cloud-init-yaml-loader", path="cloud_config", case="violation")
def test_a_cloud_config_mapping_nested_too_deep_is_refused_not_a_recursion_error() -> None:
    deep: Any = "leaf"
    for _ in range(5000):
        deep = {"a": deep}
    with pytest.raises(ConfigurationError) as caught:
        read_user_data({"runcmd": ["true"], "x": deep})
    # The path names where the limit is passed: x, then 64 levels of a.
    assert caught.value.path == "cloud_config.x" + ".a" * 64
    assert "deeper than 64 levels" in caught.value.reason


def test_a_cloud_config_mapping_as_deep_as_the_loader_reads_is_rendered() -> None:
    deep: Any = "leaf"
    for _ in range(63):
        deep = {"a": deep}
    assert read_user_data({"x": deep}).startswith("#cloud-config\n")


@pytest.mark.rule("sas-expiry-parsed-whole", path="sas.expiry", case="valid")
@pytest.mark.parametrize(
    ("text", "expected"),
    [("20300615", "2030-06-15T00:00:00Z"), ("2030-W01-1", "2029-12-31T00:00:00Z")],
)
def test_a_date_in_iso_basic_or_week_form_is_a_date(text: str, expected: str) -> None:
    # Both are dates: before, they were refused as "a time without a time zone".
    assert policy_at(NOW, expiry=text).expiry_text() == expected


@pytest.mark.rule("sas-expiry-parsed-whole", path="sas.expiry", case="violation")
@pytest.mark.parametrize("text", ["20300615T1830", "2030-W01-1T18:30"])
def test_a_compact_time_without_a_zone_is_still_refused(text: str) -> None:
    error = refused(lambda: policy_at(NOW, expiry=text), "sas.expiry")
    assert "no time zone" in error.reason
