"""A guest assignment may read its content with the identity its target downloads with.

A Custom Script or cloud-init scale set given ``download_identity_resource_id`` attaches that
identity itself; the target's facts list it with the identities of its arguments, so a
GuestAssignment whose ``content_identity_resource_id`` is the same id is accepted (issue 18:
one identity for every download of a tier).
"""

from __future__ import annotations

import pytest
from helpers import DOWNLOAD_IDENTITY_ID, LINUX_SCRIPT, artifact_store, linux_args, mc_package

from vmss_components import (
    ConfigurationError,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    GuestAssignment,
    GuestAssignmentArgs,
)
from vmss_components.testing import MockDeployment

OTHER_IDENTITY = DOWNLOAD_IDENTITY_ID.replace("id-app-download", "id-elsewhere")


def _program(content_identity: str) -> None:
    store = artifact_store(shared_key_access=False)
    worker = CustomScriptScaleSet(
        "worker",
        CustomScriptScaleSetArgs(
            scale_set=linux_args(machine_configuration=True),
            os="linux",
            store=store,
            files=[LINUX_SCRIPT],
            command="sh install-worker.sh",
            download="managed_identity",
            download_identity_resource_id=DOWNLOAD_IDENTITY_ID,
        ),
    )
    assert len(worker.facts.user_assigned_resource_ids or ()) == 1
    GuestAssignment(
        "baseline",
        GuestAssignmentArgs(
            package=mc_package(),
            store=store,
            target=worker,
            content_identity_resource_id=content_identity,
        ),
    )


def test_the_download_identity_reads_the_guest_content_too(mocked: MockDeployment) -> None:
    mocked.run(lambda: _program(DOWNLOAD_IDENTITY_ID))
    (assignment,) = mocked.resources_of_type(
        "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS"
    )
    (vmss,) = mocked.resources_of_type("azure-native:compute:VirtualMachineScaleSet")
    assert list(vmss.get("identity")["userAssignedIdentities"]) == [DOWNLOAD_IDENTITY_ID]
    assert assignment is not None


def test_an_identity_the_target_does_not_carry_is_still_refused() -> None:
    # The attached id is known once its lookup answers: the refusal comes then, same text.
    # Pulumi reports it while serialising the inputs: a ValueError whose cause chain leads to it.
    with MockDeployment(speedups=True) as deployment, pytest.raises(ValueError) as raised:
        deployment.run(lambda: _program(OTHER_IDENTITY))
    error: BaseException | None = raised.value
    while error is not None and not isinstance(error, ConfigurationError):
        error = error.__cause__ or error.__context__
    assert isinstance(error, ConfigurationError), raised.value
    assert error.path == "content_identity_resource_id"
