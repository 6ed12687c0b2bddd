"""Set-up: a fresh clone's ``make plan`` (environment from the lock, then the first plan),
against 15 s.

Clones this checkout's HEAD into a temporary folder and times, there, ``make venv`` (uv
installs requirements.lock) and then ``make plan`` (the first plan, which also writes the
bytecode of what it imports), a few times. uv is already bootstrapped on this machine and its
cache warm (``make bench`` itself made the project's environment first): what a developer's
second clone, or a CI machine with a cache, costs.

    python -m bench.setup [--reps N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from bench.common import ROOT, Figure, report, run_child

TARGET_SECONDS = 15.0


def _fresh_clone(into: Path) -> Path:
    clone = into / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
        check=True,
        timeout=300,
    )
    return clone


def main() -> int:
    """Run the set-up benchmark; print the summary lines; write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    venv: list[float] = []
    plan: list[float] = []
    for _ in range(args.reps):
        with tempfile.TemporaryDirectory(prefix="bench-setup-") as folder:
            clone = _fresh_clone(Path(folder))
            venv_wall, _, _ = run_child(["make", "-s", "venv"], cwd=clone, env=environment)
            plan_wall, _, _ = run_child(["make", "-s", "plan"], cwd=clone, env=environment)
            venv.append(venv_wall)
            plan.append(plan_wall)
    total = tuple(a + b for a, b in zip(venv, plan, strict=True))
    whole = Figure("fresh clone: make plan (venv + first plan)", total)
    figures = [
        Figure(
            whole.name,
            total,
            ratio=whole.median / TARGET_SECONDS,
            ratio_of="of 15 s",
            target="< 15 s",
            met=whole.median < TARGET_SECONDS,
        ),
        Figure("  of which make venv (uv, warm cache)", tuple(venv)),
        Figure("  of which the first plan", tuple(plan)),
    ]
    report("setup", figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
