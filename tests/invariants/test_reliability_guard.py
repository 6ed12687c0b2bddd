"""The public-settings guard, library-wide: a value that looks like a secret (a SAS
signature, a storage account key, a field or query parameter named like a password) placed
anywhere it would be public is refused by every component, with the place's path and without
repeating the value; the same places take innocent values.

Places are data (one line each); every place is tried with every kind of secret.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    CANARIES,
    CANARY,
    CANARY_ACCOUNT_KEY,
    CANARY_SAS,
    Kit,
    Packages,
    build_packages,
    edited_config,
    run_stack_program,
    stack_config,
    stack_deployment,
)

from vmss_components import (
    ArtifactStoreArgs,
    ConfigurationError,
    Extension,
    HealthProbe,
)
from vmss_components._guard import secret_reason
from vmss_components.testing import MockDeployment

MOTD = "[MotdFile]Motd;Contents"
IDENTITY = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id"


@dataclass(frozen=True)
class Secretish:
    """One kind of secret: as a field of a mapping (key, value) and as a single text."""

    id: str
    key: str
    value: str
    text: str


KINDS = [
    Secretish(
        "sas-signature", "link", f"https://example.com/site.zip{CANARY_SAS}", f"/probe{CANARY_SAS}"
    ),
    Secretish(
        "account-key",
        "storage",
        f"DefaultEndpointsProtocol=https;AccountName=contoso;{CANARY_ACCOUNT_KEY}",
        f"/probe;{CANARY_ACCOUNT_KEY}",
    ),
    Secretish("password-field", "adminPassword", CANARY, f"/probe?password={CANARY}"),
]
# "Contents" is also a property the sample MOF sets, so the guest parameter place takes it.
INNOCENT = Secretish("innocent", "Contents", "platform-team", "/health.html?ready=1")


@dataclass(frozen=True)
class Place:
    """Somewhere public: ``put(kit, key, value, text)`` builds something with the secret there.
    ``path`` is the error's path, with ``{key}`` for the field's name."""

    id: str
    put: Callable[[Kit, str, str, str], object]
    path: str


def extension(key: str, value: str) -> Extension:
    return Extension(
        name="Extra",
        publisher="Contoso",
        type="Agent",
        type_handler_version="1.0",
        settings={key: value},
    )


def tagged_store_args(key: str, value: str) -> object:
    return ArtifactStoreArgs(resource_group_name="rg", tags={key: value})


# fmt: off
PLACES = [
    Place("dsc-scale-set-tags", lambda k, key, value, text: k.dsc(scale_set=k.windows(tags={key: value})), "scale_set.tags.{key}"),
    Place("cse-linux-scale-set-tags", lambda k, key, value, text: k.cse(scale_set=k.linux(tags={key: value})), "scale_set.tags.{key}"),
    Place("cse-windows-scale-set-tags", lambda k, key, value, text: k.cse(os="windows", scale_set=k.windows(tags={key: value})), "scale_set.tags.{key}"),
    Place("cloud-init-scale-set-tags", lambda k, key, value, text: k.cloud_init(scale_set=k.linux(tags={key: value})), "scale_set.tags.{key}"),
    Place("store-tags", lambda k, key, value, text: tagged_store_args(key, value), "tags.{key}"),
    Place("dsc-extra-extension-settings", lambda k, key, value, text: k.dsc(scale_set=k.windows(extra_extensions=[extension(key, value)])), "extension.settings.{key}"),
    Place("cse-extra-extension-settings", lambda k, key, value, text: k.cse(scale_set=k.linux(extra_extensions=[extension(key, value)])), "extension.settings.{key}"),
    Place("cloud-init-extra-extension-settings", lambda k, key, value, text: k.cloud_init(scale_set=k.linux(extra_extensions=[extension(key, value)])), "extension.settings.{key}"),
    Place("extension-nested-settings", lambda k, key, value, text: Extension(name="E", publisher="P", type="T", type_handler_version="1.0", settings={"outer": [{key: value}]}), "extension.settings.outer[0].{key}"),
    Place("extension-update-tag", lambda k, key, value, text: Extension(name="E", publisher="P", type="T", type_handler_version="1.0", force_update_tag=text), "extension.force_update_tag"),
    Place("dsc-health-probe-path", lambda k, key, value, text: k.dsc(scale_set=k.windows(health=HealthProbe(request_path=text))), "scale_set.health.request_path"),
    Place("cse-health-probe-path", lambda k, key, value, text: k.cse(scale_set=k.linux(health=HealthProbe(request_path=text))), "scale_set.health.request_path"),
    Place("cloud-init-health-probe-path", lambda k, key, value, text: k.cloud_init(scale_set=k.linux(health=HealthProbe(protocol="https", port=443, request_path=text))), "scale_set.health.request_path"),
    Place("dsc-configuration-arguments", lambda k, key, value, text: k.dsc(configuration_arguments={"SiteTitle": "Contoso", key: value}), "configuration_arguments.{key}"),
    Place("dsc-nested-configuration-arguments", lambda k, key, value, text: k.dsc(configuration_arguments={"SiteTitle": "Contoso", "Site": {key: value}}), "configuration_arguments.Site.{key}"),
    Place("guest-parameters", lambda k, key, value, text: k.guest(parameters={f"[MotdFile]Motd;{key}": value}), "parameters.[MotdFile]Motd;{key}"),
    Place("cse-public-file-uri-managed-identity", lambda k, key, value, text: k.cse(download="managed_identity", download_identity_resource_id=IDENTITY, file_uris=[f"https://example.com{text}/tool.sh" if "?" not in text else f"https://example.com/tool.sh{text[text.index('?'):]}"]), "file_uris[0]"),
]
# fmt: on


def query_only(kind: Secretish) -> bool:
    return "?" in kind.text


CASES = [
    pytest.param(place, kind, id=f"{place.id}[{kind.id}]")
    for place in PLACES
    for kind in KINDS
    # A file URI's secret rides in its query; the account key form has none.
    if not (place.id.startswith("cse-public-file-uri") and not query_only(kind))
]


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    return build_packages(tmp_path_factory.mktemp("guard-packages"))


def test_every_place_meets_every_kind() -> None:
    assert len(PLACES) >= 15 and len(KINDS) == 3
    assert len(CASES) >= 45


@pytest.mark.parametrize(("place", "kind"), CASES)
def test_a_secret_where_it_would_be_public_is_refused(
    place: Place, kind: Secretish, packages: Packages, tmp_path: Path
) -> None:
    kit = Kit(tmp_path, packages)
    with MockDeployment(speedups=True) as deployment, pytest.raises(ConfigurationError) as raised:
        deployment.run(lambda: place.put(kit, kind.key, kind.value, kind.text))
    error = raised.value
    assert error.path == place.path.format(key=kind.key), str(error)
    assert any(word in error.reason for word in ("secret", "credential", "token")), str(error)
    assert not [c for c in CANARIES if c in str(error)], str(error)
    # Refused before the component registered anything of its own.
    assert not [r.name for r in deployment.resources if "bad" in r.name]


def test_the_same_places_take_innocent_values(packages: Packages, tmp_path: Path) -> None:
    """The guard refuses secrets, not settings: every place accepts an ordinary value."""
    kit = Kit(tmp_path, packages)
    built: list[object] = []

    def program() -> None:
        for index, place in enumerate(PLACES):
            # Each component under its own name, so the store keys do not collide.
            own = Kit(kit.tmp, kit.packages, kit.used, kit._made)
            original = {m: getattr(own, m) for m in ("dsc", "cse", "cloud_init", "guest")}
            for method, build in original.items():
                setattr(own, method, _renamed(build, f"ok{index}"))
            built.append(place.put(own, INNOCENT.key, INNOCENT.value, INNOCENT.text))

    with MockDeployment(speedups=True) as deployment:
        deployment.run(program)
    assert len(built) == len(PLACES)
    assert deployment.resources_of_type("azure-native:compute:VirtualMachineScaleSet")


def _renamed(build: Callable[..., Any], name: str) -> Callable[..., Any]:
    return lambda *args, **kwargs: build(name, **kwargs)


@pytest.mark.parametrize("kind", KINDS, ids=[kind.id for kind in KINDS])
def test_stack_config_tags_are_guarded(kind: Secretish) -> None:
    values, secret_keys = stack_config("dev")
    edited = edited_config(values, {"tags": {kind.key: kind.value}})
    with (
        stack_deployment("dev", edited, secret_keys) as deployment,
        pytest.raises(ConfigurationError) as raised,
    ):
        run_stack_program(deployment)
    assert raised.value.path == f"vmss-components:tags.{kind.key}"
    assert not [c for c in CANARIES if c in str(raised.value)]
    assert deployment.resources == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (None, f"https://a.blob.core.windows.net/c/b.zip{CANARY_SAS}"),
        (None, "sig=abcdefghijkl"),
        (None, CANARY_ACCOUNT_KEY),
        (None, "Endpoint=sb://x/;SharedAccessSignature=sr=abc"),
        (None, "/health?token=abc123"),
        (None, "https://example.com/file?api_key=abc"),
        ("password", "x"),
        ("adminPassword", "x"),
        ("client_secret", "x"),
        ("storageAccountKey", "x"),
        ("connectionString", "x"),
        ("sasToken", "x"),
        ("pwd", "x"),
    ],
)
def test_what_looks_secret(key: str | None, value: str) -> None:
    assert secret_reason(key, value) is not None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("owner", "platform"),
        ("url", "https://a.blob.core.windows.net/c/b.zip"),
        ("requestPath", "/health.html?ready=1"),
        ("design", "signature=none"),
        ("tokenizer", "words"),
        ("passwordPolicy", None),
    ],
)
def test_what_does_not(key: str, value: str | None) -> None:
    # A name that only starts like a credential field (passwordPolicy) is a setting.
    assert secret_reason(key, value) is None


def test_the_canaries_are_what_the_cases_hide() -> None:
    assert CANARY in KINDS[2].value and CANARY_SAS in KINDS[0].value
