"""What a component's resolve step may know of an artifact store: plain values only."""

from __future__ import annotations

from dataclasses import dataclass

from .._redact import show
from ..errors import ConfigurationError


@dataclass(frozen=True, kw_only=True)
class StoreFacts:
    """A store as its consumers' rules see it: the SAS expiry this run signs with, and the
    keys already published (a key is published once per store)."""

    sas_expiry: str
    published_keys: frozenset[str] = frozenset()

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
