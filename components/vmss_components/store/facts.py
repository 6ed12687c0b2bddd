"""What a component's resolve step may know of an artifact store: plain values only."""

from __future__ import annotations

from dataclasses import dataclass

from .._redact import show
from .._rules import declare_rule
from ..errors import ConfigurationError

#: Why a store with ``shared_key_access=False`` signs no SAS (learn.microsoft.com/azure/
#: storage/common/shared-key-authorization-prevent: a service or account SAS is denied).
SAS_NEEDS_SHARED_KEY = (
    "the store has shared_key_access=False and cannot sign a SAS token (Blob storage denies "
    "a service SAS when shared key access is off): download by identity instead"
)

declare_rule(
    "store-without-shared-key-downloads-by-identity",
    "A store with shared_key_access=False signs no SAS: every consumer downloads by identity "
    "(Custom Script and cloud-init with download='managed_identity', Machine Configuration "
    "with a content identity), and a DSC scale set, which fetches by SAS only, is refused.",
    where="vmss_components.store.facts.StoreFacts.check_sas",
    paths=("store", "download", "content_identity_resource_id"),
)


@dataclass(frozen=True, kw_only=True)
class StoreFacts:
    """A store as its consumers' rules see it: the SAS expiry this run signs with, and the
    keys already published (a key is published once per store)."""

    sas_expiry: str
    published_keys: frozenset[str] = frozenset()
    #: False: the account refuses shared-key requests, so no SAS can be signed and every
    #: consumer must download by identity.
    shared_key_access: bool = True

    def check_sas(self, path: str, alternative: str = "") -> None:
        """Raise ConfigurationError (at ``path``) when this store cannot sign a SAS.

        ``alternative`` says how the consumer downloads by identity instead.
        """
        if not self.shared_key_access:
            raise ConfigurationError(
                path,
                f"{SAS_NEEDS_SHARED_KEY}{': ' + alternative if alternative else ''}",
            )

    def check_unpublished(self, key: str, path: str = "name") -> None:
        """Raise ConfigurationError (at ``path``) unless ``key`` is still free in the store.

        Components check while they resolve, so that two components whose names map to one
        store key fail before either registers anything.
        """
        if key in self.published_keys:
            raise ConfigurationError(
                path,
                f"the store key {show(key)} derived from it is already published in this store "
                "(two components whose names differ only in case or punctuation): rename one",
            )
