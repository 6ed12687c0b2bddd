"""Where things are: the repository, the stacks' program and sample artifacts, the stacks."""

from __future__ import annotations

from pathlib import Path

#: The repository (its Pulumi.yaml, stacks/, docs/, README.md).
REPO = Path(__file__).resolve().parents[2]
#: The stacks' Pulumi program (``stacks/__main__.py``).
MAIN = REPO / "stacks"
#: The sample artifacts the stacks deploy.
ARTIFACTS = MAIN / "artifacts"
#: The committed stacks.
STACKS = ("dev", "staging", "prod")

DSC_SAMPLE = ARTIFACTS / "dsc" / "web"
MC_SAMPLE = ARTIFACTS / "machine-configuration"
SAMPLE_MOF = MC_SAMPLE / "LinuxMotd" / "localhost.mof"
SAMPLE_MODULES = MC_SAMPLE / "Modules"
CLOUD_INIT_SAMPLE = ARTIFACTS / "cloud-init"
CUSTOM_SCRIPT_SAMPLES = ARTIFACTS / "custom-script"
LINUX_SCRIPT = CUSTOM_SCRIPT_SAMPLES / "install-worker.sh"
WINDOWS_SCRIPT = CUSTOM_SCRIPT_SAMPLES / "install-app.ps1"
WORKER = CUSTOM_SCRIPT_SAMPLES / "worker.py"
