@{
    RootModule           = 'LinuxMotdDsc.psm1'
    ModuleVersion        = '1.0.0'
    GUID                 = '6f1c2b0e-4d1a-4c55-9a7e-3b8f2d9c1e47'
    Author               = 'Platform team'
    CompanyName          = 'Contoso'
    Copyright            = '(c) Contoso. All rights reserved.'
    Description          = 'Class-based DSC resources for the Linux login banner and sshd options, for Azure Machine Configuration.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.2'
    FunctionsToExport    = @()
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    DscResourcesToExport = @('MotdFile', 'SshdOption')
    PrivateData          = @{
        PSData = @{
            Tags = @('DSC', 'Linux', 'MachineConfiguration')
        }
    }
}
