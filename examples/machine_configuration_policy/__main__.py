"""A Machine Configuration package for every Linux machine of a scope (MachineConfigurationPolicy).

Creates a resource group with an artifact store, publishes ``configuration/`` (the
ExampleBanner configuration and its ExampleFileDsc module) to it, and governs every Linux
virtual machine and scale set of ``scope`` (a resource group, subscription or management
group id: machines no stack of yours made, and machines made later) through Azure Policy: a
custom policy definition in the shape New-GuestConfigurationPolicy writes, its assignment at
the scope, Microsoft's prerequisites initiative, and in the Apply modes a remediation task for
the machines that already exist. For one scale set of your own, ``GuestAssignment`` (see
examples/guest_assignment) is the direct way. See compliance in the portal (Policy,
Machine Configuration).

Plan it offline from the repository root:
``vmss-plan example --project-dir examples/machine_configuration_policy``.
"""

from pathlib import Path

import pulumi
from pulumi_azure_native import resources

from vmss_components import (
    POLICY_MODES,
    ArtifactStore,
    ArtifactStoreArgs,
    MachineConfigurationPackage,
    MachineConfigurationPolicy,
    MachineConfigurationPolicyArgs,
    PolicyParameter,
    PolicyRemediation,
    choice,
)

CONFIGURATION = Path(__file__).parent / "configuration"
config = pulumi.Config()
location = config.get("location") or "westeurope"
mode = choice(config.get("mode") or "ApplyAndAutoCorrect", POLICY_MODES, "mode")

group = resources.ResourceGroup("machine-configuration-policy-example", location=location)
store = ArtifactStore(
    "artifacts",
    ArtifactStoreArgs(
        resource_group_name=group.name, location=location, account_name_prefix="mcpolicyex"
    ),
)
policy = MachineConfigurationPolicy(
    "banner",
    MachineConfigurationPolicyArgs(
        package=MachineConfigurationPackage.build(
            "ExampleBanner",
            mof=CONFIGURATION / "ExampleBanner" / "localhost.mof",
            modules=CONFIGURATION / "Modules",
            # Only an AuditAndSet package may back a policy that sets state.
            mode="Audit" if mode == "Audit" else "AuditAndSet",
        ),
        # Downloaded with a SAS token, which the definition then holds (the plan warns);
        # content_identity_resource_id keeps it out, when every machine carries that identity.
        store=store,
        scope=config.require("scope"),
        os="linux",
        mode=mode,
        location=location,
        # The banner's text, a policy parameter an assignment may set.
        parameters={"[TextFile]Banner;Contents": PolicyParameter(name="BannerText")},
        remediation=PolicyRemediation() if mode != "Audit" else None,
    ),
)

pulumi.export("resource_group", group.name)
pulumi.export("policy_definition_id", policy.definition_id)
pulumi.export("policy_assignment_id", policy.policy_assignment_id)
pulumi.export("content_hash", policy.content_hash)
