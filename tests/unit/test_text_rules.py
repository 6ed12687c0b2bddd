"""Issue 15, point 9: text rules — ASCII digits only, names matched whole, no control or
format characters in names, tags, probe paths, image references and keys, Azure's lengths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import SSH_KEY, linux_args, mc_package, scale_set_args
from helpers.policy import policy_args

from vmss_components import (
    ConfigurationError,
    Extension,
    HealthProbe,
    ImageReference,
    Package,
    UpgradePolicy,
)
from vmss_components.scaleset.resolve import resolve_scale_set

#: Characters no single-line value may hold: NUL, newline, tab, DEL, U+202E RIGHT-TO-LEFT
#: OVERRIDE, U+200B ZERO WIDTH SPACE, U+200D ZERO WIDTH JOINER, U+FEFF, U+2028 LINE SEPARATOR.
TEXT = "text-no-control-characters"
UNSEEN = ["\x00", "\n", "\t", "\x7f", "\u202e", "\u200b", "\u200d", "\ufeff", "\u2028"]
#: Digits Python's \d matches but Azure does not read: Arabic-Indic, full-width, Devanagari.
FOREIGN_DIGITS = ["\u0661.\u0660", "\uff11.\uff10", "\u0967.\u0966"]


def refused(call: Any, path: str) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        call()
    assert caught.value.path == path, caught.value
    return caught.value


# --- ASCII digits ---------------------------------------------------------------------------


@pytest.mark.rule("ascii-digits-only", path="extension.type_handler_version", case="violation")
@pytest.mark.parametrize("version", FOREIGN_DIGITS)
def test_a_handler_version_in_other_digits_is_refused(version: str) -> None:
    refused(
        lambda: Extension(name="x", publisher="P", type="T", type_handler_version=version),
        "extension.type_handler_version",
    )


@pytest.mark.rule("ascii-digits-only", path="extension.type_handler_version", case="valid")
def test_a_handler_version_in_ascii_digits_is_accepted() -> None:
    Extension(name="x", publisher="P", type="T", type_handler_version="2.77")


@pytest.mark.rule(
    "ascii-digits-only", path="scale_set.upgrade.pause_time_between_batches", case="violation"
)
@pytest.mark.parametrize("duration", ["PT\u0665M", "PT\uff15M", "PT5M\n"])
def test_a_pause_in_other_digits_is_refused(duration: str) -> None:
    refused(
        lambda: UpgradePolicy(mode="Rolling", pause_time_between_batches=duration),
        "scale_set.upgrade.pause_time_between_batches",
    )


@pytest.mark.rule(
    "ascii-digits-only", path="scale_set.upgrade.pause_time_between_batches", case="valid"
)
def test_a_pause_in_ascii_digits_is_accepted() -> None:
    UpgradePolicy(mode="Rolling", pause_time_between_batches="PT5M")


@pytest.mark.rule("ascii-digits-only", path="scale_set.image.version", case="violation")
@pytest.mark.parametrize(
    "version", ["\u0661.\u0660.\u0660", "1.0.0\n", "1.0", "newest", "", "1.0.0\u200b"]
)
def test_an_image_version_other_than_azures_formats_is_refused(version: str) -> None:
    refused(
        lambda: ImageReference(publisher="Canonical", offer="o", sku="s", version=version),
        "scale_set.image.version",
    )


@pytest.mark.rule("ascii-digits-only", path="scale_set.image.version", case="valid")
@pytest.mark.parametrize("version", ["latest", "20348.2227.240104", "1.0.0"])
def test_an_image_version_in_azures_formats_is_accepted(version: str) -> None:
    ImageReference(publisher="Canonical", offer="o", sku="s", version=version)


@pytest.mark.rule("ascii-digits-only", path="policy_version", case="violation")
@pytest.mark.parametrize("version", ["\u0661.0.0", "1.\uff10.0", "1.0.0\n"])
def test_a_policy_version_in_other_digits_is_refused(version: str) -> None:
    refused(lambda: policy_args(package=mc_package(), os="linux", policy_version=version),
            "policy_version")  # fmt: skip


@pytest.mark.rule("ascii-digits-only", path="policy_version", case="valid")
def test_a_policy_version_in_ascii_digits_is_accepted() -> None:
    policy_args(package=mc_package(), os="linux", policy_version="1.2.3")


# --- Names matched whole --------------------------------------------------------------------


@pytest.mark.rule("blob-name-whole", path="package.filename", case="violation")
@pytest.mark.parametrize(
    "filename", ["run.sh\n", "run.sh\r", "r\u0665.sh", "run\u200b.sh", "run.sh.", ".run.sh"]
)
def test_a_blob_name_is_matched_whole(filename: str) -> None:
    refused(lambda: Package.from_content(filename, "echo"), "package.filename")


@pytest.mark.rule("blob-name-whole", path="package.filename", case="valid")
def test_a_plain_blob_name_is_accepted() -> None:
    assert Package.from_content("run_1.sh", "echo").filename == "run_1.sh"


@pytest.mark.rule("blob-name-whole", path="package.path", case="violation")
def test_a_file_whose_name_ends_in_a_newline_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "run.sh\n"
    path.write_text("echo")
    refused(lambda: Package.from_file(path), "package.path")


@pytest.mark.rule("blob-name-whole", path="package.path", case="valid")
def test_a_file_with_a_plain_name_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "run.sh"
    path.write_text("echo")
    assert Package.from_file(path).filename == "run.sh"


# --- Control and format characters ----------------------------------------------------------


@pytest.mark.rule(TEXT, path="scale_set.tags", case="violation")
@pytest.mark.parametrize("character", UNSEEN)
@pytest.mark.parametrize("where", ["name", "value"])
def test_a_tag_with_an_unseen_character_is_refused(character: str, where: str) -> None:
    tags = {f"team{character}": "web"} if where == "name" else {"team": f"web{character}"}
    path = "scale_set.tags.team" if where == "value" else "scale_set.tags"
    error = refused(lambda: scale_set_args(tags=tags), path)
    assert f"U+{ord(character):04X}" in error.reason


@pytest.mark.rule(TEXT, path="scale_set.tags", case="valid")
def test_tags_in_any_script_are_accepted() -> None:
    scale_set_args(tags={"\u00e9quipe": "\u0645\u0631\u062d\u0628\u0627", "cost-centre": "42"})


@pytest.mark.rule(TEXT, path="scale_set.health.request_path", case="violation")
@pytest.mark.parametrize("character", UNSEEN)
def test_a_probe_path_with_an_unseen_character_is_refused(character: str) -> None:
    refused(
        lambda: HealthProbe(request_path=f"/health{character}"), "scale_set.health.request_path"
    )


@pytest.mark.rule(TEXT, path="scale_set.health.request_path", case="valid")
def test_a_plain_probe_path_is_accepted() -> None:
    HealthProbe(request_path="/health?full=1")


@pytest.mark.rule(TEXT, path="scale_set.image.version", case="violation")
def test_an_image_reference_with_an_unseen_character_is_refused() -> None:
    refused(
        lambda: ImageReference(publisher="Canonical", offer="o", sku="s", version="latest\u202e"),
        "scale_set.image.version",
    )
    refused(
        lambda: ImageReference(publisher="Canonical\x00", offer="o", sku="s"),
        "scale_set.image.publisher",
    )


@pytest.mark.rule(TEXT, path="scale_set.image.version", case="valid")
def test_a_plain_image_reference_is_accepted() -> None:
    ImageReference(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", version="latest")


@pytest.mark.rule(TEXT, path="scale_set.ssh_public_keys[0]", case="violation")
@pytest.mark.parametrize("character", ["\x00", "\u202e", "\u200b", "\x1b"])
def test_a_key_comment_with_an_unseen_character_is_refused(character: str) -> None:
    args = linux_args(ssh_public_keys=[f"{SSH_KEY}{character}x"])
    error = refused(
        lambda: resolve_scale_set(args, os="linux", name="web"), "scale_set.ssh_public_keys[0]"
    )
    assert "ops@example" not in error.reason


@pytest.mark.rule(TEXT, path="scale_set.ssh_public_keys[0]", case="valid")
def test_a_key_comment_in_any_script_is_accepted() -> None:
    args = linux_args(ssh_public_keys=[f"{SSH_KEY} caf\u00e9"])
    assert resolve_scale_set(args, os="linux", name="web").ssh_public_keys


# --- Azure's lengths ------------------------------------------------------------------------


@pytest.mark.rule("tag-azure-limits", path="scale_set.tags", case="violation")
@pytest.mark.parametrize(
    "tags",
    [
        {"n" * 513: "v"},
        {"": "v"},
        {"team": "v" * 257},
        {f"t{i}": "v" for i in range(51)},
        {"a<b": "v"},
    ],
    ids=["name-513", "name-empty", "value-257", "51-tags", "forbidden-character"],
)
def test_tags_beyond_azures_limits_are_refused(tags: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError) as caught:
        scale_set_args(tags=tags)
    assert caught.value.path.startswith("scale_set.tags")
    assert len(str(caught.value)) < 400  # a 513-character name is not echoed whole


@pytest.mark.rule("tag-azure-limits", path="scale_set.tags", case="valid")
def test_tags_at_azures_limits_are_accepted() -> None:
    tags = {"n" * 512: "v" * 256, **{f"t{i}": "v" for i in range(49)}}
    assert len(tags) == 50
    scale_set_args(tags=tags)


@pytest.mark.rule("vm-size-format", path="scale_set.vm_size", case="violation")
@pytest.mark.parametrize(
    "size",
    ["Standard_" + "D" * 5000, "Standard_D2s_v5\n", "Standard_D\u0662s_v5", "Standard_", "D2s_v5"],
    ids=["5000-characters", "newline", "arabic-digit", "empty-name", "no-prefix"],
)
def test_a_vm_size_that_is_no_azure_size_is_refused(size: str) -> None:
    error = refused(lambda: scale_set_args(vm_size=size), "scale_set.vm_size")
    assert len(error.reason) < 200


@pytest.mark.rule("vm-size-format", path="scale_set.vm_size", case="valid")
@pytest.mark.parametrize("size", ["Standard_D2s_v5", "Standard_ND96isr_H100_v5", "Basic_A1"])
def test_azure_vm_sizes_are_accepted(size: str) -> None:
    scale_set_args(vm_size=size)
