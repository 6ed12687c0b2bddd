"""Every example on the generated component pages runs, as written, under the mock engine.

The snippets in docs/components/_parts/<page>/{minimal,full}.py use names the reader's
program defines earlier (``group``, ``subnet``, ``store``); each runs here after a prelude
that defines them, with ``__file__`` in stacks/ so that ``Path(__file__).parent /
"artifacts"`` finds the samples there, as the pages say.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
from helpers import REPO
from pulumi_azure_native import network, resources

from vmss_components import ArtifactStore, ArtifactStoreArgs
from vmss_components.testing import MockDeployment

PARTS = REPO / "docs" / "components" / "_parts"
PROJECT = "docs"
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f docs"
CONFIG = {
    f"{PROJECT}:sshPublicKey": SSH_KEY,
    f"{PROJECT}:appPoolPassword": "Docs-example-password-1",
    f"{PROJECT}:backendPoolId": (
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-docs/providers/"
        "Microsoft.Network/loadBalancers/lb-docs/backendAddressPools/web"
    ),
    f"{PROJECT}:certificateSecretId": "https://kv-docs.vault.azure.net/secrets/web-tls",
}

#: What each page's examples must register (type tokens), beyond the prelude's resources.
EXPECTED: dict[str, tuple[str, ...]] = {
    "dsc_scale_set": ("vmss:index:DscScaleSet", "azure-native:compute:VirtualMachineScaleSet"),
    "custom_script_scale_set": (
        "vmss:index:CustomScriptScaleSet",
        "azure-native:compute:VirtualMachineScaleSet",
    ),
    "cloud_init_scale_set": (
        "vmss:index:CloudInitScaleSet",
        "azure-native:compute:VirtualMachineScaleSet",
    ),
    "guest_assignment": (
        "vmss:index:GuestAssignment",
        "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS",
    ),
    "machine_configuration_policy": (
        "vmss:index:MachineConfigurationPolicy",
        "azure-native:authorization:PolicyAssignment",
    ),
    "artifact_store": ("vmss:index:ArtifactStore", "azure-native:storage:Blob"),
    "scale_set_args": ("vmss:index:CloudInitScaleSet",),
    "extension": ("azure-native:compute:VirtualMachineScaleSet",),
}

SNIPPETS = sorted(PARTS.glob("*/*.py"))


def test_every_page_has_both_examples() -> None:
    pages = {path.parent.name for path in SNIPPETS}
    assert pages == set(EXPECTED)
    for page in pages:
        assert (PARTS / page / "minimal.py").is_file(), page
        assert (PARTS / page / "full.py").is_file(), page


def _prelude() -> dict[str, Any]:
    group = resources.ResourceGroup("docs-rg", location="westeurope")
    vnet = network.VirtualNetwork(
        "docs-vnet",
        resource_group_name=group.name,
        address_space=network.AddressSpaceArgs(address_prefixes=["10.30.0.0/16"]),
    )
    subnet = network.Subnet(
        "docs-subnet",
        resource_group_name=group.name,
        virtual_network_name=vnet.name,
        address_prefix="10.30.1.0/24",
    )
    store = ArtifactStore("shared", ArtifactStoreArgs(resource_group_name=group.name))
    return {"group": group, "subnet": subnet, "store": store}


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_example_runs_as_written(snippet: Path) -> None:
    code = compile(snippet.read_text(), str(snippet), "exec")
    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "__file__": str(REPO / "stacks" / "__main__.py"),
    }

    def program() -> None:
        namespace.update(_prelude())
        exec(code, namespace)

    with MockDeployment(preview=False, project=PROJECT, config=CONFIG, speedups=True) as run:
        run.run(program)
        types = {resource.type for resource in run.resources}
        for expected in EXPECTED[snippet.parent.name]:
            assert expected in types, expected
        outputs = getattr(pulumi.runtime.get_root_resource(), "outputs", None) or {}
        for name, value in outputs.items():
            assert run.resolve(value).known, name
