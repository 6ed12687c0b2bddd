"""The fixed-choice vocabularies of the library, as ``Literal`` types.

Each rule that accepts one of these values derives its list of choices from the type itself
(:func:`choices`), so a choice is spelled once. The public tuples (``UPGRADE_MODES``, ...) and
:func:`choice` let a program narrow a ``str`` read from config to the ``Literal`` an argument
takes, checked, without a ``cast``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, TypeVar, get_args

from .errors import ConfigurationError

T = TypeVar("T")

OsType = Literal["windows", "linux"]
# The Hyper-V generation of an image (compute API hyperVGeneration); Trusted Launch needs V2.
HyperVGeneration = Literal["V1", "V2"]
UpgradeMode = Literal["Manual", "Automatic", "Rolling"]
OrchestrationMode = Literal["Uniform", "Flexible"]
ProbeProtocol = Literal["http", "https", "tcp"]
OsDiskType = Literal[
    "Standard_LRS", "StandardSSD_LRS", "Premium_LRS", "StandardSSD_ZRS", "Premium_ZRS"
]
DownloadMode = Literal["sas", "managed_identity"]
AssignmentType = Literal["Audit", "ApplyAndMonitor", "ApplyAndAutoCorrect", "DeployAndAutoCorrect"]
# New-GuestConfigurationPolicy -Mode: the assignment types a policy can deploy.
PolicyMode = Literal["Audit", "ApplyAndMonitor", "ApplyAndAutoCorrect"]
PolicyEnforcementMode = Literal["Default", "DoNotEnforce"]
RemediationDiscoveryMode = Literal["ExistingNonCompliant", "ReEvaluateCompliance"]
WmfVersion = Literal["4.0", "5.0", "5.1", "latest"]
DataCollection = Literal["", "Enable", "Disable"]


def choices(literal: Any) -> tuple[str, ...]:
    """The values a ``Literal`` type admits, in the order it lists them."""
    return tuple(get_args(literal))


#: The values of ``UpgradePolicy.mode``.
UPGRADE_MODES: tuple[UpgradeMode, ...] = get_args(UpgradeMode)
#: The values of ``ScaleSetArgs.orchestration_mode``.
ORCHESTRATION_MODES: tuple[OrchestrationMode, ...] = get_args(OrchestrationMode)
#: The values of ``ScaleSetArgs.os_disk_type``.
OS_DISK_TYPES: tuple[OsDiskType, ...] = get_args(OsDiskType)
#: The values of ``HealthProbe.protocol``.
PROBE_PROTOCOLS: tuple[ProbeProtocol, ...] = get_args(ProbeProtocol)
#: The operating systems (``ImageReference.os``, ``MachineConfigurationPolicyArgs.os``).
OS_TYPES: tuple[OsType, ...] = get_args(OsType)
#: The values of ``GuestAssignmentArgs.assignment_type``.
ASSIGNMENT_TYPES: tuple[AssignmentType, ...] = get_args(AssignmentType)
#: The values of ``MachineConfigurationPolicyArgs.mode``.
POLICY_MODES: tuple[PolicyMode, ...] = get_args(PolicyMode)
#: How instances download artifacts (``download``: ``sas`` or ``managed_identity``).
DOWNLOAD_MODES: tuple[DownloadMode, ...] = get_args(DownloadMode)


def choice(value: object, options: Sequence[T], path: str) -> T:
    """``value`` narrowed to one of ``options`` (a vocabulary such as ``UPGRADE_MODES``).

    For fixed-choice arguments fed from config, which reads ``str``::

        mode = choice(config.require("upgradeMode"), UPGRADE_MODES, "upgradeMode")
        UpgradePolicy(mode=mode)        # typed UpgradeMode: no cast needed

    Raises ConfigurationError naming ``path`` (the config key, say) when ``value`` is not one
    of them, compared exactly.
    """
    for option in options:
        if type(value) is type(option) and value == option:
            return option
    listed = ", ".join(repr(o) for o in options)
    # An Output has no value yet: config values are plain, and so must this one be.
    given = "an Output (give a plain value)" if _is_output(value) else repr(value)
    raise ConfigurationError(path, f"{given} is not one of {listed}")


def _is_output(value: object) -> bool:
    return type(value).__name__ == "Output" and type(value).__module__.startswith("pulumi")
