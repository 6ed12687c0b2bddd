"""Pulumi's mock engine with Azure-shaped answers, and a recorder of what a program registers.

Used by this library's tests and offline plan, and by users' own unit tests of stacks built
from these components. A :class:`MockDeployment` installs the mocks for the duration of a
``with`` block, runs a program to completion (every resource registered, every ``apply``
done), and keeps each registered resource with its type, name, parent, inputs (secrets
marked as :class:`Secret`, unknowns as :data:`UNKNOWN`), outputs and options, and each
invoke with its arguments.

Values only Azure would know (resource ids, principal ids, IP addresses, SAS signatures) are
invented deterministically from the request, so the same program gives the same record, and
are remembered in :attr:`AzureMocks.invented` so a report can label them as placeholders.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import hmac
import logging
import os
import sys
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import pulumi
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as pulumi_resource
from pulumi.runtime import rpc, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.proto import resource_pb2, source_pb2
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

T = TypeVar("T")

#: The subscription the mocks pretend to be in: all zeros, so nobody mistakes it for a real one.
MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
MOCK_TENANT_ID = "00000000-0000-0000-0000-00000000feed"
MOCK_CLIENT_ID = "00000000-0000-0000-0000-0000000c11e7"
MOCK_LOCATION = "westeurope"
# Key of the mock's stand-in for a storage account key: a SAS is an HMAC of its parameters.
_MOCK_ACCOUNT_KEY = b"mock-storage-account-key"
_NAMESPACE = uuid.UUID("8a3b8d8e-0c8f-4b59-9d43-6f0d8f4c2b11")


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


@dataclass(frozen=True)
class Resolved:
    """What an Output held when the program finished."""

    value: Any
    secret: bool
    known: bool


class AzureMocks(pulumi_mocks.Mocks):
    """Answers like Azure's: names, ARM ids, blob URLs, identities, SAS tokens.

    In preview mode a new resource's outputs are its inputs only (everything Azure would
    compute stays unknown), as ``pulumi preview`` shows a resource it has yet to create.
    """

    def __init__(self, *, preview: bool = False) -> None:
        self.preview = preview
        #: Every value the mocks made up, for reports that must label placeholders.
        self.invented: set[str] = set()
        #: The invented values that are secrets (SAS tokens, generated passwords and keys).
        self.invented_secrets: set[str] = set()
        self._handlers: dict[str, Callable[[pulumi_mocks.MockResourceArgs, str], dict[str, Any]]]
        self._handlers = {
            "azure-native:storage:StorageAccount": self._storage_account,
            "azure-native:storage:Blob": self._blob,
            "azure-native:compute:VirtualMachineScaleSet": self._scale_set,
            "azure-native:managedidentity:UserAssignedIdentity": self._identity,
            "azure-native:network:PublicIPAddress": self._public_ip,
            "azure-native:network:LoadBalancer": self._load_balancer,
            "random:index/randomString:RandomString": self._random_text,
            "random:index/randomPassword:RandomPassword": self._random_text,
            "random:index/randomBytes:RandomBytes": self._random_bytes,
        }

    # -- resources --------------------------------------------------------------------------

    def new_resource(
        self, args: pulumi_mocks.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        outputs = dict(args.inputs)
        if self.preview and args.typ == "azure-native:compute:VirtualMachineScaleSet":
            outputs = _preview_scale_set(outputs)
        if self.preview or not args.custom:
            return (None, outputs)
        resource_id = self._resource_id(args)
        outputs.setdefault("name", self._azure_name(args))
        handler = self._handlers.get(args.typ)
        if handler is not None:
            outputs.update(handler(args, resource_id))
        outputs["id"] = resource_id
        return (resource_id, outputs)

    def _invent(self, value: str) -> str:
        self.invented.add(value)
        return value

    def _uuid(self, *parts: str) -> str:
        return self._invent(str(uuid.uuid5(_NAMESPACE, "|".join(parts))))

    def _azure_name(self, args: pulumi_mocks.MockResourceArgs) -> str:
        spec = _ARM_TYPES.get(args.typ)
        if (
            spec is not None
            and spec.name_input
            and isinstance(args.inputs.get(spec.name_input), str)
        ):
            return str(args.inputs[spec.name_input])
        return args.name

    def _resource_id(self, args: pulumi_mocks.MockResourceArgs) -> str:
        inputs = args.inputs
        name = self._azure_name(args)
        spec = _ARM_TYPES.get(args.typ)
        group = inputs.get("resourceGroupName", "rg")
        base = f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/{group}"
        if spec is None:
            module, _, kind = args.typ.partition(":")[2].partition(":")
            return self._invent(f"{base}/providers/Mock.{module}/{kind}/{name}")
        if spec.path == "resourceGroup":
            return self._invent(f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/{name}")
        if spec.path == "scoped":
            scope = inputs.get("scope", f"/subscriptions/{MOCK_SUBSCRIPTION_ID}")
            return self._invent(f"{scope}/providers/{spec.provider}/{name}")
        # The Azure name wins over an input that is itself called `name` (guest assignments).
        fields = {k: v for k, v in inputs.items() if isinstance(v, str)}
        path = spec.path.format(**{**fields, "name": name})
        return self._invent(f"{base}/providers/{spec.provider}/{path}")

    def _storage_account(self, args: pulumi_mocks.MockResourceArgs, _: str) -> dict[str, Any]:
        account = self._azure_name(args)
        return {
            "primaryEndpoints": {
                "blob": f"https://{account}.blob.core.windows.net/",
                "web": f"https://{account}.z6.web.core.windows.net/",
            },
            "provisioningState": "Succeeded",
        }

    def _blob(self, args: pulumi_mocks.MockResourceArgs, _: str) -> dict[str, Any]:
        inputs = args.inputs
        blob_name = inputs.get("blobName", args.name)
        url = f"https://{inputs.get('accountName')}.blob.core.windows.net/{inputs.get('containerName')}/{blob_name}"
        return {"name": blob_name, "url": url}

    def _scale_set(self, args: pulumi_mocks.MockResourceArgs, resource_id: str) -> dict[str, Any]:
        outputs: dict[str, Any] = {"uniqueId": self._uuid(resource_id, "uniqueId")}
        identity = args.inputs.get("identity")
        if isinstance(identity, dict):
            converted = dict(identity)
            # The input is a list of identity ids; Azure answers with a map keyed by id.
            assigned = identity.get("userAssignedIdentities")
            if isinstance(assigned, list):
                converted["userAssignedIdentities"] = {
                    item: {
                        "principalId": self._uuid(item, "principal"),
                        "clientId": self._uuid(item, "client"),
                    }
                    for item in assigned
                }
            if "SystemAssigned" in str(identity.get("type", "")):
                converted["principalId"] = self._uuid(resource_id, "principal")
                converted["tenantId"] = MOCK_TENANT_ID
            outputs["identity"] = converted
        return outputs

    def _identity(self, args: pulumi_mocks.MockResourceArgs, resource_id: str) -> dict[str, Any]:
        return {
            "principalId": self._uuid(resource_id, "principal"),
            "clientId": self._uuid(resource_id, "client"),
            "tenantId": MOCK_TENANT_ID,
        }

    def _public_ip(self, args: pulumi_mocks.MockResourceArgs, resource_id: str) -> dict[str, Any]:
        # 203.0.113.0/24 is TEST-NET-3 (RFC 5737): never a real address.
        octet = int(hashlib.sha256(resource_id.encode()).hexdigest()[:2], 16) % 254 + 1
        return {"ipAddress": self._invent(f"203.0.113.{octet}")}

    def _load_balancer(
        self, args: pulumi_mocks.MockResourceArgs, resource_id: str
    ) -> dict[str, Any]:
        outputs: dict[str, Any] = {}
        for key, segment in (
            ("frontendIPConfigurations", "frontendIPConfigurations"),
            ("backendAddressPools", "backendAddressPools"),
            ("probes", "probes"),
            ("loadBalancingRules", "loadBalancingRules"),
        ):
            items = args.inputs.get(key)
            if isinstance(items, list):
                outputs[key] = [
                    {**item, "id": self._invent(f"{resource_id}/{segment}/{item.get('name')}")}
                    for item in items
                    if isinstance(item, dict)
                ]
        return outputs

    def _random_text(self, args: pulumi_mocks.MockResourceArgs, _: str) -> dict[str, Any]:
        inputs = args.inputs
        length = int(inputs.get("length", 16))
        alphabet = ""
        if inputs.get("lower", True):
            alphabet += "abcdefghijklmnopqrstuvwxyz"
        if inputs.get("upper", True):
            alphabet += "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        if inputs.get("numeric", inputs.get("number", True)):
            alphabet += "0123456789"
        if inputs.get("special", True):
            alphabet += str(inputs.get("overrideSpecial", "!@#%&*()-_=+[]{}<>:?"))
        stream = hashlib.shake_256(f"{args.typ}|{args.name}".encode()).digest(length)
        result = "".join(alphabet[b % len(alphabet)] for b in stream)
        if args.typ == "random:index/randomPassword:RandomPassword":
            self.invented_secrets.add(result)
        return {"result": self._invent(result)}

    def _random_bytes(self, args: pulumi_mocks.MockResourceArgs, _: str) -> dict[str, Any]:
        length = int(args.inputs.get("length", 32))
        raw = hashlib.shake_256(f"{args.typ}|{args.name}".encode()).digest(length)
        self.invented_secrets.update({base64.b64encode(raw).decode(), raw.hex()})
        return {
            "base64": self._invent(base64.b64encode(raw).decode()),
            "hex": self._invent(raw.hex()),
        }

    # -- invokes ----------------------------------------------------------------------------

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token == "azure-native:authorization:getClientConfig":
            return (
                {
                    "clientId": MOCK_CLIENT_ID,
                    "objectId": MOCK_CLIENT_ID,
                    "subscriptionId": MOCK_SUBSCRIPTION_ID,
                    "tenantId": MOCK_TENANT_ID,
                },
                [],
            )
        if args.token == "azure-native:storage:listStorageAccountServiceSAS":
            token = self._invent(service_sas_token(args.args))
            self.invented_secrets.add(token)
            return ({"serviceSasToken": token}, [])
        if args.token == "azure-native:managedidentity:getUserAssignedIdentity":
            resource_id = (
                f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/"
                f"{args.args.get('resourceGroupName')}/providers/Microsoft.ManagedIdentity/"
                f"userAssignedIdentities/{args.args.get('resourceName')}"
            )
            return (
                {
                    "id": resource_id,
                    "principalId": self._uuid(resource_id, "principal"),
                    "clientId": self._uuid(resource_id, "client"),
                    "tenantId": MOCK_TENANT_ID,
                },
                [],
            )
        raise NotImplementedError(f"the Azure mocks do not answer the invoke {args.token}")


def _preview_scale_set(outputs: dict[str, Any]) -> dict[str, Any]:
    """A scale set's preview outputs: the identity list as the map Azure answers with.

    Echoing the input list would make the SDK fail ("Expected 'list' got Mapping"); ids not
    known yet are left out, and each identity's principal and client ids stay unknown.
    """
    identity = outputs.get("identity")
    if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
        assigned = identity["userAssignedIdentities"]
        identity = {
            **identity,
            "userAssignedIdentities": {item: {} for item in assigned if isinstance(item, str)},
        }
        return {**outputs, "identity": identity}
    return outputs


def service_sas_token(arguments: Mapping[str, Any]) -> str:
    """A token shaped like Azure's service SAS, an HMAC of the request like the real one."""
    signed = "\n".join(
        str(arguments.get(key, ""))
        for key in (
            "accountName",
            "canonicalizedResource",
            "resource",
            "permissions",
            "protocols",
            "sharedAccessStartTime",
            "sharedAccessExpiryTime",
        )
    )
    signature = base64.b64encode(
        hmac.new(_MOCK_ACCOUNT_KEY, signed.encode(), hashlib.sha256).digest()
    ).decode()
    query = {
        "sv": "2022-11-02",
        "se": str(arguments.get("sharedAccessExpiryTime", "")),
        "sr": str(arguments.get("resource", "")),
        "sp": str(arguments.get("permissions", "")),
        "spr": str(arguments.get("protocols", "")),
        "sig": signature,
    }
    return urllib.parse.urlencode(query, safe="")


@dataclass(frozen=True)
class _ArmType:
    provider: str
    path: str
    name_input: str | None


_ARM_TYPES: dict[str, _ArmType] = {
    "azure-native:resources:ResourceGroup": _ArmType("", "resourceGroup", "resourceGroupName"),
    "azure-native:storage:StorageAccount": _ArmType(
        "Microsoft.Storage", "storageAccounts/{name}", "accountName"
    ),
    "azure-native:storage:BlobContainer": _ArmType(
        "Microsoft.Storage",
        "storageAccounts/{accountName}/blobServices/default/containers/{name}",
        "containerName",
    ),
    "azure-native:storage:Blob": _ArmType(
        "Microsoft.Storage",
        "storageAccounts/{accountName}/blobServices/default/containers/{containerName}/blobs/{name}",
        "blobName",
    ),
    "azure-native:compute:VirtualMachineScaleSet": _ArmType(
        "Microsoft.Compute", "virtualMachineScaleSets/{name}", "vmScaleSetName"
    ),
    "azure-native:managedidentity:UserAssignedIdentity": _ArmType(
        "Microsoft.ManagedIdentity", "userAssignedIdentities/{name}", "resourceName"
    ),
    "azure-native:authorization:RoleAssignment": _ArmType(
        "Microsoft.Authorization/roleAssignments", "scoped", "roleAssignmentName"
    ),
    "azure-native:monitor:AutoscaleSetting": _ArmType(
        "Microsoft.Insights", "autoscalesettings/{name}", "autoscaleSettingName"
    ),
    "azure-native:network:VirtualNetwork": _ArmType(
        "Microsoft.Network", "virtualNetworks/{name}", "virtualNetworkName"
    ),
    "azure-native:network:Subnet": _ArmType(
        "Microsoft.Network", "virtualNetworks/{virtualNetworkName}/subnets/{name}", "subnetName"
    ),
    "azure-native:network:NetworkSecurityGroup": _ArmType(
        "Microsoft.Network", "networkSecurityGroups/{name}", "networkSecurityGroupName"
    ),
    "azure-native:network:PublicIPAddress": _ArmType(
        "Microsoft.Network", "publicIPAddresses/{name}", "publicIpAddressName"
    ),
    "azure-native:network:LoadBalancer": _ArmType(
        "Microsoft.Network", "loadBalancers/{name}", "loadBalancerName"
    ),
    "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS": _ArmType(
        "Microsoft.Compute",
        "virtualMachineScaleSets/{vmssName}/providers/Microsoft.GuestConfiguration/"
        "guestConfigurationAssignments/{name}",
        "name",
    ),
}


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The mock monitor, keeping every registration and invoke for later inspection."""

    def __init__(self, mocks: pulumi_mocks.Mocks) -> None:
        super().__init__(mocks)
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
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(
            urn, resource_id or "", state
        )
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
        self.calls.append(RecordedCall(token=request.tok, args=arguments))
        return super().Invoke(request)  # type: ignore[no-untyped-call]


def _resource_refs_as_urns(struct: struct_pb2.Struct) -> struct_pb2.Struct:
    """``struct`` with every resource reference replaced by the resource's URN."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            if value.get(rpc._special_sig_key) == rpc._special_resource_sig:
                return value.get("urn")
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    result = struct_pb2.Struct()
    result.update(plain(json_format.MessageToDict(struct)))
    return result


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

    def __enter__(self) -> MockDeployment:
        from pulumi.runtime import config as pulumi_config

        self._saved = (
            {k: getattr(settings.SETTINGS, k) for k in _CONTEXT_SETTINGS},
            settings.ROOT.get(),
            dict(pulumi_config.CONFIG.get()),
            set(pulumi_config._SECRET_KEYS.get()),
        )
        logger = logging.getLogger(f"components.testing.{id(self)}")
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
        from pulumi.runtime import config as pulumi_config

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

        An exception raised by the program or by any ``apply`` is raised here.

        While it runs, Python's cyclic garbage collector is paused (a program allocates many
        short-lived futures and tasks, and the collections grow with the number of
        resources already recorded) and Pulumi's per-resource stack trace is taken without
        reading source files (:func:`_stack_trace`); both are restored afterwards.
        """
        settings.SETTINGS.rpc_manager.clear()
        settings.SETTINGS.outputs.clear()
        result: list[T] = []

        def body() -> None:
            result.append(program())

        collecting = gc.isenabled()
        original = getattr(pulumi_resource, "_get_stack_trace", None)
        _freeze_long_lived()
        gc.disable()
        if original is not None:
            pulumi_resource._get_stack_trace = _stack_trace
        try:
            _sync_await(run_pulumi_func(body))
        finally:
            if original is not None:
                pulumi_resource._get_stack_trace = original
            if collecting:
                gc.enable()
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


_URIS: dict[str, str | None] = {}
_FROZEN_AT: list[int] = [0]


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


_CONTEXT_SETTINGS = (
    "rpc_manager",
    "outputs",
    "monitor",
    "engine",
    "project",
    "stack",
    "dry_run",
    "organization",
    "monitor_features",
    "callbacks",
)


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
