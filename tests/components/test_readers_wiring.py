"""What the readers find reaches the components: DSC parameters and package warnings.

A mandatory configuration parameter without a value is a ConfigurationError at
``configuration_arguments`` before anything registers; a PSCredential counts as given only in
the protected arguments. A Machine Configuration package's warnings reach the assignment, and
a package without metaconfig is Audit, so an Apply* assignment is refused.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers import DSC_SAMPLE, NOW, policy_at, scale_set_args
from helpers.readers import FIXTURES

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    ConfigurationError,
    DscPackage,
    DscScaleSet,
    DscScaleSetArgs,
    ExternalScaleSet,
    GuestAssignment,
    GuestAssignmentArgs,
    MachineConfigurationPackage,
)
from vmss_components.testing import MockDeployment

CREDENTIAL = {"userName": "CONTOSO\\admin", "password": "Sup3r-Secret-Pw!"}
ASSIGNMENT = "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS"
VMSS = "azure-native:compute:VirtualMachineScaleSet"


def domain_package(tmp_path: Path) -> DscPackage:
    folder = tmp_path / "domain"
    folder.mkdir()
    (folder / "Domain.ps1").write_bytes((FIXTURES / "ps" / "params.ps1").read_bytes())
    return DscPackage.from_directory(folder, script="Domain.ps1", function="Domain")


def dsc(deployment: MockDeployment, package: DscPackage, **arguments: Any) -> DscScaleSet:
    def program() -> DscScaleSet:
        store = ArtifactStore(
            "store", ArtifactStoreArgs(resource_group_name="rg-app", sas=policy_at(NOW))
        )
        return DscScaleSet(
            "dc",
            DscScaleSetArgs(scale_set=scale_set_args(), store=store, package=package, **arguments),
        )

    return deployment.run(program)


def assert_nothing_registered(deployment: MockDeployment) -> None:
    """Only the store (built before the arguments) exists: no component, scale set or blob."""
    for token in ("vmss:index:DscScaleSet", VMSS, "azure-native:storage:Blob"):
        assert deployment.resources_of_type(token) == []


GIVEN: dict[str, Any] = {
    "configuration_arguments": {"DomainName": "contoso.com", "SiteName": "HQ", "TypeFirst": "x"},
    "protected_configuration_arguments": {"Admincreds": CREDENTIAL},
}


def test_every_mandatory_parameter_given_is_accepted(
    mocked: MockDeployment, tmp_path: Path
) -> None:
    dsc(mocked, domain_package(tmp_path), **GIVEN)
    assert mocked.resources_of_type("vmss:index:DscScaleSet")
    # Mandatory = $IsProduction cannot be decided before run time: a warning, not an error.
    (warning,) = [w for w in mocked.warnings if "Decided" in w]
    assert "mandatory depending on an expression" in warning


def test_names_are_matched_without_case_and_protected_values_count(
    mocked: MockDeployment, tmp_path: Path
) -> None:
    dsc(
        mocked,
        domain_package(tmp_path),
        configuration_arguments={"domainname": "contoso.com", "TYPEFIRST": "x"},
        protected_configuration_arguments={"SiteName": "HQ", "admincreds": CREDENTIAL},
    )
    assert mocked.resources_of_type("vmss:index:DscScaleSet")


@pytest.mark.parametrize(
    ("arguments", "named", "not_named"),
    [
        (
            {"configuration_arguments": {}, "protected_configuration_arguments": {}},
            ["DomainName", "SiteName", "TypeFirst", "Admincreds (a PSCredential"],
            ["Optional", "Decided", "InOneSet"],
        ),
        (
            {**GIVEN, "configuration_arguments": {"SiteName": "HQ", "TypeFirst": "x"}},
            ["DomainName (give it in configuration_arguments"],
            ["SiteName", "Admincreds"],
        ),
        (
            {
                "configuration_arguments": {**GIVEN["configuration_arguments"], "Admincreds": "x"},
                "protected_configuration_arguments": {},
            },
            ["Admincreds (a PSCredential: give it in protected_configuration_arguments"],
            ["DomainName"],
        ),
    ],
)
def test_a_mandatory_parameter_without_a_value_is_refused_before_anything_registers(
    mocked: MockDeployment,
    tmp_path: Path,
    arguments: dict[str, Any],
    named: list[str],
    not_named: list[str],
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        dsc(mocked, domain_package(tmp_path), **arguments)
    assert caught.value.path == "configuration_arguments"
    for name in named:
        assert name in caught.value.reason
    for name in not_named:
        assert name not in caught.value.reason.split("without a value:")[1].split(". The")[0]
    assert "Sup3r-Secret-Pw!" not in str(caught.value)
    assert_nothing_registered(mocked)


def test_the_sample_without_its_arguments_is_refused(mocked: MockDeployment) -> None:
    package = DscPackage.from_directory(DSC_SAMPLE, script="WebServer.ps1", function="WebServer")
    with pytest.raises(ConfigurationError, match=r"SiteTitle .*AppPoolCredential"):
        dsc(mocked, package)
    assert_nothing_registered(mocked)


def test_configuration_data_counts_as_given(mocked: MockDeployment, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "Site.ps1").write_text(
        "Configuration Site\n{\n"
        "    param([Parameter(Mandatory)] [hashtable] $ConfigurationData)\n}\n"
    )
    package = DscPackage.from_directory(folder, script="Site.ps1", function="Site")
    with pytest.raises(ConfigurationError, match="ConfigurationData"):
        dsc(mocked, package)
    # Another program: names are unique within one.
    with MockDeployment(speedups=True) as again:
        dsc(again, package, configuration_data="@{ AllNodes = @() }")
        assert again.resources_of_type("vmss:index:DscScaleSet")


def test_an_unknown_argument_is_a_warning_with_a_close_match(
    mocked: MockDeployment, tmp_path: Path
) -> None:
    arguments = {
        **GIVEN,
        "configuration_arguments": {**GIVEN["configuration_arguments"], "DomianName": "x"},
    }
    dsc(mocked, domain_package(tmp_path), **arguments)
    (warning,) = [w for w in mocked.warnings if "DomianName" in w]
    assert "did you mean DomainName?" in warning


def test_the_packages_warnings_are_logged(mocked: MockDeployment, tmp_path: Path) -> None:
    folder = tmp_path / "meta"
    folder.mkdir()
    (folder / "Lcm.ps1").write_bytes((FIXTURES / "ps" / "meta.ps1").read_bytes())
    package = DscPackage.from_directory(folder, script="Lcm.ps1", function="Lcm")
    dsc(mocked, package)
    assert [w for w in mocked.warnings if "meta-configuration" in w]


# --- Machine Configuration ----------------------------------------------------------------


def no_metaconfig_package(tmp_path: Path) -> MachineConfigurationPackage:
    path = tmp_path / "Pkg_1.0.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Pkg.mof", (FIXTURES / "mof" / "doc-name-differs.mof").read_bytes())
        archive.writestr("Modules/SampleDsc/SampleDsc.psd1", "@{ ModuleVersion = '1.0.0' }")
    return MachineConfigurationPackage.from_zip(path)


def assign(deployment: MockDeployment, package: MachineConfigurationPackage, **extra: Any) -> None:
    def program() -> GuestAssignment:
        store = ArtifactStore(
            "store", ArtifactStoreArgs(resource_group_name="rg-app", sas=policy_at(NOW))
        )
        target = ExternalScaleSet(resource_group_name="rg", vmss_name="legacy", os="linux")
        return GuestAssignment(
            "pkg", GuestAssignmentArgs(package=package, store=store, target=target, **extra)
        )

    deployment.run(program)


def test_a_package_without_metaconfig_is_assigned_as_audit_with_its_warnings(
    mocked: MockDeployment, tmp_path: Path
) -> None:
    assign(mocked, no_metaconfig_package(tmp_path))
    record = mocked.resource(ASSIGNMENT)
    assert record.get("name") == "Pkg"
    assert record.get("properties.guestConfiguration.name") == "Pkg"
    assert record.get("properties.guestConfiguration.assignmentType") == "Audit"
    blob = mocked.resource("azure-native:storage:Blob")
    assert str(blob.get("blobName")).endswith("/Pkg.zip")
    warnings = " | ".join(mocked.warnings)
    assert "has no Pkg.metaconfig.json" in warnings
    assert "published as Pkg.zip" in warnings
    assert "configuration 'SampleBaseline' inside" in warnings


def test_a_package_without_metaconfig_cannot_back_an_apply_assignment(
    mocked: MockDeployment, tmp_path: Path
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        assign(mocked, no_metaconfig_package(tmp_path), assignment_type="ApplyAndMonitor")
    assert caught.value.path == "assignment_type"
    assert mocked.resources_of_type(ASSIGNMENT) == []
