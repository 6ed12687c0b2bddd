"""Pulumi components for configuring Azure VM scale sets.

The public API, re-exported; see the README for what each name does.
"""

from .artifacts import ArtifactStore, ArtifactStoreArgs, PublishedArtifact
from .cloud_init import CloudInitScaleSet, CloudInitScaleSetArgs
from .custom_script import CustomScriptScaleSet, CustomScriptScaleSetArgs
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
    "CloudInitScaleSet",
    "CloudInitScaleSetArgs",
    "ConfigurationError",
    "CustomScriptScaleSet",
    "CustomScriptScaleSetArgs",
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
