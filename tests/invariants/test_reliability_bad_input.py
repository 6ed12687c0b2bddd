"""Bad input, library-wide: each invalid configuration raises ConfigurationError naming the
argument, no other exception escapes, no message repeats a secret, and nothing is registered
beyond the valid fixtures the case builds on.

Each case is one line: ``Case(id, build, path)``. ``build`` receives a :class:`Kit` (valid
fixtures and builders with valid defaults, see tests/helpers/builders.py) and makes one thing wrong.
"""

from __future__ import annotations

import dataclasses
import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    CANARIES,
    CANARY,
    CANARY_SAS,
    DELETE,
    DSC_SAMPLE,
    NOW,
    SAMPLE_MODULES,
    SAMPLE_MOF,
    SHELL_USER_DATA,
    SSH_KEY,
    Kit,
    Packages,
    build_packages,
    edited_config,
    policy_at,
    run_stack_program,
    stack_config,
    stack_deployment,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    Autoscale,
    CloudInitScaleSetArgs,
    ConfigurationError,
    CustomScriptScaleSetArgs,
    DscPackage,
    DscScaleSet,
    DscScaleSetArgs,
    Extension,
    ExternalScaleSet,
    GuestAssignmentArgs,
    HealthProbe,
    ImageReference,
    MachineConfigurationPackage,
    Package,
    SasPolicy,
    ScaleSetArgs,
    UpgradePolicy,
)
from vmss_components.testing import MockDeployment

UBUNTU = ImageReference(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server")
WINDOWS = ImageReference(
    publisher="MicrosoftWindowsServer", offer="WindowsServer", sku="2022-datacenter-azure-edition"
)
MOTD = "[MotdFile]Motd;Contents"
#: Random (field, wrong value) pairs tried by the sweep below per run.
SWEEP_EXAMPLES = 30
# Random bytes do not compress: as hex, gzip+base64 stays well over the 256 KB script limit.
INCOMPRESSIBLE = random.Random(8).randbytes(300_000).hex()


def write(k: Kit, name: str, content: str | bytes) -> Path:
    path = k.tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def mof_tree(k: Kit, mof_text: str, *, big_module: bool = False) -> tuple[Path, Path]:
    mof = write(k, "mc/LinuxMotd.mof", mof_text)
    modules = k.tmp / "mc" / "Modules"
    for source in SAMPLE_MODULES.rglob("*"):
        if source.is_file():
            write(
                k, str(Path("mc/Modules") / source.relative_to(SAMPLE_MODULES)), source.read_bytes()
            )
    if big_module:
        # A sparse file: 101 MB by its size, nothing on disk.
        with (modules / "LinuxMotdDsc" / "blob.bin").open("wb") as handle:
            handle.truncate(101 * 1024 * 1024)
    return mof, modules


def mc_build(k: Kit, mof_text: str, **overrides: Any) -> MachineConfigurationPackage:
    big = overrides.pop("big_module", False)
    mof, modules = mof_tree(k, mof_text, big_module=big)
    return MachineConfigurationPackage.build("LinuxMotd", mof=mof, modules=modules, **overrides)


def naive_clock() -> datetime:
    return datetime(2026, 11, 23, 12, 0)


MOF_TEXT = SAMPLE_MOF.read_text()


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Kit], object]
    path: str


# fmt: off
CASES = [
    # -- wrong types ------------------------------------------------------------------------
    Case("capacity-is-text", lambda k: k.dsc(scale_set=k.windows(capacity="2")), "scale_set.capacity"),
    Case("upgrade-is-text", lambda k: k.dsc(scale_set=k.windows(upgrade="Rolling")), "scale_set.upgrade"),
    Case("zones-is-one-string", lambda k: k.cse(scale_set=k.linux(zones="1")), "scale_set.zones"),
    Case("flag-is-text", lambda k: k.cloud_init(scale_set=k.linux(machine_configuration="yes")), "scale_set.machine_configuration"),
    Case("boot-diagnostics-is-int", lambda k: k.cse(scale_set=k.linux(boot_diagnostics=1)), "scale_set.boot_diagnostics"),
    Case("dsc-args-is-a-dict", lambda k: DscScaleSet("bad", {"store": k.store()}), "args"),  # type: ignore[arg-type]
    Case("dsc-package-is-plain", lambda k: k.dsc(package=k.packages.script), "package"),
    Case("dsc-store-is-none", lambda k: k.dsc(store=None), "store"),
    Case("dsc-argument-name-is-int", lambda k: k.dsc(configuration_arguments={1: "x"}), "configuration_arguments"),
    Case("dsc-protected-name-is-int", lambda k: k.dsc(protected_configuration_arguments={2: CANARY}), "protected_configuration_arguments"),
    Case("cse-file-is-str", lambda k: k.cse(files=["install-worker.sh"], store=k.store()), "files[0]"),
    Case("cse-file-uris-is-one-string", lambda k: k.cse(file_uris="https://example.com/a.sh"), "file_uris"),
    Case("cse-command-is-bytes", lambda k: k.cse(command=CANARY.encode()), "command"),
    Case("cloud-config-is-int", lambda k: k.cloud_init(cloud_config=42), "cloud_config"),
    Case("cloud-init-artifact-is-str", lambda k: k.cloud_init(store=k.store(), artifacts={"site": "site.zip"}), "artifacts.site"),
    Case("guest-parameter-is-int", lambda k: k.guest(parameters={MOTD: 5}), f"parameters.{MOTD}"),
    Case("guest-protected-is-int", lambda k: k.guest(protected_parameters={MOTD: 918273645546}), f"protected_parameters.{MOTD}"),
    Case("guest-target-is-str", lambda k: k.guest(target="kit-target"), "target"),
    Case("store-args-is-a-dict", lambda k: ArtifactStore("bad", {"resource_group_name": "rg"}), "args"),  # type: ignore[arg-type]
    Case("store-sas-is-a-dict", lambda k: ArtifactStoreArgs(resource_group_name="rg", sas={"rotation_days": 30}), "sas"),  # type: ignore[arg-type]
    Case("sas-rotation-is-float", lambda k: SasPolicy(rotation_days=1.5), "sas.rotation_days"),  # type: ignore[arg-type]
    Case("admin-password-is-int", lambda k: k.dsc(scale_set=k.windows(admin_password=918273645546)), "scale_set.admin_password"),
    Case("publish-package-is-path", lambda k: k.store().publish("bad", SSH_KEY), "package"),  # type: ignore[arg-type]
    Case("extension-flag-is-dict", lambda k: Extension(name="E", publisher="P", type="T", type_handler_version="1.0", suppress_failures={"a": 1}), "extension.suppress_failures"),  # type: ignore[arg-type]
    Case("extension-order-is-int", lambda k: k.cse(scale_set=k.linux(extra_extensions=[Extension(name="E", publisher="P", type="T", type_handler_version="1.0", provision_after=5)])), "extension.provision_after"),  # type: ignore[arg-type]
    Case("ssh-keys-is-int", lambda k: k.cse(scale_set=k.linux(ssh_public_keys=5)), "scale_set.ssh_public_keys"),
    Case("store-sku-is-a-list", lambda k: ArtifactStoreArgs(resource_group_name="rg", sku=["Standard_LRS"]), "sku"),  # type: ignore[arg-type]
    # -- out-of-range numbers -------------------------------------------------------------
    Case("capacity-negative", lambda k: k.dsc(scale_set=k.windows(capacity=-1)), "scale_set.capacity"),
    Case("capacity-too-large", lambda k: k.cse(scale_set=k.linux(capacity=1001)), "scale_set.capacity"),
    Case("probe-port-zero", lambda k: k.cloud_init(scale_set=k.linux(health=HealthProbe(port=0))), "scale_set.health.port"),
    Case("probe-port-too-large", lambda k: k.dsc(scale_set=k.windows(health=HealthProbe(port=70_000))), "scale_set.health.port"),
    Case("probe-interval-too-short", lambda k: k.cse(scale_set=k.linux(health=HealthProbe(interval_in_seconds=2))), "scale_set.health.interval_in_seconds"),
    Case("batch-percent-zero", lambda k: k.dsc(scale_set=k.windows(upgrade=UpgradePolicy(mode="Manual", max_batch_instance_percent=0))), "scale_set.upgrade.max_batch_instance_percent"),
    Case("autoscale-maximum-below-minimum", lambda k: k.cse(scale_set=k.linux(autoscale=Autoscale(minimum=3, maximum=2))), "scale_set.autoscale.maximum"),
    Case("capacity-outside-autoscale", lambda k: k.cse(scale_set=k.linux(capacity=9, autoscale=Autoscale(minimum=1, maximum=3))), "scale_set.capacity"),
    Case("autoscale-thresholds-cross", lambda k: k.cloud_init(scale_set=k.linux(autoscale=Autoscale(minimum=1, maximum=3, scale_in_cpu_percent=80))), "scale_set.autoscale.scale_in_cpu_percent"),
    Case("os-disk-too-small", lambda k: k.dsc(scale_set=k.windows(os_disk_size_gb=10)), "scale_set.os_disk_size_gb"),
    Case("dsc-rerun-negative", lambda k: k.dsc(rerun=-1), "rerun"),
    Case("cse-rerun-too-large", lambda k: k.cse(rerun=2_000_000), "rerun"),
    Case("sas-rotation-zero", lambda k: SasPolicy(rotation_days=0), "sas.rotation_days"),
    Case("sas-lifetime-too-short", lambda k: SasPolicy(min_lifetime_days=3), "sas.min_lifetime_days"),
    Case("too-many-tags", lambda k: k.cse(scale_set=k.linux(tags={f"t{i}": "v" for i in range(51)})), "scale_set.tags"),
    # -- empty names ----------------------------------------------------------------------
    Case("dsc-name-empty", lambda k: k.dsc(""), "name"),
    Case("cse-name-empty", lambda k: k.cse(""), "name"),
    Case("cloud-init-name-empty", lambda k: k.cloud_init(""), "name"),
    Case("guest-name-empty", lambda k: k.guest(""), "name"),
    Case("store-name-empty", lambda k: ArtifactStore("", ArtifactStoreArgs(resource_group_name="rg")), "name"),
    Case("dsc-extension-name-empty", lambda k: k.dsc(extension_name=""), "extension_name"),
    Case("resource-group-empty", lambda k: k.cloud_init(scale_set=k.linux(resource_group_name="")), "scale_set.resource_group_name"),
    Case("store-resource-group-blank", lambda k: ArtifactStoreArgs(resource_group_name="  "), "resource_group_name"),
    Case("admin-username-empty", lambda k: k.dsc(scale_set=k.windows(admin_username="")), "scale_set.admin_username"),
    Case("artifact-key-empty", lambda k: k.cloud_init(store=k.store(), artifacts={"": k.packages.script}), "artifacts"),
    Case("guest-parameter-name-empty", lambda k: k.guest(parameters={"": "x"}), "parameters."),
    Case("package-name-empty", lambda k: Package.from_directory(DSC_SAMPLE, name=""), "package.name"),
    Case("publish-key-empty", lambda k: k.store().publish("", k.packages.script), "key"),
    # -- unsafe names ---------------------------------------------------------------------
    Case("dsc-name-with-space", lambda k: k.dsc("web tier"), "name"),
    Case("cse-name-with-urn-separator", lambda k: k.cse("a::b"), "name"),
    Case("store-name-with-slash", lambda k: ArtifactStore("store/1", ArtifactStoreArgs(resource_group_name="rg")), "name"),
    Case("guest-name-with-dots-and-slash", lambda k: k.guest("../x"), "name"),
    Case("account-prefix-upper-case", lambda k: ArtifactStoreArgs(resource_group_name="rg", account_name_prefix="My_Store"), "account_name_prefix"),
    Case("container-upper-case", lambda k: ArtifactStoreArgs(resource_group_name="rg", container_name="Artifacts"), "container_name"),
    Case("admin-username-reserved", lambda k: k.dsc(scale_set=k.windows(admin_username="Administrator")), "scale_set.admin_username"),
    Case("windows-prefix-too-long", lambda k: k.dsc(scale_set=k.windows(computer_name_prefix="webserver01")), "scale_set.computer_name_prefix"),
    Case("cse-extension-name-with-space", lambda k: k.cse(extension_name="my script"), "extension_name"),
    Case("artifact-key-upper-case", lambda k: k.cloud_init(store=k.store(), artifacts={"Site_1": k.packages.script}), "artifacts"),
    Case("package-name-with-space", lambda k: Package.from_directory(DSC_SAMPLE, name="site zip"), "package.name"),
    Case("publish-key-traversal", lambda k: k.store().publish("../etc", k.packages.script), "key"),
    Case("names-collide-in-the-store", lambda k: (k.web(), k.dsc("KIT-WEB")), "name"),
    Case("tag-name-with-slash", lambda k: k.dsc(scale_set=k.windows(tags={"a/b": "c"})), "scale_set.tags"),
    # -- wrong OS -------------------------------------------------------------------------
    Case("dsc-on-linux-image", lambda k: k.dsc(scale_set=k.windows(image=UBUNTU)), "scale_set.image"),
    Case("cloud-init-on-windows-image", lambda k: k.cloud_init(scale_set=k.linux(image=WINDOWS)), "scale_set.image"),
    Case("cse-windows-on-ubuntu", lambda k: k.cse(os="windows", scale_set=k.windows(image=UBUNTU)), "scale_set.image"),
    Case("cse-windows-script", lambda k: k.cse(os="windows", command=None, script="echo hi"), "script"),
    Case("cse-windows-skip-dos2unix", lambda k: k.cse(os="windows", skip_dos2unix=True), "skip_dos2unix"),
    Case("cse-linux-handler-1x", lambda k: k.cse(type_handler_version="1.10"), "type_handler_version"),
    Case("dsc-with-ssh-keys", lambda k: k.dsc(scale_set=k.windows(ssh_public_keys=[SSH_KEY])), "scale_set.ssh_public_keys"),
    Case("linux-with-password", lambda k: k.cse(scale_set=k.linux(admin_password=CANARY)), "scale_set.admin_password"),
    Case("guest-os-of-external-target", lambda k: k.guest(target=ExternalScaleSet(resource_group_name="rg", vmss_name="v", os="macos")), "target.os"),  # type: ignore[arg-type]
    Case("cse-os-unknown", lambda k: k.cse(os="solaris"), "os"),
    # -- missing files --------------------------------------------------------------------
    Case("cse-file-missing", lambda k: k.cse(files=[k.tmp / "missing.sh"]), "files[0]"),
    Case("cse-script-file-missing", lambda k: k.cse(command=None, script=k.tmp / "missing.sh"), "script"),
    Case("dsc-data-missing", lambda k: k.dsc(configuration_data=k.tmp / "missing.psd1"), "configuration_data"),
    Case("cloud-config-file-missing", lambda k: k.cloud_init(cloud_config=k.tmp / "missing.yaml"), "cloud_config"),
    Case("ssh-key-file-missing", lambda k: k.cse(scale_set=k.linux(ssh_public_keys=[k.tmp / "id.pub"])), "scale_set.ssh_public_keys[0]"),
    Case("dsc-folder-missing", lambda k: DscPackage.from_directory(k.tmp / "dsc", script="a.ps1", function="A"), "package.source"),
    Case("dsc-script-missing", lambda k: DscPackage.from_directory(DSC_SAMPLE, script="Other.ps1", function="WebServer"), "package.script"),
    Case("mof-missing", lambda k: MachineConfigurationPackage.build("LinuxMotd", mof=k.tmp / "x.mof"), "package.mof"),
    Case("zip-missing", lambda k: Package.from_zip(k.tmp / "site.zip"), "package.path"),
    # -- oversize content -----------------------------------------------------------------
    Case("custom-data-over-64k", lambda k: k.cloud_init(cloud_config="#!/bin/sh\n" + INCOMPRESSIBLE[:70_000], compress="never"), "cloud_config"),
    Case("custom-data-over-64k-gzipped", lambda k: k.cloud_init(cloud_config="#!/bin/sh\n" + INCOMPRESSIBLE[:200_000]), "cloud_config"),
    Case("cse-script-over-256k", lambda k: k.cse(command=None, script=INCOMPRESSIBLE), "script"),
    Case("tag-value-too-long", lambda k: k.cse(scale_set=k.linux(tags={"owner": "x" * 257})), "scale_set.tags.owner"),
    Case("mc-package-over-100mb", lambda k: mc_build(k, MOF_TEXT, big_module=True), "package"),
    # -- conflicting options --------------------------------------------------------------
    Case("rolling-without-health", lambda k: k.dsc(scale_set=k.windows(upgrade=UpgradePolicy(mode="Rolling"))), "scale_set.health"),
    Case("repairs-without-health", lambda k: k.cse(scale_set=k.linux(automatic_repairs=True)), "scale_set.health"),
    Case("machine-configuration-on-flexible", lambda k: k.cloud_init(scale_set=k.linux(machine_configuration=True, orchestration_mode="Flexible")), "scale_set.machine_configuration"),
    Case("image-id-and-marketplace", lambda k: k.dsc(scale_set=k.windows(image=ImageReference(id="/x/images/i", publisher="p", offer="o", sku="s"))), "scale_set.image"),
    Case("dsc-argument-public-and-protected", lambda k: k.dsc(configuration_arguments={"Site": "a"}, protected_configuration_arguments={"site": CANARY}), "protected_configuration_arguments.site"),
    Case("cse-command-and-script", lambda k: k.cse(script="echo hi"), "script"),
    Case("cse-no-command-no-script", lambda k: k.cse(command=None), "command"),
    Case("cse-identity-with-sas", lambda k: k.cse(download_identity_resource_id="/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id"), "download_identity_resource_id"),
    Case("cse-files-without-store", lambda k: k.cse(files=[k.packages.script], store=None), "store"),
    Case("cse-same-file-name-twice", lambda k: k.cse(files=[k.packages.script], file_uris=["https://example.com/install-worker.sh"]), "file_uris[0]"),
    Case("cse-token-uri-with-identity", lambda k: k.cse(download="managed_identity", files=[k.packages.script], file_uris=[f"https://example.com/tool.msi{CANARY_SAS}"]), "file_uris[0]"),
    Case("cse-second-custom-script", lambda k: k.cse(scale_set=k.linux(extra_extensions=[Extension(name="Other", publisher="Microsoft.Azure.Extensions", type="CustomScript", type_handler_version="2.1")])), "scale_set.extra_extensions[0]"),
    Case("extension-name-taken", lambda k: k.cse(scale_set=k.linux(health=HealthProbe(), extra_extensions=[Extension(name="ApplicationHealth", publisher="p", type="t", type_handler_version="1.0")])), "scale_set.extra_extensions"),
    Case("extension-waits-for-unknown", lambda k: k.cse(scale_set=k.linux(extra_extensions=[Extension(name="E", publisher="P", type="T", type_handler_version="1.0", provision_after=["ghost"])])), "scale_set.extra_extensions[0].provision_after"),
    Case("extension-order-loops", lambda k: k.dsc(scale_set=k.windows(extra_extensions=[Extension(name="A", publisher="P", type="T1", type_handler_version="1.0", provision_after=["B"]), Extension(name="B", publisher="P", type="T2", type_handler_version="1.0", provision_after=["A"])])), "scale_set.extra_extensions.provision_after"),
    Case("cloud-init-artifacts-without-store", lambda k: k.cloud_init(artifacts={"site": k.packages.script}), "store"),
    Case("guest-audit-package-applied", lambda k: k.guest(package=k.packages.mc_audit, assignment_type="ApplyAndMonitor"), "assignment_type"),
    Case("guest-parameter-twice", lambda k: k.guest(parameters={MOTD: "a"}, protected_parameters={MOTD: CANARY}), f"protected_parameters.{MOTD}"),
    Case("guest-target-lacks-agent", lambda k: k.guest(target=k.plain_target()), "target.scale_set.machine_configuration"),
    Case("guest-configuration-assigned-twice", lambda k: (k.baseline(), k.guest()), "target"),
    Case("guest-identity-not-attached", lambda k: k.guest(content_identity_resource_id="/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id"), "content_identity_resource_id"),
    # -- expired or unusable SAS policy ---------------------------------------------------
    Case("sas-expiry-in-the-past", lambda k: policy_at(NOW, expiry="2020-01-01"), "sas.expiry"),
    Case("sas-expiry-three-days-away", lambda k: policy_at(NOW, expiry=NOW + timedelta(days=3)), "sas.expiry"),
    Case("sas-expiry-without-zone", lambda k: policy_at(NOW, expiry=datetime(2027, 6, 1, 12, 0)), "sas.expiry"),
    Case("sas-expiry-not-a-date", lambda k: policy_at(NOW, expiry="next tuesday"), "sas.expiry"),
    Case("sas-clock-without-zone", lambda k: ArtifactStore("bad", ArtifactStoreArgs(resource_group_name="rg", sas=SasPolicy(clock=naive_clock))), "sas.clock"),
    Case("sas-clock-not-callable", lambda k: ArtifactStoreArgs(resource_group_name="rg", sas=SasPolicy(clock="now")), "sas.clock"),  # type: ignore[arg-type]
    # -- malformed MOF --------------------------------------------------------------------
    Case("mof-unterminated-instance", lambda k: mc_build(k, MOF_TEXT.rsplit("};", 1)[0]), "package.mof"),
    Case("mof-empty", lambda k: mc_build(k, ""), "package.mof"),
    Case("mof-resource-ids-differ-in-case-only", lambda k: mc_build(k, MOF_TEXT.replace('"[SshdOption]PermitRootLogin"', '"[motdfile]MOTD"')), "package.mof"),
    Case("mof-not-a-mof", lambda k: mc_build(k, "Configuration LinuxMotd { Node localhost { } }"), "package.mof"),
    Case("guest-parameter-unknown-property", lambda k: k.guest(parameters={"[MotdFile]Motd;Colour": "red"}), "parameters.[MotdFile]Motd;Colour"),
    Case("guest-parameter-unknown-resource", lambda k: k.guest(parameters={"[File]Motd;Contents": "x"}), "parameters.[File]Motd;Contents"),
    # -- malformed cloud-config -----------------------------------------------------------
    Case("cloud-config-bad-yaml", lambda k: k.cloud_init(cloud_config="#cloud-config\npackages: [nginx\n"), "cloud_config"),
    Case("cloud-config-a-list", lambda k: k.cloud_init(cloud_config="#cloud-config\n- a\n- b\n"), "cloud_config"),
    Case("cloud-config-no-header", lambda k: k.cloud_init(cloud_config="packages: [nginx]\n"), "cloud_config"),
    Case("cloud-config-retired-format", lambda k: k.cloud_init(cloud_config="#cloud-config-jsonp\n{}\n"), "cloud_config"),
    Case("cloud-config-unknown-placeholder", lambda k: k.cloud_init(cloud_config="#!/bin/sh\ncurl '${artifact:app}'\n"), "cloud_config"),
    Case("cloud-config-mapping-int-key", lambda k: k.cloud_init(cloud_config={1: "x"}), "cloud_config"),
    Case("cloud-config-file-not-utf8", lambda k: k.cloud_init(cloud_config=write(k, "ud.yaml", b"#cloud-config\n\xff\xfe\n")), "cloud_config"),
    Case("cloud-config-include-not-url", lambda k: k.cloud_init(cloud_config="#include\n/etc/passwd\n"), "cloud_config"),
]
# fmt: on


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    return build_packages(tmp_path_factory.mktemp("reliability-packages"))


SAS = "azure-native:storage:listStorageAccountServiceSAS"
_BASELINES: dict[frozenset[str], tuple[set[tuple[str, str]], int]] = {}


def baseline(
    packages: Packages, tmp: Path, fixtures: frozenset[str]
) -> tuple[set[tuple[str, str]], int]:
    """What the kit's valid fixtures alone register, and how many tokens they sign (cached
    per set of fixtures)."""
    if fixtures not in _BASELINES:
        kit = Kit(tmp, packages)
        with MockDeployment(speedups=True) as deployment:
            deployment.run(lambda: kit.make(fixtures))
        registered = {(r.type, r.name) for r in deployment.resources}
        _BASELINES[fixtures] = (registered, len(deployment.calls_to(SAS)))
    return _BASELINES[fixtures]


def test_the_matrix_is_large_and_distinct() -> None:
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_names_the_argument_and_registers_nothing(
    case: Case, packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    # Anything but a ConfigurationError escapes pytest.raises and fails the test.
    with MockDeployment(speedups=True) as deployment, pytest.raises(ConfigurationError) as raised:
        deployment.run(lambda: case.build(kit))
    error = raised.value
    assert error.path == case.path, str(error)
    message = str(error)
    assert not [canary for canary in CANARIES if canary in message], message
    assert "918273645546" not in message
    registered = {(r.type, r.name) for r in deployment.resources}
    expected, tokens = baseline(packages, tmp_path, frozenset(kit.used))
    assert registered == expected
    assert len(deployment.calls_to(SAS)) == tokens


# --- The stack configuration ----------------------------------------------------------------


@dataclass(frozen=True)
class ConfigCase:
    id: str
    edits: dict[str, Any]
    key: str


# fmt: off
CONFIG_CASES = [
    ConfigCase("environment-upper-case", {"environment": "Dev"}, "environment"),
    ConfigCase("environment-too-long", {"environment": "development"}, "environment"),
    ConfigCase("address-space-too-small", {"addressSpace": "10.20.0.0/24"}, "addressSpace"),
    ConfigCase("address-space-not-a-network", {"addressSpace": "10.20.0.300/16"}, "addressSpace"),
    ConfigCase("ssh-key-missing", {"sshPublicKey": DELETE}, "sshPublicKey"),
    ConfigCase("ssh-key-malformed", {"sshPublicKey": "ssh-ed25519 AAAAnotakey ops"}, "sshPublicKey"),
    ConfigCase("sas-rotation-zero", {"sasRotationDays": "0"}, "sasRotationDays"),
    ConfigCase("sas-rotation-text", {"sasRotationDays": "thirty"}, "sasRotationDays"),
    ConfigCase("sas-lifetime-too-short", {"sasMinLifetimeDays": "3"}, "sasMinLifetimeDays"),
    ConfigCase("capacity-text", {"web.capacity": "two"}, "web.capacity"),
    ConfigCase("capacity-too-large", {"web.capacity": 5000}, "web.capacity"),
    ConfigCase("vm-size-unknown", {"app.vmSize": "huge"}, "app.vmSize"),
    ConfigCase("zone-four", {"app.zones": ["4"]}, "app.zones"),
    ConfigCase("upgrade-mode-unknown", {"worker.upgradeMode": "Sometimes"}, "worker.upgradeMode"),
    ConfigCase("autoscale-maximum-below-minimum", {"worker.autoscale": {"minimum": 5, "maximum": 2}}, "worker.autoscale.maximum"),
    ConfigCase("tier-unknown-setting", {"web.colour": "blue"}, "web.colour"),
    ConfigCase("tier-missing", {"app": DELETE}, "app"),
    ConfigCase("guest-on-windows-tier", {"guestAssignment.tier": "web"}, "guestAssignment.tier"),
    ConfigCase("guest-type-unknown", {"guestAssignment.assignmentType": "Enforce"}, "guestAssignment.assignmentType"),
    ConfigCase("tag-named-password", {"tags": {"password": CANARY}}, "tags.password"),
    ConfigCase("tag-carrying-sas", {"tags": {"link": f"https://x/y{CANARY_SAS}"}}, "tags.link"),
    ConfigCase("tag-name-with-slash", {"tags": {"a/b": "c"}}, "tags"),
    ConfigCase("admin-password-weak", {"adminPassword": "weakpassword"}, "adminPassword"),
    ConfigCase("app-pool-password-blank", {"appPoolPassword": "   "}, "appPoolPassword"),
    ConfigCase("store-network-unknown", {"artifactStore": {"network": "vpn"}}, "artifactStore.network"),
    ConfigCase("store-uploader-on-public", {"artifactStore": {"uploaderAddresses": ["20.1.2.3"]}}, "artifactStore.uploaderAddresses"),
    ConfigCase("store-uploader-private-address", {"artifactStore": {"network": "private", "uploaderAddresses": ["10.0.0.4"]}}, "artifactStore.uploaderAddresses"),
    ConfigCase("store-unknown-setting", {"artifactStore": {"firewall": "on"}}, "artifactStore.firewall"),
]
# fmt: on


def test_the_config_matrix_is_distinct() -> None:
    assert len({case.id for case in CONFIG_CASES}) == len(CONFIG_CASES)


@pytest.mark.parametrize("case", CONFIG_CASES, ids=[case.id for case in CONFIG_CASES])
def test_bad_stack_config_names_the_key_and_registers_nothing(case: ConfigCase) -> None:
    values, secret_keys = stack_config("dev")
    edited = edited_config(values, case.edits)
    secret_keys = (*secret_keys, "vmss-components:adminPassword", "vmss-components:appPoolPassword")
    with (
        stack_deployment("dev", edited, secret_keys) as deployment,
        pytest.raises(ConfigurationError) as raised,
    ):
        run_stack_program(deployment)
    error = raised.value
    assert error.path == f"vmss-components:{case.key}", str(error)
    assert "stacks/Pulumi.dev.yaml" in str(error)
    message = str(error)
    assert not [canary for canary in CANARIES if canary in message], message
    assert "weakpassword" not in message
    assert deployment.resources == []


def test_the_shell_user_data_fixture_is_valid(packages: Packages, tmp_path: Path) -> None:
    """Cases fail for their one wrong argument, not for the kit's defaults."""
    kit = Kit(tmp_path, packages)
    with MockDeployment(speedups=True) as deployment:
        deployment.run(
            lambda: (
                kit.dsc(),
                kit.cse(),
                kit.cloud_init(cloud_config=SHELL_USER_DATA),
                kit.guest(),
            )
        )
    assert len(deployment.resources_of_type("azure-native:compute:VirtualMachineScaleSet")) == 4


# --- Any wrong value in any field -------------------------------------------------------------

WRONG = [None, 12345, -1, 1.5, True, "", "x", b"x", [], ["x"], {}, {"a": 1}, object()]


def _in(args: Any, **change: Any) -> Any:
    return dataclasses.replace(args, **change)


# Each argument class, and how to put one wrong field of it into a component.
# fmt: off
SWEEP: dict[str, tuple[type, Callable[[Kit, str, Any], object]]] = {
    "ScaleSetArgs (Windows)": (ScaleSetArgs, lambda k, f, v: k.dsc(scale_set=_in(k.windows(), **{f: v}))),
    "ScaleSetArgs (Linux)": (ScaleSetArgs, lambda k, f, v: k.cloud_init(scale_set=_in(k.linux(), **{f: v}))),
    "UpgradePolicy": (UpgradePolicy, lambda k, f, v: k.dsc(scale_set=k.windows(upgrade=_in(UpgradePolicy(mode="Manual"), **{f: v})))),
    "HealthProbe": (HealthProbe, lambda k, f, v: k.cse(scale_set=k.linux(health=_in(HealthProbe(), **{f: v})))),
    "ImageReference": (ImageReference, lambda k, f, v: k.cse(scale_set=k.linux(image=_in(UBUNTU, **{f: v})))),
    "Autoscale": (Autoscale, lambda k, f, v: k.cse(scale_set=k.linux(autoscale=_in(Autoscale(minimum=1, maximum=3), **{f: v})))),
    "Extension": (Extension, lambda k, f, v: k.cse(scale_set=k.linux(extra_extensions=[_in(Extension(name="E", publisher="P", type="T", type_handler_version="1.0"), **{f: v})]))),
    "ArtifactStoreArgs": (ArtifactStoreArgs, lambda k, f, v: ArtifactStore("bad", _in(ArtifactStoreArgs(resource_group_name="rg"), **{f: v}))),
    "SasPolicy": (SasPolicy, lambda k, f, v: ArtifactStore("bad", ArtifactStoreArgs(resource_group_name="rg", sas=_in(policy_at(NOW), **{f: v})))),
    "DscScaleSetArgs": (DscScaleSetArgs, lambda k, f, v: k.dsc(**{f: v})),
    "CustomScriptScaleSetArgs": (CustomScriptScaleSetArgs, lambda k, f, v: k.cse(**{f: v})),
    "CloudInitScaleSetArgs": (CloudInitScaleSetArgs, lambda k, f, v: k.cloud_init(**{f: v})),
    "GuestAssignmentArgs": (GuestAssignmentArgs, lambda k, f, v: k.guest(**{f: v})),
    "ExternalScaleSet": (ExternalScaleSet, lambda k, f, v: k.guest(target=_in(ExternalScaleSet(resource_group_name="rg", vmss_name="v", os="linux"), **{f: v}))),
}
# fmt: on
FIELDS = [
    (label, field.name) for label, (kind, _) in SWEEP.items() for field in dataclasses.fields(kind)
]


@settings(
    max_examples=SWEEP_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(target=st.sampled_from(FIELDS), value=st.sampled_from(WRONG))
def test_a_wrong_value_in_any_field_is_a_configuration_error_or_taken(
    target: tuple[str, str], value: Any, packages: Packages, tmp_path: Path
) -> None:
    """Every field of every argument class, given a value of the wrong type: either the
    library refuses it (ConfigurationError, nothing of the component registered) or the
    resources it builds serialize; never another exception, now or inside the engine."""
    label, field = target
    kit = Kit(tmp_path, packages)
    build = SWEEP[label][1]
    # A deprecated field still takes values for one release; its warning is not under test.
    with MockDeployment(speedups=True) as deployment, warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".* is deprecated", DeprecationWarning)
        try:
            built = deployment.run(lambda: build(kit, field, value))
        except ConfigurationError:
            assert not [r.name for r in deployment.resources if r.name.startswith("bad")]
            return
        components = built if isinstance(built, tuple) else (built,)
        for component in components:
            vmss = getattr(component, "vmss", None)
            if vmss is not None:
                # A value the SDK cannot serialize fails here, not silently in the engine.
                deployment.resolve(vmss.virtual_machine_profile)
                deployment.resolve(vmss.id)


def test_the_sweep_covers_every_argument_class() -> None:
    assert len(FIELDS) >= 100
