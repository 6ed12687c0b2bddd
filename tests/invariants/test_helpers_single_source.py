"""The test tiers share one helpers package: where the repository is and which stacks are
committed is said once, in ``helpers.paths``, and every test module imports it from there."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import REPO

SHARED = ("REPO", "STACKS")


def _redefinitions(root: Path) -> list[str]:
    """Module-level assignments of a shared name outside ``helpers/``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if "helpers" in path.relative_to(root).parts or "user_project" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            for target in targets:
                if isinstance(target, ast.Name) and target.id in SHARED:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {target.id}")
    return found


def test_repo_and_stacks_are_defined_once() -> None:
    assert _redefinitions(REPO / "tests") == []


def test_the_check_sees_a_redefinition(tmp_path: Path) -> None:
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "paths.py").write_text("REPO = 1\n")
    (tmp_path / "test_x.py").write_text("import os\nSTACKS: tuple[str, ...] = ('dev',)\n")
    assert _redefinitions(tmp_path) == ["test_x.py:2 STACKS"]
