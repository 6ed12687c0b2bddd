"""Messages about a user-data document that keep its key paths, lines and reasons, never a value.

User data routinely holds secrets (``chpasswd``, ``users[].passwd``, tokens in ``runcmd``
and ``write_files``), and validation messages reach CI logs. ``cloud-init schema`` and
PyYAML quote the offending value (``chpasswd.list: 'root:pw' is not of type 'array'``) or
print the offending line. :func:`scrub` rewrites such a message: every value of the
document, every quoted or bracketed literal that is not a key of the document or a schema
word, and every printed line of the document (also the window PyYAML prints of a long line,
between ``...`` marks) are replaced by ``<value>``; key paths, line numbers and the reason
stay.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..errors import ConfigurationError
from ._yaml import load_yaml

#: What a value of the document is replaced with in a message.
HIDDEN = "<value>"
# Words of cloud-init's and JSON Schema's messages that may be quoted.
_SCHEMA_WORDS = frozenset(
    {"array", "string", "object", "integer", "boolean", "null", "number", "path", "content"}
)
# 'quoted', "quoted", {mapping ...} and [list ...] literals of a Python or YAML message.
_LITERAL = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|\{[^{}\n]*\}|\[[^\[\]\n]*\]")
# A YAML key at the start of a line (``  - name: x`` -> ``name``).
_KEY = re.compile(r"^\s*(?:-\s+)?([A-Za-z0-9_.-]+)\s*:(?:\s|$)", re.ASCII)
# PyYAML's position line, followed by the printed document line (its "snippet").
_MARK = re.compile(r"\bline \d+, column \d+:\s*\Z", re.ASCII)
# The " ... " PyYAML puts around a window of a long line.
_ELLIPSES = re.compile(r"^\.\.\.\s|\s\.\.\.\Z", re.ASCII)
# Shorter values could be words of the message itself ("true", "root").
_MIN_VALUE = 4


def scrub(message: str, document: str) -> str:
    """``message`` without any value of ``document`` (see the module docstring)."""
    keys, values = _keys_and_values(document)
    lines = {line.strip() for line in document.splitlines() if len(line.strip()) >= _MIN_VALUE}
    out: list[str] = []
    mark_indent: int | None = None
    for line in message.splitlines():
        stripped = line.strip()
        if stripped and set(stripped) <= {"^", " "}:
            continue  # PyYAML's column marker under a printed line
        # PyYAML prints the offending line, indented, under "in <file>, line N, column M:"
        # (a long one cut to a window around the column between " ... " marks): hide it.
        indent = len(line) - len(line.lstrip())
        printed = mark_indent is not None and bool(stripped) and indent > mark_indent
        mark_indent = indent if _MARK.search(line) else None
        core = _ELLIPSES.sub("", stripped).strip()
        if (
            printed
            or stripped in lines
            or (len(stripped) >= _MIN_VALUE and stripped in document)
            or (len(core) >= _MIN_VALUE and core in document)
        ):
            out.append(line[:indent] + HIDDEN)
            continue
        for value in values:
            line = line.replace(value, HIDDEN)
        line = _LITERAL.sub(lambda m: _literal(m.group(0), keys), line)
        out.append(line)
    return "\n".join(out)


def annotated_line(number: int, line: str, mark: str) -> str:
    """One line of ``cloud-init schema --annotate``'s output, by number and key only."""
    match = _KEY.match(line)
    where = f" ({match.group(1)})" if match else ""
    return f"  line {number}{where}: {mark}"


def yaml_problem(error: yaml.YAMLError) -> str:
    """A YAML error as its reason and position only (PyYAML prints the offending line)."""
    if isinstance(error, yaml.MarkedYAMLError):
        parts = [p for p in (error.context, error.problem) if p]
        reason = ", ".join(_LITERAL.sub(HIDDEN, p) for p in parts) or "invalid YAML"
        mark = error.problem_mark or error.context_mark
        if mark is not None:
            return f"line {mark.line + 1}, column {mark.column + 1}: {reason}"
        return reason
    return "invalid YAML"


def _literal(text: str, keys: frozenset[str]) -> str:
    inner = text[1:-1]
    if text[0] in "'\"" and (inner in keys or inner in _SCHEMA_WORDS):
        return text
    return HIDDEN


def _keys_and_values(document: str) -> tuple[frozenset[str], list[str]]:
    """The document's mapping keys, and its values (longest first) as text."""
    try:
        # cloud-init's loader, nesting bounded: a document of 100,000 '[' cannot recurse.
        data = load_yaml(document, "cloud_config")
    except ConfigurationError:
        data = None
    keys: set[str] = set()
    values: set[str] = set()
    if data is not None:
        _collect(data, keys, values)
    else:
        for line in document.splitlines():
            match = _KEY.match(line)
            if match:
                keys.add(match.group(1))
                rest = line[match.end() :].strip()
            else:
                rest = line.strip().lstrip("-").strip()
            if rest and not rest.startswith("#"):
                values.add(rest.strip("'\""))
    # Values also show inside other text (a list's repr, 'root:pw' split by cloud-init).
    parts = {p for v in values for p in re.split(r"[\s:,'\"@/=]+", v)}
    found = {v for v in values | parts if len(v) >= _MIN_VALUE and v not in keys}
    return frozenset(keys), sorted(found, key=len, reverse=True)


def _collect(node: Any, keys: set[str], values: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            keys.add(str(key))
            _collect(value, keys, values)
    elif isinstance(node, list):
        for item in node:
            _collect(item, keys, values)
    elif node is not None and not isinstance(node, bool):
        values.add(str(node))
        values.update(line.strip() for line in str(node).splitlines() if line.strip())
