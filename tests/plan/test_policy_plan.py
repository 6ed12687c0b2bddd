"""The prod stack's baseline by policy in the offline plan: its configuration, the rollout
report (a new package version is a policy definition update, and the plan says which
definition changes)."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import REPO

from vmss_components import ConfigurationError
from vmss_plan import PlanRun, build_document, load_project, run_plan
from vmss_plan.document import PlanDocument
from vmss_plan.rollout import rollout_report

DEFINITION = "azure-native:authorization:PolicyDefinition"
REMEDIATION = "azure-native:policyinsights:RemediationAtResourceGroup"


def copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir(parents=True)
    shutil.copy(REPO / "Pulumi.yaml", root / "Pulumi.yaml")
    shutil.copytree(REPO / "stacks", root / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def set_baseline(root: Path, **values: Any) -> None:
    path = root / "stacks" / "Pulumi.prod.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"]["vmss-components:guestAssignment"].update(values)
    path.write_text(yaml.safe_dump(document))


def plan(root: Path) -> PlanDocument:
    return build_document(run_plan(load_project(root), "prod"))


@pytest.fixture(scope="module")
def prod(stack_runs: dict[str, PlanRun]) -> PlanDocument:
    return build_document(stack_runs["prod"])


@pytest.fixture(scope="module")
def prod_by_sas(tmp_path_factory: pytest.TempPathFactory) -> PlanDocument:
    """prod with the baseline package downloaded by SAS (``artifactStore.downloads: sas``):
    the definition then carries the URL with its token."""
    root = copy_project(tmp_path_factory.mktemp("by-sas"))
    path = root / "stacks" / "Pulumi.prod.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"]["vmss-components:artifactStore"]["downloads"] = "sas"
    path.write_text(yaml.safe_dump(document))
    return plan(root)


def definition(document: PlanDocument) -> dict[str, Any]:
    (found,) = document.of_type(DEFINITION)
    return found


def section(report: str, owner: str) -> str:
    """The report's lines about one component, up to the next section."""
    lines = report.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {owner} "))
    body = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("    "):
            break
        body.append(line)
    return "\n".join(body)


def test_a_new_package_version_is_a_policy_definition_update(tmp_path: Path) -> None:
    """The prod stack's baseline at 1.0.0, then at 1.1.0: the same definition (same name) is
    updated with the new version and hash, a new remediation task runs, and no scale set
    changes (the policy, not the scale-set model, carries the package)."""
    root = copy_project(tmp_path)
    before = plan(root)
    set_baseline(root, packageVersion="1.1.0")
    after = plan(root)
    old, new = definition(before), definition(after)
    name = new["inputs"]["policyDefinitionName"]
    assert old["inputs"]["policyDefinitionName"] == name
    old_guest = old["inputs"]["metadata"]["guestConfiguration"]
    new_guest = new["inputs"]["metadata"]["guestConfiguration"]
    assert (old_guest["version"], new_guest["version"]) == ("1.0.0", "1.1.0")
    assert old_guest["contentHash"] != new_guest["contentHash"]
    assert new["inputs"]["metadata"]["version"] == "1.1.0"
    deployed = new["inputs"]["policyRule"]["then"]["details"]["deployment"]["properties"]
    for resource in deployed["template"]["resources"]:
        guest = resource["properties"]["guestConfiguration"]
        assert guest["contentHash"] == new_guest["contentHash"]
        assert guest["version"] == "1.1.0"

    report = rollout_report(before, after)
    policy = section(report, "prod-baseline")
    assert policy.splitlines()[0] == f"  prod-baseline (policy definition {name})"
    assert (
        f"    policy definition update: package LinuxMotd 1.0.0 -> 1.1.0, content "
        f"{old_guest['contentHash'][:8]} -> {new_guest['contentHash'][:8]}"
    ) in policy
    task = f"prod-baseline-{new_guest['contentHash'][:12].lower()}"
    assert f"remediation task {task} runs on the machines that exist" in policy
    (remediation,) = after.of_type(REMEDIATION)
    assert remediation["inputs"]["remediationName"] == task
    assert "warning" not in policy
    for tier in ("prod-web", "prod-app", "prod-worker"):
        assert section(report, tier).endswith("no change"), tier


def test_an_unchanged_plan_reports_no_policy_change(prod: PlanDocument) -> None:
    assert "    no change" in section(rollout_report(prod, prod), "prod-baseline")


def _edited(document: PlanDocument, edit: Any) -> PlanDocument:
    data = copy.deepcopy(document.data)
    for resource in data["resources"]:
        if resource["type"] == DEFINITION:
            edit(resource["inputs"])
    return PlanDocument(data)


def test_new_content_under_the_same_version_warns(prod: PlanDocument) -> None:
    def older_content(inputs: dict[str, Any]) -> None:
        inputs["metadata"]["guestConfiguration"]["contentHash"] = "0" * 64

    report = rollout_report(_edited(prod, older_content), prod)
    policy = section(report, "prod-baseline")
    assert "policy definition update: package LinuxMotd 1.0.0 -> 1.0.0, content 00000000" in policy
    assert "the package's content changed but its version (1.0.0) did not" in policy


def test_a_lower_version_warns(prod: PlanDocument) -> None:
    def newer(inputs: dict[str, Any]) -> None:
        inputs["metadata"]["guestConfiguration"]["version"] = "2.0.0"

    policy = section(rollout_report(_edited(prod, newer), prod), "prod-baseline")
    assert "the package version goes down (2.0.0 -> 1.0.0)" in policy


def test_a_new_definition_name_is_reported_as_a_replacement(prod: PlanDocument) -> None:
    """New parameters, OS or effect give the definition a new name: Azure refuses removing a
    parameter from a definition in place."""

    def other_name(inputs: dict[str, Any]) -> None:
        inputs["policyDefinitionName"] = "11111111-1111-1111-1111-111111111111"

    policy = section(rollout_report(_edited(prod, other_name), prod), "prod-baseline")
    name = definition(prod)["inputs"]["policyDefinitionName"]
    assert f"new policy definition {name} replaces 11111111-1111-1111-1111-111111111111" in policy


def test_sas_rotation_updates_the_definition_not_the_package(prod_by_sas: PlanDocument) -> None:
    older = copy.deepcopy(prod_by_sas.data)
    for item in older["sas"]:
        item["expiry"] = "2026-01-01T00:00:00Z"
    policy = section(rollout_report(PlanDocument(older), prod_by_sas), "prod-baseline")
    assert "the content URL's SAS token rotates (same package" in policy
    assert "package LinuxMotd" not in policy


def test_the_plan_shows_the_definition_with_its_token_masked(prod_by_sas: PlanDocument) -> None:
    """The definition's metadata and rule are secret (they carry the SAS); the plan shows
    their structure, the hash and version in clear, the URL masked."""
    found = definition(prod_by_sas)
    guest = found["inputs"]["metadata"]["guestConfiguration"]
    assert guest["contentUri"] == "[secret]"
    assert len(guest["contentHash"]) == 64 and guest["version"] == "1.0.0"
    assert set(found["secretInputs"]) == {"metadata", "policyRule"}
    assert "sig=" not in prod_by_sas.to_json()


def test_by_identity_the_definition_carries_no_token(prod: PlanDocument) -> None:
    """prod's baseline downloads with a content identity: the URL has no token, so nothing in
    the definition is secret, and SAS rotation cannot touch it."""
    found = definition(prod)
    guest = found["inputs"]["metadata"]["guestConfiguration"]
    url = guest["contentUri"]
    assert "placeholder" in url and "?" not in url["placeholder"]
    assert not found.get("secretInputs")
    assert "contentManagedIdentity" in str(found["inputs"]["policyRule"])
    assert "sig=" not in prod.to_json()


@pytest.mark.parametrize(
    ("values", "key", "expected"),
    [
        ({"delivery": "broadcast"}, "delivery", "expected one of ('assignment', 'policy')"),
        ({"packageVersion": "1.1"}, "packageVersion", "is not a version such as '1.0.0'"),
        ({"assignmentType": "DeployAndAutoCorrect"}, "assignmentType", "for delivery 'policy'"),
        ({"tier": "web"}, "tier", "expected a Linux tier"),
    ],
)
def test_the_baseline_settings_name_their_key(
    tmp_path: Path, values: dict[str, str], key: str, expected: str
) -> None:
    root = copy_project(tmp_path)
    set_baseline(root, **values)
    with pytest.raises(ConfigurationError) as caught:
        plan(root)
    assert caught.value.path == f"vmss-components:guestAssignment.{key}"
    assert expected in caught.value.reason and "stacks/Pulumi.prod.yaml" in caught.value.reason


def test_by_policy_every_linux_tier_carries_the_agent(prod: PlanDocument) -> None:
    """The policy reaches every Linux machine of the group, and Microsoft's prerequisites
    initiative prepares virtual machines only: both Linux scale sets get the guest
    configuration extension and a system-assigned identity; the Windows tier is not governed
    by this Linux definition."""
    sets = {r["name"]: r for r in prod.of_type("azure-native:compute:VirtualMachineScaleSet")}
    for name in ("prod-app-vmss", "prod-worker-vmss"):
        extensions = sets[name]["inputs"]["virtualMachineProfile"]["extensionProfile"]["extensions"]
        assert "AzurePolicyforLinux" in [e["name"] for e in extensions], name
        assert "SystemAssigned" in sets[name]["inputs"]["identity"]["type"], name
    assert not prod.of_type("vmss:index:GuestAssignment")
