"""Pulumi components for configuring Azure VM scale sets.

The public API, re-exported; see the README and docs/components/ for what each name does.
The mock kit for users' own tests is :mod:`vmss_components.testing`.
"""

from .cloud_init import CloudInitScaleSet, CloudInitScaleSetArgs
from .custom_script import CustomScriptScaleSet, CustomScriptScaleSetArgs
from .dsc import DscScaleSet, DscScaleSetArgs
from .errors import ConfigurationError
from .extensions import Extension
from .guest_assignment import ExternalScaleSet, GuestAssignment, GuestAssignmentArgs
from .machine_configuration_policy import (
    MachineConfigurationPolicy,
    MachineConfigurationPolicyArgs,
    PolicyParameter,
    PolicyRemediation,
)
from .packaging import DscPackage, MachineConfigurationPackage, Package
from .scaleset import (
    Autoscale,
    HealthProbe,
    ImageReference,
    ManagedIdentities,
    ScaleSetArgs,
    UpgradePolicy,
)
from .store import ArtifactStore, ArtifactStoreArgs, NetworkRules, PublishedArtifact, SasPolicy
from .vocabulary import (
    ASSIGNMENT_TYPES,
    DOWNLOAD_MODES,
    ORCHESTRATION_MODES,
    OS_DISK_TYPES,
    OS_TYPES,
    POLICY_MODES,
    PROBE_PROTOCOLS,
    UPGRADE_MODES,
    choice,
)

__all__ = [
    "ASSIGNMENT_TYPES",
    "DOWNLOAD_MODES",
    "ORCHESTRATION_MODES",
    "OS_DISK_TYPES",
    "OS_TYPES",
    "POLICY_MODES",
    "PROBE_PROTOCOLS",
    "UPGRADE_MODES",
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
    "MachineConfigurationPolicy",
    "MachineConfigurationPolicyArgs",
    "ManagedIdentities",
    "NetworkRules",
    "Package",
    "PolicyParameter",
    "PolicyRemediation",
    "PublishedArtifact",
    "SasPolicy",
    "ScaleSetArgs",
    "UpgradePolicy",
    "choice",
]
