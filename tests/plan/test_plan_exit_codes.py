"""Every exit code of ``vmss-plan``, each with its one-line (or traceback) message."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from vmss_plan.cli import (
    EXIT_CONFIGURATION,
    EXIT_OK,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    _parser,
    main,
)


def project(tmp_path: Path, program: str) -> Path:
    root = tmp_path / "demo"
    (root / "prog").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: demo\nruntime: python\nmain: prog/\n")
    (root / "Pulumi.dev.yaml").write_text("config: {}\n")
    (root / "prog" / "__main__.py").write_text(textwrap.dedent(program))
    return root


OK = """\
import pulumi
pulumi.export("answer", 42)
"""

IN_APPLY = """\
import pulumi
from vmss_components import ConfigurationError


def check(value):
    raise ConfigurationError("scale_set.capacity", "must be 1-1000,\\n\\tgot -3")


pulumi.export("checked", pulumi.Output.from_input(1).apply(check))
"""

DIRECT = """\
from vmss_components import ConfigurationError
raise ConfigurationError("web.vm_size", "unknown size")
"""

MISSING_CONFIG = """\
import pulumi
pulumi.Config().require("owner")
"""

UNEXPECTED = """\
def helper():
    return {}["nope"]


helper()
"""


def run(root: Path, *extra: str) -> int:
    return main(["dev", "--project-dir", str(root), "--quiet", *extra])


def test_0_planned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, OK)
    assert run(root, "--json", str(tmp_path / "out" / "plan.json")) == EXIT_OK == 0
    assert json.loads((tmp_path / "out" / "plan.json").read_text())["outputs"] == {"answer": 42}


@pytest.mark.parametrize(
    ("program", "message"),
    [
        (DIRECT, "web.vm_size: unknown size"),
        (IN_APPLY, "scale_set.capacity: must be 1-1000,; got -3"),
        (MISSING_CONFIG, "Missing required configuration variable 'demo:owner'"),
    ],
    ids=["raised", "inside-an-apply", "pulumi-config"],
)
def test_1_the_programs_configuration_error_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], program: str, message: str
) -> None:
    root = project(tmp_path, program)
    assert run(root) == EXIT_CONFIGURATION == 1
    err = capsys.readouterr().err
    assert err.startswith("vmss-plan: configuration error: ")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_2_a_compare_file_that_is_not_a_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, OK)
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"format": "vmss-plan/1", "resources": []}))
    assert run(root, "--compare", str(foreign)) == EXIT_USAGE == 2
    err = capsys.readouterr().err
    assert err.startswith(f"vmss-plan: cannot read --compare {foreign}: not a vmss-plan/1")
    assert err.count("\n") == 1
    foreign.write_text("[1, 2]")
    assert run(root, "--compare", str(foreign)) == EXIT_USAGE


@pytest.mark.parametrize("option", ["--json", "--graph"])
def test_2_an_output_path_that_is_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    root = project(tmp_path, OK)
    assert run(root, option, str(tmp_path)) == EXIT_USAGE
    assert capsys.readouterr().err == f"vmss-plan: {option} {tmp_path}: is a folder, not a file\n"


def test_2_no_project_no_stack_no_main(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path / "nowhere") == EXIT_USAGE
    assert "no Pulumi.yaml in" in capsys.readouterr().err
    root = project(tmp_path, OK)
    assert main(["qa", "--project-dir", str(root), "--quiet"]) == EXIT_USAGE
    assert "no stack file" in capsys.readouterr().err
    (root / "prog" / "__main__.py").unlink()
    assert run(root) == EXIT_USAGE
    assert "unable to find main python program `__main__.py`" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["--no-such-flag"])
    assert caught.value.code == EXIT_USAGE


def test_3_an_unexpected_error_shows_its_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, UNEXPECTED)
    assert run(root) == EXIT_UNEXPECTED == 3
    err = capsys.readouterr().err
    assert err.startswith("vmss-plan: the program failed with an unexpected error:\n")
    assert "Traceback" in err and "in helper" in err and "KeyError: 'nope'" in err


def test_the_exit_codes_are_in_the_help() -> None:
    text = _parser().format_help()
    for line in (
        "0  planned",
        "1  the program's configuration",
        "2  a usage or file error",
        "3  an unexpected error",
    ):
        assert line in text
