"""Each declared rule shown through every path that can carry it: a violating case gives
ConfigurationError naming the argument, with nothing registered beyond the valid fixtures
the case builds on; a valid case is accepted (and an extension given in
``extra_extensions`` is emitted as given).

Handler rules are violated through ``ScaleSetArgs.extra_extensions`` with publisher and type
in odd casing: a handler is recognised however it is spelt. The marks
(``pytest.mark.rule``) feed tests/invariants/test_rules_table.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    BIG_SCRIPT,
    DOWNLOAD_IDENTITY_ID,
    LINUX_SCRIPT,
    NOW,
    TOKEN_URI,
    WORKER,
    Kit,
    Packages,
    build_packages,
    policy_at,
)

from vmss_components import (
    ConfigurationError,
    Extension,
    HealthProbe,
    ImageReference,
    UpgradePolicy,
)
from vmss_components.testing import MockDeployment

UBUNTU = ImageReference(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server")
WINDOWS = ImageReference(
    publisher="MicrosoftWindowsServer", offer="WindowsServer", sku="2022-datacenter-azure-edition"
)
GALLERY_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-images/providers/"
    "Microsoft.Compute/galleries/gallery/images/web/versions/1.0.0"
)
PROBE_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/"
    "Microsoft.Network/loadBalancers/lb-web/probes/http"
)
ROLLING = UpgradePolicy(mode="Rolling")


def dsc_ext(**settings: Any) -> Extension:
    """A DSC extension written by hand, publisher and type in odd casing."""
    public: dict[str, Any] = {
        "wmfVersion": "latest",
        "configuration": {
            "url": "https://example.blob.core.windows.net/c/web.zip",
            "script": "WebServer.ps1",
            "function": "WebServer",
        },
        "privacy": {"dataCollection": "Disable"},
    }
    protected: dict[str, Any] = {"configurationUrlSasToken": "?sv=2022-11-02&sr=b&sp=r"}
    for key, value in settings.items():
        section, _, name = key.partition("__")
        target = protected if section == "protected" else public
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    return Extension(
        name="HandDsc",
        publisher="microsoft.POWERSHELL",
        type="dsc",
        type_handler_version="2.77",
        settings=public,
        protected_settings=protected,
    )


def ext(publisher: str, type: str, version: str, name: str = "Mine", **kw: Any) -> Extension:
    return Extension(name=name, publisher=publisher, type=type, type_handler_version=version, **kw)


def linux_cse(**kw: Any) -> Extension:
    values: dict[str, Any] = {"protected_settings": {"commandToExecute": "sh run.sh"}}
    values.update(kw)
    return ext("MICROSOFT.AZURE.EXTENSIONS", "customscript", "2.1", **values)


def windows_cse(**kw: Any) -> Extension:
    values: dict[str, Any] = {"protected_settings": {"commandToExecute": "cmd /c ver"}}
    values.update(kw)
    return ext("microsoft.compute", "CUSTOMSCRIPTEXTENSION", "1.10", **values)


def health_ext(os: str = "Linux", **settings: Any) -> Extension:
    values: dict[str, Any] = {"protocol": "http", "port": 80, "requestPath": "/health"}
    values.update(settings)
    return ext("microsoft.managedservices", f"applicationhealth{os}", "1.0", settings=values)


def on_linux(k: Kit, *extensions: Extension, **scale_set: Any) -> Any:
    """A cloud-init scale set carrying ``extensions``."""
    return k.cloud_init(scale_set=k.linux(extra_extensions=list(extensions), **scale_set))


def on_windows(k: Kit, *extensions: Extension, **scale_set: Any) -> Any:
    """A Windows Custom Script scale set carrying ``extensions``."""
    return k.cse(
        os="windows",
        command="cmd /c ver",
        scale_set=k.windows(extra_extensions=list(extensions), **scale_set),
    )


@dataclass(frozen=True)
class Bad:
    """``build`` makes one thing wrong; ``path`` is the path the error must name."""

    build: Callable[[Kit], Any]
    path: str


X = "scale_set.extra_extensions"
# fmt: off
VIOLATIONS = [
    # --- one extension per handler, however spelt
    pytest.param(Bad(lambda k: k.dsc(scale_set=k.windows(extra_extensions=[dsc_ext()])), f"{X}[0]"), id="one-per-handler:dsc-twice", marks=pytest.mark.rule("extension-one-per-handler", path=X, case="violation")),
    pytest.param(Bad(lambda k: k.cse(scale_set=k.linux(extra_extensions=[linux_cse()])), f"{X}[0]"), id="one-per-handler:cse-twice", marks=pytest.mark.rule("extension-one-per-handler", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, health_ext(), health=HealthProbe()), f"{X}[0]"), id="one-per-handler:health-twice", marks=pytest.mark.rule("extension-one-per-handler", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, ext("Microsoft.GuestConfiguration", "configurationforlinux", "1.0", settings={}), machine_configuration=True), f"{X}[0]"), id="one-per-handler:guest-config-twice", marks=pytest.mark.rule("extension-one-per-handler", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, linux_cse(name="A"), linux_cse(name="B")), f"{X}[1]"), id="one-per-handler:two-of-the-users", marks=pytest.mark.rule("extension-one-per-handler", path=X, case="violation")),
    # --- handler and OS agree
    pytest.param(Bad(lambda k: on_linux(k, windows_cse()), f"{X}[0].type"), id="handler-os:windows-cse-on-linux", marks=pytest.mark.rule("extension-handler-os", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, dsc_ext()), f"{X}[0].type"), id="handler-os:powershell-dsc-on-linux", marks=pytest.mark.rule("extension-handler-os", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, ext("microsoft.ostcextensions", "dscforlinux", "2.7")), f"{X}[0].type"), id="handler-os:dsc-for-linux-retired", marks=pytest.mark.rule("extension-handler-os", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_windows(k, linux_cse()), f"{X}[0].type"), id="handler-os:linux-cse-on-windows", marks=pytest.mark.rule("extension-handler-os", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_windows(k, health_ext("Linux")), f"{X}[0].type"), id="handler-os:linux-health-on-windows", marks=pytest.mark.rule("extension-handler-os", path=X, case="violation")),
    # --- documented handler versions
    pytest.param(Bad(lambda k: k.dsc(type_handler_version="2.5"), "type_handler_version"), id="handler-version:dsc-component", marks=pytest.mark.rule("extension-handler-version", path="type_handler_version", case="violation")),
    pytest.param(Bad(lambda k: k.cse(os="windows", command="cmd /c ver", type_handler_version="1.9"), "type_handler_version"), id="handler-version:cse-windows-component", marks=pytest.mark.rule("extension-handler-version", path="type_handler_version", case="violation")),
    pytest.param(Bad(lambda k: k.cse(type_handler_version="2.9"), "type_handler_version"), id="handler-version:cse-linux-component", marks=pytest.mark.rule("extension-handler-version", path="type_handler_version", case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, ext("Microsoft.Azure.Extensions", "CUSTOMSCRIPT", "2.0", protected_settings={"commandToExecute": "x"})), f"{X}[0].type_handler_version"), id="handler-version:cse-extra", marks=pytest.mark.rule("extension-handler-version", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, ext("microsoft.managedservices", "ApplicationHealthLINUX", "3.0", settings={"protocol": "tcp", "port": 22})), f"{X}[0].type_handler_version"), id="handler-version:health-extra", marks=pytest.mark.rule("extension-handler-version", path=X, case="violation")),
    # --- DSC settings, through the component and through extra_extensions
    pytest.param(Bad(lambda k: k.dsc(wmf_version="9.9"), "wmf_version"), id="dsc-wmf:component", marks=pytest.mark.rule("dsc-wmf-version", path="wmf_version", case="violation")),
    pytest.param(Bad(lambda k: on_windows(k, dsc_ext(public__wmfVersion="9.9")), f"{X}[0].settings.wmfVersion"), id="dsc-wmf:extra", marks=pytest.mark.rule("dsc-wmf-version", path=X, case="violation")),
    pytest.param(Bad(lambda k: k.dsc(data_collection="Maybe"), "data_collection"), id="dsc-privacy:component", marks=pytest.mark.rule("dsc-data-collection", path="data_collection", case="violation")),
    pytest.param(Bad(lambda k: on_windows(k, dsc_ext(public__privacy={"dataCollection": "Maybe"})), f"{X}[0].settings.privacy.dataCollection"), id="dsc-privacy:extra", marks=pytest.mark.rule("dsc-data-collection", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_windows(k, dsc_ext(protected__configurationUrlSasToken="sv=2022-11-02&sr=b")), f"{X}[0].protected_settings.configurationUrlSasToken"), id="dsc-token:no-question-mark", marks=pytest.mark.rule("dsc-sas-token", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_windows(k, dsc_ext(protected__configurationDataUrlSasToken="?sv=1")), f"{X}[0].protected_settings.configurationDataUrlSasToken"), id="dsc-token:data-token-without-data-url", marks=pytest.mark.rule("dsc-sas-token", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_windows(k, dsc_ext(public__configuration=None)), f"{X}[0].protected_settings.configurationUrlSasToken"), id="dsc-token:token-without-url", marks=pytest.mark.rule("dsc-sas-token", path=X, case="violation")),
    pytest.param(Bad(lambda k: k.dsc(configuration_arguments={"SiteTitle": "Contoso"}, protected_configuration_arguments={"sitetitle": "x"}), "protected_configuration_arguments.sitetitle"), id="dsc-argument:component", marks=pytest.mark.rule("dsc-argument-one-place", path="protected_configuration_arguments", case="violation")),
    pytest.param(Bad(lambda k: on_windows(k, dsc_ext(public__configurationArguments={"Port": 80}, protected__configurationArguments={"port": 81})), f"{X}[0].protected_settings.configurationArguments"), id="dsc-argument:extra", marks=pytest.mark.rule("dsc-argument-one-place", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_windows(k, dsc_ext(public__dataEnabled=False)), f"{X}[0].settings"), id="dsc-keys:misspelt-privacy", marks=pytest.mark.rule("dsc-settings-keys", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_windows(k, dsc_ext(public__privacy="Disable")), f"{X}[0].settings.privacy"), id="dsc-keys:privacy-not-a-mapping", marks=pytest.mark.rule("dsc-settings-keys", path=X, case="violation")),
    # --- Custom Script settings on a scale set the component does not make for it
    pytest.param(Bad(lambda k: k.dsc(scale_set=k.windows(extra_extensions=[windows_cse(settings={"script": "ZWNobw=="})])), f"{X}[0].settings"), id="cse-keys:windows-script-on-dsc", marks=pytest.mark.rule("cse-settings-keys", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, linux_cse(settings={"commandToExecute": "sh a.sh"})), f"{X}[0].protected_settings"), id="cse-one-place:command-twice", marks=pytest.mark.rule("cse-field-one-place", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, linux_cse(protected_settings={"fileUris": []})), f"{X}[0]"), id="cse-one-command:extra-none", marks=pytest.mark.rule("cse-one-command", path=X, case="violation")),
    pytest.param(Bad(lambda k: k.cse(command=None), "command"), id="cse-one-command:component-none", marks=pytest.mark.rule("cse-one-command", path="command", case="violation")),
    pytest.param(Bad(lambda k: k.cse(script="#!/bin/sh\necho\n"), "script"), id="cse-one-command:component-both", marks=pytest.mark.rule("cse-one-command", path="script", case="violation")),
    # --- Application Health settings
    pytest.param(Bad(lambda k: on_linux(k, health=HealthProbe(port=0)), "scale_set.health.port"), id="health-settings:component-port", marks=pytest.mark.rule("health-settings", path="scale_set.health", case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, health_ext(protocol="udp")), f"{X}[0].settings.protocol"), id="health-settings:extra-protocol", marks=pytest.mark.rule("health-settings", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, health_ext(protocol="tcp")), f"{X}[0].settings.requestPath"), id="health-settings:extra-tcp-path", marks=pytest.mark.rule("health-settings", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, health_ext(intervalInSeconds=1)), f"{X}[0].settings.intervalInSeconds"), id="health-settings:extra-interval", marks=pytest.mark.rule("health-settings", path=X, case="violation")),
    # --- health sources
    pytest.param(Bad(lambda k: on_linux(k, upgrade=ROLLING), "scale_set.health"), id="health-source:rolling-without", marks=pytest.mark.rule("health-source-required", path="scale_set.health", case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, upgrade=ROLLING, health=HealthProbe(), health_probe_id=PROBE_ID), "scale_set.health_probe_id"), id="health-source:two", marks=pytest.mark.rule("health-source-single", path="scale_set.health_probe_id", case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, health_ext(), health_probe_id=PROBE_ID), "scale_set.health_probe_id"), id="health-source:own-extension-and-probe", marks=pytest.mark.rule("health-source-single", path="scale_set.health_probe_id", case="violation")),
    # --- the OS comes from the image
    pytest.param(Bad(lambda k: k.dsc(scale_set=k.windows(image=ImageReference(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", os="windows"))), "scale_set.image.os"), id="image-os:declared-against-publisher", marks=pytest.mark.rule("image-os-agrees", path="scale_set.image.os", case="violation")),
    pytest.param(Bad(lambda k: k.cloud_init(scale_set=k.linux(image=ImageReference(publisher="MicrosoftWindowsServer", offer="WindowsServer", sku="2022-datacenter", os="linux"))), "scale_set.image.os"), id="image-os:linux-declared-on-windows-image", marks=pytest.mark.rule("image-os-agrees", path="scale_set.image.os", case="violation")),
    pytest.param(Bad(lambda k: k.cloud_init(scale_set=k.linux(image=ImageReference(id=GALLERY_ID))), "scale_set.image.os"), id="image-os:custom-undeclared", marks=pytest.mark.rule("image-os-declared", path="scale_set.image.os", case="violation")),
    pytest.param(Bad(lambda k: k.cloud_init(scale_set=k.linux(image=ImageReference(publisher="contoso", offer="hardened", sku="1"))), "scale_set.image.os"), id="image-os:unknown-publisher-undeclared", marks=pytest.mark.rule("image-os-declared", path="scale_set.image.os", case="violation")),
    pytest.param(Bad(lambda k: k.dsc(scale_set=k.windows(image=UBUNTU)), "scale_set.image"), id="image-os:dsc-on-ubuntu", marks=pytest.mark.rule("image-os-matches-component", path="scale_set.image", case="violation")),
    pytest.param(Bad(lambda k: k.cloud_init(scale_set=k.linux(image=WINDOWS)), "scale_set.image"), id="image-os:cloud-init-on-windows", marks=pytest.mark.rule("image-os-matches-component", path="scale_set.image", case="violation")),
    # --- SAS expiry
    pytest.param(Bad(lambda k: policy_at(NOW, expiry=NOW + timedelta(days=30)), "sas.expiry"), id="sas-expiry:inside-min-lifetime", marks=pytest.mark.rule("sas-expiry-lifetime", path="sas.expiry", case="violation")),
    pytest.param(Bad(lambda k: policy_at(NOW, expiry=NOW + timedelta(days=20), min_lifetime_days=21), "sas.expiry"), id="sas-expiry:inside-custom-min-lifetime", marks=pytest.mark.rule("sas-expiry-lifetime", path="sas.expiry", case="violation")),
    pytest.param(Bad(lambda k: policy_at(NOW, expiry="2030-06-15 18:30:00"), "sas.expiry"), id="sas-expiry:time-without-zone", marks=pytest.mark.rule("sas-expiry-parsed-whole", path="sas.expiry", case="violation")),
    pytest.param(Bad(lambda k: policy_at(NOW, expiry="9999-12-31T23:00:00-05:00"), "sas.expiry"), id="sas-expiry:overflow", marks=pytest.mark.rule("sas-expiry-parsed-whole", path="sas.expiry", case="violation")),
    pytest.param(Bad(lambda k: policy_at(NOW, expiry="2030-06-15T18:30"), "sas.expiry"), id="sas-expiry:t-without-zone", marks=pytest.mark.rule("sas-expiry-parsed-whole", path="sas.expiry", case="violation")),
    # --- existing extension and Custom Script rules
    pytest.param(Bad(lambda k: k.cse(scale_set=k.linux(extra_extensions=[ext("Contoso", "Agent", "1.0", name="customscript")])), X), id="extension-names:same-as-component", marks=pytest.mark.rule("extension-names-unique", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, ext("Contoso", "A", "1.0", name="One"), ext("Contoso", "B", "1.0", name="ONE")), X), id="extension-names:two-of-the-users", marks=pytest.mark.rule("extension-names-unique", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, ext("Contoso", "A", "1.0", provision_after=["Ghost"])), f"{X}[0].provision_after"), id="extension-order:unknown", marks=pytest.mark.rule("extension-order", path=X, case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, ext("Contoso", "A", "1.0", name="A", provision_after=["B"]), ext("Contoso", "B", "1.0", name="B", provision_after=["A"])), f"{X}.provision_after"), id="extension-order:loop", marks=pytest.mark.rule("extension-order", path=X, case="violation")),
    pytest.param(Bad(lambda k: k.cse(command=None, script=BIG_SCRIPT), "script"), id="cse-script-size:over", marks=pytest.mark.rule("cse-script-size", path="script", case="violation")),
    pytest.param(Bad(lambda k: k.cse(os="windows", command=None, script="Write-Host hi"), "script"), id="cse-windows-script", marks=pytest.mark.rule("cse-windows-no-script", path="script", case="violation")),
    pytest.param(Bad(lambda k: k.cse(file_uris=["http://example.com/run.sh"]), "file_uris[0]"), id="cse-https:http", marks=pytest.mark.rule("cse-file-uris-https", path="file_uris", case="violation")),
    pytest.param(Bad(lambda k: k.cse(file_uris=["https://example.com/tools/"]), "file_uris[0]"), id="cse-https:no-file-name", marks=pytest.mark.rule("cse-file-uris-https", path="file_uris", case="violation")),
    pytest.param(Bad(lambda k: k.cse(files=[LINUX_SCRIPT, LINUX_SCRIPT]), "files[1]"), id="cse-file-names:two-files", marks=pytest.mark.rule("cse-file-names-unique", path="files", case="violation")),
    pytest.param(Bad(lambda k: k.cse(files=[LINUX_SCRIPT], file_uris=["https://example.com/x/install-worker.sh"]), "file_uris[0]"), id="cse-file-names:file-and-uri", marks=pytest.mark.rule("cse-file-names-unique", path="file_uris", case="violation")),
    pytest.param(Bad(lambda k: k.cse(download="managed_identity", download_identity_resource_id=DOWNLOAD_IDENTITY_ID, file_uris=[TOKEN_URI]), "file_uris[0]"), id="cse-managed-identity:token", marks=pytest.mark.rule("cse-managed-identity-no-token", path="file_uris", case="violation")),
    # --- JSON values only
    pytest.param(Bad(lambda k: ext("Contoso", "Agent", "1.0", settings={"tags": {"a", "b"}}), "extension.settings.tags"), id="json:set-in-settings", marks=pytest.mark.rule("settings-json-values", path="extension.settings", case="violation")),
    pytest.param(Bad(lambda k: ext("Contoso", "Agent", "1.0", settings={"ratio": float("nan")}), "extension.settings.ratio"), id="json:nan-in-settings", marks=pytest.mark.rule("settings-json-values", path="extension.settings", case="violation")),
    pytest.param(Bad(lambda k: ext("Contoso", "Agent", "1.0", protected_settings={"when": NOW}), "extension.protected_settings.when"), id="json:datetime-in-protected", marks=pytest.mark.rule("settings-json-values", path="extension.protected_settings", case="violation")),
    pytest.param(Bad(lambda k: ext("Contoso", "Agent", "1.0", protected_settings={"limit": float("inf")}), "extension.protected_settings.limit"), id="json:inf-in-protected", marks=pytest.mark.rule("settings-json-values", path="extension.protected_settings", case="violation")),
    pytest.param(Bad(lambda k: k.dsc(configuration_arguments={"SiteTitle": Path("/srv/site")}), "configuration_arguments.SiteTitle"), id="json:path-in-arguments", marks=pytest.mark.rule("settings-json-values", path="configuration_arguments", case="violation")),
    pytest.param(Bad(lambda k: k.dsc(configuration_arguments={"SiteTitle": b"bytes"}), "configuration_arguments.SiteTitle"), id="json:bytes-in-arguments", marks=pytest.mark.rule("settings-json-values", path="configuration_arguments", case="violation")),
    pytest.param(Bad(lambda k: k.dsc(protected_configuration_arguments={"AppPoolCredential": {"userName": "u", "password": complex(1, 2)}}), "protected_configuration_arguments.AppPoolCredential.password"), id="json:complex-in-protected-arguments", marks=pytest.mark.rule("settings-json-values", path="protected_configuration_arguments", case="violation")),
    pytest.param(Bad(lambda k: k.dsc(protected_configuration_arguments={"AppPoolCredential": frozenset({"u"})}), "protected_configuration_arguments.AppPoolCredential"), id="json:frozenset-in-protected-arguments", marks=pytest.mark.rule("settings-json-values", path="protected_configuration_arguments", case="violation")),
    pytest.param(Bad(lambda k: on_linux(k, ext("Contoso", "Agent", "1.0", settings={"x": object()})), "extension.settings.x"), id="json:object-in-extra-settings", marks=pytest.mark.rule("settings-json-values", path="extension.settings", case="violation")),
]
# fmt: on


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    return build_packages(tmp_path_factory.mktemp("rule-packages"))


def registered_by(kit: Kit, fixtures: frozenset[str]) -> set[tuple[str, str]]:
    """What the kit's valid fixtures alone register."""
    with MockDeployment(speedups=True) as deployment:
        deployment.run(lambda: kit.make(fixtures))
    return {(r.type, r.name) for r in deployment.resources}


@pytest.mark.parametrize("case", VIOLATIONS)
def test_a_violation_names_the_argument_and_registers_nothing(
    case: Bad, packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    # Anything but a ConfigurationError escapes pytest.raises and fails the test.
    with MockDeployment(speedups=True) as deployment, pytest.raises(ConfigurationError) as raised:
        deployment.run(lambda: case.build(kit))
    assert raised.value.path == case.path, str(raised.value)
    registered = {(r.type, r.name) for r in deployment.resources}
    assert registered == registered_by(Kit(tmp_path, packages), frozenset(kit.used))


VMSS = "azure-native:compute:VirtualMachineScaleSet"


def emitted(deployment: MockDeployment, name: str) -> dict[str, Any]:
    """The extension ``name`` as the scale set's model carries it."""
    vmss = deployment.resource(VMSS)
    extensions = vmss.get("virtualMachineProfile.extensionProfile.extensions")
    matching = [e for e in extensions if e["name"] == name]
    assert len(matching) == 1, [e["name"] for e in extensions]
    return dict(matching[0])


def as_given(extension: Extension) -> dict[str, Any]:
    """What Azure receives for an extension given as it is."""
    shown: dict[str, Any] = {
        "name": extension.name,
        "publisher": extension.publisher,
        "type": extension.type,
        "typeHandlerVersion": extension.type_handler_version,
        "autoUpgradeMinorVersion": extension.auto_upgrade_minor_version,
        "settings": dict(extension.settings),
    }
    if extension.protected_settings is not None:
        shown["protectedSettings"] = dict(extension.protected_settings)
    return shown


@dataclass(frozen=True)
class Good:
    """``build`` makes a valid program; ``given`` is the extension it passes through
    ``extra_extensions`` (checked to reach Azure as given), if any."""

    build: Callable[[Kit], Any]
    given: Extension | None = None


HAND_DSC = dsc_ext(
    public__configurationArguments={"Port": 80},
    protected__configurationArguments={"Credential": {"userName": "u", "password": "p"}},
    public__configurationData={"url": "https://example.blob.core.windows.net/c/data.psd1"},
    protected__configurationDataUrlSasToken="?sv=2022-11-02&sr=b&sp=r",
)
HAND_WINDOWS_CSE = windows_cse(settings={"fileUris": ["https://example.com/a.ps1"]})
HAND_LINUX_CSE = linux_cse(settings={"skipDos2Unix": True, "timestamp": 3})
HAND_HEALTH = health_ext(intervalInSeconds=10, numberOfProbes=2)
HAND_AGENT = ext("Contoso.Monitoring", "Agent", "3.4", settings={"levels": [1, 2.5, None, True]})
# fmt: off
VALID = [
    pytest.param(Good(lambda k: on_windows(k, HAND_DSC), HAND_DSC), id="dsc-by-hand-on-windows", marks=[pytest.mark.rule("dsc-wmf-version", path=X, case="valid"), pytest.mark.rule("dsc-data-collection", path=X, case="valid"), pytest.mark.rule("dsc-sas-token", path=X, case="valid"), pytest.mark.rule("dsc-argument-one-place", path=X, case="valid"), pytest.mark.rule("dsc-settings-keys", path=X, case="valid"), pytest.mark.rule("extension-handler-os", path=X, case="valid"), pytest.mark.rule("extension-handler-version", path=X, case="valid")]),
    pytest.param(Good(lambda k: k.dsc(scale_set=k.windows(extra_extensions=[HAND_WINDOWS_CSE])), HAND_WINDOWS_CSE), id="windows-cse-by-hand-on-dsc", marks=[pytest.mark.rule("cse-settings-keys", path=X, case="valid"), pytest.mark.rule("cse-one-command", path=X, case="valid"), pytest.mark.rule("cse-field-one-place", path=X, case="valid"), pytest.mark.rule("extension-one-per-handler", path=X, case="valid")]),
    pytest.param(Good(lambda k: on_linux(k, HAND_LINUX_CSE), HAND_LINUX_CSE), id="linux-cse-by-hand-on-cloud-init"),
    pytest.param(Good(lambda k: k.cse(scale_set=k.linux(extra_extensions=[ext("Contoso", "Agent", "1.0", name="Agent", provision_after=["CustomScript"])]))), id="extension-after-the-components", marks=[pytest.mark.rule("extension-names-unique", path=X, case="valid"), pytest.mark.rule("extension-order", path=X, case="valid")]),
    pytest.param(Good(lambda k: k.cse(command=None, script="#!/bin/sh\necho ready\n")), id="cse-small-linux-script", marks=pytest.mark.rule("cse-script-size", path="script", case="valid")),
    pytest.param(Good(lambda k: k.cse(os="windows", command="powershell -File a.ps1")), id="cse-windows-command", marks=pytest.mark.rule("cse-windows-no-script", path="script", case="valid")),
    pytest.param(Good(lambda k: k.cse(files=[LINUX_SCRIPT, WORKER], file_uris=["https://example.com/x/other.sh"], download="managed_identity", download_identity_resource_id=DOWNLOAD_IDENTITY_ID)), id="cse-files-by-managed-identity", marks=[pytest.mark.rule("cse-file-uris-https", path="file_uris", case="valid"), pytest.mark.rule("cse-file-names-unique", path="files", case="valid"), pytest.mark.rule("cse-managed-identity-no-token", path="file_uris", case="valid")]),
    pytest.param(Good(lambda k: on_linux(k, HAND_HEALTH, upgrade=ROLLING), HAND_HEALTH), id="own-health-extension-for-rolling", marks=[pytest.mark.rule("health-settings", path=X, case="valid"), pytest.mark.rule("health-source-required", path="scale_set.health", case="valid")]),
    pytest.param(Good(lambda k: on_linux(k, upgrade=ROLLING, health_probe_id=PROBE_ID)), id="probe-for-rolling", marks=pytest.mark.rule("health-source-single", path="scale_set.health_probe_id", case="valid")),
    pytest.param(Good(lambda k: on_linux(k, upgrade=ROLLING, health=HealthProbe())), id="component-health-for-rolling"),
    pytest.param(Good(lambda k: on_linux(k, HAND_AGENT), HAND_AGENT), id="unknown-handler-json-settings", marks=pytest.mark.rule("settings-json-values", path="extension.settings", case="valid")),
    pytest.param(Good(lambda k: k.dsc(type_handler_version="2.83", wmf_version="5.1", data_collection="")), id="dsc-component-documented-values"),
    pytest.param(Good(lambda k: k.cloud_init(scale_set=k.linux(image=ImageReference(id=GALLERY_ID, os="linux", generation="V2")))), id="gallery-image-declared", marks=[pytest.mark.rule("image-os-declared", path="scale_set.image.os", case="valid"), pytest.mark.rule("image-os-matches-component", path="scale_set.image", case="valid")]),
    pytest.param(Good(lambda k: k.cloud_init(scale_set=k.linux(image=ImageReference(publisher="canonical", offer="ubuntu-24_04-lts", sku="server", os="linux")))), id="known-publisher-agreeing-os", marks=pytest.mark.rule("image-os-agrees", path="scale_set.image.os", case="valid")),
    pytest.param(Good(lambda k: policy_at(NOW, expiry=NOW + timedelta(days=30), min_lifetime_days=30)), id="sas-expiry-at-min-lifetime", marks=pytest.mark.rule("sas-expiry-lifetime", path="sas.expiry", case="valid")),
    pytest.param(Good(lambda k: policy_at(NOW, expiry="2030-06-15T18:30:00+02:00")), id="sas-expiry-with-zone", marks=pytest.mark.rule("sas-expiry-parsed-whole", path="sas.expiry", case="valid")),
]
# fmt: on


@pytest.mark.parametrize("case", VALID)
def test_a_valid_case_is_accepted_and_emitted_as_given(
    case: Good, packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    with MockDeployment(speedups=True) as deployment:
        deployment.run(lambda: case.build(kit))
    if case.given is not None:
        assert emitted(deployment, case.given.name) == as_given(case.given)
