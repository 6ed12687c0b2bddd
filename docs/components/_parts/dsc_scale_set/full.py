from pathlib import Path

import pulumi

from vmss_components import (
    Autoscale,
    DscPackage,
    DscScaleSet,
    DscScaleSetArgs,
    HealthProbe,
    ScaleSetArgs,
    UpgradePolicy,
)

config = pulumi.Config()
artifacts = Path(__file__).parent / "artifacts" / "dsc"
web = DscScaleSet(
    "web",
    DscScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Rolling", max_surge=True),
            vm_size="Standard_D2s_v5",
            capacity=2,
            zones=["1", "2"],
            health=HealthProbe(protocol="http", port=80, request_path="/health.html"),
            autoscale=Autoscale(minimum=2, maximum=6),
            computer_name_prefix="web",
            admin_password=config.get_secret("adminPassword"),  # None: generated
            tags={"tier": "web"},
        ),
        store=store,
        package=DscPackage.from_directory(
            artifacts / "web", script="WebServer.ps1", function="WebServer"
        ),
        configuration_arguments={"SiteTitle": "Contoso"},
        protected_configuration_arguments={
            "AppPoolCredential": {
                "userName": "apppool",
                "password": config.require_secret("appPoolPassword"),
            },
        },
        configuration_data=artifacts / "ConfigurationData.psd1",
        wmf_version="latest",
        type_handler_version="2.77",
        extension_name="Microsoft.Powershell.DSC",
        data_collection="Disable",
        rerun=0,
    ),
)
pulumi.export("web_vmss_id", web.vmss_id)
pulumi.export("web_update_tag", web.update_tag)
