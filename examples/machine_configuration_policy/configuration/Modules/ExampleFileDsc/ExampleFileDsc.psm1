# A text file with exact contents and mode. Test reports drift (Audit); Set corrects it
# (ApplyAndMonitor, ApplyAndAutoCorrect). Runs under PowerShell 7 on Linux.

enum Ensure
{
    Absent
    Present
}

[DscResource()]
class TextFile
{
    [DscProperty(Key)]
    [string] $Path

    [DscProperty()]
    [string] $Contents = ''

    [DscProperty()]
    [string] $Mode = '0644'

    [DscProperty()]
    [Ensure] $Ensure = [Ensure]::Present

    [DscProperty(NotConfigurable)]
    [string] $Reasons

    [TextFile] Get()
    {
        $current = [TextFile]::new()
        $current.Path = $this.Path
        $current.Mode = $this.Mode
        if (Test-Path -LiteralPath $this.Path -PathType Leaf)
        {
            $current.Ensure = [Ensure]::Present
            $current.Contents = [System.IO.File]::ReadAllText($this.Path)
        }
        else
        {
            $current.Ensure = [Ensure]::Absent
        }
        if (-not $this.Test())
        {
            $current.Reasons = "$($this.Path) differs from the configuration"
        }
        return $current
    }

    [bool] Test()
    {
        $present = Test-Path -LiteralPath $this.Path -PathType Leaf
        if ($this.Ensure -eq [Ensure]::Absent)
        {
            return -not $present
        }
        if (-not $present)
        {
            return $false
        }
        if ([System.IO.File]::ReadAllText($this.Path) -cne $this.Contents)
        {
            return $false
        }
        $actual = (& stat -c '%a' $this.Path).Trim().PadLeft(4, '0')
        return $actual -eq $this.Mode.PadLeft(4, '0')
    }

    [void] Set()
    {
        if ($this.Ensure -eq [Ensure]::Absent)
        {
            Remove-Item -LiteralPath $this.Path -Force -ErrorAction SilentlyContinue
            return
        }
        [System.IO.File]::WriteAllText($this.Path, $this.Contents)
        & chmod $this.Mode $this.Path
    }
}
