"""Arguments users feed from config, other stacks or generated resources take Outputs.

SSH keys, VM size, capacity, zones, tags, the image id, the subnet id and identity ids accept
``pulumi.Input``: a plain value is refused at construction (as before), an Output whose value
turns out wrong is refused when its value is known, with the same ConfigurationError text,
and a good Output reaches Azure exactly as the plain value would. No message shows an
Output's ``repr``.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pytest
from helpers import SHELL_USER_DATA, SSH_KEY, SUBNET_ID, linux_args

from vmss_components import (
    Autoscale,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    ConfigurationError,
    ImageReference,
    ManagedIdentities,
    ScaleSetArgs,
)
from vmss_components.scaleset import resolve_scale_set
from vmss_components.testing import MockDeployment, reveal

VMSS = "azure-native:compute:VirtualMachineScaleSet"
AUTOSCALE = "azure-native:monitor:AutoscaleSetting"
IDENTITY = (
    "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/ids/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/reader"
)
IMAGE = (
    "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/img/providers/"
    "Microsoft.Compute/galleries/g/images/ubuntu/versions/1.0.0"
)
OTHER_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB8eHRwbGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgEA ci@example"
)

Wrap = Callable[[Any], Any]


@pytest.fixture(autouse=True)
def _finalizers_run_here() -> Iterator[None]:
    """A refused Output leaves futures whose exception Pulumi never read; their finalizers
    run at the next collection. Collect here, so they never run inside a later ``ast.parse``
    (CPython 3.11 raises SystemError when one runs mid-parse)."""
    yield
    gc.collect()


def known(value: Any) -> pulumi.Output[Any]:
    return pulumi.Output.from_input(value)


def secret(value: Any) -> pulumi.Output[Any]:
    return pulumi.Output.secret(value)


def unknown(_: Any) -> pulumi.Output[Any]:
    """An Output whose value is not known (a preview of something not created yet)."""
    loop = asyncio.get_event_loop()

    def done(value: Any) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = loop.create_future()
        future.set_result(value)
        return future

    return pulumi.Output(set(), done(None), done(False), done(False))


def build(**fields: Any) -> CloudInitScaleSet:
    """A Linux scale set (no store: a shell script as user data) with ``fields`` applied."""
    return CloudInitScaleSet(
        "web",
        CloudInitScaleSetArgs(
            scale_set=linux_args(**fields), cloud_config=SHELL_USER_DATA, store=None
        ),
    )


#: field -> (a good value, the input path it reaches at the scale set, the value Azure gets)
GOOD: dict[str, tuple[Any, str, Any]] = {
    "vm_size": ("Standard_B2s", "sku.name", "Standard_B2s"),
    "capacity": (5, "sku.capacity", 5),
    "zones": (["1", "3"], "zones", ["1", "3"]),
    "tags": ({"team": "web"}, "tags", {"team": "web"}),
    "subnet_id": (
        SUBNET_ID,
        "virtualMachineProfile.networkProfile.networkInterfaceConfigurations[0]"
        ".ipConfigurations[0].subnet.id",
        SUBNET_ID,
    ),
}

#: field -> (a bad plain value, the error path, a fragment of the reason)
BAD: dict[str, tuple[Any, str, str]] = {
    "vm_size": ("D2s_v5", "scale_set.vm_size", "is not valid: an Azure VM size"),
    "capacity": (1001, "scale_set.capacity", "1001 is outside 0..1000"),
    "zones": (["1", "4"], "scale_set.zones[1]", "'4' is not one of '1', '2', '3'"),
    "tags": ({"owner": "x" * 300}, "scale_set.tags.owner", "tag value must be a string"),
    "subnet_id": ("  ", "scale_set.subnet_id", "expected a non-empty string"),
    "ssh_public_keys": (["ssh-ed25519 AAAA"], "scale_set.ssh_public_keys[0]", "not an OpenSSH"),
}


@pytest.mark.parametrize("wrap", [known, secret], ids=["known", "secret"])
@pytest.mark.parametrize("field", sorted(GOOD))
def test_a_good_output_reaches_azure_as_the_plain_value_would(
    mocked: MockDeployment, field: str, wrap: Wrap
) -> None:
    value, where, sent = GOOD[field]
    mocked.run(lambda: build(**{field: wrap(value)}))
    assert mocked.resource(VMSS).get(where) == sent


def refuse_plain(field: str, value: Any) -> None:
    """The arguments' and the pure resolve's checks: what a component runs before it
    registers anything (a plain SSH key is read and checked there, as it may be a file)."""
    resolve_scale_set(linux_args(**{field: value}), os="linux", name="web")


@pytest.mark.parametrize("field", sorted(BAD))
def test_a_bad_plain_value_is_refused_at_construction(field: str) -> None:
    value, path, reason = BAD[field]
    with pytest.raises(ConfigurationError) as raised:
        refuse_plain(field, value)
    assert raised.value.path == path
    assert reason in raised.value.reason


@pytest.mark.parametrize("wrap", [known, secret], ids=["known", "secret"])
@pytest.mark.parametrize("field", sorted(BAD))
def test_a_bad_output_is_refused_when_known_with_the_same_text(
    mocked: MockDeployment, field: str, wrap: Wrap
) -> None:
    value = BAD[field][0]
    with pytest.raises(ConfigurationError) as plain:
        refuse_plain(field, value)
    later = refused_when_known(mocked, lambda: build(**{field: _wrapped(field, value, wrap)}))
    assert (later.path, str(later)) == (plain.value.path, str(plain.value))
    assert "pulumi.output" not in str(later).lower()


def refused_when_known(
    deployment: MockDeployment, program: Callable[[], Any]
) -> ConfigurationError:
    """The ConfigurationError an ``apply`` raised: Pulumi reports it while serialising the
    resource's inputs, as ValueErrors whose cause chain leads to it."""
    with pytest.raises(ValueError) as raised:
        deployment.run(program)
    error: BaseException | None = raised.value
    while error is not None and not isinstance(error, ConfigurationError):
        error = error.__cause__ or error.__context__
    assert isinstance(error, ConfigurationError), raised.value
    assert str(error) in str(raised.value), "the message reaches the user as it is"
    return error


def _wrapped(field: str, value: Any, wrap: Wrap) -> Any:
    # A list of keys or zones may be an Output as a whole or hold Outputs: the bad entry as
    # an Output exercises the second form (the first is tested below).
    if field in ("ssh_public_keys", "zones"):
        return [wrap(entry) for entry in value]
    if field == "tags":
        return {key: wrap(entry) for key, entry in value.items()}
    return wrap(value)


@pytest.mark.parametrize(
    ("field", "value", "path", "reason"),
    [
        ("zones", ["2", "2"], "scale_set.zones", "a zone is listed twice"),
        ("tags", {"a/b": "x"}, "scale_set.tags", "tag name 'a/b'"),
        ("ssh_public_keys", [], "scale_set.ssh_public_keys", "at least one SSH public key"),
        ("ssh_public_keys", [SSH_KEY, "nope"], "scale_set.ssh_public_keys[1]", "not an OpenSSH"),
    ],
)
def test_a_whole_list_or_mapping_as_an_output_is_checked_when_known(
    mocked: MockDeployment, field: str, value: Any, path: str, reason: str
) -> None:
    error = refused_when_known(mocked, lambda: build(**{field: known(value)}))
    assert error.path == path
    assert reason in error.reason


def test_ssh_keys_as_one_output_reach_azure(mocked: MockDeployment) -> None:
    mocked.run(lambda: build(ssh_public_keys=secret([SSH_KEY, OTHER_KEY])))
    keys = mocked.resource(VMSS).get(
        "virtualMachineProfile.osProfile.linuxConfiguration.ssh.publicKeys"
    )
    assert [k["keyData"] for k in keys] == [SSH_KEY, OTHER_KEY]
    assert [k["path"] for k in keys] == ["/home/azureuser/.ssh/authorized_keys"] * 2


def test_a_secret_key_stays_secret(mocked: MockDeployment) -> None:
    mocked.run(lambda: build(ssh_public_keys=[secret(SSH_KEY)]))
    sent = mocked.resource(VMSS).inputs["virtualMachineProfile"]
    assert (
        reveal(sent)["osProfile"]["linuxConfiguration"]["ssh"]["publicKeys"][0]["keyData"]
        == SSH_KEY
    )
    assert sent != reveal(sent), "the key from a secret must stay secret"


def test_capacity_as_an_output_is_checked_against_autoscale_and_sets_its_default(
    mocked: MockDeployment,
) -> None:
    bounds = Autoscale(minimum=2, maximum=4)
    error = refused_when_known(mocked, lambda: build(capacity=known(5), autoscale=bounds))
    assert str(error) == "scale_set.capacity: 5 is outside autoscale 2..4"


def test_capacity_as_an_output_is_the_autoscale_default(mocked: MockDeployment) -> None:
    mocked.run(lambda: build(capacity=known(3), autoscale=Autoscale(minimum=2, maximum=4)))
    setting = mocked.resource(AUTOSCALE)
    assert setting.get("profiles[0].capacity") == {"minimum": "2", "maximum": "4", "default": "3"}


def test_a_size_known_later_is_checked_against_trusted_launch_with_the_same_text(
    mocked: MockDeployment,
) -> None:
    with pytest.raises(ConfigurationError) as plain:
        refuse_plain("vm_size", "Standard_D2_v3")
    later = refused_when_known(mocked, lambda: build(vm_size=known("Standard_D2_v3")))
    assert (later.path, str(later)) == (plain.value.path, str(plain.value))
    assert later.path == "scale_set.vm_size"
    # Without Trusted Launch the size is fine (another program: names are unique in one).
    with MockDeployment(speedups=True) as again:
        again.run(lambda: build(vm_size=known("Standard_D2_v3"), trusted_launch=False))


def test_image_and_identity_ids_as_outputs(mocked: MockDeployment) -> None:
    mocked.run(
        lambda: build(
            image=ImageReference(id=known(IMAGE), os="linux", generation="V2"),
            managed_identities=ManagedIdentities(user_assigned_resource_ids=[known(IDENTITY)]),
        )
    )
    vmss = mocked.resource(VMSS)
    assert vmss.get("virtualMachineProfile.storageProfile.imageReference.id") == IMAGE
    assert list(vmss.get("identity.userAssignedIdentities")) == [IDENTITY]


@pytest.mark.parametrize(
    ("make", "path"),
    [
        (lambda: ImageReference(id=known(""), os="linux", generation="V2"), "scale_set.image.id"),
        (
            lambda: ManagedIdentities(user_assigned_resource_ids=[known(" ")]),
            "scale_set.managed_identities.user_assigned_resource_ids[0]",
        ),
    ],
    ids=["image", "identity"],
)
def test_an_empty_image_or_identity_id_output_is_refused_when_known(
    mocked: MockDeployment, make: Callable[[], Any], path: str
) -> None:
    field = "image" if "image" in path else "managed_identities"
    error = refused_when_known(mocked, lambda: build(**{field: make()}))
    assert error.path == path


@pytest.mark.parametrize("field", sorted(BAD))
def test_an_unknown_value_is_not_judged_in_a_preview(previewed: MockDeployment, field: str) -> None:
    if field in ("ssh_public_keys", "zones"):
        value: Any = [unknown(None)]
    elif field == "tags":
        value = {"owner": unknown(None)}
    else:
        value = unknown(None)
    previewed.run(lambda: build(**{field: value}))
    assert previewed.resources_of_type(VMSS)


@pytest.mark.parametrize(
    "field",
    ["orchestration_mode", "os_disk_type", "admin_username", "boot_diagnostics", "image"],
)
def test_a_plain_only_field_given_an_output_says_so_without_its_repr(field: str) -> None:
    async def attempt() -> ConfigurationError:
        with pytest.raises(ConfigurationError) as raised:
            ScaleSetArgs(
                resource_group_name="rg",
                subnet_id=SUBNET_ID,
                upgrade=linux_args().upgrade,
                **{field: pulumi.Output.from_input("x")},
            )
        return raised.value

    error = asyncio.new_event_loop().run_until_complete(attempt())
    assert "<pulumi" not in str(error)
    assert "an Output" in str(error)
