"""A Linux scale set configured by cloud-init: nginx serving a site from a private blob."""

from pathlib import Path

import pulumi
from pulumi_azure_native import network, resources

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    Package,
    ScaleSetArgs,
    UpgradePolicy,
)

HERE = Path(__file__).parent
config = pulumi.Config()
location = config.get("location") or "westeurope"

group = resources.ResourceGroup("cloud-init-example", location=location)
vnet = network.VirtualNetwork(
    "vnet",
    resource_group_name=group.name,
    location=location,
    address_space=network.AddressSpaceArgs(address_prefixes=["10.40.0.0/16"]),
)
# Outbound access made explicit (Azure retires default outbound access for new subnets): the
# instances reach the package mirrors and the artifact store through it.
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
    address_prefix="10.40.1.0/24",
    nat_gateway=network.SubResourceArgs(id=nat.id),
)

store = ArtifactStore(
    "artifacts",
    ArtifactStoreArgs(
        resource_group_name=group.name, location=location, account_name_prefix="cloudinitex"
    ),
)
web = CloudInitScaleSet(
    "web",
    CloudInitScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            location=location,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Automatic"),
            vm_size="Standard_B2s",
            capacity=1,
            ssh_public_keys=[config.require("sshPublicKey")],
        ),
        cloud_config=HERE / "cloud-config.yaml",
        store=store,
        artifacts={"site": Package.from_directory(HERE / "site")},
    ),
)

pulumi.export("resource_group", group.name)
pulumi.export("vmss_name", web.vmss_name)
pulumi.export("custom_data_hash", web.custom_data_hash)
pulumi.export("site_url", web.artifacts["site"].url)
