"""The plan tool's own errors (the library's ConfigurationError covers the program's input)."""

from __future__ import annotations


class PlanInputError(Exception):
    """A usage or file error: no ``Pulumi.yaml``, no stack file, an unreadable or foreign file,
    a ``main`` that does not exist. ``vmss-plan`` prints it on one line and exits 2."""
