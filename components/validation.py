"""Checks shared by every args class. Pure: each raises ConfigurationError naming the argument."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pulumi

from .errors import ConfigurationError

# Azure tag names cannot contain these characters; a resource takes at most 50 tags.
_TAG_FORBIDDEN = set("<>%&\\?/")
_MAX_TAGS = 50


def check_tags(tags: object, path: str) -> dict[str, str]:
    """Azure tags: at most 50, names up to 512 characters without ``<>%&\\?/``, values up to 256."""
    if not isinstance(tags, Mapping):
        raise ConfigurationError(path, f"expected a mapping of tag names to values, got {tags!r}")
    if len(tags) > _MAX_TAGS:
        raise ConfigurationError(path, f"{len(tags)} tags: Azure allows at most {_MAX_TAGS}")
    for key, value in tags.items():
        if not isinstance(key, str) or not key or len(key) > 512 or set(key) & _TAG_FORBIDDEN:
            raise ConfigurationError(
                path, f"tag name {key!r} must be 1-512 characters without any of <>%&\\?/"
            )
        if not isinstance(value, str) or len(value) > 256:
            raise ConfigurationError(f"{path}.{key}", "tag value must be a string of at most 256")
    return dict(tags)


def check_input_text(value: object, path: str, *, optional: bool = False) -> None:
    """A ``pulumi.Input[str]``: an Output is taken on trust, plain text must be non-empty."""
    if value is None and optional:
        return
    if isinstance(value, pulumi.Output):
        return
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(path, f"expected a non-empty string or an Output, got {value!r}")


def check_int(value: object, path: str, *, minimum: int, maximum: int) -> int:
    """A whole number in ``minimum..maximum`` (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(path, f"expected a whole number, got {value!r}")
    if not minimum <= value <= maximum:
        raise ConfigurationError(path, f"{value} is outside {minimum}..{maximum}")
    return value


def check_pattern(value: object, path: str, pattern: re.Pattern[str], rule: str) -> str:
    """Text matching ``pattern``; ``rule`` says in words what is accepted."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ConfigurationError(path, f"{value!r} is not valid: {rule}")
    return value


def check_choice(value: object, path: str, choices: tuple[Any, ...]) -> Any:
    """One of ``choices``, compared exactly."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ConfigurationError(path, f"{value!r} is not one of {listed}")
    return value
