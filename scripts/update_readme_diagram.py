"""Regenerate the dev environment's diagram in README.md from `vmss-plan dev --graph`.

Run by `make diagram`; tests/plan/test_plan.py fails when the README's diagram is stale.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        graph = Path(folder) / "dev.mmd"
        subprocess.run(
            ["vmss-plan", "dev", "--quiet", "--graph", str(graph)],
            check=True,
            cwd=README.parent,
        )
        diagram = graph.read_text(encoding="utf-8")
    text = README.read_text(encoding="utf-8")
    updated, count = re.subn(
        r"```mermaid\n.*?```", lambda _: f"```mermaid\n{diagram}```", text, flags=re.DOTALL
    )
    if count != 1:
        sys.stderr.write("README.md must hold exactly one mermaid block\n")
        return 1
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
