from pathlib import Path

import pulumi

from vmss_components import (
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    Extension,
    ManagedIdentities,
    ScaleSetArgs,
    UpgradePolicy,
)

config = pulumi.Config()
scripts = Path(__file__).parent / "artifacts" / "custom-script"
key_vault_certificates = Extension(
    name="KeyVaultForLinux",
    publisher="Microsoft.Azure.KeyVault",
    type="KeyVaultForLinux",
    type_handler_version="2.0",
    settings={
        "secretsManagementSettings": {
            "pollingIntervalInS": "3600",
            "observedCertificates": [config.require("certificateSecretId")],
        }
    },
    protected_settings=None,  # secrets go here: encrypted by Azure, a Pulumi secret here
    auto_upgrade_minor_version=True,
    enable_automatic_upgrade=True,
    force_update_tag=None,  # change it to re-run the extension with unchanged settings
    provision_after=["CustomScript"],  # the component's own extension runs first
    suppress_failures=False,
)
workers = CustomScriptScaleSet(
    "workers",
    CustomScriptScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Automatic"),
            ssh_public_keys=[config.require("sshPublicKey")],
            managed_identities=ManagedIdentities(system_assigned=True),
            extra_extensions=[key_vault_certificates],
        ),
        os="linux",
        store=store,
        files=[scripts / "install-worker.sh", scripts / "worker.py"],
        command="bash install-worker.sh",
    ),
)
