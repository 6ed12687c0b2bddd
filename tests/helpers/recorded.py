"""Reading what a mock deployment recorded: leaves of recorded values, and comparisons that do
not depend on the order of asynchronous registrations and invokes.

Pulumi registers resources and sends invokes from asynchronous tasks: two resources created
one after the other may reach the engine in either order, and so may their invokes. Compare
them as collections (names sorted, calls as a multiset), never by position.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from vmss_components.testing import UNKNOWN, RecordedCall, RecordedResource, Secret


def walk(value: Any, path: str = "", secret: bool = False) -> Iterator[tuple[str, Any, bool]]:
    """Every leaf of a recorded value: its dotted path, the value, and whether it sits inside
    a :class:`Secret`."""
    if isinstance(value, Secret):
        yield from walk(value.value, path, True)
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, f"{path}.{key}" if path else str(key), secret)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk(child, f"{path}[{index}]", secret)
    else:
        yield path, value, secret


def names(resources: Iterable[RecordedResource]) -> list[str]:
    """The logical names of ``resources``, sorted (registration order is not guaranteed)."""
    return sorted(r.name for r in resources)


def _canonical(value: Any) -> Any:
    if isinstance(value, Secret):
        return {"<secret>": _canonical(value.value)}
    if value is UNKNOWN:
        return "<unknown>"
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def call_key(call: RecordedCall) -> str:
    """A canonical text of one invoke (token and arguments, secretness kept)."""
    return json.dumps([call.token, _canonical(call.args)], sort_keys=True, default=repr)


def unordered(calls: Iterable[RecordedCall]) -> list[RecordedCall]:
    """``calls`` in a canonical order: two recordings hold the same invokes exactly when
    their ``unordered`` lists are equal, whatever order the invokes were sent in."""
    return sorted(calls, key=call_key)
