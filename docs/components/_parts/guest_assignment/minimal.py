from pathlib import Path

from vmss_components import (
    ExternalScaleSet,
    GuestAssignment,
    GuestAssignmentArgs,
    MachineConfigurationPackage,
)

samples = Path(__file__).parent / "artifacts" / "machine-configuration"
baseline = GuestAssignment(
    "legacy-baseline",
    GuestAssignmentArgs(
        package=MachineConfigurationPackage.build(
            "LinuxMotd", mof=samples / "LinuxMotd" / "localhost.mof", modules=samples / "Modules"
        ),
        store=store,
        # A scale set managed elsewhere (another stack, Bicep, the portal).
        target=ExternalScaleSet(
            resource_group_name="rg-legacy", vmss_name="legacy-web", os="linux"
        ),
    ),
)
