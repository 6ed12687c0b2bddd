"""Trusted Launch, decided before anything exists: image generations, sizes, the opt-out."""

from __future__ import annotations

import pytest
from helpers import linux_args, scale_set_args

from vmss_components import ConfigurationError, ImageReference
from vmss_components.scaleset import resolve_scale_set
from vmss_components.scaleset.trusted_launch import (
    marketplace_generation,
    unsupported_size_family,
)

GALLERY_IMAGE = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/img/providers/"
    "Microsoft.Compute/galleries/g/images/web/versions/1.0.0"
)


@pytest.mark.parametrize(
    ("publisher", "offer", "sku", "generation"),
    [
        ("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition", "V2"),
        ("MicrosoftWindowsServer", "WindowsServer", "2025-datacenter-azure-edition-core", "V2"),
        ("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-g2", "V2"),
        ("MicrosoftWindowsServer", "WindowsServer", "2019-datacenter-gensecond", "V2"),
        ("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter", None),
        ("Canonical", "ubuntu-24_04-lts", "server", "V2"),
        ("Canonical", "ubuntu-24_04-lts", "server-gen1", "V1"),
        ("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2", "V2"),
        ("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts", "V1"),
        ("Canonical", "UbuntuServer", "18.04-LTS", "V1"),
        ("RedHat", "RHEL", "9-lvm-gen2", "V2"),
        ("RedHat", "RHEL", "9-lvm", None),
    ],
)
def test_marketplace_generations_are_read_from_the_sku(
    publisher: str, offer: str, sku: str, generation: str | None
) -> None:
    assert marketplace_generation(publisher, offer, sku) == generation


@pytest.mark.parametrize(
    ("size", "unsupported"),
    [
        ("Standard_D2s_v5", False),
        ("Standard_B2s", False),
        ("Standard_D4ds_v5", False),
        ("Standard_E4s_v3", False),
        ("Standard_M64bds_v4", False),
        ("Standard_A2_v2", True),
        ("Basic_A1", True),
        ("standard_d2_v3", True),
        ("Standard_D3_v2", True),
        ("Standard_E8_v3", True),
        ("Standard_DC2s_v3", True),
        ("Standard_M128ms", True),
        ("Standard_D4ps_v5", True),
        ("Standard_NC6", True),
        ("Standard_NV12", True),
    ],
)
def test_sizes_that_cannot_run_trusted_launch(size: str, unsupported: bool) -> None:
    assert (unsupported_size_family(size) is not None) == unsupported


@pytest.mark.rule(
    "trusted-launch-needs-generation-2", path="scale_set.trusted_launch", case="valid"
)
def test_the_default_images_get_trusted_launch() -> None:
    assert resolve_scale_set(scale_set_args(), os="windows", name="web").trusted_launch
    assert resolve_scale_set(linux_args(), os="linux", name="app").trusted_launch


def test_the_opt_out_and_generation_1_images() -> None:
    assert not resolve_scale_set(
        linux_args(trusted_launch=False), os="linux", name="app"
    ).trusted_launch
    gen1 = ImageReference(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server-gen1")
    # The default follows the image: a Generation 1 image runs without it.
    assert not resolve_scale_set(linux_args(image=gen1), os="linux", name="app").trusted_launch


@pytest.mark.rule(
    "trusted-launch-needs-generation-2", path="scale_set.trusted_launch", case="violation"
)
def test_trusted_launch_asked_for_on_a_generation_1_image() -> None:
    gen1 = ImageReference(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server-gen1")
    with pytest.raises(ConfigurationError) as caught:
        resolve_scale_set(linux_args(image=gen1, trusted_launch=True), os="linux", name="app")
    assert caught.value.path == "scale_set.trusted_launch"
    assert "Generation 1" in caught.value.reason


@pytest.mark.rule(
    "trusted-launch-needs-generation-2", path="scale_set.image.generation", case="violation"
)
def test_an_image_of_unknown_generation_must_state_it() -> None:
    custom = ImageReference(id=GALLERY_IMAGE, os="linux")
    with pytest.raises(ConfigurationError) as caught:
        resolve_scale_set(linux_args(image=custom), os="linux", name="app")
    assert caught.value.path == "scale_set.image.generation"
    assert "trusted_launch=False" in caught.value.reason
    stated = ImageReference(id=GALLERY_IMAGE, os="linux", generation="V2")
    assert resolve_scale_set(linux_args(image=stated), os="linux", name="app").trusted_launch
    # Opting out needs no generation.
    assert not resolve_scale_set(
        linux_args(image=custom, trusted_launch=False), os="linux", name="app"
    ).trusted_launch


@pytest.mark.rule("trusted-launch-size-supported", path="scale_set.vm_size", case="violation")
def test_a_size_that_cannot_run_it_is_refused_unless_opted_out() -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve_scale_set(linux_args(vm_size="Standard_D2_v3"), os="linux", name="app")
    assert caught.value.path == "scale_set.vm_size"
    assert "Dv3-series" in caught.value.reason and "trusted_launch=False" in caught.value.reason
    spec = resolve_scale_set(
        linux_args(vm_size="Standard_D2_v3", trusted_launch=False), os="linux", name="app"
    )
    assert not spec.trusted_launch


@pytest.mark.rule("trusted-launch-size-supported", path="scale_set.vm_size", case="valid")
def test_a_supported_size_passes() -> None:
    assert resolve_scale_set(linux_args(vm_size="Standard_B2s"), os="linux", name="app")


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("trusted_launch", "yes", "scale_set.trusted_launch"),
    ],
)
def test_wrong_types(field: str, value: object, path: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        linux_args(**{field: value})
    assert caught.value.path == path
    with pytest.raises(ConfigurationError) as caught:
        ImageReference(id=GALLERY_IMAGE, generation="V3")  # type: ignore[arg-type]
    assert caught.value.path == "scale_set.image.generation"
