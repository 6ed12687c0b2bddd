"""A public Machine Configuration parameter given as an Output is judged when it resolves
(issue 14, points 1-2): a URL credential inside it fails before the assignment is stored."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pytest
from helpers import Kit, Packages, build_packages
from helpers.guard_vocabulary import URL_CREDENTIALS

from vmss_components.testing import MockDeployment

CANARY = "Canary-Guest-Param-0utput-51d2"
ASSIGNMENT = "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS"
MOTD = "[MotdFile]Motd;Contents"


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    return build_packages(tmp_path_factory.mktemp("guest-parameter-packages"))


@pytest.mark.parametrize("form", sorted(URL_CREDENTIALS))
def test_a_url_credential_in_an_output_parameter_is_refused(
    form: str, packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    value = pulumi.Output.from_input(URL_CREDENTIALS[form].format(c=CANARY))
    with MockDeployment(speedups=True) as deployment, pytest.raises(ValueError) as raised:
        deployment.run(lambda: kit.guest(parameters={MOTD: value}))
    message = str(raised.value)
    assert f"parameters.{MOTD}: looks like a secret" in message, message
    assert "protected_parameters" in message
    assert CANARY not in message
    assert not deployment.resources_of_type(ASSIGNMENT)


def test_an_ordinary_output_parameter_is_taken(packages: Packages, tmp_path: Path) -> None:
    kit = Kit(tmp_path, packages)
    with MockDeployment(speedups=True) as deployment:
        deployment.run(
            lambda: kit.guest(parameters={MOTD: pulumi.Output.from_input("Welcome, ops")})
        )
    (assignment,) = deployment.resources_of_type(ASSIGNMENT)
    parameters = assignment.get("properties.guestConfiguration.configurationParameter")
    assert parameters == [{"name": MOTD, "value": "Welcome, ops"}]
