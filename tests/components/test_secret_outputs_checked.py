"""Outputs in secret-bearing or public places, found by an attacker's audit (issue 14).

- A tag named like a credential whose value is an Output was judged only when the Output
  resolved: a preview, where another resource's output is unknown, accepted
  ``tags={"GithubToken": <unknown>}``. The name is judged at construction now.
- An ``admin_password`` or a protected Machine Configuration parameter given as an Output
  that resolves to a non-string reached the SDK, whose type error prints the value
  (``... property adminPassword: {'p': '<password>'}``). The library checks the resolved
  value first and names only its type.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pulumi
import pytest
from helpers import Kit, Packages, build_packages

from vmss_components import ConfigurationError
from vmss_components.testing import MockDeployment

CANARY = "Canary-0utput-Type-a8d2"
SCALE_SET = "azure-native:compute:VirtualMachineScaleSet"
ASSIGNMENT = "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS"
MOTD = "[MotdFile]Motd;Contents"


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    return build_packages(tmp_path_factory.mktemp("output-type-packages"))


def _all_text(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


@pytest.mark.parametrize("name", ["GithubToken", "apiKey", "AWS_SECRET_ACCESS_KEY", "password"])
def test_a_credential_tag_name_is_refused_while_its_value_is_unknown(
    name: str, packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    with (
        MockDeployment(preview=True, speedups=True) as deployment,
        pytest.raises(ConfigurationError) as raised,
    ):
        # The store's name is unknown in a preview: only the tag's name can be judged.
        deployment.run(lambda: kit.cloud_init(scale_set=kit.linux(tags={name: kit.store().id})))
    assert raised.value.path == f"scale_set.tags.{name}"
    assert "tags are public" in raised.value.reason
    assert not deployment.resources_of_type(SCALE_SET)


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize(
    "value",
    [{"p": CANARY}, [CANARY], CANARY.encode(), ""],
    ids=["mapping", "list", "bytes", "empty"],
)
def test_an_admin_password_output_of_another_type_is_refused_by_type(
    value: object, preview: bool, packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    with (
        MockDeployment(preview=preview, speedups=True) as deployment,
        # Pulumi reports what an apply raised while serialising the inputs, as a ValueError.
        pytest.raises(ValueError) as raised,
    ):
        deployment.run(
            lambda: kit.dsc(scale_set=kit.windows(admin_password=pulumi.Output.secret(value)))
        )
    text = _all_text(raised.value)
    assert "scale_set.admin_password: expected a non-empty string, got a value of type" in text
    assert CANARY not in text
    assert not deployment.resources_of_type(SCALE_SET)


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("protected_parameters", {"a": CANARY}),
        ("protected_parameters", [CANARY]),
        ("parameters", {"a": "public"}),
    ],
    ids=["protected-mapping", "protected-list", "public-mapping"],
)
def test_a_parameter_output_of_another_type_is_refused_by_type(
    where: str, value: object, preview: bool, packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    with (
        MockDeployment(preview=preview, speedups=True) as deployment,
        pytest.raises(ValueError) as raised,
    ):
        deployment.run(lambda: kit.guest(**{where: {MOTD: pulumi.Output.secret(value)}}))
    text = _all_text(raised.value)
    assert f"{where}.{MOTD}: a value of type" in text
    assert "is not a string" in text
    assert CANARY not in text
    assert not deployment.resources_of_type(ASSIGNMENT)


def test_a_valid_admin_password_output_still_deploys(packages: Packages, tmp_path: Path) -> None:
    kit = Kit(tmp_path, packages)
    with MockDeployment(speedups=True) as deployment:
        deployment.run(
            lambda: kit.dsc(scale_set=kit.windows(admin_password=pulumi.Output.secret(CANARY)))
        )
    (vmss,) = deployment.resources_of_type(SCALE_SET)
    assert vmss.is_secret("virtualMachineProfile")
    assert vmss.get("virtualMachineProfile.osProfile.adminPassword") == CANARY
