"""Machine Configuration (guest configuration) packages: build one, or read and check one. Pure.

A :class:`MachineConfigurationPackage` holds the zip (a :class:`Package`) and what Azure reads
from it: the configuration name (the MOF's file name, as the agent takes it), the metaconfig's
mode and version, the parsed MOF, its resources, the module folders and Chef InSpec profiles,
and warnings about what the agent may object to. It is made only by
:meth:`~MachineConfigurationPackage.build` (from a compiled MOF and its modules) or
:meth:`~MachineConfigurationPackage.from_zip` (a package built elsewhere), which check every
rule of the format here; calling the class directly (or ``dataclasses.replace``) raises
``TypeError``, so none exists unchecked.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import InitVar, dataclass
from pathlib import Path
from typing import Literal, Self, get_args

from .._files import read_file_bytes
from .._redact import show
from ..errors import ConfigurationError
from ._encodings import decode_mof, decode_text
from ._tree import check_windows_names, collect_tree, existing_directory, existing_file
from ._zip import ZipEntry, build_zip
from ._zip_read import SafeZip
from .mof import MAX_MOF_CHARACTERS, MofDocument, MofResource, parse_mof, read_mof
from .package import HoldsPackage, Package, check_blob_name, checked_zip_package, package_zip

#: Azure's limit on a Machine Configuration package once extracted (100 MB, read as MiB).
MACHINE_CONFIGURATION_MAX_BYTES = 100 * 1024 * 1024
#: A package's type (its metaconfig's Type, New-GuestConfigurationPackage -Type). Spelled here,
#: not in vmss_components._types: packaging imports nothing of the library but its errors.
PackageMode = Literal["Audit", "AuditAndSet"]
MACHINE_CONFIGURATION_MODES: tuple[PackageMode, ...] = get_args(PackageMode)
# The package's name: the MOF's file name, the zip's and the assignment's. A PowerShell
# configuration name, which is also safe as a blob name and an ARM resource name.
_CONFIGURATION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}", re.ASCII)
_PACKAGE_VERSION = re.compile(r"\d+\.\d+\.\d+", re.ASCII)
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
# Chef InSpec audits run by a native resource the agent ships (Linux only); its profile is a
# folder of the package, Modules/<profile>/inspec.yml.
INSPEC_CLASS = "MSFT_ChefInSpecResource"
_INSPEC_NATIVE = f"DscNativeResources/{INSPEC_CLASS}/lib{INSPEC_CLASS}.so"
_NATIVE_FOLDER = "DscNativeResources"
_INSPEC_INSTALLER = "install_inspec.sh"
# The Microsoft packager refuses a frequency below 15 minutes and writes one above it.
_MIN_FREQUENCY = 15
# Small members read whole: the metaconfig and module manifests.
_SMALL_FILE = 1024 * 1024
# A metaconfig nests no deeper than this (JSON's parser would recurse on deeper input).
_JSON_DEPTH = 32
# The zip itself: its content at the limit, plus room for headers.
_MAX_ZIP_BYTES = 100 * 1024 * 1024 + 16 * 1024 * 1024
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
            f"{show(value)} is not a valid configuration name: use 1-64 letters, digits, '_' "
            "or '-', "
            "starting with a letter (it names the zip, the MOF and the Azure assignment)",
        )
    return value


@dataclass(frozen=True, kw_only=True)
class MachineConfigurationPackage(HoldsPackage):
    """A Machine Configuration (guest configuration) package, as the agent expects it.

    ``<name>.zip`` holds, with no folder around them, ``<name>.mof`` (the compiled
    configuration), ``<name>.metaconfig.json`` (``{"Type": "Audit" | "AuditAndSet",
    "Version": "x.y.z"}``) and ``Modules/<Module>/...`` for each resource module (plus, for
    Chef InSpec audits, ``Modules/<profile>/`` and the native resource under
    ``Modules/DscNativeResources/``). The package's name is the MOF's file name, as the agent
    and Microsoft's tools take it; the zip is published under that name and the assignment
    carries it. The MOF's own configuration name may differ (Microsoft's baselines do): that is
    a warning, not an error. ``content_hash`` is the upper-case SHA256 an assignment carries.

    ``package`` is the zip to upload; ``name``, ``filename``, ``sha256`` and the other file
    attributes read from it. ``warnings`` lists what deserves a look without being wrong.
    """

    package: Package
    configuration_name: str
    mode: str
    version: str | None
    configuration: MofDocument
    resources: tuple[MofResource, ...]
    modules: tuple[str, ...]
    inspec_profiles: tuple[str, ...] = ()
    native_resources: tuple[str, ...] = ()
    frequency_minutes: int | None = None
    warnings: tuple[str, ...] = ()
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
        """The OS the resources run on, when a known module or Chef InSpec says so, else None."""
        names = {r.module_name.lower() for r in self.resources}
        linux = bool(names & _LINUX_MODULES) or bool(_inspec_resources(self.configuration))
        windows = bool(names & _WINDOWS_MODULES)
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
        inspec_profiles: Path | None = None,
        mode: str = "Audit",
        version: str = "1.0.0",
        frequency_minutes: int | None = None,
    ) -> Self:
        """Package a compiled MOF and its resource modules as ``<name>.zip``, deterministically.

        ``mof`` is the compiled file (often ``localhost.mof``; it is renamed ``<name>.mof``).
        Each subfolder of ``modules`` is a module, packaged as ``Modules/<subfolder>/...``;
        every module the MOF uses must be there, at the version the MOF names when the folder
        has a manifest. ``modules/DscNativeResources/<Resource>/`` holds native resources and
        ``modules/install_inspec.sh`` the InSpec installer, as Microsoft's packager lays them
        out. ``inspec_profiles`` is a folder holding one folder per Chef InSpec profile the MOF
        names (``<profile>/inspec.yml``); InSpec packages can only audit. ``frequency_minutes``
        (at least 15) sets how often the agent evaluates the configuration.
        """
        check_configuration_name(name, "package.name")
        mode = _check_mode(mode, "package.mode")
        if not isinstance(version, str) or not _PACKAGE_VERSION.fullmatch(version):
            raise ConfigurationError(
                "package.version", f"{show(version)} is not a version such as '1.0.0'"
            )
        if frequency_minutes is not None and (
            isinstance(frequency_minutes, bool)
            or not isinstance(frequency_minutes, int)
            or not _MIN_FREQUENCY <= frequency_minutes <= 1_000_000
        ):
            raise ConfigurationError(
                "package.frequency_minutes",
                f"{show(frequency_minutes)} is not a whole number of minutes of at least "
                f"{_MIN_FREQUENCY} (the agent evaluates at most every 15 minutes)",
            )
        mof_path = _path_argument(mof, "package.mof", "the compiled .mof file")
        mof_path = existing_file(mof_path, "package.mof")
        if mof_path.suffix.lower() != ".mof":
            raise ConfigurationError("package.mof", f"{mof_path} is not a .mof file")
        document = read_mof(mof_path, path="package.mof")
        warnings = list(document.warnings)
        _check_has_resources(document, mof_path.name, "package.mof")
        warnings += _inner_name_warnings(name, document, f"{mof_path.name}")

        module_files: list[tuple[str, Path]] = []
        if modules is not None:
            root = existing_directory(
                _path_argument(modules, "package.modules", "a folder of modules"),
                "package.modules",
            )
            module_files = collect_tree(root, (), "package.modules")
            check_windows_names(module_files, "package.modules")
            for relative, _ in module_files:
                if "/" not in relative and relative != _INSPEC_INSTALLER:
                    raise ConfigurationError(
                        "package.modules",
                        f"{relative} sits directly in {root}: each subfolder is one module, "
                        "so files belong inside a module folder",
                    )
        folders = sorted({rel.split("/", 1)[0] for rel, _ in module_files if "/" in rel})
        for folder in folders:
            check_blob_name(folder, f"package.modules.{folder}")
        module_names = [f for f in folders if f != _NATIVE_FOLDER]
        native = _native_resources(rel for rel, _ in module_files)

        inspec = _inspec_resources(document)
        profile_files = _build_profiles(name, inspec, inspec_profiles, mode, warnings)
        profiles = sorted({rel.split("/", 1)[0] for rel, _ in profile_files})
        for profile in profiles:
            if profile in folders:
                raise ConfigurationError(
                    "package.inspec_profiles",
                    f"{profile} is both a module folder and an InSpec profile: Modules/{profile} "
                    "can hold only one of them",
                )
        if inspec and _INSPEC_NATIVE not in {rel for rel, _ in module_files}:
            warnings.append(_missing_native_warning("modules/"))

        files = dict(module_files)
        _check_modules(
            document,
            set(module_names),
            lambda relative: _read_manifest(files[relative]) if relative in files else None,
            "package.modules",
        )
        if not module_names and not native and not profiles:
            warnings.append(_no_modules_warning())

        metaconfig = _metaconfig(mode, version, frequency_minutes)
        total = mof_path.stat().st_size + len(metaconfig)
        total += sum(path.stat().st_size for _, path in (*module_files, *profile_files))
        _check_size(total, "package")

        entries = [
            ZipEntry(arcname=f"{name}.mof", source=mof_path),
            ZipEntry(arcname=f"{name}.metaconfig.json", data=metaconfig),
            *(ZipEntry(arcname=f"Modules/{rel}", source=path) for rel, path in module_files),
            *(ZipEntry(arcname=f"Modules/{rel}", source=path) for rel, path in profile_files),
        ]
        origin = (
            f"{mof_path.resolve()}|{modules.resolve() if modules is not None else ''}"
            f"|{inspec_profiles.resolve() if inspec_profiles is not None else ''}"
        )
        built = build_zip(entries, label=name, origin=origin)
        return cls(
            package=package_zip(name, built),
            configuration_name=name,
            mode=mode,
            version=version,
            configuration=document,
            resources=document.resources,
            modules=tuple(module_names),
            inspec_profiles=tuple(profiles),
            native_resources=native,
            frequency_minutes=frequency_minutes,
            warnings=tuple(warnings),
            _checked=_CHECKED,
        )

    @classmethod
    def from_zip(cls, path: str | os.PathLike[str]) -> Self:
        """Read and check a package built elsewhere (``New-GuestConfigurationPackage``); it is
        published byte for byte.

        As Microsoft's package runner does, the name is the MOF's file name (a zip named
        ``Web_1.0.0.zip`` holding ``Web.mof`` is package ``Web``, published as ``Web.zip``), and
        a package without ``<name>.metaconfig.json`` is an Audit package, with a warning.
        """
        file_path = existing_file(path, "package.path")
        filename = check_blob_name(file_path.name, "package.path")
        if not filename.lower().endswith(".zip"):
            raise ConfigurationError("package.path", f"{file_path} is not a .zip file")
        size = file_path.stat().st_size
        if size > _MAX_ZIP_BYTES:
            raise ConfigurationError(
                "package.path",
                f"{filename} is {size:,} bytes: a Machine Configuration package holds at most "
                f"{MACHINE_CONFIGURATION_MAX_BYTES:,} bytes once extracted",
            )
        with SafeZip(file_path, "package.path", limit=MACHINE_CONFIGURATION_MAX_BYTES) as archive:
            read = _ZipReader(archive, filename)
            read.package()
            archive.verify()
        package = checked_zip_package(read.name, file_path, archive.uncompressed_size)
        return cls(
            package=package,
            configuration_name=read.name,
            mode=read.mode,
            version=read.version,
            configuration=read.document,
            resources=read.document.resources,
            modules=read.modules,
            inspec_profiles=read.profiles,
            native_resources=read.native,
            frequency_minutes=read.frequency,
            warnings=tuple(read.warnings),
            _checked=_CHECKED,
        )


class _ZipReader:
    """The checks of :meth:`MachineConfigurationPackage.from_zip` over one open archive."""

    def __init__(self, archive: SafeZip, filename: str) -> None:
        self.archive = archive
        self.filename = filename
        self.members = archive.members
        self.warnings: list[str] = []
        self.name = ""
        self.mode = "Audit"
        self.version: str | None = None
        self.frequency: int | None = None
        self.modules: tuple[str, ...] = ()
        self.profiles: tuple[str, ...] = ()
        self.native: tuple[str, ...] = ()

    def text(self, member: str) -> str:
        return decode_text(self.archive.read(member, limit=_SMALL_FILE))

    def package(self) -> None:
        check_windows_names([(m, Path(m)) for m in self.members], "package.path")
        root = sorted(m for m in self.members if "/" not in m)
        mofs = [m for m in root if m.lower().endswith(".mof")]
        if not mofs:
            nested = sorted(m for m in self.members if m.lower().endswith(".mof"))
            hint = (
                f"; found {', '.join(nested[:5])}: zip the package's content, not a folder "
                "holding it"
                if nested
                else ""
            )
            raise ConfigurationError(
                "package.path", f"{self.filename} has no .mof at its root{hint}"
            )
        if len(mofs) > 1:
            raise ConfigurationError(
                "package.path",
                f"{self.filename} has {len(mofs)} MOFs at its root ({', '.join(mofs[:5])}): "
                "a package holds exactly one configuration",
            )
        mof = mofs[0]
        stem = mof[: -len(".mof")]
        if not _CONFIGURATION_NAME.fullmatch(stem):
            raise ConfigurationError(
                "package.path",
                f"the package's MOF is {show(mof)}, and its name ({show(stem)}) names the package: "
                "use "
                "1-64 letters, digits, '_' or '-', starting with a letter (it names the zip, "
                "the MOF and the Azure assignment)",
            )
        self.name = stem
        if self.filename[: -len(".zip")] != stem:
            self.warnings.append(
                f"{self.filename} holds {mof}: the agent and Microsoft's tools name the package "
                f"after its MOF, so it is published as {stem}.zip and assigned as {show(stem)}"
            )
        data = self.archive.read(mof, limit=MAX_MOF_CHARACTERS)
        document = parse_mof(
            decode_mof(data, source=mof, path="package.path"), source=mof, path="package.path"
        )
        _check_has_resources(document, mof, "package.path")
        self.document = document
        self.warnings += document.warnings
        self.warnings += _inner_name_warnings(stem, document, mof)
        self.metaconfig(stem)

        folders = {
            m.split("/")[1] for m in self.members if m.startswith("Modules/") and m.count("/") >= 2
        }
        folders |= {f.split("/")[1] for f in self.archive.folders if f.startswith("Modules/")}
        self.native = _native_resources(
            m[len("Modules/") :] for m in self.members if m.startswith("Modules/")
        )
        inspec = _inspec_resources(document)
        profiles = self.check_inspec(inspec, folders)
        self.profiles = tuple(sorted(profiles))
        self.modules = tuple(sorted(folders - profiles - {_NATIVE_FOLDER}))
        _check_modules(
            document,
            set(self.modules),
            lambda relative: (
                self.text(f"Modules/{relative}") if f"Modules/{relative}" in self.members else None
            ),
            "package.path",
        )
        if not folders:
            self.warnings.append(_no_modules_warning())

    def check_inspec(self, inspec: list[MofResource], folders: set[str]) -> set[str]:
        """Every InSpec profile the MOF names is a folder of the package with an inspec.yml."""
        if not inspec:
            return set()
        if self.mode == "AuditAndSet":
            raise ConfigurationError(
                "package.path",
                f"{self.filename} is AuditAndSet but its MOF runs Chef InSpec "
                f"({_ids(inspec)}), which can only audit: Microsoft's tools refuse it; set Type "
                "to Audit",
            )
        profiles: set[str] = set()
        for resource in inspec:
            profile = _profile_folder(resource, folders)
            if profile is None:
                raise ConfigurationError(
                    "package.path",
                    f"{resource.resource_id or resource.class_name} (line {resource.line}) "
                    "names no InSpec profile (its Name is not text)",
                )
            if f"Modules/{profile}/inspec.yml" not in self.members:
                raise ConfigurationError(
                    "package.path",
                    f"{self.filename} has no Modules/{profile}/inspec.yml: the Chef InSpec "
                    f"profile of {resource.resource_id or resource.class_name} must be in the "
                    "package",
                )
            profiles.add(profile)
        if f"Modules/{_INSPEC_NATIVE}" not in self.members:
            self.warnings.append(_missing_native_warning("Modules/"))
        return profiles

    def metaconfig(self, name: str) -> None:
        member = f"{name}.metaconfig.json"
        if member not in self.members:
            near = [m for m in self.members if m.lower() == member.lower()]
            hint = f" ({near[0]} differs in case, and Linux reads names exactly)" if near else ""
            self.warnings.append(
                f"{self.filename} has no {member}{hint}: it is taken as an Audit package of "
                "unknown version, as Microsoft's package runner takes it"
            )
            return
        text = self.text(member)
        if _json_depth(text) > _JSON_DEPTH:
            raise ConfigurationError(
                "package.path", f"{member} nests deeper than {_JSON_DEPTH} levels"
            )
        try:
            meta = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise ConfigurationError(
                "package.path", f"{member} is not JSON: {_short(error)}"
            ) from error
        if not isinstance(meta, dict):
            raise ConfigurationError("package.path", f"{member} must hold a JSON object")
        fields = {str(key).lower(): value for key, value in meta.items()}
        if "type" not in fields:
            self.warnings.append(
                f"{member} has no Type: it is taken as an Audit package, as Microsoft's package "
                "runner takes it"
            )
        else:
            self.mode = _check_mode(fields["type"], "package.path", what=f"Type in {member}")
        version = fields.get("version")
        if isinstance(version, str) and version.strip():
            self.version = version
        else:
            self.warnings.append(f"{member} has no Version")
        frequency = fields.get("configurationmodefrequencymins")
        if frequency is not None:
            if (
                isinstance(frequency, int)
                and not isinstance(frequency, bool)
                and (frequency >= _MIN_FREQUENCY)
            ):
                self.frequency = frequency
            else:
                self.warnings.append(
                    f"configurationModeFrequencyMins in {member} is {_short(frequency)}: the "
                    f"agent takes a whole number of minutes of at least {_MIN_FREQUENCY}"
                )


def _path_argument(value: object, argument: str, what: str) -> Path:
    if not isinstance(value, Path):
        shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
        raise ConfigurationError(
            argument,
            f"expected a pathlib.Path to {what}, got {shown} (a str is never taken for a path)",
        )
    return value


def _check_has_resources(document: MofDocument, source: str, path: str) -> None:
    if not document.resources:
        raise ConfigurationError(
            path,
            f"{source} holds no resource (no instance with a ResourceID): Microsoft's packager "
            "refuses a configuration it cannot find resources in",
        )


def _inner_name_warnings(name: str, document: MofDocument, source: str) -> list[str]:
    found = document.configuration_name
    if found == name:
        return []
    if found is None:
        return [
            f"{source} does not name its configuration (an older MOF): the package names it "
            f"{show(name)}"
        ]
    return [
        f"{source} is configuration {show(found)} inside, but the package is {show(name)}: "
        "the agent "
        "and Microsoft's tools use the package's name (the MOF's file name), so it runs as "
        f"{show(name)}"
    ]


def _inspec_resources(document: MofDocument) -> list[MofResource]:
    return [r for r in document.resources if r.class_name.lower() == INSPEC_CLASS.lower()]


def _ids(resources: Sequence[MofResource]) -> str:
    shown = [r.resource_id or r.class_name for r in resources[:3]]
    more = f" and {len(resources) - 3} more" if len(resources) > 3 else ""
    return ", ".join(shown) + more


def _resource_text(resource: MofResource, name: str) -> str | None:
    for key, value in resource.properties.items():
        if key.lower() == name.lower():
            return value if isinstance(value, str) and value else None
    return None


def _profile_folder(resource: MofResource, folders: set[str]) -> str | None:
    """The package folder holding an InSpec resource's profile.

    Older packages point at it with ``GithubPath`` (``<package>/Modules/<folder>/``), whose
    folder need not be the resource's Name; otherwise the folder is the Name.
    """
    github = _resource_text(resource, "GithubPath")
    if github is not None:
        parts = [p for p in github.replace("\\", "/").split("/") if p]
        for index, part in enumerate(parts[:-1]):
            if part.lower() == "modules" and parts[index + 1] in folders:
                return parts[index + 1]
    return _resource_text(resource, "Name")


def _build_profiles(
    name: str,
    inspec: list[MofResource],
    inspec_profiles: Path | None,
    mode: str,
    warnings: list[str],
) -> list[tuple[str, Path]]:
    """The files of the InSpec profiles the MOF names, as ``(<profile>/..., path)``."""
    if not inspec:
        if inspec_profiles is not None:
            raise ConfigurationError(
                "package.inspec_profiles",
                "the MOF runs no Chef InSpec resource (MSFT_ChefInSpecResource), so it takes "
                "no InSpec profiles",
            )
        return []
    if mode == "AuditAndSet":
        raise ConfigurationError(
            "package.mode",
            f"the MOF runs Chef InSpec ({_ids(inspec)}), which can only audit: use mode='Audit'",
        )
    if inspec_profiles is None:
        raise ConfigurationError(
            "package.inspec_profiles",
            f"the MOF runs Chef InSpec ({_ids(inspec)}): give the folder holding its profiles "
            "(<profile>/inspec.yml)",
        )
    root = existing_directory(
        _path_argument(inspec_profiles, "package.inspec_profiles", "a folder of InSpec profiles"),
        "package.inspec_profiles",
    )
    files = collect_tree(root, (), "package.inspec_profiles")
    check_windows_names(files, "package.inspec_profiles")
    wanted: list[str] = []
    for resource in inspec:
        profile = _resource_text(resource, "Name")
        if profile is None:
            raise ConfigurationError(
                "package.mof",
                f"{resource.resource_id or resource.class_name} (line {resource.line}) names "
                "no InSpec profile (its Name is not text)",
            )
        check_blob_name(profile, f"package.inspec_profiles.{profile}")
        if f"{profile}/inspec.yml" not in {rel for rel, _ in files}:
            raise ConfigurationError(
                "package.inspec_profiles",
                f"{root} has no {profile}/inspec.yml: the Chef InSpec profile of "
                f"{resource.resource_id or resource.class_name} must be in the package",
            )
        expected = f"{name}/Modules/{profile}/"
        github = _resource_text(resource, "GithubPath")
        if github is not None and github.replace("\\", "/") != expected:
            warnings.append(
                f"GithubPath of {resource.resource_id or profile} is {show(github)}; Microsoft's "
                f"packager rewrites it to {show(expected)}, and this library keeps the MOF as it is"
            )
        wanted.append(profile)
    return [(rel, path) for rel, path in files if rel.split("/", 1)[0] in wanted]


def _native_resources(relatives: object) -> tuple[str, ...]:
    """The native resources under ``DscNativeResources/<Resource>/`` in module paths."""
    found: set[str] = set()
    for relative in relatives:  # type: ignore[attr-defined]
        parts = str(relative).split("/")
        if len(parts) >= 3 and parts[0] == _NATIVE_FOLDER:
            found.add(parts[1])
    return tuple(sorted(found))


def _missing_native_warning(where: str) -> str:
    return (
        f"the MOF runs Chef InSpec, but {where}{_INSPEC_NATIVE} is not in the package: "
        "Microsoft's packager copies the native resource (and Modules/install_inspec.sh) from "
        "the GuestConfiguration module; check that your agent version provides it"
    )


def _no_modules_warning() -> str:
    return (
        "the package has no folder under Modules/: Microsoft's package runner refuses such a "
        "package, though the MOF's resources may all ship with the agent"
    )


def _json_depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest outside JSON strings, counted without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _short(value: object) -> str:
    text = str(value) if isinstance(value, BaseException) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _check_mode(value: object, path: str, *, what: str = "mode") -> str:
    # The packaging tools accept the type in any case; the canonical spelling is kept.
    for mode in MACHINE_CONFIGURATION_MODES:
        if isinstance(value, str) and value.lower() == mode.lower():
            return mode
    raise ConfigurationError(path, f"{what} is {_short(value)}: use 'Audit' or 'AuditAndSet'")


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
        # Native resources (the agent's own, and Chef InSpec) need no module folder.
        if module.lower() in _AGENT_MODULES or resource.class_name.lower() == INSPEC_CLASS.lower():
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
        users = ", ".join(used_by[module][:3]) + (
            f" and {len(used_by[module]) - 3} more" if len(used_by[module]) > 3 else ""
        )
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


def _metaconfig(mode: str, version: str, frequency_minutes: int | None) -> bytes:
    # ASCII JSON with sorted keys, as deterministic as the zip around it. Like Microsoft's
    # packager, a frequency is written only above the agent's default of 15 minutes.
    meta: dict[str, object] = {"Type": mode, "Version": version}
    if frequency_minutes is not None and frequency_minutes > _MIN_FREQUENCY:
        meta["configurationModeFrequencyMins"] = frequency_minutes
    return (json.dumps(meta, indent=2, sort_keys=True) + "\n").encode("ascii")


def _read_manifest(path: Path) -> str:
    return decode_text(read_file_bytes(path, "package.modules", limit=_SMALL_FILE))
