"""What every benchmark shares: timing statistics, summary lines, machine facts, results."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Figure:
    """One measured figure: samples (seconds, or bytes for memory) and an optional ratio."""

    name: str
    samples: tuple[float, ...]
    unit: str = "s"
    ratio: float | None = None
    ratio_of: str | None = None
    target: str | None = None
    met: bool | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def line(self) -> str:
        """The one summary line a benchmark prints for this figure."""
        values = (self.median, min(self.samples), max(self.samples))
        median, low, high = (_format(v, self.unit) for v in values)
        text = f"{self.name:<44} median {median:>10}  min {low:>10}  max {high:>10}"
        text += f"  n={len(self.samples)}"
        if self.ratio is not None:
            text += f"  ratio {self.ratio:.3f}"
            if self.ratio_of:
                text += f" ({self.ratio_of})"
        if self.target is not None:
            verdict = "" if self.met is None else (" met" if self.met else " MISSED")
            text += f"  target {self.target}{verdict}"
        return text

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "median": self.median,
            "min": min(self.samples),
            "max": max(self.samples),
            "samples": list(self.samples),
            "ratio": self.ratio,
            "ratio_of": self.ratio_of,
            "target": self.target,
            "met": self.met,
        }


def _format(value: float, unit: str) -> str:
    if unit == "B":
        return f"{value / 2**20:.1f} MiB"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.2f} s"
    return f"{value:.3f} {unit}"


def ratio(figure: Figure, baseline: Figure) -> float:
    """Ratio of medians."""
    return figure.median / baseline.median


def machine() -> dict[str, Any]:
    """The facts a timing needs next to it: cores, CPU model, Python, OS, load."""
    model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "os": f"{platform.system()} {platform.release()}",
        "load_average": list(os.getloadavg()),
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": _git_revision(),
    }


def _git_revision() -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return done.stdout.strip() or None


def report(benchmark: str, figures: Sequence[Figure], extra: dict[str, Any] | None = None) -> Path:
    """Print one line per figure and write ``bench/results/<benchmark>.json``."""
    for figure in figures:
        print(figure.line(), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{benchmark}.json"
    document = {
        "benchmark": benchmark,
        "machine": machine(),
        "figures": [f.as_json() for f in figures],
        **(extra or {}),
    }
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    temporary.replace(path)
    print(f"results written to {path.relative_to(ROOT)}", flush=True)
    return path


def timed(action: Callable[[], object]) -> float:
    """Wall time of one call, in seconds."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


_TIME = shutil.which("time", path="/usr/bin:/bin")


def run_child(command: Sequence[str], **kwargs: Any) -> tuple[float, int, str]:
    """Run a child process to completion: (wall seconds, peak RSS in bytes, stdout).

    The peak is the child's own high-water mark, read by GNU ``time`` (``%M``) when it is
    installed. Without it, ``wait4``'s ``ru_maxrss`` is used, which on Linux also counts
    the memory this (forking) process had when the child started.
    """
    argv = list(command)
    report_file = None
    if _TIME is not None:
        handle, report_file = tempfile.mkstemp(prefix="bench-rss-")
        os.close(handle)
        argv = [_TIME, "-q", "-f", "%M", "-o", report_file, *argv]
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, **kwargs)
    assert process.stdout is not None
    output = process.stdout.read()
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}")
    # Both report KiB on Linux.
    peak_kib = usage.ru_maxrss
    if report_file is not None:
        text = Path(report_file).read_text().split()
        Path(report_file).unlink()
        peak_kib = int(text[-1])
    return elapsed, peak_kib * 1024, output


def python() -> str:
    """The interpreter running the benchmarks (the project's virtualenv under make)."""
    return sys.executable
