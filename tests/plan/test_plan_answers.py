"""vmss-plan plans a program that reads another stack and looks up existing resources.

The fixture is a user's project as Pulumi's default Python layout makes it, with a folder
``main`` (``main: infra/``), a ``venv/`` inside the project folder, its own ``components/``
package, an explicit azure-native provider, a ``StackReference`` and a subnet lookup
(``network.get_subnet_output``). ``vmss-plan`` plans it with the answers given on the command
line (``--stack-outputs``, ``--invokes``, ``--mocks``); the same program run the way the
Pulumi Python host runs it (``runpy`` from the main folder) with the same answers gives the
same plan. A question nothing answers is one line naming it and how to answer it (exit 2).
"""

from __future__ import annotations

import gc
import io
import json
import os
import runpy
import sys
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from vmss_components.testing import MockDeployment
from vmss_plan import cli, load_project
from vmss_plan.answers import Answers, PlanMocks, read_invokes, read_stack_outputs
from vmss_plan.document import build_document
from vmss_plan.project import load_stack_config
from vmss_plan.runner import PlanRun, locate_program

SSH_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f ops@example"
)
SUBNET_ID = (
    "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-net/providers/"
    "Microsoft.Network/virtualNetworks/vnet/subnets/vms"
)
REFERENCE = "org/network/dev"
STUB = "vmss_answers_test_stub"
SUBNET_TOKEN = "azure-native:network:getSubnet"
VMSS = "azure-native:compute:VirtualMachineScaleSet"

PROGRAM = f'''\
from pathlib import Path

import pulumi
import pulumi_azure_native as azure_native
from pulumi_azure_native import network

from components.naming import name_of
from {STUB} import PREFIX
from vmss_components import (
    UPGRADE_MODES,
    CloudInitScaleSet,
    CloudInitScaleSetArgs,
    ScaleSetArgs,
    UpgradePolicy,
    choice,
)

config = pulumi.Config()
provider = azure_native.Provider(
    "second", subscription_id="11111111-1111-1111-1111-111111111111"
)
network_stack = pulumi.StackReference("{REFERENCE}")
subnet = network.get_subnet_output(
    resource_group_name="rg-net",
    virtual_network_name="vnet",
    subnet_name="vms",
    opts=pulumi.InvokeOutputOptions(provider=provider),
)
app = CloudInitScaleSet(
    name_of("app"),
    CloudInitScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name=network_stack.get_output("resourceGroupName"),
            subnet_id=subnet.id,
            upgrade=UpgradePolicy(
                mode=choice(config.require("upgradeMode"), UPGRADE_MODES, "upgradeMode")
            ),
            vm_size=config.require("vmSize"),
            ssh_public_keys=network_stack.get_output("sshPublicKeys"),
        ),
        cloud_config=Path("files/setup.sh").read_text(),
        store=None,
    ),
    opts=pulumi.ResourceOptions(provider=provider),
)
pulumi.export("subnet_id", subnet.id)
pulumi.export("prefix", PREFIX)
pulumi.export("keys", network_stack.get_output("sshPublicKeys"))
'''

USER_MOCKS = f'''\
import pulumi


class NetworkMocks(pulumi.runtime.Mocks):
    """Answers the subnet lookup; nothing else (None)."""

    def new_resource(self, args):
        return None

    def call(self, args):
        if args.token == "{SUBNET_TOKEN}":
            return {{"id": "{SUBNET_ID}", "name": args.args["subnetName"]}}
        return None


class NotMocks:
    pass
'''


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "shop"
    write(
        root / "Pulumi.yaml",
        """\
        name: shop
        runtime:
          name: python
          options: {toolchain: pip, virtualenv: venv}
        main: infra/
        config:
          upgradeMode: {type: string, default: Rolling}
        """,
    )
    write(
        root / "Pulumi.dev.yaml",
        "config:\n  shop:vmSize: Standard_B2s\n  shop:upgradeMode: Automatic\n",
    )
    # An installed package inside the project's venv/ (as `pulumi new python` makes it),
    # imported by the program: it stays loaded between runs, the program's own modules do not.
    site = root / "venv" / "lib" / "python3.11" / "site-packages"
    write(root / "venv" / "pyvenv.cfg", "home = /usr/bin\n")
    write(site / STUB / "__init__.py", "PREFIX = 'shop'\n")
    monkeypatch.syspath_prepend(str(site))  # the venv's interpreter has it on sys.path
    write(root / "infra" / "__main__.py", PROGRAM)
    write(root / "infra" / "components" / "__init__.py", "")
    write(root / "infra" / "components" / "naming.py", "def name_of(x):\n    return f'shop-{x}'\n")
    write(root / "infra" / "files" / "setup.sh", "#!/bin/sh\necho ready\n")
    write(root / "mocks_of_shop.py", USER_MOCKS)  # --mocks imports from the project folder
    write(
        root / "answers" / "network.json",
        json.dumps(
            {
                "outputs": {"resourceGroupName": "rg-app", "sshPublicKeys": [SSH_KEY]},
                "secretOutputNames": ["sshPublicKeys"],
            }
        ),
    )
    write(
        root / "answers" / "invokes.json",
        json.dumps(
            {
                SUBNET_TOKEN: [
                    {"args": {"subnetName": "other"}, "result": {"id": "/wrong"}},
                    {"args": {"subnetName": "vms"}, "result": {"id": SUBNET_ID, "name": "vms"}},
                ]
            }
        ),
    )
    before = set(sys.modules)
    yield root
    for name in set(sys.modules) - before:
        if name == "components" or name.startswith(("components.", "mocks_of_shop", STUB)):
            del sys.modules[name]
    # A failed program leaves coroutines Pulumi never awaited: collected here, quietly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gc.collect()


def plan(root: Path, *options: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = cli.main(["dev", "--project-dir", str(root), "--quiet", "--no-color", *options])
    finally:
        sys.stdout, sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


def answers_of(root: Path) -> tuple[str, ...]:
    return (
        "--stack-outputs",
        f"{REFERENCE}={root / 'answers' / 'network.json'}",
        "--invokes",
        str(root / "answers" / "invokes.json"),
    )


def test_a_program_with_a_stack_reference_and_a_lookup_plans(project: Path) -> None:
    out = project / "plan.json"
    code, _, err = plan(project, *answers_of(project), "--json", str(out))
    assert code == 0, err
    document = json.loads(out.read_text())
    (vmss,) = [r for r in document["resources"] if r["type"] == VMSS]
    assert vmss["inputs"]["resourceGroupName"] == "rg-app"
    profile = vmss["inputs"]["virtualMachineProfile"]
    assert (
        profile["networkProfile"]["networkInterfaceConfigurations"][0]["ipConfigurations"][0][
            "subnet"
        ]["id"]
        == SUBNET_ID
    )
    assert vmss["inputs"]["sku"]["name"] == "Standard_B2s"


def test_the_same_program_run_as_the_pulumi_host_runs_it_gives_the_same_plan(
    project: Path,
) -> None:
    out = project / "plan.json"
    code, _, err = plan(project, *answers_of(project), "--json", str(out))
    assert code == 0, err

    loaded = load_project(project)
    config = load_stack_config(loaded, "dev")
    mocks = PlanMocks(
        Answers(
            stack_outputs=read_stack_outputs([f"{REFERENCE}={project / 'answers/network.json'}"]),
            invokes=read_invokes(project / "answers" / "invokes.json"),
        )
    )
    deployment = MockDeployment(
        project="shop",
        stack="dev",
        config=config.values,
        secret_config_keys=config.secret_keys,
        mocks=mocks,
    )
    location = locate_program(loaded)
    cwd, path = os.getcwd(), sys.path[:]
    # As the host's exec shim: chdir to the main folder, runpy.run_path(".") ("." on sys.path).
    with deployment:
        os.chdir(location.pwd)
        try:
            deployment.run(lambda: runpy.run_path(".", run_name="__main__"))
        finally:
            os.chdir(cwd)
            sys.path[:] = path
        from pulumi.runtime import settings

        exported = dict(getattr(settings.ROOT.get(), "outputs", {}) or {})
        outputs = {name: deployment.resolve(value) for name, value in sorted(exported.items())}
    hosted = PlanRun(
        project=loaded, stack="dev", config=config, deployment=deployment, stack_outputs=outputs
    )
    assert outputs["keys"].secret, "secretOutputNames marks the output secret"
    assert outputs["subnet_id"].value == SUBNET_ID
    assert outputs["prefix"].value == "shop"
    assert STUB in sys.modules, "the venv's package stays loaded after the plan"
    assert build_document(hosted).to_json() == out.read_text()


def test_every_azure_resource_and_the_lookup_use_the_explicit_provider(project: Path) -> None:
    loaded = load_project(project)
    from vmss_plan import run_plan

    run = run_plan(
        loaded,
        "dev",
        answers=Answers(
            stack_outputs=read_stack_outputs([f"{REFERENCE}={project / 'answers/network.json'}"]),
            invokes=read_invokes(project / "answers" / "invokes.json"),
        ),
    )
    (provider,) = run.deployment.resources_of_type("pulumi:providers:azure-native")
    custom = [r for r in run.deployment.resources if r.custom and r.type.startswith("azure-")]
    assert custom
    assert all(r.provider.startswith(f"{provider.urn}::") for r in custom)
    (lookup,) = run.deployment.calls_to(SUBNET_TOKEN)
    assert lookup.provider.startswith(f"{provider.urn}::")


def test_the_users_mocks_answer_the_lookup(project: Path) -> None:
    code, _, err = plan(
        project,
        "--stack-outputs",
        f"{REFERENCE}={project / 'answers' / 'network.json'}",
        "--mocks",
        "mocks_of_shop:NetworkMocks",
    )
    assert code == 0, err


def test_an_unread_stack_is_one_line_saying_how_to_answer_it(project: Path) -> None:
    code, _, err = plan(project, "--invokes", str(project / "answers" / "invokes.json"))
    assert code == cli.EXIT_USAGE
    assert err.splitlines() == [
        f"vmss-plan: the program reads the stack '{REFERENCE}': answer it with --stack-outputs "
        f"{REFERENCE}=FILE.json (the output of `pulumi stack output --json --show-secrets`)"
    ]


def test_an_unanswered_invoke_is_one_line_naming_the_token(project: Path) -> None:
    code, _, err = plan(
        project, "--stack-outputs", f"{REFERENCE}={project / 'answers' / 'network.json'}"
    )
    assert code == cli.EXIT_USAGE
    assert err.splitlines() == [
        f"vmss-plan: nothing answers the invoke {SUBNET_TOKEN}: give its result in --invokes "
        f'FILE.json ({{"{SUBNET_TOKEN}": {{...}}}}) or in --mocks module:Class'
    ]


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--stack-outputs", "no-equals-sign"], "expected NAME=FILE"),
        (["--stack-outputs", "a=/nonexistent/file.json"], "--stack-outputs /nonexistent"),
        (["--invokes", "/nonexistent/invokes.json"], "--invokes /nonexistent"),
        (["--mocks", "no_colon"], "expected module:Class"),
        (["--mocks", "no_such_module_xyz:Mocks"], "cannot import no_such_module_xyz"),
        (["--mocks", "mocks_of_shop:NotMocks"], "NotMocks is not a pulumi.runtime.Mocks"),
        (["--mocks", "mocks_of_shop:Missing"], "Missing is not a pulumi.runtime.Mocks"),
    ],
)
def test_bad_answers_are_one_line_usage_errors(
    project: Path, options: list[str], says: str
) -> None:
    code, _, err = plan(project, *options)
    assert code == cli.EXIT_USAGE
    assert len(err.splitlines()) == 1, err
    assert says in err


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("invokes", "{not json", "not JSON"),
        ("invokes", '["a"]', "expected a JSON object keyed by invoke token"),
        ("invokes", '{"t": [{"args": {}}]}', 'expected a result object or a list of {"args"'),
        ("outputs", "[1, 2]", "expected a JSON object of outputs"),
        ("outputs", '{"outputs": {}, "secretOutputNames": "x"}', "secretOutputNames must be"),
    ],
)
def test_malformed_answer_files_are_one_line_usage_errors(
    project: Path, tmp_path: Path, name: str, content: str, says: str
) -> None:
    bad = tmp_path / f"{name}.json"
    bad.write_text(content)
    option = (
        ["--invokes", str(bad)]
        if name == "invokes"
        else [
            "--stack-outputs",
            f"{REFERENCE}={bad}",
        ]
    )
    code, _, err = plan(project, *option)
    assert code == cli.EXIT_USAGE
    assert len(err.splitlines()) == 1, err
    assert says in err


def test_a_bad_value_from_another_stack_is_a_one_line_configuration_error(
    project: Path, tmp_path: Path
) -> None:
    """The key comes from the other stack (an Output): refused when known, exit 1."""
    outputs = tmp_path / "network.json"
    outputs.write_text(json.dumps({"resourceGroupName": "rg-app", "sshPublicKeys": ["nope"]}))
    code, _, err = plan(
        project,
        "--stack-outputs",
        f"{REFERENCE}={outputs}",
        "--invokes",
        str(project / "answers" / "invokes.json"),
    )
    assert code == cli.EXIT_CONFIGURATION
    assert err.splitlines() == [
        "vmss-plan: configuration error: scale_set.ssh_public_keys[0]: not an OpenSSH public "
        "key ('ssh-rsa AAAA...' or 'ssh-ed25519 AAAA...')"
    ]


def test_help_documents_the_answers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    for needle in ("--stack-outputs NAME=FILE", "--invokes FILE", "--mocks module:Class"):
        assert needle in text
