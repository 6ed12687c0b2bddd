"""Repetition, library-wide: planning the same stack twice gives identical inputs for every
resource, and a change to any single artifact file changes exactly the resources that consume
it (their blob, the scale set or assignment that carries it, and the component's update tag
or hash), nothing else."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    ARTIFACTS,
    SSH_KEY,
    STACKS,
    artifact_store,
    linux_args,
    scale_set_args,
    unordered,
)

from vmss_components import (
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    DscPackage,
    DscScaleSet,
    DscScaleSetArgs,
    GuestAssignment,
    GuestAssignmentArgs,
    HealthProbe,
    MachineConfigurationPackage,
    Package,
    UpgradePolicy,
)
from vmss_components.testing import MockDeployment, RecordedResource, reveal
from vmss_plan import PlanRun, load_project, run_plan

Snapshot = dict[tuple[str, str], Any]


def normalized(value: Any) -> Any:
    """A recorded value with file assets replaced by their content's digest: where a file
    sits (a cache folder, a checkout) is not what is deployed."""
    if isinstance(value, dict):
        if value.get("asset") == "file":
            return {"asset-sha256": hashlib.sha256(Path(value["path"]).read_bytes()).hexdigest()}
        return {k: normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


def snapshot(resources: list[RecordedResource]) -> Snapshot:
    """Every resource by (type, name): custom resources by their inputs, components by the
    outputs they register (update tags, hashes, URLs)."""
    return {
        (r.type, r.name): normalized(reveal(r.inputs if r.custom else r.outputs)) for r in resources
    }


def changed(before: Snapshot, after: Snapshot) -> set[str]:
    assert before.keys() == after.keys()
    return {name for (_, name), value in before.items() if after[(_, name)] != value}


# --- The same stack, twice -------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_planning_a_stack_twice_changes_nothing(stack_runs: dict[str, PlanRun], stack: str) -> None:
    again = run_plan(load_project(ARTIFACTS), stack)
    first = snapshot(stack_runs[stack].deployment.resources)
    second = snapshot(again.deployment.resources)
    assert first.keys() == second.keys()
    assert {name for (_, name) in first if first[(_, name)] != second[(_, name)]} == set()
    # The same invokes with the same arguments (sent asynchronously, in no set order).
    assert unordered(stack_runs[stack].deployment.calls) == unordered(again.deployment.calls)
    assert len(first) >= 30


# --- One artifact file at a time -------------------------------------------------------------


def consumers(root: Path) -> None:
    """Every consumer of the sample artifacts, as the stacks wire them (without the network):
    a DSC tier with configuration data, a cloud-init tier with its site, a Custom Script tier
    with its two files, and the Machine Configuration baseline on it."""
    store = artifact_store()
    DscScaleSet(
        "web",
        DscScaleSetArgs(
            scale_set=scale_set_args(),
            store=store,
            package=DscPackage.from_directory(
                root / "dsc" / "web", script="WebServer.ps1", function="WebServer"
            ),
            configuration_data=root / "dsc" / "ConfigurationData.psd1",
            configuration_arguments={"SiteTitle": "Contoso"},
            protected_configuration_arguments={
                "AppPoolCredential": {"userName": "apppool", "password": "Sup3r-Secret-Pw!"}
            },
        ),
    )
    CloudInitScaleSet(
        "app",
        CloudInitScaleSetArgs(
            scale_set=scale_set_args(
                ssh_public_keys=[SSH_KEY],
                upgrade=UpgradePolicy(mode="Rolling"),
                health=HealthProbe(request_path="/health.html"),
            ),
            cloud_config=root / "cloud-init" / "web.yaml",
            store=store,
            artifacts={"site": Package.from_directory(root / "cloud-init" / "site")},
        ),
    )
    # The same site, fetched by identity with vmss-fetch-blob (prod's way).
    CloudInitScaleSet(
        "edge",
        CloudInitScaleSetArgs(
            scale_set=scale_set_args(ssh_public_keys=[SSH_KEY]),
            cloud_config=root / "cloud-init" / "web-identity.yaml",
            store=store,
            artifacts={"site": Package.from_directory(root / "cloud-init" / "site")},
            download="managed_identity",
        ),
    )
    scripts = root / "custom-script"
    worker = CustomScriptScaleSet(
        "worker",
        CustomScriptScaleSetArgs(
            os="linux",
            scale_set=linux_args(machine_configuration=True),
            store=store,
            files=[scripts / "install-worker.sh", scripts / "worker.py"],
            command="bash install-worker.sh",
            download="managed_identity",
        ),
    )
    samples = root / "machine-configuration"
    GuestAssignment(
        "baseline",
        GuestAssignmentArgs(
            package=MachineConfigurationPackage.build(
                "LinuxMotd",
                mof=samples / "LinuxMotd" / "localhost.mof",
                modules=samples / "Modules",
                mode="AuditAndSet",
            ),
            store=store,
            target=worker,
            assignment_type="ApplyAndMonitor",
        ),
    )


WEB = {"web", "store-web-dsc", "web-vmss"}
WEB_DATA = {"web", "store-web-dsc-data", "web-vmss"}
SITE = {
    "app",
    "store-app-cloud-init-site",
    "app-vmss",
    "edge",
    "store-edge-cloud-init-site",
    "edge-vmss",
}
WORKER_SCRIPT = {"worker", "store-worker-cse-install-worker-sh", "worker-vmss"}
WORKER_PY = {"worker", "store-worker-cse-worker-py", "worker-vmss"}
BASELINE = {"baseline", "store-baseline-guest-config", "baseline-assignment"}
# Each artifact file, a change that keeps it valid, and what consumes it.
COMMENT = {
    ".ps1": "\n# changed\n",
    ".psm1": "\n# changed\n",
    ".psd1": "\n# changed\n",
    ".sh": "\n# changed\n",
    ".py": "\n# changed\n",
    ".html": "\n<!-- changed -->\n",
    ".yaml": "\n# changed\n",
    ".mof": "\n// changed\n",
}
EXPECTED: dict[str, set[str]] = {
    "cloud-init/site/health.html": SITE,
    "cloud-init/site/index.html": SITE,
    "cloud-init/web.yaml": {"app", "app-vmss"},
    "cloud-init/web-identity.yaml": {"edge", "edge-vmss"},
    "custom-script/install-app.ps1": set(),  # a Windows sample no stack tier consumes
    "custom-script/install-worker.sh": WORKER_SCRIPT,
    "custom-script/worker.py": WORKER_PY,
    "dsc/ConfigurationData.psd1": WEB_DATA,
    "dsc/web/WebServer.ps1": WEB,
    "dsc/web/WebSiteContent/WebSiteContent.psd1": WEB,
    "dsc/web/WebSiteContent/WebSiteContent.psm1": WEB,
    "machine-configuration/LinuxMotd.ps1": set(),  # the source: only its compiled MOF ships
    "machine-configuration/LinuxMotd/localhost.mof": BASELINE,
    "machine-configuration/Modules/LinuxMotdDsc/LinuxMotdDsc.psd1": BASELINE,
    "machine-configuration/Modules/LinuxMotdDsc/LinuxMotdDsc.psm1": BASELINE,
}


def run_consumers(root: Path) -> tuple[Snapshot, MockDeployment]:
    with MockDeployment(speedups=True) as deployment:
        deployment.run(lambda: consumers(root))
    return snapshot(deployment.resources), deployment


@dataclass(frozen=True)
class Tree:
    """One copy of the artifacts per module (per worker), its package cache, and its
    snapshot: each test changes one file and puts it back, so packages it did not touch are
    served from the cache as in a real repeated ``pulumi up``."""

    root: Path
    cache: Path
    before: Snapshot


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    root = tmp_path_factory.mktemp("tree") / "artifacts"
    shutil.copytree(ARTIFACTS, root)
    cache = tmp_path_factory.mktemp("tree-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VMSS_COMPONENTS_CACHE_DIR", str(cache))
        before, _ = run_consumers(root)
    return Tree(root=root, cache=cache, before=before)


def test_every_artifact_file_is_covered() -> None:
    files = {str(p.relative_to(ARTIFACTS)) for p in ARTIFACTS.rglob("*") if p.is_file()}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_one_changed_file_changes_exactly_its_consumers(
    relative: str, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VMSS_COMPONENTS_CACHE_DIR", str(tree.cache))
    path = tree.root / relative
    original = path.read_bytes()
    try:
        path.write_bytes(original + COMMENT[path.suffix].encode())
        after, _ = run_consumers(tree.root)
    finally:
        path.write_bytes(original)
    assert changed(tree.before, after) == EXPECTED[relative]
    for component in {name for name in EXPECTED[relative] if "-" not in name}:
        # The component's own tag or hash is what moved its consumers.
        key = next(k for k in tree.before if k[1] == component)
        names = {"update_tag", "custom_data_hash", "content_hash"} & set(after[key])
        assert names and all(tree.before[key][n] != after[key][n] for n in names), component


def test_an_unchanged_copy_changes_nothing(tree: Tree, tmp_path: Path) -> None:
    """Where the tree is checked out does not matter: a fresh copy plans identically."""
    root = tmp_path / "elsewhere" / "artifacts"
    shutil.copytree(ARTIFACTS, root)
    after, _ = run_consumers(root)
    assert changed(tree.before, after) == set()
