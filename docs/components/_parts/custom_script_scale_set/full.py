from pathlib import Path

import pulumi

from vmss_components import (
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    HealthProbe,
    Package,
    ScaleSetArgs,
    UpgradePolicy,
)

scripts = Path(__file__).parent / "artifacts" / "custom-script"
site = Path(__file__).parent / "artifacts" / "cloud-init" / "site"
app = CustomScriptScaleSet(
    "app",
    CustomScriptScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Rolling"),
            health=HealthProbe(protocol="http", port=80, request_path="/health.html"),
            capacity=3,
        ),
        os="windows",
        store=store,
        # A local file as is, and a folder zipped deterministically (site.zip).
        files=[scripts / "install-app.ps1", Package.from_directory(site, name="site")],
        file_uris=["https://download.example.com/tools/v2.1/agent.msi"],
        # Always in protected settings: a command may carry secrets (an Output of
        # config.require_secret(...) concatenated in stays secret).
        command="powershell -ExecutionPolicy Unrestricted -File install-app.ps1",
        # Plain blob URLs; a user-assigned identity the component creates reads them.
        download="managed_identity",
        download_identity_resource_id=None,
        type_handler_version="1.10",
        extension_name="CustomScriptExtension",
        rerun=0,
    ),
)
pulumi.export("app_download_identity", app.download_identity_resource_id)
pulumi.export("app_artifacts", {name: a.url for name, a in app.artifacts.items()})
