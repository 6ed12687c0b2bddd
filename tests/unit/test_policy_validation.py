"""MachineConfigurationPolicy refuses what Azure or the agent would refuse, before anything is
registered, with the argument path and without repeating a secret."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pulumi
import pytest
from helpers import mc_package as sample_package
from helpers import windows_mc_package as windows_package
from helpers.paths import SAMPLE_MODULES, SAMPLE_MOF
from helpers.policy import (
    IDENTITY_ID,
    MG_SCOPE,
    OTHER_SUBSCRIPTION,
    RG_SCOPE,
    STORE_FACTS,
    SUB_SCOPE,
    SUBSCRIPTION,
    policy_args,
)

from vmss_components import ConfigurationError, MachineConfigurationPackage
from vmss_components.machine_configuration_policy import (
    PolicyParameter,
    PolicyRemediation,
    resolve_machine_configuration_policy,
)
from vmss_components.policy import parse_policy_scope

SECRET_URL = "https://example.org/file?sv=2022-11-02&sig=c2VjcmV0c2VjcmV0c2VjcmV0"


def resolve(**overrides: Any) -> Any:
    values: dict[str, Any] = {"package": sample_package(), "os": "linux"}
    values.update(overrides)
    return resolve_machine_configuration_policy("baseline", policy_args(**values), STORE_FACTS)


def refused(path: str, **overrides: Any) -> str:
    with pytest.raises(ConfigurationError) as caught:
        resolve(**overrides)
    assert caught.value.path == path, caught.value
    return caught.value.reason


# --- Scopes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "kind"),
    [
        (MG_SCOPE, "management_group"),
        ("/providers/microsoft.management/managementgroups/Root_(EU).1", "management_group"),
        (SUB_SCOPE, "subscription"),
        (f"/SUBSCRIPTIONS/{SUBSCRIPTION.upper()}", "subscription"),
        (RG_SCOPE, "resource_group"),
        (f"/subscriptions/{SUBSCRIPTION}/resourcegroups/rg.app(1)_x-y", "resource_group"),
    ],
)
def test_scopes_of_the_three_kinds_are_accepted(scope: str, kind: str) -> None:
    assert parse_policy_scope(scope, "scope").kind == kind
    assert resolve(scope=scope).scope.id == scope


@pytest.mark.parametrize(
    "scope",
    [
        "",
        "/subscriptions/not-a-guid",
        f"{SUB_SCOPE}/",
        f"{RG_SCOPE}/",
        f"{RG_SCOPE}/providers/Microsoft.Compute/virtualMachineScaleSets/web",
        f"{RG_SCOPE}/providers/Microsoft.Authorization/policyAssignments/x",
        "/providers/Microsoft.Management/managementGroups/",
        "/providers/Microsoft.Management/managementGroups/ends-with-dot.",
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/",
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg.",
        "subscriptions/" + SUBSCRIPTION,
        "rg-app",
    ],
)
def test_anything_else_is_refused_at_scope(scope: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        policy_args(package=sample_package(), scope=scope)
    assert caught.value.path == "scope"
    assert "is not the id of a management group, subscription or resource group" in str(
        caught.value
    )


def test_a_scope_must_be_plain_text() -> None:
    """The scope decides which resource classes are made: an Output cannot."""
    with pytest.raises(ConfigurationError) as caught:
        policy_args(package=sample_package(), scope=pulumi.Output.from_input(SUB_SCOPE))
    assert caught.value.path == "scope" and "plain text" in caught.value.reason


# --- The package and the mode ---------------------------------------------------------------


def test_an_audit_package_cannot_back_an_apply_policy() -> None:
    """New-GuestConfigurationPolicy: 'You cannot create an Apply policy with an Audit-only
    package'."""
    reason = refused("mode", package=sample_package(mode="Audit"), mode="ApplyAndAutoCorrect")
    assert "Audit package" in reason and "AuditAndSet" in reason


def test_the_os_is_taken_from_the_package_or_required(tmp_path: Path) -> None:
    assert "set os='windows' or os='linux'" in refused("os", os=None)
    windows = windows_package(tmp_path, mode="Audit")
    assert resolve(package=windows, os=None).definition.os == "windows"
    assert "uses windows resource modules" in refused("os", package=windows, os="linux")


def _without_version(tmp_path: Path, metaconfig: str | None) -> MachineConfigurationPackage:
    """The sample package rezipped with ``metaconfig`` (None: none at all)."""
    built = sample_package()
    target = tmp_path / built.filename
    with zipfile.ZipFile(built.path) as source, zipfile.ZipFile(target, "w") as copy:
        for member in source.namelist():
            if not member.endswith(".metaconfig.json"):
                copy.writestr(member, source.read(member))
        if metaconfig is not None:
            copy.writestr("LinuxMotd.metaconfig.json", metaconfig)
    return MachineConfigurationPackage.from_zip(target)


@pytest.mark.parametrize(
    ("metaconfig", "mode"),
    [(None, "Audit"), ('{"Type": "AuditAndSet"}', "ApplyAndAutoCorrect")],
)
def test_a_package_without_a_version_is_one_point_oh_as_the_module_writes_it(
    tmp_path: Path, metaconfig: str | None, mode: str
) -> None:
    """New-GuestConfigurationPolicy: '$packageVersion = '1.0.0'' unless the metaconfig gives a
    Version, with a warning; the library warns too, and does not refuse the package."""
    package = _without_version(tmp_path, metaconfig)
    assert package.version is None
    spec = resolve(package=package, mode=mode)
    assert (spec.definition.package_version, spec.definition.policy_version) == ("1.0.0", "1.0.0")
    (warning,) = [w for w in spec.warnings if "has no version" in w]
    assert "1.0.0" in warning and "version=" in warning


def test_policy_modes_are_the_modules() -> None:
    """-Mode is Audit, ApplyAndMonitor or ApplyAndAutoCorrect (no DeployAndAutoCorrect)."""
    with pytest.raises(ConfigurationError) as caught:
        policy_args(package=sample_package(), mode="DeployAndAutoCorrect")
    assert caught.value.path == "mode"


# --- Parameters: the MOF's properties, as GuestAssignment checks them ------------------------


def test_a_parameter_must_name_a_resource_and_property_of_the_mof() -> None:
    assert "has no resource '[File]Motd'" in refused(
        "parameters.[File]Motd;Contents",
        parameters={"[File]Motd;Contents": PolicyParameter()},
    )
    reason = refused(
        "parameters.[MotdFile]Motd;contents",
        parameters={"[MotdFile]Motd;contents": PolicyParameter()},
    )
    assert "did you mean 'Contents'?" in reason
    assert "is not '[ResourceType]ResourceName;Property'" in refused(
        "parameters.Contents", parameters={"Contents": PolicyParameter()}
    )


def test_arrays_and_embedded_instances_cannot_be_parameters(tmp_path: Path) -> None:
    package = windows_package(tmp_path, mode="AuditAndSet")
    assert "is an array in the MOF" in refused(
        "parameters.[Registry]TlsServer;ValueData",
        package=package,
        os=None,
        parameters={"[Registry]TlsServer;ValueData": PolicyParameter()},
    )
    assert "is an embedded instance in the MOF" in refused(
        "parameters.[Service]Spooler;Credential",
        package=package,
        os=None,
        parameters={"[Service]Spooler;Credential": PolicyParameter()},
    )


@pytest.mark.parametrize(
    ("key", "parameter", "path", "expected"),
    [
        (
            "[SshdOption]PermitRootLogin;ReloadService",
            PolicyParameter(default_value="yes"),
            "default_value",
            "is a boolean: write 'True' or 'False'",
        ),
        (
            "[SshdOption]PermitRootLogin;ReloadService",
            PolicyParameter(value="True", allowed_values=["True", "sometimes"]),
            "allowed_values[1]",
            "is a boolean",
        ),
        (
            "[SshdOption]PermitRootLogin;ReloadService",
            PolicyParameter(value="true"),
            "value",
            "'true' is not one of the allowed values ('True', 'False')",
        ),
        (
            "[SshdOption]PermitRootLogin;Value",
            PolicyParameter(allowed_values=["yes"]),
            "default_value",
            "'no' is not one of the allowed values ('yes')",
        ),
        (
            "[SshdOption]PermitRootLogin;Value",
            PolicyParameter(allowed_values=["no", "yes"], value="maybe"),
            "value",
            "'maybe' is not one of the allowed values",
        ),
    ],
)
def test_defaults_allowed_values_and_values_fit_the_mof(
    key: str, parameter: PolicyParameter, path: str, expected: str
) -> None:
    reason = refused(f"parameters.{key}.{path}", parameters={key: parameter})
    assert expected in reason


def test_whole_numbers_fit_whole_number_properties(tmp_path: Path) -> None:
    package = windows_package(tmp_path, mode="AuditAndSet")
    reason = refused(
        "parameters.[Service]Spooler;Timeout.value",
        package=package,
        os=None,
        parameters={"[Service]Spooler;Timeout": PolicyParameter(value="soon")},
    )
    assert "is a whole number, and 'soon' is not" in reason


@pytest.mark.parametrize(
    "name", ["location", "Location", "vmName", "type", "assignmentName", "IncludeArcMachines"]
)
def test_names_the_definition_uses_are_refused(name: str) -> None:
    reason = refused(
        "parameters.[MotdFile]Motd;Contents.name",
        parameters={"[MotdFile]Motd;Contents": PolicyParameter(name=name)},
    )
    assert "a parameter of the definition itself" in reason


def test_two_parameters_cannot_share_a_name() -> None:
    reason = refused(
        "parameters.[MotdFile]Motd;Mode.name",
        parameters={
            "[MotdFile]Motd;Contents": PolicyParameter(name="Banner"),
            "[MotdFile]Motd;Mode": PolicyParameter(name="banner"),
        },
    )
    assert "the name of [MotdFile]Motd;Contents" in reason


def test_a_parameter_name_is_checked_where_it_is_given() -> None:
    with pytest.raises(ConfigurationError) as caught:
        PolicyParameter(name="1st")
    assert caught.value.path == "name"
    with pytest.raises(ConfigurationError) as caught:
        PolicyParameter(value=True)  # type: ignore[arg-type]
    assert caught.value.path == "value" and "write 'True'" in caught.value.reason
    with pytest.raises(ConfigurationError) as caught:
        PolicyParameter(allowed_values=["a", "a"])
    assert caught.value.path == "allowed_values"


@pytest.mark.parametrize("where", ["value", "default_value"])
def test_a_secret_looking_value_is_refused_and_never_repeated(where: str) -> None:
    """Policy parameters are public: anyone who may read the assignment reads them."""
    parameter = PolicyParameter(**{where: SECRET_URL})
    with pytest.raises(ConfigurationError) as caught:
        resolve(parameters={"[MotdFile]Motd;Contents": parameter})
    assert caught.value.path == f"parameters.[MotdFile]Motd;Contents.{where}"
    assert "looks like a secret" in str(caught.value)
    assert SECRET_URL not in str(caught.value) and "c2VjcmV0" not in str(caught.value)


def edited_sample(root: Path, *replacements: tuple[str, str]) -> MachineConfigurationPackage:
    """The Linux sample, its MOF edited."""
    text = SAMPLE_MOF.read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    source = root / "LinuxMotd" / "localhost.mof"
    source.parent.mkdir(parents=True)
    source.write_text(text)
    return MachineConfigurationPackage.build("LinuxMotd", mof=source, modules=SAMPLE_MODULES)


def test_a_property_without_a_compiled_value_needs_a_value(tmp_path: Path) -> None:
    """A property compiled as NULL gives no default; an assignment without a value for a
    parameter without default is refused by Azure."""
    package = edited_sample(tmp_path, ('Mode = "0644";', "Mode = NULL;"))
    key = "[MotdFile]Motd;Mode"
    reason = refused(
        f"parameters.{key}.value", package=package, parameters={key: PolicyParameter()}
    )
    assert "compiles this property as NULL" in reason
    spec = resolve(package=package, parameters={key: PolicyParameter(value="0640")})
    assert spec.definition.parameters[0].default_value is None
    assert spec.assignment_parameters == (("MotdMode", "0640"),)


def test_a_credential_property_is_never_a_policy_parameter(tmp_path: Path) -> None:
    """A property named like a credential would be public in the definition: refused, with
    the way to pass it protected instead."""
    package = edited_sample(
        tmp_path, ('Mode = "0644";', 'Mode = "0644";\n ServicePassword = "changeme";')
    )
    reason = refused(
        "parameters.[MotdFile]Motd;ServicePassword",
        package=package,
        parameters={"[MotdFile]Motd;ServicePassword": PolicyParameter()},
    )
    assert "policy parameters are public" in reason and "protected parameter" in reason
    assert "changeme" not in reason


def test_a_quote_in_a_resource_id_is_refused(tmp_path: Path) -> None:
    """The reference sits in single-quoted ARM strings (the parameter hash expression)."""
    package = edited_sample(tmp_path, ('"[MotdFile]Motd"', '"[MotdFile]Bob\'s"'))
    key = "[MotdFile]Bob's;Contents"
    reason = refused(f"parameters.{key}", package=package, parameters={key: PolicyParameter()})
    assert "holds a quote" in reason


# --- Identity, Arc, remediation, location, prerequisites -------------------------------------


def test_a_content_identity_cannot_serve_arc_machines() -> None:
    """-ManagedIdentityResourceId requires -ExcludeArcMachines."""
    reason = refused(
        "content_identity_resource_id", content_identity_resource_id=IDENTITY_ID, arc_machines=True
    )
    assert "Arc machines" in reason
    with pytest.raises(ConfigurationError) as caught:
        policy_args(package=sample_package(), content_identity_resource_id="mc-reader")
    assert caught.value.path == "content_identity_resource_id"


def test_an_audit_policy_has_nothing_to_remediate() -> None:
    assert "nothing to remediate" in refused("remediation", remediation=PolicyRemediation())
    assert "needs an Apply mode" in refused("auto_remediation", auto_remediation=True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("parallel_deployments", 0),
        ("parallel_deployments", 31),
        ("resource_count", 50001),
        ("resource_count", True),
        ("failure_threshold", 1.5),
        ("failure_threshold", -0.1),
        ("resource_discovery_mode", "Everything"),
        ("locations", "westeurope"),
    ],
)
def test_remediation_values_are_checked(field: str, value: Any) -> None:
    with pytest.raises(ConfigurationError) as caught:
        PolicyRemediation(**{field: value})
    assert caught.value.path == f"remediation.{field}"


def test_a_location_is_required_where_an_identity_is_made() -> None:
    package = sample_package(mode="AuditAndSet")
    assert "the Apply modes deploy" in refused(
        "location", package=package, mode="ApplyAndMonitor", location=None
    )
    assert "prerequisites initiative deploys" in refused("location", location=None)
    reference = f"{SUB_SCOPE}/providers/Microsoft.Authorization/policyAssignments/gc-prereq"
    spec = resolve(location=None, prerequisites_assignment_id=reference)
    assert spec.prerequisites_name is None and spec.prerequisites_reference == reference


@pytest.mark.parametrize(
    ("scope", "reference", "covers"),
    [
        (RG_SCOPE, f"{SUB_SCOPE}/providers/Microsoft.Authorization/policyAssignments/p", True),
        (RG_SCOPE, f"{RG_SCOPE}/providers/Microsoft.Authorization/policyAssignments/p", True),
        (RG_SCOPE, f"{MG_SCOPE}/providers/Microsoft.Authorization/policyAssignments/p", True),
        (
            RG_SCOPE,
            f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-other/providers/"
            "Microsoft.Authorization/policyAssignments/p",
            False,
        ),
        (
            SUB_SCOPE,
            f"/subscriptions/{OTHER_SUBSCRIPTION}/providers/Microsoft.Authorization/"
            "policyAssignments/p",
            False,
        ),
        (MG_SCOPE, f"{SUB_SCOPE}/providers/Microsoft.Authorization/policyAssignments/p", False),
    ],
)
def test_a_referenced_prerequisites_assignment_must_cover_the_scope(
    scope: str, reference: str, covers: bool
) -> None:
    if covers:
        assert (
            resolve(scope=scope, prerequisites_assignment_id=reference).prerequisites_name is None
        )
    else:
        assert "does not contain" in refused(
            "prerequisites_assignment_id", scope=scope, prerequisites_assignment_id=reference
        )


@pytest.mark.parametrize(
    "reference",
    [RG_SCOPE, f"{RG_SCOPE}/providers/Microsoft.Authorization/policyAssignments/a.b", "x"],
)
def test_a_prerequisites_reference_is_an_assignment_id(reference: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        policy_args(package=sample_package(), prerequisites_assignment_id=reference)
    assert caught.value.path == "prerequisites_assignment_id"


# --- Texts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("display_name", "x" * 129, "129 characters: Azure Policy allows 128"),
        ("description", "x" * 513, "513 characters: Azure Policy allows 512"),
        ("description", f"see {SECRET_URL}", "looks like a secret"),
        ("policy_version", "1.0", "is not a version such as '1.0.0'"),
        ("machine_tags", {"it's": "x"}, "a policy rule cannot name"),
        ("enforcement_mode", "Enroll", "is not one of"),
    ],
)
def test_texts_azure_policy_limits(field: str, value: Any, expected: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        policy_args(package=sample_package(), **{field: value})
    assert caught.value.path == field and expected in caught.value.reason
