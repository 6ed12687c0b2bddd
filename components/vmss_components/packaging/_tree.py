"""The files a package is made of: checked paths, the tree walk and the exclusion globs. Pure.

A folder becomes the sorted list of its regular files, ``(relative posix path, path)``, with
symlinks followed only inside the tree and :data:`JUNK_PATTERNS` plus the caller's globs left
out. Every problem is a :class:`ConfigurationError` naming the argument it came from.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .._redact import show
from ..errors import ConfigurationError

#: Names never packaged: version control, caches, OS litter and editor backups.
JUNK_PATTERNS: tuple[str, ...] = (
    ".git",
    ".svn",
    ".hg",
    "__pycache__",
    "*.pyc",
    "*.pyo",
    ".DS_Store",
    "Thumbs.db",
    "desktop.ini",
    "*~",
    "*.swp",
    "*.swo",
    ".#*",
    "#*#",
)


#: The deepest folder nesting a package tree may have.
MAX_TREE_DEPTH = 64
# Names Windows reserves for devices, whatever the case and extension ("aux.ps1" too): a
# package holding one cannot be unzipped on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9 and
# the superscript-digit forms Windows also reserves).
_RESERVED = re.compile(
    r"(?:CON|PRN|AUX|NUL|COM[1-9\u00b9\u00b2\u00b3]|LPT[1-9\u00b9\u00b2\u00b3])",
    re.IGNORECASE,
)


def collect_tree(root: Path, patterns: Sequence[str], argument: str) -> list[tuple[str, Path]]:
    """Every regular file under ``root`` as ``(relative posix path, path)``, sorted.

    Symlinks are followed when they point inside the tree; one pointing outside it, a broken
    one, a loop, a name that is not valid UTF-8, a tree deeper than :data:`MAX_TREE_DEPTH`, or
    anything that is not a regular file or folder is an error. The walk keeps its own stack, so
    no tree makes it recurse.
    """
    real_root = root.resolve()
    excluded = _exclusion_matcher(tuple(patterns))
    found: list[tuple[str, Path]] = []
    # (folder, its relative prefix, the folders above it, its depth)
    pending: list[tuple[Path, str, frozenset[Path], int]] = [
        (real_root, "", frozenset({real_root}), 0)
    ]
    while pending:
        directory, prefix, ancestors, depth = pending.pop()
        try:
            children = list(os.scandir(directory))
        except OSError as error:
            raise ConfigurationError(
                argument, f"cannot read folder {prefix or '.'}: {error.strerror or error}"
            ) from error
        for child in children:
            name = _checked_name(child.name, prefix, argument)
            relative = f"{prefix}{name}"
            if excluded(relative):
                continue
            try:
                if child.is_symlink():
                    target = Path(os.path.realpath(child.path))
                    if not target.is_relative_to(real_root):
                        raise ConfigurationError(
                            argument, f"symlink {relative} points outside the tree"
                        )
                    if not target.exists():
                        raise ConfigurationError(argument, f"symlink {relative} is broken")
                    mode = target.stat().st_mode
                else:
                    # The scandir entry caches its stat: one system call per file.
                    mode = child.stat().st_mode
                    target = None
            except OSError as error:
                raise ConfigurationError(
                    argument, f"cannot read {relative}: {error.strerror or error}"
                ) from error
            if stat.S_ISDIR(mode):
                folder = target if target is not None else Path(child.path)
                if folder in ancestors:
                    raise ConfigurationError(argument, f"symlink {relative} makes a loop")
                if depth + 1 > MAX_TREE_DEPTH:
                    raise ConfigurationError(
                        argument,
                        f"{relative} is more than {MAX_TREE_DEPTH} folders deep: too deep for "
                        "a package",
                    )
                pending.append((folder, f"{relative}/", ancestors | {folder}, depth + 1))
            elif stat.S_ISREG(mode):
                found.append((relative, target if target is not None else Path(child.path)))
            else:
                raise ConfigurationError(argument, f"{relative} is not a regular file or folder")
    found.sort(key=lambda item: item[0])
    return found


def _checked_name(name: str, prefix: str, argument: str) -> str:
    """A file name from the disk, refused when it is not valid UTF-8.

    On Linux an undecodable name arrives with surrogate escapes; it could neither be written
    into a zip nor shown in a message, so it is named by its bytes, escaped.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        raise ConfigurationError(
            argument,
            f"the name of {prefix}{ascii(raw)[2:-1]} is not valid UTF-8: rename it (zip entry "
            "names are UTF-8, and Windows could not extract it)",
        ) from None
    return name


def is_windows_reserved(name: str) -> bool:
    """Whether Windows refuses ``name`` as a file or folder name (``CON``, ``aux.ps1``)."""
    stem = name.split(".", 1)[0].rstrip(" ")
    return _RESERVED.fullmatch(stem) is not None


def check_windows_names(files: Sequence[tuple[str, Path]], argument: str) -> None:
    """Refuse a path with a Windows device name in it: the package is unzipped on Windows."""
    for relative, _ in files:
        for part in relative.split("/"):
            if is_windows_reserved(part):
                raise ConfigurationError(
                    argument,
                    f"{relative}: {show(part)} is a device name on Windows (CON, PRN, AUX, NUL, "
                    "COM1-9, LPT1-9, with any extension), so Windows cannot extract it: rename it",
                )


def is_excluded(relative: str, patterns: Sequence[str]) -> bool:
    """Whether a ``/``-separated relative path matches the junk list or an exclude glob."""
    return _exclusion_matcher(tuple(patterns))(relative)


@functools.lru_cache(maxsize=64)
def _exclusion_matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """One compiled test for the junk list and ``patterns``, as ``fnmatchcase`` reads them.

    Patterns without ``/`` match the last name of the path; the others the whole path.
    """
    names = [p for p in (*JUNK_PATTERNS, *patterns) if "/" not in p]
    paths = [p.strip("/") for p in (*JUNK_PATTERNS, *patterns) if "/" in p]
    name_match = re.compile("|".join(fnmatch.translate(p) for p in names)).match if names else None
    path_match = re.compile("|".join(fnmatch.translate(p) for p in paths)).match if paths else None

    def excluded(relative: str) -> bool:
        if name_match is not None and name_match(relative.rsplit("/", 1)[-1]):
            return True
        return path_match is not None and path_match(relative) is not None

    return excluded


def check_patterns(exclude: Iterable[str], argument: str) -> tuple[str, ...]:
    """``exclude`` as a tuple of glob patterns; a single string or an empty pattern is an error."""
    if isinstance(exclude, str | bytes):
        raise ConfigurationError(
            argument, f"expected a list of glob patterns, got the single string {show(exclude)}"
        )
    if not isinstance(exclude, Iterable):
        raise ConfigurationError(
            argument, f"expected a list of glob patterns, got a {type(exclude).__name__}"
        )
    patterns = tuple(exclude)
    for index, pattern in enumerate(patterns):
        if not isinstance(pattern, str) or not pattern.strip("/"):
            raise ConfigurationError(
                f"{argument}[{index}]", f"{show(pattern)} is not a glob pattern"
            )
    return patterns


def existing_directory(source: str | os.PathLike[str], argument: str) -> Path:
    """``source`` as an absolute path to a folder that exists."""
    path = _as_path(source, argument)
    if not path.exists():
        raise ConfigurationError(argument, f"{path} does not exist")
    if not path.is_dir():
        raise ConfigurationError(argument, f"{path} is not a folder")
    return path


def existing_file(source: str | os.PathLike[str], argument: str) -> Path:
    """``source`` as an absolute path to a regular file that exists."""
    path = _as_path(source, argument)
    if not path.exists():
        raise ConfigurationError(argument, f"{path} does not exist")
    if not path.is_file():
        raise ConfigurationError(argument, f"{path} is not a regular file")
    return path


def _as_path(source: str | os.PathLike[str], argument: str) -> Path:
    if not isinstance(source, str | os.PathLike) or not os.fspath(source):
        raise ConfigurationError(argument, f"expected a path, got {show(source)}")
    return Path(source).expanduser().absolute()
