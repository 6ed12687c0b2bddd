"""The documentation is generated where it can be, and refers only to what exists.

- docs/components/*.md are exactly what scripts/gen_component_docs.py renders from the
  source (run ``make docs`` after changing a docstring or a part), and every tabled args
  field and component output attribute has a docstring.
- Every public args class and component is tabled on some page.
- Every relative link and every backticked repository path (``docs/...``, ``examples/...``,
  ``stacks/...``, ``components/...``, ``scripts/...``) in README.md, CHANGELOG.md and
  docs/**/*.md exists; a link's ``#anchor`` names a heading of its target.
- pyproject.toml's ``readme`` exists; the README stays short, and its quickstart is the
  program of examples/cloud_init as it is (which tests/plan/test_examples.py plans).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import sys
import tomllib
from functools import cache
from pathlib import Path
from types import ModuleType

import pulumi
import pytest
from helpers import REPO

import vmss_components

README_LIMIT = 12 * 1024
PATH_PREFIXES = ("docs/", "examples/", "stacks/", "components/", "scripts/", "tests/", "bench/")
#: Paths written from the source root (``vmss_components/_guard.py``) are under components/.
SOURCE_PREFIXES = ("vmss_components/", "vmss_plan/")


def _generator() -> ModuleType:
    name = "gen_component_docs"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


gen = _generator()


# --- Generated pages ---------------------------------------------------------------------------


def test_every_field_and_output_attribute_has_a_docstring() -> None:
    assert gen.missing_docstrings() == [], "add a docstring right after each field"


def test_generated_pages_are_fresh() -> None:
    pages = gen.render_all()
    assert gen.stale(pages) == [], "run `make docs`"
    on_disk = set((REPO / "docs" / "components").glob("*.md"))
    assert on_disk == set(pages), "docs/components/ holds only generated pages"


def test_a_changed_docstring_makes_a_page_stale(tmp_path: Path) -> None:
    classes = gen.read_classes()
    field = classes["ScaleSetArgs"].fields[0]
    changed = dataclasses.replace(field, doc=f"{field.doc} (changed)")
    edited = dataclasses.replace(
        classes["ScaleSetArgs"], fields=(changed, *classes["ScaleSetArgs"].fields[1:])
    )
    pages = gen.render_all({**classes, "ScaleSetArgs": edited})
    assert gen.DOCS / "scale_set_args.md" in gen.stale(pages)


def test_a_missing_docstring_is_reported() -> None:
    classes = gen.read_classes()
    undocumented = dataclasses.replace(classes["HealthProbe"].fields[0], doc=None)
    edited = dataclasses.replace(
        classes["HealthProbe"], fields=(undocumented, *classes["HealthProbe"].fields[1:])
    )
    classes = {**classes, "HealthProbe": edited}
    assert gen.missing_docstrings(classes) == [f"HealthProbe.{undocumented.name}"]
    with pytest.raises(ValueError, match="HealthProbe"):
        gen.render_all(classes)


def test_every_public_args_class_and_component_is_tabled() -> None:
    tabled = set(gen.documented_classes())
    for name in vmss_components.__all__:
        value = getattr(vmss_components, name)
        public_class = isinstance(value, type) and (
            dataclasses.is_dataclass(value) or issubclass(value, pulumi.ComponentResource)
        )
        if public_class and name not in gen.NOT_TABLED:
            assert name in tabled, f"{name} is on no page of scripts/gen_component_docs.py"


def test_tables_show_the_source_as_written() -> None:
    page = (gen.DOCS / "scale_set_args.md").read_text()
    assert "| `upgrade` | `UpgradePolicy` | required |" in page
    assert '| `vm_size` | `pulumi.Input[str]` | `"Standard_D2s_v5"` |' in page
    assert "| `managed_identities` | `ManagedIdentities` | `ManagedIdentities()` |" in page
    assert '`"Uniform" \\| "Flexible"`' in page
    outputs = (gen.DOCS / "dsc_scale_set.md").read_text()
    assert "| `principal_id` |" in outputs and "| `artifact` |" in outputs


# --- Links and paths ---------------------------------------------------------------------------


def _documents() -> list[Path]:
    docs = [p for p in (REPO / "docs").rglob("*.md") if "_parts" not in p.parts]
    return [REPO / "README.md", REPO / "CHANGELOG.md", *sorted(docs)]


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_CODE = re.compile(r"`([^`\n]+)`")


def _prose(text: str) -> str:
    """The text outside fenced code blocks (their paths are commands and examples)."""
    return _FENCE.sub("", text)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@cache
def _anchors(path: Path) -> frozenset[str]:
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", _prose(path.read_text()), re.M)
    return frozenset(_slug(h) for h in headings)


def _link_problems(document: Path) -> list[str]:
    problems = []
    for target in _LINK.findall(_prose(document.read_text())):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        path_part, _, anchor = target.partition("#")
        resolved = (document.parent / path_part).resolve() if path_part else document
        if not resolved.exists():
            problems.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            problems.append(f"{target}: no heading #{anchor}")
    return problems


# A repository path in running text (not after a "/" or "." of a URL or a longer path).
_BARE_PATH = re.compile(
    r"(?<![\w/.`-])(?:" + "|".join(re.escape(p) for p in PATH_PREFIXES) + r")[\w./<>*{}-]*",
    re.ASCII,
)
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")


def _missing_path(token: str) -> str | None:
    """The fixed part of ``token`` when it names no file or folder of the repository."""
    token = token.rstrip(".,;:)'\"")
    if token.startswith(SOURCE_PREFIXES):
        token = "components/" + token
    # A placeholder or glob (examples/<case>/, docs/components/*.md): its fixed part.
    fixed = re.split(r"[<*{\[]", token, maxsplit=1)[0]
    if fixed != token:
        fixed = fixed.rsplit("/", 1)[0] + "/"
    return None if (REPO / fixed).exists() else fixed


def _path_problems(document: Path) -> list[str]:
    problems = []
    prose = _prose(document.read_text())
    for span in _CODE.findall(prose):
        for token in span.split():
            if not token.startswith(PATH_PREFIXES + SOURCE_PREFIXES):
                continue
            fixed = _missing_path(token)
            if fixed is not None:
                problems.append(f"`{span}`: {fixed} is not in the repository")
    text = _LINK_TARGET.sub("]", _CODE.sub("", prose))
    for token in _BARE_PATH.findall(text):
        fixed = _missing_path(token)
        if fixed is not None:
            problems.append(f"{token}: {fixed} is not in the repository")
    return problems


@pytest.mark.parametrize("document", _documents(), ids=lambda p: str(p.relative_to(REPO)))
def test_links_and_paths_exist(document: Path) -> None:
    assert _link_problems(document) == []
    assert _path_problems(document) == []


def test_the_checker_sees_broken_links_and_paths(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n[ok](#title) [bad](missing.md) [anchor](page.md#nowhere)\n"
        "`docs/no-such-file.md`, `examples/<case>/`, `stacks/Pulumi.<stack>.yaml`\n"
        "`pytest tests/unit/gone.py`, `vmss_components/_gone.py`, `vmss_components/_guard.py`\n"
        "in prose: tests/unit/moved.py, bench/, see https://example.com/docs/x/\n"
        "```sh\ncat docs/also-missing.md  # fenced: not checked\n```\n"
    )
    assert _link_problems(page) == [
        "missing.md: no such file",
        "page.md#nowhere: no heading #nowhere",
    ]
    assert _path_problems(page) == [
        "`docs/no-such-file.md`: docs/no-such-file.md is not in the repository",
        "`pytest tests/unit/gone.py`: tests/unit/gone.py is not in the repository",
        "`vmss_components/_gone.py`: components/vmss_components/_gone.py is not in the repository",
        "tests/unit/moved.py: tests/unit/moved.py is not in the repository",
    ]


def test_pyproject_readme_exists() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    readme = project["readme"]
    assert (REPO / (readme if isinstance(readme, str) else readme["file"])).is_file()


# --- The README ---------------------------------------------------------------------------------


def test_the_readme_is_short() -> None:
    size = len((REPO / "README.md").read_bytes())
    assert size <= README_LIMIT, f"README.md is {size} bytes; move reference material to docs/"


def test_the_readme_quickstart_is_the_cloud_init_example() -> None:
    readme = (REPO / "README.md").read_text()
    program = (REPO / "examples" / "cloud_init" / "__main__.py").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert program in blocks, "copy examples/cloud_init/__main__.py into the README quickstart"


def test_the_readme_starts_with_the_two_set_up_commands() -> None:
    readme = (REPO / "README.md").read_text()
    first_block = re.search(r"```(?:sh)?\n(.*?)```", readme, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make plan", "make test"]
