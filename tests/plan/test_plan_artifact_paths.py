"""The plan says, per tier, how its instances reach their artifacts (issue 18): which store,
which endpoint, SAS or identity, and when network rules would refuse the download."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers import LINUX_SCRIPT, SSH_KEY

from vmss_plan import build_document, load_project, run_plan
from vmss_plan.paths import artifact_paths, describe
from vmss_plan.render import render

VNET = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
    "Microsoft.Network/virtualNetworks/vnet"
)
PROGRAM = """
from pathlib import Path

from vmss_components import (
    ArtifactStore, ArtifactStoreArgs, CustomScriptScaleSet, CustomScriptScaleSetArgs,
    NetworkRules, ScaleSetArgs, UpgradePolicy,
)

store = ArtifactStore("store", ArtifactStoreArgs(resource_group_name="rg", {store}))
CustomScriptScaleSet(
    "workers",
    CustomScriptScaleSetArgs(
        os="linux",
        scale_set=ScaleSetArgs(
            resource_group_name="rg",
            subnet_id="{vnet}/subnets/app",
            upgrade=UpgradePolicy(mode="Automatic"),
            ssh_public_keys=[{key!r}],
        ),
        store=store,
        files=[Path({script!r})],
        command="bash install-worker.sh",
    ),
)
"""


def plan_lines(tmp_path: Path, store: str) -> list[str]:
    root = tmp_path / "project"
    (root / "prog").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: demo\nruntime: python\nmain: prog/\n")
    (root / "Pulumi.dev.yaml").write_text("config: {}\n")
    program = PROGRAM.format(store=store, vnet=VNET, key=SSH_KEY, script=str(LINUX_SCRIPT))
    (root / "prog" / "__main__.py").write_text(textwrap.dedent(program))
    document = build_document(run_plan(load_project(root), "dev"))
    text = render(document)
    lines = [describe(path) for path in artifact_paths(document)]
    assert all(line in text for line in lines)
    return lines


@pytest.mark.parametrize(
    ("store", "expected"),
    [
        ("", "workers: 1 blob from store by SAS token, through the public endpoint"),
        (
            f'network_rules=NetworkRules(allowed_subnet_ids=["{VNET}/subnets/app"], '
            'uploader_ip_addresses=["20.1.2.3"])',
            "workers: 1 blob from store by SAS token, through the public endpoint, its subnet "
            "allowed by the network rules",
        ),
        (
            f'public_network_access="Disabled", private_endpoint_subnet_id="{VNET}/subnets/pe"',
            "workers: 1 blob from store by SAS token, through the private endpoint (its network "
            "is linked to the zone)",
        ),
        (
            f'network_rules=NetworkRules(allowed_subnet_ids=["{VNET}/subnets/web"], '
            'uploader_ip_addresses=["20.1.2.3"])',
            "workers: 1 blob from store by SAS token, through the public endpoint, but the "
            "network rules do not list its subnet: downloads will be refused",
        ),
    ],
)
def test_each_tier_says_how_it_reaches_its_artifacts(
    tmp_path: Path, store: str, expected: str
) -> None:
    assert plan_lines(tmp_path, store) == [expected]
