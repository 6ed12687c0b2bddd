"""``requirements.lock`` is the environment ``make venv`` installs: every package pinned with
its hashes, no index URL (the lock is portable, and names no registry host), every dependency
of ``pyproject.toml`` (the dev extra included) pinned within its range, and the environment
running these tests is the locked one."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

from helpers import REPO
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LOCK = REPO / "requirements.lock"


def _entries() -> list[tuple[Requirement, list[str]]]:
    """Each locked requirement with its hashes (the continuation lines that follow it)."""
    entries: list[tuple[Requirement, list[str]]] = []
    for raw in LOCK.read_text().splitlines():
        line = raw.strip().rstrip("\\").strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash="):
            entries[-1][1].append(line.removeprefix("--hash="))
            continue
        entries.append((Requirement(line), []))
    return entries


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for requirement, _ in _entries():
        (specifier,) = requirement.specifier
        pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


def test_every_locked_package_is_pinned_exactly_with_hashes() -> None:
    entries = _entries()
    assert len(entries) > 30
    for requirement, hashes in entries:
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", requirement
        assert hashes, f"{requirement.name} has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), requirement.name


def test_the_lock_names_no_index_or_url() -> None:
    text = LOCK.read_text()
    assert "://" not in text
    assert not re.search(r"^\s*-(i|-index-url|-extra-index-url|f|-find-links)\b", text, re.M)


def test_every_dependency_of_pyproject_is_locked_within_its_range() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = _pins()
    for text in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} is outside {requirement.specifier}: run make lock"
        )


def test_this_environment_is_the_locked_one() -> None:
    wrong = {}
    for requirement, _ in _entries():
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        (specifier,) = requirement.specifier
        installed = metadata.version(requirement.name)
        if installed != specifier.version:
            wrong[requirement.name] = (installed, specifier.version)
    assert wrong == {}, "installed differs from the lock (run make venv)"
