"""The pinned public API is the documented one: every name in ``vmss_components.__all__`` and
``vmss_components.testing.__all__`` is named (as code) in the README or in docs/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import REPO

import vmss_components
import vmss_components.testing


def _documented_names(pages: list[Path]) -> set[str]:
    """Every identifier that appears inside a code span or a fenced block of ``pages``."""
    names: set[str] = set()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        code = re.findall(r"```.*?```|`[^`\n]+`", text, re.S)
        for span in code:
            names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span, re.ASCII))
    return names


def _pages() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


@pytest.mark.parametrize(
    "module",
    [vmss_components, vmss_components.testing],
    ids=["vmss_components", "vmss_components.testing"],
)
def test_every_exported_name_is_documented(module: object) -> None:
    documented = _documented_names(_pages())
    exported: list[str] = module.__all__  # type: ignore[attr-defined]
    assert sorted(set(exported) - documented) == []


def test_the_check_sees_an_undocumented_name(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("`MockDeployment(preview=True)` and\n```python\nreveal(x)\n```\nSecret\n")
    assert _documented_names([page]) >= {"MockDeployment", "preview", "reveal"}
    assert "Secret" not in _documented_names([page])
