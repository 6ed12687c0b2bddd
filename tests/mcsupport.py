"""Machine Configuration fixtures shared by the MOF, package and assignment tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

from support import MC_SAMPLE, write_tree

from vmss_components import MachineConfigurationPackage

SAMPLE_MOF = MC_SAMPLE / "LinuxMotd" / "localhost.mof"
SAMPLE_MODULES = MC_SAMPLE / "Modules"

# Windows PowerShell 5.1 output shape: a credential instance referenced by alias, key-value
# pairs in an array of aliases, a #pragma, comments, and the document's odd indentation.
WINDOWS_MOF = r"""/*
@TargetNode='localhost'
@GeneratedBy=ops
@GenerationDate=11/23/2026 10:00:00
@GenerationHost=BUILD01
*/
#pragma namespace("root/Microsoft/Windows/DesiredStateConfiguration")

instance of MSFT_Credential as $MSFT_Credential1ref
{
Password = "P@ss\"word\\1";
 UserName = "CONTOSO\\svc-web";

};

instance of MSFT_KeyValuePair as $MSFT_KeyValuePair1ref
{
Key = "Mode";
 Value = "Strict";
};

instance of MSFT_KeyValuePair as $MSFT_KeyValuePair2ref
{
Key = "Level";
 Value = "3";
};

instance of MSFT_RegistryResource as $MSFT_RegistryResource1ref
{
ResourceID = "[Registry]TlsServer";
 ValueName = "Enabled";
 Key = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL";
 ValueData = {
    "1"
};
 ValueType = "Dword";
 Ensure = "Present";
 Force = True;
 SourceInfo = "C:\\src\\Baseline.ps1::12::9::Registry";
 ModuleName = "PSDscResources";
 ModuleVersion = "2.12.0.0";
 ConfigurationName = "WindowsBaseline";
};

instance of MSFT_ServiceResource as $MSFT_ServiceResource1ref
{
ResourceID = "[Service]Spooler";
 Name = "Spooler"; // the print spooler
 StartupType = "Disabled";
 State = "Stopped";
 Credential = $MSFT_Credential1ref;
 Settings = {$MSFT_KeyValuePair1ref, $MSFT_KeyValuePair2ref};
 Timeout = 300;
 DependsOn = {
    "[Registry]TlsServer"};
 ModuleName = "PSDscResources";
 ModuleVersion = "2.12.0.0";
 /* compiled, not edited */
 ConfigurationName = "WindowsBaseline";
};
instance of OMI_ConfigurationDocument

                    {
 Version="2.0.0";
                        MinimumCompatibleVersion = "1.0.0";
                  CompatibleVersionAdditionalProperties= {"Omi_BaseResource:ConfigurationName"};
                        Author="ops";
                        Name="WindowsBaseline";
                    };
"""


def sample_package(mode: str = "AuditAndSet") -> MachineConfigurationPackage:
    """The Linux sample, packaged."""
    return MachineConfigurationPackage.build(
        "LinuxMotd", mof=SAMPLE_MOF, modules=SAMPLE_MODULES, mode=mode
    )


def windows_sources(root: Path, *, module_version: str = "2.12.0.0") -> tuple[Path, Path]:
    """The Windows MOF and a PSDscResources module folder (manifest and one resource file)."""
    mof = root / "WindowsBaseline" / "localhost.mof"
    mof.parent.mkdir(parents=True, exist_ok=True)
    mof.write_text(WINDOWS_MOF)
    modules = write_tree(
        root / "Modules",
        {
            "PSDscResources/PSDscResources.psd1": (
                f"@{{\n    ModuleVersion = '{module_version}'\n"
                "    DscResourcesToExport = @('Registry', 'Service')\n}\n"
            ),
            "PSDscResources/DscResources/MSFT_RegistryResource/MSFT_RegistryResource.psm1": (
                "function Get-TargetResource { }\n"
            ),
        },
    )
    return mof, modules


def windows_package(root: Path, mode: str = "AuditAndSet") -> MachineConfigurationPackage:
    mof, modules = windows_sources(root)
    return MachineConfigurationPackage.build("WindowsBaseline", mof=mof, modules=modules, mode=mode)


def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    """A zip as another tool would write it, members in the given order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return path
