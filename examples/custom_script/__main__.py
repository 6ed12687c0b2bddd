"""A Linux scale set set up by the Custom Script extension (CustomScriptScaleSet).

Creates a resource group, a network with a NAT gateway for outbound traffic, an artifact
store and a scale set whose instances download ``files/install.sh`` and ``files/greeting.txt``
with a user-assigned managed identity (created by the component, granted Storage Blob Data
Reader on the store's container before the scale set exists) and run the script. The blob
URLs in the model carry no token.

Plan it offline from the repository root:
``vmss-plan example --project-dir examples/custom_script``.
"""

import shlex
from pathlib import Path

import pulumi
from pulumi_azure_native import network, resources

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    ScaleSetArgs,
    UpgradePolicy,
)

FILES = Path(__file__).parent / "files"
config = pulumi.Config()
location = config.get("location") or "westeurope"
greeting = config.get("greeting") or "Hello from the Custom Script extension"

group = resources.ResourceGroup("custom-script-example", location=location)
vnet = network.VirtualNetwork(
    "vnet",
    resource_group_name=group.name,
    location=location,
    address_space=network.AddressSpaceArgs(address_prefixes=["10.41.0.0/16"]),
)
# Outbound access made explicit (Azure retires default outbound access for new subnets): the
# instances reach the artifact store through it.
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
    address_prefix="10.41.1.0/24",
    nat_gateway=network.SubResourceArgs(id=nat.id),
)

store = ArtifactStore(
    "artifacts",
    ArtifactStoreArgs(
        resource_group_name=group.name, location=location, account_name_prefix="cseexample"
    ),
)
workers = CustomScriptScaleSet(
    "workers",
    CustomScriptScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            location=location,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Automatic"),
            vm_size="Standard_B2s",
            capacity=1,
            ssh_public_keys=[config.require("sshPublicKey")],
        ),
        os="linux",
        store=store,
        files=[FILES / "install.sh", FILES / "greeting.txt"],
        command=f"bash install.sh {shlex.quote(greeting)}",
        download="managed_identity",
    ),
)

pulumi.export("resource_group", group.name)
pulumi.export("vmss_name", workers.vmss_name)
pulumi.export("update_tag", workers.update_tag)
pulumi.export("download_identity_client_id", workers.download_identity_client_id)
pulumi.export("file_urls", {name: a.url for name, a in workers.artifacts.items()})
