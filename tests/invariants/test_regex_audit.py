"""Issue 15, point 9, library-wide: every regular expression that uses ``\\d``, ``\\w``, ``\\s``
or ``\\b`` is compiled with ``re.ASCII`` (Python's defaults match Arabic-Indic and full-width
digits, which Azure does not read), and no pattern ends in ``$`` (which also matches before a
trailing newline: names are matched with ``fullmatch``).

The audit reads the source (ast): every ``re.compile``/``match``/``fullmatch``/``search``/
``sub``/``split``/``findall``/``finditer`` call with a literal pattern, in the library, the
plan tool and the stack program. Patterns that read another language's Unicode grammar are
listed with the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from helpers import REPO

SOURCES = sorted(
    [
        *(REPO / "components").rglob("*.py"),
        *(REPO / "stacks").glob("*.py"),
    ]
)
_RE_FUNCTIONS = {"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall"}
_RE_FUNCTIONS |= {"finditer"}
_UNICODE_CLASSES = re.compile(r"\\[dwsbDWSB]")
POWERSHELL_RUN = r"[^\s{}()\[\];,|&'\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e@$#<`\0]+"
#: (file, pattern) pairs that keep Unicode classes on purpose.
UNICODE_ON_PURPOSE = {
    # PowerShell's identifiers and whitespace are Unicode (a variable may be $café).
    ("packaging/powershell.py", r"\w+"),
    ("packaging/powershell.py", r"\$(?:\{(?:[^}`]|`.)*\}|[\w:?^]+)"),
    ("packaging/powershell.py", POWERSHELL_RUN),
    ("packaging/powershell.py", r"\s"),
    ("packaging/machine_configuration.py", r"^\s*ModuleVersion\s*=\s*['\"]([^'\"]+)['\"]"),
    # Redaction splits a value on any whitespace, Unicode included, to hide more of it.
    ("userdata/_scrub.py", r"[\s:,'\"@/=]+"),
    # Azure resource group names take Unicode letters and digits.
    (
        "policy/scope.py",
        r"/subscriptions/(?P<subscription>{})/resourceGroups/(?P<group>[-\w.()]{0,89}[-\w()])",
    ),
}


def _calls(path: Path) -> list[tuple[int, str, ast.Call]]:
    """Every call of a ``re`` function with a literal pattern: (line, pattern, call)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in _RE_FUNCTIONS
            and node.args
        ):
            continue
        pattern = node.args[0]
        if isinstance(pattern, ast.Constant) and isinstance(pattern.value, str):
            found.append((node.lineno, pattern.value, node))
        elif isinstance(pattern, ast.JoinedStr):
            text = "".join(
                part.value if isinstance(part, ast.Constant) else "{}" for part in pattern.values
            )
            found.append((node.lineno, text, node))
    return found


def _has_ascii_flag(call: ast.Call) -> bool:
    names = {n.attr for n in ast.walk(call) if isinstance(n, ast.Attribute)}
    return bool({"ASCII", "A"} & names)


def _relative(path: Path) -> str:
    parts = path.relative_to(REPO).parts
    return "/".join(parts[2:] if parts[0] == "components" else parts)


def test_the_audit_sees_the_patterns() -> None:
    total = sum(len(_calls(path)) for path in SOURCES)
    assert total > 50


@pytest.mark.parametrize("path", SOURCES, ids=[_relative(p) for p in SOURCES])
def test_unicode_classes_are_ascii(path: Path) -> None:
    short = _relative(path).removeprefix("vmss_components/")
    offending = [
        f"line {line}: {pattern!r}"
        for line, pattern, call in _calls(path)
        if _UNICODE_CLASSES.search(pattern)
        and not _has_ascii_flag(call)
        and (short, pattern) not in UNICODE_ON_PURPOSE
    ]
    assert not offending, f"add re.ASCII (or use [0-9]): {offending}"


@pytest.mark.parametrize("path", SOURCES, ids=[_relative(p) for p in SOURCES])
def test_no_pattern_ends_in_a_dollar(path: Path) -> None:
    offending = [
        f"line {line}: {pattern!r}"
        for line, pattern, _ in _calls(path)
        if pattern.endswith("$") and not pattern.endswith("\\$")
    ]
    assert not offending, (
        f"'$' matches before a trailing newline; use fullmatch or \\Z: {offending}"
    )


def test_the_on_purpose_list_is_current() -> None:
    present = {
        (_relative(path).removeprefix("vmss_components/"), pattern)
        for path in SOURCES
        for _, pattern, _ in _calls(path)
    }
    assert present >= UNICODE_ON_PURPOSE
