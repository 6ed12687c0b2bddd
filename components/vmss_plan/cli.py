"""``vmss-plan STACK``: the offline plan of a stack, for people and for CI.

Exit codes: 0 the plan ran; 1 a configuration error (the message names the field);
2 a usage error (bad arguments, an unreadable ``--compare`` file).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from vmss_components.errors import ConfigurationError

from .document import PlanDocument, build_document
from .graph import mermaid
from .project import load_project
from .render import render
from .rollout import rollout_report
from .runner import run_plan

EXIT_OK = 0
EXIT_CONFIGURATION = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vmss-plan",
        description="Plan a stack offline: run its Pulumi program under the mock engine "
        "(no Azure, no Pulumi CLI) and show what `pulumi up` would create.",
    )
    parser.add_argument("stack", help="stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument("--json", metavar="FILE", type=Path, help="write the plan as JSON")
    parser.add_argument(
        "--compare",
        metavar="OLD.json",
        type=Path,
        help="print the rollout report against an earlier plan's JSON",
    )
    parser.add_argument(
        "--graph", metavar="FILE", type=Path, help="write a Mermaid diagram of the environment"
    )
    parser.add_argument(
        "--project-dir",
        metavar="DIR",
        type=Path,
        default=Path.cwd(),
        help="folder holding Pulumi.yaml, or below it (default: the current folder)",
    )
    parser.add_argument(
        "--preview",
        action="store_true",
        help="plan as `pulumi preview` of a new stack: Azure-computed values stay unknown",
    )
    parser.add_argument("--quiet", action="store_true", help="print no resource tree")
    color = parser.add_mutually_exclusive_group()
    color.add_argument("--color", dest="color", action="store_true", default=None)
    color.add_argument("--no-color", dest="color", action="store_false")
    return parser


class _Progress:
    """One line saying which package is building; rewritten in place on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.shown = False

    def __call__(self, package: str) -> None:
        if self.tty:
            self.stream.write(f"\r\x1b[Kbuilding package {package} ...")
        else:
            self.stream.write(f"building package {package} ...\n")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vmss-plan`` console script."""
    args = _parser().parse_args(argv)
    stdout, stderr = sys.stdout, sys.stderr
    color = (
        args.color if args.color is not None else (stdout.isatty() and "NO_COLOR" not in os.environ)
    )
    previous = None
    if args.compare is not None:
        try:
            previous = PlanDocument.from_json(args.compare.read_text())
        except (OSError, ValueError) as error:
            stderr.write(f"vmss-plan: cannot read --compare {args.compare}: {error}\n")
            return EXIT_USAGE
    progress = _Progress(stderr)
    try:
        project = load_project(args.project_dir)
        run = run_plan(project, args.stack, preview=args.preview, on_build=progress)
    except ConfigurationError as error:
        progress.done()
        stderr.write(f"vmss-plan: configuration error: {error}\n")
        return EXIT_CONFIGURATION
    progress.done()
    document = build_document(run)
    if not args.quiet:
        stdout.write(render(document, color=color))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(document.to_json())
        stderr.write(f"plan written to {args.json}\n")
    if args.graph is not None:
        args.graph.parent.mkdir(parents=True, exist_ok=True)
        args.graph.write_text(mermaid(document))
        stderr.write(f"diagram written to {args.graph}\n")
    if previous is not None:
        stdout.write("\n" + rollout_report(previous, document, color=color))
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
