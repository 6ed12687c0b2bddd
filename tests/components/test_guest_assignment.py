"""GuestAssignment: what Azure receives, and every Machine Configuration rule refused early."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import pulumi
import pytest
from helpers import (
    DSC_SAMPLE_ARGUMENTS,
    artifact_store,
    dsc_package,
    linux_args,
    mc_package,
    names,
    scale_set_args,
    windows_mc_package,
)
from pulumi_azure_native import managedidentity

from vmss_components import (
    ArtifactStore,
    ConfigurationError,
    DscScaleSet,
    DscScaleSetArgs,
    ExternalScaleSet,
    GuestAssignment,
    GuestAssignmentArgs,
    MachineConfigurationPackage,
    ManagedIdentities,
    ScaleSetArgs,
)
from vmss_components._types import OsType
from vmss_components.packaging.mof import parse_mof
from vmss_components.scaleset import ScaleSetComponent, build_scale_set, resolve_scale_set
from vmss_components.store import STORAGE_BLOB_DATA_READER
from vmss_components.testing import MockDeployment, RecordedResource, reveal

ASSIGNMENT = "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS"
VMSS = "azure-native:compute:VirtualMachineScaleSet"
BLOB = "azure-native:storage:Blob"
ROLE = "azure-native:authorization:RoleAssignment"
COMPONENT = "vmss:index:GuestAssignment"
IDENTITY_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-identity/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/mc-reader"
)
BANNER = "Property of Contoso. Authorized use only.\n"


class Tier(ScaleSetComponent):
    """The smallest scale-set component: the core with no extension of its own."""

    def __init__(self, name: str, args: ScaleSetArgs, os: OsType = "linux") -> None:
        spec = resolve_scale_set(args, os=os, name=name)
        super().__init__("test:index:Tier", name, args, None)
        built = build_scale_set(name, spec, parent=self)
        self._finish(built, spec, {})


def linux(**overrides: Any) -> ScaleSetArgs:
    """A Linux target ready for Machine Configuration, in a known location."""
    values: dict[str, Any] = {"machine_configuration": True, "location": "westeurope"}
    values.update(overrides)
    return linux_args(**values)


def assign(
    deployment: MockDeployment,
    package: MachineConfigurationPackage | None = None,
    *,
    tier: ScaleSetArgs | None = None,
    **overrides: Any,
) -> GuestAssignment:
    def program() -> GuestAssignment:
        values: dict[str, Any] = {
            "package": package or mc_package(),
            "store": artifact_store(),
            "target": Tier("web", tier or linux()),
        }
        values.update(overrides)
        return GuestAssignment("baseline", GuestAssignmentArgs(**values))

    return deployment.run(program)


def guest_configuration(deployment: MockDeployment) -> dict[str, Any]:
    return reveal(deployment.resource(ASSIGNMENT).inputs)["properties"]["guestConfiguration"]


# --- what Azure receives --------------------------------------------------------------------


def test_the_assignment_azure_receives(mocked: MockDeployment) -> None:
    package = mc_package()
    assignment = assign(
        mocked,
        package,
        assignment_type="ApplyAndAutoCorrect",
        parameters={"[MotdFile]Motd;Contents": BANNER, "[SshdOption]PermitRootLogin;Value": "no"},
        protected_parameters={"[MotdFile]Motd;Mode": "0640"},
    )
    record = mocked.resource(ASSIGNMENT)
    url_with_sas = mocked.resolve(assignment.artifact.url_with_sas).value
    assert record.name == "baseline-assignment"
    assert record.parent == mocked.resource(COMPONENT, "baseline").urn
    assert reveal(record.inputs) == {
        "name": "LinuxMotd",
        "vmssName": "web-vmss",
        "resourceGroupName": "rg-app",
        "location": "westeurope",
        "properties": {
            "guestConfiguration": {
                "name": "LinuxMotd",
                "contentUri": url_with_sas,
                "contentHash": package.sha256.upper(),
                "assignmentType": "ApplyAndAutoCorrect",
                "configurationParameter": [
                    {"name": "[MotdFile]Motd;Contents", "value": BANNER},
                    {"name": "[SshdOption]PermitRootLogin;Value", "value": "no"},
                ],
                "configurationProtectedParameter": [
                    {"name": "[MotdFile]Motd;Mode", "value": "0640"},
                ],
            }
        },
    }
    assert url_with_sas.startswith("https://") and "sig=" in url_with_sas
    assert record.id is not None
    assert record.id.endswith(
        "/virtualMachineScaleSets/web-vmss/providers/Microsoft.GuestConfiguration/"
        "guestConfigurationAssignments/LinuxMotd"
    )


def test_a_plain_audit_assignment_sends_no_parameter_lists(mocked: MockDeployment) -> None:
    package = mc_package(mode="Audit")
    assign(mocked, package)
    assert set(guest_configuration(mocked)) == {
        "name",
        "contentUri",
        "contentHash",
        "assignmentType",
    }
    assert guest_configuration(mocked)["assignmentType"] == "Audit"


def test_one_name_across_zip_mof_and_assignment(mocked: MockDeployment) -> None:
    package = mc_package()
    assignment = assign(mocked, package)
    blob = mocked.resource(BLOB)
    uploaded = Path(blob.get("source")["path"])
    with zipfile.ZipFile(uploaded) as archive:
        mofs = [n for n in archive.namelist() if n.endswith(".mof")]
        assert mofs == ["LinuxMotd.mof"]
        mof = parse_mof(archive.read("LinuxMotd.mof").decode())
        assert "LinuxMotd.metaconfig.json" in archive.namelist()
    zip_name = blob.get("blobName").rsplit("/", 1)[1]
    content_uri = guest_configuration(mocked)["contentUri"]
    assert zip_name == "LinuxMotd.zip"
    assert content_uri.split("?")[0].rsplit("/", 1)[1] == "LinuxMotd.zip"
    assert mof.configuration_name == "LinuxMotd"
    assert guest_configuration(mocked)["name"] == "LinuxMotd"
    assert mocked.resource(ASSIGNMENT).get("name") == "LinuxMotd"
    assert mocked.resolve(assignment.assignment_name).value == "LinuxMotd"


def test_the_hash_is_the_uppercase_sha256_of_the_uploaded_bytes(mocked: MockDeployment) -> None:
    assignment = assign(mocked)
    blob = mocked.resource(BLOB)
    uploaded = Path(blob.get("source")["path"]).read_bytes()
    expected = hashlib.sha256(uploaded).hexdigest().upper()
    assert guest_configuration(mocked)["contentHash"] == expected
    assert mocked.resolve(assignment.content_hash).value == expected
    assert blob.get("metadata") == {"sha256": expected.lower()}
    # The assignment waits for the upload, not only for the URL.
    assert blob.urn in mocked.resource(ASSIGNMENT).dependencies


def test_the_agent_extension_and_identity_on_the_target(mocked: MockDeployment) -> None:
    assign(mocked)
    vmss = mocked.resource(VMSS)
    assert vmss.get("identity") == {"type": "SystemAssigned"}
    assert vmss.get("orchestrationMode") == "Uniform"
    (agent,) = vmss.get("virtualMachineProfile.extensionProfile.extensions")
    assert agent == {
        "name": "AzurePolicyforLinux",
        "publisher": "Microsoft.GuestConfiguration",
        "type": "ConfigurationForLinux",
        "typeHandlerVersion": "1.0",
        "autoUpgradeMinorVersion": True,
        "enableAutomaticUpgrade": True,
        "settings": {},
    }


def test_a_windows_dsc_scale_set_as_target(mocked: MockDeployment, tmp_path: Path) -> None:
    package = windows_mc_package(tmp_path)

    def program() -> GuestAssignment:
        artifacts = artifact_store()
        web = DscScaleSet(
            "iis",
            DscScaleSetArgs(
                scale_set=scale_set_args(machine_configuration=True),
                store=artifacts,
                package=dsc_package(),
                **DSC_SAMPLE_ARGUMENTS,
            ),
        )
        return GuestAssignment(
            "tls",
            GuestAssignmentArgs(
                package=package,
                store=artifacts,
                target=web,
                assignment_type="ApplyAndMonitor",
                parameters={"[Service]Spooler;StartupType": "Manual"},
            ),
        )

    mocked.run(program)
    vmss = mocked.resource(VMSS)
    assert vmss.get("identity") == {"type": "SystemAssigned"}
    extensions = {
        e["name"]: e for e in vmss.get("virtualMachineProfile.extensionProfile.extensions")
    }
    assert (
        extensions["AzurePolicyforWindows"]["type"],
        extensions["AzurePolicyforWindows"]["publisher"],
    ) == (
        "ConfigurationforWindows",
        "Microsoft.GuestConfiguration",
    )
    assignment = mocked.resource(ASSIGNMENT)
    assert assignment.get("name") == "WindowsBaseline"
    assert assignment.get("vmssName") == "iis-vmss"
    assert assignment.get("properties.guestConfiguration.configurationParameter") == [
        {"name": "[Service]Spooler;StartupType", "value": "Manual"}
    ]


# --- secrets --------------------------------------------------------------------------------


def test_the_content_uri_with_its_sas_is_secret(mocked: MockDeployment) -> None:
    assignment = assign(mocked)
    content_uri = mocked.resolve(assignment.content_uri)
    assert content_uri.secret and "sig=" in content_uri.value
    assert mocked.resource(ASSIGNMENT).is_secret("properties")


def test_protected_parameters_are_secret_and_warn(mocked: MockDeployment) -> None:
    # With an identity the URI carries no token: only the protected value can make the
    # properties secret.
    assign(
        mocked,
        tier=linux(managed_identities=ManagedIdentities(user_assigned_resource_ids=[IDENTITY_ID])),
        content_identity_resource_id=IDENTITY_ID,
        protected_parameters={"[MotdFile]Motd;Contents": BANNER},
    )
    record = mocked.resource(ASSIGNMENT)
    assert record.is_secret("properties")
    assert record.get("properties.guestConfiguration.configurationProtectedParameter") == [
        {"name": "[MotdFile]Motd;Contents", "value": BANNER}
    ]
    (warning,) = [w for w in mocked.warnings if "protected parameters" in w]
    assert "[MotdFile]Motd;Contents" in warning
    assert "does not manage secrets" in warning
    assert BANNER not in warning


def test_without_protected_parameters_nothing_is_secret_or_warned(mocked: MockDeployment) -> None:
    assignment = assign(
        mocked,
        tier=linux(managed_identities=ManagedIdentities(user_assigned_resource_ids=[IDENTITY_ID])),
        content_identity_resource_id=IDENTITY_ID,
        parameters={"[MotdFile]Motd;Contents": BANNER},
    )
    assert not mocked.resource(ASSIGNMENT).is_secret("properties")
    assert not mocked.resolve(assignment.content_uri).secret
    assert not [w for w in mocked.warnings if "secrets" in w]


def test_secret_outputs_stay_secret(mocked: MockDeployment) -> None:
    assign(
        mocked,
        protected_parameters={"[MotdFile]Motd;Contents": pulumi.Output.secret("from config")},
    )
    record = mocked.resource(ASSIGNMENT)
    assert record.is_secret("properties")
    assert record.get("properties.guestConfiguration.configurationProtectedParameter") == [
        {"name": "[MotdFile]Motd;Contents", "value": "from config"}
    ]


# --- managed-identity download --------------------------------------------------------------


def test_content_identity_downloads_without_a_sas(mocked: MockDeployment) -> None:
    def program() -> tuple[GuestAssignment, managedidentity.UserAssignedIdentity, ArtifactStore]:
        artifacts = artifact_store()
        reader = managedidentity.UserAssignedIdentity(
            "mc-reader", resource_group_name="rg-identity"
        )
        web = Tier(
            "web",
            linux(managed_identities=ManagedIdentities(user_assigned_resource_ids=[reader.id])),
        )
        assignment = GuestAssignment(
            "baseline",
            GuestAssignmentArgs(
                package=mc_package(),
                store=artifacts,
                target=web,
                content_identity_resource_id=reader.id,
            ),
        )
        return assignment, reader, artifacts

    assignment, reader, artifacts = mocked.run(program)
    identity_id = mocked.resolve(reader.id).value
    guest = guest_configuration(mocked)
    plain_url = mocked.resolve(assignment.artifact.url).value
    assert guest["contentUri"] == plain_url and "sig=" not in plain_url
    assert guest["contentManagedIdentity"] == identity_id
    assert mocked.resolve(assignment.content_uri).value == plain_url
    # The identity holds Storage Blob Data Reader on the container, before the assignment.
    role = mocked.resource(ROLE)
    assert role.name == "baseline-content-reader"
    assert role.parent == mocked.resource(COMPONENT).urn
    assert role.get("principalId") == mocked.resolve(reader.principal_id).value
    assert role.get("principalType") == "ServicePrincipal"
    assert role.get("scope") == mocked.resolve(artifacts.container_id).value
    assert role.get("roleDefinitionId").endswith(f"/roleDefinitions/{STORAGE_BLOB_DATA_READER}")
    assert role.urn in mocked.resource(ASSIGNMENT).dependencies
    (lookup,) = mocked.calls_to("azure-native:managedidentity:getUserAssignedIdentity")
    assert lookup.args == {"resourceGroupName": "rg-identity", "resourceName": "mc-reader"}
    assert assignment.content_reader is not None
    assert "sig=" not in repr(reveal(mocked.resource(ASSIGNMENT).inputs))


def test_content_identity_as_a_plain_id(mocked: MockDeployment) -> None:
    assign(
        mocked,
        tier=linux(
            managed_identities=ManagedIdentities(user_assigned_resource_ids=[IDENTITY_ID.upper()])
        ),
        content_identity_resource_id=IDENTITY_ID,
    )
    assert guest_configuration(mocked)["contentManagedIdentity"] == IDENTITY_ID
    assert mocked.resource(VMSS).get("identity.type") == "SystemAssigned, UserAssigned"


def test_a_content_identity_the_target_lacks(mocked: MockDeployment) -> None:
    with pytest.raises(ConfigurationError) as caught:
        assign(mocked, content_identity_resource_id=IDENTITY_ID)
    assert caught.value.path == "content_identity_resource_id"
    assert "user_assigned_resource_ids" in str(caught.value)
    assert mocked.resources_of_type(COMPONENT) == []
    other = IDENTITY_ID.replace("mc-reader", "other")
    with pytest.raises(ConfigurationError):
        assign(
            mocked,
            tier=linux(managed_identities=ManagedIdentities(user_assigned_resource_ids=[other])),
            content_identity_resource_id=IDENTITY_ID,
        )


def test_a_content_identity_known_only_at_deploy_time_is_still_checked() -> None:
    with MockDeployment(speedups=True) as deployment:

        def program() -> GuestAssignment:
            attached = managedidentity.UserAssignedIdentity(
                "attached", resource_group_name="rg-identity"
            )
            wanted = managedidentity.UserAssignedIdentity(
                "wanted", resource_group_name="rg-identity"
            )
            return GuestAssignment(
                "baseline",
                GuestAssignmentArgs(
                    package=mc_package(),
                    store=artifact_store(),
                    target=Tier(
                        "web",
                        linux(
                            managed_identities=ManagedIdentities(
                                user_assigned_resource_ids=[attached.id]
                            )
                        ),
                    ),
                    content_identity_resource_id=wanted.id,
                ),
            )

        # Raised while Pulumi resolves the inputs, so it arrives as the engine's ValueError
        # carrying the ConfigurationError's message; the assignment is never sent.
        with pytest.raises(
            ValueError, match="content_identity_resource_id: the target does not carry"
        ):
            deployment.run(program)
        assert deployment.resources_of_type(ASSIGNMENT) == []


# --- external scale sets --------------------------------------------------------------------


def test_an_external_scale_set(deployment: MockDeployment) -> None:
    target = ExternalScaleSet(
        resource_group_name="rg-legacy", vmss_name="legacy-web", os="linux", location="northeurope"
    )
    assignment = assign(deployment, target=target)
    record = deployment.resource(ASSIGNMENT)
    assert (record.get("vmssName"), record.get("resourceGroupName"), record.get("location")) == (
        "legacy-web",
        "rg-legacy",
        "northeurope",
    )
    assert record.get("name") == "LinuxMotd"
    (warning,) = [w for w in deployment.warnings if "cannot be checked" in w]
    assert "legacy-web" in warning and "AzurePolicyforLinux" in warning
    assert "system-assigned identity" in warning and "Uniform" in warning
    assert deployment.resolve(assignment.assignment_name).value == "LinuxMotd"


def test_an_external_windows_scale_set_names_its_extension(
    mocked: MockDeployment, tmp_path: Path
) -> None:
    target = ExternalScaleSet(resource_group_name="rg", vmss_name="win", os="windows")
    assign(
        mocked,
        windows_mc_package(tmp_path),
        target=target,
        content_identity_resource_id=IDENTITY_ID,
    )
    (warning,) = [w for w in mocked.warnings if "cannot be checked" in w]
    assert "AzurePolicyforWindows" in warning and "ConfigurationforWindows" in warning
    assert "content_identity_resource_id" in warning
    assert "location" not in mocked.resource(ASSIGNMENT).inputs


# --- both modes -----------------------------------------------------------------------------


def test_update_and_preview(deployment: MockDeployment) -> None:
    package = mc_package()
    assignment = assign(deployment, package, parameters={"[MotdFile]Motd;Contents": BANNER})
    record = deployment.resource(ASSIGNMENT)
    assert record.get("name") == "LinuxMotd"
    assert record.get("properties.guestConfiguration.contentHash") == package.content_hash
    assert record.get("properties.guestConfiguration.configurationParameter") == [
        {"name": "[MotdFile]Motd;Contents", "value": BANNER}
    ]
    content_uri = deployment.resolve(assignment.content_uri)
    assert content_uri.secret
    if deployment.preview:
        # The account name, and so the SAS, are known only once Azure creates the account.
        assert not content_uri.known
        assert deployment.calls_to("azure-native:storage:listStorageAccountServiceSAS") == []
    else:
        assert content_uri.known and "/LinuxMotd.zip?" in content_uri.value
    assert deployment.resolve(assignment.content_hash).value == package.content_hash


def test_outputs_are_registered(mocked: MockDeployment) -> None:
    assignment = assign(mocked)
    assert assignment.artifact.package.configuration_name == "LinuxMotd"  # type: ignore[attr-defined]
    assert assignment.artifact.key == "baseline-guest-config"
    assert mocked.resolve(assignment.artifact.url).value.endswith(
        f"/baseline-guest-config/{assignment.artifact.sha256[:16]}/LinuxMotd.zip"
    )
    assert assignment.content_reader is None
    assert assignment.assignment is not None


# --- one configuration per scale set --------------------------------------------------------


def test_a_second_assignment_of_one_configuration_on_one_scale_set(mocked: MockDeployment) -> None:
    def program() -> None:
        artifacts = artifact_store()
        web = Tier("web", linux())
        api = Tier("api", linux())
        GuestAssignment(
            "first", GuestAssignmentArgs(package=mc_package(), store=artifacts, target=web)
        )
        # Another scale set may carry the same configuration.
        GuestAssignment(
            "other", GuestAssignmentArgs(package=mc_package(), store=artifacts, target=api)
        )
        GuestAssignment(
            "second",
            GuestAssignmentArgs(package=mc_package(mode="Audit"), store=artifacts, target=web),
        )

    with pytest.raises(ConfigurationError) as caught:
        mocked.run(program)
    assert caught.value.path == "target"
    assert "already carries configuration 'LinuxMotd' (GuestAssignment 'first')" in str(
        caught.value
    )
    # The two valid assignments exist, the refused one registered nothing. Components are
    # registered asynchronously: "first" and "other" reach the engine in either order.
    assert names(mocked.resources_of_type(COMPONENT)) == ["first", "other"]
    assert [r.name for r in mocked.resources if r.name.startswith("second")] == []


def test_a_second_assignment_on_one_external_scale_set(mocked: MockDeployment) -> None:
    def program() -> None:
        artifacts = artifact_store()
        for name, vmss in (("first", "legacy"), ("second", "LEGACY")):
            target = ExternalScaleSet(resource_group_name="rg", vmss_name=vmss, os="linux")
            GuestAssignment(
                name, GuestAssignmentArgs(package=mc_package(), store=artifacts, target=target)
            )

    with pytest.raises(ConfigurationError, match="already carries configuration 'LinuxMotd'"):
        mocked.run(program)


def test_claims_do_not_leak_between_stacks() -> None:
    target = ExternalScaleSet(resource_group_name="rg", vmss_name="legacy", os="linux")
    for _ in range(2):
        with MockDeployment(speedups=True) as deployment:
            assign(deployment, target=target)
            assert len(deployment.resources_of_type(ASSIGNMENT)) == 1


# --- refused before anything exists ---------------------------------------------------------

BAD: list[tuple[dict[str, Any], str, str]] = [
    (
        {"parameters": {"[File]MotdFile;Contents": "x"}},
        "parameters.[File]MotdFile;Contents",
        "LinuxMotd has no resource '[File]MotdFile'; its resources: [MotdFile]Motd, "
        "[SshdOption]PermitRootLogin",
    ),
    (
        {"parameters": {"[MotdFile]Motd;Content": "x"}},
        "parameters.[MotdFile]Motd;Content",
        "sets no property 'Content' in the MOF; it sets: Path, Mode, Contents",
    ),
    (
        {"parameters": {"[MotdFile]Motd;contents": "x"}},
        "parameters.[MotdFile]Motd;contents",
        "did you mean 'Contents'?",
    ),
    (
        {"parameters": {"[MotdFile]Motd;ModuleVersion": "2.0.0"}},
        "parameters.[MotdFile]Motd;ModuleVersion",
        "sets no property 'ModuleVersion'",
    ),
    (
        {"parameters": {"Contents": "x"}},
        "parameters.Contents",
        "not '[ResourceType]ResourceName;Property' (for example '[MotdFile]Motd;Path')",
    ),
    (
        {"parameters": {"[SshdOption]PermitRootLogin;ReloadService": True}},
        "parameters.[SshdOption]PermitRootLogin;ReloadService",
        "True is not a string: Machine Configuration parameters are strings, write 'True'",
    ),
    (
        {"parameters": {"[MotdFile]Motd;Mode": 644}},
        "parameters.[MotdFile]Motd;Mode",
        "write '644'",
    ),
    (
        {"protected_parameters": {"[MotdFile]Motd;Contents": 5}},
        "protected_parameters.[MotdFile]Motd;Contents",
        # A protected value is never repeated in the message.
        "a value of type int is not a string",
    ),
    (
        {"parameters": {"[MotdFile]Motd;Contents": ["a", "b"]}},
        "parameters.[MotdFile]Motd;Contents",
        "cannot pass arrays",
    ),
    (
        {"parameters": {"[SshdOption]PermitRootLogin;ReloadService": "yes"}},
        "parameters.[SshdOption]PermitRootLogin;ReloadService",
        "is a boolean: write 'True' or 'False'",
    ),
    (
        {
            "parameters": {"[MotdFile]Motd;Contents": "a"},
            "protected_parameters": {"[MotdFile]Motd;Contents": "b"},
        },
        "protected_parameters.[MotdFile]Motd;Contents",
        "also in parameters",
    ),
    (
        {"parameters": {"[User]Admin;Password": "hunter2"}},
        "parameters.[User]Admin;Password",
        "looks like a secret",
    ),
    ({"assignment_type": "Enforce"}, "assignment_type", "'Enforce' is not one of"),
    (
        {"package": mc_package(mode="Audit"), "assignment_type": "ApplyAndMonitor"},
        "assignment_type",
        "'ApplyAndMonitor' sets machine state, but LinuxMotd.zip is an Audit package",
    ),
    (
        {"tier": linux(machine_configuration=False)},
        "target.scale_set.machine_configuration",
        "set machine_configuration=True on its ScaleSetArgs, which adds the AzurePolicyforLinux "
        "extension and a system-assigned identity",
    ),
    (
        {"tier": linux(machine_configuration=False, orchestration_mode="Flexible")},
        "target.scale_set.orchestration_mode",
        "Flexible: assignments to a scale set need Uniform orchestration",
    ),
    (
        {"content_identity_resource_id": "mc-reader"},
        "content_identity_resource_id",
        "not a user-assigned identity",
    ),
    ({"target": "web-vmss"}, "target", "expected a scale-set component"),
    ({"store": "artifacts"}, "store", "expected an ArtifactStore"),
]


@pytest.mark.parametrize(("overrides", "path", "reason"), BAD)
def test_bad_input_registers_nothing(
    mocked: MockDeployment, overrides: dict[str, Any], path: str, reason: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        assign(mocked, **overrides)
    assert caught.value.path == path, str(caught.value)
    assert reason in str(caught.value), str(caught.value)
    assert mocked.resources_of_type(COMPONENT) == []
    assert mocked.resources_of_type(ASSIGNMENT) == []
    assert [b.name for b in mocked.resources_of_type(BLOB)] == []


def test_a_good_parameter_for_every_kind_of_property(mocked: MockDeployment) -> None:
    assign(
        mocked,
        parameters={
            "[SshdOption]PermitRootLogin;ReloadService": "false",
            "[MotdFile]Motd;Path": "/etc/issue.net",
        },
    )
    assert guest_configuration(mocked)["configurationParameter"] == [
        {"name": "[SshdOption]PermitRootLogin;ReloadService", "value": "false"},
        {"name": "[MotdFile]Motd;Path", "value": "/etc/issue.net"},
    ]


def test_the_record_type_is_a_plain_component(mocked: MockDeployment) -> None:
    assign(mocked)
    component: RecordedResource = mocked.resource(COMPONENT)
    assert component.custom is False and component.parent is not None
