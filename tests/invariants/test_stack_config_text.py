"""Issue 15, point 9: the stack's environment and addressSpace are checked before anything is
allocated or registered, naming the key and the stack file."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from helpers import edited_config, run_stack_program, stack_config, stack_deployment

from vmss_components import ConfigurationError

SECRET_KEYS = ("vmss-components:adminPassword", "vmss-components:appPoolPassword")


@contextmanager
def alarm(seconds: int = 60) -> Iterator[None]:
    def slow(signum: int, frame: object) -> None:
        raise AssertionError(f"the program ran more than {seconds} s on a bad value")

    previous = signal.signal(signal.SIGALRM, slow)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_with(edits: dict[str, object]) -> ConfigurationError:
    values, secret_keys = stack_config("dev")
    edited = edited_config(values, edits)
    with (
        alarm(),
        stack_deployment("dev", edited, (*secret_keys, *SECRET_KEYS)) as deployment,
        pytest.raises(ConfigurationError) as raised,
    ):
        run_stack_program(deployment)
    assert deployment.resources == []
    assert "stacks/Pulumi.dev.yaml" in str(raised.value)
    return raised.value


@pytest.mark.rule("stack-environment-ascii", path="vmss-components:environment", case="violation")
@pytest.mark.parametrize(
    "environment",
    ["d\u00e9v", "\uff44\uff45\uff56", "dev\u0661", "dev\uff11", "dev\n", "dev\u200b", "123"],
    ids=[
        "accent",
        "full-width",
        "arabic-indic-digit",
        "full-width-digit",
        "newline",
        "zero-width",
        "digits-only",
    ],
)
def test_an_environment_outside_ascii_is_refused_before_anything(environment: str) -> None:
    error = run_with({"environment": environment})
    assert error.path == "vmss-components:environment"


@pytest.mark.rule("stack-environment-ascii", path="vmss-components:environment", case="valid")
def test_an_ascii_environment_is_accepted() -> None:
    values, secret_keys = stack_config("dev")
    edited = edited_config(values, {"environment": "qa1"})
    with stack_deployment("dev", edited, (*secret_keys, *SECRET_KEYS)) as deployment:
        run_stack_program(deployment)
    assert deployment.resources_of_type("azure-native:network:VirtualNetwork")


@pytest.mark.rule(
    "stack-address-space-range", path="vmss-components:addressSpace", case="violation"
)
@pytest.mark.parametrize(
    "space", ["0.0.0.0/0", "10.0.0.0/7", "10.20.0.0/23", "10.20.0.0/16\n", "10.\u0662.0.0/16"]
)
def test_an_address_space_outside_8_to_22_is_refused_at_once(space: str) -> None:
    error = run_with({"addressSpace": space})
    assert error.path == "vmss-components:addressSpace"


@pytest.mark.rule("stack-address-space-range", path="vmss-components:addressSpace", case="valid")
@pytest.mark.parametrize("space", ["10.0.0.0/8", "10.20.0.0/22"])
def test_address_spaces_at_the_bounds_are_accepted(space: str) -> None:
    values, secret_keys = stack_config("dev")
    edited = edited_config(values, {"addressSpace": space})
    with stack_deployment("dev", edited, (*secret_keys, *SECRET_KEYS)) as deployment:
        run_stack_program(deployment)
    assert deployment.resources_of_type("azure-native:network:VirtualNetwork")
