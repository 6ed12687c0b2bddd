import pulumi
from pulumi_azure_native import managedidentity

from vmss_components import (
    Autoscale,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    Extension,
    HealthProbe,
    ImageReference,
    ManagedIdentities,
    ScaleSetArgs,
    UpgradePolicy,
)

config = pulumi.Config()
metrics = managedidentity.UserAssignedIdentity("app-metrics", resource_group_name=group.name)
app = CloudInitScaleSet(
    "app",
    CloudInitScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(
                mode="Rolling",
                max_batch_instance_percent=20,
                max_unhealthy_instance_percent=20,
                max_unhealthy_upgraded_instance_percent=20,
                pause_time_between_batches="PT2M",
                max_surge=True,
                rollback_failed_instances_on_policy_breach=True,
                automatic_os_upgrade=True,
            ),
            location="westeurope",
            vm_size="Standard_D2s_v5",
            capacity=3,
            image=ImageReference(
                publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", version="latest"
            ),
            admin_username="azureuser",
            admin_password=None,  # Windows only
            ssh_public_keys=[config.require("sshPublicKey")],
            computer_name_prefix="app",
            zones=["1", "2", "3"],
            orchestration_mode="Uniform",
            health=HealthProbe(
                protocol="http",
                port=80,
                request_path="/health.html",
                interval_in_seconds=10,
                number_of_probes=2,
            ),
            machine_configuration=True,
            managed_identities=ManagedIdentities(
                system_assigned=True, user_assigned_resource_ids=[metrics.id]
            ),
            load_balancer_backend_pool_ids=[config.require("backendPoolId")],
            autoscale=Autoscale(
                minimum=3, maximum=12, default=3, scale_out_cpu_percent=70, scale_in_cpu_percent=30
            ),
            extra_extensions=[
                Extension(
                    name="AzureMonitorLinuxAgent",
                    publisher="Microsoft.Azure.Monitor",
                    type="AzureMonitorLinuxAgent",
                    type_handler_version="1.0",
                    enable_automatic_upgrade=True,
                    settings={
                        "authentication": {
                            "managedIdentity": {
                                "identifier-name": "mi_res_id",
                                "identifier-value": metrics.id,
                            }
                        }
                    },
                )
            ],
            boot_diagnostics=True,
            encryption_at_host=False,  # True needs the EncryptionAtHost feature registered
            trusted_launch=None,  # on for Generation 2 images (the default images are)
            automatic_repairs=True,
            os_disk_type="Premium_LRS",
            os_disk_size_gb=64,
            tags={"tier": "app"},
        ),
        cloud_config={"package_update": True, "packages": ["nginx"]},
    ),
)
pulumi.export("app_vmss_id", app.vmss_id)
pulumi.export("app_principal_id", app.principal_id)
