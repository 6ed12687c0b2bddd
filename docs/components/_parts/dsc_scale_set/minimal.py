from pathlib import Path

import pulumi

from vmss_components import DscPackage, DscScaleSet, DscScaleSetArgs, ScaleSetArgs, UpgradePolicy

config = pulumi.Config()
web = DscScaleSet(
    "web",
    DscScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Automatic"),
        ),
        store=store,
        package=DscPackage.from_directory(
            Path(__file__).parent / "artifacts" / "dsc" / "web",
            script="WebServer.ps1",
            function="WebServer",
        ),
        configuration_arguments={"SiteTitle": "Contoso"},
        protected_configuration_arguments={
            "AppPoolCredential": {
                "userName": "apppool",
                "password": config.require_secret("appPoolPassword"),
            },
        },
    ),
)
pulumi.export("web_update_tag", web.update_tag)
