"""docs/architecture.md's layout names every module of the two packages: a newcomer's map
that leaves a module out (or names one that is gone) sends them looking in the wrong place."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import REPO

SOURCE = REPO / "components"


def _layout_block(text: str) -> str:
    """The first fenced block under the "Layout" heading."""
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"^```\n(.*?)^```", section, re.M | re.S)
    assert match is not None, "no fenced layout block under ## Layout"
    return match.group(1)


def _unnamed_modules(layout: str, source: Path) -> list[str]:
    """Modules and subpackages under ``source`` whose name the layout does not mention."""
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", layout, re.ASCII))
    missing = []
    for path in sorted(source.rglob("*.py")):
        if "__pycache__" in path.parts or path.name == "__init__.py":
            continue
        if path.stem not in words and path.stem.lstrip("_") not in words:
            missing.append(str(path.relative_to(source)))
    for package in sorted(p.parent for p in source.rglob("__init__.py")):
        if package.name not in words:
            missing.append(f"{package.relative_to(source)}/")
    return missing


def test_the_layout_names_every_module() -> None:
    layout = _layout_block((REPO / "docs" / "architecture.md").read_text(encoding="utf-8"))
    assert _unnamed_modules(layout, SOURCE) == []


def test_the_check_sees_an_unnamed_module(tmp_path: Path) -> None:
    package = tmp_path / "lib"
    (package / "store").mkdir(parents=True)
    for name in ("__init__.py", "store/__init__.py", "store/sas.py", "store/_network.py"):
        (package / name).write_text("")
    (package / "store" / "network.py").write_text("")
    layout = "lib/\n  store/   sas.py, _network\n"
    assert _unnamed_modules(layout, tmp_path) == ["lib/store/network.py"]
