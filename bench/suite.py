"""Test suite: wall time of ``make test``'s pytest step (``pytest -n auto``), against 60 s, and
of the fast pure tier (``tests/unit`` in one process, ``make unit-fast``), against 10 s.

Runs the step as ``make unit`` does, a few times, the unit tier as many times, plus one serial
run of everything (``-p no:xdist``) for reference. The suite is pytest's own; nothing here is
timed inside a test.

    python -m bench.suite [--reps N] [--no-serial]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from bench.common import ROOT, Figure, report, run_child

TARGET_SECONDS = 60.0
UNIT_TARGET_SECONDS = 10.0


def _pytest(*extra: str) -> tuple[float, int]:
    pytest = str(Path(ROOT / ".venv" / "bin" / "pytest"))
    wall, _, output = run_child([pytest, "-q", "-p", "no:cacheprovider", *extra], cwd=ROOT)
    passed = re.search(r"(\d+) passed", output)
    return wall, int(passed.group(1)) if passed else 0


def main() -> int:
    """Run the suite benchmark; print the summary lines; write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--no-serial", action="store_true")
    args = parser.parse_args()
    parallel: list[float] = []
    tests = 0
    for _ in range(args.reps):
        wall, tests = _pytest("-n", "auto")
        parallel.append(wall)
    figure = Figure("pytest -n auto (make unit)", tuple(parallel))
    share = figure.median / TARGET_SECONDS
    figures = [
        Figure(
            figure.name,
            figure.samples,
            ratio=share,
            ratio_of="of 60 s",
            target="< 60 s",
            met=figure.median < TARGET_SECONDS,
        )
    ]
    unit = Figure(
        "pytest tests/unit, one process (make unit-fast)",
        tuple(_pytest("-p", "no:xdist", "tests/unit")[0] for _ in range(args.reps)),
    )
    figures.append(
        Figure(
            unit.name,
            unit.samples,
            ratio=unit.median / UNIT_TARGET_SECONDS,
            ratio_of="of 10 s",
            target="< 10 s",
            met=unit.median < UNIT_TARGET_SECONDS,
        )
    )
    if not args.no_serial:
        wall, _ = _pytest("-p", "no:xdist")
        figures.append(Figure("pytest, one process (reference)", (wall,)))
    report("suite", figures, {"tests": tests})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
