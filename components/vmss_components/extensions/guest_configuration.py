"""The Machine Configuration agent extension, a prerequisite of guest assignments."""

from __future__ import annotations

from .._types import OsType
from .spec import Extension

GUEST_CONFIGURATION_PUBLISHER = "Microsoft.GuestConfiguration"


def guest_configuration_extension(os: OsType) -> Extension:
    """The Machine Configuration agent, a prerequisite of guest assignments.

    Azure Policy looks for exactly these names; the Linux type has a capital F.
    """
    windows = os == "windows"
    return Extension(
        name="AzurePolicyforWindows" if windows else "AzurePolicyforLinux",
        publisher=GUEST_CONFIGURATION_PUBLISHER,
        type="ConfigurationforWindows" if windows else "ConfigurationForLinux",
        type_handler_version="1.0",
        auto_upgrade_minor_version=True,
        enable_automatic_upgrade=True,
        settings={},
    )
