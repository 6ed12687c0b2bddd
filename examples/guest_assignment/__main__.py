"""A Machine Configuration package assigned to a Linux scale set (GuestAssignment).

Creates a resource group, a network with a NAT gateway for outbound traffic, an artifact
store, a small Linux scale set with the Machine Configuration prerequisites
(``machine_configuration=True``: the AzurePolicyforLinux extension and a system-assigned
identity), and an assignment of ``configuration/`` (the ExampleBanner configuration and its
ExampleFileDsc module) to every instance. For a scale set managed elsewhere, give the
assignment ``target=ExternalScaleSet(resource_group_name=..., vmss_name=..., os="linux")``
instead. See the compliance state in the portal (Machine Configuration) or with
``az vmss show -g <group> -n <scale set>`` and the assignment's report.

Plan it offline from the repository root:
``vmss-plan example --project-dir examples/guest_assignment``.
"""

from pathlib import Path

import pulumi
from pulumi_azure_native import network, resources

from vmss_components import (
    ASSIGNMENT_TYPES,
    ArtifactStore,
    ArtifactStoreArgs,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    GuestAssignment,
    GuestAssignmentArgs,
    MachineConfigurationPackage,
    ScaleSetArgs,
    UpgradePolicy,
    choice,
)

CONFIGURATION = Path(__file__).parent / "configuration"
config = pulumi.Config()
location = config.get("location") or "westeurope"
# A fixed choice from config, narrowed (and checked) without a cast.
assignment_type = choice(
    config.get("assignmentType") or "ApplyAndAutoCorrect", ASSIGNMENT_TYPES, "assignmentType"
)

group = resources.ResourceGroup("guest-assignment-example", location=location)
vnet = network.VirtualNetwork(
    "vnet",
    resource_group_name=group.name,
    location=location,
    address_space=network.AddressSpaceArgs(address_prefixes=["10.43.0.0/16"]),
)
# Outbound access made explicit (Azure retires default outbound access for new subnets): the
# agent reaches the artifact store and the Machine Configuration service through it.
nat_ip = network.PublicIPAddress(
    "nat-ip",
    resource_group_name=group.name,
    location=location,
    sku=network.PublicIPAddressSkuArgs(name="Standard"),
    public_ip_allocation_method="Static",
)
nat = network.NatGateway(
    "nat",
    resource_group_name=group.name,
    location=location,
    sku=network.NatGatewaySkuArgs(name="Standard"),
    public_ip_addresses=[network.SubResourceArgs(id=nat_ip.id)],
)
subnet = network.Subnet(
    "subnet",
    resource_group_name=group.name,
    virtual_network_name=vnet.name,
    address_prefix="10.43.1.0/24",
    nat_gateway=network.SubResourceArgs(id=nat.id),
)

store = ArtifactStore(
    "artifacts",
    ArtifactStoreArgs(
        resource_group_name=group.name, location=location, account_name_prefix="mcexample"
    ),
)
# Any scale-set component of the library can be a target; this one only needs the
# prerequisites, so its cloud-config does nothing else.
servers = CloudInitScaleSet(
    "servers",
    CloudInitScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            location=location,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Automatic"),
            vm_size="Standard_B2s",
            capacity=1,
            ssh_public_keys=[config.require("sshPublicKey")],
            machine_configuration=True,
        ),
        cloud_config={"package_update": True},
    ),
)
package = MachineConfigurationPackage.build(
    "ExampleBanner",
    mof=CONFIGURATION / "ExampleBanner" / "localhost.mof",
    modules=CONFIGURATION / "Modules",
    # Only an AuditAndSet package may back an assignment that sets state.
    mode="Audit" if assignment_type == "Audit" else "AuditAndSet",
)
banner = GuestAssignment(
    "banner",
    GuestAssignmentArgs(
        package=package,
        store=store,
        target=servers,
        assignment_type=assignment_type,
        parameters={
            "[TextFile]Banner;Contents": config.get("banner")
            or "Managed by Azure Machine Configuration.\n"
        },
    ),
)

pulumi.export("resource_group", group.name)
pulumi.export("vmss_name", servers.vmss_name)
pulumi.export("assignment_name", banner.assignment_name)
pulumi.export("content_hash", banner.content_hash)
