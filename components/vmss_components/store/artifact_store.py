"""ArtifactStore: a private blob container that serves packages to scale-set instances.

Each published package lands at a content-addressed blob name, so new content means a new URL
and the blob an instance downloads is never overwritten in place. Instances reach it with a
read-only SAS for that one blob (see :mod:`.sas` for its expiry), or with a managed
identity that holds the Storage Blob Data Reader role on the container (:meth:`grant_read`).
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast, overload

import pulumi
import pulumi_random as random
from pulumi_azure_native import authorization, storage

from .. import _registry
from .._checks import (
    check_component_name,
    check_input_text,
    check_pattern,
    checked_tags,
    parse_storage_account_id,
)
from .._inputs import as_dict
from .._redact import show
from .._registry import claim_component_name
from .._rules import declare_rule
from ..errors import ConfigurationError
from ..packaging import Package, Publishable, as_package, check_blob_name
from .entra_upload import EntraBlob
from .facts import StoreFacts
from .network import (
    NetworkRules,
    PublicNetworkAccess,
    build_private_endpoint,
    check_network,
    network_rule_set,
)
from .sas import SasPolicy

#: Storage Blob Data Reader: read and list blobs, nothing else.
STORAGE_BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
# Role assignment names must be GUIDs; deriving them from scope, principal and role keeps the
# same assignment on every run instead of replacing it.
GRANT_NAME_UNIQUE = declare_rule(
    "grant-read-name-unique",
    "Two grant_read calls in one program cannot share a name (the role assignment's Pulumi "
    "name); one role assignment per (container, principal, role) is shared by its consumers.",
    where="vmss_components.store.artifact_store.ArtifactStore.grant_read",
    paths=("name",),
)
_ROLE_ASSIGNMENT_NAMESPACE = uuid.UUID("5b0a4a4e-2f9c-4c58-8f8f-6a4c8f3e9d27")
_SUFFIX_LENGTH = 8
# Storage account names are 3-24 lower-case letters and digits, globally unique: a prefix the
# user picks plus a random suffix of 8.
_PREFIX = re.compile(r"[a-z0-9]{3,16}")
# Container names: 3-63 lower-case letters, digits and single dashes, no dash at either end.
_CONTAINER = re.compile(r"(?=.{3,63}\Z)[a-z0-9]+(?:-[a-z0-9]+)*")
_KEY = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_DIGEST_PREFIX = 16
_UPDATE_TAG_LENGTH = 16


@dataclass(frozen=True, kw_only=True)
class ArtifactStoreArgs:
    """Where and how the artifact store is created, or which existing account it publishes
    into."""

    resource_group_name: pulumi.Input[str] | None = None
    """The resource group of the storage account the store creates (required then). For an
    existing account the group comes from ``existing_account_id``."""
    existing_account_id: str | None = None
    """Resource id of an existing storage account to publish into: no account and no
    container are created, and ``container_name`` must already exist in it. What the account
    and the deploying identity must allow: docs/concepts.md ("Publishing into an existing
    account"). An account in another subscription needs a provider for that subscription in
    the store's ``opts``."""
    location: pulumi.Input[str] | None = None
    """Azure region; None uses the resource group's."""
    account_name_prefix: str = "artifacts"
    """3-16 lower-case letters and digits; a random suffix of 8 (``pulumi-random``) follows,
    because storage account names (3-24 characters) are globally unique."""
    container_name: str = "artifacts"
    """The private container: 3-63 lower-case letters, digits and single dashes."""
    sku: str = "Standard_LRS"
    """The storage SKU (``Standard_LRS``, ``Standard_ZRS``, ``Standard_GRS``, ...)."""
    sas: SasPolicy = field(default_factory=SasPolicy)
    """When read-only SAS tokens expire and rotate."""
    tags: Mapping[str, pulumi.Input[str]] | pulumi.Output[Mapping[str, str]] = field(
        default_factory=dict
    )
    """Tags on the storage account. Public: a secret-looking value is refused. A value, or the
    whole mapping, may be an Output (from config or another stack): checked when its value is
    known, with the same messages."""
    public_network_access: PublicNetworkAccess = "Enabled"
    """``Disabled``: only the private endpoint reaches the blobs (firewall rules are denied
    too), so the machine that runs ``pulumi up`` must be inside a linked virtual network."""
    private_endpoint_subnet_id: pulumi.Input[str] | None = None
    """A subnet for a blob private endpoint; the ``privatelink.blob.core.windows.net`` zone is
    created and linked to its virtual network unless ``private_dns_zone_id`` is given."""
    private_dns_zone_id: pulumi.Input[str] | None = None
    """An existing ``privatelink.blob.core.windows.net`` zone (a hub's) to register the
    endpoint in, instead of creating one."""
    linked_virtual_network_ids: Sequence[pulumi.Input[str]] = ()
    """More virtual networks to link the created zone to (a runner's, a peered one)."""
    network_rules: NetworkRules | None = None
    """Default-deny firewall on the public endpoint, with the subnets and addresses allowed."""
    shared_key_access: bool = True
    """``False``: the account refuses shared-key requests (``allowSharedKeyAccess: false``,
    Entra ID by default), as Azure's built-in policy "Storage accounts should prevent shared
    key access" demands. No SAS can be signed then (Blob storage denies a service SAS without
    the account key), so every consumer must download by identity; a DSC scale set is refused.
    Blobs are uploaded with the deploying identity's Entra ID token (it needs Storage Blob
    Data Contributor on the container). For an existing account: say what it allows. See
    docs/concepts.md ("Stores without shared keys")."""

    def __post_init__(self) -> None:
        if self.existing_account_id is not None:
            self._check_existing()
        else:
            check_input_text(self.resource_group_name, "resource_group_name")
        check_input_text(self.location, "location", optional=True)
        check_pattern(
            self.account_name_prefix,
            "account_name_prefix",
            _PREFIX,
            "3-16 lower-case letters and digits (a random suffix of 8 follows)",
        )
        check_pattern(
            self.container_name,
            "container_name",
            _CONTAINER,
            "3-63 lower-case letters, digits and single dashes, starting and ending with a "
            "letter or digit",
        )
        if not isinstance(self.sku, str) or self.sku not in {s.value for s in storage.SkuName}:
            raise ConfigurationError("sku", f"{show(self.sku)} is not a storage SKU")
        if not isinstance(self.sas, SasPolicy):
            raise ConfigurationError("sas", f"expected a SasPolicy, got {show(self.sas)}")
        object.__setattr__(self, "tags", checked_tags(self.tags, "tags"))
        if not isinstance(self.shared_key_access, bool):
            raise ConfigurationError(
                "shared_key_access", f"expected True or False, got {show(self.shared_key_access)}"
            )
        check_network(
            self.public_network_access,
            self.private_endpoint_subnet_id,
            self.private_dns_zone_id,
            self.linked_virtual_network_ids,
            self.network_rules,
        )

    def _check_existing(self) -> None:
        _, group, _ = parse_storage_account_id(self.existing_account_id, "existing_account_id")
        given = self.resource_group_name
        if given is not None and (not isinstance(given, str) or given.lower() != group.lower()):
            raise ConfigurationError(
                "resource_group_name",
                "an existing account's resource group comes from existing_account_id: "
                "leave resource_group_name unset",
            )
        # These describe an account the store would create; for an existing one they would
        # silently do nothing.
        unused = {
            "location": self.location is not None,
            "account_name_prefix": self.account_name_prefix != "artifacts",
            "sku": self.sku != "Standard_LRS",
            # An Output counts as given: it cannot be known empty now.
            "tags": isinstance(self.tags, pulumi.Output) or bool(self.tags),
            "public_network_access": self.public_network_access != "Enabled",
            "private_endpoint_subnet_id": self.private_endpoint_subnet_id is not None,
            "private_dns_zone_id": self.private_dns_zone_id is not None,
            "linked_virtual_network_ids": bool(self.linked_virtual_network_ids),
            "network_rules": self.network_rules is not None,
        }
        for name, set_ in unused.items():
            if set_:
                raise ConfigurationError(
                    name,
                    "the store creates no account when existing_account_id is given: the "
                    "existing account's settings are managed where the account is",
                )

    @property
    def existing(self) -> bool:
        """Whether the store publishes into an existing account (creates none)."""
        return self.existing_account_id is not None


@dataclass(frozen=True, kw_only=True)
class PublishedArtifact:
    """A package uploaded to the store, and how instances download it (what
    :meth:`ArtifactStore.publish` returns)."""

    key: str
    """The key it was published under: the blob folder and part of the Pulumi name."""
    package: Publishable
    """What was published; a DSC or Machine Configuration package keeps its format's facts
    (the uploaded file is its ``.package``)."""
    blob: pulumi.CustomResource
    """The blob resource (retained when Pulumi deletes or replaces it): a ``storage.Blob``,
    or an :class:`~.entra_upload.EntraBlob` in a store with ``shared_key_access=False``."""
    blob_name: str
    """``<key>/<first 16 hex of the SHA256>/<file name>``: new content, new blob."""
    url: pulumi.Output[str]
    """The blob's HTTPS URL without a token: safe anywhere."""
    sas_expiry: str
    """When a token signed for it expires (UTC ISO 8601), from the store's ``SasPolicy``."""
    sha256: str
    """SHA256 of the uploaded file, lower-case hex."""
    update_tag: str
    """The first 16 hex of ``sha256``: changes exactly when the content does."""
    sign: Callable[[], pulumi.Output[str]] = field(repr=False, compare=False)
    """Signs the read-only SAS token (secret, with its leading ``?``); called at most once,
    by the first read of :attr:`sas_token` or :attr:`url_with_sas`."""

    @functools.cached_property
    def sas_token(self) -> pulumi.Output[str]:
        """The read-only SAS token for this one blob, with its leading ``?`` (secret).

        Signed on first access only (the ``listStorageAccountServiceSAS`` invoke runs then):
        an artifact that every consumer downloads by identity never has a token.
        """
        return self.sign()

    @functools.cached_property
    def url_with_sas(self) -> pulumi.Output[str]:
        """``url`` followed by ``sas_token`` (secret); signs the token on first access."""
        return pulumi.Output.secret(
            pulumi.Output.all(self.url, self.sas_token).apply(
                lambda parts: _joined(parts[0], parts[1])
            )
        )

    @property
    def signed(self) -> bool:
        """Whether a SAS token was signed for this artifact (in this run)."""
        return "sas_token" in self.__dict__

    def as_output(self) -> dict[str, Any]:
        """The artifact as a component registers it: what it is and where, no token."""
        return {
            "key": self.key,
            "url": self.url,
            "blob_name": self.blob_name,
            "sha256": self.sha256,
            "update_tag": self.update_tag,
            "sas_expiry": self.sas_expiry,
        }


def blob_name_for(key: str, package: Package) -> str:
    """``<key>/<first 16 hex of sha256>/<filename>``: new content, new blob."""
    return f"{key}/{package.sha256[:_DIGEST_PREFIX]}/{package.filename}"


def role_assignment_name(scope: str, principal_id: str, role: str) -> str:
    """A stable GUID for one role on one scope for one principal."""
    return str(uuid.uuid5(_ROLE_ASSIGNMENT_NAMESPACE, f"{scope.lower()}|{principal_id}|{role}"))


class ArtifactStore(pulumi.ComponentResource):
    """A hardened storage account and private container holding deployment artifacts.

    The account is StorageV2, HTTPS only, TLS 1.2 at least, with public blob access off.
    Published blobs are retained when Pulumi deletes or replaces them: instances still on an
    older model must be able to download their artifact on reimage or repair. There is no
    age-based lifecycle rule, which could not tell a live artifact from a superseded one.
    """

    account: storage.StorageAccount | None
    """The storage account the store created; None for an existing account."""
    container: storage.BlobContainer | None
    """The private blob container the store created; None for an existing account."""
    account_name: pulumi.Output[str]
    """The storage account's Azure name (the prefix and a random suffix, or the existing
    account's)."""
    container_name: pulumi.Output[str]
    """The container's name."""
    container_id: pulumi.Output[str]
    """The container's Azure resource id: the scope of the reader role."""
    blob_endpoint: pulumi.Output[str]
    """The account's blob endpoint (``https://<account>.blob.core.windows.net/``)."""
    sas_expiry: str
    """The expiry every token this store signs in this run carries (UTC ISO 8601)."""

    def __init__(
        self,
        name: str,
        args: ArtifactStoreArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        check_component_name(name)
        if not isinstance(args, ArtifactStoreArgs):
            raise ConfigurationError("args", f"expected ArtifactStoreArgs, got {show(args)}")
        # The expiry is checked (a clock may say anything) before any resource exists.
        sas_expiry = args.sas.expiry_text()
        claim_component_name("vmss:index:ArtifactStore", name)
        super().__init__("vmss:index:ArtifactStore", name, None, opts)
        self._name = name
        self._args = args
        self.sas_expiry = sas_expiry
        self._published: dict[str, PublishedArtifact] = {}
        self._grants: dict[str, authorization.RoleAssignment] = {}
        self._upload_after: list[pulumi.Resource] = []
        if args.existing_account_id is not None:
            self._use_existing(args.existing_account_id)
        else:
            self._create(args)
        self.register_outputs(
            {
                "account": self.account,
                "container": self.container,
                "account_name": self.account_name,
                "container_name": self.container_name,
                "container_id": self.container_id,
                "blob_endpoint": self.blob_endpoint,
                "sas_expiry": self.sas_expiry,
            }
        )

    def _create(self, args: ArtifactStoreArgs) -> None:
        name = self._name
        assert args.resource_group_name is not None  # checked by ArtifactStoreArgs
        self._resource_group_name: pulumi.Input[str] = args.resource_group_name
        child = pulumi.ResourceOptions(parent=self)
        suffix = random.RandomString(
            f"{name}-suffix",
            length=_SUFFIX_LENGTH,
            lower=True,
            upper=False,
            numeric=True,
            special=False,
            opts=child,
        )
        self.account = storage.StorageAccount(
            f"{name}-account",
            account_name=suffix.result.apply(lambda r: _account_name(args.account_name_prefix, r)),
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind=storage.Kind.STORAGE_V2,
            sku=storage.SkuArgs(name=args.sku),
            enable_https_traffic_only=True,
            minimum_tls_version=storage.MinimumTlsVersion.TLS1_2,
            allow_blob_public_access=False,
            # A service SAS is signed with the account key: it needs shared key access on.
            # Off, it is stated explicitly (Azure's policy denies null as well as true).
            allow_shared_key_access=args.shared_key_access,
            # Portal and tools then use Entra ID for data access without being told.
            default_to_o_auth_authentication=True if not args.shared_key_access else None,
            public_network_access=storage.PublicNetworkAccess(args.public_network_access),
            network_rule_set=network_rule_set(
                args.public_network_access,
                args.private_endpoint_subnet_id is not None,
                args.network_rules,
            ),
            tags=as_dict(args.tags),
            opts=child,
        )
        self.container = storage.BlobContainer(
            f"{name}-container",
            account_name=self.account.name,
            resource_group_name=args.resource_group_name,
            container_name=args.container_name,
            public_access=storage.PublicAccess.NONE,
            opts=child,
        )
        self.account_name = self.account.name
        self.container_name = self.container.name
        self.container_id = self.container.id
        self.blob_endpoint = self.account.primary_endpoints.apply(_blob_endpoint)
        if args.private_endpoint_subnet_id is not None:
            # Uploads go through the private path once it resolves: they wait for it.
            self._upload_after = build_private_endpoint(
                name,
                account_id=self.account.id,
                resource_group_name=args.resource_group_name,
                location=args.location,
                subnet_id=args.private_endpoint_subnet_id,
                dns_zone_id=args.private_dns_zone_id,
                linked_virtual_network_ids=list(args.linked_virtual_network_ids),
                parent=self,
            )

    def _use_existing(self, account_id: str) -> None:
        _, group, account = parse_storage_account_id(account_id, "existing_account_id")
        self._resource_group_name = group
        self.account = None
        self.container = None
        # Looked up through the store's provider (the subscription it points at): a missing
        # account or container fails the preview with Azure's message, before any upload.
        lookup = pulumi.InvokeOutputOptions(parent=self)
        found_account = storage.get_storage_account_output(
            account_name=account, resource_group_name=group, opts=lookup
        )
        found_container = storage.get_blob_container_output(
            account_name=account,
            container_name=self._args.container_name,
            resource_group_name=group,
            opts=lookup,
        )
        self.account_name = pulumi.Output.from_input(account)
        # The names and the id follow from the arguments; taking them from the lookups makes
        # every upload and grant wait for (and fail with) the lookups. A lookup answered
        # without them (Pulumi's minimal test mocks answer every invoke with {}) falls back on
        # what they must be.
        container_name = self._args.container_name
        container_id = f"{account_id}/blobServices/default/containers/{container_name}"
        self.container_name = found_container.name.apply(lambda found: found or container_name)
        self.container_id = found_container.id.apply(lambda found: found or container_id)
        self.blob_endpoint = found_account.primary_endpoints.apply(_blob_endpoint)

    @property
    def args(self) -> ArtifactStoreArgs:
        """The arguments the store was created with."""
        return self._args

    @property
    def facts(self) -> StoreFacts:
        """What a consumer's resolve step may know of this store, as plain values."""
        return StoreFacts(
            sas_expiry=self.sas_expiry,
            published_keys=frozenset(self._published),
            shared_key_access=self._args.shared_key_access,
        )

    @property
    def published(self) -> Mapping[str, PublishedArtifact]:
        """Everything published so far, by key."""
        return dict(self._published)

    def check_unpublished(self, key: str, path: str = "name") -> None:
        """Raise ConfigurationError (at ``path``) unless ``key`` is still free in this store."""
        self.facts.check_unpublished(key, path)

    def publish(self, key: str, package: Publishable) -> PublishedArtifact:
        """Upload ``package`` under ``key`` and sign a read-only SAS for that one blob.

        ``key`` (lower-case letters, digits, dashes) names the artifact's folder and its Pulumi
        resource; each key is published once per store. A DSC or Machine Configuration package
        uploads the zip it holds.
        """
        check_pattern(key, "key", _KEY, "1-63 lower-case letters, digits and dashes")
        if key in self._published:
            raise ConfigurationError("key", f"{show(key)} is already published in this store")
        file = as_package(package)
        check_blob_name(file.filename, "package.filename")
        blob_name = blob_name_for(key, file)
        # Superseded content stays: instances on an older model still download it.
        upload = pulumi.ResourceOptions(
            parent=self, retain_on_delete=True, depends_on=self._upload_after
        )
        blob: pulumi.CustomResource
        if self._args.shared_key_access:
            blob = storage.Blob(
                f"{self._name}-{key}",
                account_name=self.account_name,
                container_name=self.container_name,
                resource_group_name=self._resource_group_name,
                blob_name=blob_name,
                source=pulumi.FileAsset(str(file.path)),
                content_md5=file.md5_base64,
                content_type=file.content_type,
                type=storage.BlobType.BLOCK,
                metadata={"sha256": file.sha256},
                opts=upload,
            )
        else:
            # storage.Blob signs with the account key, which this account refuses: upload
            # with the deploying identity's Entra ID token instead.
            blob = EntraBlob(
                f"{self._name}-{key}",
                account_name=self.account_name,
                container_name=self.container_name,
                blob_endpoint=self.blob_endpoint,
                blob_name=blob_name,
                path=str(file.path),
                content_md5=file.md5_base64,
                content_type=file.content_type,
                sha256=file.sha256,
                opts=upload,
            )
        url = pulumi.Output.all(self.blob_endpoint, self.container_name).apply(
            lambda parts: _joined(parts[0], parts[1], "/", blob_name)
        )
        artifact = PublishedArtifact(
            key=key,
            package=package,
            blob=blob,
            blob_name=blob_name,
            url=url,
            sign=lambda: self._sign(blob_name),
            sas_expiry=self.sas_expiry,
            sha256=file.sha256,
            update_tag=file.sha256[:_UPDATE_TAG_LENGTH],
        )
        self._published[key] = artifact
        return artifact

    def _sign(self, blob_name: str) -> pulumi.Output[str]:
        """A read-only service SAS for one blob, with its leading ``?`` (secret)."""
        # Consumers refuse SAS downloads from such a store while they resolve; this is the
        # backstop for a caller reading sas_token directly.
        self.facts.check_sas("store")
        sas = storage.list_storage_account_service_sas_output(
            account_name=self.account_name,
            resource_group_name=self._resource_group_name,
            canonicalized_resource=pulumi.Output.all(self.account_name, self.container_name).apply(
                lambda names: _joined("/blob/", names[0], "/", names[1], "/", blob_name)
            ),
            resource=storage.SignedResource.B,
            permissions=storage.Permissions.R,
            protocols=storage.HttpProtocol.HTTPS,
            shared_access_expiry_time=self.sas_expiry,
            # The store's provider: the account lives in the subscription it points at.
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        # Invoke results are never secret on their own: wrap the token the moment it arrives.
        return pulumi.Output.secret(sas.service_sas_token.apply(lambda t: _joined("?", t)))

    def grant_read(
        self,
        name: str,
        principal_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        *,
        principal_key: str | None = None,
    ) -> authorization.RoleAssignment:
        """Give a managed identity's principal Storage Blob Data Reader on the container.

        ``name`` is the assignment's Pulumi name, unique in the program; its Azure name is a
        GUID derived from the container, principal and role, so re-runs keep the same
        assignment. ``principal_key`` names the principal when its id is known only later (a
        user-assigned identity's resource id): a second grant for the same key returns the
        first assignment instead of making a second one with the same Azure name, whose
        deletion would remove both consumers' access.
        """
        check_input_text(name, "name")
        check_input_text(principal_id, "principal_id")
        if principal_key is not None:
            check_input_text(principal_key, "principal_key")
        if _registry.claim(("grant_read", name), self._name) is not None:
            raise ConfigurationError(
                "name",
                f"a role assignment is already named {name!r} in this program: grant_read "
                "names are unique",
            )
        key = principal_key.lower() if principal_key is not None else None
        if key is None and isinstance(principal_id, str):
            key = principal_id.lower()
        if key is not None and key in self._grants:
            # One assignment per (scope, principal, role), shared by its consumers.
            return self._grants[key]
        assignment_opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=self), opts)
        # The role definition id names the subscription the assignment goes to: ask the
        # assignment's provider (its own, or inherited from its parent).
        client = authorization.get_client_config_output(
            opts=pulumi.InvokeOutputOptions(
                parent=assignment_opts.parent, provider=assignment_opts.provider
            )
        )
        role_definition_id = client.subscription_id.apply(
            lambda subscription: (
                f"/subscriptions/{subscription}/providers/"
                f"Microsoft.Authorization/roleDefinitions/{STORAGE_BLOB_DATA_READER}"
            )
        )
        assignment_name = pulumi.Output.all(self.container_id, principal_id).apply(
            lambda values: role_assignment_name(values[0], values[1], STORAGE_BLOB_DATA_READER)
        )
        assignment = authorization.RoleAssignment(
            name,
            scope=self.container_id,
            principal_id=principal_id,
            # Managed identities are service principals; saying so avoids failures while a
            # new identity is still replicating through Entra ID.
            principal_type=authorization.PrincipalType.SERVICE_PRINCIPAL,
            role_definition_id=role_definition_id,
            role_assignment_name=assignment_name,
            opts=assignment_opts,
        )
        if key is not None:
            self._grants[key] = assignment
        return assignment


def _account_name(prefix: str, suffix: str | None) -> str:
    # Azure and pulumi-random always give the suffix; mocks that echo their inputs (Pulumi's
    # minimal test mocks) give none, and the program must still run under them.
    return prefix + (suffix or "")


def _blob_endpoint(endpoints: storage.outputs.EndpointsResponse) -> str:
    # Azure always reports the endpoints; mocks that echo inputs do not (None then).
    return endpoints.blob if endpoints is not None else cast(str, None)


def _joined(*parts: str | None) -> str:
    """The parts as one text. Azure gives every part; under mocks that do not answer one
    (Pulumi's minimal test mocks) the result is None, as the missing part was."""
    if any(part is None for part in parts):
        return cast(str, None)
    return "".join(cast(str, part) for part in parts)


@overload
def check_store(value: object, path: str, *, optional: Literal[False] = False) -> ArtifactStore: ...
@overload
def check_store(value: object, path: str, *, optional: bool) -> ArtifactStore | None: ...
def check_store(value: object, path: str, *, optional: bool = False) -> ArtifactStore | None:
    """``value`` is an :class:`ArtifactStore` (or None when ``optional``).

    Args classes hold plain values and are built without the Pulumi runtime; a component
    checks its live store here, before it registers anything.
    """
    if value is None and optional:
        return None
    if not isinstance(value, ArtifactStore):
        raise ConfigurationError(path, f"expected an ArtifactStore, got {show(value)}")
    return value
