"""Machine Configuration (guest configuration) packages: build one, or read and check one. Pure.

A :class:`MachineConfigurationPackage` holds the zip (a :class:`Package`) and what Azure reads
from it: the configuration name, the metaconfig's mode and version, the parsed MOF, its
resources and the module folders. It is made only by :meth:`~MachineConfigurationPackage.build`
(from a compiled MOF and its modules) or :meth:`~MachineConfigurationPackage.from_zip` (a
package built elsewhere), which check every rule of the format here; calling the class
directly (or ``dataclasses.replace``) raises ``TypeError``, so none exists unchecked.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import InitVar, dataclass
from pathlib import Path
from typing import Literal, Self

from ..errors import ConfigurationError
from ._digests import file_digests
from ._tree import collect_tree, existing_directory, existing_file
from ._zip import ZipEntry, build_zip
from .mof import MofDocument, MofResource, decode_mof, parse_mof, read_mof
from .package import HoldsPackage, Package, check_blob_name, package_zip

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
# Passed by the factories only: the mark of a package whose content was checked.
_CHECKED = object()


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
class MachineConfigurationPackage(HoldsPackage):
    """A Machine Configuration (guest configuration) package, as the agent expects it.

    ``<name>.zip`` holds, with no folder around them, ``<name>.mof`` (the compiled
    configuration), ``<name>.metaconfig.json`` (``{"Type": "Audit" | "AuditAndSet",
    "Version": "x.y.z"}``) and ``Modules/<Module>/...`` for each resource module. The zip name,
    the MOF name and the MOF's configuration name are the same: Azure finds one by the other.
    ``content_hash`` is the upper-case SHA256 an assignment carries.

    ``package`` is the zip to upload; ``name``, ``filename``, ``sha256`` and the other file
    attributes read from it.
    """

    package: Package
    configuration_name: str
    mode: str
    version: str
    configuration: MofDocument
    resources: tuple[MofResource, ...]
    modules: tuple[str, ...]
    _checked: InitVar[object] = None

    def __post_init__(self, _checked: object) -> None:
        if _checked is not _CHECKED:
            raise TypeError(
                "make a MachineConfigurationPackage with MachineConfigurationPackage.build(name, "
                "mof=, modules=) or .from_zip(path), which check the package"
            )

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
        mof_path = existing_file(mof, "package.mof")
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
            root = existing_directory(modules, "package.modules")
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
            package=package_zip(name, built),
            configuration_name=document.configuration_name,
            mode=mode,
            version=version,
            configuration=document,
            resources=document.resources,
            modules=tuple(module_names),
            _checked=_CHECKED,
        )

    @classmethod
    def from_zip(cls, path: str | os.PathLike[str]) -> Self:
        """Read and check a package built elsewhere (``New-GuestConfigurationPackage``); it is
        published byte for byte."""
        file_path = existing_file(path, "package.path")
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
        package = Package(
            name=name,
            filename=filename,
            path=file_path,
            sha256=digests.sha256,
            md5_base64=digests.md5_base64,
            size=digests.size,
            uncompressed_size=read.uncompressed_size,
            content_type="application/zip",
        )
        return cls(
            package=package,
            configuration_name=document.configuration_name,
            mode=mode,
            version=version,
            configuration=document,
            resources=document.resources,
            modules=modules,
            _checked=_CHECKED,
        )


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
