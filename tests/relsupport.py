"""What the reliability suites share: a kit of valid fixtures that bad-input cases build on,
the committed stacks' configuration as data, and walkers over recorded values."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from support import DSC_SAMPLE, MC_SAMPLE, NOW, SSH_KEY, policy_at, scale_set_args

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    DscPackage,
    DscScaleSet,
    DscScaleSetArgs,
    GuestAssignment,
    GuestAssignmentArgs,
    MachineConfigurationPackage,
    Package,
    ScaleSetArgs,
)
from vmss_components.testing import MockDeployment, Secret
from vmss_plan import load_project
from vmss_plan.project import load_stack_config
from vmss_plan.runner import ProgramLocation, _run_program

#: A secret the cases hand to the library; no message may ever repeat it.
CANARY = "Canary-S3cret-Pa55!"
#: A SAS signature the cases hand to the library; no message may ever repeat it.
CANARY_SIGNATURE = "Q2FuYXJ5U2lnbmF0dXJlVmFsdWU"
CANARY_SAS = f"?sv=2022-11-02&sr=b&sp=r&sig={CANARY_SIGNATURE}%3D"
CANARY_ACCOUNT_KEY = "AccountKey=Q2FuYXJ5QWNjb3VudEtleQ=="
#: Everything of the above that must never reach an error message.
CANARIES = (CANARY, CANARY_SIGNATURE, "Q2FuYXJ5QWNjb3VudEtleQ")

REPO = Path(__file__).resolve().parent.parent
SCRIPT_SAMPLE = REPO / "stacks" / "artifacts" / "custom-script" / "install-worker.sh"
SHELL_USER_DATA = "#!/bin/sh\necho ready\n"


@dataclass(frozen=True)
class Packages:
    """Packages built once per module (their zips live in a cache of the module's own)."""

    dsc: DscPackage
    mc: MachineConfigurationPackage
    mc_audit: MachineConfigurationPackage
    script: Package


def build_packages(cache: Path) -> Packages:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VMSS_COMPONENTS_CACHE_DIR", str(cache))
        mof = MC_SAMPLE / "LinuxMotd" / "localhost.mof"
        modules = MC_SAMPLE / "Modules"
        return Packages(
            dsc=DscPackage.from_directory(DSC_SAMPLE, script="WebServer.ps1", function="WebServer"),
            mc=MachineConfigurationPackage.build(
                "LinuxMotd", mof=mof, modules=modules, mode="AuditAndSet"
            ),
            mc_audit=MachineConfigurationPackage.build(
                "LinuxMotd", mof=mof, modules=modules, mode="Audit"
            ),
            script=Package.from_file(SCRIPT_SAMPLE),
        )


@dataclass
class Kit:
    """Valid fixtures (created on first use inside the running program) and builders of the
    four components with valid defaults, which a case overrides one argument at a time.

    The component under test is always named ``bad``; fixtures are named ``kit-*``.
    """

    tmp: Path
    packages: Packages
    used: set[str] = field(default_factory=set)
    _made: dict[str, Any] = field(default_factory=dict)

    def _once(self, key: str, make: Callable[[], Any]) -> Any:
        self.used.add(key)
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    # -- fixtures -------------------------------------------------------------------------

    def store(self) -> ArtifactStore:
        return self._once(  # type: ignore[no-any-return]
            "store",
            lambda: ArtifactStore(
                "kit-store", ArtifactStoreArgs(resource_group_name="rg-kit", sas=policy_at(NOW))
            ),
        )

    def target(self) -> CloudInitScaleSet:
        """A Linux scale set ready for Machine Configuration."""
        return self._once(  # type: ignore[no-any-return]
            "target",
            lambda: CloudInitScaleSet(
                "kit-target",
                CloudInitScaleSetArgs(
                    scale_set=self.linux(machine_configuration=True), cloud_config=SHELL_USER_DATA
                ),
            ),
        )

    def plain_target(self) -> CloudInitScaleSet:
        """A Linux scale set without the Machine Configuration prerequisites."""
        return self._once(  # type: ignore[no-any-return]
            "plain_target",
            lambda: CloudInitScaleSet(
                "kit-plain",
                CloudInitScaleSetArgs(scale_set=self.linux(), cloud_config=SHELL_USER_DATA),
            ),
        )

    def web(self) -> DscScaleSet:
        """A DSC scale set named ``kit-web`` on the kit's store."""
        return self._once(  # type: ignore[no-any-return]
            "web",
            lambda: DscScaleSet(
                "kit-web",
                DscScaleSetArgs(
                    scale_set=self.windows(), store=self.store(), package=self.packages.dsc
                ),
            ),
        )

    def baseline(self) -> GuestAssignment:
        """The sample configuration, already assigned to the kit's target."""
        return self._once(  # type: ignore[no-any-return]
            "baseline",
            lambda: GuestAssignment(
                "kit-baseline",
                GuestAssignmentArgs(
                    package=self.packages.mc, store=self.store(), target=self.target()
                ),
            ),
        )

    def make(self, fixtures: frozenset[str]) -> None:
        """Create exactly these fixtures (a baseline of what a case may leave registered)."""
        for name in sorted(fixtures):
            getattr(self, name)()

    # -- arguments ------------------------------------------------------------------------

    @staticmethod
    def windows(**overrides: Any) -> ScaleSetArgs:
        return scale_set_args(**overrides)

    @staticmethod
    def linux(**overrides: Any) -> ScaleSetArgs:
        values: dict[str, Any] = {"ssh_public_keys": [SSH_KEY]}
        values.update(overrides)
        return scale_set_args(**values)

    # -- components under test ------------------------------------------------------------

    def dsc(self, name: str = "bad", **overrides: Any) -> DscScaleSet:
        values: dict[str, Any] = {"package": self.packages.dsc}
        values.update(overrides)
        if "scale_set" not in values:
            values["scale_set"] = self.windows()
        if "store" not in values:
            values["store"] = self.store()
        return DscScaleSet(name, DscScaleSetArgs(**values))

    def cse(self, name: str = "bad", **overrides: Any) -> CustomScriptScaleSet:
        values: dict[str, Any] = {"os": "linux", "command": "sh install-worker.sh"}
        values.update(overrides)
        if "scale_set" not in values:
            values["scale_set"] = self.linux() if values["os"] == "linux" else self.windows()
        if "store" not in values and values.get("files"):
            values["store"] = self.store()
        return CustomScriptScaleSet(name, CustomScriptScaleSetArgs(**values))

    def cloud_init(self, name: str = "bad", **overrides: Any) -> CloudInitScaleSet:
        values: dict[str, Any] = {"cloud_config": SHELL_USER_DATA}
        values.update(overrides)
        if "scale_set" not in values:
            values["scale_set"] = self.linux()
        return CloudInitScaleSet(name, CloudInitScaleSetArgs(**values))

    def guest(self, name: str = "bad", **overrides: Any) -> GuestAssignment:
        values: dict[str, Any] = {"package": self.packages.mc}
        values.update(overrides)
        if "store" not in values:
            values["store"] = self.store()
        if "target" not in values:
            values["target"] = self.target()
        return GuestAssignment(name, GuestAssignmentArgs(**values))


# --- The committed stacks, as configuration data --------------------------------------------

STACKS = ("dev", "staging", "prod")
NAMESPACE = "vmss-components"


def stack_config(stack: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """A committed stack's configuration as the program receives it, and its secret keys."""
    config = load_stack_config(load_project(REPO), stack)
    return dict(config.values), config.secret_keys


def edited_config(values: Mapping[str, str], edits: Mapping[str, Any]) -> dict[str, str]:
    """``values`` with dotted edits applied (``web.capacity``: 5); ``DELETE`` removes a key."""
    result = dict(values)
    for dotted, value in edits.items():
        top, *rest = dotted.split(".")
        key = f"{NAMESPACE}:{top}"
        if not rest:
            if value is DELETE:
                result.pop(key, None)
            else:
                result[key] = value if isinstance(value, str) else json.dumps(value)
            continue
        document = json.loads(result[key])
        holder = document
        for part in rest[:-1]:
            holder = holder[part]
        if value is DELETE:
            holder.pop(rest[-1], None)
        else:
            holder[rest[-1]] = value
        result[key] = json.dumps(document)
    return result


DELETE = object()


def run_stack_program(deployment: MockDeployment, main: Path = REPO / "stacks") -> None:
    """Run the stacks' Pulumi program (``stacks/__main__.py``) in ``deployment``."""
    deployment.run(lambda: _run_program(ProgramLocation(pwd=main, entry=".")))


def stack_deployment(
    stack: str, values: Mapping[str, str], secret_keys: tuple[str, ...], *, preview: bool = False
) -> MockDeployment:
    return MockDeployment(
        preview=preview,
        project="vmss-components",
        stack=stack,
        config=values,
        secret_config_keys=secret_keys,
        speedups=True,
    )


# --- Walking recorded values ----------------------------------------------------------------


def walk(value: Any, path: str = "", secret: bool = False) -> Iterator[tuple[str, Any, bool]]:
    """Every leaf of a recorded value: its dotted path, the value, and whether it sits inside
    a :class:`Secret`."""
    if isinstance(value, Secret):
        yield from walk(value.value, path, True)
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, f"{path}.{key}" if path else str(key), secret)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk(child, f"{path}[{index}]", secret)
    else:
        yield path, value, secret
