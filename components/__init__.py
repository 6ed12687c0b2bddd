"""Pulumi components for configuring Azure VM scale sets.

The public API, re-exported; see the README for what each name does.
"""

from .artifacts import ArtifactStore, ArtifactStoreArgs, PublishedArtifact
from .dsc import DscScaleSet, DscScaleSetArgs
from .errors import ConfigurationError
from .extensions import Extension
from .guest_assignment import ExternalScaleSet, GuestAssignment, GuestAssignmentArgs
from .packaging import DscPackage, MachineConfigurationPackage, Package
from .sas import SasPolicy
from .scaleset import Autoscale, HealthProbe, ImageReference, ScaleSetArgs, UpgradePolicy

__all__ = [
    "ArtifactStore",
    "ArtifactStoreArgs",
    "Autoscale",
    "ConfigurationError",
    "DscPackage",
    "DscScaleSet",
    "DscScaleSetArgs",
    "Extension",
    "ExternalScaleSet",
    "GuestAssignment",
    "GuestAssignmentArgs",
    "HealthProbe",
    "ImageReference",
    "MachineConfigurationPackage",
    "Package",
    "PublishedArtifact",
    "SasPolicy",
    "ScaleSetArgs",
    "UpgradePolicy",
]
