enum Ensure
{
    Absent
    Present
}

# Keeps one file of the web site at exactly the given content (UTF-8, no BOM).
[DscResource()]
class WebSiteContent
{
    [DscProperty(Key)]
    [string] $DestinationPath

    [DscProperty(Mandatory)]
    [string] $Content

    [DscProperty()]
    [Ensure] $Ensure = [Ensure]::Present

    [WebSiteContent] Get()
    {
        $current = [WebSiteContent]::new()
        $current.DestinationPath = $this.DestinationPath
        if (Test-Path -LiteralPath $this.DestinationPath)
        {
            $current.Content = [System.IO.File]::ReadAllText($this.DestinationPath)
            $current.Ensure = [Ensure]::Present
        }
        else
        {
            $current.Content = ''
            $current.Ensure = [Ensure]::Absent
        }
        return $current
    }

    [bool] Test()
    {
        $current = $this.Get()
        if ($this.Ensure -eq [Ensure]::Absent)
        {
            return $current.Ensure -eq [Ensure]::Absent
        }
        return $current.Ensure -eq [Ensure]::Present -and $current.Content -ceq $this.Content
    }

    [void] Set()
    {
        if ($this.Ensure -eq [Ensure]::Absent)
        {
            Remove-Item -LiteralPath $this.DestinationPath -Force -ErrorAction SilentlyContinue
            return
        }
        $folder = Split-Path -Parent $this.DestinationPath
        if (-not (Test-Path -LiteralPath $folder))
        {
            New-Item -ItemType Directory -Path $folder -Force | Out-Null
        }
        $utf8 = New-Object System.Text.UTF8Encoding($false)
        [System.IO.File]::WriteAllText($this.DestinationPath, $this.Content, $utf8)
    }
}
