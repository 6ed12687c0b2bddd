@{
    RootModule           = 'ExampleFileDsc.psm1'
    ModuleVersion        = '1.0.0'
    GUID                 = '0c5d3a8e-7b41-4f0a-9d55-2e6f1b7c4a90'
    Author               = 'vmss-components examples'
    Description          = 'A class-based DSC resource keeping a text file with given contents and mode, for Azure Machine Configuration.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.2'
    FunctionsToExport    = @()
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    DscResourcesToExport = @('TextFile')
}
