from datetime import UTC, datetime
from pathlib import Path

import pulumi
from pulumi_azure_native import managedidentity

from vmss_components import ArtifactStore, ArtifactStoreArgs, Package, SasPolicy

store = ArtifactStore(
    "artifacts",
    ArtifactStoreArgs(
        resource_group_name=group.name,
        location="westeurope",
        account_name_prefix="webartifacts",  # + 8 random characters
        container_name="artifacts",
        sku="Standard_ZRS",
        sas=SasPolicy(
            rotation_days=90,
            min_lifetime_days=180,
            expiry=None,  # or a fixed datetime/date/ISO string instead of the windows
            clock=lambda: datetime.now(UTC),
        ),
        tags={"owner": "platform"},
        # Networking (docs/concepts.md): fully public here; a private endpoint, or
        # NetworkRules(allowed_subnet_ids=[...], uploader_ip_addresses=["203.0.113.7"]).
        public_network_access="Enabled",
        private_endpoint_subnet_id=None,
        private_dns_zone_id=None,
        linked_virtual_network_ids=[],
        network_rules=None,
        existing_account_id=None,  # an existing account's id: publish there, create nothing
    ),
)
scripts = Path(__file__).parent / "artifacts" / "custom-script"
worker = store.publish("worker", Package.from_file(scripts / "worker.py"))
site = store.publish(
    "site",
    Package.from_directory(
        Path(__file__).parent / "artifacts" / "cloud-init" / "site", name="site", exclude=["*.tmp"]
    ),
)
# A managed identity that downloads blobs instead of a SAS token.
reader = managedidentity.UserAssignedIdentity("reader", resource_group_name=group.name)
store.grant_read("reader-blob-reader", reader.principal_id)

pulumi.export("site_url", site.url)
pulumi.export("site_url_with_sas", site.url_with_sas)  # secret
pulumi.export("site_update_tag", site.update_tag)  # changes exactly when the zip's bytes do
pulumi.export("sas_expiry", store.sas_expiry)
