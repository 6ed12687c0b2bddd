<#
    Linux baseline for the web tier, applied by Azure Machine Configuration (GuestAssignment).

    Compile with PowerShell 7 and PSDesiredStateConfiguration 3.0.0 (prerelease), as Microsoft
    documents for Linux machine configuration:

        pwsh -Command '. ./LinuxMotd.ps1; LinuxMotd -OutputPath ./LinuxMotd'

    The compiler writes ./LinuxMotd/localhost.mof. MachineConfigurationPackage.build packages it
    as LinuxMotd.mof with ./Modules/LinuxMotdDsc; the configuration name (LinuxMotd) is also the
    name of the zip and of the Azure assignment. Assignment parameters can override the values
    below, for example "[MotdFile]Motd;Contents" or "[SshdOption]PermitRootLogin;Value".
#>
Configuration LinuxMotd
{
    Import-DscResource -ModuleName 'LinuxMotdDsc' -ModuleVersion '1.0.0'

    Node localhost
    {
        MotdFile Motd
        {
            Path     = '/etc/motd'
            Contents = "Authorized use only. Activity on this machine is monitored.`n"
            Mode     = '0644'
        }

        SshdOption PermitRootLogin
        {
            Name          = 'PermitRootLogin'
            Value         = 'no'
            ReloadService = $true
            DependsOn     = '[MotdFile]Motd'
        }
    }
}
