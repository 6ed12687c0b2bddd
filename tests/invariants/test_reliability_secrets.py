"""Secrets, library-wide: in the dev, staging and prod stacks (and a deployment of every
component given plain-text secrets), every SAS token, protected setting, customData, admin
password and protected parameter is a Pulumi secret, and none of their values appears in any
non-secret input, output, log line, or the plan's text or JSON."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import CANARY, REPO, STACKS, Kit, Packages, build_packages, walk

from vmss_components.testing import MockDeployment, RecordedResource, Resolved, Secret
from vmss_plan import PlanRun, build_document, load_project, run_plan
from vmss_plan.render import render

VMSS = "azure-native:compute:VirtualMachineScaleSet"
ASSIGNMENT = "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS"
SAS = "azure-native:storage:listStorageAccountServiceSAS"
# Shorter strings could turn up anywhere by chance (a user name, a port).
MIN_LENGTH = 8
ADMIN_PASSWORD = "Adm1n-Canary-Passw0rd!"
APP_POOL_PASSWORD = "AppP00l-Canary-Passw0rd!"
COMMAND_SECRET = "license-key-Canary-0042"
# Protected settings that name an identity rather than hold a credential: the client id of a
# managed identity is published by Azure on the identity itself.
NOT_CREDENTIALS = ("managedIdentity",)


@dataclasses.dataclass
class Scan:
    """What one deployment holds: the values that must be secret and where they sit."""

    secret_values: set[str]
    public_strings: list[tuple[str, str]]
    must_be_secret: list[tuple[str, bool]]


def protected_places(resource: RecordedResource) -> Iterable[tuple[str, Any, bool]]:
    """Leaves Azure's contract makes secret: protected settings, customData, adminPassword,
    protected parameters; with whether each sits inside a Pulumi secret."""
    for path, value, secret in walk(resource.inputs):
        leaf = path.split(".")[-1].split("[")[0]
        parts = path.replace("[", ".").split(".")
        protected_setting = "protectedSettings" in parts and not any(
            p in parts for p in NOT_CREDENTIALS
        )
        protected_parameter = "configurationProtectedParameter" in parts and leaf == "value"
        if protected_setting or protected_parameter or leaf in ("customData", "adminPassword"):
            yield path, value, secret


def scan(deployment: MockDeployment, stack_outputs: dict[str, Resolved], extra: set[str]) -> Scan:
    secrets = set(deployment.mocks.invented_secrets) | extra
    public: list[tuple[str, str]] = []
    must: list[tuple[str, bool]] = []
    for call in deployment.calls_to(SAS):
        # Every token the store signed, as the mocks answered it.
        must.append((f"SAS call for {call.args.get('canonicalizedResource')}", True))
    for resource in deployment.resources:
        where = f"{resource.type} {resource.name}"
        protected = set()
        for path, value, secret in protected_places(resource):
            protected.add(path)
            must.append((f"{where}: {path}", secret))
            if isinstance(value, str):
                secrets.add(value)
        for label, tree in (("input", resource.inputs), ("output", resource.outputs)):
            for path, value, secret in walk(tree):
                if not isinstance(value, str):
                    continue
                # An input inside a Pulumi secret is still public to Azure unless it sits in
                # a protected place: one secret field makes Pulumi send the whole property
                # (the scale set's virtualMachineProfile, public settings included) as one.
                # Machine Configuration has no protected URL: a SAS download puts the token in
                # the assignment's contentUri (docs/concepts.md), which must be a secret.
                token_uri = path.endswith("guestConfiguration.contentUri") and "sig=" in value
                hidden = secret and (label == "output" or path in protected or token_uri)
                if "sig=" in value:
                    must.append((f"{where}: {label} {path} carries a SAS token", hidden))
                    if hidden:
                        secrets.add(value)
                if not hidden:
                    public.append((f"{where}: {label} {path}", value))
    for name, resolved in stack_outputs.items():
        for path, value, _ in walk(resolved.value, name):
            if isinstance(value, str) and not resolved.secret:
                public.append((f"stack output {path}", value))
    public += [("warning", line) for line in deployment.warnings]
    return Scan(
        secret_values={s for s in secrets if len(s) >= MIN_LENGTH},
        public_strings=public,
        must_be_secret=must,
    )


def assert_sealed(result: Scan, texts: dict[str, str]) -> None:
    not_secret = [where for where, secret in result.must_be_secret if not secret]
    assert not not_secret, not_secret
    leaks = [
        where
        for where, text in [*result.public_strings, *texts.items()]
        for value in result.secret_values
        if value in text
    ]
    assert not leaks, leaks
    assert not [where for where, text in result.public_strings if "sig=" in text]
    assert not [where for where, text in texts.items() if "sig=" in text]


def plan_texts(run: PlanRun) -> dict[str, str]:
    document = build_document(run)
    return {"plan JSON": document.to_json(), "plan text": render(document)}


@pytest.mark.parametrize("stack", STACKS)
def test_committed_stacks_keep_every_secret_secret(
    stack_runs: dict[str, PlanRun], stack: str
) -> None:
    run = stack_runs[stack]
    result = scan(run.deployment, run.stack_outputs, set())
    assert_sealed(result, plan_texts(run))
    # Each stack signs tokens, generates passwords, and holds protected settings and
    # customData: the scan has something to find.
    assert run.deployment.calls_to(SAS)
    places = " ".join(where for where, _ in result.must_be_secret)
    for place in ("protectedSettings", "customData", "adminPassword"):
        assert place in places, place
    assert len(result.secret_values) >= 10


def test_secrets_given_in_the_stack_file_stay_secret(tmp_path: Path) -> None:
    """``pulumi config set --secret adminPassword/appPoolPassword``: the program receives
    them as secrets; they reach the model as secrets and nowhere else."""
    project = load_project(REPO)
    folder = tmp_path / "stacks"
    folder.mkdir()
    source = project.stack_file("prod")
    document = yaml.safe_load(source.read_text())
    document["config"]["vmss-components:adminPassword"] = ADMIN_PASSWORD
    document["config"]["vmss-components:appPoolPassword"] = APP_POOL_PASSWORD
    (folder / source.name).write_text(yaml.safe_dump(document))
    # `config set --secret` writes ciphertext the plan cannot decrypt; the CLI then passes the
    # decrypted text with the key marked secret. Plain text marked secret stands in for that.
    secret = {"vmss-components:adminPassword", "vmss-components:appPoolPassword"}
    run = run_plan(
        dataclasses.replace(
            project,
            root=tmp_path,
            stack_config_dir=folder,
            secret_keys=project.secret_keys | secret,
        ),
        "prod",
    )
    assert "vmss-components:adminPassword" in run.config.secret_keys
    result = scan(run.deployment, run.stack_outputs, {ADMIN_PASSWORD, APP_POOL_PASSWORD})
    assert_sealed(result, plan_texts(run))
    (web,) = [r for r in run.deployment.resources_of_type(VMSS) if r.name == "prod-web-vmss"]
    assert web.get("virtualMachineProfile.osProfile.adminPassword") == ADMIN_PASSWORD
    assert web.is_secret("virtualMachineProfile")


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    return build_packages(tmp_path_factory.mktemp("secrets-packages"))


def test_every_component_keeps_plain_text_secrets_secret(
    packages: Packages, tmp_path: Path
) -> None:
    """Secrets handed over as plain strings (not Outputs) are made secret by the library."""
    kit = Kit(tmp_path, packages)
    motd = "[MotdFile]Motd;Contents"

    def program() -> None:
        kit.dsc(
            "web",
            scale_set=kit.windows(admin_password=ADMIN_PASSWORD),
            protected_configuration_arguments={
                "AppPoolCredential": {"userName": "apppool", "password": APP_POOL_PASSWORD}
            },
        )
        kit.cse(
            "jobs",
            os="windows",
            files=[packages.script],
            command=f"powershell -File install.ps1 -Key {COMMAND_SECRET}",
        )
        kit.cloud_init(
            "app",
            store=kit.store(),
            artifacts={"site": packages.script},
            cloud_config="#!/bin/sh\ncurl -o /tmp/s '${artifact:site}'\n",
        )
        kit.guest("baseline", protected_parameters={motd: CANARY})

    with MockDeployment(speedups=True) as deployment:
        deployment.run(program)
    extra = {ADMIN_PASSWORD, APP_POOL_PASSWORD, COMMAND_SECRET, CANARY}
    result = scan(deployment, {}, extra)
    assert_sealed(result, {})
    (assignment,) = deployment.resources_of_type(ASSIGNMENT)
    assert assignment.is_secret("properties")
    protected = assignment.get("properties.guestConfiguration.configurationProtectedParameter")
    assert protected == [{"name": motd, "value": CANARY}]
    # Every plain-text secret reached the model, so the scan looked at each one.
    inside = repr([r.inputs for r in deployment.resources])
    for value in extra:
        assert value in inside, value
    assert all(
        isinstance(r.inputs["virtualMachineProfile"], Secret)
        for r in deployment.resources_of_type(VMSS)
    )
