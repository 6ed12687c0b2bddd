"""Runs a stack's program under the Azure mocks and keeps what it registered."""

from __future__ import annotations

import contextlib
import os
import runpy
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi.runtime import settings

from vmss_components.packaging import add_build_observer
from vmss_components.testing import MockDeployment, Resolved

from .project import Project, StackConfig, load_stack_config


@dataclass(frozen=True, kw_only=True)
class PlanRun:
    """One run of a stack's program: the recording, the stack outputs, the config used."""

    project: Project
    stack: str
    config: StackConfig
    deployment: MockDeployment
    stack_outputs: dict[str, Resolved] = field(default_factory=dict)


def run_plan(
    project: Project,
    stack: str,
    *,
    preview: bool = False,
    on_build: Callable[[str], None] | None = None,
) -> PlanRun:
    """Run ``project``'s program for ``stack`` to completion under the mock engine.

    ``on_build`` is told the name of each package built cold (cache hits are silent).
    A ConfigurationError from the program propagates unchanged.
    """
    config = load_stack_config(project, stack)
    deployment = MockDeployment(
        preview=preview,
        project=project.name,
        stack=stack,
        config=config.values,
        secret_config_keys=config.secret_keys,
        speedups=True,
    )
    with deployment, _observing(on_build), _working_directory(project.root):
        deployment.run(lambda: _run_program(project.main))
        root = settings.ROOT.get()
        exported: dict[str, Any] = dict(getattr(root, "outputs", {}) or {})
        outputs = {name: deployment.resolve(value) for name, value in sorted(exported.items())}
    return PlanRun(
        project=project, stack=stack, config=config, deployment=deployment, stack_outputs=outputs
    )


def _run_program(main: Path) -> None:
    folder = main if main.is_dir() else main.parent
    before = set(sys.modules)
    try:
        runpy.run_path(str(main), run_name="__main__")
    finally:
        # The program's own modules (config, environment, ...) are imported fresh next run.
        for name in set(sys.modules) - before:
            module_file = getattr(sys.modules[name], "__file__", None)
            if module_file and Path(module_file).resolve().is_relative_to(folder.resolve()):
                del sys.modules[name]


@contextlib.contextmanager
def _observing(on_build: Callable[[str], None] | None) -> Iterator[None]:
    if on_build is None:
        yield
        return
    remove = add_build_observer(on_build)
    try:
        yield
    finally:
        remove()


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    # The Pulumi CLI runs programs from the project folder; relative paths resolve the same.
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)
