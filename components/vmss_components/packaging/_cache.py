"""The build cache: where built zips and content files are kept, and how a slot is pruned. Pure.

Layout under :func:`cache_dir`: ``content/<sha256>/<filename>`` for content given in code;
``zips/<slot>/<key>.json`` (one per fingerprint of a tree, pointing at a zip) and
``zips/<slot>/<sha256>/<label>.zip`` for zips, a slot per package label and source folder.
Every file is written to a temporary name and renamed into place, so a reader never sees half
of one; a meta file that cannot be read is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Per package slot, older builds are dropped beyond this many: enough for a plan to compare
# the previous tree with the current one, without the cache growing on every edit.
_KEEP_PER_SLOT = 4


@dataclass(frozen=True, kw_only=True)
class BuiltZip:
    """A zip on disk with its digests."""

    path: Path
    sha256: str
    md5_base64: str
    size: int
    uncompressed_size: int


def cache_dir() -> Path:
    """Where built zips are kept: ``$VMSS_COMPONENTS_CACHE_DIR``, else the user cache folder."""
    explicit = os.environ.get("VMSS_COMPONENTS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vmss-components"


def slot_directory(label: str, origin: str) -> Path:
    """The folder holding the builds of package ``label`` from ``origin`` (its source)."""
    readable = re.sub(r"[^A-Za-z0-9._-]", "_", label)[:60]
    return cache_dir() / "zips" / f"{readable}-{hashlib.sha256(origin.encode()).hexdigest()[:16]}"


def zip_location(directory: Path, sha256: str, label: str) -> Path:
    """Where a zip with digest ``sha256`` lives in its slot: the path depends on content only."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", label)[:100] or "package"
    return directory / sha256 / f"{safe}.zip"


def read_cached(directory: Path, key: str) -> BuiltZip | None:
    """The zip recorded under ``key`` in the slot ``directory``, or None when there is none."""
    meta_path = directory / f"{key}.json"
    try:
        meta = json.loads(meta_path.read_bytes())
        zip_path = directory / str(meta["file"])
        if zip_path.stat().st_size != meta["size"]:
            return None
        return BuiltZip(
            path=zip_path,
            sha256=str(meta["sha256"]),
            md5_base64=str(meta["md5_base64"]),
            size=int(meta["size"]),
            uncompressed_size=int(meta["uncompressed_size"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record(directory: Path, key: str, built: BuiltZip) -> None:
    """Record ``built`` under ``key`` in its slot, then drop the slot's older builds."""
    meta_path = directory / f"{key}.json"
    atomic_write(meta_path, json.dumps(_meta(built, directory)).encode())
    _prune_slot(directory, keep=meta_path.name)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    fd, temp_name = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temp_name, path)


def _meta(built: BuiltZip, directory: Path) -> dict[str, object]:
    return {
        "file": built.path.relative_to(directory).as_posix(),
        "sha256": built.sha256,
        "md5_base64": built.md5_base64,
        "size": built.size,
        "uncompressed_size": built.uncompressed_size,
    }


def _prune_slot(directory: Path, keep: str) -> None:
    metas = sorted(
        (p for p in directory.glob("*.json") if p.name != keep),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for stale in metas[_KEEP_PER_SLOT - 1 :]:
        stale.unlink(missing_ok=True)
    referenced: set[str] = set()
    for meta in directory.glob("*.json"):
        try:
            referenced.add(str(json.loads(meta.read_bytes())["file"]).split("/", 1)[0])
        except (OSError, ValueError, KeyError, TypeError):
            meta.unlink(missing_ok=True)
    for folder in directory.iterdir():
        if folder.is_dir() and folder.name not in referenced:
            shutil.rmtree(folder, ignore_errors=True)
