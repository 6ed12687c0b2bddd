"""The library's own list of the Azure rules it enforces.

Each rule is declared once, beside the check that enforces it, with ``declare_rule``. The list
is what docs/rules.md is generated from, and tests mark the cases that show a rule with
``@pytest.mark.rule("<id>", path="<argument path>", case="violation" | "valid")``; an
invariant test keeps the table, the declarations and the marked cases in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RULE_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+", re.ASCII)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule: a stable id (``extension-one-per-handler``), the rule in one sentence, where
    it is enforced (``module.function``) and the argument paths that can carry a violation."""

    id: str
    text: str
    where: str
    paths: tuple[str, ...]


_RULES: dict[str, Rule] = {}


def declare_rule(id: str, text: str, *, where: str, paths: tuple[str, ...]) -> Rule:
    """Record a rule (at import of the module that enforces it) and return it.

    Declaring one id twice with different content is a programming error."""
    if not _RULE_ID.fullmatch(id):
        raise ValueError(f"rule id {id!r} is not kebab-case with at least two words")
    if not paths:
        raise ValueError(f"rule {id!r} names no argument path that can carry it")
    declared = Rule(id=id, text=text, where=where, paths=paths)
    existing = _RULES.get(id)
    if existing is not None and existing != declared:
        raise ValueError(f"rule {id!r} is declared twice with different content")
    _RULES[id] = declared
    return declared


def declared_rules() -> tuple[Rule, ...]:
    """Every rule declared by the modules imported so far, sorted by id.

    Import ``vmss_components`` first to have them all."""
    return tuple(sorted(_RULES.values(), key=lambda rule: rule.id))
