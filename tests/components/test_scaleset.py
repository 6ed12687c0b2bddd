"""The scale-set core: arguments, rules and the VirtualMachineScaleSet Azure receives."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pulumi
import pytest
from helpers import SSH_KEY, SUBNET_ID, linux_args, scale_set_args

from vmss_components import (
    Autoscale,
    ConfigurationError,
    Extension,
    HealthProbe,
    ImageReference,
    ManagedIdentities,
    ScaleSetArgs,
    UpgradePolicy,
)
from vmss_components._types import OsType
from vmss_components.scaleset import ScaleSetComponent, build_scale_set, resolve_scale_set
from vmss_components.testing import MockDeployment, RecordedResource, Secret, reveal

VMSS = "azure-native:compute:VirtualMachineScaleSet"


class Probe(ScaleSetComponent):
    """The smallest component around the core, for testing it alone."""

    def __init__(
        self, name: str, args: ScaleSetArgs, os: OsType, extensions: Sequence[Extension] = ()
    ) -> None:
        spec = resolve_scale_set(
            args, os=os, name=name, component_extension_names=[e.name for e in extensions]
        )
        super().__init__("test:index:Probe", name, args, None)
        built = build_scale_set(name, spec, parent=self, extensions=extensions)
        self._finish(built, spec, {})


def build(
    deployment: MockDeployment, args: ScaleSetArgs, os: OsType = "linux", **kw: object
) -> Probe:
    return deployment.run(lambda: Probe("web", args, os, **kw))  # type: ignore[arg-type]


def vmss_of(deployment: MockDeployment) -> RecordedResource:
    return deployment.resource(VMSS)


def test_linux_scale_set_shape(mocked: MockDeployment) -> None:
    probe = build(mocked, linux_args(zones=["1", "2"], tags={"tier": "web"}, capacity=3))
    vmss = vmss_of(mocked)
    assert vmss.name == "web-vmss"
    assert vmss.parent == mocked.resource("test:index:Probe").urn
    assert vmss.get("sku") == {"name": "Standard_D2s_v5", "tier": "Standard", "capacity": 3}
    assert vmss.get("orchestrationMode") == "Uniform"
    assert vmss.get("overprovision") is False
    assert vmss.get("zones") == ["1", "2"]
    assert vmss.get("tags") == {"tier": "web"}
    assert vmss.get("upgradePolicy.mode") == "Automatic"
    os_profile = vmss.get("virtualMachineProfile.osProfile")
    assert os_profile["computerNamePrefix"] == "web"
    assert os_profile["adminUsername"] == "azureuser"
    assert "adminPassword" not in os_profile
    assert os_profile["linuxConfiguration"] == {
        "disablePasswordAuthentication": True,
        "provisionVMAgent": True,
        "ssh": {
            "publicKeys": [{"path": "/home/azureuser/.ssh/authorized_keys", "keyData": SSH_KEY}]
        },
    }
    storage = vmss.get("virtualMachineProfile.storageProfile")
    assert storage["imageReference"] == {
        "publisher": "Canonical",
        "offer": "ubuntu-24_04-lts",
        "sku": "server",
        "version": "latest",
    }
    assert storage["osDisk"] == {
        "createOption": "FromImage",
        "caching": "ReadWrite",
        "managedDisk": {"storageAccountType": "StandardSSD_LRS"},
    }
    nic = vmss.get("virtualMachineProfile.networkProfile.networkInterfaceConfigurations[0]")
    assert nic["primary"] is True
    assert nic["ipConfigurations"][0]["subnet"] == {"id": SUBNET_ID}
    assert vmss.get("virtualMachineProfile.diagnosticsProfile") == {
        "bootDiagnostics": {"enabled": True}
    }
    assert "identity" not in vmss.inputs
    assert probe.os == "linux"
    assert mocked.resolve(probe.vmss_id).value.endswith("/virtualMachineScaleSets/web-vmss")


def test_long_operations_get_two_hour_timeouts(mocked: MockDeployment) -> None:
    build(mocked, linux_args())
    assert vmss_of(mocked).custom_timeouts == {"create": "2h", "update": "2h", "delete": "2h"}


def test_ssh_key_from_a_file(mocked: MockDeployment, tmp_path: Path) -> None:
    key_file = tmp_path / "id.pub"
    key_file.write_text(SSH_KEY + "\n")
    build(mocked, scale_set_args(ssh_public_keys=[key_file]))
    keys = vmss_of(mocked).get("virtualMachineProfile.osProfile.linuxConfiguration.ssh.publicKeys")
    assert keys[0]["keyData"] == SSH_KEY


def test_windows_gets_a_generated_secret_password(mocked: MockDeployment) -> None:
    probe = build(mocked, scale_set_args(), "windows")
    password = mocked.resource("random:index/randomPassword:RandomPassword")
    assert password.name == "web-admin-password"
    assert password.get("length") >= 16 and password.get("special") is True
    vmss = vmss_of(mocked)
    assert isinstance(vmss.inputs["virtualMachineProfile"], Secret)
    os_profile = vmss.get("virtualMachineProfile.osProfile")
    assert os_profile["adminPassword"] == reveal(password.outputs["result"])
    assert isinstance(password.outputs["result"], Secret)
    assert os_profile["windowsConfiguration"] == {
        "provisionVMAgent": True,
        "enableAutomaticUpdates": True,
    }
    assert vmss.get("virtualMachineProfile.storageProfile.imageReference") == {
        "publisher": "MicrosoftWindowsServer",
        "offer": "WindowsServer",
        "sku": "2022-datacenter-azure-edition",
        "version": "latest",
    }
    resolved = mocked.resolve(probe.admin_password)
    assert resolved.secret and resolved.value == reveal(password.outputs["result"])


def test_windows_with_a_given_password(mocked: MockDeployment) -> None:
    build(mocked, scale_set_args(admin_password="Correct-Horse-42"), "windows")
    assert mocked.resources_of_type("random:index/randomPassword:RandomPassword") == []
    vmss = vmss_of(mocked)
    assert isinstance(vmss.inputs["virtualMachineProfile"], Secret)
    assert vmss.get("virtualMachineProfile.osProfile.adminPassword") == "Correct-Horse-42"


def test_windows_computer_name_prefix_is_at_most_nine(mocked: MockDeployment) -> None:
    mocked.run(lambda: Probe("frontend-web-tier", scale_set_args(), "windows"))
    prefix = vmss_of(mocked).get("virtualMachineProfile.osProfile.computerNamePrefix")
    assert prefix == "frontend-"[:9].rstrip("-") and len(prefix) <= 9


def test_custom_image_by_id(mocked: MockDeployment) -> None:
    image_id = (
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/"
        "Microsoft.Compute/galleries/g/images/web/versions/1.2.0"
    )
    build(mocked, linux_args(image=ImageReference(id=image_id, os="linux", generation="V2")))
    assert vmss_of(mocked).get("virtualMachineProfile.storageProfile.imageReference") == {
        "id": image_id
    }


def test_rolling_maps_every_field_and_adds_the_health_extension(mocked: MockDeployment) -> None:
    upgrade = UpgradePolicy(
        mode="Rolling",
        max_batch_instance_percent=25,
        max_unhealthy_instance_percent=40,
        max_unhealthy_upgraded_instance_percent=10,
        pause_time_between_batches="PT2M",
        max_surge=True,
        rollback_failed_instances_on_policy_breach=False,
    )
    health = HealthProbe(protocol="http", port=8080, request_path="/health")
    build(mocked, scale_set_args(upgrade=upgrade, health=health), "windows")
    vmss = vmss_of(mocked)
    assert vmss.get("upgradePolicy") == {
        "mode": "Rolling",
        "rollingUpgradePolicy": {
            "maxBatchInstancePercent": 25,
            "maxUnhealthyInstancePercent": 40,
            "maxUnhealthyUpgradedInstancePercent": 10,
            "pauseTimeBetweenBatches": "PT2M",
            "maxSurge": True,
            "rollbackFailedInstancesOnPolicyBreach": False,
        },
        "automaticOSUpgradePolicy": {"enableAutomaticOSUpgrade": False},
    }
    (health_extension,) = vmss.get("virtualMachineProfile.extensionProfile.extensions")
    assert health_extension == {
        "name": "ApplicationHealth",
        "publisher": "Microsoft.ManagedServices",
        "type": "ApplicationHealthWindows",
        "typeHandlerVersion": "1.0",
        "autoUpgradeMinorVersion": True,
        "settings": {"protocol": "http", "port": 8080, "requestPath": "/health"},
    }


def test_linux_health_extension_over_tcp(mocked: MockDeployment) -> None:
    health = HealthProbe(protocol="tcp", port=22, request_path=None, number_of_probes=2)
    build(mocked, linux_args(upgrade=UpgradePolicy(mode="Rolling"), health=health))
    (extension,) = vmss_of(mocked).get("virtualMachineProfile.extensionProfile.extensions")
    assert extension["type"] == "ApplicationHealthLinux"
    assert extension["settings"] == {"protocol": "tcp", "port": 22, "numberOfProbes": 2}


def test_manual_warns_that_changes_reach_only_new_instances(mocked: MockDeployment) -> None:
    build(mocked, linux_args(upgrade=UpgradePolicy(mode="Manual")))
    assert any("Manual" in w and "only new instances" in w for w in mocked.warnings)
    assert vmss_of(mocked).get("upgradePolicy.mode") == "Manual"


def test_automatic_mode_does_not_warn(mocked: MockDeployment) -> None:
    build(mocked, linux_args())
    assert not any("Manual" in w for w in mocked.warnings)


def test_autoscale_setting_and_ignored_capacity(mocked: MockDeployment) -> None:
    probe = build(
        mocked,
        linux_args(
            capacity=3, autoscale=Autoscale(minimum=2, maximum=10, scale_out_cpu_percent=70)
        ),
    )
    vmss = vmss_of(mocked)
    assert vmss.ignore_changes == ["sku.capacity"]
    setting = mocked.resource("azure-native:monitor:AutoscaleSetting")
    assert setting.parent == mocked.resource("test:index:Probe").urn
    assert setting.get("enabled") is True
    vmss_id = mocked.resolve(probe.vmss_id).value
    assert setting.get("targetResourceUri") == vmss_id
    (profile,) = setting.get("profiles")
    assert profile["capacity"] == {"minimum": "2", "maximum": "10", "default": "3"}
    out, scale_in = profile["rules"]
    assert out["metricTrigger"]["metricName"] == "Percentage CPU"
    assert out["metricTrigger"]["metricResourceUri"] == vmss_id
    assert out["metricTrigger"]["operator"] == "GreaterThan"
    assert out["metricTrigger"]["threshold"] == 70
    assert out["scaleAction"] == {
        "direction": "Increase",
        "type": "ChangeCount",
        "value": "1",
        "cooldown": "PT5M",
    }
    assert scale_in["metricTrigger"]["operator"] == "LessThan"
    assert scale_in["metricTrigger"]["threshold"] == 25
    assert scale_in["scaleAction"]["direction"] == "Decrease"


def test_without_autoscale_capacity_is_managed(mocked: MockDeployment) -> None:
    build(mocked, linux_args())
    assert vmss_of(mocked).ignore_changes == []
    assert mocked.resources_of_type("azure-native:monitor:AutoscaleSetting") == []


def test_extensions_are_inline_ordered_and_protected(mocked: MockDeployment) -> None:
    first = Extension(
        name="first",
        publisher="Contoso",
        type="Setup",
        type_handler_version="1.0",
        protected_settings={"token": "t0ps3cret"},
    )
    second = Extension(
        name="second",
        publisher="Contoso",
        type="App",
        type_handler_version="2.1",
        settings={"mode": "fast"},
        provision_after=["first"],
        force_update_tag="abc",
    )
    build(mocked, linux_args(), extensions=[first, second])
    vmss = vmss_of(mocked)
    assert isinstance(vmss.inputs["virtualMachineProfile"], Secret)
    extensions = vmss.get("virtualMachineProfile.extensionProfile.extensions")
    assert [e["name"] for e in extensions] == ["first", "second"]
    assert extensions[0]["settings"] == {}
    assert extensions[0]["protectedSettings"] == {"token": "t0ps3cret"}
    assert extensions[1]["provisionAfterExtensions"] == ["first"]
    assert extensions[1]["forceUpdateTag"] == "abc"
    assert mocked.resources_of_type("azure-native:compute:VirtualMachineScaleSetExtension") == []


def test_user_extensions_follow_and_names_must_be_unique(mocked: MockDeployment) -> None:
    extra = Extension(name="Monitor", publisher="Contoso", type="Agent", type_handler_version="1.0")
    build(mocked, linux_args(extra_extensions=[extra]))
    assert vmss_of(mocked).get("virtualMachineProfile.extensionProfile.extensions")[0]["name"] == (
        "Monitor"
    )
    with MockDeployment(speedups=True) as again, pytest.raises(ConfigurationError) as caught:
        build(again, linux_args(extra_extensions=[extra, extra]))
    assert caught.value.path == "scale_set.extra_extensions"


def test_machine_configuration_adds_agent_and_system_identity(mocked: MockDeployment) -> None:
    user_identity = (
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
        "Microsoft.ManagedIdentity/userAssignedIdentities/reader"
    )
    build(
        mocked,
        scale_set_args(
            machine_configuration=True,
            managed_identities=ManagedIdentities(user_assigned_resource_ids=[user_identity]),
        ),
        "windows",
    )
    vmss = vmss_of(mocked)
    assert vmss.get("identity") == {
        "type": "SystemAssigned, UserAssigned",
        "userAssignedIdentities": [user_identity],
    }
    (agent,) = vmss.get("virtualMachineProfile.extensionProfile.extensions")
    assert agent == {
        "name": "AzurePolicyforWindows",
        "publisher": "Microsoft.GuestConfiguration",
        "type": "ConfigurationforWindows",
        "typeHandlerVersion": "1.0",
        "autoUpgradeMinorVersion": True,
        "enableAutomaticUpgrade": True,
        "settings": {},
    }


def test_linux_machine_configuration_agent(mocked: MockDeployment) -> None:
    build(mocked, linux_args(machine_configuration=True))
    vmss = vmss_of(mocked)
    assert vmss.get("identity") == {"type": "SystemAssigned"}
    (agent,) = vmss.get("virtualMachineProfile.extensionProfile.extensions")
    assert (agent["name"], agent["type"]) == ("AzurePolicyforLinux", "ConfigurationForLinux")


def test_flexible_orchestration(mocked: MockDeployment) -> None:
    build(mocked, linux_args(orchestration_mode="Flexible"))
    vmss = vmss_of(mocked)
    assert vmss.get("orchestrationMode") == "Flexible"
    assert vmss.get("platformFaultDomainCount") == 1
    assert "overprovision" not in vmss.inputs
    assert vmss.get("virtualMachineProfile.networkProfile.networkApiVersion") == "2020-11-01"


def test_load_balancer_pools_and_encryption_at_host(mocked: MockDeployment) -> None:
    pool = (
        "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb/"
        "backendAddressPools/web"
    )
    build(mocked, linux_args(load_balancer_backend_pool_ids=[pool], encryption_at_host=True))
    vmss = vmss_of(mocked)
    ip = vmss.get(
        "virtualMachineProfile.networkProfile.networkInterfaceConfigurations[0].ipConfigurations[0]"
    )
    assert ip["loadBalancerBackendAddressPools"] == [{"id": pool}]
    assert vmss.get("virtualMachineProfile.securityProfile") == {
        "encryptionAtHost": True,
        "securityType": "TrustedLaunch",
        "uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": True},
    }


def test_automatic_os_upgrade_turns_windows_update_off(mocked: MockDeployment) -> None:
    upgrade = UpgradePolicy(mode="Automatic", automatic_os_upgrade=True)
    build(mocked, scale_set_args(upgrade=upgrade, health=HealthProbe()), "windows")
    vmss = vmss_of(mocked)
    assert vmss.get("upgradePolicy.automaticOSUpgradePolicy") == {"enableAutomaticOSUpgrade": True}
    config = vmss.get("virtualMachineProfile.osProfile.windowsConfiguration")
    assert config["enableAutomaticUpdates"] is False


def test_preview_builds_with_unknowns(previewed: MockDeployment) -> None:
    probe = build(previewed, scale_set_args(), "windows")
    assert previewed.resolve(probe.vmss_id).known is False
    assert previewed.resource(VMSS).name == "web-vmss"


# --- bad input ---------------------------------------------------------------------------


def test_extension_ordering_must_name_known_extensions(mocked: MockDeployment) -> None:
    lonely = Extension(
        name="late", publisher="p", type="t", type_handler_version="1.0", provision_after=["ghost"]
    )
    with pytest.raises(ConfigurationError, match="ghost"):
        build(mocked, linux_args(), extensions=[lonely])


def test_outputs_are_registered(mocked: MockDeployment) -> None:
    probe = build(mocked, scale_set_args(), "windows")
    assert isinstance(probe, pulumi.ComponentResource)
    assert probe.spec.computer_name_prefix == "web"
    assert mocked.resolve(probe.vmss_name).value == "web-vmss"


TRUSTED_LAUNCH = {
    "securityType": "TrustedLaunch",
    "uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": True},
}


def test_trusted_launch_is_on_by_default(mocked: MockDeployment) -> None:
    build(mocked, scale_set_args(), "windows")
    assert vmss_of(mocked).get("virtualMachineProfile.securityProfile") == TRUSTED_LAUNCH


def test_trusted_launch_on_for_linux_and_nothing_sent_on_opt_out() -> None:
    with MockDeployment() as deployment:
        build(deployment, linux_args())
        assert vmss_of(deployment).get("virtualMachineProfile.securityProfile") == TRUSTED_LAUNCH
    with MockDeployment() as deployment:
        build(deployment, linux_args(trusted_launch=False))
        assert "securityProfile" not in vmss_of(deployment).get("virtualMachineProfile")


def test_a_generation_1_image_runs_without_trusted_launch(mocked: MockDeployment) -> None:
    gen1 = ImageReference(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server-gen1")
    build(mocked, linux_args(image=gen1, encryption_at_host=True))
    assert vmss_of(mocked).get("virtualMachineProfile.securityProfile") == {
        "encryptionAtHost": True
    }
