"""What the tests share, for every tier: ``from helpers import ...``.

- :mod:`helpers.paths`: where the repository, the stacks and the sample artifacts are.
- :mod:`helpers.builders`: valid arguments, files, packages and component programs, which a
  test overrides one argument at a time.
- :mod:`helpers.stacks`: the committed stacks' configuration, and their program run.
- :mod:`helpers.recorded`: walking recorded values, order-independent comparisons.
- :mod:`helpers.outputs`: an Output read without any engine.
- :mod:`helpers.secrets`: canary secrets no message may repeat.
- :mod:`helpers.tools`: the real tools (cloud-init) a test needs.
- :mod:`helpers.pure`: the pure tiers' guard against the mock engine.
- :mod:`helpers.readers`, :mod:`helpers.userdata`, :mod:`helpers.policy`: fixtures of one area.

Fixtures live in the conftest.py files: shared ones in tests/conftest.py, a tier's own in its
folder.
"""

from .builders import (
    BIG_SCRIPT,
    DOWNLOAD_IDENTITY_ID,
    DSC_SAMPLE_ARGUMENTS,
    EXTERNAL_URI,
    LINUX_COMMAND,
    NOW,
    SHELL_USER_DATA,
    SSH_KEY,
    SUBNET_ID,
    TOKEN_URI,
    WINDOWS_COMMAND,
    WINDOWS_MOF,
    Kit,
    Packages,
    artifact_store,
    build_packages,
    copy_script_samples,
    custom_script_values,
    dsc_package,
    linux_args,
    mc_package,
    policy_at,
    scale_set_args,
    store_args,
    store_facts,
    windows_args,
    windows_mc_package,
    windows_mc_sources,
    write_tree,
    write_zip,
)
from .outputs import settle
from .paths import (
    ARTIFACTS,
    CLOUD_INIT_SAMPLE,
    CUSTOM_SCRIPT_SAMPLES,
    DSC_SAMPLE,
    LINUX_SCRIPT,
    MAIN,
    MC_SAMPLE,
    REPO,
    SAMPLE_MODULES,
    SAMPLE_MOF,
    STACKS,
    WINDOWS_SCRIPT,
    WORKER,
)
from .recorded import call_key, names, unordered, walk
from .secrets import CANARIES, CANARY, CANARY_ACCOUNT_KEY, CANARY_SAS, CANARY_SIGNATURE
from .stacks import (
    DELETE,
    NAMESPACE,
    edited_config,
    run_stack_program,
    stack_config,
    stack_deployment,
)
from .tools import require_cloud_init

__all__ = [
    "ARTIFACTS",
    "BIG_SCRIPT",
    "CANARIES",
    "CANARY",
    "CANARY_ACCOUNT_KEY",
    "CANARY_SAS",
    "CANARY_SIGNATURE",
    "CLOUD_INIT_SAMPLE",
    "CUSTOM_SCRIPT_SAMPLES",
    "DELETE",
    "DOWNLOAD_IDENTITY_ID",
    "DSC_SAMPLE",
    "DSC_SAMPLE_ARGUMENTS",
    "EXTERNAL_URI",
    "LINUX_COMMAND",
    "LINUX_SCRIPT",
    "MAIN",
    "MC_SAMPLE",
    "NAMESPACE",
    "NOW",
    "REPO",
    "SAMPLE_MODULES",
    "SAMPLE_MOF",
    "SHELL_USER_DATA",
    "SSH_KEY",
    "STACKS",
    "SUBNET_ID",
    "TOKEN_URI",
    "WINDOWS_COMMAND",
    "WINDOWS_MOF",
    "WINDOWS_SCRIPT",
    "WORKER",
    "Kit",
    "Packages",
    "artifact_store",
    "build_packages",
    "call_key",
    "copy_script_samples",
    "custom_script_values",
    "dsc_package",
    "edited_config",
    "linux_args",
    "mc_package",
    "names",
    "policy_at",
    "require_cloud_init",
    "run_stack_program",
    "scale_set_args",
    "settle",
    "stack_config",
    "stack_deployment",
    "store_args",
    "store_facts",
    "unordered",
    "walk",
    "windows_args",
    "windows_mc_package",
    "windows_mc_sources",
    "write_tree",
    "write_zip",
]
