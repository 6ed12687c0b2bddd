@{
    RootModule           = 'WebSiteContent.psm1'
    ModuleVersion        = '1.0.0'
    GUID                 = '6f1c2f0e-8a7b-4d8e-9a53-2f3f5b0c9d41'
    Author               = 'Platform team'
    Description          = 'A DSC resource that keeps a file of the web site at the given content.'
    PowerShellVersion    = '5.0'
    DscResourcesToExport = @('WebSiteContent')
}
