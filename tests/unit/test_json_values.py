"""Settings and arguments hold JSON values only (issue 15, point 7): whatever Python object
lands in an extension's settings, ConfigurationError names its path at construction."""

from __future__ import annotations

import datetime
import decimal
from pathlib import Path
from typing import Any

import pytest

from vmss_components import ConfigurationError, Extension
from vmss_components._json import check_json_value

NOT_JSON: list[tuple[str, Any]] = [
    ("set", {1, 2}),
    ("frozenset", frozenset({"a"})),
    ("path", Path("/etc/hosts")),
    ("bytes", b"raw"),
    ("bytearray", bytearray(b"raw")),
    ("datetime", datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)),
    ("date", datetime.date(2030, 1, 1)),
    ("complex", complex(1, 2)),
    ("object", object()),
    ("decimal", decimal.Decimal("1.5")),
    ("nan", float("nan")),
    ("inf", float("inf")),
    ("-inf", float("-inf")),
    ("function", len),
]


@pytest.mark.parametrize(("kind", "value"), NOT_JSON, ids=[k for k, _ in NOT_JSON])
@pytest.mark.parametrize("section", ["settings", "protected_settings"])
def test_a_non_json_value_is_refused_at_its_path(kind: str, value: Any, section: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        Extension(
            name="Agent",
            publisher="Contoso",
            type="Agent",
            type_handler_version="1.0",
            **{section: {"outer": [{"inner": value}]}},
        )
    assert raised.value.path == f"extension.{section}.outer[0].inner"


def test_a_non_text_key_is_refused() -> None:
    with pytest.raises(ConfigurationError) as raised:
        check_json_value({"a": {1: "x"}}, "settings")
    assert raised.value.path == "settings.a"
    assert "keys are text" in raised.value.reason


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    value: Any = "leaf"
    for _ in range(5000):
        value = [value]
    with pytest.raises(ConfigurationError, match="levels deep"):
        check_json_value(value, "settings")


def test_every_json_value_is_taken() -> None:
    check_json_value(
        {"s": "x", "i": -3, "f": 2.5, "b": True, "n": None, "l": [1, "2", [3.0]], "t": (1, 2)},
        "settings",
    )
