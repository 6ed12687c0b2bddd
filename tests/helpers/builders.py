"""One builder API for every tier: valid arguments, files, packages and component programs.

Each builder gives valid values that a test overrides one argument at a time. Nothing here
needs the mock engine; the component builders (:func:`artifact_store`, :class:`Kit`) create
resources and so run inside a program (``deployment.run(...)``).
"""

from __future__ import annotations

import base64
import os
import random
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    DscPackage,
    DscScaleSet,
    DscScaleSetArgs,
    GuestAssignment,
    GuestAssignmentArgs,
    MachineConfigurationPackage,
    Package,
    ScaleSetArgs,
    UpgradePolicy,
)
from vmss_components.store import StoreFacts
from vmss_components.store.sas import SasPolicy
from vmss_components.testing import MOCK_SUBSCRIPTION_ID

from .paths import DSC_SAMPLE, LINUX_SCRIPT, SAMPLE_MODULES, SAMPLE_MOF, WINDOWS_SCRIPT, WORKER

# --- Time -------------------------------------------------------------------------------------

#: The instant every test stands at unless it moves the clock itself.
NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def policy_at(moment: datetime = NOW, **overrides: object) -> SasPolicy:
    """A SAS policy whose clock always says ``moment``."""
    return SasPolicy(clock=lambda: moment, **overrides)  # type: ignore[arg-type]


# --- Arguments --------------------------------------------------------------------------------

SUBNET_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/"
    "Microsoft.Network/virtualNetworks/vnet/subnets/web"
)
SSH_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f ops@example"
)
#: User data that needs neither a store nor the cloud-init schema.
SHELL_USER_DATA = "#!/bin/sh\necho ready\n"


def scale_set_args(**overrides: object) -> ScaleSetArgs:
    """Minimal valid scale-set arguments (Automatic upgrades) with ``overrides`` applied.

    Valid for Windows as they are; :func:`linux_args` adds the SSH key Linux needs.
    """
    values: dict[str, object] = {
        "resource_group_name": "rg-app",
        "subnet_id": SUBNET_ID,
        "upgrade": UpgradePolicy(mode="Automatic"),
    }
    values.update(overrides)
    return ScaleSetArgs(**values)  # type: ignore[arg-type]


def windows_args(**overrides: Any) -> ScaleSetArgs:
    """Valid arguments of a Windows scale set (a generated password), ``overrides`` applied."""
    return scale_set_args(**overrides)


def linux_args(**overrides: Any) -> ScaleSetArgs:
    """Valid arguments of a Linux scale set (logging in with :data:`SSH_KEY`); ``overrides``
    may replace the keys too."""
    values: dict[str, Any] = {"ssh_public_keys": [SSH_KEY]}
    values.update(overrides)
    return scale_set_args(**values)


def store_args(**overrides: object) -> ArtifactStoreArgs:
    """Valid artifact-store arguments (SAS clock at :data:`NOW`) with ``overrides`` applied."""
    values: dict[str, object] = {"resource_group_name": "rg-app", "sas": policy_at(NOW)}
    values.update(overrides)
    return ArtifactStoreArgs(**values)  # type: ignore[arg-type]


def store_facts(*published: str, moment: datetime = NOW) -> StoreFacts:
    """What a resolve step knows of a store created by :func:`store_args` at ``moment``, which
    already holds the keys ``published``: plain values, no store needed."""
    return StoreFacts(
        sas_expiry=policy_at(moment).expiry_text(), published_keys=frozenset(published)
    )


# --- Custom Script -----------------------------------------------------------------------------

WINDOWS_COMMAND = "powershell -ExecutionPolicy Unrestricted -File install-app.ps1"
LINUX_COMMAND = "bash install-worker.sh"
#: A public download: no token.
EXTERNAL_URI = "https://raw.githubusercontent.com/contoso/tools/v1.2.0/bootstrap.sh"
#: Another account's blob with a SAS token in its query.
TOKEN_URI = "https://partner.blob.core.windows.net/drop/agent.deb?sv=2022-11-02&sr=b&sp=r&sig=c2lnbmF0dXJlLWJ5dGVz"
#: A user-assigned identity that downloads a Custom Script's files.
DOWNLOAD_IDENTITY_ID = (
    f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-identities/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/id-app-download"
)
#: Random bytes as base64 do not compress: gzip+base64 stays over the 256 KB script limit.
BIG_SCRIPT = base64.b64encode(random.Random(4).randbytes(260_000)).decode()


def custom_script_values(os_type: str) -> dict[str, Any]:
    """Valid CustomScriptScaleSetArgs values for ``os_type`` with the sample scripts, except
    the store (a component test adds one; a resolve step is given its facts)."""
    if os_type == "windows":
        return {
            "scale_set": scale_set_args(),
            "os": "windows",
            "files": [WINDOWS_SCRIPT],
            "command": WINDOWS_COMMAND,
        }
    return {
        "scale_set": linux_args(),
        "os": "linux",
        "files": [LINUX_SCRIPT, WORKER],
        "command": LINUX_COMMAND,
    }


def copy_script_samples(target: Path) -> tuple[Path, Path]:
    """The Linux sample script and its worker, copied into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    return (
        Path(shutil.copy(LINUX_SCRIPT, target / LINUX_SCRIPT.name)),
        Path(shutil.copy(WORKER, target / WORKER.name)),
    )


# --- Files ------------------------------------------------------------------------------------


def write_tree(root: Path, files: dict[str, bytes | str], *, mtime: int | None = None) -> Path:
    """Create ``files`` (relative path -> content) under ``root``; optionally set every mtime."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        path.write_bytes(data)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
    return root


def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    """A zip as another tool would write it, members in the given order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return path


# --- Packages ---------------------------------------------------------------------------------


#: Values for the sample configuration's mandatory parameters (SiteTitle, AppPoolCredential):
#: a DscScaleSet refuses the sample without them.
DSC_SAMPLE_ARGUMENTS: dict[str, Any] = {
    "configuration_arguments": {"SiteTitle": "Contoso"},
    "protected_configuration_arguments": {
        "AppPoolCredential": {"userName": "apppool", "password": "Sup3r-Secret-Pw!"}
    },
}


def dsc_package(**overrides: Any) -> DscPackage:
    """The sample DSC configuration (``WebServer.ps1``, ``WebServer``), packaged; ``source``
    and the other arguments of ``DscPackage.from_directory`` may be overridden."""
    values: dict[str, Any] = {"script": "WebServer.ps1", "function": "WebServer"}
    values.update(overrides)
    source = values.pop("source", DSC_SAMPLE)
    return DscPackage.from_directory(source, **values)


def mc_package(mode: str = "AuditAndSet") -> MachineConfigurationPackage:
    """The Linux Machine Configuration sample (``LinuxMotd``), packaged."""
    return MachineConfigurationPackage.build(
        "LinuxMotd", mof=SAMPLE_MOF, modules=SAMPLE_MODULES, mode=mode
    )


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


def windows_mc_sources(root: Path, *, module_version: str = "2.12.0.0") -> tuple[Path, Path]:
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


def windows_mc_package(root: Path, mode: str = "AuditAndSet") -> MachineConfigurationPackage:
    """The Windows Machine Configuration sample (``WindowsBaseline``), written under ``root``
    and packaged."""
    mof, modules = windows_mc_sources(root)
    return MachineConfigurationPackage.build("WindowsBaseline", mof=mof, modules=modules, mode=mode)


@dataclass(frozen=True)
class Packages:
    """Packages built once per module (their zips live in a cache of the module's own)."""

    dsc: DscPackage
    mc: MachineConfigurationPackage
    mc_audit: MachineConfigurationPackage
    script: Package


def build_packages(cache: Path) -> Packages:
    """The sample packages, built into ``cache``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VMSS_COMPONENTS_CACHE_DIR", str(cache))
        return Packages(
            dsc=dsc_package(),
            mc=mc_package("AuditAndSet"),
            mc_audit=mc_package("Audit"),
            script=Package.from_file(LINUX_SCRIPT),
        )


# --- Component programs -----------------------------------------------------------------------


def artifact_store(name: str = "store", **overrides: object) -> ArtifactStore:
    """An artifact store on :func:`store_args` (create it inside a program)."""
    return ArtifactStore(name, store_args(**overrides))


@dataclass
class Kit:
    """Valid fixtures (created on first use inside the running program) and builders of the
    four components with valid defaults, which a case overrides one argument at a time.

    The component under test is always named ``bad``; fixtures are named ``kit-*``.
    """

    tmp: Path
    packages: Packages
    used: set[str] = field(default_factory=set)
    _made: dict[str, Any] = field(default_factory=dict)

    def _once(self, key: str, make: Callable[[], Any]) -> Any:
        self.used.add(key)
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    # -- fixtures -------------------------------------------------------------------------

    def store(self) -> ArtifactStore:
        return self._once(  # type: ignore[no-any-return]
            "store",
            lambda: ArtifactStore(
                "kit-store", ArtifactStoreArgs(resource_group_name="rg-kit", sas=policy_at(NOW))
            ),
        )

    def target(self) -> CloudInitScaleSet:
        """A Linux scale set ready for Machine Configuration."""
        return self._once(  # type: ignore[no-any-return]
            "target",
            lambda: CloudInitScaleSet(
                "kit-target",
                CloudInitScaleSetArgs(
                    scale_set=self.linux(machine_configuration=True), cloud_config=SHELL_USER_DATA
                ),
            ),
        )

    def plain_target(self) -> CloudInitScaleSet:
        """A Linux scale set without the Machine Configuration prerequisites."""
        return self._once(  # type: ignore[no-any-return]
            "plain_target",
            lambda: CloudInitScaleSet(
                "kit-plain",
                CloudInitScaleSetArgs(scale_set=self.linux(), cloud_config=SHELL_USER_DATA),
            ),
        )

    def web(self) -> DscScaleSet:
        """A DSC scale set named ``kit-web`` on the kit's store."""
        return self._once(  # type: ignore[no-any-return]
            "web",
            lambda: DscScaleSet(
                "kit-web",
                DscScaleSetArgs(
                    scale_set=self.windows(),
                    store=self.store(),
                    package=self.packages.dsc,
                    **DSC_SAMPLE_ARGUMENTS,
                ),
            ),
        )

    def baseline(self) -> GuestAssignment:
        """The sample configuration, already assigned to the kit's target."""
        return self._once(  # type: ignore[no-any-return]
            "baseline",
            lambda: GuestAssignment(
                "kit-baseline",
                GuestAssignmentArgs(
                    package=self.packages.mc, store=self.store(), target=self.target()
                ),
            ),
        )

    def make(self, fixtures: frozenset[str]) -> None:
        """Create exactly these fixtures (a baseline of what a case may leave registered)."""
        for name in sorted(fixtures):
            getattr(self, name)()

    # -- arguments ------------------------------------------------------------------------

    windows = staticmethod(windows_args)
    linux = staticmethod(linux_args)

    # -- components under test ------------------------------------------------------------

    def dsc(self, name: str = "bad", **overrides: Any) -> DscScaleSet:
        values: dict[str, Any] = {"package": self.packages.dsc, **DSC_SAMPLE_ARGUMENTS}
        values.update(overrides)
        if "scale_set" not in values:
            values["scale_set"] = self.windows()
        if "store" not in values:
            values["store"] = self.store()
        return DscScaleSet(name, DscScaleSetArgs(**values))

    def cse(self, name: str = "bad", **overrides: Any) -> CustomScriptScaleSet:
        values: dict[str, Any] = {"os": "linux", "command": "sh install-worker.sh"}
        values.update(overrides)
        if "scale_set" not in values:
            values["scale_set"] = self.linux() if values["os"] == "linux" else self.windows()
        if "store" not in values and values.get("files"):
            values["store"] = self.store()
        return CustomScriptScaleSet(name, CustomScriptScaleSetArgs(**values))

    def cloud_init(self, name: str = "bad", **overrides: Any) -> CloudInitScaleSet:
        values: dict[str, Any] = {"cloud_config": SHELL_USER_DATA}
        values.update(overrides)
        if "scale_set" not in values:
            values["scale_set"] = self.linux()
        return CloudInitScaleSet(name, CloudInitScaleSetArgs(**values))

    def guest(self, name: str = "bad", **overrides: Any) -> GuestAssignment:
        values: dict[str, Any] = {"package": self.packages.mc}
        values.update(overrides)
        if "store" not in values:
            values["store"] = self.store()
        if "target" not in values:
            values["target"] = self.target()
        return GuestAssignment(name, GuestAssignmentArgs(**values))
