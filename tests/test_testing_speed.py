"""The mock engine's shortcuts change nothing a program or a recording can see."""

from __future__ import annotations

import gc

from pulumi.runtime import resource as pulumi_resource

from vmss_components import testing
from vmss_components.testing import MockDeployment


class _Base:
    def __init__(self) -> None:
        # Both on one line, so the frames outside the constructors are the very same.
        self.traces = (pulumi_resource._get_stack_trace(), testing._stack_trace())


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
    assert testing._stack_trace() == pulumi_resource._get_stack_trace()


def test_a_run_restores_the_collector_and_pulumis_stack_trace() -> None:
    original = pulumi_resource._get_stack_trace
    seen: list[bool] = []
    with MockDeployment() as deployment:
        deployment.run(lambda: seen.append(gc.isenabled()))
    assert seen == [False]
    assert gc.isenabled()
    assert pulumi_resource._get_stack_trace is original
