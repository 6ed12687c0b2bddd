"""The one exception type the library raises for bad input."""

from __future__ import annotations


class ConfigurationError(ValueError):
    """A bad input, found before any resource is registered.

    ``path`` names the argument that is wrong, in the dotted form a user would write it
    (``package.source``, ``scale_set.upgrade.mode``), so a stack can point at the exact field.
    """

    path: str
    reason: str

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def under(self, prefix: str) -> ConfigurationError:
        """The same error with its path nested under ``prefix`` (``scale_set`` + ``zones``)."""
        return ConfigurationError(f"{prefix}.{self.path}" if prefix else self.path, self.reason)
