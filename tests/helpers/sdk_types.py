"""Recorded inputs checked against the installed pulumi-azure-native SDK's input types.

A resource's inputs arrive on the wire with Pulumi names (camelCase). For an
``azure-native:<module>:<Type>`` resource, :func:`sdk_problems` walks them against the SDK's
own ``<Type>Args`` class: every dict key must be a property of the input type at that place
(or a key of a declared mapping), every value of a type the SDK declares there, and every
string where the SDK declares an enum must be one of that enum's values (the SDK also takes
any ``str`` for forward compatibility; Azure does not). A value the engine does not know yet
(preview) passes. Types the SDK leaves open (``Any``: extension settings) are not walked.
"""

from __future__ import annotations

import collections.abc
import enum
import importlib
import typing
from functools import cache
from typing import Any

import pulumi
from pulumi import _types

from vmss_components.testing import UNKNOWN, RecordedResource, reveal

_WRAPPERS = {collections.abc.Awaitable, pulumi.Output}


def _leaves(tp: Any) -> list[Any]:
    """The concrete types a value may take where the SDK declares ``tp``."""
    if isinstance(tp, typing.ForwardRef | str):
        return [Any]  # an unresolved name: not walked
    origin = typing.get_origin(tp)
    if origin is typing.Union:
        return [leaf for arg in typing.get_args(tp) for leaf in _leaves(arg)]
    if origin in _WRAPPERS or tp in _WRAPPERS:
        args = typing.get_args(tp)
        return [leaf for arg in args for leaf in _leaves(arg)] if args else [Any]
    if tp is type(None):
        return []
    return [tp]


@cache
def _properties(cls: type) -> dict[str, Any]:
    """An input type's properties by Pulumi name, with their declared types (as the SDK's own
    ``input_type_types`` resolves them)."""
    return dict(_types.input_type_types(cls))


def _args_class(token: str) -> type | None:
    package, module, name = token.split(":")
    if package != "azure-native":
        return None
    sdk = importlib.import_module(f"pulumi_azure_native.{module}")
    # Where a nested input type has the resource's name, the resource's own is ``<Type>InitArgs``.
    cls = getattr(sdk, f"{name}InitArgs", None) or getattr(sdk, f"{name}Args", None)
    return cls if isinstance(cls, type) else None


def _check(value: Any, tp: Any, path: str, problems: list[str]) -> None:
    if value is None or value is UNKNOWN:
        return
    leaves = _leaves(tp)
    if Any in leaves or typing.Any in leaves:
        return
    if isinstance(value, dict):
        if "4dabf18193072939515e22adb298388d" in value or any(
            isinstance(leaf, type) and issubclass(leaf, pulumi.asset.Asset | pulumi.asset.Archive)
            for leaf in leaves
        ):
            return  # an asset or an archive
        for leaf in leaves:
            if isinstance(leaf, type) and _types.is_input_type(leaf):
                properties = _properties(leaf)
                for key, item in value.items():
                    if key not in properties:
                        problems.append(f"{path}.{key}: not a property of {leaf.__name__}")
                    else:
                        _check(item, properties[key], f"{path}.{key}", problems)
                return
            if typing.get_origin(leaf) in (collections.abc.Mapping, dict):
                _, item_type = typing.get_args(leaf)
                for key, item in value.items():
                    _check(item, item_type, f"{path}.{key}", problems)
                return
        problems.append(f"{path}: a mapping where the SDK takes {tp}")
        return
    if isinstance(value, list):
        for leaf in leaves:
            if typing.get_origin(leaf) in (collections.abc.Sequence, list):
                (item_type,) = typing.get_args(leaf)
                for index, item in enumerate(value):
                    _check(item, item_type, f"{path}[{index}]", problems)
                return
        problems.append(f"{path}: a list where the SDK takes {tp}")
        return
    enums = [leaf for leaf in leaves if isinstance(leaf, type) and issubclass(leaf, enum.Enum)]
    if isinstance(value, str) and enums:
        allowed = {member.value for e in enums for member in e}
        if value not in allowed:
            problems.append(f"{path}: {value!r} is not one of {sorted(allowed)}")
        return
    kinds = tuple(leaf for leaf in leaves if isinstance(leaf, type))
    numbers = (int, float)
    if isinstance(value, bool):
        ok = bool in kinds
    elif isinstance(value, int | float):
        ok = any(issubclass(k, numbers) and k is not bool for k in kinds)
    else:
        ok = isinstance(value, kinds) if kinds else True
    if not ok:
        problems.append(f"{path}: {type(value).__name__} where the SDK takes {tp}")


def sdk_problems(token: str, inputs: dict[str, Any]) -> list[str]:
    """How ``inputs`` (wire names, secrets revealed) break the SDK's input types of ``token``."""
    cls = _args_class(token)
    if cls is None:
        return []
    problems: list[str] = []
    properties = _properties(cls)
    for key, value in inputs.items():
        if key not in properties:
            problems.append(f"{key}: not an input of {cls.__name__}")
        else:
            _check(value, properties[key], key, problems)
    return problems


def nonconforming(resources: typing.Iterable[RecordedResource]) -> list[str]:
    """Every azure-native resource's problems, prefixed with its type and name."""
    return [
        f"{r.type} {r.name}: {problem}"
        for r in resources
        if r.custom and r.type.startswith("azure-native:")
        for problem in sdk_problems(r.type, reveal(r.inputs))
    ]
