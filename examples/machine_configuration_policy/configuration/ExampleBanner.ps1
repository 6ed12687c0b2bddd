<#
    A Linux login banner, applied by Azure Machine Configuration (GuestAssignment).

    Compile with PowerShell 7 and PSDesiredStateConfiguration 3 (as Microsoft documents for
    machine configuration on Linux), from this folder:

        pwsh -Command '$env:PSModulePath = "$PWD/Modules:$env:PSModulePath"; . ./ExampleBanner.ps1; ExampleBanner -OutputPath ./ExampleBanner'

    The compiler writes ./ExampleBanner/localhost.mof. MachineConfigurationPackage.build packages
    it as ExampleBanner.mof with ./Modules/ExampleFileDsc; the configuration name (ExampleBanner)
    is also the name of the zip and of the Azure assignment. The assignment may override
    "[TextFile]Banner;Contents".
#>
Configuration ExampleBanner
{
    Import-DscResource -ModuleName 'ExampleFileDsc' -ModuleVersion '1.0.0'

    Node localhost
    {
        TextFile Banner
        {
            Path     = '/etc/issue.net'
            Contents = "Managed by Azure Machine Configuration.`n"
            Mode     = '0644'
        }
    }
}
