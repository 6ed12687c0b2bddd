import pulumi

from vmss_components import CloudInitScaleSet, CloudInitScaleSetArgs, ScaleSetArgs, UpgradePolicy

app = CloudInitScaleSet(
    "app",
    CloudInitScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Automatic"),  # no default: choose
            ssh_public_keys=[pulumi.Config().require("sshPublicKey")],
        ),
        cloud_config={"package_update": True},
    ),
)
