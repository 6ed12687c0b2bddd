"""Local artifacts: deterministic zip packages and their digests. Pure: no Pulumi here.

A package is a file on disk ready to upload, with the digests Azure and the update tags need.
``Package.from_directory`` builds a zip whose bytes depend only on the names and contents of
the files (sorted entries, fixed timestamps and permissions, no directory prefix), so the same
tree gives the same digest wherever it is checked out, and so the same blob URL and update tag.
"""

from __future__ import annotations

import base64
import fnmatch
import functools
import hashlib
import itertools
import json
import mimetypes
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, Self

from . import zipwriter
from .errors import ConfigurationError
from .mof import MofDocument, MofResource, decode_mof, parse_mof, read_mof

# Bumped whenever the bytes a tree turns into change, so stale cache entries are never reused.
_FORMAT_VERSION = "1"
# The earliest time a zip header can hold: a constant, so mtimes never reach the bytes.
_FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
# Regular file, rw-r--r--; written as a Unix entry so every unzip reads the same mode.
_FILE_ATTRIBUTES = (stat.S_IFREG | 0o644) << 16
_UNIX = 3
_CHUNK = 1 << 20

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

# Blob names travel unencoded into extension settings and download URLs: keep them to
# characters that need no escaping anywhere (letters, digits, dot, dash, underscore).
_SAFE_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9_-])?$")


def check_blob_name(value: str, path: str) -> str:
    """Return ``value`` if it is safe as one segment of a blob name, else raise."""
    if not isinstance(value, str) or not _SAFE_NAME.match(value):
        raise ConfigurationError(
            path,
            f"{value!r} is not a safe blob name: use 1-200 letters, digits, '.', '-' or '_', "
            "starting with a letter or digit and not ending with '.'",
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
        return cls._zip_tree(tree)

    @classmethod
    def _zip_tree(cls, tree: Tree, **extra: Any) -> Self:
        entries = [ZipEntry(arcname=rel, source=path) for rel, path in tree.files]
        built = build_zip(entries, label=tree.name, origin=str(tree.root))
        return cls(
            name=tree.name,
            filename=f"{tree.name}.zip",
            path=built.path,
            sha256=built.sha256,
            md5_base64=built.md5_base64,
            size=built.size,
            uncompressed_size=built.uncompressed_size,
            content_type="application/zip",
            **extra,
        )

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Self:
        """One file, published byte for byte (a script or installer for Custom Script)."""
        file_path = _existing_file(path, "package.path")
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
        )

    @classmethod
    def from_content(cls, filename: str, content: str | bytes) -> Self:
        """Text or bytes given in code, published as a file named ``filename``.

        The content is written once to the cache, under its digest, so it can be uploaded.
        """
        check_blob_name(filename, "package.filename")
        if not isinstance(content, str | bytes):
            raise ConfigurationError("package.content", f"expected text or bytes, got {content!r}")
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest = hashlib.sha256(data).hexdigest()
        path = cache_dir() / "content" / digest / filename
        if not path.is_file() or path.stat().st_size != len(data):
            path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, data)
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
        )

    @classmethod
    def from_zip(cls, path: str | os.PathLike[str]) -> Self:
        """A zip built elsewhere, published byte for byte after checking it is a readable zip."""
        file_path = _existing_file(path, "package.path")
        filename = check_blob_name(file_path.name, "package.path")
        if not filename.lower().endswith(".zip"):
            raise ConfigurationError("package.path", f"{file_path} is not a .zip file")
        uncompressed = zip_uncompressed_size(file_path, "package.path")
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
        )


@dataclass(frozen=True, kw_only=True)
class Tree:
    """A folder's packageable files: ``(relative posix path, path)`` sorted by path."""

    root: Path
    name: str
    files: tuple[tuple[str, Path], ...]


def read_tree(source: str | os.PathLike[str], *, name: str | None, exclude: Sequence[str]) -> Tree:
    """Check ``source`` and list its files as :meth:`Package.from_directory` would zip them."""
    root = _existing_directory(source, "package.source")
    package_name = check_blob_name(root.name if name is None else name, "package.name")
    patterns = _patterns(exclude, "package.exclude")
    files = collect_tree(root, patterns, "package.source")
    if not files:
        raise ConfigurationError(
            "package.source", f"{root} holds no files to package (after exclusions)"
        )
    return Tree(root=root.resolve(), name=package_name, files=tuple(files))


# --- DSC configuration packages -----------------------------------------------------------

# PowerShell comments: <# block #> and # to the end of the line.
_PS_BLOCK_COMMENT = re.compile(r"<#.*?#>", re.DOTALL)
_PS_LINE_COMMENT = re.compile(r"#[^\n]*")
_PS_CONFIGURATION = re.compile(
    r"^[ \t]*configuration[ \t]+([A-Za-z_][A-Za-z0-9_-]*)[ \t]*(?:\{|\(|$)",
    re.IGNORECASE | re.MULTILINE,
)
_PS_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def powershell_configurations(script: str) -> list[str]:
    """Names of the ``Configuration <Name>`` blocks a PowerShell script defines."""
    code = _PS_LINE_COMMENT.sub("", _PS_BLOCK_COMMENT.sub("", script))
    return _PS_CONFIGURATION.findall(code)


@dataclass(frozen=True, kw_only=True)
class DscPackage(Package):
    """A DSC configuration zip as the DSC extension expects it: ``script`` (a ``.ps1`` at the
    root) defines ``Configuration <function>``; module folders sit at the root beside it."""

    script: str
    function: str

    @classmethod
    def from_directory(  # type: ignore[override]  # DSC packages also name script and function
        cls,
        source: str | os.PathLike[str],
        *,
        script: str,
        function: str,
        name: str | None = None,
        exclude: Sequence[str] = (),
    ) -> Self:
        """Zip a configuration folder after checking its script defines the function."""
        tree = read_tree(source, name=name, exclude=exclude)
        if not isinstance(script, str) or not script.lower().endswith(".ps1") or "/" in script:
            raise ConfigurationError(
                "package.script", f"{script!r} is not a .ps1 file name at the package root"
            )
        root_scripts = sorted(
            rel for rel, _ in tree.files if "/" not in rel and rel.lower().endswith(".ps1")
        )
        matches = [rel for rel, _ in tree.files if rel.lower() == script.lower()]
        if not matches:
            found = ", ".join(root_scripts) or "none"
            raise ConfigurationError(
                "package.script",
                f"{script!r} is not at the root of {tree.root}; .ps1 files there: {found}",
            )
        if not isinstance(function, str) or not _PS_IDENTIFIER.fullmatch(function):
            raise ConfigurationError(
                "package.function", f"{function!r} is not a PowerShell configuration name"
            )
        script_path = dict(tree.files)[matches[0]]
        try:
            text = script_path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(
                "package.script", f"cannot read {script_path}: {error}"
            ) from error
        defined = powershell_configurations(text)
        if function.lower() not in {d.lower() for d in defined}:
            found = ", ".join(defined) or "no Configuration block"
            raise ConfigurationError(
                "package.function",
                f"{matches[0]} does not define Configuration {function}; it defines: {found}",
            )
        return cls._zip_tree(tree, script=matches[0], function=function)


# --- Machine Configuration packages --------------------------------------------------------

#: Azure's limit on a Machine Configuration package once extracted (100 MB, read as MiB).
MACHINE_CONFIGURATION_MAX_BYTES = 100 * 1024 * 1024
MACHINE_CONFIGURATION_MODES = ("Audit", "AuditAndSet")
# The one name shared by the zip, the MOF's configuration and the assignment: a PowerShell
# configuration name, which is also safe as a blob name and an ARM resource name.
_CONFIGURATION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_PACKAGE_VERSION = re.compile(r"\d+\.\d+\.\d+")
# Native resources of the GuestConfiguration module ship with the agent: the packaging tools
# copy no module for them.
_AGENT_MODULES = {"guestconfiguration"}
# Resource modules that only run on one operating system. Most modules do not say; these do.
_LINUX_MODULES = {"nxtools"}
_WINDOWS_MODULES = {
    "psdscresources",
    "securitypolicydsc",
    "auditpolicydsc",
    "networkingdsc",
    "computermanagementdsc",
    "storagedsc",
    "certificatedsc",
    "webadministrationdsc",
    "xwebadministration",
    "activedirectorydsc",
    "sqlserverdsc",
}
_PSD1_VERSION = re.compile(
    r"^\s*ModuleVersion\s*=\s*['\"]([^'\"]+)['\"]", re.IGNORECASE | re.MULTILINE
)


def check_configuration_name(value: object, path: str) -> str:
    """A Machine Configuration name: 1-64 letters, digits, '_' or '-', starting with a letter."""
    if not isinstance(value, str) or not _CONFIGURATION_NAME.fullmatch(value):
        raise ConfigurationError(
            path,
            f"{value!r} is not a valid configuration name: use 1-64 letters, digits, '_' or '-', "
            "starting with a letter (it names the zip, the MOF and the Azure assignment)",
        )
    return value


@dataclass(frozen=True, kw_only=True)
class MachineConfigurationPackage(Package):
    """A Machine Configuration (guest configuration) package, as the agent expects it.

    ``<name>.zip`` holds, with no folder around them, ``<name>.mof`` (the compiled
    configuration), ``<name>.metaconfig.json`` (``{"Type": "Audit" | "AuditAndSet",
    "Version": "x.y.z"}``) and ``Modules/<Module>/...`` for each resource module. The zip name,
    the MOF name and the MOF's configuration name are the same: Azure finds one by the other.
    ``content_hash`` is the upper-case SHA256 an assignment carries.
    """

    configuration_name: str
    mode: str
    version: str
    configuration: MofDocument
    resources: tuple[MofResource, ...]
    modules: tuple[str, ...]

    @property
    def content_hash(self) -> str:
        """SHA256 of the zip in upper-case hex, as Microsoft's tooling writes it."""
        return self.sha256.upper()

    def operating_system(self) -> Literal["windows", "linux"] | None:
        """The OS the resource modules run on, when a known module says so, else None."""
        names = {r.module_name.lower() for r in self.resources}
        linux, windows = bool(names & _LINUX_MODULES), bool(names & _WINDOWS_MODULES)
        if linux == windows:
            return None
        return "linux" if linux else "windows"

    @classmethod
    def build(
        cls,
        name: str,
        *,
        mof: Path,
        modules: Path | None = None,
        mode: str = "Audit",
        version: str = "1.0.0",
    ) -> Self:
        """Package a compiled MOF and its resource modules as ``<name>.zip``, deterministically.

        ``mof`` is the compiled file (often ``localhost.mof``; it is renamed ``<name>.mof``)
        and must be configuration ``name``. Each subfolder of ``modules`` is a module, packaged
        as ``Modules/<subfolder>/...``; every module the MOF uses must be there, at the
        version the MOF names when the folder has a manifest.
        """
        check_configuration_name(name, "package.name")
        mode = _check_mode(mode, "package.mode")
        if not isinstance(version, str) or not _PACKAGE_VERSION.fullmatch(version):
            raise ConfigurationError(
                "package.version", f"{version!r} is not a version such as '1.0.0'"
            )
        if not isinstance(mof, Path):
            raise ConfigurationError(
                "package.mof",
                f"expected a pathlib.Path to the compiled .mof file, got {mof!r} "
                "(a str is never taken for a path)",
            )
        mof_path = _existing_file(mof, "package.mof")
        if mof_path.suffix.lower() != ".mof":
            raise ConfigurationError("package.mof", f"{mof_path} is not a .mof file")
        document = read_mof(mof_path, path="package.mof")
        _check_same_name(name, document, "package.mof")

        module_files: list[tuple[str, Path]] = []
        if modules is not None:
            if not isinstance(modules, Path):
                raise ConfigurationError(
                    "package.modules",
                    f"expected a pathlib.Path to a folder of modules, got {modules!r}",
                )
            root = _existing_directory(modules, "package.modules")
            module_files = collect_tree(root, (), "package.modules")
            for relative, _ in module_files:
                if "/" not in relative:
                    raise ConfigurationError(
                        "package.modules",
                        f"{relative} sits directly in {root}: each subfolder is one module, "
                        "so files belong inside a module folder",
                    )
        module_names = sorted({relative.split("/", 1)[0] for relative, _ in module_files})
        for module in module_names:
            check_blob_name(module, f"package.modules.{module}")
        files = dict(module_files)
        _check_modules(
            document,
            set(module_names),
            lambda relative: _read_text(files[relative]) if relative in files else None,
            "package.modules",
        )

        metaconfig = _metaconfig(mode, version)
        total = mof_path.stat().st_size + len(metaconfig)
        total += sum(path.stat().st_size for _, path in module_files)
        _check_size(total, "package")

        entries = [
            ZipEntry(arcname=f"{name}.mof", source=mof_path),
            ZipEntry(arcname=f"{name}.metaconfig.json", data=metaconfig),
            *(ZipEntry(arcname=f"Modules/{rel}", source=path) for rel, path in module_files),
        ]
        origin = f"{mof_path.resolve()}|{modules.resolve() if modules is not None else ''}"
        built = build_zip(entries, label=name, origin=origin)
        return cls(
            name=name,
            filename=f"{name}.zip",
            path=built.path,
            sha256=built.sha256,
            md5_base64=built.md5_base64,
            size=built.size,
            uncompressed_size=built.uncompressed_size,
            content_type="application/zip",
            configuration_name=document.configuration_name,
            mode=mode,
            version=version,
            configuration=document,
            resources=document.resources,
            modules=tuple(module_names),
        )

    @classmethod
    def from_zip(cls, path: str | os.PathLike[str]) -> Self:
        """Read and check a package built elsewhere (``New-GuestConfigurationPackage``); it is
        published byte for byte."""
        file_path = _existing_file(path, "package.path")
        filename = check_blob_name(file_path.name, "package.path")
        if not filename.lower().endswith(".zip"):
            raise ConfigurationError("package.path", f"{file_path} is not a .zip file")
        name = check_configuration_name(filename[: -len(".zip")], "package.path")
        try:
            with zipfile.ZipFile(file_path) as archive:
                read = _ZipReader(archive, file_path)
                document, mode, version, modules = read.package(name)
        except (zipfile.BadZipFile, OSError) as error:
            raise ConfigurationError(
                "package.path", f"{file_path} is not a readable zip: {error}"
            ) from error
        digests = file_digests(file_path, "package.path")
        return cls(
            name=name,
            filename=filename,
            path=file_path,
            sha256=digests.sha256,
            md5_base64=digests.md5_base64,
            size=digests.size,
            uncompressed_size=read.uncompressed_size,
            content_type="application/zip",
            configuration_name=document.configuration_name,
            mode=mode,
            version=version,
            configuration=document,
            resources=document.resources,
            modules=modules,
        )

    @classmethod
    def from_directory(
        cls,
        source: str | os.PathLike[str],
        *,
        name: str | None = None,
        exclude: Sequence[str] = (),
    ) -> Self:
        """Not for Machine Configuration: use :meth:`build` (or :meth:`from_zip`)."""
        raise ConfigurationError(
            "package", "build a Machine Configuration package with build(name, mof=, modules=)"
        )

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Self:
        """Not for Machine Configuration: use :meth:`from_zip` for a prebuilt package."""
        raise ConfigurationError("package", "read a prebuilt package with from_zip(path)")

    @classmethod
    def from_content(cls, filename: str, content: str | bytes) -> Self:
        """Not for Machine Configuration: use :meth:`build`."""
        raise ConfigurationError("package", "build a package with build(name, mof=, modules=)")


class _ZipReader:
    """The checks of :meth:`MachineConfigurationPackage.from_zip` over one open archive."""

    def __init__(self, archive: zipfile.ZipFile, file_path: Path) -> None:
        self.archive = archive
        self.file_path = file_path
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            # Zips made by older Windows tools separate folders with '\'.
            member = info.filename.replace("\\", "/")
            parts = member.split("/")
            if member.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                raise ConfigurationError(
                    "package.path", f"{file_path} holds an unsafe path {info.filename!r}"
                )
            if not info.is_dir():
                self.members[member] = info
        self.uncompressed_size = sum(info.file_size for info in self.members.values())

    def text(self, member: str) -> str:
        return _decode_text(self.archive.read(self.members[member]))

    def package(self, name: str) -> tuple[MofDocument, str, str, tuple[str, ...]]:
        _check_size(self.uncompressed_size, "package.path")
        root = sorted(m for m in self.members if "/" not in m)
        mofs = [m for m in root if m.lower().endswith(".mof")]
        if not mofs:
            nested = sorted(m for m in self.members if m.lower().endswith(".mof"))
            hint = (
                f"; found {', '.join(nested)}: zip the package's content, not a folder holding it"
                if nested
                else ""
            )
            raise ConfigurationError(
                "package.path", f"{self.file_path.name} has no .mof at its root{hint}"
            )
        if len(mofs) > 1:
            raise ConfigurationError(
                "package.path",
                f"{self.file_path.name} has {len(mofs)} MOFs at its root ({', '.join(mofs)}): "
                "a package holds exactly one configuration",
            )
        if mofs[0] != f"{name}.mof":
            raise ConfigurationError(
                "package.path",
                f"the MOF is {mofs[0]}, but the zip is {name}.zip: Azure needs the zip, the MOF "
                f"and the configuration to share one name ({name}.mof)",
            )
        document = parse_mof(
            decode_mof(
                self.archive.read(self.members[mofs[0]]), source=mofs[0], path="package.path"
            ),
            source=mofs[0],
            path="package.path",
        )
        _check_same_name(name, document, "package.path")
        mode, version = self.metaconfig(name)
        modules = sorted(
            {
                m.split("/")[1]
                for m in self.members
                if m.startswith("Modules/") and m.count("/") >= 2
            }
        )
        _check_modules(
            document,
            set(modules),
            lambda relative: (
                self.text(f"Modules/{relative}") if f"Modules/{relative}" in self.members else None
            ),
            "package.path",
        )
        return document, mode, version, tuple(modules)

    def metaconfig(self, name: str) -> tuple[str, str]:
        member = f"{name}.metaconfig.json"
        if member not in self.members:
            raise ConfigurationError(
                "package.path",
                f"{self.file_path.name} has no {member} at its root: it says whether the "
                "package audits or also sets (Type) and its Version",
            )
        try:
            meta = json.loads(self.text(member))
        except ValueError as error:
            raise ConfigurationError("package.path", f"{member} is not JSON: {error}") from error
        if not isinstance(meta, dict):
            raise ConfigurationError("package.path", f"{member} must hold a JSON object")
        mode = _check_mode(meta.get("Type"), "package.path", what=f"Type in {member}")
        version = meta.get("Version")
        if not isinstance(version, str) or not version.strip():
            raise ConfigurationError("package.path", f"{member} has no Version")
        return mode, version


def _check_mode(value: object, path: str, *, what: str = "mode") -> str:
    # The packaging tools accept the type in any case; the canonical spelling is kept.
    for mode in MACHINE_CONFIGURATION_MODES:
        if isinstance(value, str) and value.lower() == mode.lower():
            return mode
    raise ConfigurationError(path, f"{what} is {value!r}: use 'Audit' or 'AuditAndSet'")


def _check_same_name(name: str, document: MofDocument, path: str) -> None:
    found = document.configuration_name
    if found == name:
        return
    case = (
        " (they differ only in case, and names are compared exactly)"
        if found.lower() == name.lower()
        else ""
    )
    raise ConfigurationError(
        path,
        f"the MOF is configuration {found!r}, but the package is named {name!r}{case}: Azure "
        "needs the zip, the MOF and the assignment to carry the same name",
    )


def _check_size(total: int, path: str) -> None:
    if total > MACHINE_CONFIGURATION_MAX_BYTES:
        raise ConfigurationError(
            path,
            f"{total:,} bytes once extracted: Machine Configuration packages are limited to "
            f"{MACHINE_CONFIGURATION_MAX_BYTES:,} bytes (100 MB) before compression",
        )


def _check_modules(
    document: MofDocument,
    modules: set[str],
    read_manifest: Callable[[str], str | None],
    path: str,
) -> None:
    """Every module the MOF uses is in the package, once, at the version the MOF names."""
    versions: dict[str, str] = {}
    used_by: dict[str, list[str]] = {}
    for resource in document.resources:
        module = resource.module_name
        if module.lower() in _AGENT_MODULES:
            continue
        if module.lower() == "psdesiredstateconfiguration":
            raise ConfigurationError(
                path,
                f"{resource.resource_id} (line {resource.line}) comes from "
                "PSDesiredStateConfiguration, whose resources cannot be packaged for Machine "
                "Configuration: use the same resource from PSDscResources",
            )
        known = versions.setdefault(module, resource.module_version)
        if known != resource.module_version:
            raise ConfigurationError(
                path,
                f"the MOF uses {module} at versions {known} and {resource.module_version}: a "
                "package holds one version of each module",
            )
        used_by.setdefault(module, []).append(resource.resource_id)
    for module, version in sorted(versions.items()):
        users = ", ".join(used_by[module])
        if module not in modules:
            near = [m for m in modules if m.lower() == module.lower()]
            hint = (
                f"; there is {near[0]}, but module folder names must match exactly" if near else ""
            )
            raise ConfigurationError(
                path,
                f"the MOF uses module {module} {version} ({users}), but the package has no "
                f"Modules/{module} folder{hint}",
            )
        manifest = read_manifest(f"{module}/{module}.psd1")
        found = _PSD1_VERSION.search(manifest) if manifest is not None else None
        if found is not None and _version_key(found.group(1)) != _version_key(version):
            raise ConfigurationError(
                path,
                f"Modules/{module} is version {found.group(1)}, but the MOF was compiled "
                f"against {version}: package the module the MOF names",
            )


def _version_key(version: str) -> tuple[str, ...]:
    parts = version.strip().split(".")
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return tuple(parts)


def _metaconfig(mode: str, version: str) -> bytes:
    # ASCII JSON with sorted keys, as deterministic as the zip around it.
    return (json.dumps({"Type": mode, "Version": version}, indent=2, sort_keys=True) + "\n").encode(
        "ascii"
    )


def _read_text(path: Path) -> str:
    try:
        return _decode_text(path.read_bytes())
    except OSError as error:
        raise ConfigurationError(
            "package.modules", f"cannot read {path}: {error.strerror or error}"
        ) from error


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


# --- Deterministic zips ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ZipEntry:
    """One member of a zip: its name inside the archive and a file or bytes for its content."""

    arcname: str
    source: Path | None = None
    data: bytes | None = None


@dataclass(frozen=True, kw_only=True)
class BuiltZip:
    """A zip on disk with its digests."""

    path: Path
    sha256: str
    md5_base64: str
    size: int
    uncompressed_size: int


@dataclass(frozen=True, kw_only=True)
class Digests:
    """SHA256 (lower hex), MD5 (base64) and size of a file."""

    sha256: str
    md5_base64: str
    size: int


#: Called with a package label when a zip is built (not when served from cache).
BuildObserver = Callable[[str], None]
_observers: list[BuildObserver] = []


def add_build_observer(observer: BuildObserver) -> Callable[[], None]:
    """Call ``observer(label)`` before each cold build; returns a function that removes it."""
    _observers.append(observer)
    return lambda: _observers.remove(observer)


def build_zip(entries: Sequence[ZipEntry], *, label: str, origin: str) -> BuiltZip:
    """Write ``entries`` as a deterministic zip in the cache, or reuse the cached one.

    ``label`` names the package (the zip is ``<label>.zip``) and progress messages;
    ``origin`` (the source folder) decides the cache slot, within which only the newest few
    builds are kept.

    The cache key is a fingerprint of the entry names and each source file's size, mode,
    mtime, ctime and inode (never its bytes), so an unchanged tree costs a ``stat`` per file.
    A hit returns the very file a cold build wrote, so bytes and digests are identical. Zips
    are stored under their digest (``<slot>/<sha256>/<label>.zip``): the path an upload
    names depends on the content only.
    """
    ordered = sorted(entries, key=lambda e: e.arcname)
    _check_unique(ordered)
    key, sizes = _fingerprint(ordered)
    directory = cache_dir() / "zips" / _slot(label, origin)
    meta_path = directory / f"{key}.json"
    cached = _read_cached(directory, meta_path)
    if cached is not None:
        return cached
    for observer in list(_observers):
        observer(label)
    directory.mkdir(parents=True, exist_ok=True)
    members = [
        zipwriter.Member(arcname=e.arcname, source=e.source, data=e.data, size_hint=size)
        for e, size in zip(ordered, sizes, strict=True)
    ]
    fast = _write_fast(members, directory) if zipwriter.fits(members) else None
    if fast is not None:
        building, written = fast
        digests = Digests(sha256=written.sha256, md5_base64=written.md5_base64, size=written.size)
        uncompressed = written.uncompressed_size
    else:
        # Beyond zip64's thresholds zipfile writes the extra records; same bytes as ever.
        building = directory / f"{key}.zip"
        uncompressed = _write_zip(ordered, building)
        digests = file_digests(building, "package")
    zip_path = directory / digests.sha256 / f"{_safe_label(label)}.zip"
    zip_path.parent.mkdir(exist_ok=True)
    os.replace(building, zip_path)
    built = BuiltZip(
        path=zip_path,
        sha256=digests.sha256,
        md5_base64=digests.md5_base64,
        size=digests.size,
        uncompressed_size=uncompressed,
    )
    _atomic_write(meta_path, json.dumps(_meta(built, directory)).encode())
    _prune_slot(directory, keep=meta_path.name)
    return built


def _write_fast(
    members: Sequence[zipwriter.Member], directory: Path
) -> tuple[Path, zipwriter.Written] | None:
    """Write with :mod:`components.zipwriter` (parallel deflate, hashed on the way); None
    when the files grew past zip64's thresholds while being read (zipfile then writes)."""
    fd, temp_name = tempfile.mkstemp(dir=directory, suffix=".part")
    os.close(fd)
    try:
        written = zipwriter.write_zip(
            members,
            Path(temp_name),
            on_read_error=_read_error,
            date_time=_FIXED_DATE_TIME,
            external_attr=_FILE_ATTRIBUTES,
            create_system=_UNIX,
        )
    except zipwriter.NeedsZip64:
        Path(temp_name).unlink(missing_ok=True)
        return None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return Path(temp_name), written


def _read_error(source: Path, error: OSError) -> ConfigurationError:
    return ConfigurationError("package.source", f"cannot read {source}: {error.strerror or error}")


def _write_zip(entries: Sequence[ZipEntry], destination: Path) -> int:
    """Write ``entries`` with :mod:`zipfile`: the reference the fast writer matches byte for
    byte, and the writer of archives that need zip64."""
    fd, temp_name = tempfile.mkstemp(dir=destination.parent, suffix=".part")
    total = 0
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            for entry in entries:
                info = zipfile.ZipInfo(entry.arcname, _FIXED_DATE_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = _UNIX
                info.external_attr = _FILE_ATTRIBUTES
                if entry.data is not None:
                    info.file_size = len(entry.data)
                    with archive.open(info, "w") as member:
                        member.write(entry.data)
                    total += len(entry.data)
                    continue
                assert entry.source is not None
                try:
                    with entry.source.open("rb") as content:
                        info.file_size = os.fstat(content.fileno()).st_size
                        with archive.open(info, "w") as member:
                            total += _copy(content, member)
                except OSError as error:
                    raise ConfigurationError(
                        "package.source",
                        f"cannot read {entry.source}: {error.strerror or error}",
                    ) from error
        os.replace(temp_name, destination)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return total


def _copy(source: BinaryIO, target: IO[bytes]) -> int:
    read = source.read
    write = target.write
    copied = 0
    while chunk := read(_CHUNK):
        write(chunk)
        copied += len(chunk)
    return copied


def _check_unique(entries: Sequence[ZipEntry]) -> None:
    for before, after in itertools.pairwise(entries):
        if before.arcname == after.arcname:
            raise ConfigurationError("package", f"two entries are named {after.arcname!r}")


def _fingerprint(entries: Sequence[ZipEntry]) -> tuple[str, list[int]]:
    digest = hashlib.sha256()
    sizes: list[int] = []
    # The compressed bytes depend on the zlib build, so a different zlib never reuses a zip.
    digest.update(f"{_FORMAT_VERSION}\0{zlib.ZLIB_RUNTIME_VERSION}\0".encode())
    for entry in entries:
        digest.update(entry.arcname.encode("utf-8", "surrogateescape") + b"\0")
        if entry.data is not None:
            digest.update(b"data\0" + hashlib.sha256(entry.data).digest())
            sizes.append(len(entry.data))
            continue
        assert entry.source is not None
        try:
            info = entry.source.stat()
        except OSError as error:
            raise ConfigurationError(
                "package.source", f"cannot read {entry.source}: {error.strerror or error}"
            ) from error
        digest.update(
            f"file\0{info.st_size}\0{info.st_mode}\0{info.st_mtime_ns}\0"
            f"{info.st_ctime_ns}\0{info.st_ino}\0{info.st_dev}\0".encode()
        )
        sizes.append(info.st_size)
    return digest.hexdigest()[:40], sizes


def _slot(label: str, origin: str) -> str:
    readable = re.sub(r"[^A-Za-z0-9._-]", "_", label)[:60]
    return f"{readable}-{hashlib.sha256(origin.encode()).hexdigest()[:16]}"


def _safe_label(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", label)[:100] or "package"


def _meta(built: BuiltZip, directory: Path) -> dict[str, object]:
    return {
        "file": built.path.relative_to(directory).as_posix(),
        "sha256": built.sha256,
        "md5_base64": built.md5_base64,
        "size": built.size,
        "uncompressed_size": built.uncompressed_size,
    }


def _read_cached(directory: Path, meta_path: Path) -> BuiltZip | None:
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


# Per package slot, older builds are dropped beyond this many: enough for a plan to compare
# the previous tree with the current one, without the cache growing on every edit.
_KEEP_PER_SLOT = 4


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


def _atomic_write(path: Path, data: bytes) -> None:
    fd, temp_name = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temp_name, path)


def cache_dir() -> Path:
    """Where built zips are kept: ``$VMSS_COMPONENTS_CACHE_DIR``, else the user cache folder."""
    explicit = os.environ.get("VMSS_COMPONENTS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vmss-components"


# --- Digests --------------------------------------------------------------------------------


def file_digests(path: Path, argument: str) -> Digests:
    """SHA256 and MD5 of a file, read once in chunks."""
    sha256 = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    size = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                sha256.update(chunk)
                md5.update(chunk)
                size += len(chunk)
    except OSError as error:
        raise ConfigurationError(
            argument, f"cannot read {path}: {error.strerror or error}"
        ) from error
    return Digests(
        sha256=sha256.hexdigest(),
        md5_base64=base64.b64encode(md5.digest()).decode("ascii"),
        size=size,
    )


def zip_uncompressed_size(path: Path, argument: str) -> int:
    """Total size of a zip's members once extracted; a file that is no zip is an error."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ConfigurationError(argument, f"{path} is not a readable zip: {error}") from error


# --- Reading trees --------------------------------------------------------------------------


def collect_tree(root: Path, patterns: Sequence[str], argument: str) -> list[tuple[str, Path]]:
    """Every regular file under ``root`` as ``(relative posix path, path)``, sorted.

    Symlinks are followed when they point inside the tree; one pointing outside it, a broken
    one, a loop, or anything that is not a regular file or folder is an error.
    """
    real_root = root.resolve()
    found: list[tuple[str, Path]] = []
    _walk(real_root, real_root, "", patterns, argument, found, frozenset({real_root}))
    found.sort(key=lambda item: item[0])
    return found


def _walk(
    real_root: Path,
    directory: Path,
    prefix: str,
    patterns: Sequence[str],
    argument: str,
    found: list[tuple[str, Path]],
    ancestors: frozenset[Path],
) -> None:
    excluded = _exclusion_matcher(tuple(patterns))
    try:
        children = list(os.scandir(directory))
    except OSError as error:
        raise ConfigurationError(
            argument, f"cannot read folder {directory}: {error.strerror or error}"
        ) from error
    for child in children:
        relative = f"{prefix}{child.name}"
        if excluded(relative):
            continue
        try:
            if child.is_symlink():
                target = Path(os.path.realpath(child.path))
                if not target.is_relative_to(real_root):
                    raise ConfigurationError(
                        argument, f"symlink {relative} points outside the tree, to {target}"
                    )
                if not target.exists():
                    raise ConfigurationError(argument, f"symlink {relative} is broken")
                mode = target.stat().st_mode
            else:
                # The scandir entry caches its stat: one system call per file, no Path parsing.
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
            _walk(
                real_root, folder, f"{relative}/", patterns, argument, found, ancestors | {folder}
            )
        elif stat.S_ISREG(mode):
            found.append((relative, target if target is not None else Path(child.path)))
        else:
            raise ConfigurationError(argument, f"{relative} is not a regular file or folder")


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


def _patterns(exclude: Iterable[str], argument: str) -> tuple[str, ...]:
    if isinstance(exclude, str | bytes):
        raise ConfigurationError(
            argument, f"expected a list of glob patterns, got the single string {exclude!r}"
        )
    patterns = tuple(exclude)
    for index, pattern in enumerate(patterns):
        if not isinstance(pattern, str) or not pattern.strip("/"):
            raise ConfigurationError(f"{argument}[{index}]", f"{pattern!r} is not a glob pattern")
    return patterns


def _existing_directory(source: str | os.PathLike[str], argument: str) -> Path:
    path = _as_path(source, argument)
    if not path.exists():
        raise ConfigurationError(argument, f"{path} does not exist")
    if not path.is_dir():
        raise ConfigurationError(argument, f"{path} is not a folder")
    return path


def _existing_file(source: str | os.PathLike[str], argument: str) -> Path:
    path = _as_path(source, argument)
    if not path.exists():
        raise ConfigurationError(argument, f"{path} does not exist")
    if not path.is_file():
        raise ConfigurationError(argument, f"{path} is not a regular file")
    return path


def _as_path(source: str | os.PathLike[str], argument: str) -> Path:
    if not isinstance(source, str | os.PathLike) or not os.fspath(source):
        raise ConfigurationError(argument, f"expected a path, got {source!r}")
    return Path(source).expanduser().absolute()
