"""The rule table, the declared rules and the tests that show them stay in step.

- docs/rules.md is what scripts/gen_rules_doc.py renders from the declared rules
  (``declare_rule``); run ``make docs`` after declaring or changing one.
- Every declared rule has a violating case (``@pytest.mark.rule(id, path=..., case=
  "violation")``) for each argument path it declares, and a valid case.
- Every marked case names a declared rule, one of its declared paths, and a known case kind.

Marks are read from the test sources with :mod:`ast` (decorators and ``pytest.param(...,
marks=...)`` alike), so the check is the same whichever tests a run collects. It is generic:
any module may declare rules, and any test file may mark cases.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType

import pytest
from helpers import REPO

from vmss_components._rules import Rule, declared_rules

TESTS = REPO / "tests"
CASES = ("violation", "valid")


def _generator() -> ModuleType:
    name = "gen_rules_doc"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


gen = _generator()


@dataclass(frozen=True)
class Mark:
    """One ``pytest.mark.rule(...)`` in a test source."""

    where: str
    rule: str | None
    path: str | None
    case: str | None


def _is_rule_mark(node: ast.expr) -> bool:
    # pytest.mark.rule(...) or mark.rule(...)
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "rule"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "mark"
    )


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "text"`` assignments, which a mark may use for a long path."""
    found = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            found[node.targets[0].id] = node.value.value
    return found


def _literal(node: ast.expr | None, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def marks_in(source: str, filename: str) -> list[Mark]:
    """The rule marks written in one test source (plain strings, or names of module-level
    string constants)."""
    tree = ast.parse(source, filename)
    constants = _constants(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_rule_mark(node.func):
            keywords = {k.arg: k.value for k in node.keywords}
            rule = node.args[0] if node.args else keywords.get("id")
            found.append(
                Mark(
                    where=f"{filename}:{node.lineno}",
                    rule=_literal(rule, constants),
                    path=_literal(keywords.get("path"), constants),
                    case=_literal(keywords.get("case"), constants),
                )
            )
    return found


def all_marks() -> list[Mark]:
    """Every rule mark under tests/."""
    marks = []
    for path in sorted(TESTS.rglob("*.py")):
        if "golden" in path.parts or ".venv" in path.parts:
            continue
        marks += marks_in(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    return marks


def problems(rules: Iterable[Rule], marks: Iterable[Mark]) -> list[str]:
    """What keeps the rules and the marked cases out of step (empty when in step)."""
    by_id = {rule.id: rule for rule in rules}
    found: list[str] = []
    seen: set[tuple[str, str | None, str]] = set()
    for mark in marks:
        if mark.rule is None or mark.case is None or mark.path is None:
            found.append(f"{mark.where}: write rule id, path= and case= as plain strings")
            continue
        rule = by_id.get(mark.rule)
        if rule is None:
            found.append(f"{mark.where}: {mark.rule!r} is not a declared rule")
            continue
        if mark.case not in CASES:
            found.append(f"{mark.where}: case {mark.case!r} is not one of {CASES}")
            continue
        if mark.path not in rule.paths:
            found.append(
                f"{mark.where}: {mark.rule} declares no path {mark.path!r} (has {rule.paths})"
            )
            continue
        seen.add((mark.rule, mark.path if mark.case == "violation" else None, mark.case))
    for rule in by_id.values():
        for path in rule.paths:
            if (rule.id, path, "violation") not in seen:
                found.append(f"{rule.id}: no violating case through {path!r}")
        if (rule.id, None, "valid") not in seen:
            found.append(f"{rule.id}: no valid case")
    return found


def test_the_rule_table_is_fresh() -> None:
    assert gen.PAGE.read_text(encoding="utf-8") == gen.render(), "run `make docs`"


def test_the_table_lists_every_declared_rule() -> None:
    page = gen.render()
    rules = declared_rules()
    assert rules, "no rule is declared"
    for rule in rules:
        assert f"| `{rule.id}` |" in page


def test_every_rule_has_its_cases_and_every_case_a_rule() -> None:
    assert problems(declared_rules(), all_marks()) == []


# --- The checker itself can fail ---------------------------------------------------------------

_RULE = Rule(id="demo-rule", text="A demo.", where="nowhere", paths=("a", "b"))


def test_a_missing_violating_case_is_reported() -> None:
    marks = [Mark("t:1", "demo-rule", "a", "violation"), Mark("t:2", "demo-rule", "a", "valid")]
    assert problems([_RULE], marks) == ["demo-rule: no violating case through 'b'"]


def test_a_missing_valid_case_is_reported() -> None:
    marks = [Mark("t:1", "demo-rule", p, "violation") for p in ("a", "b")]
    assert problems([_RULE], marks) == ["demo-rule: no valid case"]


@pytest.mark.parametrize(
    ("mark", "expected"),
    [
        (Mark("t:9", "no-such-rule", "a", "valid"), "not a declared rule"),
        (Mark("t:9", "demo-rule", "c", "violation"), "declares no path 'c'"),
        (Mark("t:9", "demo-rule", "a", "maybe"), "case 'maybe'"),
        (Mark("t:9", "demo-rule", None, "valid"), "plain strings"),
    ],
)
def test_a_bad_mark_is_reported(mark: Mark, expected: str) -> None:
    complete = [Mark("t:1", "demo-rule", p, "violation") for p in ("a", "b")]
    complete.append(Mark("t:2", "demo-rule", "a", "valid"))
    reported = problems([_RULE], [*complete, mark])
    assert len(reported) == 1 and expected in reported[0]


def test_marks_are_read_from_decorators_and_params() -> None:
    source = (
        "import pytest\n"
        "A = 'a'\n"
        "@pytest.mark.rule('demo-rule', path=A, case='violation')\n"
        "def test_x(): ...\n"
        "@pytest.mark.parametrize('v', [pytest.param(1, marks=pytest.mark.rule("
        "'demo-rule', path='b', case='valid'))])\n"
        "def test_y(v): ...\n"
    )
    assert [(m.rule, m.path, m.case) for m in marks_in(source, "t.py")] == [
        ("demo-rule", "a", "violation"),
        ("demo-rule", "b", "valid"),
    ]


def test_a_stale_table_is_seen() -> None:
    assert gen.render((*declared_rules(), _RULE)) != gen.render()
