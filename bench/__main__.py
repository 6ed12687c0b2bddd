"""``python -m bench [NAME ...]``: run the benchmarks (all of them by default), one by one."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("packaging", "planning", "suite", "setup")


def main(argv: list[str]) -> int:
    """Run each named benchmark module's ``main`` in turn."""
    names = argv or list(BENCHMARKS)
    for name in names:
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}: choose from {', '.join(BENCHMARKS)}")
            return 2
    for name in names:
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        saved = sys.argv
        sys.argv = [f"bench.{name}"]
        try:
            status = module.main()
        finally:
            sys.argv = saved
        if status:
            return int(status)
    from bench import table

    return table.main()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
