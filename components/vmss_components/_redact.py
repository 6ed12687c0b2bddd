"""How values are shown in reprs and messages without leaking a secret. Pure (no pulumi).

Three rules, shared by every class and message of the library:

* ``repr()``/``str()`` of an args, spec or result class that holds a secret show the secret
  fields as ``<redacted>`` (see :func:`redacts`): a user who logs their args, or a tool that
  prints an object in a traceback, never prints a password, protected settings, a protected
  command or script, or cloud-config content.
* An error message shows a wrong value by its TYPE (``a value of type dict``), never the
  object whole (an object's repr may hold another field's secret): :func:`show` does this for
  everything that is not a plain scalar.
* A public text value is shown shortened, with any URL's userinfo, query and fragment removed
  (:func:`redact_url`), so a signed URL or ``user:pw@`` never reaches a log.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sized
from pathlib import PurePath
from typing import Any, TypeVar

#: What a redacted field or value is shown as.
REDACTED = "<redacted>"
#: Public text is shown up to this many characters.
SHOWN_LENGTH = 60

_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]*", re.ASCII)

_T = TypeVar("_T")


def redact_url(text: str) -> str:
    """``text`` with every URL's userinfo, query, fragment and ``;`` parameters removed (for
    messages)."""

    def strip(match: re.Match[str]) -> str:
        url = re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@", r"\1", match.group(0))
        # A ';' starts a path parameter (``/run.sh;sig=...``) or the next field of a
        # connection string (``Endpoint=sb://...;SharedAccessKey=...``): cut there too.
        return re.split(r"[?#;]", url, maxsplit=1)[0]

    return _URL.sub(strip, text)


def kind(value: object) -> str:
    """``a value of type <name>``: how a message names a wrong value without showing it."""
    return f"a value of type {type(value).__name__}"


def show(value: object, limit: int = SHOWN_LENGTH) -> str:
    """A PUBLIC value as a message may show it.

    None, booleans and numbers as their repr; text and paths as a quoted repr, URLs without
    userinfo and query, cut to ``limit`` characters; anything else (mappings, lists, objects,
    bytes) only by its type: an object's repr may hold a secret of another field.
    """
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str | PurePath):
        text = redact_url(str(value))
        if len(text) > limit:
            text = text[: limit - 3] + "..."
        return repr(text)
    return kind(value)


def _redacted_field(value: object) -> str:
    """A secret field's value in a repr: None and empty values as they are, a mapping's keys
    with each value redacted, anything else redacted."""
    if value is None:
        return "None"
    if isinstance(value, Sized) and not isinstance(value, str | bytes) and len(value) == 0:
        return repr(value)
    if isinstance(value, Mapping) and all(isinstance(key, str) for key in value):
        return "{" + ", ".join(f"{key!r}: {REDACTED}" for key in value) + "}"
    return REDACTED


def redacts(
    *secret_fields: str,
    when: Callable[[str, Any], bool] | None = None,
    urls: tuple[str, ...] = (),
) -> Callable[[type[_T]], type[_T]]:
    """A class decorator: the dataclass's ``repr``/``str`` show ``secret_fields`` redacted.

    ``when(field, value)`` may narrow it (a path given for a script is public, its text is
    not). The ``urls`` fields (text or a list of texts) are shown without any URL's userinfo,
    query and fragment (a SAS token). Apply it above ``@dataclass``; an unknown field name
    fails at import.
    """

    def decorate(cls: type[_T]) -> type[_T]:
        names = [f.name for f in dataclasses.fields(cls) if f.repr]  # type: ignore[arg-type]
        unknown = (set(secret_fields) | set(urls)) - set(names)
        if unknown:
            raise TypeError(f"{cls.__name__} has no fields {sorted(unknown)}")

        def __repr__(self: Any) -> str:
            parts = []
            for name in names:
                value = getattr(self, name)
                secret = name in secret_fields and (when is None or when(name, value))
                if secret:
                    shown = _redacted_field(value)
                elif name in urls:
                    shown = repr(_without_credentials(value))
                else:
                    shown = repr(value)
                parts.append(f"{name}={shown}")
            return f"{type(self).__qualname__}({', '.join(parts)})"

        cls.__repr__ = __repr__  # type: ignore[method-assign]
        cls.__str__ = __repr__  # type: ignore[method-assign]
        cls.__redacted_fields__ = tuple(secret_fields)  # type: ignore[attr-defined]
        return cls

    return decorate


def _without_credentials(value: object) -> object:
    if isinstance(value, str):
        return redact_url(value)
    if isinstance(value, list | tuple):
        return type(value)(_without_credentials(item) for item in value)
    return value


def not_a_path(_field: str, value: object) -> bool:
    """For :func:`redacts`: a field is secret unless it holds a path (a file's location)."""
    return not isinstance(value, PurePath)
