"""DSC and Machine Configuration packages read as Windows PowerShell and the agent read them.

One test per pattern of issue 16, both ways where it has two sides; the package folders'
names (non-UTF-8, Windows device names, depth) and damaged zips (encrypted, unknown method,
corrupt deflate, impossible ratios) as issue 15 asks of these readers.
"""

from __future__ import annotations

import json
import os
import signal
import zipfile
from pathlib import Path

import pytest
from helpers.readers import (
    META,
    MOF,
    PS,
    SAMPLE_MODULE,
    corrupt_member,
    dsc_folder,
    patch_member,
    write_zip,
)

from vmss_components import DscPackage, MachineConfigurationPackage, Package
from vmss_components.errors import ConfigurationError
from vmss_components.packaging import _zip_read
from vmss_components.packaging._regular import open_regular

# --- DSC scripts ----------------------------------------------------------------------------


def dsc(tmp_path: Path, fixture: str | bytes, function: str) -> DscPackage:
    script = (PS / fixture).read_bytes() if isinstance(fixture, str) else fixture
    return DscPackage.from_directory(
        dsc_folder(tmp_path / "pkg", script), script="Site.ps1", function=function
    )


def refused(tmp_path: Path, fixture: str | bytes, function: str) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        dsc(tmp_path, fixture, function)
    return caught.value


def test_a_quoted_configuration_name_is_accepted_in_any_case(tmp_path: Path) -> None:
    package = dsc(tmp_path, "quoted-name.ps1", "Install_Web")
    assert (package.function, package.warnings) == ("Install_Web", ())
    assert [p.name for p in package.parameters] == ["NodeName", "InstallCredential"]
    assert dsc(tmp_path / "again", "quoted-name.ps1", "install_web").function == "install_web"


def test_a_missing_configuration_is_refused_naming_what_is_there(tmp_path: Path) -> None:
    error = refused(tmp_path, "quoted-name.ps1", "Missing")
    assert error.path == "package.function"
    assert "does not define Configuration Missing; it defines: Configuration Install_Web " in (
        error.reason
    )


def test_a_name_only_inside_a_here_string_is_refused(tmp_path: Path) -> None:
    for ghost in ("SSL", "Ghost"):
        error = refused(tmp_path, "herestring-name.ps1", ghost)
        assert error.path == "package.function"
        assert "it defines: Configuration Web (line 16)" in error.reason


def test_the_real_configuration_beside_a_here_string_is_accepted(tmp_path: Path) -> None:
    assert dsc(tmp_path, "herestring-name.ps1", "Web").function == "Web"


@pytest.mark.parametrize(
    ("mark", "codec"),
    [
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
    ],
)
def test_a_script_with_a_byte_order_mark(tmp_path: Path, mark: bytes, codec: str) -> None:
    # What Windows PowerShell ISE and Out-File save (UTF-16 LE with BOM), among others.
    text = (PS / "quoted-name.ps1").read_text(encoding="utf-8").replace("\n", "\r\n")
    package = dsc(tmp_path, mark + text.encode(codec), "Install_Web")
    assert package.function == "Install_Web"


def test_a_windows_1252_script_without_a_mark(tmp_path: Path) -> None:
    text = (PS / "curly-quotes.ps1").read_text(encoding="utf-8")
    data = text.encode("cp1252") + b"# bytes Windows-1252 leaves undefined: \x81 \x9d\r\n"
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert dsc(tmp_path, data, "Web").function == "Web"


def test_utf16_without_a_mark_is_refused(tmp_path: Path) -> None:
    data = (PS / "quoted-name.ps1").read_text(encoding="utf-8").encode("utf-16-le")
    error = refused(tmp_path, data, "Install_Web")
    assert error.path == "package.script"
    assert "UTF-16 saved without one" in error.reason


def test_bomless_utf8_that_windows_powershell_misreads_is_refused(tmp_path: Path) -> None:
    # "—" is E2 80 94 in UTF-8; Windows PowerShell 5.1 reads 0x94 as a closing double quote.
    error = refused(tmp_path, "emdash.ps1", "Web")
    assert error.path == "package.script"
    assert "reads Site.ps1 as Windows-1252" in error.reason
    assert "save it as UTF-8 with BOM" in error.reason


def test_the_same_script_with_a_mark_or_the_dash_in_a_comment_is_accepted(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + (PS / "emdash.ps1").read_bytes()
    assert dsc(tmp_path / "bom", data, "Web").function == "Web"
    assert dsc(tmp_path / "comment", "emdash-comment.ps1", "Web").function == "Web"


def test_a_nested_configuration_is_refused_saying_where(tmp_path: Path) -> None:
    error = refused(tmp_path, "nested.ps1", "Inner")
    assert error.path == "package.function"
    assert "Configuration Inner (line 3) inside function Deploy (line 1)" in error.reason
    assert "define it at the top level" in error.reason
    error = refused(tmp_path / "again", "nested.ps1", "InTest")
    assert "inside a script block (line 15)" in error.reason


def test_a_configuration_in_a_script_level_block_is_accepted_with_a_warning(
    tmp_path: Path,
) -> None:
    package = dsc(tmp_path, "nested.ps1", "Conditional")
    (warning,) = package.warnings
    assert "inside a statement block" in warning
    assert dsc(tmp_path / "top", "nested.ps1", "Top").warnings == ()


def test_a_name_computed_at_run_time_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, "dynamic-name.ps1", "Web")
    assert "Configuration $ConfigurationName (line 8) has a name computed at run time" in (
        error.reason
    )


def test_mandatory_script_parameters_are_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, "script-parameters.ps1", "Web")
    assert error.path == "package.script"
    assert "mandatory script parameters (Environment)" in error.reason


def test_a_meta_configuration_and_a_self_call_are_warnings(tmp_path: Path) -> None:
    (meta,) = dsc(tmp_path, "meta.ps1", "Lcm").warnings
    assert "meta-configuration" in meta
    (call,) = dsc(tmp_path / "calls", "calls.ps1", "Stop_Process").warnings
    assert "calls Configuration Stop_Process itself at line 6" in call


def test_a_script_powershell_cannot_parse_is_refused_with_its_line(tmp_path: Path) -> None:
    error = refused(tmp_path, (PS / "broken" / "unterminated-string.ps1").read_bytes(), "Web")
    assert error.path == "package.script"
    assert error.reason.startswith("Site.ps1, line 3, column 10: this string is never closed")


def test_the_configuration_parameters_are_exposed(tmp_path: Path) -> None:
    package = dsc(tmp_path, "params.ps1", "Domain")
    assert [(p.name, p.mandatory, p.is_credential) for p in package.parameters][:2] == [
        ("DomainName", True, False),
        ("Admincreds", True, True),
    ]


def test_a_fifo_as_the_script_is_refused_without_waiting(tmp_path: Path) -> None:
    folder = dsc_folder(tmp_path / "pkg", "Configuration Web { }", name="Other.ps1")
    os.mkfifo(folder / "Site.ps1")

    def hung(signum: int, frame: object) -> None:
        raise AssertionError("reading the FIFO hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        with pytest.raises(ConfigurationError, match="not a regular file"):
            DscPackage.from_directory(folder, script="Site.ps1", function="Web")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- Package folders: names and depth -------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["aux.ps1", "CON", "nul.txt", "Com1.psm1", "lpt9", "PRN.tar.gz", "COM\u00b9.txt"]
)
def test_windows_device_names_are_refused_in_dsc_packages(tmp_path: Path, name: str) -> None:
    folder = dsc_folder(tmp_path / "pkg", "Configuration Web { }")
    (folder / "Module").mkdir()
    (folder / "Module" / name).write_text("x")
    with pytest.raises(ConfigurationError) as caught:
        DscPackage.from_directory(folder, script="Site.ps1", function="Web")
    assert caught.value.path == "package.source"
    assert f"Module/{name}: " in caught.value.reason
    assert "device name on Windows" in caught.value.reason


@pytest.mark.parametrize("name", ["console.ps1", "auxiliary.ps1", "nul_sink", "com10", "lpt0"])
def test_names_that_only_look_like_device_names_are_accepted(tmp_path: Path, name: str) -> None:
    folder = dsc_folder(tmp_path / "pkg", "Configuration Web { }")
    (folder / name).write_text("x")
    assert DscPackage.from_directory(folder, script="Site.ps1", function="Web")


def test_device_names_are_refused_in_machine_configuration_modules(tmp_path: Path) -> None:
    modules = tmp_path / "Modules"
    (modules / "SampleDsc").mkdir(parents=True)
    (modules / "SampleDsc" / "aux.ps1").write_text("x")
    with pytest.raises(ConfigurationError) as caught:
        MachineConfigurationPackage.build(
            "SampleBaseline", mof=MOF / "doc-name-differs.mof", modules=modules
        )
    assert (caught.value.path, "SampleDsc/aux.ps1: 'aux.ps1'" in caught.value.reason) == (
        "package.modules",
        True,
    )


def test_a_file_name_that_is_not_utf8_is_named_safely(tmp_path: Path) -> None:
    folder = dsc_folder(tmp_path / "pkg", "Configuration Web { }")
    raw = os.fsencode(folder) + b"/caf\xe9.ps1"
    with open(raw, "wb") as handle:
        handle.write(b"x")
    for build in (
        lambda: DscPackage.from_directory(folder, script="Site.ps1", function="Web"),
        lambda: Package.from_directory(folder),
    ):
        with pytest.raises(ConfigurationError) as caught:
            build()
        message = str(caught.value)
        message.encode("ascii")  # printable anywhere, whatever the locale
        assert "caf\\xe9.ps1 is not valid UTF-8" in message


def test_a_tree_too_deep_is_refused_without_recursion(tmp_path: Path) -> None:
    folder = dsc_folder(tmp_path / "pkg", "Configuration Web { }")
    deep = folder
    for _ in range(70):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "leaf.txt").write_text("x")
    with pytest.raises(ConfigurationError, match="more than 64 folders deep"):
        DscPackage.from_directory(folder, script="Site.ps1", function="Web")


# --- Machine Configuration packages: names ------------------------------------------------


@pytest.fixture
def sample_modules(tmp_path: Path) -> Path:
    root = tmp_path / "sources"
    for relative, content in SAMPLE_MODULE.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root / "Modules"


def test_the_documents_name_may_differ_from_the_resources(sample_modules: Path) -> None:
    package = MachineConfigurationPackage.build(
        "SampleBaseline", mof=MOF / "doc-name-differs.mof", modules=sample_modules
    )
    assert (package.configuration_name, package.warnings) == ("SampleBaseline", ())
    assert package.configuration.resource_configuration_names == ("ASC.Sample",)


def test_a_package_named_other_than_its_mof_warns(sample_modules: Path) -> None:
    package = MachineConfigurationPackage.build(
        "AzureSample", mof=MOF / "doc-name-differs.mof", modules=sample_modules
    )
    assert (package.name, package.configuration_name) == ("AzureSample", "AzureSample")
    (warning,) = package.warnings
    assert "configuration 'SampleBaseline' inside, but the package is 'AzureSample'" in warning


def test_an_older_mof_without_a_name_takes_the_packages(tmp_path: Path) -> None:
    modules = tmp_path / "Modules"
    (modules / "nx").mkdir(parents=True)
    (modules / "nx" / "nx.psd1").write_text("@{ ModuleVersion = '1.0' }")
    package = MachineConfigurationPackage.build(
        "Legacy", mof=MOF / "no-doc-name.mof", modules=modules
    )
    assert package.configuration_name == "Legacy"
    assert package.configuration.configuration_name is None
    assert "does not name its configuration" in package.warnings[0]


def test_a_mof_without_resources_cannot_be_packaged() -> None:
    with pytest.raises(ConfigurationError) as caught:
        MachineConfigurationPackage.build("Nothing", mof=MOF / "document-only.mof")
    assert caught.value.path == "package.mof"
    assert "holds no resource" in caught.value.reason


def zipped(tmp_path: Path, filename: str, members: dict[str, bytes | str]) -> Path:
    return write_zip(tmp_path / filename, members)


def package_members(name: str = "Pkg", meta: str | None = META) -> dict[str, bytes | str]:
    members: dict[str, bytes | str] = {
        f"{name}.mof": (MOF / "doc-name-differs.mof").read_bytes(),
        **SAMPLE_MODULE,
    }
    if meta is not None:
        members[f"{name}.metaconfig.json"] = meta
    return members


def test_from_zip_takes_the_name_from_the_mof_file(tmp_path: Path) -> None:
    path = zipped(tmp_path, "Pkg_1.0.0.0.zip", package_members())
    package = MachineConfigurationPackage.from_zip(path)
    assert (package.name, package.filename, package.configuration_name) == (
        "Pkg",
        "Pkg.zip",
        "Pkg",
    )
    # Published byte for byte: only the name it is published under changes.
    assert package.path == path.absolute()
    warnings = " | ".join(package.warnings)
    assert "Pkg_1.0.0.0.zip holds Pkg.mof" in warnings and "published as Pkg.zip" in warnings
    assert "configuration 'SampleBaseline' inside, but the package is 'Pkg'" in warnings


def test_from_zip_with_matching_names_has_no_warning(tmp_path: Path) -> None:
    path = zipped(tmp_path, "SampleBaseline.zip", package_members("SampleBaseline"))
    package = MachineConfigurationPackage.from_zip(path)
    assert (package.filename, package.warnings, package.mode, package.version) == (
        "SampleBaseline.zip",
        (),
        "Audit",
        "1.0.0",
    )


def test_a_mof_name_that_cannot_name_a_package_is_refused(tmp_path: Path) -> None:
    members = package_members()
    members["Pkg 1.mof"] = members.pop("Pkg.mof")
    with pytest.raises(ConfigurationError, match=r"the package's MOF is 'Pkg 1\.mof'"):
        MachineConfigurationPackage.from_zip(zipped(tmp_path, "Pkg.zip", members))


# --- Machine Configuration packages: metaconfig ---------------------------------------------


def test_without_a_metaconfig_the_package_audits_with_a_warning(tmp_path: Path) -> None:
    package = MachineConfigurationPackage.from_zip(
        zipped(tmp_path, "Pkg.zip", package_members(meta=None))
    )
    assert (package.mode, package.version) == ("Audit", None)
    assert any("has no Pkg.metaconfig.json" in w for w in package.warnings)


def test_with_a_metaconfig_the_package_takes_its_type(tmp_path: Path) -> None:
    meta = json.dumps(
        {"Type": "AuditAndSet", "Version": "2.1.0", "configurationModeFrequencyMins": 30}
    )
    package = MachineConfigurationPackage.from_zip(
        zipped(tmp_path, "Pkg.zip", package_members(meta=meta))
    )
    assert (package.mode, package.version, package.frequency_minutes) == (
        "AuditAndSet",
        "2.1.0",
        30,
    )


@pytest.mark.parametrize(
    ("meta", "mode", "version", "warning"),
    [
        ('{"Version": "1.0.0"}', "Audit", "1.0.0", "has no Type"),
        ('{"Type": "Audit"}', "Audit", None, "has no Version"),
        (
            '{"Type": "Audit", "Version": "1.0.0", "configurationModeFrequencyMins": 5}',
            "Audit",
            "1.0.0",
            "at least 15",
        ),
    ],
)
def test_metaconfig_gaps_are_warnings(
    tmp_path: Path, meta: str, mode: str, version: str | None, warning: str
) -> None:
    package = MachineConfigurationPackage.from_zip(
        zipped(tmp_path, "Pkg.zip", package_members(meta=meta))
    )
    assert (package.mode, package.version) == (mode, version)
    assert any(warning in w for w in package.warnings), package.warnings


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ("[" * 100_000, "nests deeper than 32 levels"),
        ('{"Type": ' + "9" * 5000 + "}", "is not JSON"),
        ("\xff\xfe{", "is not JSON"),
        ('{"Type": "Enforce"}', "Type in Pkg.metaconfig.json is 'Enforce'"),
    ],
)
def test_a_broken_metaconfig_is_a_configuration_error(
    tmp_path: Path, meta: str, reason: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        MachineConfigurationPackage.from_zip(
            zipped(tmp_path, "Pkg.zip", package_members(meta=meta))
        )
    assert caught.value.path == "package.path"
    assert reason in caught.value.reason


def test_build_writes_the_frequency_above_the_default(sample_modules: Path) -> None:
    package = MachineConfigurationPackage.build(
        "SampleBaseline",
        mof=MOF / "doc-name-differs.mof",
        modules=sample_modules,
        frequency_minutes=60,
    )
    with zipfile.ZipFile(package.path) as archive:
        meta = json.loads(archive.read("SampleBaseline.metaconfig.json"))
    assert meta == {"Type": "Audit", "Version": "1.0.0", "configurationModeFrequencyMins": 60}
    with pytest.raises(ConfigurationError, match="at least 15"):
        MachineConfigurationPackage.build(
            "SampleBaseline",
            mof=MOF / "doc-name-differs.mof",
            modules=sample_modules,
            frequency_minutes=5,
        )


# --- Chef InSpec ------------------------------------------------------------------------------

PROFILE = {
    "linux-path/inspec.yml": "name: linux-path\nversion: 1.0.0\n",
    "linux-path/controls/path.rb": "control 'path' do\nend\n",
}
NATIVE: dict[str, bytes | str] = {
    "Modules/DscNativeResources/MSFT_ChefInSpecResource/libMSFT_ChefInSpecResource.so": b"\x7fELF",
    "Modules/DscNativeResources/MSFT_ChefInSpecResource/MSFT_ChefInSpecResource.schema.mof": "x",
    "Modules/install_inspec.sh": "#!/bin/sh\n",
}


def inspec_members(
    mof: str = "inspec.mof",
    meta: str = META,
    profile_folder: str = "linux-path",
    native: bool = True,
) -> dict[str, bytes | str]:
    members: dict[str, bytes | str] = {
        "PathAudit.mof": (MOF / mof).read_bytes(),
        "PathAudit.metaconfig.json": meta,
    }
    for relative, content in PROFILE.items():
        members[f"Modules/{relative.replace('linux-path', profile_folder, 1)}"] = content
    if native:
        members.update(NATIVE)
    return members


def test_an_inspec_package_with_its_profile_audits(tmp_path: Path) -> None:
    package = MachineConfigurationPackage.from_zip(
        zipped(tmp_path, "PathAudit.zip", inspec_members())
    )
    assert (package.inspec_profiles, package.modules, package.native_resources) == (
        ("linux-path",),
        (),
        ("MSFT_ChefInSpecResource",),
    )
    assert (package.operating_system(), package.warnings) == ("linux", ())


def test_an_inspec_package_without_its_native_resource_warns(tmp_path: Path) -> None:
    package = MachineConfigurationPackage.from_zip(
        zipped(tmp_path, "PathAudit.zip", inspec_members(native=False))
    )
    (warning,) = package.warnings
    assert "libMSFT_ChefInSpecResource.so is not in the package" in warning


def test_an_inspec_package_that_sets_is_refused(tmp_path: Path) -> None:
    meta = '{"Type": "AuditAndSet", "Version": "1.0.0"}'
    with pytest.raises(ConfigurationError, match="which can only audit"):
        MachineConfigurationPackage.from_zip(
            zipped(tmp_path, "PathAudit.zip", inspec_members(meta=meta))
        )


def test_an_inspec_package_without_its_profile_is_refused(tmp_path: Path) -> None:
    members = inspec_members()
    del members["Modules/linux-path/inspec.yml"]
    with pytest.raises(ConfigurationError, match=r"has no Modules/linux-path/inspec\.yml"):
        MachineConfigurationPackage.from_zip(zipped(tmp_path, "PathAudit.zip", members))


def test_an_older_inspec_package_finds_its_profile_by_github_path(tmp_path: Path) -> None:
    members = inspec_members("inspec-older.mof", profile_folder="linux-path_controls")
    package = MachineConfigurationPackage.from_zip(zipped(tmp_path, "PathAudit.zip", members))
    assert package.inspec_profiles == ("linux-path_controls",)
    assert package.resources[0].properties["AttributesYmlContent"] == "path: /usr/bin\nmode: 0755"


@pytest.fixture
def profiles(tmp_path: Path) -> Path:
    root = tmp_path / "profiles"
    for relative, content in PROFILE.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def test_build_packages_the_inspec_profile(profiles: Path) -> None:
    package = MachineConfigurationPackage.build(
        "PathAudit", mof=MOF / "inspec.mof", inspec_profiles=profiles
    )
    with zipfile.ZipFile(package.path) as archive:
        names = archive.namelist()
    assert (
        "Modules/linux-path/inspec.yml" in names and "Modules/linux-path/controls/path.rb" in names
    )
    assert package.inspec_profiles == ("linux-path",)
    (warning,) = package.warnings
    assert "libMSFT_ChefInSpecResource.so is not in the package" in warning


def test_build_takes_the_native_resource_and_installer_from_modules(
    tmp_path: Path, profiles: Path
) -> None:
    modules = tmp_path / "Modules"
    for relative, content in NATIVE.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    package = MachineConfigurationPackage.build(
        "PathAudit", mof=MOF / "inspec.mof", modules=modules, inspec_profiles=profiles
    )
    assert (package.warnings, package.modules, package.native_resources) == (
        (),
        (),
        ("MSFT_ChefInSpecResource",),
    )
    with zipfile.ZipFile(package.path) as archive:
        assert "Modules/install_inspec.sh" in archive.namelist()


@pytest.mark.parametrize(
    ("overrides", "path", "reason"),
    [
        ({"mode": "AuditAndSet"}, "package.mode", "which can only audit"),
        (
            {"inspec_profiles": None},
            "package.inspec_profiles",
            "give the folder holding its profiles",
        ),
        ({"mof": MOF / "doc-name-differs.mof"}, "package.inspec_profiles", "runs no Chef InSpec"),
    ],
)
def test_build_refuses_what_microsofts_packager_refuses(
    profiles: Path, overrides: dict[str, object], path: str, reason: str
) -> None:
    values: dict[str, object] = {"mof": MOF / "inspec.mof", "inspec_profiles": profiles}
    values.update(overrides)
    with pytest.raises(ConfigurationError) as caught:
        MachineConfigurationPackage.build("PathAudit", **values)  # type: ignore[arg-type]
    assert (caught.value.path, reason in caught.value.reason) == (path, True), str(caught.value)


def test_build_refuses_a_profile_without_inspec_yml(profiles: Path) -> None:
    (profiles / "linux-path" / "inspec.yml").unlink()
    with pytest.raises(ConfigurationError, match=r"has no linux-path/inspec\.yml"):
        MachineConfigurationPackage.build(
            "PathAudit", mof=MOF / "inspec.mof", inspec_profiles=profiles
        )


def test_build_warns_when_github_path_is_not_the_packagers(tmp_path: Path, profiles: Path) -> None:
    package = MachineConfigurationPackage.build(
        "PathAudit", mof=MOF / "inspec-older.mof", inspec_profiles=profiles
    )
    assert any("GithubPath of [ChefInSpecResource]linux-path" in w for w in package.warnings)


# --- Damaged and hostile zips --------------------------------------------------------------


@pytest.fixture
def good_zip(tmp_path: Path) -> Path:
    return zipped(tmp_path, "SampleBaseline.zip", package_members("SampleBaseline"))


def refused_zip(path: Path) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        MachineConfigurationPackage.from_zip(path)
    assert caught.value.path == "package.path"
    return caught.value


def test_an_encrypted_member_is_refused(good_zip: Path) -> None:
    patch_member(good_zip, "Modules/SampleDsc/SampleDsc.psm1", flags=0x1)
    assert "encrypted member" in refused_zip(good_zip).reason


def test_an_unknown_compression_method_is_refused(good_zip: Path) -> None:
    patch_member(good_zip, "Modules/SampleDsc/SampleDsc.psm1", method=99)
    assert "compression method 99" in refused_zip(good_zip).reason


def test_corrupt_deflate_data_is_refused_even_in_a_member_not_otherwise_read(
    tmp_path: Path,
) -> None:
    members = package_members("SampleBaseline")
    members["Modules/SampleDsc/big.txt"] = "".join(f"line {i}\n" for i in range(5000))
    path = zipped(tmp_path, "SampleBaseline.zip", members)
    corrupt_member(path, "Modules/SampleDsc/big.txt")
    assert "damaged data in 'Modules/SampleDsc/big.txt'" in refused_zip(path).reason


def test_a_size_beyond_deflates_ratio_is_refused(good_zip: Path) -> None:
    patch_member(good_zip, "Modules/SampleDsc/SampleDsc.psm1", size=90_000_000)
    assert "beyond deflate's ratio" in refused_zip(good_zip).reason


def test_a_stored_member_whose_sizes_disagree_is_refused(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "SampleBaseline.zip",
        package_members("SampleBaseline"),
        method=zipfile.ZIP_STORED,
    )
    patch_member(path, "Modules/SampleDsc/SampleDsc.psm1", size=1000)
    assert "stored uncompressed, yet as 1,000 bytes" in refused_zip(path).reason


def test_a_huge_central_directory_is_refused_before_it_is_parsed(
    good_zip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_zip_read, "MAX_CENTRAL_DIRECTORY", 100)
    assert "central directory is" in refused_zip(good_zip).reason
    with pytest.raises(ConfigurationError, match="central directory is"):
        Package.from_zip(good_zip)


def test_a_truncated_zip_is_refused(good_zip: Path) -> None:
    good_zip.write_bytes(good_zip.read_bytes()[:-30])
    assert "is not a readable zip" in refused_zip(good_zip).reason
    with pytest.raises(ConfigurationError, match="is not a readable zip"):
        Package.from_zip(good_zip)


@pytest.mark.parametrize("member", ["/etc/passwd", "../up.txt", "C:/x.txt", "a/\x01b"])
def test_unsafe_member_names_are_refused(tmp_path: Path, member: str) -> None:
    members = {**package_members("SampleBaseline"), member: "x"}
    assert "unsafe path" in refused_zip(zipped(tmp_path, "SampleBaseline.zip", members)).reason


def test_a_device_name_in_a_prebuilt_package_is_refused(tmp_path: Path) -> None:
    members = {**package_members("SampleBaseline"), "Modules/SampleDsc/CON.ps1": "x"}
    assert (
        "device name on Windows"
        in refused_zip(zipped(tmp_path, "SampleBaseline.zip", members)).reason
    )


def test_a_fifo_is_never_waited_on(tmp_path: Path) -> None:
    """A source swapped for a FIFO after the tree was walked is refused, not waited on."""
    fifo = tmp_path / "SampleBaseline.zip"
    os.mkfifo(fifo)

    def hung(signum: int, frame: object) -> None:
        raise AssertionError("opening the FIFO hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        with pytest.raises(OSError, match="not a regular file"):
            open_regular(fifo)
        assert "not a regular file" in refused_zip(fifo).reason
        with pytest.raises(ConfigurationError, match="not a regular file"):
            Package.from_zip(fifo)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
