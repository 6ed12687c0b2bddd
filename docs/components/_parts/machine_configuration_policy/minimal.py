from pathlib import Path

from vmss_components import (
    MachineConfigurationPackage,
    MachineConfigurationPolicy,
    MachineConfigurationPolicyArgs,
)

samples = Path(__file__).parent / "artifacts" / "machine-configuration"
audit = MachineConfigurationPolicy(
    "baseline-audit",
    MachineConfigurationPolicyArgs(
        package=MachineConfigurationPackage.build(
            "LinuxMotd", mof=samples / "LinuxMotd" / "localhost.mof", modules=samples / "Modules"
        ),
        store=store,
        # Every Linux VM and scale set under this management group.
        scope="/providers/Microsoft.Management/managementGroups/contoso-platform",
        os="linux",  # the sample's own resource module does not say which OS it runs on
        location="westeurope",  # where the prerequisites assignment's identity lives
    ),
)
