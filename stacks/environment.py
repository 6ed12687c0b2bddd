"""One environment: network, load balancer, artifact store and the scale-set tiers.

``build_environment(settings)`` is everything the Pulumi program does besides reading the
configuration and exporting outputs; another project can call it, or copy it as the model of
its own composition of ``vmss_components``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pulumi
from config import StackSettings, TierSettings
from pulumi_azure_native import authorization, network, resources

from vmss_components import (
    POLICY_MODES,
    ArtifactStore,
    ArtifactStoreArgs,
    Autoscale,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    DscPackage,
    DscScaleSet,
    DscScaleSetArgs,
    GuestAssignment,
    GuestAssignmentArgs,
    HealthProbe,
    MachineConfigurationPackage,
    MachineConfigurationPolicy,
    MachineConfigurationPolicyArgs,
    NetworkRules,
    Package,
    PolicyParameter,
    PolicyRemediation,
    SasPolicy,
    ScaleSetArgs,
    UpgradePolicy,
    choice,
)
from vmss_components.scaleset import windows_password

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WEB_HEALTH_PATH = "/health.html"
# The worker's own health endpoint (stacks/artifacts/custom-script/worker.py), probed by the
# Application Health extension on the instance itself.
WORKER_HEALTH = HealthProbe(protocol="http", port=8080, request_path="/healthz")


@dataclass(frozen=True, kw_only=True)
class Network:
    """The environment's virtual network, one subnet per tier, and the web load balancer."""

    vnet: network.VirtualNetwork
    subnets: dict[str, network.Subnet]
    load_balancer: network.LoadBalancer
    public_ip: network.PublicIPAddress
    web_pool_id: pulumi.Output[str]


@dataclass(frozen=True, kw_only=True)
class Environment:
    """What the program exports from."""

    group: resources.ResourceGroup
    network: Network
    store: ArtifactStore
    web: DscScaleSet
    app: CloudInitScaleSet
    worker: CustomScriptScaleSet
    #: The baseline assigned to one tier (delivery ``assignment``), or None.
    guest_assignment: GuestAssignment | None
    #: The baseline assigned by policy to the resource group (delivery ``policy``), or None.
    baseline_policy: MachineConfigurationPolicy | None


def build_environment(settings: StackSettings) -> Environment:
    """Compose one environment from the components."""
    env = settings.environment
    group = resources.ResourceGroup(
        f"{env}-rg",
        resource_group_name=_resource_group_name(settings),
        location=settings.location,
        tags=dict(settings.tags),
    )
    net = _network(settings, group)
    store = ArtifactStore(f"{env}-artifacts", _store_args(settings, group, net))
    web = _web_tier(settings, group, net, store)
    app = _app_tier(settings, group, net, store)
    worker = _worker_tier(settings, group, net, store)
    baseline = settings.guest_assignment
    guest: GuestAssignment | None = None
    policy: MachineConfigurationPolicy | None = None
    if baseline.delivery == "policy":
        policy = _baseline_policy(settings, store, group)
    else:
        tiers: dict[str, CloudInitScaleSet | CustomScriptScaleSet] = {"app": app, "worker": worker}
        assert baseline.tier is not None
        guest = _guest_assignment(settings, store, tiers[baseline.tier])
    return Environment(
        group=group,
        network=net,
        store=store,
        web=web,
        app=app,
        worker=worker,
        guest_assignment=guest,
        baseline_policy=policy,
    )


def _store_args(
    settings: StackSettings, group: resources.ResourceGroup, net: Network
) -> ArtifactStoreArgs:
    """The store: public, or a private endpoint in the ``endpoints`` subnet (the instances
    resolve it through the zone linked to the environment's network), with the public endpoint
    left to the uploader's addresses or turned off."""
    store = settings.artifact_store
    private = store.network == "private"
    return ArtifactStoreArgs(
        resource_group_name=group.name,
        location=settings.location,
        account_name_prefix=f"vmss{settings.environment}",
        sas=SasPolicy(
            rotation_days=settings.sas_rotation_days,
            min_lifetime_days=settings.sas_min_lifetime_days,
        ),
        tags=dict(settings.tags),
        public_network_access="Disabled" if private and not store.uploader_addresses else "Enabled",
        private_endpoint_subnet_id=net.subnets["endpoints"].id if private else None,
        network_rules=(
            NetworkRules(uploader_ip_addresses=store.uploader_addresses)
            if private and store.uploader_addresses
            else None
        ),
    )


def _baseline_package(settings: StackSettings) -> MachineConfigurationPackage:
    """The Linux baseline (login banner, sshd settings) as a Machine Configuration package.

    Audit assignments only report; every other type sets state, so the package is built
    AuditAndSet for them (an Audit package cannot back them).
    """
    kind = settings.guest_assignment.assignment_type
    samples = ARTIFACTS / "machine-configuration"
    return MachineConfigurationPackage.build(
        "LinuxMotd",
        mof=samples / "LinuxMotd" / "localhost.mof",
        modules=samples / "Modules",
        mode="Audit" if kind == "Audit" else "AuditAndSet",
        version=settings.guest_assignment.package_version,
    )


def _banner(settings: StackSettings) -> str:
    return f"Contoso {settings.environment}: authorised use only.\n"


def _resource_group_name(settings: StackSettings) -> str:
    return f"rg-vmss-{settings.environment}"


def _baseline_policy(
    settings: StackSettings, store: ArtifactStore, group: resources.ResourceGroup
) -> MachineConfigurationPolicy:
    """The baseline on every Linux machine in the resource group, by Azure Policy: scale sets
    of this stack and any machine created there later, remediated when the package changes.

    The scope is the resource group's id, as plain text: the subscription is the provider's,
    asked for once (an invoke, answered during previews too).
    """
    subscription = authorization.get_client_config().subscription_id
    return MachineConfigurationPolicy(
        f"{settings.environment}-baseline",
        MachineConfigurationPolicyArgs(
            package=_baseline_package(settings),
            store=store,
            scope=f"/subscriptions/{subscription}/resourceGroups/{_resource_group_name(settings)}",
            os="linux",
            # The stack file's check allowed only policy modes for delivery "policy".
            mode=choice(
                settings.guest_assignment.assignment_type,
                POLICY_MODES,
                "guestAssignment.assignmentType",
            ),
            location=settings.location,
            parameters={
                "[MotdFile]Motd;Contents": PolicyParameter(
                    name="LoginBanner", value=_banner(settings)
                ),
            },
            remediation=(
                PolicyRemediation()
                if settings.guest_assignment.assignment_type != "Audit"
                else None
            ),
        ),
        # The assignments are made at the resource group: it must exist first.
        opts=pulumi.ResourceOptions(depends_on=[group]),
    )


def _guest_assignment(
    settings: StackSettings, store: ArtifactStore, target: CloudInitScaleSet | CustomScriptScaleSet
) -> GuestAssignment:
    """The Linux baseline assigned directly to one tier's scale set."""
    return GuestAssignment(
        f"{settings.environment}-baseline",
        GuestAssignmentArgs(
            package=_baseline_package(settings),
            store=store,
            target=target,
            assignment_type=settings.guest_assignment.assignment_type,
            parameters={"[MotdFile]Motd;Contents": _banner(settings)},
        ),
    )


def _carries_baseline(settings: StackSettings, tier: str) -> bool:
    """Whether a Linux tier gets the Machine Configuration agent and identity: the assigned
    tier, or every Linux tier when the policy reaches every machine in the resource group
    (Microsoft's prerequisites initiative prepares virtual machines, not scale sets)."""
    baseline = settings.guest_assignment
    return baseline.delivery == "policy" or baseline.tier == tier


def _scale_set_args(
    settings: StackSettings,
    tier: TierSettings,
    group: resources.ResourceGroup,
    subnet: network.Subnet,
    *,
    health: HealthProbe | None = None,
    admin_password: pulumi.Input[str] | None = None,
    ssh_public_keys: Sequence[pulumi.Input[str] | Path] = (),
    load_balancer_backend_pool_ids: Sequence[pulumi.Input[str]] = (),
    computer_name_prefix: str | None = None,
    machine_configuration: bool = False,
) -> ScaleSetArgs:
    autoscale = (
        Autoscale(
            minimum=tier.autoscale.minimum,
            maximum=tier.autoscale.maximum,
            scale_out_cpu_percent=tier.autoscale.scale_out_cpu_percent,
            scale_in_cpu_percent=tier.autoscale.scale_in_cpu_percent,
        )
        if tier.autoscale
        else None
    )
    return ScaleSetArgs(
        resource_group_name=group.name,
        location=settings.location,
        subnet_id=subnet.id,
        vm_size=tier.vm_size,
        capacity=tier.capacity,
        zones=tier.zones,
        upgrade=UpgradePolicy(mode=tier.upgrade_mode, max_surge=tier.max_surge),
        health=health,
        autoscale=autoscale,
        tags=dict(settings.tags),
        admin_password=admin_password,
        ssh_public_keys=ssh_public_keys,
        load_balancer_backend_pool_ids=load_balancer_backend_pool_ids,
        computer_name_prefix=computer_name_prefix,
        machine_configuration=machine_configuration,
    )


def _web_tier(
    settings: StackSettings, group: resources.ResourceGroup, net: Network, store: ArtifactStore
) -> DscScaleSet:
    env = settings.environment
    app_pool_password = settings.app_pool_password
    if app_pool_password is None:
        app_pool_password = windows_password(f"{env}-web-apppool-password").result
    return DscScaleSet(
        f"{env}-web",
        DscScaleSetArgs(
            scale_set=_scale_set_args(
                settings,
                settings.tiers["web"],
                group,
                net.subnets["web"],
                health=HealthProbe(protocol="http", port=80, request_path=WEB_HEALTH_PATH),
                admin_password=settings.admin_password,
                load_balancer_backend_pool_ids=[net.web_pool_id],
                computer_name_prefix=f"web{env}"[:9],
            ),
            store=store,
            package=DscPackage.from_directory(
                ARTIFACTS / "dsc" / "web", script="WebServer.ps1", function="WebServer"
            ),
            configuration_arguments={"SiteTitle": f"Contoso web ({env})"},
            protected_configuration_arguments={
                "AppPoolCredential": {
                    "userName": "apppool",
                    "password": pulumi.Output.secret(app_pool_password),
                }
            },
            configuration_data=ARTIFACTS / "dsc" / "ConfigurationData.psd1",
        ),
    )


def _app_tier(
    settings: StackSettings, group: resources.ResourceGroup, net: Network, store: ArtifactStore
) -> CloudInitScaleSet:
    tier = settings.tiers["app"]
    samples = ARTIFACTS / "cloud-init"
    return CloudInitScaleSet(
        f"{settings.environment}-app",
        CloudInitScaleSetArgs(
            scale_set=_scale_set_args(
                settings,
                tier,
                group,
                net.subnets["app"],
                health=HealthProbe(protocol="http", port=80, request_path="/health.html"),
                ssh_public_keys=[settings.ssh_public_key],
                machine_configuration=_carries_baseline(settings, "app"),
            ),
            cloud_config=samples / "web.yaml",
            store=store,
            artifacts={"site": Package.from_directory(samples / "site")},
        ),
    )


def _worker_tier(
    settings: StackSettings, group: resources.ResourceGroup, net: Network, store: ArtifactStore
) -> CustomScriptScaleSet:
    tier = settings.tiers["worker"]
    scripts = ARTIFACTS / "custom-script"
    return CustomScriptScaleSet(
        f"{settings.environment}-worker",
        CustomScriptScaleSetArgs(
            os="linux",
            scale_set=_scale_set_args(
                settings,
                tier,
                group,
                net.subnets["worker"],
                health=WORKER_HEALTH if tier.upgrade_mode == "Rolling" else None,
                ssh_public_keys=[settings.ssh_public_key],
                machine_configuration=_carries_baseline(settings, "worker"),
            ),
            store=store,
            files=[scripts / "install-worker.sh", scripts / "worker.py"],
            command="bash install-worker.sh",
            # The instances read their files with a managed identity: no token in the model.
            download="managed_identity",
        ),
    )


def _network(settings: StackSettings, group: resources.ResourceGroup) -> Network:
    env = settings.environment
    prefixes = list(settings.address_space.subnets(new_prefix=24))
    subnet_prefixes = {"web": prefixes[1], "app": prefixes[2], "worker": prefixes[3]}
    # The store's private endpoint gets a subnet of its own (no outbound, no inbound rules).
    endpoint_prefix = prefixes[4] if settings.artifact_store.network == "private" else None
    tags = dict(settings.tags)

    vnet = network.VirtualNetwork(
        f"{env}-vnet",
        resource_group_name=group.name,
        location=settings.location,
        address_space=network.AddressSpaceArgs(address_prefixes=[str(settings.address_space)]),
        tags=tags,
    )
    nsg = network.NetworkSecurityGroup(
        f"{env}-nsg",
        resource_group_name=group.name,
        location=settings.location,
        security_rules=[
            network.SecurityRuleArgs(
                name="allow-http-to-web",
                priority=100,
                direction=network.SecurityRuleDirection.INBOUND,
                access=network.SecurityRuleAccess.ALLOW,
                protocol=network.SecurityRuleProtocol.TCP,
                source_address_prefix="Internet",
                source_port_range="*",
                destination_address_prefix=str(subnet_prefixes["web"]),
                destination_port_range="80",
            ),
        ],
        tags=tags,
    )
    # New virtual networks have no default outbound access: instances reach the artifact
    # store, package mirrors and Windows Update through a NAT gateway.
    nat_ip = network.PublicIPAddress(
        f"{env}-nat-ip",
        resource_group_name=group.name,
        location=settings.location,
        sku=network.PublicIPAddressSkuArgs(name=network.PublicIPAddressSkuName.STANDARD),
        public_ip_allocation_method=network.IPAllocationMethod.STATIC,
        tags=tags,
    )
    nat = network.NatGateway(
        f"{env}-nat",
        resource_group_name=group.name,
        location=settings.location,
        sku=network.NatGatewaySkuArgs(name=network.NatGatewaySkuName.STANDARD),
        public_ip_addresses=[network.SubResourceArgs(id=nat_ip.id)],
        tags=tags,
    )
    subnets: dict[str, network.Subnet] = {}
    for tier, prefix in subnet_prefixes.items():
        subnets[tier] = network.Subnet(
            f"{env}-{tier}-subnet",
            resource_group_name=group.name,
            virtual_network_name=vnet.name,
            subnet_name=tier,
            address_prefix=str(prefix),
            network_security_group=network.NetworkSecurityGroupArgs(id=nsg.id),
            nat_gateway=network.SubResourceArgs(id=nat.id),
            # Subnets of one network are updated one at a time by Azure.
            opts=pulumi.ResourceOptions(depends_on=list(subnets.values())),
        )
    if endpoint_prefix is not None:
        subnets["endpoints"] = network.Subnet(
            f"{env}-endpoints-subnet",
            resource_group_name=group.name,
            virtual_network_name=vnet.name,
            subnet_name="endpoints",
            address_prefix=str(endpoint_prefix),
            opts=pulumi.ResourceOptions(depends_on=list(subnets.values())),
        )

    public_ip = network.PublicIPAddress(
        f"{env}-web-ip",
        resource_group_name=group.name,
        location=settings.location,
        sku=network.PublicIPAddressSkuArgs(name=network.PublicIPAddressSkuName.STANDARD),
        public_ip_allocation_method=network.IPAllocationMethod.STATIC,
        zones=list(settings.tiers["web"].zones) or None,
        tags=tags,
    )
    load_balancer_name = f"lb-web-{env}"
    # Sub-resources of a load balancer refer to each other by id before the balancer exists:
    # the ids are built from its explicit name.
    lb_id = pulumi.Output.concat(
        "/subscriptions/",
        authorization.get_client_config_output().subscription_id,
        "/resourceGroups/",
        group.name,
        "/providers/Microsoft.Network/loadBalancers/",
        load_balancer_name,
    )
    frontend_id = pulumi.Output.concat(lb_id, "/frontendIPConfigurations/web")
    pool_id = pulumi.Output.concat(lb_id, "/backendAddressPools/web")
    probe_id = pulumi.Output.concat(lb_id, "/probes/web-http")
    load_balancer = network.LoadBalancer(
        f"{env}-web-lb",
        resource_group_name=group.name,
        location=settings.location,
        load_balancer_name=load_balancer_name,
        sku=network.LoadBalancerSkuArgs(name=network.LoadBalancerSkuName.STANDARD),
        frontend_ip_configurations=[
            network.FrontendIPConfigurationArgs(
                name="web", public_ip_address=network.PublicIPAddressArgs(id=public_ip.id)
            )
        ],
        backend_address_pools=[network.BackendAddressPoolArgs(name="web")],
        probes=[
            network.ProbeArgs(
                name="web-http",
                protocol=network.ProbeProtocol.HTTP,
                port=80,
                request_path=WEB_HEALTH_PATH,
                interval_in_seconds=5,
                number_of_probes=2,
            )
        ],
        load_balancing_rules=[
            network.LoadBalancingRuleArgs(
                name="http",
                protocol=network.TransportProtocol.TCP,
                frontend_port=80,
                backend_port=80,
                frontend_ip_configuration=network.SubResourceArgs(id=frontend_id),
                backend_address_pool=network.SubResourceArgs(id=pool_id),
                probe=network.SubResourceArgs(id=probe_id),
                # Outbound traffic leaves through the NAT gateway, not the balancer.
                disable_outbound_snat=True,
                idle_timeout_in_minutes=4,
            )
        ],
        tags=tags,
    )
    return Network(
        vnet=vnet,
        subnets=subnets,
        load_balancer=load_balancer,
        public_ip=public_ip,
        # Taken from the created balancer, so scale sets wait for the pool to exist.
        web_pool_id=pulumi.Output.concat(load_balancer.id, "/backendAddressPools/web"),
    )
