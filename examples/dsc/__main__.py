"""A Windows scale set configured by the PowerShell DSC extension (DscScaleSet).

Creates a resource group, a network with a NAT gateway for outbound traffic, an artifact
store and a Windows scale set whose instances apply ``configuration/HelloWeb.ps1`` (IIS and a
start page), downloaded from the store with a read-only SAS token kept in protected
settings. The administrator password is generated unless ``adminPassword`` is set. Check an
instance:

    az vmss run-command invoke -g <group> -n <scale set> --instance-id 0 \\
        --command-id RunPowerShellScript \\
        --scripts "(Invoke-WebRequest -UseBasicParsing localhost).Content"

Plan it offline from the repository root: ``vmss-plan example --project-dir examples/dsc``.
"""

from pathlib import Path

import pulumi
from pulumi_azure_native import network, resources

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    DscPackage,
    DscScaleSet,
    DscScaleSetArgs,
    ScaleSetArgs,
    UpgradePolicy,
)

HERE = Path(__file__).parent
config = pulumi.Config()
location = config.get("location") or "westeurope"

group = resources.ResourceGroup("dsc-example", location=location)
vnet = network.VirtualNetwork(
    "vnet",
    resource_group_name=group.name,
    location=location,
    address_space=network.AddressSpaceArgs(address_prefixes=["10.42.0.0/16"]),
)
# Outbound access made explicit (Azure retires default outbound access for new subnets): the
# instances reach the artifact store and Windows Update through it.
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
    address_prefix="10.42.1.0/24",
    nat_gateway=network.SubResourceArgs(id=nat.id),
)

store = ArtifactStore(
    "artifacts",
    ArtifactStoreArgs(
        resource_group_name=group.name, location=location, account_name_prefix="dscexample"
    ),
)
web = DscScaleSet(
    "web",
    DscScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            location=location,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Automatic"),
            vm_size="Standard_B2ms",
            capacity=1,
            admin_password=config.get_secret("adminPassword"),  # None: generated
        ),
        store=store,
        package=DscPackage.from_directory(
            HERE / "configuration", name="helloweb", script="HelloWeb.ps1", function="HelloWeb"
        ),
        configuration_arguments={"Greeting": config.get("greeting") or "Hello from PowerShell DSC"},
    ),
)

pulumi.export("resource_group", group.name)
pulumi.export("vmss_name", web.vmss_name)
pulumi.export("update_tag", web.update_tag)
pulumi.export("admin_password", web.admin_password)  # secret: pulumi stack output --show-secrets
