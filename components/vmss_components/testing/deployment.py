"""A ``with`` block in which Pulumi runs a program against the Azure mocks, recorded.

A :class:`MockDeployment` installs :class:`~.mocks.AzureMocks` and a
:class:`~.recording.RecordingMonitor` for the duration of the block, runs a program to
completion (every resource registered, every ``apply`` done), reads Outputs back as
:class:`Resolved` values, and restores Pulumi's global settings, root stack and config when
the block ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi
from pulumi.runtime.config import set_all_config

from . import _failures, _speedups
from ._runtime import (
    CONTEXT_SETTINGS,
    _ensure_event_loop,
    _sync_await,
    check_settings,
    pulumi_config,
    run_pulumi_func,
    settings,
)
from .mocks import AzureMocks
from .recording import UNKNOWN, RecordedCall, RecordedResource, RecordingMonitor

T = TypeVar("T")


@dataclass(frozen=True)
class Resolved:
    """What an Output held when the program finished."""

    value: Any
    secret: bool
    known: bool


class _WarningLog(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.INFO)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.sink.append(record.getMessage())


class MockDeployment:
    """A ``with`` block in which Pulumi runs against :class:`AzureMocks` and is recorded.

    >>> with MockDeployment(preview=False) as deployment:
    ...     store = deployment.run(lambda: ArtifactStore("a", args))
    ...     deployment.resources_of_type("azure-native:storage:StorageAccount")

    Pulumi's global settings, root stack and config are restored when the block ends, so one
    deployment never leaks into the next.

    ``speedups=True`` makes :meth:`run` faster for many runs in one process (a test suite, a
    plan): it pauses Python's garbage collector during the run and freezes what was imported
    out of its sight, and replaces a private Pulumi function by a faster one that returns the
    same. Each is taken only on a Pulumi version it was checked against and only when what it
    replaces has the expected shape; otherwise the run takes the public path, recording the
    same. :attr:`speedups_active` tells which path a deployment takes.
    """

    def __init__(
        self,
        *,
        preview: bool = False,
        project: str = "vmss",
        stack: str = "test",
        config: Mapping[str, str] | None = None,
        secret_config_keys: tuple[str, ...] = (),
        mocks: AzureMocks | None = None,
        speedups: bool = False,
    ) -> None:
        self.preview = preview
        self.project = project
        self.stack = stack
        self.mocks = mocks if mocks is not None else AzureMocks(preview=preview)
        self.monitor = RecordingMonitor(self.mocks)
        self.warnings: list[str] = []
        self._config = dict(config or {})
        self._secret_keys = list(secret_config_keys)
        self._saved: tuple[Any, ...] | None = None
        self._speedups = _speedups.available(speedups)

    @property
    def speedups_active(self) -> bool:
        """Whether :meth:`run` takes every speed-up (asked for, and checked on this Pulumi)."""
        return self._speedups == _speedups.ALL

    @property
    def active_speedups(self) -> tuple[str, ...]:
        """The speed-ups :meth:`run` takes, by name (``"gc"``, ``"stack_trace"``)."""
        return self._speedups

    def __enter__(self) -> MockDeployment:
        check_settings()
        self._saved = (
            {k: getattr(settings.SETTINGS, k) for k in CONTEXT_SETTINGS},
            settings.ROOT.get(),
            dict(pulumi_config.CONFIG.get()),
            set(pulumi_config._SECRET_KEYS.get()),
        )
        logger = logging.getLogger(f"vmss_components.testing.{id(self)}")
        logger.propagate = False
        logger.handlers = [_WarningLog(self.warnings)]
        settings.ROOT.set(None)
        set_all_config(self._config, self._secret_keys)
        pulumi.runtime.set_mocks(
            self.mocks,
            project=self.project,
            stack=self.stack,
            preview=self.preview,
            logger=logger,
            monitor=self.monitor,
        )
        return self

    def __exit__(self, *_: object) -> None:
        assert self._saved is not None
        context_values, root, config_values, secret_keys = self._saved
        for key, value in context_values.items():
            setattr(settings.SETTINGS, key, value)
        settings.ROOT.set(root)
        pulumi_config.CONFIG.set(config_values)
        pulumi_config._SECRET_KEYS.set(set(secret_keys))

    # -- running ------------------------------------------------------------------------------

    def run(self, program: Callable[[], T]) -> T:
        """Run ``program`` and wait until every registration, invoke and apply has finished.

        An exception raised by the program or by any ``apply`` is raised here, once: the
        event loop does not log it again for each future that also held it. The speed-ups in
        :attr:`active_speedups` apply while it runs and are undone afterwards.
        """
        settings.SETTINGS.rpc_manager.clear()
        settings.SETTINGS.outputs.clear()
        result: list[T] = []

        def body() -> None:
            result.append(program())

        loop = _ensure_event_loop()  # type: ignore[no-untyped-call]
        with _failures.held(loop), _speedups.applied(self._speedups):
            try:
                _sync_await(run_pulumi_func(body))
            except BaseException as error:
                _failures.remember(error)
                raise
        return result[0]

    def resolve(self, output: Any) -> Resolved:
        """The value, secretness and knownness of an Output (or plain value) after a run."""
        value = pulumi.Output.from_input(output)

        async def read() -> Resolved:
            known = await value.is_known()
            return Resolved(
                value=await value.future(with_unknowns=True) if known else UNKNOWN,
                secret=await value.is_secret(),
                known=known,
            )

        return _sync_await(read())

    # -- inspecting ---------------------------------------------------------------------------

    @property
    def resources(self) -> list[RecordedResource]:
        """Every registered resource, components included, in registration order."""
        return list(self.monitor.recorded.values())

    @property
    def calls(self) -> list[RecordedCall]:
        """Every invoke, in order."""
        return list(self.monitor.calls)

    def resources_of_type(self, type_token: str) -> list[RecordedResource]:
        """Registered resources of one type token (``azure-native:storage:Blob``)."""
        return [r for r in self.resources if r.type == type_token]

    def resource(self, type_token: str, name: str | None = None) -> RecordedResource:
        """The one resource of a type (and logical name): an error if there are none or many."""
        matches = [r for r in self.resources_of_type(type_token) if name is None or r.name == name]
        if len(matches) != 1:
            names = [r.name for r in self.resources_of_type(type_token)]
            raise LookupError(f"expected one {type_token} named {name!r}, found {names}")
        return matches[0]

    def children_of(self, urn: str) -> list[RecordedResource]:
        """Resources whose parent is ``urn``."""
        return [r for r in self.resources if r.parent == urn]

    def calls_to(self, token: str) -> list[RecordedCall]:
        """Invokes of one token."""
        return [c for c in self.calls if c.token == token]
