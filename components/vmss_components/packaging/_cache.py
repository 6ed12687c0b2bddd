"""The build cache: where built zips and content files are kept, and how a slot is pruned. Pure.

Layout under :func:`cache_dir`: ``content/<sha256>/<filename>`` for content given in code;
``zips/<slot>/<key>.json`` (one per fingerprint of a tree, pointing at a zip) and
``zips/<slot>/<sha256>/<label>.zip`` for zips, a slot per package label and source folder.
Every file is written to a temporary name and renamed into place, so a reader never sees half
of one; a meta file that cannot be read is a miss, never an error.

The cache is private and checked. Folders are made mode 0700 and files 0600 whatever the
umask (a script or package may hold a secret, and another user must not swap a zip that is
about to be uploaded). A hit is trusted only after the zip's SHA-256 is computed again and
found equal to the recorded one: a cached zip changed on disk is rebuilt, never uploaded
under its old digest. A cache folder that cannot be made or written is replaced, for the
life of the process, by a private temporary folder, with a warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigurationError
from ._digests import file_digests

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


# Private modes, whatever the umask.
FOLDER_MODE = 0o700
FILE_MODE = 0o600
# The configured cache folder -> the folder used (itself, or a private temporary fallback).
_USABLE: dict[Path, Path] = {}


def configured_cache_dir() -> Path:
    """``$VMSS_COMPONENTS_CACHE_DIR``, else ``vmss-components`` in the user cache folder."""
    explicit = os.environ.get("VMSS_COMPONENTS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vmss-components"


def cache_dir() -> Path:
    """Where built zips are kept: :func:`configured_cache_dir`, made private (0700).

    When it cannot be made or written, a private temporary folder is used instead for the
    life of the process, and a warning says so.
    """
    configured = configured_cache_dir()
    usable = _USABLE.get(configured)
    if usable is not None and usable.is_dir():
        return usable
    try:
        private_dir(configured)
        probe_fd, probe = tempfile.mkstemp(dir=configured, suffix=".probe")
        os.close(probe_fd)
        os.unlink(probe)
        usable = configured
    except OSError as error:
        usable = Path(tempfile.mkdtemp(prefix="vmss-components-cache-"))
        warnings.warn(
            f"the package cache {configured} cannot be used ({error.strerror or error}): "
            f"building into the private temporary folder {usable} for this run",
            RuntimeWarning,
            stacklevel=2,
        )
    _USABLE[configured] = usable
    return usable


def private_key(name: str) -> bytes:
    """A random key kept in the cache folder (``<name>.key``, mode 0600), made on first use.

    It keys the names of files derived from content that may hold a secret (the cloud-init
    verdicts), so a file name tells nothing of the document.
    """
    path = cache_dir() / f"{name}.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32).encode()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:  # made meanwhile by another process
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key


def private_dir(path: Path) -> Path:
    """Make ``path`` and its missing parents with mode 0700; an existing folder inside the
    cache is set to 0700 too. Returns ``path``."""
    missing = []
    current = path
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=FOLDER_MODE)
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode is cut by the umask
    if not missing and path.stat().st_mode & 0o077:
        os.chmod(path, FOLDER_MODE)
    return path


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
        # The zip is what will be uploaded: its digest is computed again, so a file changed
        # on disk is rebuilt rather than published under the digest recorded for another.
        if file_digests(zip_path, "package").sha256 != meta["sha256"]:
            zip_path.unlink(missing_ok=True)
            return None
        return BuiltZip(
            path=zip_path,
            sha256=str(meta["sha256"]),
            md5_base64=str(meta["md5_base64"]),
            size=int(meta["size"]),
            uncompressed_size=int(meta["uncompressed_size"]),
        )
    except (OSError, ValueError, KeyError, TypeError, ConfigurationError):
        return None


def record(directory: Path, key: str, built: BuiltZip) -> None:
    """Record ``built`` under ``key`` in its slot, then drop the slot's older builds."""
    meta_path = directory / f"{key}.json"
    atomic_write(meta_path, json.dumps(_meta(built, directory)).encode())
    _prune_slot(directory, keep=meta_path.name)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    fd, temp_name = tempfile.mkstemp(dir=path.parent, suffix=".part")  # mode 0600
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
