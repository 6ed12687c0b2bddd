"""The recording mock engine itself: realistic answers, isolation, both modes."""

from __future__ import annotations

import logging
import subprocess
import sys
import types

import pulumi
import pytest
from pulumi.runtime import settings
from pulumi_azure_native import compute, managedidentity

from vmss_components.testing import (
    MOCK_SUBSCRIPTION_ID,
    UNKNOWN,
    MockDeployment,
    Secret,
    reveal,
    secret_paths,
    service_sas_token,
)


def test_settings_and_root_are_restored_after_a_deployment() -> None:
    before = (settings.SETTINGS.project, settings.SETTINGS.stack, settings.ROOT.get())
    with MockDeployment(project="p", stack="s") as deployment:
        deployment.run(lambda: pulumi.CustomResource("test:index:Thing", "thing", {}))
        assert settings.SETTINGS.stack == "s"
    assert (settings.SETTINGS.project, settings.SETTINGS.stack, settings.ROOT.get()) == before


def test_deployments_do_not_see_each_others_resources() -> None:
    with MockDeployment() as first:
        first.run(lambda: pulumi.CustomResource("test:index:Thing", "one", {}))
    with MockDeployment() as second:
        second.run(lambda: pulumi.CustomResource("test:index:Thing", "two", {}))
        assert [r.name for r in second.resources] == ["two"]


def test_sas_tokens_are_an_hmac_of_the_arguments() -> None:
    arguments = {"accountName": "a", "canonicalizedResource": "/blob/a/c/b", "resource": "b"}
    assert service_sas_token(arguments) == service_sas_token(dict(arguments))
    assert service_sas_token(arguments) != service_sas_token({**arguments, "accountName": "z"})
    assert "sig=" in service_sas_token(arguments)


def test_secrets_and_parents_are_recorded(mocked: MockDeployment) -> None:
    class Parent(pulumi.ComponentResource):
        def __init__(self) -> None:
            super().__init__("test:index:Parent", "parent")
            pulumi.CustomResource(
                "test:index:Child",
                "child",
                {"plain": "x", "hidden": pulumi.Output.secret("s3cret")},
                opts=pulumi.ResourceOptions(parent=self),
            )

    mocked.run(Parent)
    parent = mocked.resource("test:index:Parent")
    child = mocked.resource("test:index:Child")
    assert child.parent == parent.urn
    assert parent.custom is False and child.custom is True
    assert child.inputs["hidden"] == Secret("s3cret")
    assert child.is_secret("hidden") and not child.is_secret("plain")
    assert reveal(child.inputs) == {"plain": "x", "hidden": "s3cret"}
    assert secret_paths(child.inputs) == ["hidden"]


def test_scale_set_identity_list_becomes_a_map(mocked: MockDeployment) -> None:
    identity_id = (
        f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/rg/providers/"
        "Microsoft.ManagedIdentity/userAssignedIdentities/id"
    )

    def program() -> compute.VirtualMachineScaleSet:
        return compute.VirtualMachineScaleSet(
            "vmss",
            resource_group_name="rg",
            identity=compute.VirtualMachineScaleSetIdentityArgs(
                type=compute.ResourceIdentityType.SYSTEM_ASSIGNED_USER_ASSIGNED,
                user_assigned_identities=[identity_id],
            ),
        )

    vmss = mocked.run(program)
    identity = mocked.resolve(vmss.identity).value
    assert set(identity["user_assigned_identities"]) == {identity_id}
    assert identity["principal_id"] in mocked.mocks.invented
    assert mocked.resolve(vmss.id).value.endswith("/virtualMachineScaleSets/vmss")


def test_identities_have_principal_and_client_ids(mocked: MockDeployment) -> None:
    identity = mocked.run(
        lambda: managedidentity.UserAssignedIdentity("id", resource_group_name="rg")
    )
    principal = mocked.resolve(identity.principal_id).value
    client = mocked.resolve(identity.client_id).value
    assert len(principal) == 36 and principal != client


def test_preview_leaves_azure_values_unknown(previewed: MockDeployment) -> None:
    identity = previewed.run(
        lambda: managedidentity.UserAssignedIdentity(
            "id", resource_group_name="rg", resource_name_="id"
        )
    )
    assert previewed.resolve(identity.principal_id).known is False
    assert previewed.resolve(identity.id).known is False
    assert previewed.resolve(identity.name).known is False
    consumer = previewed.run(
        lambda: pulumi.CustomResource("test:index:C", "c", {"principal": identity.principal_id})
    )
    assert consumer is not None
    assert previewed.resource("test:index:C").inputs["principal"] is UNKNOWN


def test_warnings_are_captured(mocked: MockDeployment) -> None:
    mocked.run(lambda: pulumi.log.warn("careful"))
    assert mocked.warnings == ["careful"]


def test_unknown_invokes_fail_loudly(mocked: MockDeployment) -> None:
    def program() -> None:
        pulumi.runtime.invoke("azure-native:nothing:here", {})

    with pytest.raises(Exception, match="do not answer the invoke azure-native:nothing:here"):
        mocked.run(program)


def test_a_pulumi_without_a_setting_a_deployment_restores_fails_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The settings of a Pulumi without `callbacks`, one of the fields a deployment restores.
    kept = ["rpc_manager", "outputs", "monitor", "engine", "project", "stack", "dry_run"]
    kept += ["organization", "monitor_features"]
    older = types.SimpleNamespace(**{name: getattr(settings.SETTINGS, name) for name in kept})
    monkeypatch.setattr(settings, "SETTINGS", older)
    deployment = MockDeployment()
    with pytest.raises(
        RuntimeError, match=r"has no pulumi\.runtime\.settings\.SETTINGS\.callbacks"
    ):
        deployment.__enter__()


@pytest.mark.parametrize(
    ("module", "name"),
    [("pulumi.runtime.stack", "run_pulumi_func"), ("pulumi.runtime.config", "_SECRET_KEYS")],
)
def test_a_pulumi_without_an_internal_the_kit_needs_fails_on_import_naming_it(
    module: str, name: str
) -> None:
    program = f"import {module} as m\ndel m.{name}\nimport vmss_components.testing\n"
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "ImportError: vmss_components.testing cannot run on pulumi" in result.stderr
    assert name in result.stderr.splitlines()[-1]


def test_deployments_leave_no_logger_behind() -> None:
    # pytest visits every registered non-propagating logger in each phase of each test: a
    # logger per deployment made the suite slower with every deployment it ran.
    before = set(logging.Logger.manager.loggerDict)
    for _ in range(3):
        with MockDeployment() as deployment:
            deployment.run(lambda: pulumi.log.warn("said once"))
        assert deployment.warnings == ["said once"]
    assert set(logging.Logger.manager.loggerDict) == before
