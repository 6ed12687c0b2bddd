import pulumi

from vmss_components import (
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    Extension,
    ManagedIdentities,
    ScaleSetArgs,
    UpgradePolicy,
)

app = CloudInitScaleSet(
    "app",
    CloudInitScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Automatic"),
            ssh_public_keys=[pulumi.Config().require("sshPublicKey")],
            managed_identities=ManagedIdentities(system_assigned=True),
            extra_extensions=[
                Extension(
                    name="AzureMonitorLinuxAgent",
                    publisher="Microsoft.Azure.Monitor",
                    type="AzureMonitorLinuxAgent",
                    type_handler_version="1.0",
                    enable_automatic_upgrade=True,
                )
            ],
        ),
        cloud_config={"package_update": True},
    ),
)
