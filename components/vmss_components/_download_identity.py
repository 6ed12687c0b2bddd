"""The user-assigned identity a scale set downloads its artifacts with.

Shared by the components that fetch from the store by identity instead of SAS: the identity
is created (``<name>-identity``) or given by resource id, granted Storage Blob Data Reader on
the store's container before the scale set exists, and attached to the scale set. A
system-assigned identity could not work: its principal exists only once the scale set does,
so the first instances would boot without the role.

The Machine Configuration components look their content identity up by id here too
(:func:`given_identity`): one copy of the lookup for every identity given by resource id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pulumi
from pulumi_azure_native import authorization, managedidentity

from ._checks import parse_identity_id
from ._inputs import as_dict
from .scaleset import ScaleSetArgs
from .store import ArtifactStore


@dataclass(frozen=True)
class DownloadIdentity:
    """The identity as registered: the created resource (or None), its ids."""

    resource: managedidentity.UserAssignedIdentity | None
    resource_id: pulumi.Output[str]
    client_id: pulumi.Output[str]
    principal_id: pulumi.Output[str]


def create_identity(
    name: str, scale_set: ScaleSetArgs, parent: pulumi.Resource
) -> DownloadIdentity:
    """A new user-assigned identity beside the scale set (same group, region and tags)."""
    identity = managedidentity.UserAssignedIdentity(
        f"{name}-identity",
        resource_group_name=scale_set.resource_group_name,
        location=scale_set.location,
        tags=as_dict(scale_set.tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return DownloadIdentity(identity, identity.id, identity.client_id, identity.principal_id)


def given_identity(
    identity_id: pulumi.Input[str],
    lookup: tuple[str, str] | None,
    path: str,
    parent: pulumi.Resource,
) -> DownloadIdentity:
    """An existing identity, its client and principal ids looked up from its resource id.

    ``lookup`` is the id's group and name when it was plain text (checked while resolving);
    otherwise the id is parsed at deploy time and a malformed one fails then, at ``path``.
    The lookup is the component's child, so it goes to the component's provider.
    """
    if lookup is not None:
        group: pulumi.Input[str] = lookup[0]
        resource: pulumi.Input[str] = lookup[1]
    else:
        parts = pulumi.Output.from_input(identity_id).apply(
            lambda text: parse_identity_id(text, path)
        )
        group = parts.apply(lambda p: p[0])
        resource = parts.apply(lambda p: p[1])
    found = managedidentity.get_user_assigned_identity_output(
        resource_group_name=group,
        resource_name=resource,
        opts=pulumi.InvokeOutputOptions(parent=parent),
    )
    return DownloadIdentity(
        None, pulumi.Output.from_input(identity_id), found.client_id, found.principal_id
    )


def download_identity(
    name: str,
    kind: Literal["given", "created"] | None,
    scale_set: ScaleSetArgs,
    identity_id: pulumi.Input[str] | None,
    lookup: tuple[str, str] | None,
    parent: pulumi.Resource,
) -> DownloadIdentity | None:
    """The identity a component downloads with, as its resolve step chose it: created beside
    the scale set, the given ``download_identity_resource_id`` looked up, or none (SAS)."""
    if kind == "created":
        return create_identity(name, scale_set, parent=parent)
    if kind == "given":
        assert identity_id is not None
        return given_identity(identity_id, lookup, "download_identity_resource_id", parent=parent)
    return None


def grant_download(
    store: ArtifactStore,
    name: str,
    identity: DownloadIdentity,
    given: pulumi.Input[str] | None,
    parent: pulumi.Resource,
) -> authorization.RoleAssignment:
    """Storage Blob Data Reader on the store's container for the download identity, as
    ``<name>-blob-reader``, granted before the scale set exists (the caller makes the scale set
    depend on it): the first instance downloads as soon as it boots.

    A given identity is keyed by its resource id, so components sharing it share its one
    assignment on the store (a second one would have the same Azure name, and deleting either
    would remove both consumers' access).
    """
    return store.grant_read(
        f"{name}-blob-reader",
        identity.principal_id,
        pulumi.ResourceOptions(parent=parent),
        principal_key=given if isinstance(given, str) else None,
    )


def is_attached(identity: pulumi.Input[str], attached: Sequence[pulumi.Input[str]]) -> bool:
    """Whether ``identity`` is already one of the scale set's user-assigned identities."""
    if any(item is identity for item in attached):
        return True
    if not isinstance(identity, str):
        return False
    wanted = identity.strip().lower()
    return any(isinstance(i, str) and i.strip().lower() == wanted for i in attached)
