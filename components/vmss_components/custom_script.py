"""CustomScriptScaleSet: a scale set whose instances run a command or script after download.

The Custom Script extension downloads a list of files to every instance (including those
that appear later on scale-out, reimage or repair) and runs a command, or on Linux an inline
script. Local files are published to the artifact store content-addressed; instances fetch
them with each blob's own read-only SAS token (``download="sas"``) or with a user-assigned
managed identity that holds Storage Blob Data Reader on the container
(``download="managed_identity"``). The command and script always travel in protected
settings, and the update tag changes exactly when a file, the command or script, the download
mode, the external URIs, the handler version or ``rerun`` change.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pulumi
from pulumi_azure_native import authorization, managedidentity

from ._checks import (
    check_download_identity,
    check_extension_name,
    check_input_text,
    check_int,
    check_literal,
    check_text_characters,
    resolve_download_identity,
)
from ._download_identity import (
    download_identity,
    grant_download,
    is_attached,
)
from ._files import check_encodable, read_file_bytes
from ._guard import check_public_value
from ._naming import artifact_key
from ._redact import not_a_path, redacts, show
from ._rules import declare_rule
from ._types import DownloadMode, OsType
from .errors import ConfigurationError
from .extensions import (
    CSE_LINUX_PUBLISHER,
    CSE_LINUX_TYPE,
    CSE_LINUX_VERSION,
    CSE_SCRIPT_MAX_ENCODED,
    CSE_WINDOWS_PUBLISHER,
    CSE_WINDOWS_TYPE,
    CSE_WINDOWS_VERSION,
    Extension,
    check_handler_version,
    encode_script,
    handler_named,
    linux_custom_script_extension,
    update_tag,
    windows_custom_script_extension,
)
from .packaging import Package
from .scaleset import (
    ScaleSetArgs,
    ScaleSetComponent,
    ScaleSetSpec,
    build_scale_set,
    resolve_scale_set,
    tag_key,
)
from .store import ArtifactStore, PublishedArtifact, StoreFacts, check_store

SCRIPT_SIZE = declare_rule(
    "cse-script-size",
    "A Linux Custom Script script is at most 262,144 characters once gzipped and "
    "base64-encoded (the handler's limit), however the extension arrives.",
    where="vmss_components.custom_script.resolve_custom_script; "
    "vmss_components.extensions.custom_script.check_custom_script_settings",
    paths=("script", "scale_set.extra_extensions"),
)
WINDOWS_NO_SCRIPT = declare_rule(
    "cse-windows-no-script",
    "The Windows Custom Script handler has no inline script: publish it and run a command.",
    where="vmss_components.custom_script.CustomScriptScaleSetArgs",
    paths=("script",),
)
HTTPS_ONLY = declare_rule(
    "cse-file-uris-https",
    "Custom Script file URIs are https:// URLs with a file name (the handler saves each "
    "download under the last segment of its path), however the extension arrives.",
    where="vmss_components.custom_script.CustomScriptScaleSetArgs; "
    "vmss_components.extensions.custom_script.check_file_uris",
    paths=("file_uris", "scale_set.extra_extensions"),
)
FILE_NAMES_UNIQUE = declare_rule(
    "cse-file-names-unique",
    "The files a Custom Script extension downloads have distinct names (without case on "
    "Windows): the handler saves them all in one folder.",
    where="vmss_components.custom_script.resolve_custom_script; "
    "vmss_components.extensions.custom_script.check_file_uris",
    paths=("files", "file_uris", "scale_set.extra_extensions"),
)
NO_PUBLIC_TOKEN = declare_rule(
    "cse-managed-identity-no-token",
    "With managed-identity download the file URIs are public settings: a URI carrying a SAS "
    "token (sig=) is refused.",
    where="vmss_components.custom_script.resolve_custom_script",
    paths=("file_uris",),
)
# A file's role in its artifact key: a slug of its name, short enough to leave room for the
# component's name (keys are at most 63 characters).
_KEY_SLUG_LENGTH = 40


@redacts("command", "script", when=not_a_path, urls=("file_uris",))
@dataclass(frozen=True, kw_only=True)
class CustomScriptScaleSetArgs:
    """A scale set and what the Custom Script extension downloads and runs on each instance.

    Give exactly one of ``command`` and (Linux only) ``script``.
    """

    scale_set: ScaleSetArgs
    """The scale set; its image must run ``os``."""
    os: OsType
    """``"windows"`` (``Microsoft.Compute``/``CustomScriptExtension``) or ``"linux"``
    (``Microsoft.Azure.Extensions``/``CustomScript``): which handler, and which image."""
    store: ArtifactStore | None = None
    """Where ``files`` are published; required when there are any."""
    files: Sequence[Path | Package] = ()
    """Local files (``Path``, published as is) or packages, downloaded in this order into one
    folder, so file names must differ (without case on Windows)."""
    file_uris: Sequence[str] = ()
    """External ``https://`` URLs downloaded after ``files``, passed through as they are. One
    carrying a SAS token (``sig=``) moves ``fileUris`` into protected settings."""
    command: pulumi.Input[str] | None = None
    """The command run in the download folder; always in protected settings (it may carry
    secrets)."""
    script: str | Path | None = None
    """Linux only: a script instead of ``command``, its text (``str``) or a file (``Path``),
    sent gzip+base64 in protected settings (at most 262,144 characters encoded)."""
    download: DownloadMode = "sas"
    """How instances reach the store: ``"sas"`` (each URL with its blob's read-only token, in
    protected settings) or ``"managed_identity"`` (plain URLs and a user-assigned identity
    with Storage Blob Data Reader on the container)."""
    download_identity_resource_id: pulumi.Input[str] | None = None
    """With ``managed_identity``: an existing user-assigned identity's resource id, attached
    to the scale set unless already among its ``managed_identities``. None creates one. It
    must be user-assigned: a system-assigned principal exists too late to be granted the
    role before the first download."""
    identity_id: pulumi.Input[str] | None = None
    """Deprecated (removed in the next release): use ``download_identity_resource_id``."""
    skip_dos2unix: bool = False
    """Linux only: keep CRLF line endings in downloaded scripts (``skipDos2Unix``)."""
    type_handler_version: str | None = None
    """The handler version: a documented one, 1.10 on Windows or 2.1 on Linux (the default;
    minor versions auto-upgrade). Managed-identity download needs at least those."""
    extension_name: str | None = None
    """The extension's name in the model; None is ``CustomScriptExtension`` or
    ``CustomScript``."""
    rerun: int = 0
    """Increase to run an unchanged command again (it enters the update tag)."""

    def __post_init__(self) -> None:
        if not isinstance(self.scale_set, ScaleSetArgs):
            raise ConfigurationError(
                "scale_set", f"expected ScaleSetArgs, got {show(self.scale_set)}"
            )
        check_literal(self.os, "os", OsType)
        _check_list(self.files, "files")
        for index, item in enumerate(self.files):
            if not isinstance(item, Path | Package):
                hint = " (a str is never taken as a path: use pathlib.Path)" * isinstance(item, str)
                raise ConfigurationError(
                    f"files[{index}]",
                    f"expected a pathlib.Path or a Package, got {show(item)}{hint}",
                )
        _check_list(self.file_uris, "file_uris")
        for index, uri in enumerate(self.file_uris):
            _check_https(uri, f"file_uris[{index}]")
        if self.command is not None:
            check_input_text(self.command, "command", secret=True)
        if self.script is not None and not isinstance(self.script, str | Path):
            raise ConfigurationError(
                "script",
                "expected the script's text (str) or a script file (Path), got a "
                f"{type(self.script).__name__}",
            )
        if self.os == "windows" and self.script is not None:
            raise ConfigurationError(
                "script",
                "the Windows Custom Script extension has no inline script: publish the script "
                "in files and run it with command",
            )
        if self.command is None and self.script is None:
            raise ConfigurationError(
                "command",
                "give the command to run"
                + (
                    " or a script"
                    if self.os == "linux"
                    else " (for example 'powershell -File x.ps1')"
                ),
            )
        if self.command is not None and self.script is not None:
            raise ConfigurationError(
                "script", "give command or script, not both: the handler runs exactly one"
            )
        if isinstance(self.script, str) and not self.script.strip():
            raise ConfigurationError("script", "the script is empty")
        check_literal(self.download, "download", DownloadMode)
        if self.identity_id is not None:
            self._adopt_deprecated_identity()
        check_download_identity(self.download, self.download_identity_resource_id)
        if not isinstance(self.skip_dos2unix, bool):
            raise ConfigurationError(
                "skip_dos2unix", f"expected True or False, got {show(self.skip_dos2unix)}"
            )
        if self.skip_dos2unix and self.os == "windows":
            raise ConfigurationError(
                "skip_dos2unix", "skipDos2Unix is a setting of the Linux handler only"
            )
        if self.type_handler_version is not None:
            _handler_version(self.os, self.type_handler_version)
        if self.extension_name is not None:
            check_extension_name(self.extension_name, "extension_name")
        check_int(self.rerun, "rerun", minimum=0, maximum=1_000_000)

    def _adopt_deprecated_identity(self) -> None:
        warnings.warn(
            "CustomScriptScaleSetArgs(identity_id=...) is deprecated and will be removed in "
            "the next release: use download_identity_resource_id=...",
            DeprecationWarning,
            stacklevel=4,
        )
        if self.download_identity_resource_id is not None:
            raise ConfigurationError(
                "identity_id",
                "give the download identity once, as download_identity_resource_id "
                "(identity_id is its deprecated name)",
            )
        object.__setattr__(self, "download_identity_resource_id", self.identity_id)


def _check_list(value: object, path: str) -> None:
    if isinstance(value, str | bytes | Path) or not isinstance(value, Sequence):
        raise ConfigurationError(path, f"expected a list, got one {type(value).__name__}")


def _check_https(uri: object, path: str) -> None:
    if not isinstance(uri, str):
        raise ConfigurationError(path, f"expected an https:// URL (str), got {type(uri).__name__}")
    # urlsplit drops tabs and newlines silently: "https://x/a.sh\n" would pass as a.sh.
    check_text_characters(uri, path, "the URL")
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme.lower() != "https" or not parts.netloc:
        raise ConfigurationError(
            path, f"{show(uri)} is not an https:// URL: instances download over HTTPS only"
        )
    if not _file_name(uri):
        raise ConfigurationError(
            path,
            f"{show(uri)} has no file name: the handler saves each download under the last "
            "segment of its path",
        )


def has_sas_token(uri: str) -> bool:
    """Whether a URL carries a SAS signature (``sig=`` in its query)."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query, keep_blank_values=True)
    return any(key.lower() == "sig" for key in query)


def _handler_version(os: OsType, version: object) -> str:
    # The documented versions (1.10 on Windows, 2.1 on Linux) are also the first with
    # managed-identity download.
    windows = os == "windows"
    handler = handler_named(
        CSE_WINDOWS_PUBLISHER if windows else CSE_LINUX_PUBLISHER,
        CSE_WINDOWS_TYPE if windows else CSE_LINUX_TYPE,
    )
    check_handler_version(handler, version, "type_handler_version")
    assert isinstance(version, str)
    return version


def _file_name(uri: str) -> str:
    # As the handlers do: the last segment of the path, empty when the path ends with "/".
    return urllib.parse.unquote(urllib.parse.urlsplit(uri).path).rsplit("/", 1)[-1]


def _without_query(uri: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(uri)._replace(query="", fragment=""))


# --- Resolve: every rule, before any resource exists -----------------------------------------


@dataclass(frozen=True, kw_only=True)
class PlannedFile:
    """A local file to publish: its store key and package."""

    key: str
    package: Package


@redacts("encoded_script", "script_sha256", urls=("file_uris",))
@dataclass(frozen=True, kw_only=True)
class CustomScriptSpec:
    """A validated CustomScriptScaleSet: what to publish and how the extension looks."""

    scale_set: ScaleSetSpec
    os: OsType
    extension_name: str
    publisher: str
    type: str
    type_handler_version: str
    files: tuple[PlannedFile, ...]
    file_uris: tuple[str, ...]
    #: fileUris carry tokens (blob SAS or a token in an external URL): protected settings.
    protect_file_uris: bool
    #: The Linux script, gzip+base64, or None.
    encoded_script: str | None
    #: SHA256 of the script's bytes (secret material of the update tag), or None.
    script_sha256: str | None
    #: managed identity: "given" (download_identity_resource_id), "created" by the
    #: component, or None (SAS).
    identity: Literal["given", "created"] | None
    #: The identity's resource group and name when its id is plain text.
    identity_lookup: tuple[str, str] | None
    #: Whether the given identity is already one of the scale set's managed identities.
    identity_attached: bool


def resolve_custom_script(
    name: str, args: CustomScriptScaleSetArgs, store: StoreFacts | None
) -> CustomScriptSpec:
    """Every rule of a CustomScriptScaleSet, checked before any resource exists.

    ``store`` describes ``args.store`` (None when no store is given).
    """
    if not isinstance(args, CustomScriptScaleSetArgs):
        raise ConfigurationError("args", f"expected CustomScriptScaleSetArgs, got {show(args)}")
    os = args.os
    windows = os == "windows"
    extension_name = args.extension_name or (CSE_WINDOWS_TYPE if windows else CSE_LINUX_TYPE)
    publisher = CSE_WINDOWS_PUBLISHER if windows else CSE_LINUX_PUBLISHER
    kind = CSE_WINDOWS_TYPE if windows else CSE_LINUX_TYPE
    scale_set = resolve_scale_set(
        args.scale_set,
        os=os,
        name=name,
        component_extension_names=[extension_name],
        component_handlers=[(publisher, kind)],
    )
    version = args.type_handler_version or (CSE_WINDOWS_VERSION if windows else CSE_LINUX_VERSION)
    _handler_version(os, version)

    if args.files and store is None:
        raise ConfigurationError("store", "files are published to a store: give store=")
    packages = _packages(args.files)

    # The handler saves every download in one folder under the URL's last path segment:
    # two files of the same name would overwrite each other (Windows ignores case).
    seen: dict[str, str] = {}
    names = [(f"files[{i}]", p.filename) for i, p in enumerate(packages)]
    names += [(f"file_uris[{i}]", _file_name(u)) for i, u in enumerate(args.file_uris)]
    for where, file_name in names:
        folded = file_name.lower() if windows else file_name
        if folded in seen:
            raise ConfigurationError(
                where,
                f"{show(file_name)} is also the name of {seen[folded]}: the extension downloads "
                "every file into one folder",
            )
        seen[folded] = where
    files = _keyed(name, packages)
    if store is not None:
        for planned in files:
            store.check_unpublished(planned.key)
        if files and args.download == "sas":
            store.check_sas("download", "use download='managed_identity'")

    tokens = [i for i, uri in enumerate(args.file_uris) if has_sas_token(uri)]
    if args.download == "managed_identity" and tokens:
        raise ConfigurationError(
            f"file_uris[{tokens[0]}]",
            "carries a SAS token (sig=) but download='managed_identity' puts fileUris in public "
            "settings, where the token would be readable: drop the token and grant the identity "
            "read access, or use download='sas'",
        )
    protect = bool(tokens) or (args.download == "sas" and bool(files))
    if not protect:
        # fileUris go into public settings: nothing in them may look like a credential.
        for index, uri in enumerate(args.file_uris):
            check_public_value(uri, f"file_uris[{index}]")

    given = args.download_identity_resource_id
    identity, lookup = resolve_download_identity(
        args.download,
        given,
        publishes=bool(files),
        content="files",
        reads="the file_uris",
    )

    encoded: str | None = None
    digest: str | None = None
    if args.script is not None:
        raw = _script_bytes(args.script)
        encoded = encode_script(raw)
        digest = hashlib.sha256(raw).hexdigest()
        if len(encoded) > CSE_SCRIPT_MAX_ENCODED:
            over = len(encoded) - CSE_SCRIPT_MAX_ENCODED
            raise ConfigurationError(
                "script",
                f"{len(encoded):,} characters once gzipped and base64-encoded, {over:,} over "
                f"the handler's limit of {CSE_SCRIPT_MAX_ENCODED:,}: publish it in files and "
                "run it with command instead",
            )
    return CustomScriptSpec(
        scale_set=scale_set,
        os=os,
        extension_name=extension_name,
        publisher=publisher,
        type=kind,
        type_handler_version=version,
        files=files,
        file_uris=tuple(args.file_uris),
        protect_file_uris=protect,
        encoded_script=encoded,
        script_sha256=digest,
        identity=identity,
        identity_lookup=lookup,
        identity_attached=given is not None
        and is_attached(given, scale_set.user_assigned_resource_ids),
    )


def _packages(items: Sequence[Path | Package]) -> tuple[Package, ...]:
    packages: list[Package] = []
    for index, item in enumerate(items):
        if isinstance(item, Path):
            try:
                packages.append(Package.from_file(item))
            except ConfigurationError as error:
                raise ConfigurationError(f"files[{index}]", error.reason) from error
        else:
            packages.append(item)
    return tuple(packages)


def _keyed(name: str, packages: Sequence[Package]) -> tuple[PlannedFile, ...]:
    """Each file's store key: the component's name and a slug of the file's name, so that
    reordering ``files`` keeps every blob where it is."""
    planned: list[PlannedFile] = []
    keys: dict[str, int] = {}
    for index, package in enumerate(packages):
        slug = re.sub(r"[^a-z0-9]+", "-", package.filename.lower()).strip("-")
        key = artifact_key(name, f"cse-{slug[:_KEY_SLUG_LENGTH].strip('-') or 'file'}")
        if key in keys:
            raise ConfigurationError(
                f"files[{index}]",
                f"{show(package.filename)} and files[{keys[key]}] "
                f"({show(packages[keys[key]].filename)}) map to the same store key {show(key)}: "
                "rename one",
            )
        keys[key] = index
        planned.append(PlannedFile(key=key, package=package))
    return tuple(planned)


def _script_bytes(script: str | Path) -> bytes:
    if isinstance(script, str):
        return check_encodable(script, "script", "the script").encode("utf-8")
    # A regular file only, bounded, read as bytes: the extension runs them as they are.
    raw = read_file_bytes(script, "script")
    if not raw.strip():
        raise ConfigurationError("script", f"{script} is empty")
    return raw


# --- The component -------------------------------------------------------------------------


class CustomScriptScaleSet(ScaleSetComponent):
    """A Windows or Linux scale set whose instances run the Custom Script extension."""

    artifacts: dict[str, PublishedArtifact]
    """The published files, by file name, in the order of ``files``."""
    update_tag: pulumi.Output[str]
    """The extension's ``forceUpdateTag``: changes exactly when what it runs changes."""
    download_identity: managedidentity.UserAssignedIdentity | None
    """The user-assigned identity the component created for downloads, or None."""
    download_identity_resource_id: pulumi.Output[str] | None
    """The resource id of the identity instances download with (managed_identity), or None."""
    download_identity_client_id: pulumi.Output[str] | None
    """That identity's client id (what the extension's ``managedIdentity`` names), or None."""
    download_identity_principal_id: pulumi.Output[str] | None
    """That identity's principal id, or None."""
    role_assignment: authorization.RoleAssignment | None
    """The identity's Storage Blob Data Reader assignment on the store's container, or None
    (SAS download, or a given identity and nothing published)."""

    def __init__(
        self,
        name: str,
        args: CustomScriptScaleSetArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if not isinstance(args, CustomScriptScaleSetArgs):
            raise ConfigurationError("args", f"expected CustomScriptScaleSetArgs, got {show(args)}")
        store = check_store(args.store, "store", optional=True)
        spec = resolve_custom_script(name, args, store.facts if store is not None else None)
        super().__init__("vmss:index:CustomScriptScaleSet", name, args, opts)
        assert store is not None or not spec.files
        self.artifacts = {
            f.package.filename: store.publish(f.key, f.package)
            for f in spec.files
            if store is not None
        }
        published = tuple(self.artifacts.values())

        self.download_identity = None
        self.download_identity_resource_id = None
        self.download_identity_client_id = None
        self.download_identity_principal_id = None
        self.role_assignment = None
        identity = download_identity(
            name,
            spec.identity,
            args.scale_set,
            args.download_identity_resource_id,
            spec.identity_lookup,
            parent=self,
        )
        if identity is not None:
            self.download_identity = identity.resource
            self.download_identity_resource_id = identity.resource_id
            self.download_identity_client_id = identity.client_id
            self.download_identity_principal_id = identity.principal_id
        if identity is not None and published and store is not None:
            # A system-assigned identity could not work here: its principal exists only once
            # the scale set does.
            self.role_assignment = grant_download(
                store, name, identity, args.download_identity_resource_id, parent=self
            )

        self.update_tag = update_tag(
            _tag_material(spec, args),
            # The command may carry secrets (arguments, tokens): it enters the tag only through
            # a keyed hash, so the public tag lets nobody test guesses of it.
            secret_material={"command": args.command, "script": spec.script_sha256},
            key=tag_key(name, self),
        )
        extension = self._extension(spec, args, published)
        identity_ids: list[pulumi.Input[str]] = []
        if self.download_identity_resource_id is not None and not spec.identity_attached:
            identity_ids.append(self.download_identity_resource_id)
        built = build_scale_set(
            name,
            spec.scale_set,
            parent=self,
            extensions=[extension],
            identity_ids=identity_ids,
            depends_on=[self.role_assignment] if self.role_assignment is not None else [],
            artifacts=published,
        )
        self._finish(
            built,
            spec.scale_set,
            {
                "artifacts": {key: a.as_output() for key, a in self.artifacts.items()},
                "update_tag": self.update_tag,
                "download_identity": self.download_identity,
                "download_identity_resource_id": self.download_identity_resource_id,
                "download_identity_client_id": self.download_identity_client_id,
                "download_identity_principal_id": self.download_identity_principal_id,
                "role_assignment": self.role_assignment,
            },
        )

    @property
    def identity(self) -> managedidentity.UserAssignedIdentity | None:
        """Deprecated name of :attr:`download_identity`."""
        _deprecated_attribute("identity", "download_identity")
        return self.download_identity

    @property
    def identity_id(self) -> pulumi.Output[str] | None:
        """Deprecated name of :attr:`download_identity_resource_id`."""
        _deprecated_attribute("identity_id", "download_identity_resource_id")
        return self.download_identity_resource_id

    @property
    def identity_client_id(self) -> pulumi.Output[str] | None:
        """Deprecated name of :attr:`download_identity_client_id`."""
        _deprecated_attribute("identity_client_id", "download_identity_client_id")
        return self.download_identity_client_id

    @property
    def identity_principal_id(self) -> pulumi.Output[str] | None:
        """Deprecated name of :attr:`download_identity_principal_id`."""
        _deprecated_attribute("identity_principal_id", "download_identity_principal_id")
        return self.download_identity_principal_id

    def _extension(
        self,
        spec: CustomScriptSpec,
        args: CustomScriptScaleSetArgs,
        published: Sequence[PublishedArtifact],
    ) -> Extension:
        sas = args.download == "sas"
        file_uris: list[pulumi.Input[str]] = [a.url_with_sas if sas else a.url for a in published]
        file_uris += spec.file_uris
        if spec.os == "windows":
            assert args.command is not None
            return windows_custom_script_extension(
                name=spec.extension_name,
                type_handler_version=spec.type_handler_version,
                file_uris=file_uris,
                protect_file_uris=spec.protect_file_uris,
                command=args.command,
                managed_identity_client_id=self.download_identity_client_id,
                force_update_tag=self.update_tag,
            )
        return linux_custom_script_extension(
            name=spec.extension_name,
            type_handler_version=spec.type_handler_version,
            file_uris=file_uris,
            protect_file_uris=spec.protect_file_uris,
            command=args.command,
            script=spec.encoded_script,
            managed_identity_client_id=self.download_identity_client_id,
            skip_dos2unix=args.skip_dos2unix,
            force_update_tag=self.update_tag,
        )


def _deprecated_attribute(old: str, new: str) -> None:
    warnings.warn(
        f"CustomScriptScaleSet.{old} is deprecated and will be removed in the next release: "
        f"use .{new}",
        DeprecationWarning,
        stacklevel=3,
    )


def _tag_material(spec: CustomScriptSpec, args: CustomScriptScaleSetArgs) -> dict[str, Any]:
    return {
        "publisher": spec.publisher,
        "type": spec.type,
        "typeHandlerVersion": spec.type_handler_version,
        "files": [{"name": f.package.filename, "sha256": f.package.sha256} for f in spec.files],
        # A token in an external URL is a credential and rotates on its own: the tag takes
        # the URL without its query.
        "fileUris": [_without_query(u) if has_sas_token(u) else u for u in spec.file_uris],
        "download": args.download,
        "skipDos2Unix": args.skip_dos2unix,
        "rerun": args.rerun,
    }
