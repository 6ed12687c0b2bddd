"""Every azure-native resource the library sends conforms to the installed SDK's input types.

Each dict key is a property of the SDK's input type at that place, each value of the type the
SDK declares there, and each string where the SDK declares an enum is one of its values
(helpers.sdk_types). Checked for the committed stacks and for the store's enterprise variants
of issue 18 (an existing account, shared keys off, a private endpoint with its DNS, network
rules), with identity downloads and Trusted Launch on and off, in preview and not.
"""

from __future__ import annotations

import pytest
from helpers import SUBNET_ID
from helpers.enterprise import ENTERPRISE_PROGRAMS
from helpers.sdk_types import nonconforming, sdk_problems
from helpers.stacks import run_stack_program, stack_config, stack_deployment

from vmss_components.testing import MockDeployment


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize("name", sorted(ENTERPRISE_PROGRAMS))
def test_the_store_variants_conform_to_the_sdk(name: str, preview: bool) -> None:
    with MockDeployment(preview=preview, speedups=True) as deployment:
        deployment.run(ENTERPRISE_PROGRAMS[name])
        resources = deployment.resources
    types = {r.type for r in resources}
    assert "azure-native:compute:VirtualMachineScaleSet" in types
    assert nonconforming(resources) == []


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_committed_stacks_conform_to_the_sdk(stack: str, preview: bool) -> None:
    values, secret_keys = stack_config(stack)
    with stack_deployment(stack, values, secret_keys, preview=preview) as deployment:
        run_stack_program(deployment)
        resources = deployment.resources
    assert len([r for r in resources if r.type.startswith("azure-native:")]) > 20
    assert nonconforming(resources) == []


def test_the_check_finds_what_the_sdk_does_not_declare() -> None:
    """The check can fail: a wrong enum spelling, an unknown key, a wrong scalar type, at any
    depth."""
    assert sdk_problems(
        "azure-native:storage:StorageAccount",
        {
            "publicNetworkAccess": "disabled",
            "allowSharedKeyAccess": "false",
            "networkRuleSet": {
                "defaultAction": "Deny",
                "virtualNetworkRules": [{"id": SUBNET_ID, "action": "Allow"}],
            },
            "sku": {"name": "Standard_LRS"},
        },
    ) == [
        "publicNetworkAccess: 'disabled' is not one of ['Disabled', 'Enabled', "
        "'SecuredByPerimeter']",
        "allowSharedKeyAccess: str where the SDK takes <class 'bool'>",
        "networkRuleSet.virtualNetworkRules[0].id: not a property of VirtualNetworkRuleArgs",
    ]
    assert sdk_problems(
        "azure-native:compute:VirtualMachineScaleSet",
        {"virtualMachineProfile": {"securityProfile": {"securityType": "Standard"}}},
    ) == [
        "virtualMachineProfile.securityProfile.securityType: 'Standard' is not one of "
        "['ConfidentialVM', 'TrustedLaunch']"
    ]
    assert sdk_problems("azure-native:network:Subnet", {"subnetName": "a", "bogus": 1}) == [
        "bogus: not an input of SubnetInitArgs"
    ]
