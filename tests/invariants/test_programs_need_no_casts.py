"""The repository's Pulumi programs read config as a user's would: fixed choices are narrowed
with ``vmss_components.choice`` and Outputs are passed as they are, so no program needs a
``cast`` or a ``type: ignore`` (issue 17, point 5). ``make typecheck`` checks each of them
with mypy --strict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import REPO

PROGRAMS = sorted(
    path
    for folder in ("stacks", "examples", "tests/invariants/user_project")
    for path in (REPO / folder).rglob("*.py")
)
ESCAPES = re.compile(r"#\s*type:\s*ignore|\bcast\(")


def test_the_programs_are_found() -> None:
    names = {path.relative_to(REPO).as_posix() for path in PROGRAMS}
    assert {"stacks/__main__.py", "examples/guest_assignment/__main__.py"} <= names


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_program_casts_or_ignores_a_type(path: Path) -> None:
    found = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ESCAPES.search(line)
    ]
    assert found == []
