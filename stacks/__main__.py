"""The Pulumi program: read the stack's configuration, build its environment, export.

``pulumi up --stack dev`` runs this file; ``vmss-plan dev`` runs it too, under the mock engine.
"""

import pulumi
from config import load_settings
from environment import build_environment

settings = load_settings()
env = build_environment(settings)

pulumi.export("resource_group", env.group.name)
pulumi.export("load_balancer_address", env.network.public_ip.ip_address)
pulumi.export("artifact_account", env.store.account_name)
pulumi.export(
    "tiers",
    {
        "web": {
            "vmss_id": env.web.vmss_id,
            "update_tags": {"dsc": env.web.update_tag},
        },
        "app": {
            "vmss_id": env.app.vmss_id,
            "custom_data_hash": env.app.custom_data_hash,
        },
        "worker": {
            "vmss_id": env.worker.vmss_id,
            "update_tags": {"custom_script": env.worker.update_tag},
        },
    },
)
if env.guest_assignment is not None:
    pulumi.export(
        "guest_assignment",
        {
            "name": env.guest_assignment.assignment_name,
            "content_hash": env.guest_assignment.content_hash,
        },
    )
if env.baseline_policy is not None:
    pulumi.export(
        "baseline_policy",
        {
            "definition_id": env.baseline_policy.definition_id,
            "assignment_id": env.baseline_policy.policy_assignment_id,
            "content_hash": env.baseline_policy.content_hash,
            "package_version": env.baseline_policy.package_version,
        },
    )
pulumi.export(
    "artifact_urls",
    {artifact.key: artifact.url for artifact in env.store.published.values()},
)
