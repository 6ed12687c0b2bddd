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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pulumi
import pulumi_random as random
from pulumi_azure_native import authorization, managedidentity

from .artifacts import ArtifactStore, PublishedArtifact
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
    OsType,
    encode_script,
    linux_custom_script_extension,
    update_tag,
    windows_custom_script_extension,
)
from .guard import check_public_value
from .naming import artifact_key
from .packaging import Package
from .scaleset import ScaleSetArgs, ScaleSetComponent, ScaleSetPlan, build_scale_set, plan_scale_set
from .validation import check_choice, check_input_text, check_int

DownloadMode = Literal["sas", "managed_identity"]

_EXTENSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_VERSION = re.compile(r"(\d+)\.(\d+)")
# Managed-identity download arrived in these handler versions; older ones ignore the setting
# and fail with 403 on a private container.
_MANAGED_IDENTITY_SINCE: dict[OsType, tuple[int, int]] = {"windows": (1, 10), "linux": (2, 1)}
_MAJOR: dict[OsType, int] = {"windows": 1, "linux": 2}
_IDENTITY_ID = re.compile(
    r"/subscriptions/(?P<subscription>[^/]+)/resourceGroups/(?P<group>[^/]+)/providers/"
    r"Microsoft\.ManagedIdentity/userAssignedIdentities/(?P<name>[^/]+)",
    re.IGNORECASE,
)
# A file's role in its artifact key: a slug of its name, short enough to leave room for the
# component's name (keys are at most 63 characters).
_KEY_SLUG_LENGTH = 40


@dataclass(frozen=True, kw_only=True)
class CustomScriptScaleSetArgs:
    """A scale set and what the Custom Script extension downloads and runs on each instance.

    ``os`` is ``"windows"`` or ``"linux"`` and must match the image. ``files`` are local files
    (``pathlib.Path``) or packages (``Package``) published to ``store``; ``file_uris`` are
    external HTTPS URLs passed through as they are. Give exactly one of ``command`` (run in
    the download folder) and, on Linux only, ``script`` (a ``str`` is the script's text, a
    ``Path`` a script file). ``download`` decides how instances reach the store: each blob's
    own read-only SAS token (``"sas"``), or a user-assigned managed identity
    (``"managed_identity"``: ``identity_id``, or one the component creates). Increase ``rerun``
    to run an unchanged command again.
    """

    scale_set: ScaleSetArgs
    os: OsType
    store: ArtifactStore | None = None
    files: Sequence[Path | Package] = ()
    file_uris: Sequence[str] = ()
    command: pulumi.Input[str] | None = None
    script: str | Path | None = None
    download: DownloadMode = "sas"
    identity_id: pulumi.Input[str] | None = None
    skip_dos2unix: bool = False
    type_handler_version: str | None = None
    extension_name: str | None = None
    rerun: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.scale_set, ScaleSetArgs):
            raise ConfigurationError("scale_set", f"expected ScaleSetArgs, got {self.scale_set!r}")
        check_choice(self.os, "os", ("windows", "linux"))
        if self.store is not None and not isinstance(self.store, ArtifactStore):
            raise ConfigurationError("store", f"expected an ArtifactStore, got {self.store!r}")
        _check_list(self.files, "files")
        for index, item in enumerate(self.files):
            if not isinstance(item, Path | Package):
                hint = " (a str is never taken as a path: use pathlib.Path)" * isinstance(item, str)
                raise ConfigurationError(
                    f"files[{index}]", f"expected a pathlib.Path or a Package, got {item!r}{hint}"
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
        check_choice(self.download, "download", ("sas", "managed_identity"))
        if self.identity_id is not None:
            if self.download != "managed_identity":
                raise ConfigurationError(
                    "identity_id",
                    "an identity is only used with download='managed_identity'; with 'sas' "
                    "each file carries its own token",
                )
            check_input_text(self.identity_id, "identity_id")
            if isinstance(self.identity_id, str):
                parse_identity_id(self.identity_id, "identity_id")
        if not isinstance(self.skip_dos2unix, bool):
            raise ConfigurationError(
                "skip_dos2unix", f"expected True or False, got {self.skip_dos2unix!r}"
            )
        if self.skip_dos2unix and self.os == "windows":
            raise ConfigurationError(
                "skip_dos2unix", "skipDos2Unix is a setting of the Linux handler only"
            )
        if self.type_handler_version is not None:
            _handler_version(self.os, self.type_handler_version, self.download)
        if self.extension_name is not None and (
            not isinstance(self.extension_name, str)
            or not _EXTENSION_NAME.fullmatch(self.extension_name)
        ):
            raise ConfigurationError(
                "extension_name",
                f"{self.extension_name!r} is not valid (1-64 letters, digits, '.', '-', '_')",
            )
        check_int(self.rerun, "rerun", minimum=0, maximum=1_000_000)


def _check_list(value: object, path: str) -> None:
    if isinstance(value, str | bytes | Path) or not isinstance(value, Sequence):
        raise ConfigurationError(path, f"expected a list, got one {type(value).__name__}")


def _check_https(uri: object, path: str) -> None:
    if not isinstance(uri, str):
        raise ConfigurationError(path, f"expected an https:// URL (str), got {type(uri).__name__}")
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme.lower() != "https" or not parts.netloc:
        raise ConfigurationError(
            path, f"{_shown(uri)!r} is not an https:// URL: instances download over HTTPS only"
        )
    if not _file_name(uri):
        raise ConfigurationError(
            path,
            f"{_shown(uri)!r} has no file name: the handler saves each download under the last "
            "segment of its path",
        )


def _shown(uri: str) -> str:
    """A URL as an error message may show it: no query (a token, a password) reaches a log."""
    parts = urllib.parse.urlsplit(uri)
    return _without_query(uri) + "?<query>" if parts.query or parts.fragment else uri


def has_sas_token(uri: str) -> bool:
    """Whether a URL carries a SAS signature (``sig=`` in its query)."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query, keep_blank_values=True)
    return any(key.lower() == "sig" for key in query)


def parse_identity_id(identity_id: str, path: str) -> tuple[str, str]:
    """The resource group and name of a user-assigned identity from its resource id."""
    match = _IDENTITY_ID.fullmatch(identity_id.strip())
    if match is None:
        raise ConfigurationError(
            path,
            f"{identity_id!r} is not a user-assigned identity id "
            "(/subscriptions/<id>/resourceGroups/<group>/providers/"
            "Microsoft.ManagedIdentity/userAssignedIdentities/<name>)",
        )
    return match.group("group"), match.group("name")


def _handler_version(os: OsType, version: object, download: str) -> str:
    match = _VERSION.fullmatch(version) if isinstance(version, str) else None
    if match is None or int(match.group(1)) != _MAJOR[os]:
        raise ConfigurationError(
            "type_handler_version",
            f"{version!r} is not a {_MAJOR[os]}.x version of the {os} Custom Script extension",
        )
    since = _MANAGED_IDENTITY_SINCE[os]
    if download == "managed_identity" and (int(match.group(1)), int(match.group(2))) < since:
        raise ConfigurationError(
            "type_handler_version",
            f"managed-identity download needs version {since[0]}.{since[1]} or later",
        )
    assert isinstance(version, str)
    return version


def _file_name(uri: str) -> str:
    # As the handlers do: the last segment of the path, empty when the path ends with "/".
    return urllib.parse.unquote(urllib.parse.urlsplit(uri).path).rsplit("/", 1)[-1]


def _without_query(uri: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(uri)._replace(query="", fragment=""))


# --- Plan: every rule, before any resource exists -----------------------------------------


@dataclass(frozen=True, kw_only=True)
class PlannedFile:
    """A local file to publish: its store key and package."""

    key: str
    package: Package


@dataclass(frozen=True, kw_only=True)
class CustomScriptPlan:
    """A validated CustomScriptScaleSet: what to publish and how the extension looks."""

    scale_set: ScaleSetPlan
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
    #: managed identity: "given" (identity_id), "created" by the component, or None (SAS).
    identity: Literal["given", "created"] | None
    #: The identity's resource group and name when identity_id is plain text.
    identity_lookup: tuple[str, str] | None


def plan_custom_script(name: str, args: CustomScriptScaleSetArgs) -> CustomScriptPlan:
    """Every rule of a CustomScriptScaleSet, checked before any resource exists."""
    if not isinstance(args, CustomScriptScaleSetArgs):
        raise ConfigurationError("args", f"expected CustomScriptScaleSetArgs, got {args!r}")
    os = args.os
    windows = os == "windows"
    extension_name = args.extension_name or (CSE_WINDOWS_TYPE if windows else CSE_LINUX_TYPE)
    publisher = CSE_WINDOWS_PUBLISHER if windows else CSE_LINUX_PUBLISHER
    kind = CSE_WINDOWS_TYPE if windows else CSE_LINUX_TYPE
    scale_set = plan_scale_set(
        args.scale_set, os=os, name=name, component_extension_names=[extension_name]
    )
    for index, extra in enumerate(args.scale_set.extra_extensions):
        if (extra.publisher.lower(), extra.type.lower()) == (publisher.lower(), kind.lower()):
            raise ConfigurationError(
                f"scale_set.extra_extensions[{index}]",
                "a VM takes one Custom Script extension: this component already adds it",
            )
    version = args.type_handler_version or (CSE_WINDOWS_VERSION if windows else CSE_LINUX_VERSION)
    _handler_version(os, version, args.download)

    if args.files and args.store is None:
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
                f"{file_name!r} is also the name of {seen[folded]}: the extension downloads "
                "every file into one folder",
            )
        seen[folded] = where
    files = _keyed(name, packages)
    if args.store is not None:
        for planned in files:
            args.store.check_unpublished(planned.key)

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

    identity: Literal["given", "created"] | None = None
    lookup: tuple[str, str] | None = None
    if args.download == "managed_identity":
        if args.identity_id is not None:
            identity = "given"
            if isinstance(args.identity_id, str):
                lookup = parse_identity_id(args.identity_id, "identity_id")
        elif files:
            identity = "created"
        else:
            raise ConfigurationError(
                "identity_id",
                "download='managed_identity' without files to publish needs identity_id: the "
                "identity that can already read the file_uris (a new one could read nothing)",
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
    return CustomScriptPlan(
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
                f"{package.filename!r} and files[{keys[key]}] "
                f"({packages[keys[key]].filename!r}) map to the same store key {key!r}: "
                "rename one",
            )
        keys[key] = index
        planned.append(PlannedFile(key=key, package=package))
    return tuple(planned)


def _script_bytes(script: str | Path) -> bytes:
    if isinstance(script, str):
        return script.encode("utf-8")
    try:
        raw = script.read_bytes()
    except OSError as error:
        raise ConfigurationError("script", f"cannot read {script}: {error.strerror}") from error
    if not raw.strip():
        raise ConfigurationError("script", f"{script} is empty")
    return raw


# --- The component -------------------------------------------------------------------------


class CustomScriptScaleSet(ScaleSetComponent):
    """A Windows or Linux scale set whose instances run the Custom Script extension.

    Outputs: ``vmss``, ``vmss_name``, ``vmss_id``, ``os``, ``artifacts`` (the published
    files, in order), ``update_tag``; with ``download="managed_identity"``: ``identity_id``,
    ``identity_client_id``, ``identity_principal_id``, ``role_assignment`` (None when the
    identity was given and nothing is published) and ``identity`` (when the component created
    it).
    """

    artifacts: tuple[PublishedArtifact, ...]
    update_tag: pulumi.Output[str]
    identity: managedidentity.UserAssignedIdentity | None
    identity_id: pulumi.Output[str] | None
    identity_client_id: pulumi.Output[str] | None
    identity_principal_id: pulumi.Output[str] | None
    role_assignment: authorization.RoleAssignment | None

    def __init__(
        self,
        name: str,
        args: CustomScriptScaleSetArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        plan = plan_custom_script(name, args)
        super().__init__("vmss:index:CustomScriptScaleSet", name, None, opts)
        self.args = args
        child = pulumi.ResourceOptions(parent=self)
        store = args.store
        assert store is not None or not plan.files
        self.artifacts = tuple(
            store.publish(f.key, f.package) for f in plan.files if store is not None
        )

        self.identity = None
        self.identity_id = None
        self.identity_client_id = None
        self.identity_principal_id = None
        self.role_assignment = None
        if plan.identity == "created":
            self.identity = managedidentity.UserAssignedIdentity(
                f"{name}-identity",
                resource_group_name=args.scale_set.resource_group_name,
                location=args.scale_set.location,
                tags=dict(args.scale_set.tags),
                opts=child,
            )
            self.identity_id = self.identity.id
            self.identity_client_id = self.identity.client_id
            self.identity_principal_id = self.identity.principal_id
        elif plan.identity == "given":
            assert args.identity_id is not None
            self.identity_id = pulumi.Output.from_input(args.identity_id)
            self.identity_client_id, self.identity_principal_id = _look_up_identity(
                plan, args.identity_id, child
            )
        if self.identity_principal_id is not None and self.artifacts and store is not None:
            # Granted before the scale set exists (depends_on below): the first instance
            # downloads as soon as it boots. A system-assigned identity could not work here,
            # its principal exists only once the scale set does.
            self.role_assignment = store.grant_read(
                f"{name}-blob-reader", self.identity_principal_id, child
            )

        secret_key = random.RandomBytes(f"{name}-tag-key", length=32, opts=child).base64
        self.update_tag = update_tag(
            _tag_material(plan, args),
            # The command may carry secrets (arguments, tokens): it enters the tag only through
            # a keyed hash, so the public tag lets nobody test guesses of it.
            secret_material={"command": args.command, "script": plan.script_sha256},
            key=secret_key,
        )
        extension = self._extension(plan, args)
        identity_ids: list[pulumi.Input[str]] = []
        if self.identity_id is not None and not _already_attached(args):
            identity_ids.append(self.identity_id)
        built = build_scale_set(
            name,
            plan.scale_set,
            parent=self,
            extensions=[extension],
            identity_ids=identity_ids,
            depends_on=[self.role_assignment] if self.role_assignment is not None else [],
            artifacts=self.artifacts,
        )
        outputs = self._adopt(built, plan.scale_set)
        outputs["update_tag"] = self.update_tag
        if self.identity_id is not None:
            outputs["identity_id"] = self.identity_id
            outputs["identity_client_id"] = self.identity_client_id
            outputs["identity_principal_id"] = self.identity_principal_id
        if self.role_assignment is not None:
            outputs["role_assignment_id"] = self.role_assignment.id
        self.register_outputs(outputs)

    def _extension(self, plan: CustomScriptPlan, args: CustomScriptScaleSetArgs) -> Extension:
        sas = args.download == "sas"
        file_uris: list[pulumi.Input[str]] = [
            a.url_with_sas if sas else a.url for a in self.artifacts
        ]
        file_uris += plan.file_uris
        if plan.os == "windows":
            assert args.command is not None
            return windows_custom_script_extension(
                name=plan.extension_name,
                type_handler_version=plan.type_handler_version,
                file_uris=file_uris,
                protect_file_uris=plan.protect_file_uris,
                command=args.command,
                managed_identity_client_id=self.identity_client_id,
                force_update_tag=self.update_tag,
            )
        return linux_custom_script_extension(
            name=plan.extension_name,
            type_handler_version=plan.type_handler_version,
            file_uris=file_uris,
            protect_file_uris=plan.protect_file_uris,
            command=args.command,
            script=plan.encoded_script,
            managed_identity_client_id=self.identity_client_id,
            skip_dos2unix=args.skip_dos2unix,
            force_update_tag=self.update_tag,
        )


def _tag_material(plan: CustomScriptPlan, args: CustomScriptScaleSetArgs) -> dict[str, Any]:
    return {
        "publisher": plan.publisher,
        "type": plan.type,
        "typeHandlerVersion": plan.type_handler_version,
        "files": [{"name": f.package.filename, "sha256": f.package.sha256} for f in plan.files],
        # A token in an external URL is a credential and rotates on its own: the tag takes
        # the URL without its query.
        "fileUris": [_without_query(u) if has_sas_token(u) else u for u in plan.file_uris],
        "download": args.download,
        "skipDos2Unix": args.skip_dos2unix,
        "rerun": args.rerun,
    }


def _look_up_identity(
    plan: CustomScriptPlan, identity_id: pulumi.Input[str], opts: pulumi.ResourceOptions
) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
    """The client and principal ids of an existing user-assigned identity, from its id."""
    if plan.identity_lookup is not None:
        group: pulumi.Input[str] = plan.identity_lookup[0]
        resource: pulumi.Input[str] = plan.identity_lookup[1]
    else:
        # Known only at deploy time: a malformed id surfaces then, as the same error.
        parts = pulumi.Output.from_input(identity_id).apply(
            lambda text: parse_identity_id(text, "identity_id")
        )
        group = parts.apply(lambda p: p[0])
        resource = parts.apply(lambda p: p[1])
    found = managedidentity.get_user_assigned_identity_output(
        resource_group_name=group,
        resource_name=resource,
        opts=pulumi.InvokeOutputOptions(parent=opts.parent),
    )
    return found.client_id, found.principal_id


def _already_attached(args: CustomScriptScaleSetArgs) -> bool:
    """Whether ``identity_id`` is already in the scale set's own identity list."""
    if not isinstance(args.identity_id, str):
        return False
    wanted = args.identity_id.strip().lower()
    return any(
        isinstance(i, str) and i.strip().lower() == wanted
        for i in args.scale_set.user_assigned_identity_ids
    )
