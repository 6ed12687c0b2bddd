"""Issue 15 audit: values the engine could not serialize are refused before anything is
registered. A whole number beyond a 64-bit float (OverflowError in the engine) and a lone
surrogate (ValueError in the engine) in DSC arguments, an extension's settings or a command
used to fail only after the store and the scale set's neighbours were registered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from helpers import (
    DSC_SAMPLE_ARGUMENTS,
    SHELL_USER_DATA,
    Packages,
    build_packages,
    linux_args,
    store_args,
    windows_args,
)

from vmss_components import (
    ArtifactStore,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    ConfigurationError,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    DscScaleSet,
    DscScaleSetArgs,
    Extension,
)
from vmss_components.testing import MockDeployment

HUGE = 10**400
SURROGATE = "x\ud800"


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    return build_packages(tmp_path_factory.mktemp("audit-engine-packages"))


def agent(**settings: Any) -> Extension:
    return Extension(
        name="Agent",
        publisher="Contoso",
        type="Agent",
        type_handler_version="1.0",
        settings=settings.get("settings", {}),
        protected_settings=settings.get("protected"),
    )


def dsc(packages: Packages, **arguments: Any) -> Callable[[], object]:
    def program() -> object:
        store = ArtifactStore("store", store_args())
        values: dict[str, Any] = {**DSC_SAMPLE_ARGUMENTS, **arguments}
        return DscScaleSet(
            "web",
            DscScaleSetArgs(scale_set=windows_args(), store=store, package=packages.dsc, **values),
        )

    return program


def cloud_init(extension: Callable[[], Extension]) -> Callable[[], object]:
    def program() -> object:
        return CloudInitScaleSet(
            "app",
            CloudInitScaleSetArgs(
                scale_set=linux_args(extra_extensions=[extension()]),
                cloud_config=SHELL_USER_DATA,
            ),
        )

    return program


def custom_script(command: str) -> Callable[[], object]:
    def program() -> object:
        return CustomScriptScaleSet(
            "worker",
            CustomScriptScaleSetArgs(scale_set=linux_args(), os="linux", command=command),
        )

    return program


PROTECTED_CREDENTIAL = {"AppPoolCredential": {"userName": "u", "password": SURROGATE}}
CASES: list[tuple[str, Callable[[Packages], Callable[[], object]], str]] = [
    (
        "dsc-argument-huge",
        lambda p: dsc(p, configuration_arguments={"SiteTitle": "a", "Port": HUGE}),
        "configuration_arguments.Port",
    ),
    (
        "dsc-argument-surrogate",
        lambda p: dsc(p, configuration_arguments={"SiteTitle": SURROGATE}),
        "configuration_arguments.SiteTitle",
    ),
    (
        "dsc-protected-surrogate",
        lambda p: dsc(p, protected_configuration_arguments=PROTECTED_CREDENTIAL),
        "protected_configuration_arguments.AppPoolCredential.password",
    ),
    (
        "extension-setting-huge",
        lambda p: cloud_init(lambda: agent(settings={"max": HUGE})),
        "extension.settings.max",
    ),
    (
        "extension-protected-surrogate",
        lambda p: cloud_init(lambda: agent(protected={"token": SURROGATE})),
        "extension.protected_settings.token",
    ),
    (
        "extension-setting-name-surrogate",
        lambda p: cloud_init(lambda: agent(settings={SURROGATE: 1})),
        "extension.settings",
    ),
    ("command-surrogate", lambda p: custom_script(f"echo {SURROGATE}"), "command"),
]


@pytest.mark.parametrize(("build", "path"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_value_the_engine_cannot_carry_is_refused_before_anything_registers(
    build: Callable[[Packages], Callable[[], object]], path: str, packages: Packages
) -> None:
    program = build(packages)
    # Anything but a ConfigurationError (the engine's OverflowError or ValueError) fails here.
    with MockDeployment(speedups=True) as deployment, pytest.raises(ConfigurationError) as raised:
        deployment.run(program)
    assert raised.value.path == path, raised.value
    # Only the DSC programs' store (an argument of the component) exists; nothing of the
    # scale set does.
    assert [r.name for r in deployment.resources if not r.name.startswith("store")] == []


def test_the_same_programs_with_plain_values_register() -> None:
    for program in (
        cloud_init(lambda: agent(settings={"max": 2**53 - 1, "name": "ok"})),
        custom_script("echo ok"),
    ):
        with MockDeployment(speedups=True) as deployment:
            deployment.run(program)
        assert deployment.resources_of_type("azure-native:compute:VirtualMachineScaleSet")
