"""Pulumi mocks that answer like Azure: names, ARM ids, blob URLs, identities, SAS tokens.

Values only Azure would know (resource ids, principal ids, IP addresses, SAS signatures) are
invented deterministically from the request, so the same program gives the same record, and
are remembered in :attr:`AzureMocks.invented` so a report can label them as placeholders.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.runtime import mocks as pulumi_mocks

#: The subscription the mocks pretend to be in: all zeros, so nobody mistakes it for a real one.
MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
MOCK_TENANT_ID = "00000000-0000-0000-0000-00000000feed"
MOCK_CLIENT_ID = "00000000-0000-0000-0000-0000000c11e7"
MOCK_LOCATION = "westeurope"
# Key of the mock's stand-in for a storage account key: a SAS is an HMAC of its parameters.
_MOCK_ACCOUNT_KEY = b"mock-storage-account-key"
_NAMESPACE = uuid.UUID("8a3b8d8e-0c8f-4b59-9d43-6f0d8f4c2b11")


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
            "azure-native:authorization:PolicyAssignment": self._policy_assignment,
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
        if self.preview and args.typ == "azure-native:authorization:PolicyAssignment":
            # The identity's principal exists only once Azure made the assignment.
            outputs.pop("identity", None)
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
        fields = {k: v for k, v in inputs.items() if isinstance(v, str)}
        if spec.path.startswith("/"):
            # An id outside any resource group (a subscription's or a management group's).
            return self._invent(
                spec.path.format(**{**fields, "name": name, "subscription": MOCK_SUBSCRIPTION_ID})
            )
        # The Azure name wins over an input that is itself called `name` (guest assignments).
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

    def _policy_assignment(
        self, args: pulumi_mocks.MockResourceArgs, resource_id: str
    ) -> dict[str, Any]:
        identity = args.inputs.get("identity")
        if isinstance(identity, dict) and identity.get("type") == "SystemAssigned":
            return {
                "identity": {
                    **identity,
                    "principalId": self._uuid(resource_id, "principal"),
                    "tenantId": MOCK_TENANT_ID,
                }
            }
        return {}

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
        if args.token == "azure-native:storage:getStorageAccount":
            account = args.args.get("accountName")
            return (
                {
                    "id": self._storage_id(args.args),
                    "name": account,
                    "primaryEndpoints": {"blob": f"https://{account}.blob.core.windows.net/"},
                    "allowSharedKeyAccess": True,
                },
                [],
            )
        if args.token == "azure-native:storage:getBlobContainer":
            container = args.args.get("containerName")
            account_id = self._storage_id(args.args)
            return (
                {
                    "id": f"{account_id}/blobServices/default/containers/{container}",
                    "name": container,
                    "publicAccess": "None",
                },
                [],
            )
        raise NotImplementedError(f"the Azure mocks do not answer the invoke {args.token}")

    @staticmethod
    def _storage_id(arguments: Mapping[str, Any]) -> str:
        return (
            f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/"
            f"{arguments.get('resourceGroupName')}/providers/Microsoft.Storage/storageAccounts/"
            f"{arguments.get('accountName')}"
        )


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
    """How the mocks make a type's id: ``path`` is a template below the resource group's
    ``providers/<provider>/``, ``"resourceGroup"``, ``"scoped"`` (below the ``scope`` input),
    or a whole id when it starts with ``/``; ``name_input`` is the input holding the name."""

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
    "azure-native:network:PrivateEndpoint": _ArmType(
        "Microsoft.Network", "privateEndpoints/{name}", "privateEndpointName"
    ),
    "azure-native:network:PrivateDnsZoneGroup": _ArmType(
        "Microsoft.Network",
        "privateEndpoints/{privateEndpointName}/privateDnsZoneGroups/{name}",
        "privateDnsZoneGroupName",
    ),
    "azure-native:privatedns:PrivateZone": _ArmType(
        "Microsoft.Network", "privateDnsZones/{name}", "privateZoneName"
    ),
    "azure-native:privatedns:VirtualNetworkLink": _ArmType(
        "Microsoft.Network",
        "privateDnsZones/{privateZoneName}/virtualNetworkLinks/{name}",
        "virtualNetworkLinkName",
    ),
    "azure-native:authorization:PolicyDefinition": _ArmType(
        "Microsoft.Authorization",
        "/subscriptions/{subscription}/providers/Microsoft.Authorization/policyDefinitions/{name}",
        "policyDefinitionName",
    ),
    "azure-native:authorization:PolicyDefinitionAtManagementGroup": _ArmType(
        "Microsoft.Authorization",
        "/providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/"
        "Microsoft.Authorization/policyDefinitions/{name}",
        "policyDefinitionName",
    ),
    "azure-native:authorization:PolicyAssignment": _ArmType(
        "Microsoft.Authorization/policyAssignments", "scoped", "policyAssignmentName"
    ),
    "azure-native:policyinsights:RemediationAtManagementGroup": _ArmType(
        "Microsoft.PolicyInsights",
        "/providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/"
        "Microsoft.PolicyInsights/remediations/{name}",
        "remediationName",
    ),
    "azure-native:policyinsights:RemediationAtSubscription": _ArmType(
        "Microsoft.PolicyInsights",
        "/subscriptions/{subscription}/providers/Microsoft.PolicyInsights/remediations/{name}",
        "remediationName",
    ),
    "azure-native:policyinsights:RemediationAtResourceGroup": _ArmType(
        "Microsoft.PolicyInsights",
        "/subscriptions/{subscription}/resourceGroups/{resourceGroupName}/providers/"
        "Microsoft.PolicyInsights/remediations/{name}",
        "remediationName",
    ),
    "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS": _ArmType(
        "Microsoft.Compute",
        "virtualMachineScaleSets/{vmssName}/providers/Microsoft.GuestConfiguration/"
        "guestConfigurationAssignments/{name}",
        "name",
    ),
}
