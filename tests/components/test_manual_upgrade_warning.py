"""A scale set with a Manual upgrade policy warns once: one warning per scale set, whichever
component builds it (CloudInitScaleSet said it twice), in the component's own words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from helpers import (
    DSC_SAMPLE_ARGUMENTS,
    SHELL_USER_DATA,
    artifact_store,
    custom_script_values,
    dsc_package,
    linux_args,
    scale_set_args,
)

from vmss_components import (
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    DscScaleSet,
    DscScaleSetArgs,
    UpgradePolicy,
)
from vmss_components.testing import MockDeployment

MANUAL = UpgradePolicy(mode="Manual")


def _dsc() -> Any:
    return DscScaleSet(
        "web",
        DscScaleSetArgs(
            scale_set=scale_set_args(upgrade=MANUAL),
            store=artifact_store(),
            package=dsc_package(),
            **DSC_SAMPLE_ARGUMENTS,
        ),
    )


def _custom_script() -> Any:
    values = custom_script_values("linux")
    values["scale_set"] = linux_args(upgrade=MANUAL)
    return CustomScriptScaleSet("web", CustomScriptScaleSetArgs(store=artifact_store(), **values))


def _cloud_init() -> Any:
    return CloudInitScaleSet(
        "web",
        CloudInitScaleSetArgs(scale_set=linux_args(upgrade=MANUAL), cloud_config=SHELL_USER_DATA),
    )


@pytest.mark.parametrize(
    ("program", "words"),
    [
        (_dsc, "model changes"),
        (_custom_script, "model changes"),
        (_cloud_init, "customData"),
    ],
    ids=["dsc", "custom-script", "cloud-init"],
)
def test_a_manual_scale_set_warns_once(
    mocked: MockDeployment, program: Callable[[], Any], words: str
) -> None:
    mocked.run(program)
    manual = [w for w in mocked.warnings if "upgrade policy Manual" in w]
    assert len(manual) == 1, manual
    assert manual[0].startswith("web: ") and words in manual[0]
