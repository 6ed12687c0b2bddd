"""Packaging: ``Package.from_directory`` against ``zip -X -r -q`` + ``sha256sum``.

Builds a seeded ~100 MB tree of a few thousand files (source-like text that compresses,
random bytes that do not, sizes from a few hundred bytes to a few MB), then alternates, in
one session, a cold build of our builder (a fresh interpreter, empty cache) with Debian's
``zip`` followed by ``sha256sum``, measuring each in child processes: wall time and peak RSS
(``wait4``). The warm case (unchanged tree, cache hit) is timed in this process.

    python -m bench.packaging [--reps N] [--size-mb M]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from bench.common import ROOT, Figure, python, ratio, report, run_child, timed

# Words of PowerShell and shell scripts: text that deflates like real configuration does.
_WORDS = (  # noqa: SIM905 - one readable block of words
    "configuration node resource ensure present absent file directory service running "
    "install package version module import export function param return if else foreach "
    "while try catch finally write-host get-item set-item new-item remove-item test-path "
    "the a of to in for on with by from as is are was be this that it not or and 0 1 2 42"
).split()


def make_tree(root: Path, *, target_bytes: int, seed: int = 9) -> tuple[int, int]:
    """Write the benchmark tree under ``root``: (file count, total bytes). Same seed, same tree."""
    rng = random.Random(seed)
    corpus = _corpus(rng, 1 << 20)
    files = 0
    total = 0
    while total < target_bytes:
        roll = rng.random()
        if roll < 0.85:
            size = rng.randint(200, 16_000)  # scripts, manifests, configuration
        elif roll < 0.99:
            size = rng.randint(16_000, 200_000)  # larger sources, data files, images
        else:
            size = rng.randint(500_000, 2_000_000)  # binaries, archives
        compressible = rng.random() < (0.7 if size < 200_000 else 0.3)
        if compressible:
            start = rng.randrange(0, len(corpus) - 1)
            data = (corpus[start:] + corpus)[:size]
        else:
            data = rng.randbytes(size)
        depth = rng.randint(0, 3)
        folder = Path(*(f"dir{rng.randint(0, 11)}" for _ in range(depth)))
        path = root / folder / f"file{files:05d}.{'txt' if compressible else 'bin'}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files += 1
        total += size
    return files, total


def _corpus(rng: random.Random, size: int) -> bytes:
    words: list[str] = []
    length = 0
    while length < size:
        line = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 14)))
        line = "    " * rng.randint(0, 3) + line + f"  # {rng.randint(0, 99999)}\n"
        words.append(line)
        length += len(line)
    return "".join(words).encode()[:size]


def _ours(tree: Path, scratch: Path, run: int) -> tuple[float, float, int, str]:
    cache = scratch / f"cache-{run}"
    cache.mkdir()
    wall, peak, output = run_child(
        [python(), "-m", "bench.package_child", str(tree), str(cache)], cwd=ROOT
    )
    result = json.loads(output)
    sha256 = str(result["sha256"])
    shutil.rmtree(cache)
    return float(result["seconds"]), wall, peak, sha256


def _zip(tree: Path, scratch: Path) -> tuple[float, int]:
    out = scratch / "zip-baseline.zip"
    out.unlink(missing_ok=True)
    zip_wall, zip_peak, _ = run_child(["zip", "-X", "-r", "-q", str(out), "."], cwd=tree)
    sum_wall, sum_peak, _ = run_child(["sha256sum", str(out)])
    out.unlink()
    return zip_wall + sum_wall, max(zip_peak, sum_peak)


def main() -> int:
    """Run the packaging benchmark; print the summary lines; write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--warm-reps", type=int, default=20)
    parser.add_argument("--size-mb", type=int, default=100)
    args = parser.parse_args()
    if shutil.which("zip") is None or shutil.which("sha256sum") is None:
        raise SystemExit("zip and sha256sum are needed: apt-get install zip (make bench does)")

    with tempfile.TemporaryDirectory(prefix="vmss-bench-pkg-") as temporary:
        scratch = Path(temporary)
        tree = scratch / "tree"
        files, total = make_tree(tree, target_bytes=args.size_mb * 1_000_000)
        print(f"tree: {files} files, {total / 1e6:.1f} MB", flush=True)

        _, bare_peak, _ = run_child([python(), "-c", "pass"])
        _, import_peak, _ = run_child(
            [python(), "-m", "bench.package_child", "--baseline"], cwd=ROOT
        )

        # One untimed round of each warms the page cache and checks the zip is sound.
        _, _, _, digest = _ours(tree, scratch, -1)
        _zip(tree, scratch)

        ours_call: list[float] = []
        ours_child: list[float] = []
        ours_peak: list[float] = []
        zip_time: list[float] = []
        zip_peak: list[float] = []
        for run in range(args.reps):
            # Alternate which goes first, so drift in the machine's load hits both alike.
            order = ("ours", "zip") if run % 2 == 0 else ("zip", "ours")
            for contender in order:
                if contender == "ours":
                    call, wall, peak, sha256 = _ours(tree, scratch, run)
                    if sha256 != digest:
                        raise SystemExit("two cold builds of the same tree differ")
                    ours_call.append(call)
                    ours_child.append(wall)
                    ours_peak.append(peak)
                else:
                    wall, peak = _zip(tree, scratch)
                    zip_time.append(wall)
                    zip_peak.append(peak)

        # Warm: the same tree again, served from the cache, in this process.
        import os

        from vmss_components.packaging import Package

        cache = scratch / "warm-cache"
        os.environ["VMSS_COMPONENTS_CACHE_DIR"] = str(cache)
        cold = Package.from_directory(tree, name="bench")
        _check_zip(cold.path)
        warm_times = [
            timed(lambda: Package.from_directory(tree, name="bench")) for _ in range(args.warm_reps)
        ]

    baseline = Figure("zip -X -r -q + sha256sum", tuple(zip_time))
    call = Figure("Package.from_directory, cold (call)", tuple(ours_call))
    child = Figure("Package.from_directory, cold (whole process)", tuple(ours_child))
    call = _with_ratio(call, baseline, "≤ 1.2")
    child = _with_ratio(child, baseline, None)
    warm = Figure("Package.from_directory, warm (cache hit)", tuple(warm_times))
    warm = Figure(
        warm.name,
        warm.samples,
        ratio=ratio(warm, call),
        ratio_of="of cold",
        target="≤ 0.05",
        met=ratio(warm, call) <= 0.05,
    )
    above_import = tuple(p - import_peak for p in ours_peak)
    above_bare = tuple(p - bare_peak for p in ours_peak)
    figures = [
        baseline,
        call,
        child,
        warm,
        Figure("peak RSS zip / sha256sum (max)", tuple(zip_peak), unit="B"),
        Figure(
            "peak RSS ours above interpreter+library",
            above_import,
            unit="B",
            target="< 100 MiB",
            met=max(above_import) < 100 * 2**20,
        ),
        Figure("peak RSS ours above bare interpreter", above_bare, unit="B"),
    ]
    report(
        "packaging",
        figures,
        {
            "tree": {"files": files, "bytes": total},
            "baselines": {"bare_interpreter_rss": bare_peak, "with_library_rss": import_peak},
        },
    )
    return 0


def _with_ratio(figure: Figure, baseline: Figure, target: str | None) -> Figure:
    value = ratio(figure, baseline)
    return Figure(
        figure.name,
        figure.samples,
        ratio=value,
        ratio_of="of zip+sha256sum",
        target=target,
        met=None if target is None else value <= 1.2,
    )


def _check_zip(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        bad = archive.testzip()
    if bad is not None:
        raise SystemExit(f"zipfile finds {bad} corrupt in {path}")
    if shutil.which("unzip"):
        done = subprocess.run(["unzip", "-tqq", str(path)], capture_output=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"unzip -t rejects {path}: {done.stdout!r}{done.stderr!r}")


if __name__ == "__main__":
    raise SystemExit(main())
