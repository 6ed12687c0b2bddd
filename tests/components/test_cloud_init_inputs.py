"""Issue 15, points 3 and 8, through the component: a cloud-config that cannot be read, or
holds a bad cloud-config in a container, registers nothing; settings that weaken security
reach the deployment log as warnings, without their values."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest
from helpers import linux_args

from vmss_components import CloudInitScaleSet, CloudInitScaleSetArgs, ConfigurationError
from vmss_components.testing import MockDeployment

SECRET = "S3cret-Pw-not-for-logs"


def program(cloud_config: Any) -> Any:
    def run() -> CloudInitScaleSet:
        return CloudInitScaleSet(
            "web", CloudInitScaleSetArgs(scale_set=linux_args(), cloud_config=cloud_config)
        )

    return run


def refused(mocked: MockDeployment, cloud_config: Any, path: str) -> ConfigurationError:
    def hung(signum: int, frame: object) -> None:
        raise AssertionError("the component waited on its cloud-config")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        with pytest.raises(ConfigurationError) as caught:
            mocked.run(program(cloud_config))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert caught.value.path == path
    assert mocked.resources == []
    return caught.value


def test_a_fifo_cloud_config_registers_nothing(mocked: MockDeployment, tmp_path: Path) -> None:
    fifo = tmp_path / "user-data"
    os.mkfifo(fifo)
    refused(mocked, fifo, "cloud_config")


def test_dev_zero_as_cloud_config_registers_nothing(mocked: MockDeployment) -> None:
    refused(mocked, Path("/dev/zero"), "cloud_config")


def test_a_bad_cloud_config_in_an_archive_registers_nothing(mocked: MockDeployment) -> None:
    text = "#cloud-config-archive\n- type: text/cloud-config\n  content: 'runcmd: 5'\n"
    refused(mocked, text, "cloud_config[0].content")


def test_weakening_settings_are_logged_without_values(mocked: MockDeployment) -> None:
    text = (
        "#Cloud-Config\nssh_pwauth: true\n"
        f"chpasswd:\n  list: |\n    root:{SECRET}\n  expire: false\n"
    )
    mocked.run(program(text))
    assert any("ssh_pwauth turns SSH password login on" in w for w in mocked.warnings)
    assert any("chpasswd sets passwords (values not shown)" in w for w in mocked.warnings)
    assert not [w for w in mocked.warnings if SECRET in w]
