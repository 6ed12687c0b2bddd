"""The library-wide canary sweep (issue 14): no path leaks a secret.

A unique canary goes into every secret-bearing argument of every component: plain,
``Output``-wrapped (secret and not) and nested in mappings and lists. After each deployment
(update and preview) no canary may be found in:

- any registered input outside a protected or secret place (a ``Secret`` value, or
  ``protectedSettings`` / ``adminPassword`` / ``customData`` / ``configurationProtectedParameter``),
- any output a component registers,
- ``repr``/``str`` of every args object, of the specs and of every attribute of the
  components (``.spec``, ``.extensions`` ...),
- any warning,
- any file of the package cache.

At least 50 wrong inputs carry a canary too; each is refused with a ConfigurationError
whose message (and every warning) holds none. The offline plan of the committed stacks with
canary passwords holds none in its text, JSON, Mermaid graph and ``--compare`` report.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from helpers import REPO, Kit, Packages, build_packages

from vmss_components import (
    ArtifactStoreArgs,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    ConfigurationError,
    CustomScriptScaleSet,
    CustomScriptScaleSetArgs,
    DscScaleSet,
    DscScaleSetArgs,
    Extension,
    GuestAssignment,
    GuestAssignmentArgs,
    HealthProbe,
    Package,
    ScaleSetArgs,
)
from vmss_components.testing import MockDeployment, Secret
from vmss_plan import PlanDocument, build_document, load_project, run_plan
from vmss_plan.graph import mermaid
from vmss_plan.render import render
from vmss_plan.rollout import rollout_report

#: Keys whose values Azure keeps secret wherever they appear (the plan's SECRET_KEYS).
PROTECTED_KEYS = frozenset(
    {"protectedSettings", "adminPassword", "customData", "configurationProtectedParameter"}
    # The scale-set components return the admin password as a secret output.
    | {"admin_password"}
)
MOTD = "[MotdFile]Motd;Contents"


def canary(label: str) -> str:
    """A unique canary: complex enough to be a valid Windows password, found nowhere else."""
    return f"Cnry-{label}-{hashlib.sha256(label.encode()).hexdigest()[:10]}-Z9!"


class Canaries:
    """The canaries one deployment hands out, by label."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.given: list[str] = []

    def __call__(self, label: str) -> str:
        value = canary(f"{self.prefix}-{label}")
        self.given.append(value)
        return value

    def found_in(self, text: str) -> list[str]:
        return [value for value in self.given if value in text]


def wrap(kind: str, value: Any) -> Any:
    if kind == "secret":
        return pulumi.Output.secret(value)
    if kind == "output":
        return pulumi.Output.from_input(value)
    return value


# --- Where a canary must never be ----------------------------------------------------------


def public_strings(value: Any, key: str | None = None, hidden: bool = False) -> Iterator[str]:
    """Every string of a recorded value outside a protected place.

    A :class:`Secret` is looked into: one secret field makes Pulumi send the whole property
    holding it as a secret (the scale set's ``virtualMachineProfile``, public extension
    settings included), and the state and plan mask it, but Azure stores the public parts in
    plain text. Only the places Azure keeps secret (:data:`PROTECTED_KEYS`) are left out,
    and only when they are sent as secrets (``hidden``).
    """
    hidden = hidden or isinstance(value, Secret)
    if key in PROTECTED_KEYS and hidden:
        return
    if isinstance(value, Secret):
        yield from public_strings(value.value, key, hidden)
    elif isinstance(value, dict):
        for child_key, child in value.items():
            yield str(child_key)
            yield from public_strings(child, str(child_key), hidden)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from public_strings(item, None, hidden)
    elif isinstance(value, str):
        yield value


def cache_bytes(cache: Path) -> Iterator[tuple[Path, bytes]]:
    for path in cache.rglob("*"):
        if path.is_file():
            yield path, path.read_bytes()


def assert_no_leak(
    canaries: Canaries,
    deployment: MockDeployment,
    objects: list[Any],
    cache: Path,
) -> None:
    assert canaries.given, "the case handed out no canary"
    for resource in deployment.resources:
        for text in public_strings(resource.inputs):
            assert not canaries.found_in(text), (resource.type, resource.name, text[:200])
        if not resource.custom:
            for text in public_strings(resource.outputs):
                assert not canaries.found_in(text), (resource.type, resource.name, "output")
    for item in objects:
        for shown in (repr(item), str(item)):
            assert not canaries.found_in(shown), (type(item).__name__, shown[:300])
    for warning in deployment.warnings:
        assert not canaries.found_in(warning), warning
    for path, data in cache_bytes(cache):
        assert not [c for c in canaries.given if c.encode() in data], path


def component_views(component: Any) -> list[Any]:
    """What a user may print of a component: its attributes (``.spec``, ``.extensions``...)."""
    views: list[Any] = [vars(component)]
    for name in ("spec", "extensions", "artifacts"):
        if hasattr(component, name):
            views.append(getattr(component, name))
    return views


# --- Valid deployments carrying canaries ----------------------------------------------------

KINDS = ("plain", "secret", "output")


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    return build_packages(tmp_path_factory.mktemp("sweep-packages"))


def _extra_extension(c: Canaries, kind: str) -> Extension:
    return Extension(
        name="ContosoAgent",
        publisher="Contoso",
        type="Agent",
        type_handler_version="1.0",
        settings={"region": "westeurope"},
        protected_settings={
            "apiKey": wrap(kind, c("ext-key")),
            "nested": {"list": [c("ext-nested")], "token": wrap(kind, c("ext-token"))},
        },
    )


def dsc_case(kit: Kit, c: Canaries, kind: str) -> list[Any]:
    scale_set = kit.windows(
        admin_password=wrap(kind, c("admin")), extra_extensions=[_extra_extension(c, kind)]
    )
    args = DscScaleSetArgs(
        scale_set=scale_set,
        store=kit.store(),
        package=kit.packages.dsc,
        configuration_arguments={"SiteTitle": "Contoso"},
        protected_configuration_arguments={
            "AppPoolCredential": {"userName": "apppool", "password": wrap(kind, c("apppool"))}
        },
    )
    component = DscScaleSet("sweep", args)
    return [args, scale_set, *component_views(component)]


def cse_command_case(kit: Kit, c: Canaries, kind: str) -> list[Any]:
    scale_set = kit.linux(extra_extensions=[_extra_extension(c, kind)])
    args = CustomScriptScaleSetArgs(
        scale_set=scale_set,
        os="linux",
        # A SAS URL is taken: the component moves every file URI into protected settings.
        file_uris=[
            "https://example.com/tools/run.sh",
            f"https://acct.blob.core.windows.net/c/tool.sh?sv=2022-11-02&sig={c('sas')}",
            f"https://acct.blob.core.windows.net/c/more.sh?sv=2022-11-02&%73ig={c('sas2')}",
        ],
        command=wrap(kind, f"sh run.sh --license {c('command')}"),
    )
    component = CustomScriptScaleSet("sweep", args)
    return [args, *component_views(component)]


def cse_script_case(kit: Kit, c: Canaries, kind: str) -> list[Any]:
    args = CustomScriptScaleSetArgs(
        scale_set=kit.linux(extra_extensions=[_extra_extension(c, kind)]),
        os="linux",
        script=f"#!/bin/sh\necho 'license {c('script')}'\n",
    )
    component = CustomScriptScaleSet("sweep", args)
    return [args, *component_views(component)]


def cloud_init_case(kit: Kit, c: Canaries, kind: str) -> list[Any]:
    config = {
        "users": ["default", {"name": "app", "passwd": c("passwd"), "lock_passwd": True}],
        "runcmd": [f"echo root:{c('chpasswd')} | chpasswd", ["app", "--token", c("argv")]],
        "write_files": [{"path": "/etc/app.env", "content": f"TOKEN={c('file')}\n"}],
    }
    document: Any = config if kind != "secret" else "#cloud-config\n" + yaml.safe_dump(config)
    args = CloudInitScaleSetArgs(
        scale_set=kit.linux(extra_extensions=[_extra_extension(c, kind)]), cloud_config=document
    )
    component = CloudInitScaleSet("sweep", args)
    return [args, *component_views(component)]


def guest_case(kit: Kit, c: Canaries, kind: str) -> list[Any]:
    args = GuestAssignmentArgs(
        package=kit.packages.mc,
        store=kit.store(),
        target=kit.target(),
        protected_parameters={MOTD: wrap(kind, c("parameter"))},
    )
    component = GuestAssignment("sweep", args)
    return [args, *component_views(component)]


CASES: dict[str, Callable[[Kit, Canaries, str], list[Any]]] = {
    "dsc": dsc_case,
    "cse-command": cse_command_case,
    "cse-script": cse_script_case,
    "cloud-init": cloud_init_case,
    "guest-assignment": guest_case,
}


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_no_secret_argument_leaks(
    case: str,
    kind: str,
    preview: bool,
    packages: Packages,
    tmp_path: Path,
    package_cache: Path,
) -> None:
    kit = Kit(tmp_path, packages)
    c = Canaries(f"{case}-{kind}")
    objects: list[Any] = []
    with MockDeployment(preview=preview, speedups=True) as deployment:
        deployment.run(lambda: objects.extend(CASES[case](kit, c, kind)))
        assert deployment.resources
        assert_no_leak(c, deployment, objects, package_cache)


# --- Wrong inputs carrying canaries ----------------------------------------------------------


@dataclass(frozen=True)
class Wrong:
    id: str
    build: Callable[[Kit, str], object]


def _ext(**overrides: Any) -> Extension:
    values: dict[str, Any] = {
        "name": "Agent",
        "publisher": "Contoso",
        "type": "Agent",
        "type_handler_version": "1.0",
    }
    values.update(overrides)
    return Extension(**values)


def _uri(k: Kit, uri: str) -> object:
    return k.cse(os="linux", file_uris=[uri], command="sh run.sh")


URL_FORMS = {
    "userinfo": "https://deploy:{c}@files.example.com/run.sh",
    "userinfo-http": "http://deploy:{c}@files.example.com/run.sh",
    "aws-signature": "https://b.s3.amazonaws.com/run.sh?X-Amz-Signature={c}",
    "aws-credential": "https://b.s3.amazonaws.com/run.sh?X-Amz-Credential={c}",
    "aws-token": "https://b.s3.amazonaws.com/run.sh?X-Amz-Security-Token={c}",
    "gcs-signature": "https://storage.googleapis.com/b/run.sh?Signature={c}",
    "gcs-goog": "https://storage.googleapis.com/b/run.sh?X-Goog-Signature={c}",
    "functions-code": "https://fn.azurewebsites.net/api/run.sh?code={c}",
    "oauth": "https://example.com/run.sh?access_token={c}",
    "token": "https://example.com/run.sh?token={c}",
    "key": "https://example.com/run.sh?key={c}",
    "private-token": "https://gitlab.example.com/run.sh?private_token={c}",
    "percent-token": "https://example.com/run.sh?%74oken={c}",
    "fragment-token": "https://example.com/run.sh#access_token={c}",
}

# fmt: off
WRONG = [
    # Scale-set arguments
    Wrong("admin-password-bytes", lambda k, c: k.dsc(scale_set=k.windows(admin_password=c.encode()))),
    Wrong("admin-password-list", lambda k, c: k.dsc(scale_set=k.windows(admin_password=[c]))),
    Wrong("admin-password-mapping", lambda k, c: k.dsc(scale_set=k.windows(admin_password={"p": c}))),
    Wrong("admin-password-weak", lambda k, c: k.dsc(scale_set=k.windows(admin_password="weak" + c.lower().replace("-", "").replace("!", "")))),
    Wrong("admin-password-too-long", lambda k, c: k.dsc(scale_set=k.windows(admin_password=c * 12))),
    Wrong("tag-named-token", lambda k, c: k.dsc(scale_set=k.windows(tags={"GithubToken": c}))),
    Wrong("tag-with-sas", lambda k, c: k.dsc(scale_set=k.windows(tags={"link": f"https://a.example/x?sig={c}"}))),
    Wrong("probe-path-code", lambda k, c: k.dsc(scale_set=k.windows(health=HealthProbe(request_path=f"/health?code={c}")))),
    Wrong("probe-path-access-token", lambda k, c: k.dsc(scale_set=k.windows(health=HealthProbe(request_path=f"/health?access_token={c}")))),
    Wrong("extension-given-as-mapping", lambda k, c: k.dsc(scale_set=k.windows(extra_extensions=[{"protectedSettings": {"k": c}}]))),
    # Extensions
    Wrong("settings-password", lambda k, c: _ext(settings={"password": c})),
    Wrong("settings-password-output", lambda k, c: _ext(settings={"password": pulumi.Output.secret(c)})),
    Wrong("settings-nested-token", lambda k, c: _ext(settings={"auth": {"apiToken": c}})),
    Wrong("settings-list-of-secrets", lambda k, c: _ext(settings={"items": [{"clientSecret": c}]})),
    Wrong("settings-userinfo", lambda k, c: _ext(settings={"url": f"https://u:{c}@h.example/x"})),
    Wrong("settings-connection-string", lambda k, c: _ext(settings={"db": f"DefaultEndpointsProtocol=https;AccountKey=QUFBQUFB{c}"})),
    Wrong("protected-settings-text", lambda k, c: _ext(protected_settings=c)),
    Wrong("protected-settings-list", lambda k, c: _ext(protected_settings=[c])),
    Wrong("protected-settings-and-bad-name", lambda k, c: _ext(name=42, protected_settings={"k": c})),
    # Custom Script
    Wrong("command-bytes", lambda k, c: k.cse(command=c.encode())),
    Wrong("command-list", lambda k, c: k.cse(command=[c])),
    Wrong("command-and-script", lambda k, c: k.cse(command=c, script=f"echo {c}")),
    Wrong("script-bytes", lambda k, c: k.cse(command=None, script=c.encode())),
    Wrong("script-mapping", lambda k, c: k.cse(command=None, script={"s": c})),
    Wrong("cse-args-given-to-dsc", lambda k, c: k.dsc(**{"scale_set": CustomScriptScaleSetArgs(scale_set=k.windows(admin_password=c), os="windows", command=c)})),
    *[Wrong(f"file-uri-{name}", lambda k, c, form=form: _uri(k, form.format(c=c))) for name, form in URL_FORMS.items()],
    # DSC
    Wrong("dsc-public-password", lambda k, c: k.dsc(configuration_arguments={"SiteTitle": "x", "AdminPassword": c})),
    Wrong("dsc-public-password-output", lambda k, c: k.dsc(configuration_arguments={"SiteTitle": "x", "AdminPassword": pulumi.Output.secret(c)})),
    Wrong("dsc-public-userinfo", lambda k, c: k.dsc(configuration_arguments={"SiteTitle": f"https://u:{c}@h/"})),
    Wrong("dsc-protected-unknown", lambda k, c: k.dsc(protected_configuration_arguments={"NoSuchParameter": c})),
    Wrong("dsc-protected-text", lambda k, c: k.dsc(protected_configuration_arguments=c)),
    Wrong("dsc-protected-both", lambda k, c: k.dsc(configuration_arguments={"SiteTitle": "x", "AppPoolCredential": "u"}, protected_configuration_arguments={"AppPoolCredential": {"userName": "u", "password": c}})),
    # Guest assignment
    Wrong("guest-public-credential", lambda k, c: k.guest(parameters={"[MotdFile]Motd;Password": c})),
    Wrong("guest-protected-unknown", lambda k, c: k.guest(protected_parameters={"[MotdFile]Nope;Contents": c})),
    Wrong("guest-protected-list", lambda k, c: k.guest(protected_parameters={MOTD: [c]})),
    Wrong("guest-protected-number-like", lambda k, c: k.guest(protected_parameters={MOTD: {"v": c}})),
    Wrong("guest-protected-text", lambda k, c: k.guest(protected_parameters=c)),
    Wrong("guest-args-are-dsc-args", lambda k, c: k.guest(package=DscScaleSetArgs)),
    # cloud-init
    Wrong("cloud-init-chpasswd-expire", lambda k, c: k.cloud_init(cloud_config={"chpasswd": {"expire": c}})),
    Wrong("cloud-init-users-bad", lambda k, c: k.cloud_init(cloud_config={"users": [{"name": "bob", "plain_text_passwd": c, "lock_passwd": "maybe"}]})),
    Wrong("cloud-init-runcmd-string", lambda k, c: k.cloud_init(cloud_config={"runcmd": f"echo root:{c} | chpasswd"})),
    Wrong("cloud-init-write-files-item", lambda k, c: k.cloud_init(cloud_config={"write_files": [c]})),
    Wrong("cloud-init-yaml-error", lambda k, c: k.cloud_init(cloud_config=f"#cloud-config\nusers:\n  - name: bob\n    passwd: {c}: x\n")),
    Wrong("cloud-init-include-userinfo", lambda k, c: k.cloud_init(cloud_config=f"#include\nftp://admin:{c}@files.example.com/a.yaml\n")),
    Wrong("cloud-init-unknown-format", lambda k, c: k.cloud_init(cloud_config=f"{c}\necho hi\n")),
    Wrong("cloud-init-args-wrong-type", lambda k, c: k.cloud_init(scale_set=ScaleSetArgs)),
    Wrong("cloud-init-artifact-key-token", lambda k, c: k.cloud_init(cloud_config=f"#!/bin/sh\necho {c}\n", artifacts={"apitoken": Package.from_content("a.txt", "a")}, store=k.store())),
    # Packages
    Wrong("content-bytearray", lambda k, c: Package.from_content("a.sh", bytearray(c.encode()))),
    Wrong("content-list", lambda k, c: Package.from_content("a.sh", [c])),
    # Components given the wrong args object (its repr would print every field)
    Wrong("dsc-given-cse-args", lambda k, c: DscScaleSet("bad", CustomScriptScaleSetArgs(scale_set=k.windows(admin_password=c), os="windows", command=c))),
    Wrong("cse-given-dsc-args", lambda k, c: CustomScriptScaleSet("bad", DscScaleSetArgs(scale_set=k.windows(admin_password=c), store=k.store(), package=k.packages.dsc, protected_configuration_arguments={"AppPoolCredential": {"userName": "u", "password": c}}))),
    Wrong("cloud-init-given-cse-args", lambda k, c: CloudInitScaleSet("bad", CustomScriptScaleSetArgs(scale_set=k.linux(), os="linux", command=c))),
    Wrong("guest-given-cse-args", lambda k, c: GuestAssignment("bad", CustomScriptScaleSetArgs(scale_set=k.linux(), os="linux", command=c))),
    Wrong("store-tag-password", lambda k, c: ArtifactStoreArgs(resource_group_name="rg", tags={"password": c})),
    Wrong("store-shared-key-access-mapping", lambda k, c: ArtifactStoreArgs(resource_group_name="rg", shared_key_access={"key": c})),
    Wrong("computer-name-prefix-mapping", lambda k, c: k.dsc(scale_set=k.windows(computer_name_prefix={"p": c}))),
    Wrong("tag-named-token-output", lambda k, c: k.dsc(scale_set=k.windows(tags={"GithubToken": pulumi.Output.secret(c)}))),
    Wrong("settings-connection-string-password", lambda k, c: _ext(settings={"db": f"Server=db;Password={c}"})),
    Wrong("settings-service-bus-key", lambda k, c: _ext(settings={"bus": f"Endpoint=sb://ns/;SharedAccessKey={c}"})),
    Wrong("settings-path-parameter-sig", lambda k, c: _ext(settings={"url": f"https://a.example/run.sh;sig={c}"})),
]
# fmt: on


def test_the_wrong_inputs_are_many_and_distinct() -> None:
    assert len(WRONG) >= 50
    assert len({w.id for w in WRONG}) == len(WRONG)


@pytest.mark.parametrize("wrong", WRONG, ids=[w.id for w in WRONG])
def test_a_wrong_input_never_repeats_its_canary(
    wrong: Wrong, packages: Packages, tmp_path: Path, package_cache: Path
) -> None:
    kit = Kit(tmp_path, packages)
    secret = canary(wrong.id)
    with MockDeployment(speedups=True) as deployment, pytest.raises(ConfigurationError) as raised:
        deployment.run(lambda: wrong.build(kit, secret))
    message = str(raised.value)
    assert secret not in message, message
    assert secret not in repr(raised.value)
    assert not [w for w in deployment.warnings if secret in w]
    for path, data in cache_bytes(package_cache):
        assert secret.encode() not in data, path


# --- The offline plan -------------------------------------------------------------------------


ADMIN = canary("plan-admin")
APP_POOL = canary("plan-app-pool")


def _project(root: Path, admin: str, app_pool: str) -> Path:
    root.mkdir(parents=True)
    shutil.copy(REPO / "Pulumi.yaml", root / "Pulumi.yaml")
    shutil.copytree(REPO / "stacks", root / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    path = root / "stacks" / "Pulumi.dev.yaml"
    document = yaml.safe_load(path.read_text())
    name = yaml.safe_load((root / "Pulumi.yaml").read_text())["name"]
    document["config"][f"{name}:adminPassword"] = admin
    document["config"][f"{name}:appPoolPassword"] = app_pool
    path.write_text(yaml.safe_dump(document))
    return root


def test_the_plan_never_shows_a_secret(tmp_path: Path, package_cache: Path) -> None:
    before = build_document(
        run_plan(load_project(_project(tmp_path / "a", ADMIN, APP_POOL)), "dev")
    )
    changed_admin, changed_pool = canary("plan-admin-2"), canary("plan-app-pool-2")
    after = build_document(
        run_plan(load_project(_project(tmp_path / "b", changed_admin, changed_pool)), "dev")
    )
    texts = {
        "json": before.to_json() + after.to_json(),
        "text": render(before) + render(after),
        "mermaid": mermaid(before) + mermaid(after),
        "compare": rollout_report(before, after) + rollout_report(after, before),
        "compare-json": PlanDocument.from_json(after.to_json()).to_json(),
    }
    for where, text in texts.items():
        for secret in (ADMIN, APP_POOL, changed_admin, changed_pool):
            assert secret not in text, where
    assert "secret changed" in texts["compare"]
    for path, data in cache_bytes(package_cache):
        for secret in (ADMIN, APP_POOL, changed_admin, changed_pool):
            assert secret.encode() not in data, path
