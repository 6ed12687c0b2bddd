"""The public API is a contract: the names exported at the top of the library and of its
test kit are exactly the documented ones."""

from __future__ import annotations

import importlib

import pytest

import vmss_components
import vmss_components.testing
import vmss_components.vocabulary

#: The library's public names (README, docs/components/).
LIBRARY = {
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
}
#: The mock kit users test their own stacks with.
TESTING = {
    "MOCK_CLIENT_ID",
    "MOCK_LOCATION",
    "MOCK_SUBSCRIPTION_ID",
    "MOCK_TENANT_ID",
    "UNKNOWN",
    "AzureMocks",
    "MockDeployment",
    "RecordedCall",
    "RecordedResource",
    "RecordingMonitor",
    "Resolved",
    "Secret",
    "reveal",
    "secret_paths",
    "service_sas_token",
}


@pytest.mark.parametrize(
    ("module", "expected"),
    [(vmss_components, LIBRARY), (vmss_components.testing, TESTING)],
    ids=["vmss_components", "vmss_components.testing"],
)
def test_all_is_the_documented_api(module: object, expected: set[str]) -> None:
    exported = module.__all__
    assert len(exported) == len(set(exported)), "a name is listed twice in __all__"
    assert set(exported) == expected
    for name in exported:
        assert getattr(module, name) is not None


def test_public_classes_say_where_they_live() -> None:
    """Every exported class is defined inside the library, and importing the top package does
    not import the offline plan tool (the library never depends on it)."""
    for name in LIBRARY:
        value = getattr(vmss_components, name)
        if isinstance(value, tuple):
            # A vocabulary (UPGRADE_MODES, ...): its values, spelled once in the library.
            assert value == vmss_components.vocabulary.__dict__[name], name
            continue
        assert value.__module__.startswith("vmss_components."), name
    fresh = importlib.import_module("vmss_components")
    assert fresh is vmss_components
