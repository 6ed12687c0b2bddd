"""One download identity shared by a cloud-init and a Custom Script scale set: both
components grant it through one rule, so the store holds one role assignment for it (a second
assignment would have the same Azure name, and deleting either would remove both
consumers' access)."""

from __future__ import annotations

from helpers import (
    DOWNLOAD_IDENTITY_ID,
    LINUX_COMMAND,
    LINUX_SCRIPT,
    SHELL_USER_DATA,
    artifact_store,
    linux_args,
)

from vmss_components import (
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    Package,
)
from vmss_components.testing import MockDeployment

ROLE = "azure-native:authorization:RoleAssignment"


def test_cloud_init_and_custom_script_sharing_an_identity_share_one_role_assignment(
    mocked: MockDeployment,
) -> None:
    def program() -> tuple[CloudInitScaleSet, CustomScriptScaleSet, CloudInitScaleSet]:
        store = artifact_store()

        def cloud_init(name: str) -> CloudInitScaleSet:
            return CloudInitScaleSet(
                name,
                CloudInitScaleSetArgs(
                    scale_set=linux_args(),
                    cloud_config=SHELL_USER_DATA,
                    store=store,
                    artifacts={"script": Package.from_file(LINUX_SCRIPT)},
                    download="managed_identity",
                    download_identity_resource_id=DOWNLOAD_IDENTITY_ID,
                ),
            )

        app = cloud_init("app")
        worker = CustomScriptScaleSet(
            "worker",
            CustomScriptScaleSetArgs(
                scale_set=linux_args(),
                os="linux",
                store=store,
                files=[LINUX_SCRIPT],
                command=LINUX_COMMAND,
                download="managed_identity",
                # The same identity, spelled in another case: Azure ids are case-insensitive.
                download_identity_resource_id=DOWNLOAD_IDENTITY_ID.upper(),
            ),
        )
        api = cloud_init("api")
        return app, worker, api

    app, worker, api = mocked.run(program)
    roles = mocked.resources_of_type(ROLE)
    assert [r.name for r in roles] == ["app-blob-reader"]
    assert app.role_assignment is not None
    assert worker.role_assignment is app.role_assignment
    assert api.role_assignment is app.role_assignment
