"""The dev stack written by hand against azure-native: the planning benchmark's baseline.

The same resources as ``vmss-plan dev`` registers (types, logical names, the inputs that
matter: network, storage, blobs with their sources and MD5s, the scale sets' whole models with
extension settings, SAS tokens in protected settings, custom data, identities, the role
assignment and the guest assignment), declared directly: no components, no validation, no
packaging, no update-tag hashing. Digests and tags are literals, as a hand-written program
that knows its content would have them. ``program()`` is the Pulumi program.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pulumi
import pulumi_random as random
from pulumi_azure_native import (
    authorization,
    compute,
    guestconfiguration,
    managedidentity,
    network,
    resources,
    storage,
)

ARTIFACTS = Path(__file__).resolve().parent.parent / "stacks" / "artifacts"
ENV = "dev"
LOCATION = "westeurope"
TAGS = {"costCenter": "dev", "environment": "dev", "owner": "platform"}
SSH_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f "
    "replace-with-your-key"
)
EXPIRY = "2027-02-14T00:00:00Z"
TIMEOUTS = pulumi.CustomTimeouts(create="2h", update="2h", delete="2h")
#: Blob key -> (file or folder, blob file name, digest, content MD5, content type)
BLOBS: dict[str, tuple[str, str, str, str, str]] = {
    "dev-app-cloud-init-site": (
        "cloud-init/site",
        "site.zip",
        "c2ab7848498680b2c42c6a333773aa35f5348529ef7a0d3a77dfc41918bd720f",
        "B+IPkUJkkaZm5zvAJphvSw==",
        "application/zip",
    ),
    "dev-baseline-guest-config": (
        "machine-configuration",
        "LinuxMotd.zip",
        "83d737e3f2ee85be902090b975625eb2b347b82205dfaf57459fc7cb1bd4728d",
        "prZGpDOm/z31LvBuJ/sc6A==",
        "application/zip",
    ),
    "dev-web-dsc": (
        "dsc/web",
        "web.zip",
        "08d7e94ebe1c07e55574106537b88dd7e28dc3b23ba91d5abd86ea44f4aed9e4",
        "OVd0VP3bpJk/s2JZHjtJjg==",
        "application/zip",
    ),
    "dev-web-dsc-data": (
        "dsc/ConfigurationData.psd1",
        "ConfigurationData.psd1",
        "be199a3b9b580ed2237d6f9c1338ec61b3daba0855876e164c31a38e3b2b4503",
        "Wmd29Ya2P/UBU38Y0Wf26w==",
        "application/octet-stream",
    ),
    "dev-worker-cse-install-worker-sh": (
        "custom-script/install-worker.sh",
        "install-worker.sh",
        "a911c3e602582b87aafdc8acfb225630f4514c80daf396350052a6e8c69b530e",
        "tHz4sbqcT/1ycalcYFv9+g==",
        "text/x-sh",
    ),
    "dev-worker-cse-worker-py": (
        "custom-script/worker.py",
        "worker.py",
        "ac067343c2bdc59f89cc54fe1600e741c0bd34bda292e74b8d155a45951394ac",
        "24Bii4HP/5/it1zBQZ3GmQ==",
        "text/x-python",
    ),
}


def program() -> None:
    """Declare the dev environment's resources."""
    group = resources.ResourceGroup(
        f"{ENV}-rg", resource_group_name=f"rg-vmss-{ENV}", location=LOCATION, tags=TAGS
    )
    subnets, pool_id = _network(group)
    store = _store(group)
    urls, tokens = _blobs(group, store)
    _web(group, subnets["web"], pool_id, urls, tokens)
    _app(group, subnets["app"], urls, tokens)
    worker = _worker(group, subnets["worker"], store, urls)
    guestconfiguration.GuestConfigurationAssignmentsVMSS(
        f"{ENV}-baseline-assignment",
        resource_group_name=group.name,
        vmss_name=worker.name,
        name="LinuxMotd",
        location=LOCATION,
        properties={
            "guest_configuration": {
                "name": "LinuxMotd",
                "assignment_type": "Audit",
                "content_hash": BLOBS["dev-baseline-guest-config"][2].upper(),
                "content_uri": pulumi.Output.secret(
                    pulumi.Output.concat(
                        urls["dev-baseline-guest-config"], "?", tokens["dev-baseline-guest-config"]
                    )
                ),
                "configuration_parameter": [
                    {
                        "name": "[MotdFile]Motd;Contents",
                        "value": "Contoso dev: authorised use only.\n",
                    }
                ],
            }
        },
    )
    pulumi.export("resource_group", group.name)


def _network(group: resources.ResourceGroup) -> tuple[dict[str, network.Subnet], Any]:
    vnet = network.VirtualNetwork(
        f"{ENV}-vnet",
        resource_group_name=group.name,
        location=LOCATION,
        address_space={"address_prefixes": ["10.20.0.0/16"]},
        tags=TAGS,
    )
    nsg = network.NetworkSecurityGroup(
        f"{ENV}-nsg",
        resource_group_name=group.name,
        location=LOCATION,
        security_rules=[
            {
                "name": "allow-http-to-web",
                "priority": 100,
                "direction": "Inbound",
                "access": "Allow",
                "protocol": "Tcp",
                "source_address_prefix": "Internet",
                "source_port_range": "*",
                "destination_address_prefix": "10.20.1.0/24",
                "destination_port_range": "80",
            }
        ],
        tags=TAGS,
    )
    nat_ip = network.PublicIPAddress(
        f"{ENV}-nat-ip",
        resource_group_name=group.name,
        location=LOCATION,
        sku={"name": "Standard"},
        public_ip_allocation_method="Static",
        tags=TAGS,
    )
    nat = network.NatGateway(
        f"{ENV}-nat",
        resource_group_name=group.name,
        location=LOCATION,
        sku={"name": "Standard"},
        public_ip_addresses=[{"id": nat_ip.id}],
        tags=TAGS,
    )
    subnets: dict[str, network.Subnet] = {}
    for tier, prefix in (("web", 1), ("app", 2), ("worker", 3)):
        subnets[tier] = network.Subnet(
            f"{ENV}-{tier}-subnet",
            resource_group_name=group.name,
            virtual_network_name=vnet.name,
            subnet_name=tier,
            address_prefix=f"10.20.{prefix}.0/24",
            network_security_group={"id": nsg.id},
            nat_gateway={"id": nat.id},
            opts=pulumi.ResourceOptions(depends_on=list(subnets.values())),
        )
    public_ip = network.PublicIPAddress(
        f"{ENV}-web-ip",
        resource_group_name=group.name,
        location=LOCATION,
        sku={"name": "Standard"},
        public_ip_allocation_method="Static",
        tags=TAGS,
    )
    lb_id = pulumi.Output.concat(
        "/subscriptions/",
        authorization.get_client_config_output().subscription_id,
        "/resourceGroups/",
        group.name,
        "/providers/Microsoft.Network/loadBalancers/lb-web-dev",
    )
    balancer = network.LoadBalancer(
        f"{ENV}-web-lb",
        resource_group_name=group.name,
        location=LOCATION,
        load_balancer_name="lb-web-dev",
        sku={"name": "Standard"},
        frontend_ip_configurations=[{"name": "web", "public_ip_address": {"id": public_ip.id}}],
        backend_address_pools=[{"name": "web"}],
        probes=[
            {
                "name": "web-http",
                "protocol": "Http",
                "port": 80,
                "request_path": "/health.html",
                "interval_in_seconds": 5,
                "number_of_probes": 2,
            }
        ],
        load_balancing_rules=[
            {
                "name": "http",
                "protocol": "Tcp",
                "frontend_port": 80,
                "backend_port": 80,
                "frontend_ip_configuration": {
                    "id": pulumi.Output.concat(lb_id, "/frontendIPConfigurations/web")
                },
                "backend_address_pool": {
                    "id": pulumi.Output.concat(lb_id, "/backendAddressPools/web")
                },
                "probe": {"id": pulumi.Output.concat(lb_id, "/probes/web-http")},
                "disable_outbound_snat": True,
                "idle_timeout_in_minutes": 4,
            }
        ],
        tags=TAGS,
    )
    return subnets, pulumi.Output.concat(balancer.id, "/backendAddressPools/web")


class _Store:
    def __init__(self, account: storage.StorageAccount, container: storage.BlobContainer) -> None:
        self.account = account
        self.container = container


def _store(group: resources.ResourceGroup) -> _Store:
    parent = pulumi.ResourceOptions()
    suffix = random.RandomString(
        f"{ENV}-artifacts-suffix", length=8, special=False, upper=False, opts=parent
    )
    account = storage.StorageAccount(
        f"{ENV}-artifacts-account",
        account_name=pulumi.Output.concat("vmssdev", suffix.result),
        resource_group_name=group.name,
        location=LOCATION,
        kind="StorageV2",
        sku={"name": "Standard_LRS"},
        enable_https_traffic_only=True,
        minimum_tls_version="TLS1_2",
        allow_blob_public_access=False,
        allow_shared_key_access=True,
        tags=TAGS,
    )
    container = storage.BlobContainer(
        f"{ENV}-artifacts-container",
        account_name=account.name,
        resource_group_name=group.name,
        container_name="artifacts",
        public_access="None",
    )
    return _Store(account, container)


def _blobs(group: resources.ResourceGroup, store: _Store) -> tuple[dict[str, Any], dict[str, Any]]:
    urls: dict[str, Any] = {}
    tokens: dict[str, Any] = {}
    for key, (source, filename, digest, md5, content_type) in BLOBS.items():
        path = ARTIFACTS / source
        asset: pulumi.Asset | pulumi.Archive = (
            pulumi.FileArchive(str(path)) if path.is_dir() else pulumi.FileAsset(str(path))
        )
        blob_name = f"{key}/{digest[:16]}/{filename}"
        blob = storage.Blob(
            f"{ENV}-artifacts-{key}",
            account_name=store.account.name,
            container_name=store.container.name,
            resource_group_name=group.name,
            blob_name=blob_name,
            type="Block",
            source=asset,
            content_md5=md5,
            content_type=content_type,
            metadata={"sha256": digest},
            opts=pulumi.ResourceOptions(retain_on_delete=True),
        )
        urls[key] = blob.url
        sas = storage.list_storage_account_service_sas_output(
            account_name=store.account.name,
            resource_group_name=group.name,
            canonicalized_resource=pulumi.Output.concat(
                "/blob/", store.account.name, "/artifacts/", blob_name
            ),
            resource="b",
            permissions="r",
            protocols="https",
            shared_access_expiry_time=EXPIRY,
        )
        tokens[key] = pulumi.Output.secret(sas.service_sas_token)
    return urls, tokens


def _profile(
    name: str,
    subnet: network.Subnet,
    extensions: list[dict[str, Any]],
    *,
    windows: bool,
    pools: list[Any] | None = None,
    admin_password: Any = None,
    custom_data: Any = None,
) -> dict[str, Any]:
    os_profile: dict[str, Any] = {"admin_username": "azureuser"}
    if windows:
        os_profile.update(
            computer_name_prefix="webdev",
            admin_password=admin_password,
            windows_configuration={"provision_vm_agent": True, "enable_automatic_updates": True},
        )
        image = {
            "publisher": "MicrosoftWindowsServer",
            "offer": "WindowsServer",
            "sku": "2022-datacenter-azure-edition",
            "version": "latest",
        }
    else:
        os_profile.update(
            computer_name_prefix=name,
            linux_configuration={
                "disable_password_authentication": True,
                "provision_vm_agent": True,
                "ssh": {
                    "public_keys": [
                        {"path": "/home/azureuser/.ssh/authorized_keys", "key_data": SSH_KEY}
                    ]
                },
            },
        )
        if custom_data is not None:
            os_profile["custom_data"] = custom_data
        image = {
            "publisher": "Canonical",
            "offer": "ubuntu-24_04-lts",
            "sku": "server",
            "version": "latest",
        }
    ip_configuration: dict[str, Any] = {
        "name": f"{name}-ipconfig",
        "primary": True,
        "subnet": {"id": subnet.id},
    }
    if pools:
        ip_configuration["load_balancer_backend_address_pools"] = [{"id": p} for p in pools]
    return {
        "os_profile": os_profile,
        "storage_profile": {
            "image_reference": image,
            "os_disk": {
                "create_option": "FromImage",
                "caching": "ReadWrite",
                "managed_disk": {"storage_account_type": "StandardSSD_LRS"},
            },
        },
        "network_profile": {
            "network_interface_configurations": [
                {"name": f"{name}-nic", "primary": True, "ip_configurations": [ip_configuration]}
            ]
        },
        "diagnostics_profile": {"boot_diagnostics": {"enabled": True}},
        "extension_profile": {"extensions": extensions},
    }


def _health(os_type: str, port: int, path: str) -> dict[str, Any]:
    return {
        "name": "ApplicationHealth",
        "publisher": "Microsoft.ManagedServices",
        "type": f"ApplicationHealth{os_type}",
        "type_handler_version": "1.0",
        "auto_upgrade_minor_version": True,
        "settings": {"protocol": "http", "port": port, "requestPath": path},
    }


def _scale_set(
    name: str,
    group: resources.ResourceGroup,
    size: str,
    upgrade: dict[str, Any],
    profile: dict[str, Any],
    identity: dict[str, Any] | None = None,
) -> compute.VirtualMachineScaleSet:
    return compute.VirtualMachineScaleSet(
        f"{name}-vmss",
        resource_group_name=group.name,
        location=LOCATION,
        orchestration_mode="Uniform",
        overprovision=False,
        sku={"name": size, "tier": "Standard", "capacity": 1},
        upgrade_policy=upgrade,
        virtual_machine_profile=profile,
        identity=identity,
        tags=TAGS,
        opts=pulumi.ResourceOptions(custom_timeouts=TIMEOUTS),
    )


def _web(
    group: resources.ResourceGroup,
    subnet: network.Subnet,
    pool_id: Any,
    urls: dict[str, Any],
    tokens: dict[str, Any],
) -> None:
    password_args: dict[str, Any] = {
        "length": 24,
        "special": True,
        "override_special": "!#%*()-_=+[]{}:?",
        "min_lower": 2,
        "min_upper": 2,
        "min_numeric": 2,
        "min_special": 2,
    }
    app_pool = random.RandomPassword(f"{ENV}-web-apppool-password", **password_args)
    random.RandomBytes(f"{ENV}-web-tag-key", length=32)
    admin = random.RandomPassword(f"{ENV}-web-admin-password", **password_args)
    dsc = {
        "name": "Microsoft.Powershell.DSC",
        "publisher": "Microsoft.Powershell",
        "type": "DSC",
        "type_handler_version": "2.77",
        "auto_upgrade_minor_version": True,
        "force_update_tag": "2f1ac50de547aae9",
        "settings": {
            "wmfVersion": "latest",
            "configuration": {
                "url": urls["dev-web-dsc"],
                "script": "WebServer.ps1",
                "function": "WebServer",
            },
            "configurationArguments": {"SiteTitle": "Contoso web (dev)"},
            "configurationData": {"url": urls["dev-web-dsc-data"]},
            "privacy": {"dataCollection": "Disable"},
        },
        "protected_settings": pulumi.Output.secret(
            {
                "configurationUrlSasToken": pulumi.Output.concat("?", tokens["dev-web-dsc"]),
                "configurationDataUrlSasToken": pulumi.Output.concat(
                    "?", tokens["dev-web-dsc-data"]
                ),
                "configurationArguments": {
                    "AppPoolCredential": {"userName": "apppool", "password": app_pool.result}
                },
            }
        ),
    }
    health = {**_health("Windows", 80, "/health.html"), "provision_after_extensions": []}
    profile = _profile(
        "dev-web",
        subnet,
        [dsc, health],
        windows=True,
        pools=[pool_id],
        admin_password=admin.result,
    )
    upgrade = {
        "mode": "Rolling",
        "automatic_os_upgrade_policy": {"enable_automatic_os_upgrade": False},
        "rolling_upgrade_policy": {
            "max_batch_instance_percent": 20,
            "max_unhealthy_instance_percent": 20,
            "max_unhealthy_upgraded_instance_percent": 20,
            "pause_time_between_batches": "PT0S",
            "max_surge": False,
            "rollback_failed_instances_on_policy_breach": True,
        },
    }
    _scale_set("dev-web", group, "Standard_B2ms", upgrade, profile)


def _app(
    group: resources.ResourceGroup,
    subnet: network.Subnet,
    urls: dict[str, Any],
    tokens: dict[str, Any],
) -> None:
    template = (ARTIFACTS / "cloud-init" / "web.yaml").read_text()
    digest = BLOBS["dev-app-cloud-init-site"][2]
    custom_data = pulumi.Output.all(
        urls["dev-app-cloud-init-site"], tokens["dev-app-cloud-init-site"]
    ).apply(
        lambda values: base64.b64encode(
            template.replace("${artifact:site.sha256}", digest)
            .replace("${artifact:site}", f"{values[0]}?{values[1]}")
            .encode()
        ).decode()
    )
    profile = _profile(
        "dev-app",
        subnet,
        [_health("Linux", 80, "/health.html")],
        windows=False,
        custom_data=pulumi.Output.secret(custom_data),
    )
    upgrade = {
        "mode": "Automatic",
        "automatic_os_upgrade_policy": {"enable_automatic_os_upgrade": False},
    }
    _scale_set("dev-app", group, "Standard_B2s", upgrade, profile)


def _worker(
    group: resources.ResourceGroup, subnet: network.Subnet, store: _Store, urls: dict[str, Any]
) -> compute.VirtualMachineScaleSet:
    identity = managedidentity.UserAssignedIdentity(
        f"{ENV}-worker-identity", resource_group_name=group.name, location=LOCATION, tags=TAGS
    )
    random.RandomBytes(f"{ENV}-worker-tag-key", length=32)
    authorization.RoleAssignment(
        f"{ENV}-worker-blob-reader",
        principal_id=identity.principal_id,
        principal_type="ServicePrincipal",
        role_assignment_name="fb71063a-5f06-57ca-a339-deb726184995",
        role_definition_id=(
            "/subscriptions/00000000-0000-0000-0000-000000000000/providers/"
            "Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
        ),
        scope=pulumi.Output.concat(
            store.account.id, "/blobServices/default/containers/", store.container.name
        ),
    )
    script = {
        "name": "CustomScript",
        "publisher": "Microsoft.Azure.Extensions",
        "type": "CustomScript",
        "type_handler_version": "2.1",
        "auto_upgrade_minor_version": True,
        "force_update_tag": "4558e0318e00a703",
        "settings": {
            "fileUris": [
                urls["dev-worker-cse-install-worker-sh"],
                urls["dev-worker-cse-worker-py"],
            ]
        },
        "protected_settings": pulumi.Output.secret(
            {
                "commandToExecute": "bash install-worker.sh",
                "managedIdentity": {"clientId": identity.client_id},
            }
        ),
    }
    policy = {
        "name": "AzurePolicyforLinux",
        "publisher": "Microsoft.GuestConfiguration",
        "type": "ConfigurationForLinux",
        "type_handler_version": "1.0",
        "auto_upgrade_minor_version": True,
        "enable_automatic_upgrade": True,
        "settings": {},
    }
    profile = _profile("dev-worker", subnet, [script, policy], windows=False)
    upgrade = {
        "mode": "Manual",
        "automatic_os_upgrade_policy": {"enable_automatic_os_upgrade": False},
    }
    return _scale_set(
        "dev-worker",
        group,
        "Standard_B2s",
        upgrade,
        profile,
        identity={
            "type": "SystemAssigned, UserAssigned",
            "user_assigned_identities": [identity.id],
        },
    )


def main() -> int:
    """Run the program once under the mocks, as ``vmss-plan dev`` runs the stack's."""
    from bench.planning import raw_dev

    raw_dev()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
