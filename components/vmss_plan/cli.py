"""``vmss-plan STACK``: the offline plan of a stack, for people and for CI.

Exit codes (also in ``--help``): 0 planned; 1 the program's configuration error, on one line
(the Pulumi CLI's config rules, a ConfigurationError raised by the program or inside an apply,
Pulumi's missing/mistyped config); 2 a usage or file error, on one line (bad arguments, no
Pulumi.yaml or stack file, a ``--compare`` file that is not a plan, a ``--json``/``--graph``
path that is a folder); 3 an unexpected error in the program, with its traceback.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

import pulumi

from vmss_components.errors import ConfigurationError

from .answers import (
    Answers,
    PlanMocks,
    load_user_mocks,
    read_invokes,
    read_stack_outputs,
)
from .document import PlanDocument, build_document
from .errors import PlanInputError
from .graph import mermaid
from .project import Project, load_project, load_stack_config
from .render import glyphs_for, render
from .rollout import rollout_report
from .runner import is_program_file, locate_program, run_plan

EXIT_OK = 0
EXIT_CONFIGURATION = 1
EXIT_USAGE = 2
EXIT_UNEXPECTED = 3

_EXIT_CODES = """exit codes:
  0  planned
  1  the program's configuration is wrong (one line): the Pulumi CLI's config rules, a
     ConfigurationError from the program (also inside an apply), missing or mistyped config
  2  a usage or file error (one line): bad arguments, no Pulumi.yaml or stack file, a
     --compare file that is not a plan, a --json/--graph path that is a folder, an
     unreadable --stack-outputs/--invokes file or --mocks class, a StackReference or an
     invoke that nothing answers (the line names it and how to answer it)
  3  an unexpected error in the program (its traceback, from the program's first frame)

answers for what only a real deployment knows (first that answers wins):
  --stack-outputs NAME=FILE  a StackReference to NAME reads FILE: the JSON object that
                             `pulumi stack output --json --show-secrets` prints, or
                             {"outputs": {...}, "secretOutputNames": [...]}
  --invokes FILE             canned invoke results, wire (camelCase) names:
                             {"azure-native:network:getSubnet": {"id": "/subscriptions/..."}}
                             or {"<token>": [{"args": {...}, "result": {...}}, ...]}
  --mocks module:Class       your pulumi.runtime.Mocks subclass (imported from the project
                             folder or the current one, built with no arguments); return
                             None from call/new_resource for what it does not answer
  then the built-in Azure mocks (names, ids, blob URLs, SAS tokens, getClientConfig, ...)"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vmss-plan",
        description="Plan a stack offline: run its Pulumi program under the mock engine "
        "(no Azure, no Pulumi CLI) and show what `pulumi up` would create.",
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    parser.add_argument(
        "--stack-outputs",
        metavar="NAME=FILE",
        action="append",
        default=[],
        help="answer a StackReference to NAME with the outputs in FILE (repeatable)",
    )
    parser.add_argument(
        "--invokes", metavar="FILE", type=Path, help="canned invoke results (JSON, by token)"
    )
    parser.add_argument(
        "--mocks",
        metavar="MODULE:CLASS",
        help="your own pulumi.runtime.Mocks for lookups and other providers",
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
    """Entry point of the ``vmss-plan`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    stdout, stderr = _console(sys.stdout), _console(sys.stderr)
    glyphs = glyphs_for(getattr(stdout, "encoding", None))
    color = (
        args.color if args.color is not None else (stdout.isatty() and "NO_COLOR" not in os.environ)
    )
    # Paths are checked before the program runs: a wrong one costs no plan.
    for option, path in (("--json", args.json), ("--graph", args.graph)):
        if path is not None and path.is_dir():
            stderr.write(f"vmss-plan: {option} {path}: is a folder, not a file\n")
            return EXIT_USAGE
    previous = None
    if args.compare is not None:
        try:
            previous = PlanDocument.from_json(args.compare.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            stderr.write(f"vmss-plan: cannot read --compare {args.compare}: {_one_line(error)}\n")
            return EXIT_USAGE
    progress = _Progress(stderr)
    mocks: PlanMocks | None = None
    project: Project | None = None
    try:
        project = load_project(args.project_dir)
        answers = Answers(
            stack_outputs=read_stack_outputs(args.stack_outputs),
            invokes=read_invokes(args.invokes),
            mocks=load_user_mocks(args.mocks, project.root, Path.cwd()),
        )
        mocks = PlanMocks(answers, preview=args.preview)
        run = run_plan(project, args.stack, preview=args.preview, on_build=progress, mocks=mocks)
    except PlanInputError as error:
        progress.done()
        stderr.write(f"vmss-plan: {_one_line(error)}\n")
        return EXIT_USAGE
    except Exception as error:  # the program's own: sorted into configuration or unexpected
        progress.done()
        if mocks is not None and mocks.unanswered:
            # Asked first: the program may have swallowed the error or failed on its absence.
            stderr.write(f"vmss-plan: {_one_line(Exception(mocks.unanswered[0]))}\n")
            return EXIT_USAGE
        cause = _configuration_cause(error)
        if cause is not None:
            hint = _stand_in_hint(project, args.stack) if project is not None else ""
            stderr.write(f"vmss-plan: configuration error: {_one_line(cause)}{hint}\n")
            return EXIT_CONFIGURATION
        stderr.write("vmss-plan: the program failed with an unexpected error:\n")
        stderr.write(_program_traceback(error, project))
        return EXIT_UNEXPECTED
    progress.done()
    document = build_document(run)
    if not args.quiet:
        stdout.write(render(document, color=color, glyphs=glyphs))
    try:
        if args.json is not None:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(document.to_json(), encoding="utf-8")
            stderr.write(f"plan written to {args.json}\n")
        if args.graph is not None:
            args.graph.parent.mkdir(parents=True, exist_ok=True)
            args.graph.write_text(mermaid(document), encoding="utf-8")
            stderr.write(f"diagram written to {args.graph}\n")
    except OSError as error:
        stderr.write(f"vmss-plan: cannot write: {_one_line(error)}\n")
        return EXIT_USAGE
    if previous is not None:
        stdout.write("\n" + rollout_report(previous, document, color=color))
    return EXIT_OK


def _console(stream: TextIO) -> TextIO:
    """``stream`` set up to write anything whatever the locale.

    Redirected to a file or pipe, the plan is UTF-8, like the files it writes. On a terminal
    it keeps the terminal's encoding (the tree is drawn in ASCII when that has no box
    characters, see :func:`~.render.glyphs_for`), and a character it cannot show is written
    as an escape (``\\xe9``) instead of failing the run.
    """
    if isinstance(stream, io.TextIOWrapper):
        try:
            stream.flush()
            if stream.isatty():
                stream.reconfigure(errors="backslashreplace")
            else:
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
        except (OSError, ValueError):
            pass  # a stream that cannot be reconfigured (closed, or already written to)
    return stream


def _program_traceback(error: BaseException, project: Project | None) -> str:
    """The traceback from the program's first frame on, as the Pulumi Python host prints an
    unhandled exception (the plan tool's and the engine's frames above it say nothing about
    the program); the whole traceback when no frame is the program's."""
    start = error.__traceback__
    try:
        folder = locate_program(project).pwd if project is not None else None
    except Exception:  # a project whose program cannot be located: keep every frame
        folder = None
    if folder is not None:
        frame = start
        while frame is not None and not _in_program(frame.tb_frame.f_code.co_filename, folder):
            frame = frame.tb_next
        if frame is not None:
            start = frame
    return "".join(traceback.format_exception(type(error), error, start))


def _in_program(filename: str, folder: Path) -> bool:
    # A file ``main`` runs by a name relative to the program folder (runpy keeps it so);
    # frozen modules (``<frozen runpy>``) are no files at all.
    path = folder / filename
    return path.is_file() and is_program_file(path, folder)


def _stand_in_hint(project: Project, stack: str) -> str:
    """Said after a configuration error when the stack holds encrypted values: offline they
    are stand-ins (:data:`~.project.ENCRYPTED_PLACEHOLDER`), so a check the program makes of
    one (an SSH key kept as a secret) fails here although the real value may pass."""
    try:
        keys = load_stack_config(project, stack).encrypted_keys
    except Exception:  # the config itself is what failed: nothing to add
        return ""
    if not keys:
        return ""
    return (
        f" (offline, the encrypted values of {', '.join(keys)} are stand-ins: a check of one "
        "of them fails here, not under `pulumi up`)"
    )


def _one_line(error: BaseException) -> str:
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip())


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, its causes and contexts, and the members of exception groups, once each."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)


def _configuration_cause(error: BaseException) -> BaseException | None:
    """The configuration error behind ``error`` (raised directly or inside an apply)."""
    for candidate in _chain(error):
        if isinstance(candidate, ConfigurationError | pulumi.RunError):
            return candidate
    return None


if __name__ == "__main__":
    raise SystemExit(main())
