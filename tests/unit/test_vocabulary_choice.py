"""``choice`` narrows a ``str`` read from config to a fixed-choice vocabulary, checked, so a
program passes it to a ``Literal``-typed argument without a cast."""

from __future__ import annotations

import pytest

from vmss_components import (
    ASSIGNMENT_TYPES,
    DOWNLOAD_MODES,
    ORCHESTRATION_MODES,
    OS_DISK_TYPES,
    OS_TYPES,
    POLICY_MODES,
    PROBE_PROTOCOLS,
    UPGRADE_MODES,
    ConfigurationError,
    UpgradePolicy,
    choice,
    vocabulary,
)

VOCABULARIES = {
    "UPGRADE_MODES": (UPGRADE_MODES, vocabulary.UpgradeMode),
    "ORCHESTRATION_MODES": (ORCHESTRATION_MODES, vocabulary.OrchestrationMode),
    "OS_DISK_TYPES": (OS_DISK_TYPES, vocabulary.OsDiskType),
    "OS_TYPES": (OS_TYPES, vocabulary.OsType),
    "PROBE_PROTOCOLS": (PROBE_PROTOCOLS, vocabulary.ProbeProtocol),
    "ASSIGNMENT_TYPES": (ASSIGNMENT_TYPES, vocabulary.AssignmentType),
    "POLICY_MODES": (POLICY_MODES, vocabulary.PolicyMode),
    "DOWNLOAD_MODES": (DOWNLOAD_MODES, vocabulary.DownloadMode),
}


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_each_vocabulary_is_its_literal_type_values(name: str) -> None:
    values, literal = VOCABULARIES[name]
    assert values == literal.__args__
    for value in values:
        assert choice(value, values, "key") == value


def test_a_config_text_narrows_and_is_accepted() -> None:
    text: str = "Rolling"
    assert UpgradePolicy(mode=choice(text, UPGRADE_MODES, "upgradeMode")).mode == "Rolling"


@pytest.mark.parametrize("value", ["rolling", "Rolling ", "", None, 1, ["Rolling"]])
def test_anything_else_is_refused_naming_the_key(value: object) -> None:
    with pytest.raises(ConfigurationError) as raised:
        choice(value, UPGRADE_MODES, "web.upgradeMode")
    assert raised.value.path == "web.upgradeMode"
    assert raised.value.reason == (f"{value!r} is not one of 'Manual', 'Automatic', 'Rolling'")
