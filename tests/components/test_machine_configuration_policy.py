"""MachineConfigurationPolicy under the mocks: the definition, the assignment with its identity,
the roles at each scope kind, the prerequisites, the remediation, and secrets."""

from __future__ import annotations

import uuid
from typing import Any

import pulumi
import pytest
from helpers import NOW, policy_at
from helpers import mc_package as sample_package
from helpers.policy import (
    CONTRIBUTOR,
    GUEST_CONFIGURATION_RESOURCE_CONTRIBUTOR,
    IDENTITY_ID,
    INITIATIVE,
    MG_SCOPE,
    RG_SCOPE,
    SCOPES,
    SUB_SCOPE,
    SUBSCRIPTION,
)
from pulumi_azure_native import managedidentity, resources

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    ConfigurationError,
    MachineConfigurationPolicy,
    MachineConfigurationPolicyArgs,
    PolicyParameter,
    PolicyRemediation,
)
from vmss_components.store import STORAGE_BLOB_DATA_READER
from vmss_components.testing import MockDeployment, RecordedResource, reveal

COMPONENT = "vmss:index:MachineConfigurationPolicy"
DEFINITION = "azure-native:authorization:PolicyDefinition"
MG_DEFINITION = "azure-native:authorization:PolicyDefinitionAtManagementGroup"
ASSIGNMENT = "azure-native:authorization:PolicyAssignment"
ROLE = "azure-native:authorization:RoleAssignment"
REMEDIATIONS = {
    "management_group": "azure-native:policyinsights:RemediationAtManagementGroup",
    "subscription": "azure-native:policyinsights:RemediationAtSubscription",
    "resource_group": "azure-native:policyinsights:RemediationAtResourceGroup",
}
ROLE_ID_PREFIX = {
    "management_group": "/providers/Microsoft.Authorization/roleDefinitions/",
    "subscription": f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/"
    "roleDefinitions/",
    "resource_group": f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/"
    "roleDefinitions/",
}


def store() -> ArtifactStore:
    return ArtifactStore(
        "store", ArtifactStoreArgs(resource_group_name="rg-artifacts", sas=policy_at(NOW))
    )


def build(deployment: MockDeployment, **overrides: Any) -> MachineConfigurationPolicy:
    def program() -> MachineConfigurationPolicy:
        values: dict[str, Any] = {
            "package": sample_package(mode="AuditAndSet"),
            "store": store(),
            "scope": RG_SCOPE,
            "os": "linux",
            "location": "westeurope",
        }
        values.update(overrides)
        return MachineConfigurationPolicy("baseline", MachineConfigurationPolicyArgs(**values))

    return deployment.run(program)


def assignment(deployment: MockDeployment, name: str = "baseline-assignment") -> RecordedResource:
    return deployment.resource(ASSIGNMENT, name)


def roles(deployment: MockDeployment) -> dict[str, RecordedResource]:
    return {r.name: r for r in deployment.resources_of_type(ROLE)}


# --- At each scope kind ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SCOPES))
def test_a_deploying_policy_at_each_scope_kind(mocked: MockDeployment, kind: str) -> None:
    """The definition (on the management group, else on the subscription), the assignment at
    the scope with a system-assigned identity, Guest Configuration Resource Contributor for
    it at the scope (the rule's roleDefinitionIds), the prerequisites with Contributor, and a
    remediation task of the scope's kind that waits for the roles."""
    scope = SCOPES[kind]
    policy = build(
        mocked,
        scope=scope,
        mode="ApplyAndAutoCorrect",
        auto_remediation=True,
        parameters={"[MotdFile]Motd;Contents": PolicyParameter(value="Hello\n")},
        remediation=PolicyRemediation(parallel_deployments=5, failure_threshold=0.1),
    )
    component = mocked.resource(COMPONENT, "baseline")
    if kind == "management_group":
        definition = mocked.resource(MG_DEFINITION)
        assert definition.get("managementGroupId") == "contoso-platform"
        assert not mocked.resources_of_type(DEFINITION)
        assert definition.id == (
            f"{MG_SCOPE}/providers/Microsoft.Authorization/policyDefinitions/"
            f"{policy.definition_name}"
        )
    else:
        definition = mocked.resource(DEFINITION)
        assert "managementGroupId" not in definition.inputs
        assert definition.id == (
            f"{SUB_SCOPE}/providers/Microsoft.Authorization/policyDefinitions/"
            f"{policy.definition_name}"
        )
    assert definition.parent == component.urn
    assert definition.get("policyDefinitionName") == policy.definition_name
    assert definition.get("policyType") == "Custom" and definition.get("mode") == "Indexed"

    record = assignment(mocked)
    name = record.get("policyAssignmentName")
    assert len(name) <= 24
    assert reveal(record.inputs) == {
        "scope": scope,
        "policyAssignmentName": name,
        "policyDefinitionId": definition.id,
        "displayName": "Machine Configuration LinuxMotd on Linux machines (ApplyAndAutoCorrect)",
        "enforcementMode": "Default",
        "parameters": {
            "EnableAutoRemediation": {"value": "true"},
            "MotdContents": {"value": "Hello\n"},
        },
        "identity": {"type": "SystemAssigned"},
        "location": "westeurope",
    }
    assert record.id == f"{scope}/providers/Microsoft.Authorization/policyAssignments/{name}"
    assert record.delete_before_replace

    principal = mocked.resolve(policy.principal_id).value
    prerequisites_principal = mocked.resolve(
        policy.prerequisites.identity  # type: ignore[union-attr]
    ).value["principal_id"]
    assert principal == record.outputs["identity"]["principalId"]
    granted = roles(mocked)
    assert set(granted) == {"baseline-role-088ab73d", "baseline-prerequisites-role"}
    for role_name, role, holder in (
        ("baseline-role-088ab73d", GUEST_CONFIGURATION_RESOURCE_CONTRIBUTOR, principal),
        ("baseline-prerequisites-role", CONTRIBUTOR, prerequisites_principal),
    ):
        grant = granted[role_name]
        assert grant.get("scope") == scope
        assert grant.get("roleDefinitionId") == ROLE_ID_PREFIX[kind] + role
        assert grant.get("principalId") == holder
        assert grant.get("principalType") == "ServicePrincipal"
        assert str(uuid.UUID(grant.get("roleAssignmentName"))) == grant.get("roleAssignmentName")
    assert [mocked.resolve(r.id).value for r in policy.role_assignments] == [
        granted["baseline-role-088ab73d"].id,
        granted["baseline-prerequisites-role"].id,
    ]

    prerequisites = assignment(mocked, "baseline-prerequisites")
    assert prerequisites.get("policyDefinitionId") == INITIATIVE
    assert prerequisites.get("scope") == scope
    assert prerequisites.get("identity") == {"type": "SystemAssigned"}
    assert prerequisites.get("location") == "westeurope"
    assert len(prerequisites.get("policyAssignmentName")) <= 24

    remediation = mocked.resource(REMEDIATIONS[kind])
    expected: dict[str, Any] = {
        "remediationName": f"baseline-{policy.args.package.sha256[:12]}",
        "policyAssignmentId": record.id,
        "resourceDiscoveryMode": "ReEvaluateCompliance",
        "parallelDeployments": 5,
        "failureThreshold": {"percentage": 0.1},
    }
    if kind == "management_group":
        expected |= {
            "managementGroupId": "contoso-platform",
            "managementGroupsNamespace": "Microsoft.Management",
        }
    if kind == "resource_group":
        expected["resourceGroupName"] = "rg-app"
    assert reveal(remediation.inputs) == expected
    assert {granted[n].urn for n in granted} <= set(remediation.dependencies)
    assert remediation.retain_on_delete


@pytest.mark.parametrize("kind", list(SCOPES))
def test_an_audit_policy_needs_no_identity_of_its_own(mocked: MockDeployment, kind: str) -> None:
    """auditIfNotExists has no roleDefinitionIds: no identity, no location, no role; the
    prerequisites still need theirs."""
    policy = build(mocked, scope=SCOPES[kind], package=sample_package(mode="Audit"))
    record = assignment(mocked)
    assert "identity" not in record.inputs and "location" not in record.inputs
    assert "parameters" not in record.inputs
    assert policy.principal_id is None
    assert set(roles(mocked)) == {"baseline-prerequisites-role"}
    assert policy.remediation is None
    assert not any(mocked.resources_of_type(t) for t in REMEDIATIONS.values())


def test_a_referenced_prerequisites_assignment_is_not_made_again(mocked: MockDeployment) -> None:
    reference = f"{SUB_SCOPE}/providers/Microsoft.Authorization/policyAssignments/gc-prereq"
    policy = build(
        mocked,
        package=sample_package(mode="Audit"),
        location=None,
        prerequisites_assignment_id=reference,
    )
    assert [r.name for r in mocked.resources_of_type(ASSIGNMENT)] == ["baseline-assignment"]
    assert policy.prerequisites is None and not mocked.resources_of_type(ROLE)
    assert mocked.resolve(policy.prerequisites_assignment_id).value == reference


def test_arc_machines_are_included_by_the_assignment(mocked: MockDeployment) -> None:
    """The module's default definition: IncludeArcMachines, set to "true" by the assignment."""
    build(mocked, arc_machines=True)
    assert assignment(mocked).get("parameters") == {"IncludeArcMachines": {"value": "true"}}
    parameters = mocked.resource(DEFINITION).get("parameters")
    assert parameters["IncludeArcMachines"]["metadata"]["portalReview"] == "true"


# --- Content: SAS or identity ----------------------------------------------------------------


def test_a_sas_makes_the_rule_and_metadata_secret_and_warns(mocked: MockDeployment) -> None:
    policy = build(mocked, mode="ApplyAndMonitor")
    definition = mocked.resource(DEFINITION)
    assert definition.is_secret("policyRule") and definition.is_secret("metadata")
    assert not definition.is_secret("parameters") and not definition.is_secret("displayName")
    content_uri = mocked.resolve(policy.content_uri)
    assert content_uri.secret and "sig=" in content_uri.value
    guest = definition.get("metadata")["guestConfiguration"]
    assert guest["contentUri"] == content_uri.value
    deployed = definition.get("policyRule")["then"]["details"]["deployment"]["properties"]
    for resource in deployed["template"]["resources"]:
        assert resource["properties"]["guestConfiguration"]["contentUri"] == content_uri.value
    hash_ = mocked.resolve(policy.content_hash)
    assert hash_.value == policy.args.package.sha256.upper() and not hash_.secret
    assert guest["contentHash"] == hash_.value
    assert policy.package_version == "1.0.0" and policy.policy_version == "1.0.0"
    assert any("SAS token is written into the policy definition" in w for w in mocked.warnings)
    blob = mocked.resource("azure-native:storage:Blob")
    assert blob.urn in definition.dependencies


def test_a_content_identity_leaves_no_token_and_gets_the_reader_role(
    mocked: MockDeployment,
) -> None:
    policy = build(mocked, mode="ApplyAndMonitor", content_identity_resource_id=IDENTITY_ID)
    definition = mocked.resource(DEFINITION)
    assert not definition.is_secret("policyRule") and not definition.is_secret("metadata")
    text = repr(reveal(definition.inputs))
    assert "sig=" not in text
    guest = definition.get("metadata")["guestConfiguration"]
    assert guest["contentManagedIdentity"] == IDENTITY_ID
    assert guest["contentUri"] == mocked.resolve(policy.artifact.url).value
    reader = mocked.resource(ROLE, "baseline-content-reader")
    assert reader.get("roleDefinitionId").endswith(STORAGE_BLOB_DATA_READER)
    assert reader.get("scope") == mocked.resolve(policy.args.store.container_id).value
    assert reader.urn in definition.dependencies
    assert any("must carry the user-assigned identity" in w for w in mocked.warnings)


def test_a_content_identity_made_in_this_program_is_written_once_known(
    mocked: MockDeployment,
) -> None:
    def program() -> MachineConfigurationPolicy:
        reader = managedidentity.UserAssignedIdentity(
            "reader", resource_group_name="rg-identity", resource_name_="mc-reader"
        )
        return MachineConfigurationPolicy(
            "baseline",
            MachineConfigurationPolicyArgs(
                package=sample_package(),
                store=store(),
                scope=RG_SCOPE,
                os="linux",
                location="westeurope",
                content_identity_resource_id=reader.id,
            ),
        )

    policy = mocked.run(program)
    identity = mocked.resource("azure-native:managedidentity:UserAssignedIdentity")
    guest = mocked.resource(DEFINITION).get("metadata")["guestConfiguration"]
    assert guest["contentManagedIdentity"] == identity.id == IDENTITY_ID
    assert policy.content_reader is not None
    assert (
        mocked.resource(ROLE, "baseline-content-reader").get("principalId")
        == (identity.outputs["principalId"])
    )


def test_what_the_component_depends_on_is_made_first(mocked: MockDeployment) -> None:
    """A resource group made in the same program, and the policy's scope: everything made at
    the scope waits for it (children do not inherit a component's depends_on by themselves)."""

    def program() -> MachineConfigurationPolicy:
        group = resources.ResourceGroup("group", resource_group_name="rg-app")
        return MachineConfigurationPolicy(
            "baseline",
            MachineConfigurationPolicyArgs(
                package=sample_package(mode="AuditAndSet"),
                store=store(),
                scope=RG_SCOPE,
                os="linux",
                mode="ApplyAndMonitor",
                location="westeurope",
            ),
            opts=pulumi.ResourceOptions(depends_on=[group]),
        )

    mocked.run(program)
    group = mocked.resource("azure-native:resources:ResourceGroup").urn
    at_scope = [*mocked.resources_of_type(ASSIGNMENT), *mocked.resources_of_type(ROLE)]
    assert len(at_scope) == 4
    for resource in at_scope:
        assert group in resource.dependencies, resource.name


# --- Refusals, the subscription, preview ----------------------------------------------------


def test_a_refusal_registers_nothing(mocked: MockDeployment) -> None:
    with pytest.raises(ConfigurationError) as caught:
        build(mocked, package=sample_package(mode="Audit"), mode="ApplyAndAutoCorrect")
    assert caught.value.path == "mode"
    assert not mocked.resources_of_type(COMPONENT)
    assert not mocked.resources_of_type(DEFINITION)


def test_the_prerequisites_are_assigned_once_per_scope(mocked: MockDeployment) -> None:
    def program() -> None:
        artifacts = store()
        for name in ("first", "second"):
            MachineConfigurationPolicy(
                name,
                MachineConfigurationPolicyArgs(
                    package=sample_package(),
                    store=artifacts,
                    scope=RG_SCOPE,
                    os="linux",
                    location="westeurope",
                ),
            )

    with pytest.raises(ConfigurationError) as caught:
        mocked.run(program)
    assert caught.value.path == "prerequisites_assignment_id"
    assert "'first' already assigns the prerequisites" in caught.value.reason


def test_the_assignment_names_the_definition_made_here(mocked: MockDeployment) -> None:
    policy = build(mocked, scope=MG_SCOPE)
    assert assignment(mocked).get("policyDefinitionId") == mocked.resource(MG_DEFINITION).id
    assert mocked.resolve(policy.definition_id).value == mocked.resource(MG_DEFINITION).id


def test_a_preview_leaves_the_principal_unknown(previewed: MockDeployment) -> None:
    policy = build(previewed, mode="ApplyAndAutoCorrect")
    assert not previewed.resolve(policy.principal_id).known
    assert {r.name for r in previewed.resources_of_type(ROLE)} == {
        "baseline-role-088ab73d",
        "baseline-prerequisites-role",
    }
