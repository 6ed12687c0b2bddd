"""The artifact store: a private blob container, uploads, read-only SAS tokens, reader roles."""

from .artifact_store import (
    STORAGE_BLOB_DATA_READER,
    ArtifactStore,
    ArtifactStoreArgs,
    PublishedArtifact,
    blob_name_for,
    check_store,
    role_assignment_name,
)
from .facts import StoreFacts
from .network import NetworkRules
from .sas import SasPolicy

__all__ = [
    "STORAGE_BLOB_DATA_READER",
    "ArtifactStore",
    "ArtifactStoreArgs",
    "NetworkRules",
    "PublishedArtifact",
    "SasPolicy",
    "StoreFacts",
    "blob_name_for",
    "check_store",
    "role_assignment_name",
]
