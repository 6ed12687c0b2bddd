"""Opt-in speed-ups of a mock run, each taken only where it was checked to change nothing.

Two speed-ups, both off unless a deployment asks for them (``MockDeployment(speedups=True)``):

- ``"gc"``: Python's cyclic garbage collector is paused while the program runs (a program
  allocates many short-lived futures and tasks, and each collection walked everything
  recorded so far), and what was imported is frozen out of its sight (:func:`gc.freeze`,
  once per batch of new modules). It changes the whole process's collector, which is why a
  user must ask for it.
- ``"stack_trace"``: Pulumi's private ``pulumi.runtime.resource._get_stack_trace``, called
  for every registration, is replaced by :func:`_stack_trace`, which returns the same message
  without reading every frame's source line.

Each is taken only when the installed Pulumi's major.minor version is in
:data:`VERIFIED_PULUMI`, and the stack-trace one only when the function it replaces exists
with the shape it had there (a module-level function of no parameters, and the
``source_pb2`` messages and fields it builds). Otherwise the run silently takes the public
path: collector untouched, Pulumi's own function.
"""

from __future__ import annotations

import gc
import inspect
import os
import re
import sys
from collections.abc import Callable, Collection, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType

from pulumi.runtime import resource as pulumi_resource

from ._runtime import PULUMI_VERSION

try:
    from pulumi.runtime.proto import source_pb2
except ImportError:  # a Pulumi without source positions: the stack-trace speed-up is not taken
    _HAS_SOURCE_PROTO = False
else:
    _HAS_SOURCE_PROTO = True

#: Pulumi versions (major.minor) the speed-ups were checked against. On each:
#: tests/components/test_testing_speed.py finds :func:`_stack_trace` equal to Pulumi's
#: ``_get_stack_trace`` (deep and shallow stacks), and a small program and the dev stack
#: record the same resources, invokes and stack outputs with and without the speed-ups; the
#: full suite passes with them; and ``vmss-plan --json`` gives byte-identical dev, staging
#: and prod plans with and without them. Add a version only after running those checks on it.
VERIFIED_PULUMI: tuple[str, ...] = ("3.272",)

#: The speed-ups, by name, in the order they are applied.
GC = "gc"
STACK_TRACE = "stack_trace"
ALL: tuple[str, ...] = (GC, STACK_TRACE)


def pulumi_verified() -> bool:
    """Whether the installed Pulumi's major.minor version is one in :data:`VERIFIED_PULUMI`."""
    match = re.match(r"(\d+)\.(\d+)", PULUMI_VERSION, re.ASCII)
    return match is not None and f"{match[1]}.{match[2]}" in VERIFIED_PULUMI


def available(requested: bool) -> tuple[str, ...]:
    """The speed-ups a run may take: none unless ``requested`` and Pulumi is verified."""
    if not requested or not pulumi_verified():
        return ()
    return tuple(name for name in ALL if _SHAPE_CHECKS[name]())


@contextmanager
def applied(names: Collection[str]) -> Iterator[None]:
    """Take the speed-ups ``names`` (from :func:`available`) for the block; undo them after."""
    with ExitStack() as stack:
        if GC in names:
            stack.enter_context(_collector_paused())
        if STACK_TRACE in names:
            stack.enter_context(_stack_trace_replaced())
        yield


# -- the garbage collector --------------------------------------------------------------------

_FROZEN_AT: list[int] = [0]


@contextmanager
def _collector_paused() -> Iterator[None]:
    collecting = gc.isenabled()
    _freeze_long_lived()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _freeze_long_lived() -> None:
    """Keep what was imported (Pulumi and azure-native are hundreds of thousands of objects)
    out of the collector's sight, so a full collection costs what the runs allocate.

    Whenever modules were imported since the last time, garbage is collected once and what
    remains is frozen (:func:`gc.freeze`): a few times per process. Frozen objects are still
    freed when nothing refers to them; only the cycles among them wait for ``gc.unfreeze``.
    ``VMSS_COMPONENTS_GC_FREEZE=0`` turns this off.
    """
    if os.environ.get("VMSS_COMPONENTS_GC_FREEZE", "1") == "0":
        return
    modules = len(sys.modules)
    if modules != _FROZEN_AT[0]:
        _FROZEN_AT[0] = modules
        gc.collect()
        gc.freeze()


# -- Pulumi's per-registration stack trace ----------------------------------------------------

_URIS: dict[str, str | None] = {}

#: The protobuf messages :func:`_stack_trace` builds, and the fields it sets on each.
_PROTO_FIELDS = {
    "StackTrace": ("frames",),
    "StackFrame": ("pc",),
    "SourcePosition": ("uri", "line"),
}


def _stack_trace_replaceable() -> bool:
    """Whether Pulumi's ``_get_stack_trace`` and the messages it returns have the shape
    :func:`_stack_trace` was checked against."""
    if not _HAS_SOURCE_PROTO:
        return False
    original = getattr(pulumi_resource, "_get_stack_trace", None)
    if not inspect.isfunction(original):
        return False
    if inspect.signature(original).parameters:
        return False
    for message, fields in _PROTO_FIELDS.items():
        descriptor = getattr(getattr(source_pb2, message, None), "DESCRIPTOR", None)
        known = getattr(descriptor, "fields_by_name", {})
        if not all(name in known for name in fields):
            return False
    return True


_SHAPE_CHECKS: dict[str, Callable[[], bool]] = {
    GC: lambda: True,  # touches no Pulumi name
    STACK_TRACE: _stack_trace_replaceable,
}


@contextmanager
def _stack_trace_replaced() -> Iterator[None]:
    original = pulumi_resource._get_stack_trace
    pulumi_resource._get_stack_trace = _stack_trace
    try:
        yield
    finally:
        pulumi_resource._get_stack_trace = original


def _stack_trace() -> source_pb2.StackTrace:
    """What ``pulumi.runtime.resource._get_stack_trace`` returns, without reading sources.

    Pulumi's own walks ``traceback.extract_stack()``, which loads the source line of every
    frame of every registration; only file names and line numbers reach the message. The
    frames kept are the same: those outside the third ``__init__`` from the top (the
    concrete resource's constructor), innermost first.
    """
    frames: list[FrameType] = []
    frame: FrameType | None = sys._getframe(1)
    inits = 0
    while frame is not None:
        if inits == 3:
            frames.append(frame)
        elif frame.f_code.co_name == "__init__":
            inits += 1
        frame = frame.f_back
    if inits < 3 or not frames:
        return source_pb2.StackTrace()
    return source_pb2.StackTrace(frames=[_stack_frame(f) for f in frames])


def _stack_frame(frame: FrameType) -> source_pb2.StackFrame:
    filename = frame.f_code.co_filename
    lineno = frame.f_lineno
    if filename == "" or lineno is None:
        return source_pb2.StackFrame(pc=None)
    if filename not in _URIS:
        try:
            _URIS[filename] = Path(filename).as_uri()
        except BaseException:  # as Pulumi's: a path that is no URI gives no position
            _URIS[filename] = None
    uri = _URIS[filename]
    if uri is None:
        return source_pb2.StackFrame(pc=None)
    return source_pb2.StackFrame(pc=source_pb2.SourcePosition(uri=uri, line=lineno))
