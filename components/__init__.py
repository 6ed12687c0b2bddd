"""Pulumi components for configuring Azure VM scale sets.

The public API, re-exported; see the README for what each name does.
"""

from .artifacts import ArtifactStore, ArtifactStoreArgs, PublishedArtifact
from .errors import ConfigurationError
from .packaging import Package
from .sas import SasPolicy

__all__ = [
    "ArtifactStore",
    "ArtifactStoreArgs",
    "ConfigurationError",
    "Package",
    "PublishedArtifact",
    "SasPolicy",
]
