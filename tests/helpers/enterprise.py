"""Programs of the store's enterprise variants (issue 18) with every kind of consumer: an
existing account, shared keys off behind a private endpoint, an existing private DNS zone,
network rules; identity downloads for Custom Script, cloud-init and a guest assignment, a SAS
tier on a Generation 1 image (Trusted Launch off), and a Windows tier with Trusted Launch off.
Each runs inside a mock deployment; :data:`ENTERPRISE_PROGRAMS` names them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vmss_components import (
    ArtifactStore,
    ArtifactStoreArgs,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    GuestAssignment,
    GuestAssignmentArgs,
    ImageReference,
    NetworkRules,
    Package,
)

from .builders import (
    DOWNLOAD_IDENTITY_ID,
    NOW,
    SUBNET_ID,
    artifact_store,
    linux_args,
    mc_package,
    policy_at,
    windows_args,
)
from .paths import CLOUD_INIT_SAMPLE, LINUX_SCRIPT

VNET = SUBNET_ID.rsplit("/subnets/", 1)[0]
ENDPOINTS = f"{VNET}/subnets/endpoints"
ZONE = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dns/providers/"
    "Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net"
)
EXISTING_ACCOUNT = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/"
    "Microsoft.Storage/storageAccounts/platformartifacts"
)


def _consumers(store: ArtifactStore, *, sas: bool = True) -> None:
    """A Custom Script and a cloud-init tier downloading by identity, a guest assignment whose
    content the worker's identity reads, and (with ``sas``) a cloud-init tier by SAS."""
    worker = CustomScriptScaleSet(
        "worker",
        CustomScriptScaleSetArgs(
            scale_set=linux_args(machine_configuration=True),
            os="linux",
            store=store,
            files=[LINUX_SCRIPT],
            command="sh install-worker.sh",
            download="managed_identity",
            download_identity_resource_id=DOWNLOAD_IDENTITY_ID,
        ),
    )
    CloudInitScaleSet(
        "app",
        CloudInitScaleSetArgs(
            scale_set=linux_args(),
            store=store,
            cloud_config={"runcmd": ["/usr/local/sbin/vmss-fetch-blob site /tmp/site.zip"]},
            artifacts={"site": Package.from_directory(CLOUD_INIT_SAMPLE / "site")},
            download="managed_identity",
        ),
    )
    GuestAssignment(
        "baseline",
        GuestAssignmentArgs(
            package=mc_package(),
            store=store,
            target=worker,
            content_identity_resource_id=DOWNLOAD_IDENTITY_ID,
        ),
    )
    if sas:
        CloudInitScaleSet(
            "legacy",
            CloudInitScaleSetArgs(
                scale_set=linux_args(
                    image=ImageReference(
                        publisher="Canonical",
                        offer="0001-com-ubuntu-server-focal",
                        sku="20_04-lts",
                        version="latest",
                    ),
                    trusted_launch=False,
                ),
                store=store,
                cloud_config={"runcmd": ["curl -fsSLo /tmp/site.zip '${artifact:site}'"]},
                artifacts={"site": Package.from_directory(CLOUD_INIT_SAMPLE / "site")},
            ),
        )


def _existing_account() -> None:
    store = ArtifactStore(
        "store",
        ArtifactStoreArgs(
            existing_account_id=EXISTING_ACCOUNT, container_name="deploy", sas=policy_at(NOW)
        ),
    )
    _consumers(store)


def _no_shared_key_private_endpoint() -> None:
    store = artifact_store(
        shared_key_access=False,
        public_network_access="Disabled",
        private_endpoint_subnet_id=ENDPOINTS,
    )
    _consumers(store, sas=False)


def _private_endpoint_existing_zone() -> None:
    store = artifact_store(
        public_network_access="Disabled",
        private_endpoint_subnet_id=ENDPOINTS,
        private_dns_zone_id=ZONE,
    )
    _consumers(store)


def _network_rules() -> None:
    store = artifact_store(
        network_rules=NetworkRules(
            allowed_subnet_ids=[SUBNET_ID], uploader_ip_addresses=["203.0.113.7"]
        )
    )
    _consumers(store)


def _windows_trusted_launch_off() -> None:
    store = artifact_store()
    CustomScriptScaleSet(
        "win",
        CustomScriptScaleSetArgs(
            scale_set=windows_args(trusted_launch=False, encryption_at_host=True),
            os="windows",
            store=store,
            files=[LINUX_SCRIPT],
            command="powershell -File install-worker.sh",
        ),
    )


ENTERPRISE_PROGRAMS: dict[str, Callable[[], Any]] = {
    "existing-account": _existing_account,
    "no-shared-key-private-endpoint": _no_shared_key_private_endpoint,
    "private-endpoint-existing-zone": _private_endpoint_existing_zone,
    "network-rules": _network_rules,
    "windows-trusted-launch-off": _windows_trusted_launch_off,
}
