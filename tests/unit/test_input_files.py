"""Issue 15, point 8: every reader of a user's file or text gives a ConfigurationError for any
input — user data, inline scripts, SSH key files, generic packages and zips.

Each bad input is refused naming the argument, without echoing what it holds; FIFOs and
devices are refused without being read (the FIFO tests run under an alarm, so a hang fails).
"""

from __future__ import annotations

import dataclasses
import os
import signal
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from helpers import SSH_KEY, linux_args
from helpers.readers import corrupt_member, patch_member, write_zip

from vmss_components import (
    ConfigurationError,
    CustomScriptScaleSetArgs,
    DscPackage,
    MachineConfigurationPackage,
    Package,
)
from vmss_components.custom_script import resolve_custom_script
from vmss_components.scaleset.resolve import resolve_scale_set
from vmss_components.userdata import check_user_data, read_user_data

SECRET = "hunter2-do-not-print"


@contextmanager
def alarm(seconds: int = 10) -> Iterator[None]:
    """Fail instead of hanging when a reader waits on a FIFO."""

    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"the reader waited more than {seconds} s: it hangs")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def refused(call: Any, path: str, *, secret: str | None = None) -> ConfigurationError:
    """Run ``call`` under the alarm; it must raise ConfigurationError at ``path``."""
    with alarm(), pytest.raises(ConfigurationError) as caught:
        call()
    assert caught.value.path == path, caught.value
    if secret is not None:
        assert secret not in str(caught.value)
    str(caught.value).encode("utf-8")
    return caught.value


def keys_of(*keys: str | Path) -> tuple[str, ...]:
    spec = resolve_scale_set(linux_args(ssh_public_keys=list(keys)), os="linux", name="web")
    return spec.ssh_public_keys


def script_spec(script: str | Path) -> object:
    args = CustomScriptScaleSetArgs(scale_set=linux_args(), os="linux", script=script)
    return resolve_custom_script("app", args, None)


# --- Regular files only ---------------------------------------------------------------------


@pytest.mark.rule("input-file-regular", path="cloud_config", case="violation")
def test_a_fifo_as_cloud_config_is_refused_without_waiting(fifo: Path) -> None:
    error = refused(lambda: check_user_data(fifo), "cloud_config")
    assert "not a regular file" in error.reason


def test_dev_zero_as_cloud_config_is_refused_without_reading() -> None:
    error = refused(lambda: read_user_data(Path("/dev/zero")), "cloud_config")
    assert "not a regular file" in error.reason


@pytest.mark.rule("input-file-regular", path="script", case="violation")
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_device_as_script_is_refused(fifo: Path, kind: str) -> None:
    source = fifo if kind == "fifo" else Path("/dev/zero")
    error = refused(lambda: script_spec(source), "script")
    assert "not a regular file" in error.reason


@pytest.mark.rule("input-file-regular", path="scale_set.ssh_public_keys[0]", case="violation")
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_device_as_key_file_is_refused(fifo: Path, kind: str) -> None:
    source = fifo if kind == "fifo" else Path("/dev/zero")
    error = refused(lambda: keys_of(source), "scale_set.ssh_public_keys[0]")
    assert "not a regular file" in error.reason


@pytest.mark.rule("input-file-regular", path="package.path", case="violation")
@pytest.mark.parametrize("reader", [Package.from_file, Package.from_zip])
def test_a_fifo_as_package_file_is_refused(fifo: Path, reader: Any) -> None:
    refused(lambda: reader(fifo), "package.path")


@pytest.mark.rule("input-file-regular", path="scale_set.ssh_public_keys[0]", case="valid")
@pytest.mark.rule("input-text-utf8", path="scale_set.ssh_public_keys[0]", case="valid")
def test_a_key_file_is_read_as_utf8_whatever_its_comment(tmp_path: Path) -> None:
    key_file = tmp_path / "id.pub"
    key_file.write_bytes(f"{SSH_KEY}-caf\u00e9\n".encode())
    assert keys_of(key_file) == (f"{SSH_KEY}-caf\u00e9",)


# --- UTF-8 text -----------------------------------------------------------------------------


@pytest.mark.rule("input-text-utf8", path="scale_set.ssh_public_keys[0]", case="violation")
def test_a_binary_key_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    key_file = tmp_path / "id_ed25519"
    key_file.write_bytes(b"\x00\x01" + SECRET.encode() + b"\xff\xfe\x80")
    error = refused(lambda: keys_of(key_file), "scale_set.ssh_public_keys[0]", secret=SECRET)
    assert "not UTF-8 text (an invalid byte at offset 22)" in error.reason


def test_a_private_key_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    key_file = tmp_path / "id_ed25519"
    key_file.write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{SECRET}\n")
    error = refused(lambda: keys_of(key_file), "scale_set.ssh_public_keys[0]", secret=SECRET)
    assert "not an OpenSSH public key" in error.reason


def test_an_oversized_key_file_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "id.pub"
    key_file.write_text(SSH_KEY + " " + "x" * 20_000)
    error = refused(lambda: keys_of(key_file), "scale_set.ssh_public_keys[0]")
    assert "over the limit" in error.reason


@pytest.mark.rule("input-text-utf8", path="cloud_config", case="violation")
def test_a_cloud_config_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "user-data"
    source.write_bytes(b"#cloud-config\nruncmd: [echo caf\xe9]\n" + SECRET.encode())
    error = refused(lambda: check_user_data(source), "cloud_config", secret=SECRET)
    assert "not UTF-8 text (an invalid byte at offset 31)" in error.reason


@pytest.mark.rule("input-text-utf8", path="cloud_config", case="valid")
@pytest.mark.rule("input-file-regular", path="cloud_config", case="valid")
def test_a_utf8_cloud_config_file_is_read(tmp_path: Path) -> None:
    source = tmp_path / "user-data"
    source.write_bytes("#!/bin/sh\necho caf\u00e9\n".encode())
    assert read_user_data(source) == "#!/bin/sh\necho caf\u00e9\n"


# --- Lone surrogates ------------------------------------------------------------------------


@pytest.mark.rule("text-no-lone-surrogate", path="cloud_config", case="violation")
@pytest.mark.parametrize(
    "source",
    [
        "#cloud-config\nruncmd: [echo \ud800]\n",
        "#!/bin/sh\necho \udcff\n",
        {"runcmd": ["echo \udfff"]},
        {"write_files": [{"path": "/etc/\ud83d", "content": "x"}]},
    ],
    ids=["cloud-config", "script", "mapping-value", "mapping-path"],
)
def test_a_lone_surrogate_in_user_data_is_refused(source: Any) -> None:
    with pytest.raises(ConfigurationError) as caught:
        check_user_data(source)
    # A mapping's error names the value: cloud_config.runcmd[0].
    assert caught.value.path.startswith("cloud_config")
    assert "lone surrogate" in caught.value.reason


@pytest.mark.rule("text-no-lone-surrogate", path="cloud_config", case="valid")
def test_astral_characters_in_user_data_are_kept() -> None:
    checked = check_user_data("#!/bin/sh\necho \U0001f600\n")
    assert "\U0001f600" in checked.template


@pytest.mark.rule("text-no-lone-surrogate", path="script", case="violation")
def test_a_lone_surrogate_in_an_inline_script_is_refused() -> None:
    error = refused(lambda: script_spec("#!/bin/sh\necho \ud800\n"), "script")
    assert "lone surrogate (U+D800) at character 15" in error.reason


@pytest.mark.rule("text-no-lone-surrogate", path="script", case="valid")
def test_an_inline_script_in_any_script_is_accepted() -> None:
    script_spec("#!/bin/sh\necho \u0645\u0631\u062d\u0628\u0627\n")


@pytest.mark.rule("text-no-lone-surrogate", path="scale_set.ssh_public_keys[0]", case="violation")
def test_a_lone_surrogate_in_a_key_comment_is_refused() -> None:
    refused(lambda: keys_of(f"{SSH_KEY}\udc80"), "scale_set.ssh_public_keys[0]")


@pytest.mark.rule("text-no-lone-surrogate", path="package.content", case="violation")
def test_a_lone_surrogate_in_package_content_is_refused() -> None:
    refused(lambda: Package.from_content("a.txt", "x\ud800"), "package.content")


def test_package_content_of_another_type_is_refused_without_echoing_it() -> None:
    error = refused(lambda: Package.from_content("a.txt", {"pw": SECRET}), "package.content")
    assert SECRET not in str(error)


# --- Zips built elsewhere -------------------------------------------------------------------


def broken_zip(tmp_path: Path, damage: str) -> Path:
    path = write_zip(tmp_path / "app.zip", {"run.sh": "#!/bin/sh\n" + "echo ok\n" * 400})
    if damage == "encrypted":
        patch_member(path, "run.sh", flags=1)
    elif damage == "method-99":
        patch_member(path, "run.sh", method=99)
    elif damage == "corrupt-deflate":
        corrupt_member(path, "run.sh")
    elif damage == "bomb":
        patch_member(path, "run.sh", size=0xFFFFFFF0)
    return path


@pytest.mark.rule("zip-readable-whole", path="package.path", case="violation")
@pytest.mark.parametrize("damage", ["encrypted", "method-99", "corrupt-deflate", "bomb"])
@pytest.mark.parametrize(
    "reader", [Package.from_zip, MachineConfigurationPackage.from_zip], ids=["generic", "mc"]
)
def test_a_damaged_zip_is_a_configuration_error(tmp_path: Path, damage: str, reader: Any) -> None:
    path = broken_zip(tmp_path, damage)
    refused(lambda: reader(path), "package.path")


@pytest.mark.rule("zip-readable-whole", path="package.path", case="valid")
def test_a_sound_zip_is_published_byte_for_byte(tmp_path: Path) -> None:
    path = broken_zip(tmp_path, "none")
    package = Package.from_zip(path)
    assert package.path == path and package.size == path.stat().st_size
    with zipfile.ZipFile(path) as archive:
        assert package.uncompressed_size == archive.getinfo("run.sh").file_size


# --- Windows device names -------------------------------------------------------------------


@pytest.mark.rule("package-windows-names", path="package.source", case="violation")
@pytest.mark.parametrize("name", ["CON", "nul", "aux.ps1", "Com1.txt", "lpt9", "sub/PRN.log"])
def test_a_windows_device_name_is_refused_in_a_generic_package(tmp_path: Path, name: str) -> None:
    target = tmp_path / "app" / name
    target.parent.mkdir(parents=True)
    target.write_text("x")
    error = refused(lambda: Package.from_directory(tmp_path / "app"), "package.source")
    assert "device name on Windows" in error.reason


@pytest.mark.rule("package-windows-names", path="package.source", case="valid")
@pytest.mark.parametrize("name", ["console.ps1", "con_fig", "com10", "auxiliary.txt", "null"])
def test_names_that_only_look_like_devices_are_kept(tmp_path: Path, name: str) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / name).write_text("x")
    assert Package.from_directory(tmp_path / "app").size > 0


@pytest.mark.rule("package-windows-names", path="package.path", case="violation")
def test_a_windows_device_name_is_refused_in_a_generic_zip(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "app.zip", {"bin/aux.ps1": "x"})
    error = refused(lambda: Package.from_zip(path), "package.path")
    assert "'aux.ps1' is a device name" in error.reason


def test_a_name_that_is_not_utf8_is_refused_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "app"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(b"x")
    error = refused(lambda: Package.from_directory(folder), "package.source")
    assert "caf\\xe9.txt is not valid UTF-8" in error.reason


# --- Arguments of the wrong type and direct construction ------------------------------------


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"source": 42}, "package.source"),
        ({"source": b"/tmp"}, "package.source"),
        ({"script": 42}, "package.script"),
        ({"function": None}, "package.function"),
        ({"name": 42}, "package.name"),
        ({"exclude": 42}, "package.exclude"),
        ({"exclude": None}, "package.exclude"),
        ({"exclude": [b"*.log"]}, "package.exclude[0]"),
    ],
)
def test_dsc_package_arguments_of_a_wrong_type(
    tmp_path: Path, overrides: dict[str, Any], path: str
) -> None:
    (tmp_path / "Web.ps1").write_text("Configuration Web { }")
    values: dict[str, Any] = {"source": tmp_path, "script": "Web.ps1", "function": "Web"}
    values.update(overrides)
    refused(lambda: DscPackage.from_directory(**values), path)


@pytest.mark.parametrize(
    "reader",
    [
        Package.from_zip,
        Package.from_file,
        Package.from_directory,
        MachineConfigurationPackage.from_zip,
    ],
)
@pytest.mark.parametrize("value", [42, None, b"/tmp/x.zip", ["a.zip"]])
def test_package_readers_take_only_paths(reader: Any, value: object) -> None:
    with pytest.raises(ConfigurationError) as caught:
        reader(value)
    assert caught.value.path in ("package.path", "package.source")


def test_a_package_cannot_be_made_without_its_checks(tmp_path: Path) -> None:
    fields = {
        "name": "x",
        "filename": "x.zip",
        "path": Path("/etc/hostname"),
        "sha256": "0" * 64,
        "md5_base64": "",
        "size": 1,
        "uncompressed_size": 1,
        "content_type": "application/zip",
    }
    with pytest.raises(TypeError, match=r"Package\.from_directory"):
        Package(**fields)
    (tmp_path / "a.txt").write_text("a")
    made = Package.from_file(tmp_path / "a.txt")
    with pytest.raises(TypeError, match=r"Package\.from_directory"):
        dataclasses.replace(made, sha256="0" * 64)


def test_dsc_and_machine_configuration_packages_cannot_be_remade_unchecked() -> None:
    from helpers import dsc_package, mc_package

    for made in (dsc_package(), mc_package()):
        with pytest.raises(TypeError, match=r"from_directory|build|from_zip"):
            dataclasses.replace(made, warnings=())
        with pytest.raises(TypeError):
            type(made)(package=made.package)  # type: ignore[call-arg]
