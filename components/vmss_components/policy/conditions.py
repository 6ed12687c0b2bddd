"""The ``if`` of a Machine Configuration policy: which machines it reaches. Pure.

The shapes are those Microsoft's GuestConfiguration module (4.12.0, Azure/GuestConfiguration
at 9ce97249) writes with ``New-GuestConfigurationPolicy``: its templates
``source/templates/3-Images-Windows-VMSS.json`` and ``3-Images-Linux-VMSS.json`` (the module
includes scale sets by default, ``-IncludeVMSS $true``) and
``source/Private/New-GuestConfigurationPolicyConditionsSection.ps1`` (Arc machines removed by
``-ExcludeArcMachines``, the ``-Tag`` filter). They are written out here as data, in the
module's order; no file of the module is copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

Condition = dict[str, Any]
Os = Literal["windows", "linux"]

_PUBLISHER = "Microsoft.Compute/imagePublisher"
_OFFER = "Microsoft.Compute/imageOffer"
_SKU = "Microsoft.Compute/imageSKU"
INCLUDE_ARC_MACHINES = "IncludeArcMachines"


def _field(field: str, operator: str, value: Any) -> Condition:
    return {"field": field, operator: value}


def _publisher(name: str, field: str, operator: str, value: Any) -> Condition:
    """Images of one publisher, narrowed by one more condition."""
    return {"allOf": [_field(_PUBLISHER, "equals", name), _field(field, operator, value)]}


def _windows_images() -> list[Condition]:
    """3-Images-Windows-VMSS.json: the marketplace images known to run Windows, then any
    machine whose OS profile or disk says Windows (but not Windows Server 2008)."""
    return [
        _field(
            _PUBLISHER,
            "in",
            [
                "esri",
                "incredibuild",
                "MicrosoftDynamicsAX",
                "MicrosoftSharepoint",
                "MicrosoftVisualStudio",
                "MicrosoftWindowsDesktop",
                "MicrosoftWindowsServerHPCPack",
            ],
        ),
        _publisher("MicrosoftWindowsServer", _SKU, "notLike", "2008*"),
        _publisher("MicrosoftSQLServer", _OFFER, "notLike", "SQL2008*"),
        _publisher("microsoft-dsvm", _OFFER, "like", "dsvm-win*"),
        _publisher(
            "microsoft-ads", _OFFER, "in", ["standard-data-science-vm", "windows-data-science-vm"]
        ),
        _publisher("batch", _OFFER, "equals", "rendering-windows2016"),
        _publisher("center-for-internet-security-inc", _OFFER, "like", "cis-windows-server-201*"),
        _publisher("pivotal", _OFFER, "like", "bosh-windows-server*"),
        _publisher("cloud-infrastructure-services", _OFFER, "like", "ad*"),
        {
            "allOf": [
                {
                    "anyOf": [
                        _field(
                            "Microsoft.Compute/virtualMachines/osProfile.windowsConfiguration",
                            "exists",
                            True,
                        ),
                        _field(
                            "Microsoft.Compute/virtualMachines/storageProfile.osDisk.osType",
                            "like",
                            "Windows*",
                        ),
                        # The module writes this alias with a capital V.
                        _field(
                            "Microsoft.Compute/VirtualMachineScaleSets/osProfile.windowsConfiguration",
                            "exists",
                            True,
                        ),
                        _field(
                            "Microsoft.Compute/virtualMachineScaleSets/virtualMachineProfile."
                            "storageProfile.osDisk.osType",
                            "like",
                            "Windows*",
                        ),
                    ]
                },
                {
                    "anyOf": [
                        _field(_SKU, "exists", False),
                        {
                            "allOf": [
                                _field(_OFFER, "notLike", "SQL2008*"),
                                _field(_SKU, "notLike", "2008*"),
                            ]
                        },
                    ]
                },
            ]
        },
    ]


def _linux_images() -> list[Condition]:
    """3-Images-Linux-VMSS.json: the marketplace images known to run Linux (without the
    releases the agent does not support), then any machine whose OS profile or disk says
    Linux and whose publisher is none of those already judged."""
    return [
        _field(
            _PUBLISHER,
            "in",
            [
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
        ),
        _publisher("OpenLogic", _SKU, "notLike", "6*"),
        _publisher("Oracle", _SKU, "notLike", "6*"),
        _publisher("RedHat", _SKU, "notLike", "6*"),
        _publisher("center-for-internet-security-inc", _OFFER, "notLike", "cis-windows*"),
        _publisher("Suse", _SKU, "notLike", "11*"),
        _publisher("Canonical", _SKU, "notLike", "12*"),
        _publisher("microsoft-dsvm", _OFFER, "notLike", "dsvm-win*"),
        _publisher("cloudera", _SKU, "notLike", "6*"),
        _publisher("microsoft-ads", _OFFER, "like", "linux*"),
        {
            "allOf": [
                {
                    "anyOf": [
                        _field(
                            "Microsoft.Compute/virtualMachines/osProfile.linuxConfiguration",
                            "exists",
                            True,
                        ),
                        _field(
                            "Microsoft.Compute/virtualMachines/storageProfile.osDisk.osType",
                            "like",
                            "Linux*",
                        ),
                        _field(
                            "Microsoft.Compute/virtualMachineScaleSets/osProfile.linuxConfiguration",
                            "exists",
                            True,
                        ),
                        _field(
                            "Microsoft.Compute/virtualMachineScaleSets/virtualMachineProfile."
                            "storageProfile.osDisk.osType",
                            "like",
                            "Linux*",
                        ),
                    ]
                },
                {
                    "anyOf": [
                        _field(_PUBLISHER, "exists", False),
                        _field(
                            _PUBLISHER,
                            "notIn",
                            [
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
                        ),
                    ]
                },
            ]
        },
    ]


def azure_machines(os: Os) -> Condition:
    """Azure virtual machines and scale sets of ``os``, except AKS node pools."""
    return {
        "allOf": [
            {
                "anyOf": [
                    _field("type", "equals", "Microsoft.Compute/virtualMachines"),
                    _field("type", "equals", "Microsoft.Compute/virtualMachineScaleSets"),
                ]
            },
            # The module writes the string "false" here (and booleans elsewhere).
            _field("tags['aks-managed-orchestrator']", "exists", "false"),
            _field("tags['aks-managed-poolName']", "exists", "false"),
            {"anyOf": _windows_images() if os == "windows" else _linux_images()},
        ]
    }


def arc_machines(os: Os) -> Condition:
    """Arc-connected servers and Arc-enabled vSphere machines of ``os``, when the assignment's
    ``IncludeArcMachines`` parameter is ``"true"``."""
    pattern = "windows*" if os == "windows" else "linux*"
    return {
        "allOf": [
            {"value": f"[parameters('{INCLUDE_ARC_MACHINES}')]", "equals": "true"},
            {
                "anyOf": [
                    {
                        "allOf": [
                            _field("type", "equals", "Microsoft.HybridCompute/machines"),
                            _field("Microsoft.HybridCompute/imageOffer", "like", pattern),
                        ]
                    },
                    {
                        "allOf": [
                            _field(
                                "type", "equals", "Microsoft.ConnectedVMwarevSphere/virtualMachines"
                            ),
                            _field(
                                "Microsoft.ConnectedVMwarevSphere/virtualMachines/osProfile.osType",
                                "like",
                                pattern,
                            ),
                        ]
                    },
                ]
            },
        ]
    }


def machines_condition(
    os: Os, *, include_arc: bool, tags: Sequence[tuple[str, str]] = ()
) -> Condition:
    """The policy rule's ``if``.

    Without Arc machines the module removes the Arc branch and keeps a one-element ``anyOf``.
    Machine tags wrap it as ``allOf [<anyOf>, <tag condition>]``; several tags are one
    ``allOf`` of their conditions.
    """
    branches = [azure_machines(os)]
    if include_arc:
        branches.append(arc_machines(os))
    condition: Condition = {"anyOf": branches}
    if tags:
        listed = [{"field": f"tags['{name}']", "equals": value} for name, value in tags]
        tag_condition = listed[0] if len(listed) == 1 else {"allOf": listed}
        condition = {"allOf": [condition, tag_condition]}
    return condition
