from pathlib import Path

import pulumi
from pulumi_azure_native import authorization, managedidentity, resources

from vmss_components import (
    MachineConfigurationPackage,
    MachineConfigurationPolicy,
    MachineConfigurationPolicyArgs,
    PolicyParameter,
    PolicyRemediation,
)

samples = Path(__file__).parent / "artifacts" / "machine-configuration"
package = MachineConfigurationPackage.build(
    "LinuxMotd",
    mof=samples / "LinuxMotd" / "localhost.mof",
    modules=samples / "Modules",
    mode="AuditAndSet",  # an Audit package backs only an Audit policy
    version="1.2.0",  # a new version updates the definition in place
)
# The scope is plain text: the resource group's id, with the provider's subscription.
subscription = authorization.get_client_config().subscription_id
fleet = resources.ResourceGroup("fleet", resource_group_name="rg-fleet")
# Downloads the package instead of a SAS token; every machine of the scope must carry it.
reader = managedidentity.UserAssignedIdentity("baseline-reader", resource_group_name=group.name)
baseline = MachineConfigurationPolicy(
    "fleet-baseline",
    MachineConfigurationPolicyArgs(
        package=package,
        store=store,
        scope=f"/subscriptions/{subscription}/resourceGroups/rg-fleet",
        os="linux",
        mode="ApplyAndAutoCorrect",
        location="westeurope",
        parameters={
            "[MotdFile]Motd;Contents": PolicyParameter(
                name="LoginBanner", value="Property of Contoso. Authorised use only.\n"
            ),
            "[SshdOption]PermitRootLogin;Value": PolicyParameter(
                allowed_values=["no", "prohibit-password"]
            ),
        },
        content_identity_resource_id=reader.id,
        machine_tags={"baseline": "linux"},
        # An existing assignment of the prerequisites initiative above the scope.
        prerequisites_assignment_id=(
            f"/subscriptions/{subscription}/providers/Microsoft.Authorization/"
            "policyAssignments/gc-prerequisites"
        ),
        remediation=PolicyRemediation(parallel_deployments=5, failure_threshold=0.1),
    ),
    # Everything made at the scope waits for the resource group.
    opts=pulumi.ResourceOptions(depends_on=[fleet]),
)
pulumi.export("baseline_definition", baseline.definition_id)
pulumi.export("baseline_assignment", baseline.policy_assignment_id)
