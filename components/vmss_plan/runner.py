"""Runs a stack's program under the Azure mocks and keeps what it registered."""

from __future__ import annotations

import contextlib
import os
import runpy
import site
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi.runtime import settings

from vmss_components.packaging import add_build_observer
from vmss_components.testing import MockDeployment, Resolved

from .answers import Answers, PlanMocks
from .errors import PlanInputError
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
    answers: Answers | None = None,
    mocks: PlanMocks | None = None,
) -> PlanRun:
    """Run ``project``'s program for ``stack`` to completion under the mock engine.

    ``on_build`` is told the name of each package built cold (cache hits are silent).
    ``answers`` answer other stacks' outputs, lookups and other providers (see
    :mod:`.answers`); or give ready ``mocks`` (their ``unanswered`` record is read after a
    failure). A ConfigurationError from the program propagates unchanged.
    """
    config = load_stack_config(project, stack)
    deployment = MockDeployment(
        preview=preview,
        mocks=mocks if mocks is not None else PlanMocks(answers or Answers(), preview=preview),
        project=project.name,
        stack=stack,
        config=config.values,
        secret_config_keys=config.secret_keys,
        speedups=True,
    )
    location = locate_program(project)
    with deployment, _observing(on_build), _working_directory(location.pwd):
        deployment.run(lambda: _run_program(location))
        root = settings.ROOT.get()
        exported: dict[str, Any] = dict(getattr(root, "outputs", {}) or {})
        outputs = {name: deployment.resolve(value) for name, value in sorted(exported.items())}
    return PlanRun(
        project=project, stack=stack, config=config, deployment=deployment, stack_outputs=outputs
    )


@dataclass(frozen=True, kw_only=True)
class ProgramLocation:
    """Where the Pulumi Python host runs a program from (its ``getPwdMain``)."""

    pwd: Path
    """The working directory: the ``main`` folder, or the folder of a ``main`` file."""
    entry: str
    """What ``runpy.run_path`` is given: ``"."`` for a folder, else the file's name."""


def locate_program(project: Project) -> ProgramLocation:
    """The program's working directory and entry point, as ``pulumi up`` derives them.

    A folder ``main`` runs its ``__main__.py`` with the folder as working directory and first
    on ``sys.path`` (``runpy`` puts ``"."`` there); a file ``main`` runs from its own folder
    and, as under Pulumi, gets nothing added to ``sys.path``.
    """
    main = project.main
    if main.is_dir():
        if not (main / "__main__.py").is_file():
            raise PlanInputError(
                f"unable to find main python program `__main__.py` in `{main.resolve()}`"
            )
        return ProgramLocation(pwd=main, entry=".")
    if main.is_file():
        return ProgramLocation(pwd=main.parent, entry=main.name)
    raise PlanInputError(f"project 'main' could not be read: no such file or folder: {main}")


def _run_program(location: ProgramLocation) -> None:
    before = set(sys.modules)
    saved_argv, saved_path, saved_cwd = sys.argv[:], sys.path[:], Path.cwd()
    outside = _environment_folders(exclude=location.pwd)
    sys.argv = [location.entry]
    os.chdir(location.pwd)
    # runpy puts "." on sys.path; the finder cached for "." is bound to the folder it was
    # first made in, so a cached one would find an earlier program's modules.
    sys.path_importer_cache.pop(".", None)
    try:
        runpy.run_path(location.entry, run_name="__main__")
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
        os.chdir(saved_cwd)
        sys.path_importer_cache.pop(".", None)
        # The program's own modules (config, environment, ...) are imported fresh next run;
        # anything installed (a venv inside the project, site-packages) stays loaded, since
        # Pulumi's SDK keeps references into it.
        for name in set(sys.modules) - before:
            if _is_program_module(sys.modules[name], location.pwd, outside):
                del sys.modules[name]


def _environment_folders(*, exclude: Path) -> list[Path]:
    folders = {sys.prefix, sys.exec_prefix, sys.base_prefix, *site.getsitepackages()}
    folders.update(entry for entry in sys.path if entry)
    excluded = exclude.resolve()
    return [
        path
        for path in (Path(folder).resolve() for folder in folders)
        if path != excluded and not excluded.is_relative_to(path)
    ]


def _is_program_module(module: object, folder: Path, outside: list[Path]) -> bool:
    files = [getattr(module, "__file__", None), *(getattr(module, "__path__", None) or [])]
    paths = [Path(f).resolve() for f in files if isinstance(f, str)]
    return bool(paths) and all(is_program_file(path, folder, outside) for path in paths)


def is_program_file(path: Path, folder: Path, outside: Sequence[Path] = ()) -> bool:
    """Whether ``path`` is the program's own source, not something installed.

    Installed means: under a ``site-packages``/``dist-packages`` folder, inside a virtualenv
    (a folder with ``pyvenv.cfg``), or under the interpreter's prefixes and ``sys.path``
    entries other than the program folder -- wherever these sit, the project folder included.
    """
    path = path.resolve()
    root = folder.resolve()
    if not path.is_relative_to(root):
        return False
    if {"site-packages", "dist-packages"} & set(path.relative_to(root).parts):
        return False
    for parent in path.parents:
        if not parent.is_relative_to(root):
            break
        if (parent / "pyvenv.cfg").is_file():
            return False
    return not any(path.is_relative_to(other) for other in outside)


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
    # The Pulumi host runs a program from its `main` folder; relative paths resolve the same.
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)
