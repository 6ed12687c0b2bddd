"""A configuration error in a stack with encrypted values says that offline they are
stand-ins: a secret SSH key (``pulumi config set --secret``) is replaced by a placeholder the
plan cannot decrypt, and the program's check of it fails here although the real key passes
under ``pulumi up``. The line stays one line; without encrypted values nothing is added."""

from __future__ import annotations

import io
import sys
import textwrap
from pathlib import Path

from vmss_plan.cli import EXIT_CONFIGURATION, main

PROGRAM = """\
import pulumi
from vmss_components import CloudInitScaleSet, CloudInitScaleSetArgs, ScaleSetArgs, UpgradePolicy

CloudInitScaleSet(
    "app",
    CloudInitScaleSetArgs(
        scale_set=ScaleSetArgs(
            resource_group_name="rg",
            subnet_id=(
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/"
                "providers/Microsoft.Network/virtualNetworks/v/subnets/s"
            ),
            upgrade=UpgradePolicy(mode="Automatic"),
            ssh_public_keys=[pulumi.Config().require_secret("sshKey")],
        ),
        cloud_config="#!/bin/sh\\necho ready\\n",
    ),
)
"""
SSH_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f ops@example"
)


def plan(tmp_path: Path, stack_value: str) -> tuple[int, str]:
    root = tmp_path / "demo"
    (root / "infra").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text(
        "name: demo\nruntime: python\nmain: infra/\nconfig:\n  sshKey: {type: string}\n"
    )
    (root / "Pulumi.dev.yaml").write_text(f"config:\n  demo:sshKey: {stack_value}\n")
    (root / "infra" / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    err = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = io.StringIO(), err
    try:
        code = main(["dev", "--project-dir", str(root), "--quiet", "--no-color"])
    finally:
        sys.stdout, sys.stderr = saved
    return code, err.getvalue()


def test_an_encrypted_value_is_named_as_a_stand_in(tmp_path: Path) -> None:
    code, err = plan(tmp_path, "{secure: v1:AAAAbm90LXJlYWxseS1lbmNyeXB0ZWQ=}")
    assert code == EXIT_CONFIGURATION
    assert err.count("\n") == 1
    assert err.startswith("vmss-plan: configuration error: scale_set.ssh_public_keys[0]: ")
    assert err.rstrip().endswith(
        "(offline, the encrypted values of demo:sshKey are stand-ins: a check of one of them "
        "fails here, not under `pulumi up`)"
    )


def test_without_encrypted_values_the_line_is_unchanged(tmp_path: Path) -> None:
    code, err = plan(tmp_path, "not-a-key")
    assert code == EXIT_CONFIGURATION
    assert "stand-ins" not in err
    assert err.startswith("vmss-plan: configuration error: scale_set.ssh_public_keys[0]: ")


def test_a_plain_key_plans(tmp_path: Path) -> None:
    code, err = plan(tmp_path, SSH_KEY)
    assert code == 0, err
