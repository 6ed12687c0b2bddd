"""Fixtures of the Machine Configuration policy tests: scopes, arguments, and the shapes
Microsoft's GuestConfiguration module writes, spelled out.

The expected shapes are written here from the module's source, GuestConfiguration 4.12.0
(Azure/GuestConfiguration at commit 9ce972498f869da82672a79a581057626b6c929b):
``source/templates/3-Images-{Windows,Linux}-VMSS.json`` for the ``if``,
``source/templates/2-Parameters.json`` for the module's own parameters and
``source/Private/New-GuestConfigurationPolicy*.ps1`` for how they are filled in. Nothing of
the module is copied; these are the facts its templates state, typed out.
"""

from __future__ import annotations

from typing import Any, cast

from vmss_components.machine_configuration_policy import MachineConfigurationPolicyArgs
from vmss_components.store import ArtifactStore, StoreFacts

from .builders import NOW

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
OTHER_SUBSCRIPTION = "11111111-2222-3333-4444-555555555555"
MG_SCOPE = "/providers/Microsoft.Management/managementGroups/contoso-platform"
SUB_SCOPE = f"/subscriptions/{SUBSCRIPTION}"
RG_SCOPE = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-app"
SCOPES = {"management_group": MG_SCOPE, "subscription": SUB_SCOPE, "resource_group": RG_SCOPE}
IDENTITY_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-identity/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/mc-reader"
)
URI = "https://artifacts.blob.core.windows.net/artifacts/x/Package.zip?sv=2022-11-02&sig=abc%3D"
GUEST_CONFIGURATION_RESOURCE_CONTRIBUTOR = "088ab73d-1256-47ae-bea9-9de8e7131f31"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
INITIATIVE = (
    "/providers/Microsoft.Authorization/policySetDefinitions/12794019-7a00-42cf-95c2-882eed337cc8"
)
#: The resolve step reads the store's facts only; the component checks the live store.
NO_STORE = cast(ArtifactStore, object())
STORE_FACTS = StoreFacts(sas_expiry=NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))


def policy_args(**overrides: Any) -> MachineConfigurationPolicyArgs:
    """Arguments for a policy at the resource group scope; ``package`` is required."""
    values: dict[str, Any] = {"store": NO_STORE, "scope": RG_SCOPE, "location": "westeurope"}
    values.update(overrides)
    return MachineConfigurationPolicyArgs(**values)


def guest_assignment_name(configuration: str) -> str:
    """New-GuestConfigurationPolicyGuestAssignmentNameReference.ps1 (tests line 86)."""
    return (
        f"[concat('{configuration}$pid', uniqueString(policy().assignmentId, "
        "policy().definitionReferenceId))]"
    )


def _publisher(name: str, field: str, operator: str, value: Any) -> dict[str, Any]:
    return {
        "allOf": [
            {"field": "Microsoft.Compute/imagePublisher", "equals": name},
            {"field": f"Microsoft.Compute/{field}", operator: value},
        ]
    }


#: 3-Images-Windows-VMSS.json, anyOf[0].allOf[3].anyOf: the Windows images, ten rules.
WINDOWS_IMAGES = [
    {
        "field": "Microsoft.Compute/imagePublisher",
        "in": [
            "esri",
            "incredibuild",
            "MicrosoftDynamicsAX",
            "MicrosoftSharepoint",
            "MicrosoftVisualStudio",
            "MicrosoftWindowsDesktop",
            "MicrosoftWindowsServerHPCPack",
        ],
    },
    _publisher("MicrosoftWindowsServer", "imageSKU", "notLike", "2008*"),
    _publisher("MicrosoftSQLServer", "imageOffer", "notLike", "SQL2008*"),
    _publisher("microsoft-dsvm", "imageOffer", "like", "dsvm-win*"),
    _publisher(
        "microsoft-ads", "imageOffer", "in", ["standard-data-science-vm", "windows-data-science-vm"]
    ),
    _publisher("batch", "imageOffer", "equals", "rendering-windows2016"),
    _publisher("center-for-internet-security-inc", "imageOffer", "like", "cis-windows-server-201*"),
    _publisher("pivotal", "imageOffer", "like", "bosh-windows-server*"),
    _publisher("cloud-infrastructure-services", "imageOffer", "like", "ad*"),
    {
        "allOf": [
            {
                "anyOf": [
                    {
                        "field": "Microsoft.Compute/virtualMachines/osProfile.windowsConfiguration",
                        "exists": True,
                    },
                    {
                        "field": "Microsoft.Compute/virtualMachines/storageProfile.osDisk.osType",
                        "like": "Windows*",
                    },
                    {
                        "field": (
                            "Microsoft.Compute/VirtualMachineScaleSets/osProfile."
                            "windowsConfiguration"
                        ),
                        "exists": True,
                    },
                    {
                        "field": (
                            "Microsoft.Compute/virtualMachineScaleSets/virtualMachineProfile."
                            "storageProfile.osDisk.osType"
                        ),
                        "like": "Windows*",
                    },
                ]
            },
            {
                "anyOf": [
                    {"field": "Microsoft.Compute/imageSKU", "exists": False},
                    {
                        "allOf": [
                            {"field": "Microsoft.Compute/imageOffer", "notLike": "SQL2008*"},
                            {"field": "Microsoft.Compute/imageSKU", "notLike": "2008*"},
                        ]
                    },
                ]
            },
        ]
    },
]

#: 3-Images-Linux-VMSS.json, anyOf[0].allOf[3].anyOf: the Linux images, eleven rules.
LINUX_IMAGES = [
    {
        "field": "Microsoft.Compute/imagePublisher",
        "in": [
            "microsoft-aks",
            "qubole-inc",
            "datastax",
            "couchbase",
            "scalegrid",
            "checkpoint",
            "paloaltonetworks",
            "debian",
            "credativ",
        ],
    },
    _publisher("OpenLogic", "imageSKU", "notLike", "6*"),
    _publisher("Oracle", "imageSKU", "notLike", "6*"),
    _publisher("RedHat", "imageSKU", "notLike", "6*"),
    _publisher("center-for-internet-security-inc", "imageOffer", "notLike", "cis-windows*"),
    _publisher("Suse", "imageSKU", "notLike", "11*"),
    _publisher("Canonical", "imageSKU", "notLike", "12*"),
    _publisher("microsoft-dsvm", "imageOffer", "notLike", "dsvm-win*"),
    _publisher("cloudera", "imageSKU", "notLike", "6*"),
    _publisher("microsoft-ads", "imageOffer", "like", "linux*"),
    {
        "allOf": [
            {
                "anyOf": [
                    {
                        "field": "Microsoft.Compute/virtualMachines/osProfile.linuxConfiguration",
                        "exists": True,
                    },
                    {
                        "field": "Microsoft.Compute/virtualMachines/storageProfile.osDisk.osType",
                        "like": "Linux*",
                    },
                    {
                        "field": (
                            "Microsoft.Compute/virtualMachineScaleSets/osProfile.linuxConfiguration"
                        ),
                        "exists": True,
                    },
                    {
                        "field": (
                            "Microsoft.Compute/virtualMachineScaleSets/virtualMachineProfile."
                            "storageProfile.osDisk.osType"
                        ),
                        "like": "Linux*",
                    },
                ]
            },
            {
                "anyOf": [
                    {"field": "Microsoft.Compute/imagePublisher", "exists": False},
                    {
                        "field": "Microsoft.Compute/imagePublisher",
                        "notIn": [
                            "OpenLogic",
                            "RedHat",
                            "credativ",
                            "Suse",
                            "Canonical",
                            "microsoft-dsvm",
                            "cloudera",
                            "microsoft-ads",
                            "center-for-internet-security-inc",
                            "Oracle",
                            "AzureDatabricks",
                            "azureopenshift",
                        ],
                    },
                ]
            },
        ]
    },
]


def azure_branch(os: str) -> dict[str, Any]:
    """3-Images-<OS>-VMSS.json anyOf[0]: VMs and scale sets, not AKS nodes, of the OS."""
    return {
        "allOf": [
            {
                "anyOf": [
                    {"field": "type", "equals": "Microsoft.Compute/virtualMachines"},
                    {"field": "type", "equals": "Microsoft.Compute/virtualMachineScaleSets"},
                ]
            },
            {"field": "tags['aks-managed-orchestrator']", "exists": "false"},
            {"field": "tags['aks-managed-poolName']", "exists": "false"},
            {"anyOf": WINDOWS_IMAGES if os == "windows" else LINUX_IMAGES},
        ]
    }


def arc_branch(os: str) -> dict[str, Any]:
    """3-Images-<OS>-VMSS.json anyOf[1]: Arc machines, gated by IncludeArcMachines."""
    pattern = f"{os}*"
    return {
        "allOf": [
            {"value": "[parameters('IncludeArcMachines')]", "equals": "true"},
            {
                "anyOf": [
                    {
                        "allOf": [
                            {"field": "type", "equals": "Microsoft.HybridCompute/machines"},
                            {"field": "Microsoft.HybridCompute/imageOffer", "like": pattern},
                        ]
                    },
                    {
                        "allOf": [
                            {
                                "field": "type",
                                "equals": "Microsoft.ConnectedVMwarevSphere/virtualMachines",
                            },
                            {
                                "field": (
                                    "Microsoft.ConnectedVMwarevSphere/virtualMachines/"
                                    "osProfile.osType"
                                ),
                                "like": pattern,
                            },
                        ]
                    },
                ]
            },
        ]
    }


def machines_if(os: str, *, arc: bool = False) -> dict[str, Any]:
    """The rule's ``if``: -ExcludeArcMachines keeps a one-element anyOf."""
    return {"anyOf": [azure_branch(os), arc_branch(os)] if arc else [azure_branch(os)]}


#: 2-Parameters.json, with the type spelled as azure-native's ParameterType.
INCLUDE_ARC_PARAMETER = {
    "type": "String",
    "metadata": {
        "displayName": "Include Arc connected machines",
        "description": (
            "By selecting this option, you agree to be charged monthly per Arc connected machine."
        ),
        "portalReview": "true",
    },
    "allowedValues": ["true", "false"],
    "defaultValue": "false",
}
AUTO_REMEDIATION_PARAMETER = {
    "type": "String",
    "metadata": {
        "displayName": "Enable Auto Remediation",
        "description": (
            "When true, the policy will automatically enforce remediation. When false, it will "
            "only audit"
        ),
    },
    "allowedValues": ["true", "false"],
    "defaultValue": "false",
}
COMPLIANT = {
    "field": "Microsoft.GuestConfiguration/guestConfigurationAssignments/complianceStatus",
    "equals": "Compliant",
}
AUTO_REMEDIATION_TIE = {"value": "[parameters('EnableAutoRemediation')]", "in": ["true", "false"]}


def deployment_resources(guest: dict[str, Any], *, arc: bool = False) -> list[dict[str, Any]]:
    """4-Action-Set-VMSS.json template resources: VM, (Arc,) scale set, one guest config."""
    targets = ["Microsoft.Compute/virtualMachines"]
    if arc:
        targets.append("Microsoft.HybridCompute/machines")
    targets.append("Microsoft.Compute/virtualMachineScaleSets")
    return [
        {
            "condition": f"[equals(toLower(parameters('type')), toLower('{target}'))]",
            "apiVersion": "2024-04-05",
            "type": f"{target}/providers/guestConfigurationAssignments",
            "name": (
                "[concat(parameters('vmName'), '/Microsoft.GuestConfiguration/', "
                "parameters('assignmentName'))]"
            ),
            "location": "[parameters('location')]",
            "properties": {"guestConfiguration": guest},
        }
        for target in targets
    ]
