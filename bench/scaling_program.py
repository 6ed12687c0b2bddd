"""A program with ``n`` scale sets of each component, for the planning benchmark's scaling.

One resource group, one artifact store, and ``n`` each of :class:`DscScaleSet`,
:class:`CloudInitScaleSet` and :class:`CustomScriptScaleSet`, built from the committed samples
in ``stacks/artifacts`` as the dev stack builds them.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
from pulumi_azure_native import resources

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    DscPackage,
    DscScaleSet,
    DscScaleSetArgs,
    HealthProbe,
    Package,
    SasPolicy,
    ScaleSetArgs,
    UpgradePolicy,
)

ARTIFACTS = Path(__file__).resolve().parent.parent / "stacks" / "artifacts"
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f bench"
SUBNET = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-bench/providers/"
    "Microsoft.Network/virtualNetworks/vnet/subnets/{tier}"
)


def program(n: int) -> None:
    """Declare ``n`` scale sets of each component kind."""
    group = resources.ResourceGroup("rg", resource_group_name="rg-bench", location="westeurope")
    store = ArtifactStore(
        "artifacts",
        ArtifactStoreArgs(
            resource_group_name=group.name,
            account_name_prefix="bench",
            sas=SasPolicy(rotation_days=30, min_lifetime_days=60),
        ),
    )
    scripts = ARTIFACTS / "custom-script"
    for index in range(n):
        DscScaleSet(
            f"web{index}",
            DscScaleSetArgs(
                scale_set=ScaleSetArgs(
                    resource_group_name=group.name,
                    subnet_id=SUBNET.format(tier="web"),
                    upgrade=UpgradePolicy(mode="Rolling"),
                    health=HealthProbe(protocol="http", port=80, request_path="/health.html"),
                    computer_name_prefix=f"web{index}"[:9],
                ),
                store=store,
                package=DscPackage.from_directory(
                    ARTIFACTS / "dsc" / "web", script="WebServer.ps1", function="WebServer"
                ),
                configuration_arguments={"SiteTitle": f"Contoso web {index}"},
                protected_configuration_arguments={
                    "AppPoolCredential": {
                        "userName": "apppool",
                        "password": pulumi.Output.secret(f"app-pool-password-{index}"),
                    }
                },
                configuration_data=ARTIFACTS / "dsc" / "ConfigurationData.psd1",
            ),
        )
        CloudInitScaleSet(
            f"app{index}",
            CloudInitScaleSetArgs(
                scale_set=ScaleSetArgs(
                    resource_group_name=group.name,
                    subnet_id=SUBNET.format(tier="app"),
                    upgrade=UpgradePolicy(mode="Automatic"),
                    health=HealthProbe(protocol="http", port=80, request_path="/health.html"),
                    ssh_public_keys=[SSH_KEY],
                ),
                cloud_config=ARTIFACTS / "cloud-init" / "web.yaml",
                store=store,
                artifacts={"site": Package.from_directory(ARTIFACTS / "cloud-init" / "site")},
            ),
        )
        CustomScriptScaleSet(
            f"worker{index}",
            CustomScriptScaleSetArgs(
                os="linux",
                scale_set=ScaleSetArgs(
                    resource_group_name=group.name,
                    subnet_id=SUBNET.format(tier="worker"),
                    upgrade=UpgradePolicy(mode="Automatic"),
                    ssh_public_keys=[SSH_KEY],
                ),
                store=store,
                files=[scripts / "install-worker.sh", scripts / "worker.py"],
                command="bash install-worker.sh",
                download="managed_identity",
            ),
        )
