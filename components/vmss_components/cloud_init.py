"""CloudInitScaleSet: a Linux scale set configured by cloud-init through customData.

The user data (a cloud-config mapping, text or file, or any other format cloud-init reads)
is checked before any resource exists, by the real ``cloud-init schema`` when it is installed,
with each ``${artifact:KEY}`` placeholder replaced by a realistic SAS URL so the size check is
honest too. Artifacts are published to the store; the final customData, holding their SAS
URLs, is a Pulumi secret.

customData is read by cloud-init on an instance's first boot only: a changed customData
reaches existing instances only after they are upgraded to the latest model *and* reimaged.
New instances (scale-out, repair) get it at once.

With ``download="managed_identity"`` no SAS exists: ``${artifact:KEY}`` is the token-free
URL, a user-assigned identity (created or given) holds Storage Blob Data Reader on the
store's container before the scale set exists, and the customData becomes a MIME multipart
archive whose last part installs ``vmss-fetch-blob`` and its manifest
(:mod:`vmss_components.userdata.identity`): ``vmss-fetch-blob KEY DEST`` downloads an
artifact with the identity, retrying while the role assignment propagates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pulumi
from pulumi_azure_native import authorization, managedidentity

from ._checks import (
    check_choice,
    check_download_identity,
    check_literal,
    resolve_download_identity,
)
from ._download_identity import (
    download_identity,
    grant_download,
    is_attached,
)
from ._guard import NO_SECRETS, is_secret_name
from ._naming import artifact_key
from ._redact import not_a_path, redacts, show
from ._types import DownloadMode
from .errors import ConfigurationError
from .packaging import Package
from .scaleset import (
    ScaleSetArgs,
    ScaleSetComponent,
    ScaleSetSpec,
    build_scale_set,
    resolve_scale_set,
    tag_key,
)
from .store import ArtifactStore, PublishedArtifact, StoreFacts, blob_name_for, check_store
from .userdata import (
    COMPRESS_MODES,
    ArtifactValues,
    CheckedUserData,
    Compress,
    CustomData,
    check_user_data,
    encode_custom_data,
    keyed_digest,
    resolve_placeholders,
    stand_in_url,
    validate_user_data,
)
from .userdata.identity import (
    STAND_IN_CLIENT_ID,
    identity_part,
    stand_in_plain_url,
    with_identity_part,
)

# Artifact keys appear in placeholders and in blob folder names: lower-case letters, digits
# and single dashes, no dots (".sha256" follows a key).
_ARTIFACT_KEY = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?")
# How user data names an artifact to the helper (identity download): "vmss-fetch-blob KEY"
# (a shell line, or a runcmd list item: "[vmss-fetch-blob, KEY, DEST]").
_HELPER_CALL = re.compile(
    r"vmss-fetch-blob['\"]?[\s,]+['\"]?([a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?)\b",
    re.ASCII,
)


@redacts("cloud_config", when=not_a_path)
@dataclass(frozen=True, kw_only=True)
class CloudInitScaleSetArgs:
    """A Linux scale set and the user data cloud-init runs on each instance's first boot."""

    scale_set: ScaleSetArgs
    """The scale set; its image must run Linux (SSH keys required)."""
    cloud_config: Mapping[str, Any] | str | Path
    """The user data: a mapping (rendered as ``#cloud-config`` YAML), a ``str`` (the user
    data itself, any format cloud-init tells by its first line) or a ``Path`` (a file holding
    it). Validated before deploy, by ``cloud-init schema`` when installed."""
    store: ArtifactStore | None = None
    """Where ``artifacts`` are published; required when there are any."""
    artifacts: Mapping[str, Package] = field(default_factory=dict)
    """Key (1-32 lower-case letters, digits, dashes) to package. In the user data
    ``${artifact:KEY}`` becomes its URL with a read-only SAS token (without one under
    ``download="managed_identity"``), ``${artifact:KEY.sha256}`` its SHA256."""
    compress: Compress = "auto"
    """gzip the customData: ``"auto"`` only when needed to fit Azure's 65,535 bytes (decoded),
    ``"always"`` or ``"never"``."""
    download: DownloadMode = "sas"
    """How instances fetch ``artifacts``: ``"sas"`` (each URL carries a read-only SAS token)
    or ``"managed_identity"`` (token-free URLs, fetched with ``vmss-fetch-blob KEY DEST`` by a
    user-assigned identity holding Storage Blob Data Reader on the container; the customData
    becomes a MIME multipart archive whose last part installs the helper and its manifest).
    A store with ``shared_key_access=False`` needs ``"managed_identity"``."""
    download_identity_resource_id: pulumi.Input[str] | None = None
    """With ``managed_identity``: an existing user-assigned identity's resource id, attached
    to the scale set (if not already) and granted read on the store's container; None
    creates ``<name>-identity``."""

    def __post_init__(self) -> None:
        if not isinstance(self.scale_set, ScaleSetArgs):
            raise ConfigurationError(
                "scale_set", f"expected ScaleSetArgs, got {show(self.scale_set)}"
            )
        if not isinstance(self.cloud_config, Mapping | str | Path):
            raise ConfigurationError(
                "cloud_config",
                "expected a mapping (rendered as #cloud-config), a str (the content) or a "
                f"Path (a file), got {type(self.cloud_config).__name__}",
            )
        if not isinstance(self.artifacts, Mapping):
            raise ConfigurationError("artifacts", "expected a mapping of keys to packages")
        for key, package in self.artifacts.items():
            if not isinstance(key, str) or not _ARTIFACT_KEY.fullmatch(key):
                raise ConfigurationError(
                    "artifacts",
                    f"{show(key)} is not a valid key: 1-32 lower-case letters, digits and dashes "
                    "(it appears in ${artifact:KEY} and in the blob name)",
                )
            if is_secret_name(key):
                # The key appears in the blob name and the plan: a public place.
                raise ConfigurationError(
                    f"artifacts.{key}",
                    f"the key {show(key)} is named like a credential but is public: {NO_SECRETS}",
                )
            if not isinstance(package, Package):
                raise ConfigurationError(
                    f"artifacts.{key}",
                    "expected a Package (Package.from_directory, from_file or from_zip)",
                )
        if self.artifacts and self.store is None:
            raise ConfigurationError(
                "store", "artifacts are published through a store: pass store=ArtifactStore(...)"
            )
        check_choice(self.compress, "compress", COMPRESS_MODES)
        check_literal(self.download, "download", DownloadMode)
        check_download_identity(self.download, self.download_identity_resource_id)


@dataclass(frozen=True, kw_only=True)
class CloudInitSpec:
    """A validated CloudInitScaleSet: the scale set, the checked user data, the store keys of
    its artifacts, and the notes to log once the component exists."""

    scale_set: ScaleSetSpec
    user_data: CheckedUserData
    store_keys: Mapping[str, str]
    notes: tuple[str, ...]
    #: managed identity: "given" (download_identity_resource_id), "created" by the
    #: component, or None (SAS).
    identity: Literal["given", "created"] | None = None
    #: The given identity's resource group and name when its id is plain text.
    identity_lookup: tuple[str, str] | None = None
    #: Whether the given identity is already one of the scale set's managed identities.
    identity_attached: bool = False
    #: The customData with stand-ins, the helper's part included: its size is the one to
    #: expect (identity download; ``user_data.planned`` otherwise).
    planned: CustomData | None = None


def resolve_cloud_init(
    name: str, args: CloudInitScaleSetArgs, store: StoreFacts | None
) -> CloudInitSpec:
    """Every rule of a CloudInitScaleSet, checked before any resource exists.

    ``store`` describes ``args.store`` (None without one). The user data is validated with
    each artifact placeholder replaced by a stand-in at least as long as the real SAS URL (the
    store and token exist only later) and the real digest.
    """
    if not isinstance(args, CloudInitScaleSetArgs):
        raise ConfigurationError("args", f"expected CloudInitScaleSetArgs, got {show(args)}")
    scale_set = resolve_scale_set(args.scale_set, os="linux", name=name)
    store_keys = {key: artifact_key(name, f"cloud-init-{key}") for key in args.artifacts}
    by_identity = args.download == "managed_identity"
    stand_ins: dict[str, ArtifactValues] = {}
    if store is not None:
        for store_key in store_keys.values():
            store.check_unpublished(store_key)
        if args.artifacts and not by_identity:
            store.check_sas("download", "use download='managed_identity'")
        for key, package in args.artifacts.items():
            blob_name = blob_name_for(store_keys[key], package)
            url = (
                stand_in_plain_url(blob_name)
                if by_identity
                else stand_in_url(blob_name, sas_expiry=store.sas_expiry)
            )
            stand_ins[key] = ArtifactValues(url=url, sha256=package.sha256)
    given = args.download_identity_resource_id
    identity, lookup = resolve_download_identity(
        args.download,
        given,
        publishes=bool(args.artifacts),
        content="artifacts",
        reads="what vmss-fetch-blob --url fetches",
    )
    notes: list[str] = []
    user_data = check_user_data(
        args.cloud_config,
        stand_ins=stand_ins,
        compress=args.compress,
        log=lambda line: notes.append(f"{name}: {line}"),
    )
    notes += [
        f"{name}: cloud-init deprecation: {note}" for note in user_data.validation.deprecations
    ]
    # Settings that weaken security are allowed, and said: named, never with their values.
    notes += [f"{name}: {warning}" for warning in user_data.validation.warnings]
    referenced = set(user_data.keys)
    if by_identity:
        referenced |= set(_HELPER_CALL.findall(user_data.template))
    unused = sorted(set(args.artifacts) - referenced)
    if unused:
        how = (
            "${artifact:KEY} placeholder or vmss-fetch-blob KEY call"
            if by_identity
            else ("${artifact:KEY} placeholder")
        )
        notes.append(
            f"{name}: artifacts {', '.join(unused)} are published but no {how} refers to "
            "them: instances will not know their URLs"
        )
    planned: CustomData | None = None
    if by_identity:
        planned = _planned_with_helper(user_data, stand_ins, args.compress)
    return CloudInitSpec(
        scale_set=scale_set,
        user_data=user_data,
        store_keys=store_keys,
        notes=tuple(notes),
        identity=identity,
        identity_lookup=lookup,
        identity_attached=given is not None
        and is_attached(given, scale_set.user_assigned_resource_ids),
        planned=planned,
    )


def _planned_with_helper(
    user_data: CheckedUserData, stand_ins: Mapping[str, ArtifactValues], compress: Compress
) -> CustomData:
    """The identity-download customData with stand-ins (a GUID-long client id, token-free
    URLs of the real length at most), validated as a whole and size-checked."""
    part = identity_part(STAND_IN_CLIENT_ID, stand_ins)
    combined = with_identity_part(user_data.planned.user_data, user_data.format, part)
    validate_user_data(combined, path="cloud_config")
    return encode_custom_data(combined, compress)


_MANUAL_UPGRADE_NOTE = (
    "upgrade policy Manual: a changed customData (see custom_data_hash) reaches existing "
    "instances only after each is upgraded to the latest model and reimaged (az vmss "
    "update-instances, then az vmss reimage); new instances get it at once"
)


class CloudInitScaleSet(ScaleSetComponent):
    """A Linux scale set whose instances run cloud-init user data from customData."""

    custom_data: pulumi.Output[str]
    """The base64 customData (secret: it may hold SAS URLs and the user's secrets)."""
    custom_data_hash: pulumi.Output[str]
    """HMAC-SHA256 hex of the decoded customData, keyed by the component's secret random key
    (``<name>-tag-key``); not secret: without the key it tells nothing of the content."""
    artifacts: dict[str, PublishedArtifact]
    """The published artifacts, by the keys of ``artifacts``."""
    user_data_format: str
    """The user-data format cloud-init reads from the first line (``cloud-config``, ...) of
    the user's data (the customData is MIME multipart under identity download)."""
    download_identity: managedidentity.UserAssignedIdentity | None
    """The user-assigned identity the component created for downloads, or None."""
    download_identity_resource_id: pulumi.Output[str] | None
    """The resource id of the identity instances download with (managed_identity), or None."""
    download_identity_client_id: pulumi.Output[str] | None
    """That identity's client id (what ``vmss-fetch-blob`` asks the metadata service a token
    for), or None."""
    download_identity_principal_id: pulumi.Output[str] | None
    """That identity's principal id, or None."""
    role_assignment: authorization.RoleAssignment | None
    """The identity's Storage Blob Data Reader assignment on the store's container, or None
    (SAS download, or a given identity and nothing published)."""

    def __init__(
        self, name: str, args: CloudInitScaleSetArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        if not isinstance(args, CloudInitScaleSetArgs):
            raise ConfigurationError("args", f"expected CloudInitScaleSetArgs, got {show(args)}")
        store = check_store(args.store, "store", optional=True)
        spec = resolve_cloud_init(name, args, store.facts if store is not None else None)
        super().__init__("vmss:index:CloudInitScaleSet", name, args, opts)
        for note in spec.notes:
            pulumi.log.warn(note, resource=self)
        self.user_data_format = spec.user_data.format
        self.artifacts = {}
        if store is not None:
            self.artifacts = {
                key: store.publish(spec.store_keys[key], package)
                for key, package in args.artifacts.items()
            }
        identity = download_identity(
            name,
            spec.identity,
            args.scale_set,
            args.download_identity_resource_id,
            spec.identity_lookup,
            parent=self,
        )
        self.download_identity = identity.resource if identity is not None else None
        self.download_identity_resource_id = identity.resource_id if identity else None
        self.download_identity_client_id = identity.client_id if identity else None
        self.download_identity_principal_id = identity.principal_id if identity else None
        self.role_assignment = None
        if identity is not None and self.artifacts and store is not None:
            # Granted before the scale set exists (depends_on below); the helper still
            # retries 403 while the assignment propagates (up to 10 minutes).
            self.role_assignment = grant_download(
                store, name, identity, args.download_identity_resource_id, parent=self
            )
        encoded = (
            self._encode(spec.user_data, args.compress)
            if identity is None
            else self._encode_with_helper(spec.user_data, args.compress, identity.client_id)
        )
        # customData holds SAS URLs and is stored unencrypted in the scale-set model.
        self.custom_data = pulumi.Output.secret(encoded.apply(lambda e: e.custom_data))
        # Keyed like the update tags: a plain SHA-256 of a document holding a password lets
        # anyone who sees the hash test guesses of it. The keyed hash is shown in plain text,
        # so a rollout can be followed (it changes exactly when customData changes).
        key = tag_key(name, self)
        self.custom_data_hash = pulumi.Output.unsecret(
            pulumi.Output.all(encoded, key).apply(lambda v: keyed_digest(str(v[1]), v[0].data))
        )
        identity_ids: list[pulumi.Input[str]] = []
        if identity is not None and not spec.identity_attached:
            identity_ids.append(identity.resource_id)
        built = build_scale_set(
            name,
            spec.scale_set,
            parent=self,
            custom_data=self.custom_data,
            identity_ids=identity_ids,
            depends_on=[self.role_assignment] if self.role_assignment is not None else [],
            artifacts=list(self.artifacts.values()),
            manual_upgrade_note=_MANUAL_UPGRADE_NOTE,
        )
        self._finish(
            built,
            spec.scale_set,
            {
                "custom_data": self.custom_data,
                "custom_data_hash": self.custom_data_hash,
                "artifacts": {key: a.as_output() for key, a in self.artifacts.items()},
                "user_data_format": self.user_data_format,
                "download_identity": self.download_identity,
                "download_identity_resource_id": self.download_identity_resource_id,
                "download_identity_client_id": self.download_identity_client_id,
                "download_identity_principal_id": self.download_identity_principal_id,
                "role_assignment": self.role_assignment,
            },
        )

    def _encode(self, checked: CheckedUserData, compress: Compress) -> pulumi.Output[CustomData]:
        """The final customData: placeholders resolved with the real URLs and digests, encoded
        and size-checked again (the real SAS URLs are known only now)."""
        if not checked.placeholders:
            return pulumi.Output.from_input(checked.template).apply(
                lambda text: encode_custom_data(text, compress)
            )
        artifacts = self.artifacts
        urls = {key: artifacts[key].url_with_sas for key in sorted(checked.keys)}

        def finish(resolved_urls: dict[str, str]) -> CustomData:
            values = {
                key: ArtifactValues(url=url, sha256=artifacts[key].sha256)
                for key, url in resolved_urls.items()
            }
            return encode_custom_data(resolve_placeholders(checked.template, values), compress)

        return pulumi.Output.all(**urls).apply(finish)

    def _encode_with_helper(
        self, checked: CheckedUserData, compress: Compress, client_id: pulumi.Output[str]
    ) -> pulumi.Output[CustomData]:
        """The identity-download customData: the user's data with token-free URLs, then the
        helper's part naming the identity's client id and each artifact's URL and digest."""
        artifacts = self.artifacts
        urls = {key: artifact.url for key, artifact in sorted(artifacts.items())}

        def finish(values: dict[str, str]) -> CustomData:
            client = values.pop("\0client_id")
            resolved = {
                key: ArtifactValues(url=url, sha256=artifacts[key].sha256)
                for key, url in values.items()
            }
            used = {key: resolved[key] for key in checked.keys}
            text = with_identity_part(
                resolve_placeholders(checked.template, used),
                checked.format,
                identity_part(client, resolved),
            )
            return encode_custom_data(text, compress)

        return pulumi.Output.all(**urls, **{"\0client_id": client_id}).apply(finish)
