"""Rewrite tests/invariants/golden/<stack>.json: what Azure receives in each committed stack.

Each file maps every resource's address to its type and inputs, as the offline plan records
them (secrets masked, Azure-computed values as placeholders). tests/invariants/
test_golden_plans.py compares the committed stacks' plans with them, so a change to what
Azure receives is always deliberate: run `make golden`, then read the diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from vmss_plan import build_document, load_project, run_plan

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "invariants" / "golden"
STACKS = ("dev", "staging", "prod")


def received(document_data: dict[str, Any]) -> dict[str, Any]:
    """Address -> type and inputs, for every resource of a plan document."""
    return {
        r["address"]: {"type": r["type"], "inputs": r["inputs"]}
        for r in sorted(document_data["resources"], key=lambda r: r["address"])
    }


def render(stack: str) -> str:
    """The golden file's text for ``stack``, planned now."""
    document = build_document(run_plan(load_project(REPO), stack))
    return json.dumps(received(document.data), indent=1, sort_keys=True) + "\n"


def main() -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for stack in STACKS:
        (GOLDEN / f"{stack}.json").write_text(render(stack), encoding="utf-8")
        print(f"wrote {GOLDEN.relative_to(REPO)}/{stack}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
