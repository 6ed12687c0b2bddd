"""What a mock run registered, as the engine received it, and the values it holds.

:class:`RecordingMonitor` is Pulumi's mock monitor keeping each registration as a
:class:`RecordedResource` (type, name, parent, inputs, outputs and options) and each invoke
as a :class:`RecordedCall`. Values come off the wire as plain data: a secret as
:class:`Secret`, a value unknown during a preview as :data:`UNKNOWN`, an asset as a small
dict; :func:`reveal` and :func:`secret_paths` read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks

from ._runtime import MockMonitor, _ensure_event_loop, _sync_await, require, resource_pb2, rpc


@dataclass(frozen=True)
class Secret:
    """A value the program sent as a Pulumi secret."""

    value: Any


class _Unknown:
    """A value not known during a preview (``pulumi preview`` shows it as ``output<string>``)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


def reveal(value: Any) -> Any:
    """``value`` with every :class:`Secret` replaced by what it holds."""
    if isinstance(value, Secret):
        return reveal(value.value)
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def secret_paths(value: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every :class:`Secret` inside ``value`` (``virtualMachineProfile``)."""
    if isinstance(value, Secret):
        return [prefix or "."]
    found: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            found += secret_paths(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += secret_paths(v, f"{prefix}[{i}]")
    return found


@dataclass
class RecordedResource:
    """One resource registration as the engine received it."""

    type: str
    name: str
    urn: str
    parent: str | None
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    dependencies: list[str] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)
    retain_on_delete: bool = False
    protect: bool = False
    delete_before_replace: bool = False
    replace_on_changes: list[str] = field(default_factory=list)
    additional_secret_outputs: list[str] = field(default_factory=list)
    custom_timeouts: dict[str, str] = field(default_factory=dict)
    provider: str = ""
    """The provider reference (``<provider urn>::<id>``); empty for the default provider."""

    def get(self, dotted: str) -> Any:
        """The input at a dotted path (``sku.name``, ``extensions[0].name``), secrets revealed."""
        return _get_path(reveal(self.inputs), dotted)

    def is_secret(self, key: str) -> bool:
        """Whether the top-level input ``key`` was sent as a secret."""
        return isinstance(self.inputs.get(key), Secret)


@dataclass(frozen=True)
class RecordedCall:
    """One invoke (data-source call): its token and arguments."""

    token: str
    args: dict[str, Any]
    provider: str = ""
    """The provider reference (``<provider urn>::<id>``); empty for the default provider."""


class RecordingMonitor(MockMonitor):
    """The mock monitor, keeping every registration and invoke for later inspection."""

    def __init__(self, mocks: pulumi_mocks.Mocks) -> None:
        super().__init__(mocks)
        require("pulumi.runtime.mocks.MockMonitor()", self, ("mocks", "resources"))
        self.recorded: dict[str, RecordedResource] = {}
        self.calls: list[RecordedCall] = []

    def RegisterResource(self, request: Any) -> Any:
        if request.type == "pulumi:pulumi:Stack":
            return super().RegisterResource(request)  # type: ignore[no-untyped-call]
        # As MockMonitor does, plus what the real engine does and the mock does not: outputs
        # named in additionalSecretOutputs (a generated password) come back secret.
        _ensure_event_loop()  # type: ignore[no-untyped-call]
        urn = self.make_urn(request.parent, request.type, request.name)
        mock_args = pulumi_mocks.MockResourceArgs(
            typ=request.type,
            name=request.name,
            inputs=rpc.deserialize_properties(request.object),
            provider=request.provider,
            resource_id=request.importId,
            custom=request.custom or False,
        )
        resource_id, state = self.mocks.new_resource(mock_args)
        for key in request.additionalSecretOutputs:
            if key in state and not rpc.is_rpc_secret(state[key]):
                state[key] = rpc.wrap_rpc_secret(state[key])
        state_proto = _sync_await(rpc.serialize_properties(state, {}))
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id or "", state)
        response = resource_pb2.RegisterResourceResponse(
            urn=urn, id=resource_id or "", object=state_proto
        )
        inputs = _from_wire(rpc.deserialize_properties(request.object, keep_unknowns=True))
        timeouts = request.customTimeouts
        self.recorded[urn] = RecordedResource(
            type=request.type,
            name=request.name,
            urn=urn,
            parent=request.parent or None,
            custom=bool(request.custom),
            inputs=inputs,
            outputs=_from_wire(state),
            id=resource_id or None,
            dependencies=list(request.dependencies),
            ignore_changes=list(request.ignoreChanges),
            retain_on_delete=bool(request.retainOnDelete),
            protect=bool(request.protect),
            delete_before_replace=bool(request.deleteBeforeReplace),
            replace_on_changes=list(request.replaceOnChanges),
            additional_secret_outputs=list(request.additionalSecretOutputs),
            custom_timeouts={
                k: v
                for k, v in (
                    ("create", timeouts.create),
                    ("update", timeouts.update),
                    ("delete", timeouts.delete),
                )
                if v
            },
            provider=request.provider or "",
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        # A component's outputs may hold resources (its children): recorded by URN, as the
        # engine stores a resource reference, never rebuilt as a resource object here.
        plain = _resource_refs_as_urns(request.outputs)
        outputs = _from_wire(rpc.deserialize_properties(plain, keep_unknowns=True))
        if request.urn in self.recorded:
            self.recorded[request.urn].outputs = outputs
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]

    def Invoke(self, request: Any) -> Any:
        arguments = _from_wire(rpc.deserialize_properties(request.args, keep_unknowns=True))
        self.calls.append(
            RecordedCall(token=request.tok, args=arguments, provider=request.provider or "")
        )
        return super().Invoke(request)  # type: ignore[no-untyped-call]


def _resource_refs_as_urns(struct: Any) -> Any:
    """A copy of the protobuf ``struct`` with every resource reference replaced by its URN."""
    copy = type(struct)()
    copy.CopyFrom(struct)
    _urns_in_struct(copy)
    return copy


def _urns_in_struct(struct: Any) -> None:
    for key in list(struct.fields):
        _urns_in_value(struct.fields[key])


def _urns_in_value(value: Any) -> None:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        fields = value.struct_value.fields
        signature = fields.get(rpc._special_sig_key)
        if signature is not None and signature.string_value == rpc._special_resource_sig:
            value.string_value = fields["urn"].string_value
        else:
            _urns_in_struct(value.struct_value)
    elif kind == "list_value":
        for item in value.list_value.values:
            _urns_in_value(item)


def _from_wire(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return Secret(_from_wire(rpc.unwrap_rpc_secret(value)))
    if isinstance(value, pulumi.output.Unknown) or (
        isinstance(value, str) and value == rpc.UNKNOWN
    ):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _from_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_wire(v) for v in value]
    if isinstance(value, pulumi.FileAsset):
        return {"asset": "file", "path": str(value.path)}
    if isinstance(value, pulumi.StringAsset):
        return {"asset": "string", "text": str(value.text)}
    return value


def _get_path(value: Any, dotted: str) -> Any:
    current = value
    for part in _split_path(dotted):
        current = current[part]
    return current


def _split_path(dotted: str) -> Iterator[str | int]:
    for piece in dotted.split("."):
        name, _, rest = piece.partition("[")
        if name:
            yield name
        while rest:
            index, _, rest = rest.partition("]")
            yield int(index)
            rest = rest.lstrip("[")
