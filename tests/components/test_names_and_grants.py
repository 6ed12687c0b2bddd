"""Names unique in a program, one role assignment per (container, principal, role), the
placement group of large Uniform scale sets and the load balancer probe as health signal
(issue 15, points 5, 4 and 10)."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from helpers import (
    DOWNLOAD_IDENTITY_ID,
    LINUX_COMMAND,
    LINUX_SCRIPT,
    SHELL_USER_DATA,
    WORKER,
    artifact_store,
    linux_args,
)

from vmss_components import (
    Autoscale,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    ConfigurationError,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    UpgradePolicy,
)
from vmss_components.testing import MockDeployment

VMSS = "azure-native:compute:VirtualMachineScaleSet"
ROLE = "azure-native:authorization:RoleAssignment"
PROBE_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/"
    "Microsoft.Network/loadBalancers/lb-web/probes/http"
)


def cloud_init(name: str, **scale_set: Any) -> CloudInitScaleSet:
    return CloudInitScaleSet(
        name,
        CloudInitScaleSetArgs(scale_set=linux_args(**scale_set), cloud_config=SHELL_USER_DATA),
    )


# --- component names -------------------------------------------------------------------------


@pytest.mark.rule("component-name-unique", path="name", case="violation")
def test_a_second_component_of_one_type_and_name_is_refused(mocked: MockDeployment) -> None:
    def program() -> None:
        cloud_init("web")
        before = len(mocked.resources)
        with pytest.raises(ConfigurationError) as raised:
            cloud_init("web")
        assert raised.value.path == "name"
        assert "CloudInitScaleSet" in str(raised.value)
        assert len(mocked.resources) == before, "nothing of the second is registered"

    mocked.run(program)


@pytest.mark.rule("component-name-unique", path="name", case="valid")
def test_one_name_in_two_types_and_two_names_in_one_type_are_accepted(
    mocked: MockDeployment,
) -> None:
    def program() -> None:
        cloud_init("web")
        cloud_init("api")
        artifact_store("web")

    mocked.run(program)
    assert len(mocked.resources_of_type(VMSS)) == 2


def test_two_programs_do_not_see_each_others_names() -> None:
    for _ in range(2):
        with MockDeployment(speedups=True) as deployment:
            deployment.run(lambda: cloud_init("web"))


# --- grant_read --------------------------------------------------------------------------------


@pytest.mark.rule("grant-read-name-unique", path="name", case="violation")
def test_a_second_grant_with_one_name_is_refused(mocked: MockDeployment) -> None:
    def program() -> None:
        store = artifact_store()
        store.grant_read("reader", "11111111-1111-1111-1111-111111111111")
        other = artifact_store("other")
        with pytest.raises(ConfigurationError) as raised:
            other.grant_read("reader", "22222222-2222-2222-2222-222222222222")
        assert raised.value.path == "name"

    mocked.run(program)
    assert len(mocked.resources_of_type(ROLE)) == 1


@pytest.mark.rule("grant-read-name-unique", path="name", case="valid")
def test_one_principal_granted_twice_shares_one_assignment(mocked: MockDeployment) -> None:
    def program() -> tuple[Any, Any]:
        store = artifact_store()
        first = store.grant_read("reader-a", "11111111-1111-1111-1111-111111111111")
        second = store.grant_read("reader-b", "11111111-1111-1111-1111-111111111111")
        third = store.grant_read("reader-c", "33333333-3333-3333-3333-333333333333")
        return first, second is first and third is not first

    _, shared = mocked.run(program)
    assert shared
    assert len(mocked.resources_of_type(ROLE)) == 2


def test_two_custom_scripts_sharing_one_identity_share_one_role_assignment(
    mocked: MockDeployment,
) -> None:
    def program() -> tuple[CustomScriptScaleSet, CustomScriptScaleSet]:
        store = artifact_store()

        def cse(name: str, script: Any) -> CustomScriptScaleSet:
            return CustomScriptScaleSet(
                name,
                CustomScriptScaleSetArgs(
                    scale_set=linux_args(),
                    os="linux",
                    store=store,
                    files=[script],
                    command=LINUX_COMMAND,
                    download="managed_identity",
                    download_identity_resource_id=DOWNLOAD_IDENTITY_ID,
                ),
            )

        return cse("web", LINUX_SCRIPT), cse("api", WORKER)

    web, api = mocked.run(program)
    roles = mocked.resources_of_type(ROLE)
    assert len(roles) == 1, [r.name for r in roles]
    assert web.role_assignment is api.role_assignment


# --- placement groups --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scale_set", "expected"),
    [
        ({"capacity": 100}, None),
        ({"capacity": 101}, False),
        ({"capacity": 1000}, False),
        ({"capacity": 10, "autoscale": Autoscale(minimum=2, maximum=100)}, None),
        ({"capacity": 10, "autoscale": Autoscale(minimum=2, maximum=101)}, False),
        ({"capacity": 500, "orchestration_mode": "Flexible"}, None),
    ],
    ids=["100", "101", "1000", "autoscale-100", "autoscale-101", "flexible-500"],
)
def test_over_100_instances_on_uniform_leave_the_single_placement_group(
    mocked: MockDeployment, scale_set: dict[str, Any], expected: bool | None
) -> None:
    mocked.run(lambda: cloud_init("web", **scale_set))
    assert mocked.resource(VMSS).inputs.get("singlePlacementGroup") is expected


# --- the load balancer probe as health signal --------------------------------------------------


def test_a_probe_id_is_the_health_signal_of_a_rolling_scale_set(mocked: MockDeployment) -> None:
    mocked.run(
        lambda: cloud_init("web", upgrade=UpgradePolicy(mode="Rolling"), health_probe_id=PROBE_ID)
    )
    vmss = mocked.resource(VMSS)
    assert vmss.get("virtualMachineProfile.networkProfile.healthProbe") == {"id": PROBE_ID}
    assert vmss.get("upgradePolicy.mode") == "Rolling"
    assert "extensionProfile" not in vmss.get("virtualMachineProfile"), "no health extension"


@pytest.mark.parametrize(("count", "expected"), [(100, None), (101, False)])
def test_a_capacity_known_later_decides_the_placement_group_when_known(
    mocked: MockDeployment, count: int, expected: bool | None
) -> None:
    mocked.run(lambda: cloud_init("web", capacity=pulumi.Output.from_input(count)))
    assert mocked.resource(VMSS).inputs.get("singlePlacementGroup") is expected
