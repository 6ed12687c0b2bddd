from pathlib import Path

import pulumi

from vmss_components import ArtifactStore, ArtifactStoreArgs, Package

store = ArtifactStore("artifacts", ArtifactStoreArgs(resource_group_name=group.name))
site = store.publish(
    "site", Package.from_directory(Path(__file__).parent / "artifacts" / "cloud-init" / "site")
)
pulumi.export("site_url", site.url)  # no token: safe to show
