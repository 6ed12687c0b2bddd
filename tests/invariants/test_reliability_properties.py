"""Properties, library-wide (hypothesis): packages are deterministic under random trees,
file creation orders and mtimes; SAS expiry always leaves the minimum lifetime and stays
constant within a rotation window; update tags change if and only if consumed content
changes (and never for a SAS rotation, which changes only the protected token)."""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import NOW, linux_args, policy_at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    Package,
    SasPolicy,
)
from vmss_components.store.sas import EPOCH
from vmss_components.testing import MockDeployment

#: Examples per property: enough to meet the odd corner, few enough to keep the suite quick.
#: The update-tag property deploys under the mocks (two deployments an example): fewer.
EXAMPLES = 30
PACKAGE_EXAMPLES = 25
TAG_EXAMPLES = 15
_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=_HEALTH)
PACKAGE_PROPERTY = settings(
    max_examples=PACKAGE_EXAMPLES, deadline=None, suppress_health_check=_HEALTH
)
TAG_PROPERTY = settings(max_examples=TAG_EXAMPLES, deadline=None, suppress_health_check=_HEALTH)

# --- Packages ---------------------------------------------------------------------------------

_SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8)
_NAME = st.tuples(_SEGMENT, st.sampled_from(["", ".txt", ".ps1", ".json", ".bin"])).map("".join)
_PATH = st.lists(_SEGMENT, max_size=2).flatmap(
    lambda folders: _NAME.map(lambda name: "/".join([*folders, f"f{name}"]))
)
TREES = st.dictionaries(_PATH, st.binary(max_size=300), min_size=1, max_size=8).filter(
    # A file cannot also be a folder of another path.
    lambda tree: not any(other.startswith(f"{path}/") for path in tree for other in tree)
)


def write(root: Path, files: dict[str, bytes], order: list[str], mtimes: list[int]) -> Path:
    for index, relative in enumerate(order):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[relative])
        os.utime(path, (mtimes[index % len(mtimes)], mtimes[index % len(mtimes)]))
    return root


@PACKAGE_PROPERTY
@given(
    files=TREES,
    data=st.data(),
    mtimes=st.lists(st.integers(min_value=0, max_value=2**31 - 1), min_size=1, max_size=4),
)
def test_packages_are_deterministic(files: dict[str, bytes], data: Any, mtimes: list[int]) -> None:
    """The same tree, written in another order with other mtimes into another folder and
    built into another cache, gives the same bytes; changing one byte changes the digest."""
    order = sorted(files)
    shuffled = data.draw(st.permutations(order))
    other_mtimes = data.draw(st.lists(st.integers(0, 2**31 - 1), min_size=1, max_size=4))
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        os.environ["VMSS_COMPONENTS_CACHE_DIR"] = str(base / "cache-a")
        first = Package.from_directory(write(base / "a" / "site", files, order, mtimes))
        os.environ["VMSS_COMPONENTS_CACHE_DIR"] = str(base / "cache-b")
        second = Package.from_directory(write(base / "b" / "site", files, shuffled, other_mtimes))
        assert first.path != second.path
        assert first.path.read_bytes() == second.path.read_bytes()
        assert (first.sha256, first.md5_base64, first.size) == (
            second.sha256,
            second.md5_base64,
            second.size,
        )
        with zipfile.ZipFile(first.path) as archive:
            assert archive.namelist() == sorted(files)
        victim = data.draw(st.sampled_from(order))
        changed = {**files, victim: files[victim] + b"!"}
        third = Package.from_directory(write(base / "c" / "site", changed, order, mtimes))
        assert third.sha256 != first.sha256


@pytest.fixture(autouse=True)
def restore_cache_env(package_cache: Path) -> Any:
    """The package property points the cache elsewhere per example; put it back."""
    yield
    os.environ["VMSS_COMPONENTS_CACHE_DIR"] = str(package_cache)


# --- SAS expiry -------------------------------------------------------------------------------

INSTANTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2045, 12, 31), timezones=st.just(UTC)
)


@PROPERTY
@given(
    now=INSTANTS,
    rotation=st.integers(min_value=1, max_value=400),
    lifetime=st.integers(min_value=7, max_value=800),
    later=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_sas_expiry_leaves_the_minimum_lifetime_and_holds_within_a_window(
    now: datetime, rotation: int, lifetime: int, later: float
) -> None:
    expiry = policy_at(now, rotation_days=rotation, min_lifetime_days=lifetime).expiry_time()
    assert expiry - now >= timedelta(days=lifetime)
    assert expiry - now <= timedelta(days=rotation + lifetime)
    # Any other instant of the same window signs the same expiry, so the same token.
    window = timedelta(days=rotation)
    start = EPOCH + ((now - EPOCH) // window) * window
    elsewhere = start + (window - timedelta(microseconds=1)) * later
    assert (
        policy_at(elsewhere, rotation_days=rotation, min_lifetime_days=lifetime).expiry_time()
        == expiry
    )
    # The next window signs a later expiry: rotation happens, once per window.
    following = policy_at(start + window, rotation_days=rotation, min_lifetime_days=lifetime)
    assert following.expiry_time() == expiry + window


@PROPERTY
@given(
    now=INSTANTS,
    days=st.integers(min_value=-400, max_value=400),
    lifetime=st.integers(min_value=7, max_value=365),
)
def test_a_fixed_expiry_is_taken_only_with_min_lifetime_to_go(
    now: datetime, days: int, lifetime: int
) -> None:
    from vmss_components import ConfigurationError

    fixed = now + timedelta(days=days, seconds=1)
    if days >= lifetime:
        taken = policy_at(now, expiry=fixed, min_lifetime_days=lifetime)
        assert taken.expiry_time() == fixed.replace(microsecond=0)
    else:
        with pytest.raises(ConfigurationError) as raised:
            SasPolicy(expiry=fixed, clock=lambda: now, min_lifetime_days=lifetime)
        assert raised.value.path == "sas.expiry"


# --- Update tags ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """What a Custom Script scale set consumes, plus the one thing it must not follow: the
    SAS rotation window (``window``)."""

    script: int
    worker: int
    command: int
    rerun: int
    skip_dos2unix: bool
    external: int
    window: int

    def content(self) -> tuple[Any, ...]:
        return (
            self.script,
            self.worker,
            self.command,
            self.rerun,
            self.skip_dos2unix,
            self.external,
        )


SETUPS = st.builds(
    Setup,
    script=st.integers(0, 1),
    worker=st.integers(0, 1),
    command=st.integers(0, 1),
    rerun=st.integers(0, 1),
    skip_dos2unix=st.booleans(),
    external=st.integers(0, 1),
    window=st.integers(0, 1),
)
FIELDS = ("script", "worker", "command", "rerun", "skip_dos2unix", "external", "window")
COMMANDS = ("bash install-worker.sh", "bash install-worker.sh --verbose")
EXTERNAL = ("https://example.com/tools/agent-1.0.tgz", "https://example.com/tools/agent-1.1.tgz")


class Tags:
    """Deploys a setup (once: same setup, same recorded tag) and reads its update tag."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.seen: dict[Setup, tuple[str, str]] = {}

    def file(self, name: str, variant: int) -> Path:
        path = self.root / f"v{variant}" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"#!/bin/sh\n# {name} variant {variant}\necho {variant}\n")
        return path

    def __call__(self, setup: Setup) -> tuple[str, str]:
        if setup not in self.seen:
            clock = NOW + timedelta(days=200 * setup.window)
            with MockDeployment(speedups=True) as deployment:
                component = deployment.run(lambda: self.deploy(setup, clock))
            tag = deployment.resolve(component.update_tag).value
            token = deployment.resolve(next(iter(component.artifacts.values())).sas_token).value
            self.seen[setup] = (tag, token)
        return self.seen[setup]

    def deploy(self, setup: Setup, clock: datetime) -> CustomScriptScaleSet:
        store = ArtifactStore(
            "store", ArtifactStoreArgs(resource_group_name="rg", sas=policy_at(clock))
        )
        return CustomScriptScaleSet(
            "workers",
            CustomScriptScaleSetArgs(
                os="linux",
                scale_set=linux_args(),
                store=store,
                files=[
                    self.file("install-worker.sh", setup.script),
                    self.file("worker.py", setup.worker),
                ],
                file_uris=[EXTERNAL[setup.external]],
                command=COMMANDS[setup.command],
                rerun=setup.rerun,
                skip_dos2unix=setup.skip_dos2unix,
            ),
        )


def test_update_tags_change_if_and_only_if_consumed_content_changes(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    tags = Tags(tmp_path_factory.mktemp("tag-files"))

    @TAG_PROPERTY
    @given(first=SETUPS, changes=st.sets(st.sampled_from(FIELDS), max_size=2))
    def tags_follow_content(first: Setup, changes: set[str]) -> None:
        second = replace(first, **{f: _other(getattr(first, f)) for f in changes})
        tag_1, token_1 = tags(first)
        tag_2, token_2 = tags(second)
        assert (tag_1 == tag_2) == (first.content() == second.content())
        # A new rotation window signs new tokens (protected settings) without touching the
        # tag; the token of the first file follows that window and that file's content alone.
        same_blob = first.script == second.script
        assert (token_1 == token_2) == (first.window == second.window and same_blob)

    tags_follow_content()
    # The property ran: it deployed distinct setups, whose tags and tokens took more than one
    # value each (a property that compared one setup with itself would prove nothing).
    assert len(tags.seen) >= 5
    assert len({tag for tag, _ in tags.seen.values()}) > 1
    assert len({token for _, token in tags.seen.values()}) > 1


def _other(value: Any) -> Any:
    return not value if isinstance(value, bool) else 1 - value
