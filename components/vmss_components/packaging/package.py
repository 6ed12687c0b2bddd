"""Package: a file ready to upload, with the digests Azure and the update tags need. Pure.

``Package.from_directory`` builds a zip whose bytes depend only on the names and contents of
the files (sorted entries, fixed timestamps and permissions, no directory prefix), so the same
tree gives the same digest wherever it is checked out, and so the same blob URL and update tag.
``from_file``, ``from_content`` and ``from_zip`` publish one file byte for byte. The DSC and
Machine Configuration packages hold a :class:`Package` (see :mod:`.dsc`,
:mod:`.machine_configuration`).
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
import re
from collections.abc import Sequence
from dataclasses import InitVar, dataclass
from pathlib import Path
from typing import Self

from .._files import check_encodable
from .._redact import show
from .._rules import declare_rule
from ..errors import ConfigurationError
from ._cache import BuiltZip, atomic_write, cache_dir, private_dir
from ._digests import file_digests
from ._tree import (
    check_patterns,
    check_windows_names,
    collect_tree,
    existing_directory,
    existing_file,
    is_windows_reserved,
)
from ._zip import ZipEntry, build_zip
from ._zip_read import SafeZip

# Blob names travel unencoded into extension settings and download URLs: keep them to
# characters that need no escaping anywhere (letters, digits, dot, dash, underscore).
_SAFE_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9_-])?", re.ASCII)
#: The most a zip given to :meth:`Package.from_zip` may hold once extracted (bytes).
ZIP_MAX_UNCOMPRESSED = 16 * 1024**3
declare_rule(
    "zip-readable-whole",
    "A zip built elsewhere is read whole before it is published: stored or deflated members "
    "only, none encrypted, within deflate's 1032:1 ratio and the size limit, every member "
    "decompressing cleanly.",
    where="vmss_components.packaging._zip_read.SafeZip",
    paths=("package.path",),
)
declare_rule(
    "package-windows-names",
    "No file in a package, and no published file, is named as a Windows device (CON, PRN, "
    "AUX, NUL, COM1-9, LPT1-9, in any case, with any extension): Windows could not extract "
    "or save it.",
    where="vmss_components.packaging._tree.check_windows_names; "
    "vmss_components.packaging.package.check_blob_name",
    paths=("package.source", "package.path", "package.filename"),
)
declare_rule(
    "blob-name-whole",
    "A published file's name is 1-200 ASCII letters, digits, '.', '-' or '_', matched whole: "
    "a trailing newline ('run.sh\\n') or a non-ASCII digit is refused.",
    where="vmss_components.packaging.package.check_blob_name",
    paths=("package.path", "package.filename"),
)
# Passed by this package's factories only: the mark of a Package whose file was checked.
_CHECKED = object()


def check_blob_name(value: str, path: str) -> str:
    """Return ``value`` if it is safe as one segment of a blob name, else raise."""
    if not isinstance(value, str) or not _SAFE_NAME.fullmatch(value):
        raise ConfigurationError(
            path,
            f"{show(value)} is not a safe blob name: use 1-200 letters, digits, '.', '-' or '_', "
            "starting with a letter or digit and not ending with '.'",
        )
    # A published file is saved under its name by the Custom Script handler, also on
    # Windows, where a device name (nul, aux.ps1) cannot be a file.
    if is_windows_reserved(value):
        raise ConfigurationError(
            path,
            f"{show(value)} is a device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9, "
            "with any extension), so Windows cannot save it: rename it",
        )
    return value


@dataclass(frozen=True, kw_only=True)
class Package:
    """A file ready to publish: where it is on disk and what its bytes are.

    ``sha256`` is lower-case hex; ``md5_base64`` is what a blob's ``content_md5`` takes;
    ``size`` is the file's size and ``uncompressed_size`` the size of its content once
    unpacked (equal to ``size`` for a plain file).
    """

    name: str
    filename: str
    path: Path
    sha256: str
    md5_base64: str
    size: int
    uncompressed_size: int
    content_type: str
    _checked: InitVar[object] = None

    def __post_init__(self, _checked: object) -> None:
        if _checked is not _CHECKED:
            raise TypeError(
                "make a Package with Package.from_directory, from_file, from_content or "
                "from_zip, which read and check its file"
            )

    @classmethod
    def from_directory(
        cls,
        source: str | os.PathLike[str],
        *,
        name: str | None = None,
        exclude: Sequence[str] = (),
    ) -> Self:
        """Zip a directory tree deterministically; an unchanged tree is served from cache.

        Entries are the tree's regular files (symlinks inside the tree followed), sorted by
        their ``/``-separated path relative to ``source``, with fixed timestamps and
        permissions. :data:`JUNK_PATTERNS` and the ``exclude`` globs are left out; a pattern
        without ``/`` matches a file or folder name at any depth.
        """
        tree = read_tree(source, name=name, exclude=exclude)
        return cls._from_built(tree.name, zip_tree(tree))

    @classmethod
    def _from_built(cls, name: str, built: BuiltZip) -> Self:
        return cls(
            name=name,
            filename=f"{name}.zip",
            path=built.path,
            sha256=built.sha256,
            md5_base64=built.md5_base64,
            size=built.size,
            uncompressed_size=built.uncompressed_size,
            content_type="application/zip",
            _checked=_CHECKED,
        )

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Self:
        """One file, published byte for byte (a script or installer for Custom Script)."""
        file_path = existing_file(path, "package.path")
        filename = check_blob_name(file_path.name, "package.path")
        digests = file_digests(file_path, "package.path")
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return cls(
            name=filename,
            filename=filename,
            path=file_path,
            sha256=digests.sha256,
            md5_base64=digests.md5_base64,
            size=digests.size,
            uncompressed_size=digests.size,
            content_type=content_type,
            _checked=_CHECKED,
        )

    @classmethod
    def from_content(cls, filename: str, content: str | bytes) -> Self:
        """Text or bytes given in code, published as a file named ``filename``.

        The content is written once to the cache, under its digest, so it can be uploaded.
        """
        check_blob_name(filename, "package.filename")
        if not isinstance(content, str | bytes):
            raise ConfigurationError(
                "package.content", f"expected text or bytes, got {show(content)}"
            )
        if isinstance(content, str):
            check_encodable(content, "package.content", "the content")
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest = hashlib.sha256(data).hexdigest()
        path = cache_dir() / "content" / digest / filename
        # Checked by content, not size: a file changed on disk is written again.
        if not path.is_file() or path.read_bytes() != data:
            private_dir(path.parent)
            atomic_write(path, data)
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return cls(
            name=filename,
            filename=filename,
            path=path,
            sha256=digest,
            md5_base64=base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode(),
            size=len(data),
            uncompressed_size=len(data),
            content_type=content_type,
            _checked=_CHECKED,
        )

    @classmethod
    def from_zip(cls, path: str | os.PathLike[str]) -> Self:
        """A zip built elsewhere, published byte for byte after checking it is a readable zip.

        The archive is checked as :class:`~._zip_read.SafeZip` checks it (central directory
        size, stored or deflated members only, no encryption, deflate's ratio, at most
        :data:`ZIP_MAX_UNCOMPRESSED` bytes extracted, safe member names without Windows device
        names) and every member is decompressed once, so damaged data is found now, not on
        the machines.
        """
        file_path = existing_file(path, "package.path")
        filename = check_blob_name(file_path.name, "package.path")
        if not filename.lower().endswith(".zip"):
            raise ConfigurationError("package.path", f"{file_path} is not a .zip file")
        with SafeZip(file_path, "package.path", limit=ZIP_MAX_UNCOMPRESSED) as archive:
            check_windows_names([(m, Path(m)) for m in archive.members], "package.path")
            archive.verify()
            uncompressed = archive.uncompressed_size
        digests = file_digests(file_path, "package.path")
        return cls(
            name=filename[: -len(".zip")],
            filename=filename,
            path=file_path,
            sha256=digests.sha256,
            md5_base64=digests.md5_base64,
            size=digests.size,
            uncompressed_size=uncompressed,
            content_type="application/zip",
            _checked=_CHECKED,
        )


@dataclass(frozen=True, kw_only=True)
class Tree:
    """A folder's packageable files: ``(relative posix path, path)`` sorted by path."""

    root: Path
    name: str
    files: tuple[tuple[str, Path], ...]


def read_tree(source: str | os.PathLike[str], *, name: str | None, exclude: Sequence[str]) -> Tree:
    """Check ``source`` and list its files as :meth:`Package.from_directory` would zip them."""
    root = existing_directory(source, "package.source")
    package_name = check_blob_name(root.name if name is None else name, "package.name")
    patterns = check_patterns(exclude, "package.exclude")
    files = collect_tree(root, patterns, "package.source")
    check_windows_names(files, "package.source")
    if not files:
        raise ConfigurationError(
            "package.source", f"{root} holds no files to package (after exclusions)"
        )
    return Tree(root=root.resolve(), name=package_name, files=tuple(files))


def zip_tree(tree: Tree) -> BuiltZip:
    """Zip a tree's files as :meth:`Package.from_directory` does (served from cache if built)."""
    entries = [ZipEntry(arcname=rel, source=path) for rel, path in tree.files]
    return build_zip(entries, label=tree.name, origin=str(tree.root))


def checked_zip_package(name: str, path: Path, uncompressed_size: int) -> Package:
    """The zip at ``path``, which a reader of this package checked, published as
    ``<name>.zip`` byte for byte (Machine Configuration's ``from_zip``)."""
    digests = file_digests(path, "package.path")
    return Package(
        name=name,
        filename=f"{name}.zip",
        path=path,
        sha256=digests.sha256,
        md5_base64=digests.md5_base64,
        size=digests.size,
        uncompressed_size=uncompressed_size,
        content_type="application/zip",
        _checked=_CHECKED,
    )


def package_zip(name: str, built: BuiltZip) -> Package:
    """The zip :func:`build_zip` wrote, as the package ``<name>.zip``."""
    return Package._from_built(name, built)


class HoldsPackage:
    """The file attributes of a package that holds a :class:`Package`, read from ``package``.

    DSC and Machine Configuration packages are not Packages: they hold the file to upload and
    add what their format says. These read-only properties let code that reads a package's
    file (name, digests, sizes) take any of them.
    """

    package: Package

    @property
    def name(self) -> str:
        """The package's name (the zip's name without ``.zip``)."""
        return self.package.name

    @property
    def filename(self) -> str:
        """The file name it is published under."""
        return self.package.filename

    @property
    def path(self) -> Path:
        """Where the file is on disk."""
        return self.package.path

    @property
    def sha256(self) -> str:
        """SHA256 of the file, lower-case hex."""
        return self.package.sha256

    @property
    def md5_base64(self) -> str:
        """MD5 of the file, base64, as a blob's ``content_md5`` takes it."""
        return self.package.md5_base64

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return self.package.size

    @property
    def uncompressed_size(self) -> int:
        """The size of the zip's content once extracted."""
        return self.package.uncompressed_size

    @property
    def content_type(self) -> str:
        """The blob's content type."""
        return self.package.content_type
