<#
.SYNOPSIS
    Installs IIS and the Contoso site on a Windows scale-set instance.

.DESCRIPTION
    Run by the Custom Script extension from its download folder, with site.zip beside it
    when the site has content:
        fileUris: install-app.ps1[, site.zip]
        commandToExecute: powershell -ExecutionPolicy Unrestricted -File install-app.ps1

    Idempotent: the last step writes a marker named after the digest of this script and of
    site.zip. The extension runs again whenever its settings or update tag change (and on
    repairs); with the same content the marker is found and the run is a quick success that
    only makes sure IIS is running. New content installs a new version beside the old one
    and points the site at it.

.PARAMETER SiteName
    The IIS site to serve the content; the Default Web Site unless told otherwise.
#>
[CmdletBinding()]
param(
    [string] $SiteName = 'Default Web Site',
    [string] $ContentZip = 'site.zip'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

function Write-Log([string] $Message) {
    Write-Output ('{0} install-app: {1}' -f (Get-Date).ToUniversalTime().ToString('s'), $Message)
}

$here = $PSScriptRoot
$zip = Join-Path $here $ContentZip
$hashed = @(Join-Path $here 'install-app.ps1')
if (Test-Path -LiteralPath $zip) { $hashed += $zip }
$digest = ($hashed | ForEach-Object { (Get-FileHash -Algorithm SHA256 -LiteralPath $_).Hash }) -join ''
$sha = [System.Security.Cryptography.SHA256]::Create()
$version = -join ($sha.ComputeHash([Text.Encoding]::ASCII.GetBytes($digest))[0..7] |
    ForEach-Object { $_.ToString('x2') })

$stateDir = Join-Path $env:ProgramData 'Contoso\install-app'
$marker = Join-Path $stateDir "installed-$version"

if (Test-Path -LiteralPath $marker) {
    Write-Log "version $version is already installed ($marker): nothing to install"
    if ((Get-Service -Name W3SVC).Status -ne 'Running') {
        Write-Log 'W3SVC is not running: starting it'
        Start-Service -Name W3SVC
    }
    exit 0
}

Write-Log "installing version $version"
# Install-WindowsFeature is itself idempotent: an installed feature is left as it is.
$feature = Install-WindowsFeature -Name Web-Server, Web-Asp-Net45 -IncludeManagementTools
if (-not $feature.Success) { throw "IIS installation failed: $($feature.ExitCode)" }
if ($feature.RestartNeeded -eq 'Yes') { Write-Log 'IIS asks for a restart; it is not needed to serve' }

$siteRoot = Join-Path $env:SystemDrive "inetpub\contoso\$version"
New-Item -ItemType Directory -Force -Path $siteRoot | Out-Null
if (Test-Path -LiteralPath $zip) {
    Expand-Archive -LiteralPath $zip -DestinationPath $siteRoot -Force
} else {
    Set-Content -LiteralPath (Join-Path $siteRoot 'index.html') -Encoding UTF8 `
        -Value "<html><body><h1>Contoso</h1><p>version $version on $env:COMPUTERNAME</p></body></html>"
}
# The Application Health extension probes this page (HealthProbe(request_path='/health.html')).
Set-Content -LiteralPath (Join-Path $siteRoot 'health.html') -Encoding ASCII -Value 'ok'

Import-Module WebAdministration
Set-ItemProperty -Path "IIS:\Sites\$SiteName" -Name physicalPath -Value $siteRoot
Start-Service -Name W3SVC

# The marker comes last: a run that failed above leaves none, so the next run retries.
New-Item -ItemType Directory -Force -Path $stateDir | Out-Null
Get-ChildItem -LiteralPath $stateDir -Filter 'installed-*' | Remove-Item -Force
New-Item -ItemType File -Force -Path $marker | Out-Null
Write-Log "version $version installed; $SiteName serves $siteRoot"
exit 0
