"""docs/reliability.md quotes the reliability suites' own figures: counted here, not typed."""

from __future__ import annotations

import re
from pathlib import Path

import test_reliability_bad_input as bad_input
import test_reliability_guard as guard
import test_reliability_preview as preview
import test_reliability_properties as properties
import test_reliability_repetition as repetition
import test_reliability_secrets as secrets
from helpers import REPO, STACKS

from vmss_plan import PlanRun

DOC = (REPO / "docs" / "reliability.md").read_text()


def categories() -> dict[str, int]:
    """Cases per ``# -- category --`` comment of the bad-input matrix."""
    source = Path(bad_input.__file__).read_text()
    block = source[source.index("CASES = [") : source.index("# fmt: on")]
    counts: dict[str, int] = {}
    category = ""
    for line in block.splitlines():
        heading = re.match(r"\s+# -- (.+?) -+$", line)
        if heading:
            category = heading.group(1)
        elif line.strip().startswith("Case("):
            counts[category] = counts.get(category, 0) + 1
    return counts


def test_bad_input_figures() -> None:
    components, config = len(bad_input.CASES), len(bad_input.CONFIG_CASES)
    assert f"**{components + config}** invalid configurations" in DOC
    assert f"**{components}** of the components and **{config}** of the stack" in DOC
    sweep = (
        f"a sweep of **{bad_input.SWEEP_EXAMPLES}** random draws a run from the "
        f"**{len(bad_input.FIELDS)}** fields of **{len(bad_input.SWEEP)}** argument classes "
        f"x **{len(bad_input.WRONG)}** wrong values"
    )
    assert sweep in DOC
    counts = categories()
    assert sum(counts.values()) == components
    for category, count in counts.items():
        assert f"| {category} | {count} |" in DOC, category


def test_guard_preview_repetition_and_property_figures() -> None:
    assert f"**{len(guard.PLACES)}** public places x **{len(guard.KINDS)}** kinds" in DOC
    assert f"= **{len(guard.CASES)}** cases" in DOC
    assert f"**{len(preview.COMPONENTS)}** component programs" in DOC
    assert f"each of the **{len(STACKS)}** stacks planned twice" in DOC
    assert f"each of the **{len(repetition.EXPECTED)}** artifact files" in DOC
    assert f"packages (**{properties.PACKAGE_EXAMPLES}** examples)" in DOC
    assert (
        f"SAS expiry (**{properties.EXAMPLES}**), fixed expiry (**{properties.EXAMPLES}**)" in DOC
    )
    assert f"update tags (**{properties.TAG_EXAMPLES}** pairs" in DOC


def test_secrets_figures(stack_runs: dict[str, PlanRun]) -> None:
    scans = {
        stack: secrets.scan(run.deployment, run.stack_outputs, set())
        for stack, run in stack_runs.items()
    }
    values = {stack: len(scan.secret_values) for stack, scan in scans.items()}
    places = {stack: len(scan.must_be_secret) for stack, scan in scans.items()}
    assert values["dev"] == values["staging"] and places["dev"] == places["staging"], (
        values,
        places,
    )
    assert f"**{values['dev']}** secret values per committed stack" in DOC
    assert f"**{places['dev']}** places that must be secret" in DOC
    # Prod downloads by identity (fewer tokens) and assigns its baseline by policy.
    assert f"(**{values['prod']}** values and **{places['prod']}** places in prod" in DOC


def test_the_readme_links_here() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Reliability") : readme.index("## Architecture")]
    assert "docs/reliability.md" in section
    total = len(bad_input.CASES) + len(bad_input.CONFIG_CASES)
    assert f"{total} invalid configurations" in section
