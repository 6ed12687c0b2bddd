"""The fixed-choice vocabularies: the ``Literal`` types arguments take, their values, and
:func:`choice` to narrow a ``str`` (read from config) to one of them without a ``cast``.

>>> from vmss_components import UPGRADE_MODES, UpgradePolicy, choice
>>> UpgradePolicy(mode=choice("Rolling", UPGRADE_MODES, "upgradeMode")).mode
'Rolling'
"""

from __future__ import annotations

from ._types import (
    ASSIGNMENT_TYPES,
    DOWNLOAD_MODES,
    ORCHESTRATION_MODES,
    OS_DISK_TYPES,
    OS_TYPES,
    POLICY_MODES,
    PROBE_PROTOCOLS,
    UPGRADE_MODES,
    AssignmentType,
    DownloadMode,
    OrchestrationMode,
    OsDiskType,
    OsType,
    PolicyMode,
    ProbeProtocol,
    UpgradeMode,
    choice,
)

__all__ = [
    "ASSIGNMENT_TYPES",
    "DOWNLOAD_MODES",
    "ORCHESTRATION_MODES",
    "OS_DISK_TYPES",
    "OS_TYPES",
    "POLICY_MODES",
    "PROBE_PROTOCOLS",
    "UPGRADE_MODES",
    "AssignmentType",
    "DownloadMode",
    "OrchestrationMode",
    "OsDiskType",
    "OsType",
    "PolicyMode",
    "ProbeProtocol",
    "UpgradeMode",
    "choice",
]
