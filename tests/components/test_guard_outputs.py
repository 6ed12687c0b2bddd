"""The guard judges a NAME whatever its value, Outputs included (issue 14, point 1).

A ``pulumi.Output`` (secret or not) under a credential name used to skip the guard and land
in PUBLIC settings while the plan showed ``[secret]``. These tests put Outputs, and Outputs
of mappings, under every name of the unit vocabulary, in the places components take public
values, and check the refusal (path, where the value belongs, no canary, nothing
registered) and that ordinary names still pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
from helpers import Kit, Packages, build_packages
from helpers.guard_vocabulary import CREDENTIAL_NAMES, ORDINARY_NAMES, URL_CREDENTIALS

from vmss_components import ConfigurationError, Extension
from vmss_components.testing import MockDeployment

CANARY = "Canary-Guard-0utput-91c4"
SCALE_SET = "azure-native:compute:VirtualMachineScaleSet"


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    return build_packages(tmp_path_factory.mktemp("guard-output-packages"))


def _extension(settings: dict[str, Any]) -> Extension:
    return Extension(
        name="Extra",
        publisher="Contoso",
        type="Agent",
        type_handler_version="1.0",
        settings=settings,
    )


def _wrapped(kind: str) -> Any:
    if kind == "secret":
        return pulumi.Output.secret(CANARY)
    if kind == "plain-output":
        return pulumi.Output.from_input(CANARY)
    return pulumi.Output.secret({"inner": CANARY})  # an Output of a mapping


# --- The two examples of the "Why" -----------------------------------------------


def test_extension_settings_with_an_output_password_are_refused() -> None:
    with MockDeployment(speedups=True) as deployment, pytest.raises(ConfigurationError) as raised:
        deployment.run(lambda: _extension({"password": pulumi.Output.secret(CANARY)}))
    assert raised.value.path == "extension.settings.password"
    assert "protected settings" in raised.value.reason
    assert CANARY not in str(raised.value)
    assert deployment.resources == []


def test_dsc_configuration_arguments_with_require_secret_are_refused(
    packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    with (
        MockDeployment(
            speedups=True, config={"vmss:pw": CANARY}, secret_config_keys=("vmss:pw",)
        ) as deployment,
        pytest.raises(ConfigurationError) as raised,
    ):
        deployment.run(
            lambda: kit.dsc(
                configuration_arguments={"AdminPassword": pulumi.Config().require_secret("pw")}
            )
        )
    assert raised.value.path == "configuration_arguments.AdminPassword"
    assert "protected_configuration_arguments" in raised.value.reason
    assert CANARY not in str(raised.value)
    assert not deployment.resources_of_type(SCALE_SET)
    assert not [r.name for r in deployment.resources if "bad" in r.name]


def _assert_resolved_refusal(error: BaseException, path: str) -> None:
    """A refusal found when an Output resolved: Pulumi reports it while serialising the scale
    set's inputs, as a ValueError carrying the ConfigurationError's message (path, reason)."""
    message = str(error)
    assert f"{path}: looks like a secret" in message, message
    assert "would be public" in message, message
    assert CANARY not in message, message


# --- Every credential name, as an Output ---------------------------------------------------


@pytest.mark.parametrize("kind", ["secret", "plain-output", "output-of-mapping"])
@pytest.mark.parametrize("name", CREDENTIAL_NAMES)
def test_a_credential_name_with_an_output_value_is_refused(name: str, kind: str) -> None:
    with MockDeployment(speedups=True) as deployment, pytest.raises(ConfigurationError) as raised:
        deployment.run(lambda: _extension({"outer": {name: _wrapped(kind)}}))
    assert raised.value.path == f"extension.settings.outer.{name}"
    assert CANARY not in str(raised.value)
    assert deployment.resources == []


@pytest.mark.parametrize("name", CREDENTIAL_NAMES)
def test_a_credential_name_inside_an_output_of_a_mapping_is_refused(
    name: str, packages: Packages, tmp_path: Path
) -> None:
    """The name is only known when the Output resolves: the scale set is never registered."""
    kit = Kit(tmp_path, packages)
    settings = {"outer": pulumi.Output.secret({"list": [{name: CANARY}]})}
    with MockDeployment(speedups=True) as deployment, pytest.raises(ValueError) as raised:
        deployment.run(
            lambda: kit.cse(scale_set=kit.linux(extra_extensions=[_extension(settings)]))
        )
    _assert_resolved_refusal(raised.value, f"extensions.Extra.settings.outer.list[0].{name}")
    assert not deployment.resources_of_type(SCALE_SET)


@pytest.mark.parametrize("form", sorted(URL_CREDENTIALS))
def test_a_url_credential_inside_an_output_is_refused(
    form: str, packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    url = URL_CREDENTIALS[form].format(c=CANARY)
    settings = {"fileUris": pulumi.Output.from_input([url])}
    with MockDeployment(speedups=True) as deployment, pytest.raises(ValueError) as raised:
        deployment.run(
            lambda: kit.cse(scale_set=kit.linux(extra_extensions=[_extension(settings)]))
        )
    _assert_resolved_refusal(raised.value, "extensions.Extra.settings.fileUris[0]")
    assert not deployment.resources_of_type(SCALE_SET)


@pytest.mark.parametrize("name", CREDENTIAL_NAMES[:12])
def test_a_credential_name_in_dsc_arguments_as_an_output_is_refused(
    name: str, packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    with MockDeployment(speedups=True) as deployment, pytest.raises(ConfigurationError) as raised:
        deployment.run(
            lambda: kit.dsc(configuration_arguments={"Site": {name: pulumi.Output.secret(CANARY)}})
        )
    assert raised.value.path == f"configuration_arguments.Site.{name}"
    assert "protected_configuration_arguments" in raised.value.reason
    assert CANARY not in str(raised.value)
    assert not deployment.resources_of_type(SCALE_SET)


@pytest.mark.parametrize("name", CREDENTIAL_NAMES[:12])
def test_a_credential_name_in_guest_parameters_as_an_output_is_refused(
    name: str, packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    key = f"[MotdFile]Motd;{name}"
    with MockDeployment(speedups=True) as deployment, pytest.raises(ConfigurationError) as raised:
        deployment.run(lambda: kit.guest(parameters={key: pulumi.Output.secret(CANARY)}))
    assert raised.value.path == f"parameters.{key}"
    assert "protected_parameters" in raised.value.reason
    assert CANARY not in str(raised.value)


# --- Ordinary names pass, as Outputs and inside Outputs of mappings -----------------------


def test_ordinary_names_with_output_values_are_accepted(packages: Packages, tmp_path: Path) -> None:
    kit = Kit(tmp_path, packages)
    settings: dict[str, Any] = {name: pulumi.Output.secret("platform") for name in ORDINARY_NAMES}
    settings["nested"] = pulumi.Output.from_input({name: "platform" for name in ORDINARY_NAMES})
    settings["urls"] = pulumi.Output.from_input(["https://example.com/run.sh?version=2"])
    with MockDeployment(speedups=True) as deployment:
        deployment.run(
            lambda: kit.cse(scale_set=kit.linux(extra_extensions=[_extension(settings)]))
        )
    (scale_set,) = deployment.resources_of_type(SCALE_SET)
    inputs = _plain(scale_set.inputs)
    profile = inputs["virtualMachineProfile"]["extensionProfile"]["extensions"]
    extra = next(e for e in profile if e["name"] == "Extra")
    assert set(ORDINARY_NAMES) <= set(extra["settings"])
    assert set(extra["settings"]["nested"]) == set(ORDINARY_NAMES)
    assert extra["settings"]["urls"] == ["https://example.com/run.sh?version=2"]


def _plain(value: Any) -> Any:
    """A recorded value without its Secret wrappers."""
    inner = getattr(value, "value", value)
    if isinstance(inner, dict):
        return {k: _plain(v) for k, v in inner.items()}
    if isinstance(inner, list):
        return [_plain(v) for v in inner]
    return inner


@pytest.mark.parametrize("key", ["db-password", "api-token", "client-secret", "sas"])
def test_a_cloud_init_artifact_key_named_like_a_credential_is_refused(
    key: str, packages: Packages, tmp_path: Path
) -> None:
    """An artifact key is public: it appears in the blob name and the plan."""
    kit = Kit(tmp_path, packages)
    with MockDeployment(speedups=True) as deployment, pytest.raises(ConfigurationError) as raised:
        deployment.run(lambda: kit.cloud_init(artifacts={key: packages.script}, store=kit.store()))
    assert raised.value.path == f"artifacts.{key}"
    assert "credential" in raised.value.reason
    assert not deployment.resources_of_type(SCALE_SET)


def test_an_ordinary_cloud_init_artifact_key_is_accepted(
    packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    with MockDeployment(speedups=True) as deployment:
        deployment.run(
            lambda: kit.cloud_init(
                artifacts={"tokenizer": packages.script},
                store=kit.store(),
                cloud_config="#!/bin/sh\necho ${artifact:tokenizer}\n",
            )
        )
    assert deployment.resources_of_type(SCALE_SET)
