"""The committed stacks as configuration data, and their program run in a mock deployment."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vmss_components.testing import MockDeployment
from vmss_plan import load_project
from vmss_plan.project import load_stack_config
from vmss_plan.runner import ProgramLocation, _run_program

from .paths import MAIN, REPO

#: The project's config namespace (``vmss-components:web``).
NAMESPACE = "vmss-components"
#: In :func:`edited_config`, the value that removes a key.
DELETE = object()


def stack_config(stack: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """A committed stack's configuration as the program receives it, and its secret keys."""
    config = load_stack_config(load_project(REPO), stack)
    return dict(config.values), config.secret_keys


def edited_config(values: Mapping[str, str], edits: Mapping[str, Any]) -> dict[str, str]:
    """``values`` with dotted edits applied (``web.capacity``: 5); ``DELETE`` removes a key."""
    result = dict(values)
    for dotted, value in edits.items():
        top, *rest = dotted.split(".")
        key = f"{NAMESPACE}:{top}"
        if not rest:
            if value is DELETE:
                result.pop(key, None)
            else:
                result[key] = value if isinstance(value, str) else json.dumps(value)
            continue
        document = json.loads(result[key])
        holder = document
        for part in rest[:-1]:
            holder = holder[part]
        if value is DELETE:
            holder.pop(rest[-1], None)
        else:
            holder[rest[-1]] = value
        result[key] = json.dumps(document)
    return result


def run_stack_program(deployment: MockDeployment, main: Path = MAIN) -> None:
    """Run the stacks' Pulumi program (``stacks/__main__.py``) in ``deployment``."""
    deployment.run(lambda: _run_program(ProgramLocation(pwd=main, entry=".")))


def stack_deployment(
    stack: str, values: Mapping[str, str], secret_keys: tuple[str, ...], *, preview: bool = False
) -> MockDeployment:
    """A deployment of ``stack`` with the given configuration, as the plan tool runs one."""
    return MockDeployment(
        preview=preview,
        project="vmss-components",
        stack=stack,
        config=values,
        secret_config_keys=secret_keys,
        speedups=True,
    )
