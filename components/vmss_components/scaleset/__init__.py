"""The scale set every component builds: arguments, resolution, the resource, the base class."""

from .args import (
    LINUX_DEFAULT_IMAGE,
    WINDOWS_DEFAULT_IMAGE,
    Autoscale,
    HealthProbe,
    ImageReference,
    ManagedIdentities,
    ScaleSetArgs,
    UpgradePolicy,
)
from .build import LONG_OPERATION, BuiltScaleSet, build_scale_set, extension_args, windows_password
from .component import ScaleSetComponent, ScaleSetFacts, tag_key
from .resolve import ScaleSetSpec, resolve_scale_set

__all__ = [
    "LINUX_DEFAULT_IMAGE",
    "LONG_OPERATION",
    "WINDOWS_DEFAULT_IMAGE",
    "Autoscale",
    "BuiltScaleSet",
    "HealthProbe",
    "ImageReference",
    "ManagedIdentities",
    "ScaleSetArgs",
    "ScaleSetComponent",
    "ScaleSetFacts",
    "ScaleSetSpec",
    "UpgradePolicy",
    "build_scale_set",
    "extension_args",
    "resolve_scale_set",
    "tag_key",
    "windows_password",
]
