"""Machine Configuration packages: layout, names, digests, and every rule of the format."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    SAMPLE_MODULES,
    SAMPLE_MOF,
    WINDOWS_MOF,
    mc_package,
    windows_mc_package,
    windows_mc_sources,
    write_zip,
)
from helpers.readers import linux_motd_files

from vmss_components import ConfigurationError, MachineConfigurationPackage, Package
from vmss_components.packaging.machine_configuration import MACHINE_CONFIGURATION_MAX_BYTES
from vmss_components.packaging.mof import parse_mof

LAYOUT = [
    "LinuxMotd.metaconfig.json",
    "LinuxMotd.mof",
    "Modules/LinuxMotdDsc/LinuxMotdDsc.psd1",
    "Modules/LinuxMotdDsc/LinuxMotdDsc.psm1",
]


def test_sample_layout_and_metadata() -> None:
    package = mc_package()
    assert isinstance(package.package, Package)
    assert (package.name, package.filename, package.configuration_name) == (
        "LinuxMotd",
        "LinuxMotd.zip",
        "LinuxMotd",
    )
    assert (package.mode, package.version, package.modules) == (
        "AuditAndSet",
        "1.0.0",
        ("LinuxMotdDsc",),
    )
    assert [r.resource_id for r in package.resources] == [
        "[MotdFile]Motd",
        "[SshdOption]PermitRootLogin",
    ]
    with zipfile.ZipFile(package.path) as archive:
        assert archive.namelist() == LAYOUT
        assert json.loads(archive.read("LinuxMotd.metaconfig.json")) == {
            "Type": "AuditAndSet",
            "Version": "1.0.0",
        }
        assert archive.read("LinuxMotd.metaconfig.json") == (
            b'{\n  "Type": "AuditAndSet",\n  "Version": "1.0.0"\n}\n'
        )
        # The compiled MOF travels byte for byte, renamed after the configuration.
        assert archive.read("LinuxMotd.mof") == SAMPLE_MOF.read_bytes()
        mof = parse_mof(archive.read("LinuxMotd.mof").decode())
        assert mof.configuration_name == package.name
        assert (
            archive.read("Modules/LinuxMotdDsc/LinuxMotdDsc.psm1")
            == (SAMPLE_MODULES / "LinuxMotdDsc" / "LinuxMotdDsc.psm1").read_bytes()
        )
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert archive.testzip() is None
        total = sum(info.file_size for info in archive.infolist())
    assert package.uncompressed_size == total


def test_digests_describe_the_zip() -> None:
    package = mc_package()
    data = package.path.read_bytes()
    assert package.sha256 == hashlib.sha256(data).hexdigest()
    assert package.content_hash == hashlib.sha256(data).hexdigest().upper()
    assert package.content_hash != package.sha256 and package.content_hash.isupper()
    assert package.size == len(data)


def test_the_same_sources_give_the_same_bytes_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = mc_package()
    copy = tmp_path / "checkout"
    shutil.copytree(SAMPLE_MOF.parent.parent, copy)
    for path in copy.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    monkeypatch.setenv("VMSS_COMPONENTS_CACHE_DIR", str(tmp_path / "other-cache"))
    again = MachineConfigurationPackage.build(
        "LinuxMotd",
        mof=copy / "LinuxMotd" / "localhost.mof",
        modules=copy / "Modules",
        mode="AuditAndSet",
    )
    assert again.path != first.path
    assert again.sha256 == first.sha256
    assert again.path.read_bytes() == first.path.read_bytes()


def test_mode_and_version_change_the_content() -> None:
    audit = mc_package(mode="Audit")
    assert audit.mode == "Audit"
    assert audit.sha256 != mc_package().sha256
    later = MachineConfigurationPackage.build(
        "LinuxMotd", mof=SAMPLE_MOF, modules=SAMPLE_MODULES, mode="Audit", version="1.1.0"
    )
    assert later.version == "1.1.0" and later.sha256 != audit.sha256


def test_a_real_unzip_reads_the_package(tmp_path: Path) -> None:
    if shutil.which("unzip") is None:
        pytest.skip("unzip is not installed")
    package = mc_package()
    subprocess.run(["unzip", "-q", str(package.path), "-d", str(tmp_path)], check=True)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == (
        LAYOUT
    )


def test_from_zip_reads_a_package_built_elsewhere(tmp_path: Path) -> None:
    built = mc_package()
    copy = tmp_path / "LinuxMotd.zip"
    shutil.copy(built.path, copy)
    read = MachineConfigurationPackage.from_zip(copy)
    assert read.path == copy.absolute()
    for attribute in (
        "name",
        "filename",
        "sha256",
        "md5_base64",
        "size",
        "uncompressed_size",
        "configuration_name",
        "mode",
        "version",
        "resources",
        "modules",
    ):
        assert getattr(read, attribute) == getattr(built, attribute), attribute


def test_from_zip_accepts_what_microsoft_tooling_writes(tmp_path: Path) -> None:
    # New-GuestConfigurationPackage: ConvertTo-Json key order, a frequency, Windows separators.
    path = write_zip(
        tmp_path / "WindowsBaseline.zip",
        {
            "WindowsBaseline.mof": b"\xff\xfe" + WINDOWS_MOF.encode("utf-16-le"),
            "WindowsBaseline.metaconfig.json": json.dumps(
                {"Version": "2.0.0", "Type": "auditandset", "configurationModeFrequencyMins": 30},
                indent=4,
            ),
            "Modules\\PSDscResources\\PSDscResources.psd1": "@{ ModuleVersion = '2.12.0' }",
        },
    )
    package = MachineConfigurationPackage.from_zip(path)
    assert (package.mode, package.version, package.modules) == (
        "AuditAndSet",
        "2.0.0",
        ("PSDscResources",),
    )
    assert package.operating_system() == "windows"


def test_operating_system_hint() -> None:
    assert mc_package().operating_system() is None  # a module of our own: no hint


def test_windows_package(tmp_path: Path) -> None:
    package = windows_mc_package(tmp_path)
    assert package.configuration_name == "WindowsBaseline"
    assert package.operating_system() == "windows"
    assert package.modules == ("PSDscResources",)


# --- refused ----------------------------------------------------------------------------


def build(**overrides: Any) -> MachineConfigurationPackage:
    values: dict[str, Any] = {"name": "LinuxMotd", "mof": SAMPLE_MOF, "modules": SAMPLE_MODULES}
    values.update(overrides)
    name = values.pop("name")
    return MachineConfigurationPackage.build(name, **values)


BAD_BUILDS: list[tuple[dict[str, Any], str, str]] = [
    ({"name": "Linux Motd"}, "package.name", "not a valid configuration name"),
    ({"name": "1Motd"}, "package.name", "starting with a letter"),
    ({"name": "a" * 65}, "package.name", "1-64"),
    ({"mode": "ApplyAndMonitor"}, "package.mode", "use 'Audit' or 'AuditAndSet'"),
    ({"version": "1.0"}, "package.version", "such as '1.0.0'"),
    ({"mof": str(SAMPLE_MOF)}, "package.mof", "a str is never taken for a path"),
    ({"mof": SAMPLE_MOF.parent / "missing.mof"}, "package.mof", "does not exist"),
    ({"mof": SAMPLE_MODULES / "LinuxMotdDsc" / "LinuxMotdDsc.psd1"}, "package.mof", "not a .mof"),
    ({"modules": None}, "package.modules", "no Modules/LinuxMotdDsc folder"),
    ({"modules": str(SAMPLE_MODULES)}, "package.modules", "expected a pathlib.Path"),
    ({"modules": SAMPLE_MODULES / "LinuxMotdDsc"}, "package.modules", "sits directly in"),
]


@pytest.mark.parametrize(("overrides", "path", "reason"), BAD_BUILDS)
def test_bad_builds(overrides: dict[str, Any], path: str, reason: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        build(**overrides)
    assert caught.value.path == path, str(caught.value)
    assert reason in str(caught.value)


def test_module_folder_names_must_match_exactly(tmp_path: Path) -> None:
    modules = tmp_path / "Modules"
    shutil.copytree(SAMPLE_MODULES / "LinuxMotdDsc", modules / "linuxmotddsc")
    with pytest.raises(ConfigurationError, match="there is linuxmotddsc"):
        build(modules=modules)


def test_module_version_must_be_the_compiled_one(tmp_path: Path) -> None:
    mof, modules = windows_mc_sources(tmp_path, module_version="2.11.0.0")
    with pytest.raises(ConfigurationError) as caught:
        MachineConfigurationPackage.build("WindowsBaseline", mof=mof, modules=modules)
    assert caught.value.path == "package.modules"
    assert "PSDscResources is version 2.11.0.0" in str(caught.value)
    # Trailing zero components are the same version.
    mof, modules = windows_mc_sources(tmp_path / "again", module_version="2.12")
    assert MachineConfigurationPackage.build("WindowsBaseline", mof=mof, modules=modules)


def test_psdesiredstateconfiguration_resources_cannot_be_packaged(tmp_path: Path) -> None:
    mof = tmp_path / "localhost.mof"
    mof.write_text(WINDOWS_MOF.replace('"PSDscResources"', '"PSDesiredStateConfiguration"'))
    with pytest.raises(ConfigurationError, match="use the same resource from PSDscResources"):
        MachineConfigurationPackage.build("WindowsBaseline", mof=mof)


def test_one_version_per_module(tmp_path: Path) -> None:
    mof, modules = windows_mc_sources(tmp_path)
    text = mof.read_text()
    head, tail = text.split("instance of MSFT_ServiceResource", 1)
    mof.write_text(
        head + "instance of MSFT_ServiceResource" + tail.replace("2.12.0.0", "2.9.0.0", 1)
    )
    with pytest.raises(ConfigurationError, match=r"at versions 2\.12\.0\.0 and 2\.9\.0\.0"):
        MachineConfigurationPackage.build("WindowsBaseline", mof=mof, modules=modules)


def test_agent_native_resources_need_no_module_folder(tmp_path: Path) -> None:
    mof = tmp_path / "localhost.mof"
    mof.write_text(
        "instance of ASM_Registry as $ASM_Registry1ref\n{\n"
        ' ResourceID = "Ensure TLS is enabled";\n ModuleName = "GuestConfiguration";\n'
        ' ModuleVersion = "1.19.4";\n ConfigurationName = "NativeAudit";\n};\n'
    )
    package = MachineConfigurationPackage.build("NativeAudit", mof=mof)
    assert package.modules == ()


def test_malformed_mof_names_its_line(tmp_path: Path) -> None:
    mof = tmp_path / "localhost.mof"
    lines = SAMPLE_MOF.read_text().splitlines()
    lines[11] = lines[11].rstrip(";")  # ' Mode = "0644"' loses its semicolon
    mof.write_text("\n".join(lines) + "\n")
    with pytest.raises(ConfigurationError) as caught:
        build(mof=mof)
    assert caught.value.path == "package.mof"
    assert "localhost.mof, line 13, column 2: expected ';' after the value of Mode" in str(
        caught.value
    )


def test_oversize_sources_are_refused_before_zipping(tmp_path: Path) -> None:
    modules = tmp_path / "Modules"
    shutil.copytree(SAMPLE_MODULES, modules)
    # A sparse file: its size counts, but it takes no disk and is never read.
    with (modules / "LinuxMotdDsc" / "payload.bin").open("wb") as handle:
        handle.truncate(MACHINE_CONFIGURATION_MAX_BYTES)
    with pytest.raises(ConfigurationError) as caught:
        build(modules=modules)
    assert caught.value.path == "package"
    assert "limited to 104,857,600 bytes" in str(caught.value)


# --- from_zip refusals --------------------------------------------------------------------

GOOD = linux_motd_files()
MOF_TEXT = GOOD["LinuxMotd.mof"]
META = GOOD["LinuxMotd.metaconfig.json"]
MODULE = {path: text for path, text in GOOD.items() if path.startswith("Modules/")}

BAD_ZIPS: list[tuple[str, dict[str, bytes | str], str]] = [
    ("LinuxMotd.zip", {**GOOD, "Extra.mof": MOF_TEXT}, "2 MOFs at its root"),
    (
        "LinuxMotd.zip",
        {f"LinuxMotd/{k}": v for k, v in GOOD.items()},
        "found LinuxMotd/LinuxMotd.mof: zip the package's content, not a folder",
    ),
    ("LinuxMotd.zip", {"LinuxMotd.metaconfig.json": META, **MODULE}, "has no .mof at its root"),
    ("LinuxMotd.zip", {**GOOD, "LinuxMotd.metaconfig.json": "{Type: Audit"}, "is not JSON"),
    ("LinuxMotd.zip", {**GOOD, "LinuxMotd.metaconfig.json": "[]"}, "must hold a JSON object"),
    (
        "LinuxMotd.zip",
        {**GOOD, "LinuxMotd.metaconfig.json": json.dumps({"Type": "Enforce", "Version": "1.0"})},
        "Type in LinuxMotd.metaconfig.json is 'Enforce'",
    ),
    (
        "LinuxMotd.zip",
        {"LinuxMotd.mof": MOF_TEXT, "LinuxMotd.metaconfig.json": META},
        "no Modules/LinuxMotdDsc folder",
    ),
    ("LinuxMotd.zip", {**GOOD, "../escape.txt": "x"}, "unsafe path"),
    (
        "LinuxMotd.zip",
        {**GOOD, "LinuxMotd.mof": MOF_TEXT.replace("ModuleVersion", "ModuleVersion =", 1)},
        "LinuxMotd.mof, line 16",
    ),
    ("Linux Motd.zip", {**GOOD}, "not a safe blob name"),
    ("LinuxMotd.tar", {**GOOD}, "is not a .zip file"),
]


@pytest.mark.parametrize(("filename", "members", "reason"), BAD_ZIPS)
def test_bad_prebuilt_packages(
    tmp_path: Path, filename: str, members: dict[str, bytes | str], reason: str
) -> None:
    path = write_zip(tmp_path / filename, members)
    with pytest.raises(ConfigurationError) as caught:
        MachineConfigurationPackage.from_zip(path)
    assert caught.value.path == "package.path"
    assert reason in str(caught.value), str(caught.value)


def test_a_good_prebuilt_package_for_contrast(tmp_path: Path) -> None:
    package = MachineConfigurationPackage.from_zip(write_zip(tmp_path / "LinuxMotd.zip", GOOD))
    assert (package.configuration_name, package.mode) == ("LinuxMotd", "Audit")


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "LinuxMotd.zip"
    path.write_text("not a zip")
    with pytest.raises(ConfigurationError, match="not a readable zip"):
        MachineConfigurationPackage.from_zip(path)


def test_only_build_and_from_zip_make_a_package() -> None:
    # Not a Package subclass: it holds one, and has none of its other constructors.
    for other in ("from_directory", "from_file", "from_content"):
        assert not hasattr(MachineConfigurationPackage, other)
    package = mc_package()
    with pytest.raises(TypeError, match=r"build\(name, mof=, modules=\) or \.from_zip"):
        MachineConfigurationPackage(
            package=package.package,
            configuration_name=package.configuration_name,
            mode="Audit",
            version=package.version,
            configuration=package.configuration,
            resources=package.resources,
            modules=package.modules,
        )
    with pytest.raises(TypeError, match="from_zip"):
        dataclasses.replace(package, mode="Audit")
