"""Each program in examples/ plans with ``vmss-plan`` and builds what its README line says.

The examples are Pulumi projects of their own (Pulumi.yaml, __main__.py, Pulumi.example.yaml,
artifacts beside the program); each is planned as ``vmss-plan example --project-dir
examples/<case>`` would plan it, and the settings that make it that example are checked.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from helpers import REPO

from vmss_components.testing import RecordedResource
from vmss_plan import PlanRun, load_project, run_plan

EXAMPLES = REPO / "examples"
#: The examples that build a scale set, and the one that governs a scope's machines.
SCALE_SET_CASES = ("cloud_init", "custom_script", "dsc", "guest_assignment")
CASES = (*SCALE_SET_CASES, "machine_configuration_policy")
VMSS = "azure-native:compute:VirtualMachineScaleSet"


@functools.cache
def plan(case: str) -> PlanRun:
    """``vmss-plan example --project-dir examples/<case>``, once per case and test process."""
    return run_plan(load_project(EXAMPLES / case), "example")


def _extensions(vmss: RecordedResource) -> dict[str, dict[str, Any]]:
    extensions = vmss.get("virtualMachineProfile.extensionProfile.extensions") or []
    return {e["name"]: e for e in extensions}


def _types(run: PlanRun) -> set[str]:
    return {r.type for r in run.deployment.resources}


def test_every_example_is_a_pulumi_project() -> None:
    assert sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()) == sorted(CASES)
    for case in CASES:
        folder = EXAMPLES / case
        for name in ("Pulumi.yaml", "__main__.py", "Pulumi.example.yaml"):
            assert (folder / name).is_file(), f"{case}/{name}"
        project = load_project(folder)
        assert project.root == folder and project.main == folder
        assert project.stacks() == ["example"]
        # Paths are relative to the program file, never to the working directory.
        assert "Path(__file__).parent" in (folder / "__main__.py").read_text()


@pytest.mark.parametrize("case", SCALE_SET_CASES)
def test_every_example_creates_its_group_network_and_store(case: str) -> None:
    run = plan(case)
    types = _types(run)
    for expected in (
        "azure-native:resources:ResourceGroup",
        "azure-native:network:VirtualNetwork",
        "azure-native:network:Subnet",
        "azure-native:network:NatGateway",
        "vmss:index:ArtifactStore",
        VMSS,
    ):
        assert expected in types, expected
    assert run.stack_outputs and all(r.known for r in run.stack_outputs.values())


def test_dsc_example() -> None:
    run = plan("dsc")
    assert "vmss:index:DscScaleSet" in _types(run)
    vmss = run.deployment.resource(VMSS)
    assert vmss.get("virtualMachineProfile.storageProfile.imageReference.publisher") == (
        "MicrosoftWindowsServer"
    )
    dsc = _extensions(vmss)["Microsoft.Powershell.DSC"]
    assert (dsc["publisher"], dsc["type"]) == ("Microsoft.Powershell", "DSC")
    assert dsc["settings"]["configuration"]["script"] == "HelloWeb.ps1"
    assert dsc["settings"]["configuration"]["function"] == "HelloWeb"
    assert "sig=" not in dsc["settings"]["configuration"]["url"]
    assert dsc["protectedSettings"]["configurationUrlSasToken"].startswith("?")
    assert dsc["settings"]["configurationArguments"] == {"Greeting": "Hello from PowerShell DSC"}
    assert vmss.is_secret("virtualMachineProfile")
    assert run.stack_outputs["admin_password"].secret


def test_custom_script_example_downloads_with_a_managed_identity() -> None:
    run = plan("custom_script")
    types = _types(run)
    assert "vmss:index:CustomScriptScaleSet" in types
    assert "azure-native:managedidentity:UserAssignedIdentity" in types
    role = run.deployment.resource("azure-native:authorization:RoleAssignment")
    assert role.get("roleDefinitionId").endswith("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1")
    vmss = run.deployment.resource(VMSS)
    assert role.urn in vmss.dependencies
    assert vmss.get("identity.type") == "UserAssigned"
    cse = _extensions(vmss)["CustomScript"]
    assert (cse["publisher"], cse["type"]) == ("Microsoft.Azure.Extensions", "CustomScript")
    uris = cse["settings"]["fileUris"]
    assert [uri.rsplit("/", 1)[-1] for uri in uris] == ["install.sh", "greeting.txt"]
    assert not any("sig=" in uri for uri in uris)
    assert set(cse["protectedSettings"]) == {"commandToExecute", "managedIdentity"}
    assert cse["protectedSettings"]["commandToExecute"].startswith("bash install.sh ")
    assert sorted(run.stack_outputs["file_urls"].value) == ["greeting.txt", "install.sh"]


def test_cloud_init_example() -> None:
    run = plan("cloud_init")
    assert "vmss:index:CloudInitScaleSet" in _types(run)
    vmss = run.deployment.resource(VMSS)
    assert vmss.get("virtualMachineProfile.osProfile.customData")
    assert vmss.get(
        "virtualMachineProfile.osProfile.linuxConfiguration.disablePasswordAuthentication"
    )
    blobs = run.deployment.resources_of_type("azure-native:storage:Blob")
    assert [b.get("blobName").split("/")[0] for b in blobs] == ["web-cloud-init-site"]
    assert blobs[0].urn in vmss.dependencies
    assert len(run.stack_outputs["custom_data_hash"].value) == 64


def test_guest_assignment_example() -> None:
    run = plan("guest_assignment")
    vmss = run.deployment.resource(VMSS)
    assert vmss.get("identity.type") == "SystemAssigned"
    agent = _extensions(vmss)["AzurePolicyforLinux"]
    assert (agent["publisher"], agent["type"]) == (
        "Microsoft.GuestConfiguration",
        "ConfigurationForLinux",
    )
    assignment = run.deployment.resource(
        "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS"
    )
    assert assignment.get("name") == "ExampleBanner"
    guest = assignment.get("properties.guestConfiguration")
    assert guest["name"] == "ExampleBanner"
    assert guest["assignmentType"] == "ApplyAndAutoCorrect"
    assert guest["contentUri"].split("?")[0].endswith("/ExampleBanner.zip")
    assert guest["contentHash"] == guest["contentHash"].upper()
    assert guest["configurationParameter"] == [
        {"name": "[TextFile]Banner;Contents", "value": "Contoso example: authorised use only.\n"}
    ]


def test_machine_configuration_policy_example() -> None:
    run = plan("machine_configuration_policy")
    types = _types(run)
    assert {
        "azure-native:resources:ResourceGroup",
        "vmss:index:ArtifactStore",
        "vmss:index:MachineConfigurationPolicy",
        "azure-native:policyinsights:RemediationAtResourceGroup",
    } <= types
    definition = run.deployment.resource("azure-native:authorization:PolicyDefinition")
    guest = definition.get("metadata.guestConfiguration")
    assert guest["name"] == "ExampleBanner"
    assert guest["contentHash"] == guest["contentHash"].upper()
    assert definition.get("policyRule.then.effect") == "deployIfNotExists"
    scope = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
    assignments = run.deployment.resources_of_type("azure-native:authorization:PolicyAssignment")
    assert {a.name for a in assignments} == {"banner-assignment", "banner-prerequisites"}
    assert all(a.get("scope").startswith(scope) for a in assignments)
    assert run.stack_outputs and all(r.known for r in run.stack_outputs.values())
