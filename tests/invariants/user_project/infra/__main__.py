"""A user's program: one of every component, composed with the user's own ``components``."""

from __future__ import annotations

from pathlib import Path

import pulumi
from pulumi_azure_native import network, resources

from components import standard_tags
from vmss_components import (
    UPGRADE_MODES,
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
    MachineConfigurationPolicy,
    MachineConfigurationPolicyArgs,
    Package,
    ScaleSetArgs,
    UpgradePolicy,
    choice,
)

HERE = Path(__file__).parent
FILES = HERE / "files"
SSH_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f ops@example"
)

config = pulumi.Config()
tags = standard_tags(pulumi.get_stack())
group = resources.ResourceGroup("rg", location="westeurope", tags=tags)
vnet = network.VirtualNetwork(
    "vnet",
    resource_group_name=group.name,
    address_space=network.AddressSpaceArgs(address_prefixes=["10.40.0.0/16"]),
    tags=tags,
)
subnet = network.Subnet(
    "vms",
    resource_group_name=group.name,
    virtual_network_name=vnet.name,
    address_prefix="10.40.1.0/24",
)
store = ArtifactStore("artifacts", ArtifactStoreArgs(resource_group_name=group.name, tags=tags))


def scale_set(*, linux: bool = False, machine_configuration: bool = False) -> ScaleSetArgs:
    return ScaleSetArgs(
        resource_group_name=group.name,
        subnet_id=subnet.id,
        # A fixed choice read from config, narrowed without a cast (mypy --strict checks it).
        upgrade=UpgradePolicy(
            mode=choice(config.get("upgradeMode") or "Automatic", UPGRADE_MODES, "upgradeMode")
        ),
        ssh_public_keys=[SSH_KEY] if linux else [],
        machine_configuration=machine_configuration,
        tags=tags,
    )


web = DscScaleSet(
    "web",
    DscScaleSetArgs(
        scale_set=scale_set(),
        store=store,
        package=DscPackage.from_directory(FILES / "dsc", script="Site.ps1", function="Site"),
    ),
)
worker = CustomScriptScaleSet(
    "worker",
    CustomScriptScaleSetArgs(
        scale_set=scale_set(linux=True, machine_configuration=True),
        os="linux",
        store=store,
        files=[FILES / "setup.sh"],
        command="sh setup.sh",
    ),
)
app = CloudInitScaleSet(
    "app",
    CloudInitScaleSetArgs(
        scale_set=scale_set(linux=True),
        store=store,
        cloud_config={"runcmd": ["curl -fsSLo /tmp/site.zip '${artifact:site}'"]},
        artifacts={"site": Package.from_directory(FILES / "site")},
    ),
)
motd = MachineConfigurationPackage.build(
    "LinuxMotd",
    mof=FILES / "machine-configuration" / "LinuxMotd.mof",
    modules=FILES / "machine-configuration" / "Modules",
)
baseline = GuestAssignment(
    "baseline",
    GuestAssignmentArgs(
        package=motd,
        store=store,
        target=worker,
    ),
)
# The same configuration for every Linux machine of the resource group, by Azure Policy.
fleet = MachineConfigurationPolicy(
    "fleet-baseline",
    MachineConfigurationPolicyArgs(
        package=motd,
        store=store,
        scope="/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg",
        os="linux",
        location="westeurope",
    ),
)
pulumi.export("web", web.vmss_id)
pulumi.export("worker_principal", worker.principal_id)
pulumi.export("tags", tags)
