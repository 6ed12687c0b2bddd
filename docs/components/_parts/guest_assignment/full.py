from pathlib import Path

import pulumi
from pulumi_azure_native import managedidentity

from vmss_components import (
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    GuestAssignment,
    GuestAssignmentArgs,
    MachineConfigurationPackage,
    ManagedIdentities,
    ScaleSetArgs,
    UpgradePolicy,
)

samples = Path(__file__).parent / "artifacts" / "machine-configuration"
package = MachineConfigurationPackage.build(
    "LinuxMotd",
    mof=samples / "LinuxMotd" / "localhost.mof",
    modules=samples / "Modules",
    mode="AuditAndSet",  # an Audit package backs only Audit assignments
    version="1.0.0",
)
# Reads the package instead of a SAS token; attached to the scale set below.
reader = managedidentity.UserAssignedIdentity("baseline-reader", resource_group_name=group.name)
web = CloudInitScaleSet(  # or any other scale-set component of this library
    "web",
    CloudInitScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=group.name,
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(mode="Automatic"),
            ssh_public_keys=[pulumi.Config().require("sshPublicKey")],
            machine_configuration=True,  # the agent extension and a system-assigned identity
            managed_identities=ManagedIdentities(user_assigned_resource_ids=[reader.id]),
        ),
        cloud_config={"package_update": True},
    ),
)
baseline = GuestAssignment(
    "web-baseline",
    GuestAssignmentArgs(
        package=package,
        store=store,
        target=web,
        assignment_type="ApplyAndAutoCorrect",
        parameters={"[SshdOption]PermitRootLogin;Value": "no"},
        protected_parameters={
            "[MotdFile]Motd;Contents": pulumi.Output.secret("Property of Contoso.\n"),
        },
        content_identity_resource_id=reader.id,
    ),
)
pulumi.export("baseline_assignment", baseline.assignment_name)
pulumi.export("baseline_content_hash", baseline.content_hash)
