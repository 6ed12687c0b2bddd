"""The mock engine's shortcuts change nothing a program or a recording can see."""

from __future__ import annotations

import dataclasses
import gc

import pulumi
import pulumi_random as random
import pytest
from helpers import REPO, unordered
from pulumi.runtime import resource as pulumi_resource
from pulumi.runtime.proto import source_pb2
from pulumi_azure_native import authorization, resources, storage

from vmss_components.testing import MockDeployment, RecordedCall, RecordedResource, _speedups
from vmss_plan import load_project, run_plan


class _Base:
    def __init__(self) -> None:
        # Both on one line, so the frames outside the constructors are the very same.
        self.traces = (pulumi_resource._get_stack_trace(), _speedups._stack_trace())


class _Middle(_Base):
    def __init__(self) -> None:
        super().__init__()


class _Concrete(_Middle):
    def __init__(self) -> None:
        super().__init__()


def _user_code() -> _Concrete:
    return _Concrete()


def test_the_stack_trace_is_pulumis_without_reading_sources() -> None:
    original, fast = _user_code().traces
    assert len(fast.frames) > 1
    assert fast == original
    assert fast.frames[0].pc.uri.endswith("test_testing_speed.py")


def test_shallow_stacks_give_an_empty_trace_as_pulumis_does() -> None:
    assert _speedups._stack_trace() == pulumi_resource._get_stack_trace()


def test_a_run_restores_the_collector_and_pulumis_stack_trace() -> None:
    original = pulumi_resource._get_stack_trace
    seen: list[bool] = []
    with MockDeployment(speedups=True) as deployment:
        deployment.run(lambda: seen.append(gc.isenabled()))
    assert seen == [False]
    assert gc.isenabled()
    assert pulumi_resource._get_stack_trace is original


# -- opt-in, and the public path wherever a speed-up was not checked --------------------------


def _program() -> None:
    """Components, secrets, an invoke, Azure-computed outputs and a secret generated output."""

    class Parent(pulumi.ComponentResource):
        def __init__(self) -> None:
            super().__init__("test:index:Parent", "parent")
            child = pulumi.ResourceOptions(parent=self)
            group = resources.ResourceGroup("rg", resource_group_name="rg", opts=child)
            storage.StorageAccount(
                "account",
                account_name="acct",
                resource_group_name=group.name,
                kind="StorageV2",
                sku=storage.SkuArgs(name="Standard_LRS"),
                opts=child,
            )
            password = random.RandomPassword("password", length=20, opts=child)
            pulumi.CustomResource(
                "test:index:Thing",
                "thing",
                {"secret": pulumi.Output.secret("s3cret"), "password": password.result},
                opts=child,
            )
            authorization.get_client_config()

    Parent()


def _record(
    deployment: MockDeployment,
) -> tuple[dict[str, RecordedResource], list[RecordedCall], list[bool]]:
    """``_program``'s recording (resources by URN, invokes in a canonical order: asynchronous
    registrations and invokes come in no set order), and whether Pulumi's own stack trace and
    the collector were in place as it ran."""
    original = pulumi_resource._get_stack_trace
    seen: list[bool] = []
    with deployment:
        deployment.run(_program)
        deployment.run(
            lambda: seen.extend((pulumi_resource._get_stack_trace is original, gc.isenabled()))
        )
    return _by_urn(deployment.resources), unordered(deployment.calls), seen


def test_speedups_are_off_by_default() -> None:
    deployment = MockDeployment()
    assert deployment.speedups_active is False
    assert deployment.active_speedups == ()
    *_, seen = _record(deployment)
    assert seen == [True, True]


def test_speedups_on_the_verified_pulumi_are_active() -> None:
    assert _speedups.pulumi_verified()
    deployment = MockDeployment(speedups=True)
    assert deployment.speedups_active is True
    assert deployment.active_speedups == ("gc", "stack_trace")
    *_, seen = _record(deployment)
    assert seen == [False, False]


def test_an_unverified_pulumi_takes_the_public_path_and_records_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = _record(MockDeployment(speedups=True))
    monkeypatch.setattr(_speedups, "PULUMI_VERSION", "3.999.0")
    deployment = MockDeployment(speedups=True)
    assert deployment.speedups_active is False
    assert deployment.active_speedups == ()
    resources, calls, seen = _record(deployment)
    assert seen == [True, True]
    assert (resources, calls) == fast[:2]
    assert len(resources) == 5 and len(calls) == 1


def test_a_private_function_of_another_shape_is_left_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = _record(MockDeployment(speedups=True))
    original = pulumi_resource._get_stack_trace

    def changed(skip: int = 0) -> source_pb2.StackTrace:
        return original()

    monkeypatch.setattr(pulumi_resource, "_get_stack_trace", changed)
    deployment = MockDeployment(speedups=True)
    assert deployment.speedups_active is False
    assert deployment.active_speedups == ("gc",)
    resources, calls, seen = _record(deployment)
    assert seen == [True, False]  # the changed function stayed; the collector was paused
    assert (resources, calls) == fast[:2]


def test_a_missing_private_function_is_not_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(pulumi_resource, "_get_stack_trace")
    assert MockDeployment(speedups=True).active_speedups == ("gc",)


@pytest.mark.parametrize(
    ("version", "verified"),
    [("3.272.0", True), ("3.272.1.dev0", True), ("3.273.0", False), ("4.272.0", False)],
)
def test_versions_are_matched_on_major_and_minor(
    monkeypatch: pytest.MonkeyPatch, version: str, verified: bool
) -> None:
    monkeypatch.setattr(_speedups, "VERIFIED_PULUMI", ("3.272",))
    monkeypatch.setattr(_speedups, "PULUMI_VERSION", version)
    assert _speedups.pulumi_verified() is verified


def test_the_dev_stack_records_the_same_on_the_public_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = load_project(REPO)
    fast = run_plan(project, "dev")
    monkeypatch.setattr(_speedups, "PULUMI_VERSION", "3.999.0")
    public = run_plan(project, "dev")
    assert fast.deployment.speedups_active and not public.deployment.speedups_active
    assert _by_urn(public.deployment.resources) == _by_urn(fast.deployment.resources)
    assert unordered(public.deployment.calls) == unordered(fast.deployment.calls)
    assert public.stack_outputs == fast.stack_outputs


def _by_urn(recorded: list[RecordedResource]) -> dict[str, RecordedResource]:
    """Resources by URN, dependencies sorted: Pulumi gathers them in a set, whose order
    varies from run to run with or without the speed-ups."""
    return {r.urn: dataclasses.replace(r, dependencies=sorted(r.dependencies)) for r in recorded}
