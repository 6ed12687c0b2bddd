<#
    IIS web server for the web tier, applied by the Azure PowerShell DSC extension.

    The extension downloads this folder as a zip, imports the module folders at its root
    (WebSiteContent) and compiles Configuration WebServer for localhost. AppPoolCredential
    arrives through protected configurationArguments; the extension encrypts it in the MOF.
#>
Configuration WebServer
{
    param
    (
        [Parameter(Mandatory)]
        [string] $SiteTitle,

        [Parameter(Mandatory)]
        [PSCredential] $AppPoolCredential
    )

    Import-DscResource -ModuleName PSDesiredStateConfiguration
    Import-DscResource -ModuleName WebSiteContent

    Node localhost
    {
        WindowsFeature WebServer
        {
            Ensure = 'Present'
            Name   = 'Web-Server'
        }

        WindowsFeature AspNet48
        {
            Ensure    = 'Present'
            Name      = 'Web-Asp-Net45'
            DependsOn = '[WindowsFeature]WebServer'
        }

        User AppPoolUser
        {
            Ensure                 = 'Present'
            UserName               = $AppPoolCredential.UserName
            Password               = $AppPoolCredential
            PasswordNeverExpires   = $true
            PasswordChangeRequired = $false
        }

        WebSiteContent HomePage
        {
            DestinationPath = 'C:\inetpub\wwwroot\index.html'
            Content         = "<!doctype html><title>$SiteTitle</title><h1>$SiteTitle</h1><p>Served by $env:COMPUTERNAME</p>"
            DependsOn       = '[WindowsFeature]WebServer'
        }

        WebSiteContent HealthPage
        {
            DestinationPath = 'C:\inetpub\wwwroot\health.html'
            Content         = 'ok'
            DependsOn       = '[WindowsFeature]WebServer'
        }
    }
}
