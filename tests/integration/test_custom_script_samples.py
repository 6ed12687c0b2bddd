"""The sample scripts the stacks deliver with CustomScriptScaleSet, run as an instance would:
they parse, install once, and the worker answers its health probe."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers import LINUX_SCRIPT, WINDOWS_SCRIPT, WORKER, copy_script_samples


def test_the_bash_sample_parses() -> None:
    subprocess.run(["bash", "-n", str(LINUX_SCRIPT)], check=True)
    text = LINUX_SCRIPT.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert 'if [[ -f "$MARKER" ]]; then' in text and ': > "$MARKER"' in text
    assert "systemctl" in text and "[Install]\nWantedBy=multi-user.target" in text


def test_the_powershell_sample_uses_a_marker() -> None:
    text = WINDOWS_SCRIPT.read_text()
    assert "if (Test-Path -LiteralPath $marker) {" in text
    assert "New-Item -ItemType File -Force -Path $marker" in text
    # The marker is written last, after the work it records.
    assert text.index("Install-WindowsFeature") < text.index("-ItemType File -Force -Path $marker")
    assert text.count("{") == text.count("}") and text.count("(") == text.count(")")


def test_the_worker_sample_compiles() -> None:
    compile(WORKER.read_text(), str(WORKER), "exec")


def test_the_bash_sample_installs_once_and_then_succeeds_without_redoing_work(
    tmp_path: Path,
) -> None:
    downloads = tmp_path / "download" / "0"
    copy_script_samples(downloads)
    root = tmp_path / "root"
    calls = tmp_path / "systemctl.log"
    fake = tmp_path / "systemctl"
    fake.write_text(f'#!/bin/sh\necho "$*" >> "{calls}"\nexit 0\n')
    fake.chmod(0o755)
    env = {**os.environ, "INSTALL_ROOT": str(root), "SYSTEMCTL": str(fake)}

    def install() -> str:
        done = subprocess.run(
            ["bash", "install-worker.sh"],
            cwd=downloads,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    first = install()
    unit = root / "etc/systemd/system/contoso-worker.service"
    installed = root / "opt/contoso-worker/worker.py"
    assert "installed and running" in first
    assert installed.read_bytes() == WORKER.read_bytes()
    assert "ExecStart=/usr/bin/env python3 /opt/contoso-worker/worker.py" in unit.read_text()
    (marker,) = (root / "var/lib/contoso-worker-install").iterdir()
    assert calls.read_text().splitlines() == [
        "daemon-reload",
        "enable contoso-worker.service",
        "restart contoso-worker.service",
    ]
    stamps = (installed.stat().st_mtime_ns, unit.stat().st_mtime_ns)

    calls.write_text("")
    second = install()
    assert "already installed" in second
    assert calls.read_text().splitlines() == ["is-active --quiet contoso-worker.service"]
    assert (installed.stat().st_mtime_ns, unit.stat().st_mtime_ns) == stamps
    assert [p.name for p in (root / "var/lib/contoso-worker-install").iterdir()] == [marker.name]

    # New content is a new version: installed over the old one, with a new marker.
    worker = downloads / "worker.py"
    worker.write_text(worker.read_text() + "\n# v2\n")
    calls.write_text("")
    assert "installed and running" in install()
    (new_marker,) = (root / "var/lib/contoso-worker-install").iterdir()
    assert new_marker.name != marker.name
    assert installed.read_bytes() == worker.read_bytes()
    assert "restart contoso-worker.service" in calls.read_text()


def test_the_worker_sample_answers_its_health_probe(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "STATE_DIRECTORY": str(tmp_path), "HEALTH_PORT": str(port)}
    worker = subprocess.Popen([sys.executable, str(WORKER)], env=env)
    try:
        deadline = time.monotonic() + 10
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz").status
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        assert status == 200, "the worker's health endpoint never answered healthy"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/other")
        assert missing.value.code == 503
    finally:
        worker.terminate()
        assert worker.wait(timeout=15) == 0
