"""The scale-set rules, before any resource exists: the arguments and their parts (upgrade
policy, health probe, image, autoscale, extensions) as they are built, and the rules that need
the OS and the component's name, through resolve_scale_set.

The OS rules were checked through a test component that resolves before it registers: here
resolve_scale_set is called directly, and any registration would fail the test
(tests/unit/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SSH_KEY, linux_args, scale_set_args

from vmss_components import (
    Autoscale,
    ConfigurationError,
    Extension,
    HealthProbe,
    ImageReference,
    ScaleSetArgs,
    UpgradePolicy,
)
from vmss_components._types import OsType
from vmss_components.scaleset import resolve_scale_set


def test_a_string_is_never_taken_for_a_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "id.pub"
    key_file.write_text(SSH_KEY)
    with pytest.raises(ConfigurationError) as caught:
        resolve_scale_set(scale_set_args(ssh_public_keys=[str(key_file)]), os="linux", name="web")
    assert caught.value.path == "scale_set.ssh_public_keys[0]"


def test_rolling_without_health_fails() -> None:
    with pytest.raises(ConfigurationError) as caught:
        scale_set_args(upgrade=UpgradePolicy(mode="Rolling"))
    assert caught.value.path == "scale_set.health"
    assert "Rolling" in str(caught.value)


BAD_ARGS: list[tuple[dict[str, object], str]] = [
    ({"resource_group_name": ""}, "scale_set.resource_group_name"),
    ({"subnet_id": None}, "scale_set.subnet_id"),
    ({"upgrade": "Rolling"}, "scale_set.upgrade"),
    ({"vm_size": "D2s_v5"}, "scale_set.vm_size"),
    ({"capacity": -1}, "scale_set.capacity"),
    ({"capacity": 1001}, "scale_set.capacity"),
    ({"capacity": "2"}, "scale_set.capacity"),
    ({"admin_username": "admin"}, "scale_set.admin_username"),
    ({"admin_username": "9lives"}, "scale_set.admin_username"),
    ({"zones": ["4"]}, "scale_set.zones[0]"),
    ({"zones": "1"}, "scale_set.zones"),
    ({"zones": ["1", "1"]}, "scale_set.zones"),
    ({"orchestration_mode": "uniform"}, "scale_set.orchestration_mode"),
    ({"image": "Canonical:ubuntu"}, "scale_set.image"),
    ({"health": {"port": 80}}, "scale_set.health"),
    ({"machine_configuration": "yes"}, "scale_set.machine_configuration"),
    (
        {"machine_configuration": True, "orchestration_mode": "Flexible"},
        "scale_set.machine_configuration",
    ),
    ({"ssh_public_keys": SSH_KEY}, "scale_set.ssh_public_keys"),
    ({"autoscale": Autoscale(minimum=3, maximum=5)}, "scale_set.capacity"),
    ({"os_disk_type": "SSD"}, "scale_set.os_disk_type"),
    ({"os_disk_size_gb": 10}, "scale_set.os_disk_size_gb"),
    ({"tags": {"x": 1}}, "scale_set.tags.x"),
    ({"load_balancer_backend_pool_ids": [""]}, "scale_set.load_balancer_backend_pool_ids[0]"),
    ({"user_assigned_identity_ids": "id"}, "scale_set.user_assigned_identity_ids"),
    ({"automatic_repairs": True}, "scale_set.health"),
    ({"extra_extensions": [{"name": "x"}]}, "scale_set.extra_extensions[0]"),
]


@pytest.mark.parametrize(("overrides", "path"), BAD_ARGS)
def test_bad_scale_set_args(overrides: dict[str, object], path: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        scale_set_args(**overrides)
    assert caught.value.path == path, str(caught.value)


@pytest.mark.parametrize(
    ("build_policy", "path"),
    [
        (lambda: UpgradePolicy(mode="Sometimes"), "scale_set.upgrade.mode"),  # type: ignore[arg-type]
        (
            lambda: UpgradePolicy(mode="Rolling", max_batch_instance_percent=4),
            "scale_set.upgrade.max_batch_instance_percent",
        ),
        (
            lambda: UpgradePolicy(mode="Rolling", max_batch_instance_percent=50),
            "scale_set.upgrade.max_batch_instance_percent",
        ),
        (
            lambda: UpgradePolicy(mode="Rolling", max_unhealthy_upgraded_instance_percent=101),
            "scale_set.upgrade.max_unhealthy_upgraded_instance_percent",
        ),
        (
            lambda: UpgradePolicy(mode="Rolling", pause_time_between_batches="5m"),
            "scale_set.upgrade.pause_time_between_batches",
        ),
        (lambda: UpgradePolicy(mode="Rolling", max_surge="yes"), "scale_set.upgrade.max_surge"),  # type: ignore[arg-type]
        (lambda: HealthProbe(protocol="udp"), "scale_set.health.protocol"),  # type: ignore[arg-type]
        (lambda: HealthProbe(port=0), "scale_set.health.port"),
        (lambda: HealthProbe(request_path="health"), "scale_set.health.request_path"),
        (lambda: HealthProbe(interval_in_seconds=1), "scale_set.health.interval_in_seconds"),
        (lambda: ImageReference(publisher="Canonical"), "scale_set.image.offer"),
        (
            lambda: ImageReference(publisher="Canonical", offer="o", sku="s", id="/x"),
            "scale_set.image",
        ),
        (lambda: ImageReference(id="/x", os="macos"), "scale_set.image.os"),  # type: ignore[arg-type]
        (lambda: Autoscale(minimum=5, maximum=2), "scale_set.autoscale.maximum"),
        (lambda: Autoscale(minimum=1, maximum=5, default=9), "scale_set.autoscale.default"),
        (
            lambda: Autoscale(minimum=1, maximum=5, scale_in_cpu_percent=80),
            "scale_set.autoscale.scale_in_cpu_percent",
        ),
        (
            lambda: Extension(
                name="has space", publisher="p", type="t", type_handler_version="1.0"
            ),
            "extension.name",
        ),
        (
            lambda: Extension(name="e", publisher="p", type="t", type_handler_version="1"),
            "extension.type_handler_version",
        ),
        (
            lambda: Extension(
                name="e",
                publisher="p",
                type="t",
                type_handler_version="1.0",
                settings={"adminPassword": "x"},
            ),
            "extension.settings.adminPassword",
        ),
        (
            lambda: Extension(
                name="e",
                publisher="p",
                type="t",
                type_handler_version="1.0",
                provision_after="other",
            ),
            "extension.provision_after",
        ),
    ],
)
def test_bad_parts(build_policy: object, path: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        build_policy()  # type: ignore[operator]
    assert caught.value.path == path, str(caught.value)


@pytest.mark.parametrize(
    ("args", "os", "path"),
    [
        (scale_set_args(), "linux", "scale_set.ssh_public_keys"),
        (
            scale_set_args(ssh_public_keys=["ssh-rsa nope nope"]),
            "linux",
            "scale_set.ssh_public_keys[0]",
        ),
        (
            scale_set_args(ssh_public_keys=[Path("/nonexistent/key.pub")]),
            "linux",
            "scale_set.ssh_public_keys[0]",
        ),
        (linux_args(admin_password="Correct-Horse-42"), "linux", "scale_set.admin_password"),
        (linux_args(), "windows", "scale_set.ssh_public_keys"),
        (scale_set_args(admin_password="short"), "windows", "scale_set.admin_password"),
        (
            scale_set_args(admin_password="alllowercaseletters"),
            "windows",
            "scale_set.admin_password",
        ),
        (
            scale_set_args(computer_name_prefix="toolongname"),
            "windows",
            "scale_set.computer_name_prefix",
        ),
        (scale_set_args(computer_name_prefix="12345"), "windows", "scale_set.computer_name_prefix"),
        (linux_args(computer_name_prefix="bad_name"), "linux", "scale_set.computer_name_prefix"),
        (
            scale_set_args(image=ImageReference(publisher="Canonical", offer="o", sku="s")),
            "windows",
            "scale_set.image",
        ),
        (
            linux_args(
                image=ImageReference(publisher="MicrosoftWindowsServer", offer="o", sku="s")
            ),
            "linux",
            "scale_set.image",
        ),
        (
            linux_args(image=ImageReference(id="/images/win", os="windows")),
            "linux",
            "scale_set.image",
        ),
    ],
)
def test_rules_that_need_the_os(args: ScaleSetArgs, os: OsType, path: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve_scale_set(args, os=os, name="web")
    assert caught.value.path == path, str(caught.value)
