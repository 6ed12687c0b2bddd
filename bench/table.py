"""Writes the latest results (``bench/results/*.json``) into ``docs/performance.md``.

The table sits between two markers in that file; the prose around it is left alone.
``python -m bench`` calls this after the benchmarks; ``python -m bench.table`` redoes it.
"""

from __future__ import annotations

import json
from typing import Any

from bench.common import RESULTS, ROOT

DOC = ROOT / "docs" / "performance.md"
START = "<!-- bench:start (written by python -m bench.table) -->"
END = "<!-- bench:end -->"
ORDER = ("packaging", "planning", "suite", "setup")


def _value(value: float, unit: str) -> str:
    if unit == "B":
        return f"{value / 2**20:.1f} MiB"
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


def _machine(data: dict[str, Any]) -> str:
    machine = data["machine"]
    load = ", ".join(f"{v:.2f}" for v in machine.get("load_average", []))
    return (
        f"{machine['cores']} cores ({machine['cpu']}), Python {machine['python']}, "
        f"{machine['os']}; {machine['time']}, commit {machine.get('git') or '?'}, "
        f"load average at the end {load}"
    )


def render(results: dict[str, dict[str, Any]]) -> str:
    """The generated part of the page: per benchmark, its machine line and its figures."""
    lines = [START, ""]
    for name in (n for n in ORDER if n in results):
        data = results[name]
        lines += [f"**{name}**: {_machine(data)}", ""]
        lines += [
            "| figure | median | min | max | n | ratio | target |",
            "|---|---|---|---|---|---|---|",
        ]
        for figure in data["figures"]:
            unit = figure["unit"]
            ratio = "" if figure["ratio"] is None else f"{figure['ratio']:.3f}"
            if ratio and figure.get("ratio_of"):
                ratio += f" ({figure['ratio_of']})"
            target = figure.get("target") or ""
            if target and figure.get("met") is not None:
                target += " ✓ met" if figure["met"] else " ✗ missed"
            lines.append(
                f"| {figure['name']} | {_value(figure['median'], unit)} | "
                f"{_value(figure['min'], unit)} | {_value(figure['max'], unit)} | "
                f"{len(figure['samples'])} | {ratio} | {target} |"
            )
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def main() -> int:
    """Rewrite the table in ``docs/performance.md`` from the JSON results."""
    results = {path.stem: json.loads(path.read_text()) for path in sorted(RESULTS.glob("*.json"))}
    text = DOC.read_text()
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    DOC.write_text(before + render(results) + after)
    print(f"table written to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
