<#
    IIS with a one-page site, applied by the Azure PowerShell DSC extension.

    The extension downloads this folder as a zip (DscPackage.from_directory), compiles
    Configuration HelloWeb for localhost with the arguments from the scale set's model, and
    applies it. Only the built-in PSDesiredStateConfiguration resources are used, so the zip
    needs no module folders.
#>
Configuration HelloWeb
{
    param
    (
        [Parameter(Mandatory)]
        [string] $Greeting
    )

    Import-DscResource -ModuleName PSDesiredStateConfiguration

    Node localhost
    {
        WindowsFeature WebServer
        {
            Ensure = 'Present'
            Name   = 'Web-Server'
        }

        File StartPage
        {
            Ensure          = 'Present'
            DestinationPath = 'C:\inetpub\wwwroot\index.html'
            Contents        = "<!doctype html><title>HelloWeb</title><p>$Greeting</p>"
            DependsOn       = '[WindowsFeature]WebServer'
        }
    }
}
