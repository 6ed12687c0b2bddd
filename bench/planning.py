"""Planning: the offline plan of the dev stack against the same resources declared raw.

``vmss-plan dev`` (project, stack config, the program under the mocks, the masked plan
document, the rendered tree) against ``bench/raw_dev.py``, the dev stack's azure-native
resources declared by hand, run under the same mocks. Both run alternately in this one
process after a warm-up, as ``pulumi preview`` runs a program: imports done once, package
cache warm. A fresh process of each (``vmss-plan dev`` against ``python -m bench.raw_dev``) is
timed too. Scaling: the plan of a program with 1, 10 and 100 scale sets of each component
(``bench/scaling_program.py``), as time per scale set.

    python -m bench.planning [--reps N] [--counts 1,10,100]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench.common import ROOT, Figure, python, ratio, report, run_child, timed

SCALING_MAIN = """\
import sys

sys.path.insert(0, {root!r})

import pulumi

from bench.scaling_program import program

program(int(pulumi.Config().require("count")))
"""


def plan_dev() -> None:
    """What ``vmss-plan dev --quiet`` does, in this process."""
    from vmss_plan import build_document, load_project, run_plan
    from vmss_plan.render import render

    document = build_document(run_plan(load_project(ROOT), "dev"))
    render(document, color=False)


def raw_dev() -> None:
    """The hand-written program under the same mocks, with the dev stack's project and config."""
    from bench import raw_dev as program
    from vmss_components.testing import MockDeployment
    from vmss_plan import load_project
    from vmss_plan.project import load_stack_config

    project = load_project(ROOT)
    config = load_stack_config(project, "dev")
    with MockDeployment(
        project=project.name,
        stack="dev",
        config=config.values,
        secret_config_keys=config.secret_keys,
        speedups=True,
    ) as deployment:
        deployment.run(program.program)


def _scaling_project(folder: Path, counts: list[int]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pulumi.yaml").write_text(
        "name: vmss-bench\nruntime: python\nconfig:\n  count:\n    type: integer\n"
    )
    (folder / "__main__.py").write_text(SCALING_MAIN.format(root=str(ROOT)))
    for count in counts:
        (folder / f"Pulumi.n{count}.yaml").write_text(f"config:\n  vmss-bench:count: {count}\n")
    return folder


def _plan_scaling(folder: Path, count: int) -> int:
    from vmss_plan import build_document, load_project, run_plan
    from vmss_plan.render import render

    document = build_document(run_plan(load_project(folder), f"n{count}"))
    render(document, color=False)
    return len(document.resources)


def main() -> int:
    """Run the planning benchmark; print the summary lines; write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--process-reps", type=int, default=5)
    parser.add_argument("--counts", default="1,10,100")
    parser.add_argument("--scaling-reps", type=int, default=3)
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]

    with tempfile.TemporaryDirectory(prefix="vmss-bench-plan-") as temporary:
        # A cache of its own: the first plan builds the packages, the timed ones reuse them.
        os.environ["VMSS_COMPONENTS_CACHE_DIR"] = str(Path(temporary) / "cache")
        for _ in range(2):
            plan_dev()
            raw_dev()
        plans: list[float] = []
        raws: list[float] = []
        for run in range(args.reps):
            if run % 2 == 0:
                plans.append(timed(plan_dev))
                raws.append(timed(raw_dev))
            else:
                raws.append(timed(raw_dev))
                plans.append(timed(plan_dev))

        env = {**os.environ}
        plan_process: list[float] = []
        raw_process: list[float] = []
        for _ in range(args.process_reps):
            wall, _, _ = run_child(
                [python(), "-m", "vmss_plan.cli", "dev", "--quiet"], cwd=ROOT, env=env
            )
            plan_process.append(wall)
            wall, _, _ = run_child([python(), "-m", "bench.raw_dev"], cwd=ROOT, env=env)
            raw_process.append(wall)

        project = _scaling_project(Path(temporary) / "scaling", counts)
        _plan_scaling(project, counts[0])
        per_scale_set: dict[int, list[float]] = {}
        resources: dict[int, int] = {}
        for count in counts:
            samples = []
            for _ in range(args.scaling_reps):
                holder: list[int] = []
                seconds = timed(lambda c=count, h=holder: h.append(_plan_scaling(project, c)))
                resources[count] = holder[0]
                samples.append(seconds / (3 * count))
            per_scale_set[count] = samples

    raw = Figure("raw azure-native program (dev resources)", tuple(raws))
    plan = Figure("vmss-plan dev (in process)", tuple(plans))
    plan_ratio = ratio(plan, raw)
    plan = Figure(
        plan.name,
        plan.samples,
        ratio=plan_ratio,
        ratio_of="of raw",
        target="≤ 1.2",
        met=plan_ratio <= 1.2,
    )
    raw_p = Figure("python -m bench.raw_dev (fresh process)", tuple(raw_process))
    plan_p = Figure("vmss-plan dev --quiet (fresh process)", tuple(plan_process))
    plan_p = Figure(
        plan_p.name, plan_p.samples, ratio=ratio(plan_p, raw_p), ratio_of="of raw process"
    )
    figures = [raw, plan, raw_p, plan_p]
    reference = counts[1] if len(counts) > 1 else counts[0]
    base = Figure("", tuple(per_scale_set[reference]))
    for count in counts:
        figure = Figure(f"plan, {count} x 3 scale sets: per scale set", tuple(per_scale_set[count]))
        growth = ratio(figure, base)
        flat = count <= reference or growth <= 1.2
        figures.append(
            Figure(
                figure.name,
                figure.samples,
                ratio=growth,
                ratio_of=f"of {reference} x 3",
                target=None if count < reference else "≤ 1.2",
                met=None if count < reference else flat,
            )
        )
    report("planning", figures, {"scaling_resources": resources})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
