from pathlib import Path

import pulumi

from vmss_components import (
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    ScaleSetArgs,
    UpgradePolicy,
)

scripts = Path(__file__).parent / "artifacts" / "custom-script"
workers = CustomScriptScaleSet(
    "workers",
    CustomScriptScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Automatic"),
            ssh_public_keys=[pulumi.Config().require("sshPublicKey")],
        ),
        os="linux",
        store=store,
        files=[scripts / "install-worker.sh", scripts / "worker.py"],
        command="bash install-worker.sh",
    ),
)
pulumi.export("workers_update_tag", workers.update_tag)
