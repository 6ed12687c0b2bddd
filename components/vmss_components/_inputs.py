"""Arguments that accept a ``pulumi.Input``: a plain value is checked now, an Output when known.

A value read from ``config.require_secret``, from another stack (``StackReference``) or from a
generated resource is an Output: its value is not known while the program builds its
resources. :func:`checked_input` applies the same rule to it as to a plain value, when the value
becomes known, so the deployment stops with the same ``ConfigurationError`` text (naming the
argument path) instead of sending Azure a value it refuses. During a preview an unknown value
is not checked (nothing is known to check).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, overload

import pulumi

from ._redact import show

T = TypeVar("T")


def is_output(value: object) -> bool:
    """Whether ``value`` is a Pulumi Output (its value known only later)."""
    return isinstance(value, pulumi.Output)


def checked_input(value: pulumi.Input[T], check: Callable[[Any], object]) -> pulumi.Input[T]:
    """``value``, checked by ``check`` now (plain) or when its value is known (an Output).

    ``check`` raises ConfigurationError; for an Output it runs inside an ``apply`` whose
    result is the same value (secretness and dependencies kept), so whatever consumes the
    returned Output waits for the check.
    """
    if isinstance(value, pulumi.Output):
        output: pulumi.Output[T] = value

        def known(resolved: T) -> T:
            check(resolved)
            return resolved

        return output.apply(known)
    check(value)
    return value


@overload
def checked_at(
    value: pulumi.Output[T], check: Callable[[Any, str], object], path: str
) -> pulumi.Output[T]: ...
@overload
def checked_at(
    value: pulumi.Input[T], check: Callable[[Any, str], object], path: str
) -> pulumi.Input[T]: ...
def checked_at(value: Any, check: Callable[[Any, str], object], path: str) -> Any:
    """:func:`checked_input` with a rule that takes the argument path (``check(value, path)``)."""

    def rule(known: Any) -> object:
        return check(known, path)

    return checked_input(value, rule)


def shown(value: object) -> str:
    """How a message shows a value it refuses: as :func:`._redact.show` does (scalars, public
    text shortened and without URL credentials, anything else by its type), and never an
    Output's ``repr`` (``<pulumi.output.Output object at 0x…>`` says nothing)."""
    if isinstance(value, pulumi.Output):
        return "an Output (this argument takes a plain value)"
    return show(value)


def as_list(value: Sequence[T] | pulumi.Output[Sequence[T]]) -> list[T] | pulumi.Output[list[T]]:
    """A plain sequence as a list, an Output of one as an Output of a list (what the SDK's
    list arguments take)."""
    if isinstance(value, pulumi.Output):
        return value.apply(list)
    return list(value)


def as_dict(
    value: Mapping[str, Any] | pulumi.Output[Mapping[str, Any]],
) -> dict[str, Any] | pulumi.Output[dict[str, Any]]:
    """A plain mapping as a dict (a copy), an Output of one as an Output of a dict."""
    if isinstance(value, pulumi.Output):
        return value.apply(dict)
    return dict(value)
