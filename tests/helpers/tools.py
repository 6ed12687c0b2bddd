"""The real tools some tests run: found, or the test skipped outside CI and failed in CI."""

from __future__ import annotations

import os

import pytest


def require_cloud_init() -> str:
    """The real ``cloud-init`` command; outside CI its absence skips the test, in CI it fails."""
    from vmss_components.userdata import cloud_init_command

    command = cloud_init_command()
    if command is None:
        reason = "the cloud-init command is not installed (apt-get install cloud-init)"
        if os.environ.get("CI"):
            pytest.fail(f"CI validates with the real cloud-init, but {reason}: see .ci/run")
        pytest.skip(f"{reason}; CI installs it and runs this test")
    return command
