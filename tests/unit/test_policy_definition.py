"""The Machine Configuration policy definition, built from packages, as Azure receives it.

Each expected document is written out from the shapes Microsoft's GuestConfiguration module
writes with ``New-GuestConfigurationPolicy`` (4.12.0, Azure/GuestConfiguration at commit
9ce972498f869da82672a79a581057626b6c929b; the templates and scripts each test names), with
the two departures the library documents: parameter types spelled ``"String"`` (azure-native's
``ParameterType``) and ``metadata.version`` the package's version.
"""

from __future__ import annotations

import base64
import inspect
import uuid
from pathlib import Path
from typing import Any

import pytest
from helpers import mc_package as sample_package
from helpers import windows_mc_package as windows_package
from helpers.policy import (
    AUTO_REMEDIATION_PARAMETER,
    AUTO_REMEDIATION_TIE,
    COMPLIANT,
    IDENTITY_ID,
    INCLUDE_ARC_PARAMETER,
    MG_SCOPE,
    RG_SCOPE,
    STORE_FACTS,
    SUB_SCOPE,
    URI,
    deployment_resources,
    guest_assignment_name,
    machines_if,
    policy_args,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi_azure_native import authorization, guestconfiguration

from vmss_components import ConfigurationError
from vmss_components.machine_configuration_policy import (
    PolicyParameter,
    resolve_machine_configuration_policy,
)
from vmss_components.policy import (
    PolicyDefinitionFacts,
    PolicyParameterFacts,
    machines_condition,
    parameter_hash,
    policy_definition_document,
)

GC_ASSIGNMENTS = "Microsoft.GuestConfiguration/guestConfigurationAssignments"


def document(**overrides: Any) -> tuple[dict[str, Any], PolicyDefinitionFacts]:
    spec = resolve_machine_configuration_policy("baseline", policy_args(**overrides), STORE_FACTS)
    return policy_definition_document(spec.definition, URI), spec.definition


# --- The four packages: Audit and AuditAndSet, Windows and Linux -----------------------------


def test_audit_windows_package_without_parameters(tmp_path: Path) -> None:
    """Audit + Windows, no parameters: 1-Metadata.json, 4-Action-Audit.json and the
    ``-ExcludeArcMachines`` shape (no parameters left, one-element ``anyOf``); the audit
    existence condition unwrapped to the bare complianceStatus condition
    (New-GuestConfigurationPolicyActionSection.ps1)."""
    package = windows_package(tmp_path, mode="Audit")
    got, _ = document(package=package)
    assert got == {
        "displayName": "Machine Configuration WindowsBaseline on Windows machines (Audit)",
        "policyType": "Custom",
        "mode": "Indexed",
        "description": (
            "Audits the Machine Configuration package WindowsBaseline on Windows virtual "
            "machines and scale sets. Generated from the package by vmss_components, in the "
            "shape of New-GuestConfigurationPolicy."
        ),
        "metadata": {
            "category": "Guest Configuration",
            "version": "1.0.0",
            "requiredProviders": ["Microsoft.GuestConfiguration"],
            "guestConfiguration": {
                "name": "WindowsBaseline",
                "version": "1.0.0",
                "contentType": "Custom",
                "contentUri": URI,
                "contentHash": package.sha256.upper(),
            },
        },
        "parameters": {},
        "policyRule": {
            "if": machines_if("windows"),
            "then": {
                "effect": "auditIfNotExists",
                "details": {
                    "type": GC_ASSIGNMENTS,
                    "name": guest_assignment_name("WindowsBaseline"),
                    "existenceCondition": COMPLIANT,
                },
            },
        },
    }


def test_audit_linux_package_with_parameters_from_the_mof() -> None:
    """Audit + Linux with two MOF properties as parameters: a string (its compiled value the
    default) and a boolean (``True``/``False`` allowed). Metadata ``configurationParameter`` is
    an object name -> reference (New-GuestConfigurationPolicyMetadataSection.ps1); the
    existence condition is ``allOf [compliance, parameterHash]``."""
    package = sample_package(mode="Audit")
    got, _ = document(
        package=package,
        os="linux",
        parameters={
            "[MotdFile]Motd;Contents": PolicyParameter(),
            "[SshdOption]PermitRootLogin;ReloadService": PolicyParameter(
                name="ReloadSshd", display_name="Reload sshd", description="Reload on change."
            ),
        },
    )
    assert got["metadata"] == {
        "category": "Guest Configuration",
        "version": "1.0.0",
        "requiredProviders": ["Microsoft.GuestConfiguration"],
        "guestConfiguration": {
            "name": "LinuxMotd",
            "version": "1.0.0",
            "contentType": "Custom",
            "contentUri": URI,
            "contentHash": package.sha256.upper(),
            "configurationParameter": {
                "MotdContents": "[MotdFile]Motd;Contents",
                "ReloadSshd": "[SshdOption]PermitRootLogin;ReloadService",
            },
        },
    }
    assert got["parameters"] == {
        "MotdContents": {
            "type": "String",
            "metadata": {
                "displayName": "Contents of [MotdFile]Motd",
                "description": (
                    "The value of Contents of [MotdFile]Motd in Machine Configuration LinuxMotd."
                ),
            },
            "defaultValue": "Authorized use only. Activity on this machine is monitored.\n",
        },
        "ReloadSshd": {
            "type": "String",
            "metadata": {"displayName": "Reload sshd", "description": "Reload on change."},
            "defaultValue": "True",
            "allowedValues": ["True", "False"],
        },
    }
    assert got["policyRule"] == {
        "if": machines_if("linux"),
        "then": {
            "effect": "auditIfNotExists",
            "details": {
                "type": GC_ASSIGNMENTS,
                "name": guest_assignment_name("LinuxMotd"),
                "existenceCondition": {
                    "allOf": [
                        COMPLIANT,
                        {
                            "field": f"{GC_ASSIGNMENTS}/parameterHash",
                            "equals": (
                                "[base64(concat('[MotdFile]Motd;Contents', '=', "
                                "parameters('MotdContents'), ',', "
                                "'[SshdOption]PermitRootLogin;ReloadService', '=', "
                                "parameters('ReloadSshd')))]"
                            ),
                        },
                    ]
                },
            },
        },
    }


def test_audit_and_set_windows_package_as_apply_and_auto_correct(tmp_path: Path) -> None:
    """AuditAndSet + Windows, ApplyAndAutoCorrect, one whole-number parameter:
    4-Action-Set-VMSS.json filled in by New-GuestConfigurationPolicySetActionSection.ps1 —
    Guest Configuration Resource Contributor, the deployment's four fixed parameters plus one
    per policy parameter, one resource per machine type (Arc removed), each with the same
    ``guestConfiguration`` whose ``configurationParameter`` is a list; 4.12's auto-remediation
    parameter, metadata and existence-condition tie."""
    package = windows_package(tmp_path, mode="AuditAndSet")
    got, _ = document(
        package=package,
        mode="ApplyAndAutoCorrect",
        parameters={"[Service]Spooler;Timeout": PolicyParameter(value="600")},
    )
    hash_expression = (
        "[base64(concat('[Service]Spooler;Timeout', '=', parameters('SpoolerTimeout')))]"
    )
    guest = {
        "name": "WindowsBaseline",
        "version": "1.0.0",
        "contentType": "Custom",
        "contentUri": URI,
        "contentHash": package.sha256.upper(),
        "assignmentType": "ApplyAndAutoCorrect",
        "configurationParameter": [
            {"name": "[Service]Spooler;Timeout", "value": "[parameters('SpoolerTimeout')]"}
        ],
    }
    assert got == {
        "displayName": (
            "Machine Configuration WindowsBaseline on Windows machines (ApplyAndAutoCorrect)"
        ),
        "policyType": "Custom",
        "mode": "Indexed",
        "description": (
            "Applies and keeps correcting the Machine Configuration package WindowsBaseline on "
            "Windows virtual machines and scale sets. Generated from the package by "
            "vmss_components, in the shape of New-GuestConfigurationPolicy."
        ),
        "metadata": {
            "category": "Guest Configuration",
            "version": "1.0.0",
            "requiredProviders": ["Microsoft.GuestConfiguration"],
            "guestConfiguration": {
                "name": "WindowsBaseline",
                "version": "1.0.0",
                "contentType": "Custom",
                "contentUri": URI,
                "contentHash": package.sha256.upper(),
                "configurationParameter": {"SpoolerTimeout": "[Service]Spooler;Timeout"},
                "enableAutoRemediation": "[parameters('EnableAutoRemediation')]",
                "autoRemediationAssignmentType": "ApplyAndAutoCorrect",
            },
        },
        "parameters": {
            "EnableAutoRemediation": AUTO_REMEDIATION_PARAMETER,
            "SpoolerTimeout": {
                "type": "String",
                "metadata": {
                    "displayName": "Timeout of [Service]Spooler",
                    "description": (
                        "The value of Timeout of [Service]Spooler in Machine Configuration "
                        "WindowsBaseline."
                    ),
                },
                "defaultValue": "300",
            },
        },
        "policyRule": {
            "if": machines_if("windows"),
            "then": {
                "effect": "deployIfNotExists",
                "details": {
                    "roleDefinitionIds": [
                        "/providers/Microsoft.Authorization/roleDefinitions/"
                        "088ab73d-1256-47ae-bea9-9de8e7131f31"
                    ],
                    "type": GC_ASSIGNMENTS,
                    "name": guest_assignment_name("WindowsBaseline"),
                    "existenceCondition": {
                        "allOf": [
                            COMPLIANT,
                            AUTO_REMEDIATION_TIE,
                            {"field": f"{GC_ASSIGNMENTS}/parameterHash", "equals": hash_expression},
                        ]
                    },
                    "deployment": {
                        "properties": {
                            "mode": "incremental",
                            "parameters": {
                                "vmName": {"value": "[field('name')]"},
                                "location": {"value": "[field('location')]"},
                                "type": {"value": "[field('type')]"},
                                "assignmentName": {
                                    "value": guest_assignment_name("WindowsBaseline")
                                },
                                "SpoolerTimeout": {"value": "[parameters('SpoolerTimeout')]"},
                            },
                            "template": {
                                "$schema": (
                                    "https://schema.management.azure.com/schemas/2015-01-01/"
                                    "deploymentTemplate.json#"
                                ),
                                "contentVersion": "1.0.0.0",
                                "parameters": {
                                    "vmName": {"type": "string"},
                                    "location": {"type": "string"},
                                    "type": {"type": "string"},
                                    "assignmentName": {"type": "string"},
                                    "SpoolerTimeout": {"type": "string"},
                                },
                                "resources": deployment_resources(guest),
                            },
                        }
                    },
                },
            },
        },
    }


def test_audit_and_set_linux_package_as_apply_and_monitor_with_arc_machines() -> None:
    """AuditAndSet + Linux, ApplyAndMonitor, Arc machines in: the module's default shape
    (IncludeArcMachines parameter first, the Arc branch of the ``if``, the HybridCompute
    resource between VM and scale set); the existence condition in the module's order:
    compliance, auto-remediation, parameter hash."""
    package = sample_package(mode="AuditAndSet")
    got, _ = document(
        package=package,
        os="linux",
        mode="ApplyAndMonitor",
        arc_machines=True,
        parameters={
            "[SshdOption]PermitRootLogin;Value": PolicyParameter(
                name="PermitRootLogin", allowed_values=["no", "prohibit-password"]
            ),
            "[MotdFile]Motd;Mode": PolicyParameter(name="MotdMode", default_value="0640"),
        },
    )
    assert list(got["parameters"]) == [
        "IncludeArcMachines",
        "EnableAutoRemediation",
        "PermitRootLogin",
        "MotdMode",
    ]
    assert got["parameters"]["IncludeArcMachines"] == INCLUDE_ARC_PARAMETER
    assert got["parameters"]["PermitRootLogin"] == {
        "type": "String",
        "metadata": {
            "displayName": "Value of [SshdOption]PermitRootLogin",
            "description": (
                "The value of Value of [SshdOption]PermitRootLogin in Machine Configuration "
                "LinuxMotd."
            ),
        },
        "defaultValue": "no",
        "allowedValues": ["no", "prohibit-password"],
    }
    assert got["parameters"]["MotdMode"]["defaultValue"] == "0640"
    rule = got["policyRule"]
    assert rule["if"] == machines_if("linux", arc=True)
    details = rule["then"]["details"]
    assert details["existenceCondition"] == {
        "allOf": [
            COMPLIANT,
            AUTO_REMEDIATION_TIE,
            {
                "field": f"{GC_ASSIGNMENTS}/parameterHash",
                "equals": (
                    "[base64(concat('[SshdOption]PermitRootLogin;Value', '=', "
                    "parameters('PermitRootLogin'), ',', '[MotdFile]Motd;Mode', '=', "
                    "parameters('MotdMode')))]"
                ),
            },
        ]
    }
    guest = {
        "name": "LinuxMotd",
        "version": "1.0.0",
        "contentType": "Custom",
        "contentUri": URI,
        "contentHash": package.sha256.upper(),
        "assignmentType": "ApplyAndMonitor",
        "configurationParameter": [
            {
                "name": "[SshdOption]PermitRootLogin;Value",
                "value": "[parameters('PermitRootLogin')]",
            },
            {"name": "[MotdFile]Motd;Mode", "value": "[parameters('MotdMode')]"},
        ],
    }
    template = details["deployment"]["properties"]["template"]
    assert template["resources"] == deployment_resources(guest, arc=True)
    assert list(template["parameters"]) == [
        "vmName",
        "location",
        "type",
        "assignmentName",
        "PermitRootLogin",
        "MotdMode",
    ]
    assert got["metadata"]["guestConfiguration"]["autoRemediationAssignmentType"] == (
        "ApplyAndMonitor"
    )


# --- The if, identity and tags --------------------------------------------------------------


@pytest.mark.parametrize("os", ["windows", "linux"])
@pytest.mark.parametrize("arc", [False, True])
def test_the_if_is_the_modules_vmss_template(os: str, arc: bool) -> None:
    """3-Images-<OS>-VMSS.json; -ExcludeArcMachines removes anyOf[1] and leaves a one-element
    anyOf (New-GuestConfigurationPolicyConditionsSection.ps1)."""
    condition = machines_condition(os, include_arc=arc)  # type: ignore[arg-type]
    assert condition == machines_if(os, arc=arc)
    images = condition["anyOf"][0]["allOf"][3]["anyOf"]
    assert len(images) == (10 if os == "windows" else 11)


def test_machine_tags_wrap_the_if_as_the_module_does() -> None:
    """-Tag: one tag is one condition, several an allOf of them, beside the machines' anyOf."""
    one = machines_condition("linux", include_arc=False, tags=[("env", "prod")])
    assert one == {"allOf": [machines_if("linux"), {"field": "tags['env']", "equals": "prod"}]}
    two = machines_condition("linux", include_arc=False, tags=[("env", "prod"), ("team", "a")])
    assert two == {
        "allOf": [
            machines_if("linux"),
            {
                "allOf": [
                    {"field": "tags['env']", "equals": "prod"},
                    {"field": "tags['team']", "equals": "a"},
                ]
            },
        ]
    }
    got, _ = document(package=sample_package(), os="linux", machine_tags={"env": "prod"})
    assert got["policyRule"]["if"] == one


def test_a_content_identity_is_named_in_metadata_and_every_deployed_assignment() -> None:
    """-ManagedIdentityResourceId: ``contentManagedIdentity`` after the hash in metadata and in
    each template resource's guestConfiguration (New-GuestConfigurationPolicy{Metadata,
    SetAction}Section.ps1); Arc is excluded, as the module requires."""
    spec = resolve_machine_configuration_policy(
        "baseline",
        policy_args(
            package=sample_package(),
            os="linux",
            mode="ApplyAndAutoCorrect",
            content_identity_resource_id=IDENTITY_ID,
        ),
        STORE_FACTS,
    )
    plain = "https://artifacts.blob.core.windows.net/artifacts/x/LinuxMotd.zip"
    got = policy_definition_document(spec.definition, plain)
    assert got["metadata"]["guestConfiguration"]["contentManagedIdentity"] == IDENTITY_ID
    assert list(got["metadata"]["guestConfiguration"])[:6] == [
        "name",
        "version",
        "contentType",
        "contentUri",
        "contentHash",
        "contentManagedIdentity",
    ]
    resources = got["policyRule"]["then"]["details"]["deployment"]["properties"]["template"][
        "resources"
    ]
    assert [r["type"].split("/providers/")[0] for r in resources] == [
        "Microsoft.Compute/virtualMachines",
        "Microsoft.Compute/virtualMachineScaleSets",
    ]
    for resource in resources:
        assert resource["properties"]["guestConfiguration"]["contentManagedIdentity"] == (
            IDENTITY_ID
        )
        assert resource["properties"]["guestConfiguration"]["contentUri"] == plain
    assert "IncludeArcMachines" not in got["parameters"]
    assert len(got["policyRule"]["if"]["anyOf"]) == 1


# --- One parameter order in the five places that name parameters ----------------------------


def _hash_reference(values: list[tuple[str, str]]) -> str:
    """What the existence condition's expression evaluates to for these values (ARM's
    ``base64(concat(...))`` of ``<reference>=<value>`` joined by ``,``)."""
    text = ",".join(f"{reference}={value}" for reference, value in values)
    return base64.b64encode(text.encode()).decode()


def _evaluate(expression: str, values: dict[str, str]) -> str:
    """Evaluate the module's parameterHash expression (only concat of literals and
    parameters('x'), inside base64) the way ARM would."""
    inner = expression.removeprefix("[base64(concat(").removesuffix("))]")
    parts: list[str] = []
    for item in inner.split(", "):
        if item.startswith("parameters('"):
            parts.append(values[item.removeprefix("parameters('").removesuffix("')")])
        else:
            parts.append(item.strip("'"))
    return base64.b64encode("".join(parts).encode()).decode()


@settings(max_examples=50, deadline=None)
@given(
    st.permutations(
        [
            ("MotdContents", "[MotdFile]Motd;Contents"),
            ("MotdMode", "[MotdFile]Motd;Mode"),
            ("MotdPath", "[MotdFile]Motd;Path"),
            ("RootLogin", "[SshdOption]PermitRootLogin;Value"),
        ]
    ),
    st.lists(st.sampled_from(["a", "b c", "0644", "x=y"]), min_size=4, max_size=4),
)
def test_every_place_lists_parameters_in_one_order(
    parameters: list[tuple[str, str]], values: list[str]
) -> None:
    """Policy parameters, metadata configurationParameter, deployment parameters, template
    parameters, template configurationParameter and the hash all follow the given order, and
    the hash expression evaluates to the hash of the deployed list (the service hashes the
    assignment's parameters in order)."""
    facts = PolicyDefinitionFacts(
        display_name="d",
        description="d",
        policy_version="1.0.0",
        configuration_name="LinuxMotd",
        package_version="1.0.0",
        content_hash="AB",
        os="linux",
        mode="ApplyAndMonitor",
        parameters=tuple(
            PolicyParameterFacts(
                name=name, reference=reference, display_name=name, description=name
            )
            for name, reference in parameters
        ),
    )
    got = policy_definition_document(facts, URI)
    names = [name for name, _ in parameters]
    details = got["policyRule"]["then"]["details"]
    properties = details["deployment"]["properties"]
    guest = properties["template"]["resources"][0]["properties"]["guestConfiguration"]
    assert list(got["parameters"])[1:] == names
    assert list(got["metadata"]["guestConfiguration"]["configurationParameter"]) == names
    assert list(properties["parameters"])[4:] == names
    assert list(properties["template"]["parameters"])[4:] == names
    assert [item["value"] for item in guest["configurationParameter"]] == [
        f"[parameters('{name}')]" for name in names
    ]
    by_name = dict(zip(names, values, strict=True))
    deployed = [
        (item["name"], by_name[item["value"].removeprefix("[parameters('").removesuffix("')]")])
        for item in guest["configurationParameter"]
    ]
    expression = details["existenceCondition"]["allOf"][2]["equals"]
    assert expression == parameter_hash(facts.parameters)
    assert _evaluate(expression, by_name) == _hash_reference(deployed)


# --- Conformance with azure-native's input types --------------------------------------------


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _conform(cls: type, value: dict[str, Any], *, extra: frozenset[str] = frozenset()) -> None:
    """``value`` (camelCase, as Azure receives it) builds ``cls``: every key is one of its
    fields (or ``extra``), so the SDK would send it as written."""
    known = {k: v for k, v in value.items() if k not in extra}
    cls(**{_snake(k): v for k, v in known.items()})


@pytest.mark.parametrize("mode", ["Audit", "ApplyAndMonitor", "ApplyAndAutoCorrect"])
def test_the_document_fits_azure_natives_input_types(mode: str) -> None:
    """Every definition parameter builds ``ParameterDefinitionsValueArgs`` (its metadata
    ``ParameterDefinitionsValueMetadataArgs``, plus ``portalReview``, which the REST API's
    ParameterDefinitionsValueMetadata admits as an additional property); every type is a
    ``ParameterType``, ``policyType`` a ``PolicyType``; each deployed guestConfiguration builds
    ``GuestConfigurationNavigationArgs`` with a ``guestconfiguration.AssignmentType`` (but for
    ``contentType``, which the API only returns)."""
    package = sample_package(mode="AuditAndSet")
    got, _ = document(
        package=package,
        os="linux",
        mode=mode,
        arc_machines=True,
        parameters={"[MotdFile]Motd;Contents": PolicyParameter()},
    )
    assert authorization.PolicyType(got["policyType"]) is authorization.PolicyType.CUSTOM
    for entry in got["parameters"].values():
        _conform(authorization.ParameterDefinitionsValueArgs, entry)
        _conform(
            authorization.ParameterDefinitionsValueMetadataArgs,
            entry["metadata"],
            extra=frozenset({"portalReview"}),
        )
        assert authorization.ParameterType(entry["type"]).value == entry["type"]
    details = got["policyRule"]["then"]["details"]
    if mode == "Audit":
        assert "deployment" not in details
        return
    for resource in details["deployment"]["properties"]["template"]["resources"]:
        guest = resource["properties"]["guestConfiguration"]
        # contentType is read-only in the API (azure-native has it on the response type
        # only); the module writes it into the template all the same.
        _conform(
            guestconfiguration.GuestConfigurationNavigationArgs,
            guest,
            extra=frozenset({"contentType"}),
        )
        assert (
            "content_type"
            in inspect.signature(
                guestconfiguration.outputs.GuestConfigurationNavigationResponse
            ).parameters
        )
        assert guestconfiguration.AssignmentType(guest["assignmentType"]).value == mode
        for item in guest["configurationParameter"]:
            _conform(guestconfiguration.ConfigurationParameterArgs, item)


def test_an_unknown_key_would_not_fit() -> None:
    """The conformance check itself: a key the SDK type lacks fails it."""
    with pytest.raises(TypeError):
        _conform(authorization.ParameterDefinitionsValueArgs, {"type": "String", "portal": 1})
    with pytest.raises(ValueError):
        authorization.ParameterType("string")


# --- Names ----------------------------------------------------------------------------------


def _spec(**overrides: Any) -> Any:
    values: dict[str, Any] = {"package": sample_package(), "os": "linux"}
    values.update(overrides)
    return resolve_machine_configuration_policy("baseline", policy_args(**values), STORE_FACTS)


def test_the_definition_name_is_a_guid_kept_across_package_versions(tmp_path: Path) -> None:
    """Same GUID for new content and a new version (updated in place, the module's -PolicyId
    rule for updates); a new one for a new parameter set (Azure refuses removing parameters
    on update), another effect, OS, Arc choice or definition scope."""
    first = _spec().definition_name
    assert str(uuid.UUID(first)) == first
    newer = sample_package(mode="AuditAndSet")
    assert _spec(package=newer).definition_name == first
    assert _spec(policy_version="2.0.0").definition_name == first
    others = {
        _spec(parameters={"[MotdFile]Motd;Contents": PolicyParameter()}).definition_name,
        _spec(package=newer, mode="ApplyAndMonitor").definition_name,
        _spec(arc_machines=True).definition_name,
        _spec(scope=MG_SCOPE).definition_name,
    }
    assert first not in others and len(others) == 4
    # Below one subscription, the definition lives on the subscription: one name.
    assert _spec(scope=SUB_SCOPE).definition_name == _spec(scope=RG_SCOPE).definition_name


@pytest.mark.parametrize(
    "name", ["a", "baseline", "prod-linux-baseline-for-every-machine", "Web.Base_1"]
)
def test_assignment_names_fit_a_management_group(name: str) -> None:
    """At most 24 characters (Azure's limit at a management group), none of the characters
    the REST API refuses, distinct for the policy and its prerequisites."""
    spec = resolve_machine_configuration_policy(
        name, policy_args(package=sample_package(), os="linux"), STORE_FACTS
    )
    for assignment in (spec.assignment_name, spec.prerequisites_name):
        assert assignment is not None and len(assignment) <= 24
        assert set(assignment) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert spec.assignment_name != spec.prerequisites_name


def test_the_policy_version_follows_the_package() -> None:
    assert _spec().definition.policy_version == "1.0.0"
    assert _spec(policy_version="3.1.4").definition.policy_version == "3.1.4"
    with pytest.raises(ConfigurationError):
        _spec(policy_version="3.1")
