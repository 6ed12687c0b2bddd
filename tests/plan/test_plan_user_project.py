"""vmss-plan runs a user's project as the Pulumi Python host does.

The fixture is Pulumi's default Python layout with a folder ``main``: ``main: infra/``, a
``venv/`` inside the project folder holding an installed package, the program's own
``components/`` package, a file read by a path relative to the program folder, and
project-level config values.
"""

from __future__ import annotations

import os
import runpy
import sys
import textwrap
from pathlib import Path

import pytest

from vmss_components.testing import MockDeployment
from vmss_plan import load_project, run_plan
from vmss_plan.project import load_stack_config
from vmss_plan.runner import is_program_file, locate_program

STUB = "vmss_test_stub_lib"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


@pytest.fixture(params=["infra/", None], ids=["main-infra", "main-unset"])
def user_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    """``main: infra/``; or no ``main`` (`pulumi new python`): venv/ in the program folder."""
    root = tmp_path / "shop"
    program = root / "infra" if request.param else root
    main_line = f"main: {request.param}\n" if request.param else ""
    (root / "venv").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text(
        "name: shop\n"
        "runtime:\n"
        "  name: python\n"
        "  options: {toolchain: pip, virtualenv: venv}\n" + main_line + "config:\n"
        "  size: {type: integer, default: 3}\n"
        "  azure-native:location: {value: northeurope}\n"
        "  owner: {type: string}\n"
    )
    write(root / "Pulumi.dev.yaml", "config:\n  shop:owner: team-a\n")
    # An installed package inside the project (as `pulumi new python` makes venv/), whose
    # submodule is imported lazily: unloading it after a run breaks the next run.
    site = root / "venv" / "lib" / "python3.11" / "site-packages"
    write(root / "venv" / "pyvenv.cfg", "home = /usr/bin\n")
    write(
        site / STUB / "__init__.py",
        """\
        import importlib


        def __getattr__(name):
            return importlib.import_module(f"{__name__}.{name}")
        """,
    )
    write(site / STUB / "lazy.py", "VALUE = 'from-the-venv'\n")
    monkeypatch.syspath_prepend(str(site))  # the venv's interpreter has it on sys.path
    for name in [n for n in sys.modules if n == STUB or n.startswith(f"{STUB}.")]:
        monkeypatch.delitem(sys.modules, name)  # each project's run imports it afresh
    write(
        program / "__main__.py",
        f"""\
        from pathlib import Path

        import pulumi

        import {STUB}
        from components.naming import name_of

        config = pulumi.Config()
        pulumi.export("site", Path("files/site.txt").read_text().strip())
        pulumi.export("name", name_of(config.require("owner")))
        pulumi.export("size", config.require_int("size"))
        pulumi.export("location", pulumi.Config("azure-native").get("location"))
        pulumi.export("stub", {STUB}.lazy.VALUE)
        """,
    )
    write(program / "components" / "__init__.py", "")
    write(program / "components" / "naming.py", "def name_of(x):\n    return f'shop-{x}'\n")
    write(program / "files" / "site.txt", "hello from the program's files\n")
    return root


EXPECTED = {
    "site": "hello from the program's files",
    "name": "shop-team-a",
    "size": 3,
    "location": "northeurope",
    "stub": "from-the-venv",
}


def outputs_of(root: Path) -> dict[str, object]:
    run = run_plan(load_project(root), "dev")
    return {name: resolved.value for name, resolved in run.stack_outputs.items()}


def program_folder(root: Path) -> Path:
    return root / "infra" if (root / "infra").is_dir() else root


def test_the_program_runs_from_its_main_folder(user_project: Path) -> None:
    location = locate_program(load_project(user_project))
    assert location.pwd == program_folder(user_project)
    assert location.entry == "."
    cwd, path = os.getcwd(), sys.path[:]
    assert outputs_of(user_project) == EXPECTED
    assert os.getcwd() == cwd
    assert sys.path == path


def test_installed_modules_stay_loaded_and_the_program_is_fresh(user_project: Path) -> None:
    assert outputs_of(user_project) == EXPECTED
    # The venv's package (inside the project folder) is not the program's: it stays loaded.
    assert f"{STUB}.lazy" in sys.modules
    assert "components.naming" not in sys.modules
    naming = program_folder(user_project) / "components" / "naming.py"
    naming.write_text("def name_of(x):\n    return f'web-{x}'\n")
    assert outputs_of(user_project)["name"] == "web-team-a"  # the program's own, re-imported
    assert outputs_of(user_project)["stub"] == "from-the-venv"


def test_what_counts_as_the_programs_own_file(user_project: Path) -> None:
    infra = user_project / "infra"
    assert is_program_file(infra / "components" / "naming.py", infra)
    assert not is_program_file(user_project / "venv" / "x.py", user_project)
    assert not is_program_file(infra / "lib" / "site-packages" / "x.py", infra)
    assert not is_program_file(user_project / "elsewhere.py", infra)


def test_the_same_result_as_the_pulumi_host_under_runpy(
    user_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What pulumi-language-python-exec does: merged config, chdir to the main folder, run_path.
    config = load_stack_config(load_project(user_project), "dev")
    monkeypatch.chdir(program_folder(user_project))
    with MockDeployment(
        project="shop", stack="dev", config=config.values, secret_config_keys=config.secret_keys
    ) as deployment:
        import pulumi.runtime.settings as settings

        deployment.run(lambda: runpy.run_path(".", run_name="__main__"))
        exported = dict(settings.ROOT.get().outputs)  # type: ignore[union-attr]
        host = {name: deployment.resolve(value).value for name, value in exported.items()}
    for name in [n for n in sys.modules if n == "components" or n.startswith("components.")]:
        del sys.modules[name]
    monkeypatch.chdir(user_project.parent)
    assert host == EXPECTED == outputs_of(user_project)
