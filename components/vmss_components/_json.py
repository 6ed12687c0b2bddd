"""Settings and arguments hold JSON values only, checked at construction.

Extension settings and DSC arguments travel to Azure as JSON. A value JSON cannot carry (a
set, a ``Path``, bytes, a datetime, a complex number, any other object) or a float JSON has
no spelling for (NaN, infinity) would otherwise fail in the engine after resources are
registered, or reach Azure as something else. So would text holding a lone surrogate (it
has no UTF-8 form) and a whole number beyond 2**53 - 1 either way: Pulumi sends every number
as a 64-bit float, which loses its last digits and cannot hold one past about 1.8e308 at all.
An Output is taken on trust: its content is known only when it resolves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pulumi

from ._files import check_encodable
from ._rules import declare_rule
from .errors import ConfigurationError

JSON_VALUES = declare_rule(
    "settings-json-values",
    "Extension settings, protected settings and DSC configuration arguments hold JSON values "
    "only: text (valid Unicode: no lone surrogate), whole numbers within +/-(2**53 - 1), finite "
    "floats, true/false, null, lists and mappings with text keys (or an Output of those); sets, "
    "paths, bytes, datetimes, NaN, infinity and larger whole numbers (Pulumi sends numbers as "
    "64-bit floats) are refused.",
    where="vmss_components._json.check_json_value",
    paths=(
        "extension.settings",
        "extension.protected_settings",
        "configuration_arguments",
        "protected_configuration_arguments",
    ),
)

# Deeper nesting than any real setting: refused rather than met with a RecursionError.
_MAX_DEPTH = 64
# The largest whole number a 64-bit float holds exactly (JSON's "safe" integers): Pulumi
# sends every number as a float, so 2**53 + 1 would reach Azure as 2**53, and 10**400 fails
# in the engine with an OverflowError after resources are registered.
_MAX_SAFE_INTEGER = 2**53 - 1


def check_json_value(value: Any, path: str) -> None:
    """Raise ConfigurationError at the first part of ``value`` JSON cannot carry.

    The error names the part's path (``settings.items[2]``) and its type, never its value
    (it may be a secret)."""
    _walk(value, path, 0)


def _walk(value: Any, path: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise ConfigurationError(path, f"nested more than {_MAX_DEPTH} levels deep")
    if value is None or isinstance(value, bool | pulumi.Output):
        return
    if isinstance(value, str):
        check_encodable(value, path)
        return
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE_INTEGER:
            raise ConfigurationError(
                path,
                f"a whole number of {len(str(abs(value))):,} digits is beyond +/-(2**53 - 1): "
                "Pulumi sends numbers as 64-bit floats, which would change it (give it as text)",
            )
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ConfigurationError(
                path, f"{value} is not a JSON number: JSON has no NaN or infinity"
            )
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ConfigurationError(
                    path, f"a key of type {type(key).__name__}: JSON object keys are text"
                )
            check_encodable(key, path, "a key")
            _walk(item, f"{path}.{key}", depth + 1)
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", depth + 1)
        return
    raise ConfigurationError(
        path,
        f"a {type(value).__name__} is not a JSON value: give text, a number, true/false, "
        "null, a list or a mapping with text keys",
    )
