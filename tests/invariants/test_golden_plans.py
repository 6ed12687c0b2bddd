"""What Azure receives in each committed stack changes only on purpose.

tests/invariants/golden/<stack>.json holds every resource's address, type and inputs as the
offline plan records them. A difference fails here with the resources that differ; when the
change is intended, `make golden` rewrites the files and the diff shows it for review.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import STACKS

from vmss_plan import PlanRun, build_document

GOLDEN = Path(__file__).resolve().parent / "golden"


def _received(run: PlanRun) -> dict[str, Any]:
    data = build_document(run).data
    return {r["address"]: {"type": r["type"], "inputs": r["inputs"]} for r in data["resources"]}


@pytest.mark.parametrize("stack", STACKS)
def test_the_plan_matches_the_golden_file(stack: str, stack_runs: dict[str, PlanRun]) -> None:
    golden = json.loads((GOLDEN / f"{stack}.json").read_text(encoding="utf-8"))
    planned = _received(stack_runs[stack])
    assert sorted(planned) == sorted(golden), "resources added or removed: run `make golden`"
    changed = [address for address in golden if planned[address] != golden[address]]
    assert changed == [], f"inputs changed (run `make golden` if intended): {changed}"
