"""The fixed-choice vocabularies of the library, as ``Literal`` types.

Each rule that accepts one of these values derives its list of choices from the type itself
(:func:`choices`), so a choice is spelled once.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

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
