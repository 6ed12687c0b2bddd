"""The plan of a store without shared keys (issue 18, point 3): its Entra ID uploads count as
the tiers' artifacts, and the dynamic provider's serialized code is not shown as an input."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from helpers import LINUX_SCRIPT, SSH_KEY

from vmss_plan import build_document, load_project, run_plan
from vmss_plan.document import ENTRA_BLOB
from vmss_plan.paths import artifact_paths, describe
from vmss_plan.render import render

PROGRAM = """
from pathlib import Path

from vmss_components import (
    ArtifactStore, ArtifactStoreArgs, CustomScriptScaleSet, CustomScriptScaleSetArgs,
    ScaleSetArgs, UpgradePolicy,
)

store = ArtifactStore(
    "store", ArtifactStoreArgs(resource_group_name="rg", shared_key_access=False)
)
CustomScriptScaleSet(
    "workers",
    CustomScriptScaleSetArgs(
        os="linux",
        scale_set=ScaleSetArgs(
            resource_group_name="rg",
            subnet_id="/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/"
            "providers/Microsoft.Network/virtualNetworks/vnet/subnets/app",
            upgrade=UpgradePolicy(mode="Automatic"),
            ssh_public_keys=[{key!r}],
        ),
        store=store,
        files=[Path({script!r})],
        command="bash install-worker.sh",
        download="managed_identity",
    ),
)
"""


def test_entra_uploads_are_the_tiers_artifacts(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "prog").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: demo\nruntime: python\nmain: prog/\n")
    (root / "Pulumi.dev.yaml").write_text("config: {}\n")
    program = PROGRAM.format(key=SSH_KEY, script=str(LINUX_SCRIPT))
    (root / "prog" / "__main__.py").write_text(textwrap.dedent(program))
    document = build_document(run_plan(load_project(root), "dev"))
    (upload,) = document.of_type(ENTRA_BLOB)
    assert "__provider" not in upload["inputs"]
    assert upload["inputs"]["blob_name"].endswith("/install-worker.sh")
    assert "__provider" not in json.dumps(document.data)
    (path,) = artifact_paths(document)
    assert describe(path) == (
        "workers: 1 blob from store by managed identity, through the public endpoint"
    )
    assert describe(path) in render(document)
