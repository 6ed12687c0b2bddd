"""The plan tells that a secret changed, never what it is (issue 14, point 5).

Every secret place of a resource's inputs keeps an HMAC fingerprint under a key that is not
in the document; ``--compare`` reports "secret changed: <path>" for a changed admin password
or protected setting, without printing it, where it used to say "no change".
"""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import REPO

from vmss_plan import PlanDocument, build_document, load_project, run_plan
from vmss_plan.cli import main
from vmss_plan.fingerprints import KEY_VARIABLE, fingerprint_key, key_id
from vmss_plan.render import render
from vmss_plan.rollout import rollout_report

VMSS = "azure-native:compute:VirtualMachineScaleSet"
OLD_PASSWORD = "Old-Canary-Adm1n-Pw!"
NEW_PASSWORD = "New-Canary-Adm1n-Pw!"


def _project(root: Path, password: str) -> Path:
    root.mkdir(parents=True)
    shutil.copy(REPO / "Pulumi.yaml", root / "Pulumi.yaml")
    shutil.copytree(REPO / "stacks", root / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    path = root / "stacks" / "Pulumi.dev.yaml"
    document = yaml.safe_load(path.read_text())
    project = yaml.safe_load((root / "Pulumi.yaml").read_text())["name"]
    document["config"][f"{project}:adminPassword"] = password
    path.write_text(yaml.safe_dump(document))
    return root


def _plan(root: Path) -> PlanDocument:
    return build_document(run_plan(load_project(root), "dev"))


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory: pytest.TempPathFactory) -> tuple[PlanDocument, PlanDocument]:
    base = tmp_path_factory.mktemp("fingerprints")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VMSS_COMPONENTS_CACHE_DIR", str(base / "cache"))
        return _plan(_project(base / "old", OLD_PASSWORD)), _plan(
            _project(base / "new", NEW_PASSWORD)
        )


def _dump(document: PlanDocument) -> str:
    return document.to_json() + render(document)


def test_a_changed_admin_password_is_reported_without_its_value(
    two_plans: tuple[PlanDocument, PlanDocument],
) -> None:
    old, new = two_plans
    assert old.to_json() != new.to_json()
    report = rollout_report(old, new)
    assert "secret changed: virtualMachineProfile.osProfile.adminPassword" in report
    for text in (report, _dump(old), _dump(new)):
        assert OLD_PASSWORD not in text and NEW_PASSWORD not in text
    assert "no change" not in report.split("dev-web (")[1].split("\n  ")[0]


def test_an_unchanged_secret_is_not_reported(two_plans: tuple[PlanDocument, PlanDocument]) -> None:
    old, _ = two_plans
    assert "secret changed" not in rollout_report(old, old)


def test_every_secret_place_of_a_scale_set_has_a_fingerprint(
    two_plans: tuple[PlanDocument, PlanDocument],
) -> None:
    _, new = two_plans
    paths = set()
    for vmss in new.of_type(VMSS):
        fingerprints = vmss["secretFingerprints"]
        assert fingerprints and all(len(value) == 32 for value in fingerprints.values())
        paths |= set(fingerprints)
    assert "virtualMachineProfile.osProfile.adminPassword" in paths
    assert "virtualMachineProfile.osProfile.customData" in paths
    assert any(path.endswith("protectedSettings") for path in paths)
    assert new.data["fingerprintKey"] == key_id(fingerprint_key())


def test_fingerprints_depend_on_the_key(
    two_plans: tuple[PlanDocument, PlanDocument], monkeypatch: pytest.MonkeyPatch
) -> None:
    old, _ = two_plans
    other = json.loads(old.to_json())
    other["fingerprintKey"] = "another-key"
    report = rollout_report(PlanDocument(other), old)
    assert "made with another key" in report and "secret changed" not in report


def test_without_the_variable_the_key_is_kept_private_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_VARIABLE)
    monkeypatch.setenv("VMSS_COMPONENTS_CACHE_DIR", str(tmp_path / "cache"))
    first = fingerprint_key()
    assert fingerprint_key() == first and len(first) >= 32
    mode = stat.S_IMODE((tmp_path / "cache" / "plan-fingerprint.key").stat().st_mode)
    assert mode == 0o600


def test_the_cli_compare_prints_the_path_not_the_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], two_plans: Any
) -> None:
    old, _ = two_plans
    earlier = tmp_path / "old.json"
    earlier.write_text(old.to_json())
    root = _project(tmp_path / "new", NEW_PASSWORD)
    main(["dev", "--project-dir", str(root), "--compare", str(earlier)])
    out = capsys.readouterr().out
    assert "secret changed: virtualMachineProfile.osProfile.adminPassword" in out
    assert NEW_PASSWORD not in out and OLD_PASSWORD not in out
