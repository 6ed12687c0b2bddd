from pathlib import Path

import pulumi

from vmss_components import (
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    HealthProbe,
    ManagedIdentities,
    Package,
    ScaleSetArgs,
    UpgradePolicy,
)

samples = Path(__file__).parent / "artifacts" / "cloud-init"
web = CloudInitScaleSet(
    "web",
    CloudInitScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Rolling", pause_time_between_batches="PT1M"),
            health=HealthProbe(protocol="http", port=80, request_path="/health.html"),
            automatic_repairs=True,
            vm_size="Standard_B2s",
            capacity=2,
            ssh_public_keys=[pulumi.Config().require("sshPublicKey")],
            managed_identities=ManagedIdentities(system_assigned=True),
            os_disk_type="StandardSSD_LRS",
        ),
        # The file's ${artifact:site} and ${artifact:site.sha256} become the site zip's SAS
        # URL and digest.
        cloud_config=samples / "web.yaml",
        store=store,
        artifacts={"site": Package.from_directory(samples / "site")},
        compress="auto",
    ),
)
pulumi.export("web_custom_data_hash", web.custom_data_hash)
pulumi.export("web_principal_id", web.principal_id)
