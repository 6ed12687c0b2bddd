"""The offline plan: stacks planned under the mocks, masked JSON, rollout report, graph, CLI."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import REPO, STACKS

from vmss_components import ConfigurationError
from vmss_components.testing import UNKNOWN, Secret
from vmss_plan import PlanRun, build_document, load_project, run_plan
from vmss_plan.cli import EXIT_CONFIGURATION, EXIT_OK, EXIT_USAGE, main
from vmss_plan.document import SECRET, Masker, PlanDocument
from vmss_plan.graph import mermaid
from vmss_plan.project import ENCRYPTED_PLACEHOLDER, load_stack_config
from vmss_plan.rollout import changed_paths, rollout_report


def copy_project(tmp_path: Path) -> Path:
    """The repository's Pulumi project (Pulumi.yaml and stacks/) in a folder of its own."""
    root = tmp_path / "project"
    root.mkdir(parents=True)
    shutil.copy(REPO / "Pulumi.yaml", root / "Pulumi.yaml")
    shutil.copytree(REPO / "stacks", root / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def plan(root: Path, stack: str = "dev", **kwargs: Any) -> PlanDocument:
    return build_document(run_plan(load_project(root), stack, **kwargs))


def edit_stack(root: Path, stack: str, change: Any) -> None:
    path = root / "stacks" / f"Pulumi.{stack}.yaml"
    document = yaml.safe_load(path.read_text())
    change(document["config"])
    path.write_text(yaml.safe_dump(document))


@pytest.fixture(scope="module")
def plans(stack_runs: dict[str, PlanRun]) -> dict[str, PlanDocument]:
    """Each committed stack, planned once for the session."""
    return {stack: build_document(stack_runs[stack]) for stack in STACKS}


def test_project_is_read_from_pulumi_yaml() -> None:
    project = load_project(REPO / "stacks" / "artifacts")
    assert project.root == REPO
    assert project.name == "vmss-components"
    assert project.main == REPO / "stacks"
    assert project.stack_config_dir == REPO / "stacks"
    assert set(STACKS) <= set(project.stacks())
    # Generated when unset, so not declared (the CLI would require a declared key).
    assert "adminPassword" not in project.declarations
    assert project.declarations["environment"].required
    assert project.config_defaults["vmss-components:location"] == "westeurope"


def test_stack_config_is_passed_as_the_cli_would() -> None:
    config = load_stack_config(load_project(REPO), "prod")
    assert config.values["vmss-components:environment"] == "prod"
    assert json.loads(config.values["vmss-components:web"])["autoscale"]["maximum"] == 12
    assert config.values["vmss-components:sasRotationDays"] == "90"
    assert config.encrypted_keys == ()


def test_encrypted_values_become_secret_placeholders(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    edit_stack(
        root, "dev", lambda c: c.update({"vmss-components:adminPassword": {"secure": "v1:AAAA"}})
    )
    config = load_stack_config(load_project(root), "dev")
    assert config.values["vmss-components:adminPassword"] == ENCRYPTED_PLACEHOLDER
    assert "vmss-components:adminPassword" in config.secret_keys
    assert config.encrypted_keys == ("vmss-components:adminPassword",)


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_plans_the_environment(plans: dict[str, PlanDocument], stack: str) -> None:
    document = plans[stack]
    types = [r["type"] for r in document.resources]
    for expected in (
        "azure-native:resources:ResourceGroup",
        "azure-native:network:VirtualNetwork",
        "azure-native:network:NetworkSecurityGroup",
        "azure-native:network:NatGateway",
        "azure-native:network:LoadBalancer",
        "vmss:index:ArtifactStore",
        "vmss:index:DscScaleSet",
        "vmss:index:CloudInitScaleSet",
        "vmss:index:CustomScriptScaleSet",
    ):
        assert types.count(expected) == 1, expected
    # dev and staging assign the baseline to a tier; prod assigns it by policy at its group.
    baseline = (
        ("vmss:index:MachineConfigurationPolicy", "azure-native:authorization:PolicyDefinition")
        if stack == "prod"
        else (
            "vmss:index:GuestAssignment",
            "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS",
        )
    )
    for expected in baseline:
        assert types.count(expected) == 1, expected
    assert types.count("azure-native:compute:VirtualMachineScaleSet") == 3
    # prod reaches its artifact store through a private endpoint in a subnet of its own.
    private = (
        "azure-native:network:PrivateEndpoint",
        "azure-native:privatedns:PrivateZone",
        "azure-native:privatedns:VirtualNetworkLink",
        "azure-native:network:PrivateDnsZoneGroup",
    )
    assert types.count("azure-native:network:Subnet") == (4 if stack == "prod" else 3)
    assert [types.count(kind) for kind in private] == [1 if stack == "prod" else 0] * 4
    (balancer,) = document.of_type("azure-native:network:LoadBalancer")
    (probe,) = balancer["inputs"]["probes"]
    assert (probe["protocol"], probe["port"], probe["requestPath"]) == ("Http", 80, "/health.html")
    web = next(
        r
        for r in document.of_type("azure-native:compute:VirtualMachineScaleSet")
        if r["parent"].endswith("DscScaleSet::" + f"{stack}-web")
    )
    assert web["inputs"]["upgradePolicy"]["mode"] == "Rolling"
    names = [
        e["name"] for e in web["inputs"]["virtualMachineProfile"]["extensionProfile"]["extensions"]
    ]
    assert names[:2] == ["Microsoft.Powershell.DSC", "ApplicationHealth"]
    assert set(document.data["outputs"]) >= {"load_balancer_address", "tiers", "artifact_urls"}
    assert set(document.data["outputs"]["tiers"]) == {"web", "app", "worker"}
    if stack == "prod":
        policy = next(
            r
            for r in document.of_type("azure-native:authorization:PolicyAssignment")
            if r["name"] == "prod-baseline-assignment"
        )
        assert policy["inputs"]["scope"]["placeholder"].endswith("/resourceGroups/rg-vmss-prod")
        assert "baseline_policy" in document.data["outputs"]
        return
    (assignment,) = document.of_type(
        "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS"
    )
    assert assignment["inputs"]["vmssName"] == f"{stack}-worker-vmss"


def test_tiers_differ_per_stack_as_configured(plans: dict[str, PlanDocument]) -> None:
    def web(stack: str) -> dict[str, Any]:
        return next(
            r
            for r in plans[stack].of_type("azure-native:compute:VirtualMachineScaleSet")
            if r["name"] == f"{stack}-web-vmss"
        )

    assert web("dev")["inputs"]["sku"] == {
        "name": "Standard_B2ms",
        "tier": "Standard",
        "capacity": 1,
    }
    assert "zones" not in web("dev")["inputs"]
    assert web("prod")["inputs"]["sku"]["name"] == "Standard_D4s_v5"
    assert web("prod")["inputs"]["zones"] == ["1", "2", "3"]
    assert web("prod")["inputs"]["upgradePolicy"]["rollingUpgradePolicy"]["maxSurge"] is True
    assert web("prod")["options"]["ignoreChanges"] == ["sku.capacity"]
    assert "ignoreChanges" not in web("dev").get("options", {})
    autoscale = [r for r in plans["prod"].of_type("azure-native:monitor:AutoscaleSetting")]
    assert autoscale and not plans["dev"].of_type("azure-native:monitor:AutoscaleSetting")
    expiries = {stack: {s["expiry"] for s in plans[stack].data["sas"]} for stack in STACKS}
    assert len({frozenset(v) for v in expiries.values()}) == 3, "SAS policy differs per stack"
    kinds = {
        stack: plans[stack].of_type(
            "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS"
        )[0]["inputs"]["properties"]["guestConfiguration"]["assignmentType"]
        for stack in ("dev", "staging")
    }
    assert kinds == {"dev": "Audit", "staging": "ApplyAndMonitor"}
    (definition,) = plans["prod"].of_type("azure-native:authorization:PolicyDefinition")
    metadata = definition["inputs"]["metadata"]["guestConfiguration"]
    assert metadata["autoRemediationAssignmentType"] == "ApplyAndAutoCorrect"
    modes = {
        stack: {
            r["name"]: r["inputs"]["upgradePolicy"]["mode"]
            for r in plans[stack].of_type("azure-native:compute:VirtualMachineScaleSet")
        }
        for stack in STACKS
    }
    assert modes["dev"] == {
        "dev-web-vmss": "Rolling",
        "dev-app-vmss": "Automatic",
        "dev-worker-vmss": "Manual",
    }
    assert set(modes["prod"].values()) == {"Rolling"}


def test_plan_json_holds_no_secret_value(plans: dict[str, PlanDocument]) -> None:
    for stack, document in plans.items():
        run = run_plan(load_project(REPO), stack)
        text = document.to_json()
        secrets = set(run.deployment.mocks.invented_secrets)
        for resource in run.deployment.resources:
            secrets |= _secret_leaves(resource.inputs)
        secrets |= {v for k, v in run.config.values.items() if k in run.config.secret_keys}
        assert secrets, "the scan must have secrets to look for"
        for secret in secrets:
            if len(secret) >= 6:
                assert secret not in text, f"{stack}: a secret value leaked into the plan JSON"
        assert "sig=" not in text


def _secret_leaves(value: Any, inside: bool = False) -> set[str]:
    found: set[str] = set()
    if isinstance(value, Secret):
        inner = value.value
        if isinstance(inner, str):
            found.add(inner)
        else:
            found |= _secret_leaves(inner, True)
    elif isinstance(value, dict):
        for key, child in value.items():
            if key in ("protectedSettings", "adminPassword", "customData"):
                found |= _all_strings(child)
            else:
                found |= _secret_leaves(child, inside)
    elif isinstance(value, list):
        for child in value:
            found |= _secret_leaves(child, inside)
    return found


def _all_strings(value: Any) -> set[str]:
    """Every string inside a secret part, except user names (not secret, and common words)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_all_strings(v) for k, v in value.items() if k != "userName"), set())
    if isinstance(value, list):
        return set().union(*(_all_strings(v) for v in value)) if value else set()
    return set()


def test_two_plans_of_the_same_tree_are_identical(
    tmp_path: Path, stack_runs: dict[str, PlanRun]
) -> None:
    root = copy_project(tmp_path)
    first = plan(root).to_json()
    assert plan(root).to_json() == first
    # The session's plan of the repository itself is a third checkout of the same tree.
    assert build_document(stack_runs["dev"]).to_json() == first, (
        "the plan must not depend on where the tree lives"
    )


def test_a_changed_dsc_file_changes_exactly_that_tiers_extension(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    before = plan(root)
    script = root / "stacks" / "artifacts" / "dsc" / "web" / "WebServer.ps1"
    script.write_text(script.read_text().replace("Served by", "Answered by"))
    after = plan(root)
    report = rollout_report(before, after)
    web_section = report.split("dev-web (")[1]
    assert "re-runs Microsoft.Powershell.DSC" in web_section
    assert "update tag" in web_section and "settings changed: configuration.url" in web_section
    assert "re-runs ApplicationHealth" not in report
    assert "rollout: Rolling" in web_section
    for line in report.splitlines():
        if line.startswith("  ") and not line.startswith("    ") and "dev-web" not in line:
            assert "SAS" in line or "other resources" in line or "no change" in report
    changed = {r["address"] for r in after.resources if r not in before.resources}
    assert all(
        "dev-web" in address or "dev-artifacts-dev-web-dsc" in address for address in changed
    ), changed


def test_unchanged_plans_report_no_change(plans: dict[str, PlanDocument]) -> None:
    report = rollout_report(plans["dev"], plans["dev"])
    assert "re-runs" not in report and "no change" in report


def test_sas_rotation_is_reported_as_a_scheduled_rollout(plans: dict[str, PlanDocument]) -> None:
    older = json.loads(plans["dev"].to_json())
    for item in older["sas"]:
        item["expiry"] = "2026-01-01T00:00:00Z"
    report = rollout_report(PlanDocument(older), plans["dev"])
    assert "SAS rotation" in report
    assert "protected settings changed (SAS rotation)" in report


def test_manual_policy_is_reported_as_new_instances_only() -> None:
    old = {"format": "vmss-plan/1", "stack": "x", "sas": [], "resources": []}
    vmss = {
        "address": "vmss:index:DscScaleSet$azure-native:compute:VirtualMachineScaleSet::a-vmss",
        "type": "azure-native:compute:VirtualMachineScaleSet",
        "name": "a-vmss",
        "parent": "pulumi:pulumi:Stack$vmss:index:DscScaleSet::a",
        "custom": True,
        "inputs": {
            "upgradePolicy": {"mode": "Manual"},
            "virtualMachineProfile": {
                "extensionProfile": {
                    "extensions": [{"name": "e", "forceUpdateTag": "1", "settings": {}}]
                }
            },
        },
    }
    changed = json.loads(json.dumps(vmss))
    changed["inputs"]["virtualMachineProfile"]["extensionProfile"]["extensions"][0][
        "forceUpdateTag"
    ] = "2"
    report = rollout_report(
        PlanDocument({**old, "resources": [vmss]}), PlanDocument({**old, "resources": [changed]})
    )
    assert "re-runs e: update tag 1 -> 2" in report
    assert "Manual, only NEW instances" in report


def test_changed_paths() -> None:
    assert changed_paths({"a": 1, "b": {"c": [1, 2]}}, {"a": 1, "b": {"c": [1, 3]}}) == ["b.c[1]"]
    assert changed_paths({"a": 1}, {"b": 1}) == ["a", "b"]
    assert changed_paths({"placeholder": "x"}, {"placeholder": "x"}) == []


def test_broken_stack_config_names_the_key(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    edit_stack(root, "dev", lambda c: c["vmss-components:web"].update({"capacity": "two"}))
    with pytest.raises(ConfigurationError) as caught:
        plan(root)
    assert caught.value.path == "vmss-components:web.capacity"
    assert "stacks/Pulumi.dev.yaml" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda c: c.pop("vmss-components:sshPublicKey"), "vmss-components:sshPublicKey"),
        (lambda c: c.pop("vmss-components:web"), "vmss-components:web"),
        (
            lambda c: c["vmss-components:web"].update({"upgradeMode": "Sometimes"}),
            "vmss-components:web.upgradeMode",
        ),
        (lambda c: c["vmss-components:app"].update({"vmsize": "x"}), "vmss-components:app.vmsize"),
        (
            lambda c: c.update({"vmss-components:addressSpace": "10.0.0.0/28"}),
            "vmss-components:addressSpace",
        ),
        (
            lambda c: c.update({"vmss-components:environment": "Dev-Env"}),
            "vmss-components:environment",
        ),
        (
            lambda c: c["vmss-components:guestAssignment"].update({"tier": "db"}),
            "vmss-components:guestAssignment.tier",
        ),
        (
            lambda c: c.update({"vmss-components:sasRotationDays": "often"}),
            "vmss-components:sasRotationDays",
        ),
    ],
)
def test_config_errors_name_their_key(tmp_path: Path, change: Any, key: str) -> None:
    root = copy_project(tmp_path)
    edit_stack(root, "dev", change)
    with pytest.raises(ConfigurationError) as caught:
        plan(root)
    assert caught.value.path == key, str(caught.value)


def test_masker_rules() -> None:
    masker = Masker(secrets={"hunter2-password"}, placeholders={"/subscriptions/0000"})
    assert masker.value("https://a/b?sv=1&sig=abc") == SECRET
    assert masker.value("x hunter2-password y") == SECRET
    assert masker.value("/subscriptions/0000/rg") == {"placeholder": "/subscriptions/0000/rg"}
    assert masker.value({"protectedSettings": {"a": "b"}, "settings": {"a": "b"}}) == {
        "protectedSettings": SECRET,
        "settings": {"a": "b"},
    }
    assert masker.value(Secret("plain")) == SECRET
    assert masker.value(UNKNOWN) == "[unknown]"
    assert masker.value(80.0) == 80


def test_preview_plan_shows_unknowns(tmp_path: Path) -> None:
    document = plan(copy_project(tmp_path), preview=True)
    text = document.to_json()
    assert "[unknown]" in text
    assert document.data["sas"] == []


def test_graph_is_drawn_from_the_plan(plans: dict[str, PlanDocument]) -> None:
    diagram = mermaid(plans["dev"])
    assert diagram.startswith("flowchart LR\n")
    assert re.search(r"internet --> n_dev_web_lb", diagram)
    assert "n_dev_web_lb --> n_dev_web\n" in diagram
    assert '-->|"dev-web-dsc: web.zip"| n_dev_web' in diagram


def test_readme_embeds_the_generated_dev_diagram(plans: dict[str, PlanDocument]) -> None:
    readme = (REPO / "README.md").read_text()
    match = re.search(r"```mermaid\n(.*?)```", readme, re.DOTALL)
    assert match, "the README embeds the dev stack's diagram"
    assert match.group(1) == mermaid(plans["dev"]), "regenerate it: vmss-plan dev --graph"


def test_cli_exit_codes_and_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    out = tmp_path / "out"
    code = main(
        [
            "dev",
            "--project-dir",
            str(root),
            "--json",
            str(out / "dev.json"),
            "--graph",
            str(out / "dev.mmd"),
            "--no-color",
        ]
    )
    captured = capsys.readouterr()
    assert code == EXIT_OK
    assert "Offline plan of stack 'dev'" in captured.out
    assert "azure-native:compute:VirtualMachineScaleSet" in captured.out
    assert "(placeholder)" in captured.out and "[secret]" in captured.out
    assert "\x1b[" not in captured.out
    assert "building package web" in captured.err
    assert PlanDocument.from_json((out / "dev.json").read_text()).data["stack"] == "dev"
    assert (out / "dev.mmd").read_text().startswith("flowchart")

    code = main(["dev", "--project-dir", str(root), "--compare", str(out / "dev.json"), "--quiet"])
    assert code == EXIT_OK
    assert "Rollout report" in capsys.readouterr().out

    edit_stack(root, "dev", lambda c: c["vmss-components:web"].update({"capacity": -3}))
    assert main(["dev", "--project-dir", str(root)]) == EXIT_CONFIGURATION
    assert "vmss-components:web.capacity" in capsys.readouterr().err

    assert main(["nosuchstack", "--project-dir", str(root)]) == EXIT_USAGE
    assert "no stack file" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{}")
    assert (
        main(["dev", "--project-dir", str(root), "--compare", str(tmp_path / "bad.json")])
        == EXIT_USAGE
    )
    with pytest.raises(SystemExit) as caught:
        main(["--no-such-flag"])
    assert caught.value.code == EXIT_USAGE


def test_cli_colours_only_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    assert main(["dev", "--project-dir", str(root), "--color"]) == EXIT_OK
    assert "\x1b[32m" in capsys.readouterr().out


def test_the_committed_files_alone_plan_the_dev_stack(tmp_path: Path) -> None:
    """What a fresh clone has (tracked files only, no cache, no build output) is enough."""
    import subprocess

    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "Pulumi.yaml", "stacks"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    clone = tmp_path / "clone"
    for relative in filter(None, listed):
        target = clone / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / relative, target)
    assert (clone / "stacks" / "__main__.py").is_file()
    assert main(["dev", "--project-dir", str(clone), "--quiet"]) == EXIT_OK
