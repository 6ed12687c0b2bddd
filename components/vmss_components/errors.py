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
        # A message may name a file whose name is not UTF-8 (Python holds its bytes as lone
        # surrogates): escaped, so printing or logging the error never fails in turn.
        self.path = _printable(path)
        self.reason = _printable(reason)
        super().__init__(f"{self.path}: {self.reason}")

    def under(self, prefix: str) -> ConfigurationError:
        """The same error with its path nested under ``prefix`` (``scale_set`` + ``zones``)."""
        return ConfigurationError(f"{prefix}.{self.path}" if prefix else self.path, self.reason)


def _printable(text: str) -> str:
    """``text`` with any lone surrogate escaped (``\\udcff``), so it encodes as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    except AttributeError:  # not text: left for the caller's own message
        return text
    return text
