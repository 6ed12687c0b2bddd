"""The handler rule table (issue 15, point 1): every known handler is recognised however its
publisher and type are spelt, runs on its own OS only, takes its documented versions only;
values only known at deploy time (Outputs) are left to Azure."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from vmss_components import ConfigurationError, Extension
from vmss_components._types import OsType
from vmss_components.extensions import (
    HANDLERS,
    Handler,
    check_handler_rules,
    check_one_per_handler,
    handler_of,
)
from vmss_components.extensions.dsc import check_dsc_settings

# Settings each known handler accepts as they are.
VALID_SETTINGS: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {
    "PowerShell DSC": ({"wmfVersion": "latest"}, None),
    "Custom Script (Windows)": ({}, {"commandToExecute": "cmd /c ver"}),
    "Custom Script (Linux)": ({}, {"commandToExecute": "sh run.sh"}),
    "Application Health (Windows)": ({"protocol": "tcp", "port": 3389}, None),
    "Application Health (Linux)": ({"protocol": "tcp", "port": 22}, None),
    "Machine Configuration (Windows)": ({}, None),
    "Machine Configuration (Linux)": ({}, None),
}
LIVE = [handler for handler in HANDLERS if handler.retired is None]


def spelt(text: str, style: str) -> str:
    return {"upper": text.upper(), "lower": text.lower(), "swap": text.swapcase()}[style]


def extension(handler: Handler, version: str, style: str = "lower") -> Extension:
    settings, protected = VALID_SETTINGS[handler.label]
    return Extension(
        name="Given",
        publisher=spelt(handler.publisher, style),
        type=spelt(handler.type, style),
        type_handler_version=version,
        settings=settings,
        protected_settings=protected,
    )


def test_every_live_handler_has_settings_to_try() -> None:
    assert {h.label for h in LIVE} == set(VALID_SETTINGS)


@pytest.mark.parametrize("style", ["upper", "lower", "swap"])
@pytest.mark.parametrize("handler", LIVE, ids=lambda h: h.label)
def test_a_handler_is_recognised_however_spelt(handler: Handler, style: str) -> None:
    assert handler_of(spelt(handler.publisher, style), spelt(handler.type, style)) is handler


@pytest.mark.parametrize("handler", LIVE, ids=lambda h: h.label)
def test_documented_versions_on_the_handlers_os_are_taken(handler: Handler) -> None:
    assert handler.os is not None
    for version in handler.versions:
        check_handler_rules(extension(handler, version, "swap"), handler.os, "x")


@pytest.mark.parametrize("handler", LIVE, ids=lambda h: h.label)
def test_the_other_os_is_refused(handler: Handler) -> None:
    other: OsType = "linux" if handler.os == "windows" else "windows"
    with pytest.raises(ConfigurationError) as raised:
        check_handler_rules(extension(handler, handler.versions[0], "upper"), other, "x")
    assert raised.value.path == "x.type"


UNDOCUMENTED = [
    pytest.param(handler, version, id=f"{handler.label}-{version}")
    for handler in LIVE
    for version in ("9.9", "1.1", "2.0", "3.0", "1.100")
    if version not in handler.versions
]


@pytest.mark.parametrize(("handler", "version"), UNDOCUMENTED)
def test_an_undocumented_version_is_refused(handler: Handler, version: str) -> None:
    assert handler.os is not None
    with pytest.raises(ConfigurationError) as raised:
        check_handler_rules(extension(handler, version), handler.os, "x")
    assert raised.value.path == "x.type_handler_version"


@pytest.mark.parametrize("os", ["windows", "linux"])
def test_the_retired_linux_dsc_is_refused_everywhere(os: Any) -> None:
    retired = Extension(
        name="Dsc",
        publisher="Microsoft.OSTCExtensions",
        type="DSCForLinux",
        type_handler_version="2.7",
    )
    with pytest.raises(ConfigurationError, match="retired"):
        check_handler_rules(retired, os, "x")


def test_an_unknown_handler_is_taken_as_given() -> None:
    agent = Extension(name="A", publisher="Contoso", type="Agent", type_handler_version="7.3")
    check_handler_rules(agent, "linux", "x")


def test_one_per_handler_compares_without_case() -> None:
    with pytest.raises(ConfigurationError) as raised:
        check_one_per_handler(
            [("e[0]", "contoso", "AGENT"), ("e[1]", "Contoso", "agent")],
        )
    assert raised.value.path == "e[1]"
    with pytest.raises(ConfigurationError) as raised:
        check_one_per_handler(
            [("e[0]", "MICROSOFT.POWERSHELL", "dsc")], owned=[("Microsoft.Powershell", "DSC")]
        )
    assert raised.value.path == "e[0]"
    check_one_per_handler([("e[0]", "Contoso", "A"), ("e[1]", "Contoso", "B")])


def test_outputs_in_dsc_settings_are_left_to_azure() -> None:
    later = pulumi.Output.from_input("x")
    check_dsc_settings(
        {"wmfVersion": later, "configuration": later, "privacy": later},
        {"configurationUrlSasToken": later},
        "x",
    )
