<#
    Class-based DSC resources for Azure Machine Configuration on Linux (PowerShell 7).

    Machine Configuration calls Test, then Set when the package is AuditAndSet and the
    assignment applies, then Get. Get returns Reasons: one {Code, Phrase} per difference,
    Code as '<Resource>:<Resource>:<Identifier>', which the portal shows as the cause of
    non-compliance.
#>

class Reason
{
    [DscProperty()]
    [string] $Code

    [DscProperty()]
    [string] $Phrase
}

[DscResource()]
class MotdFile
{
    # The file shown at login.
    [DscProperty(Key)]
    [string] $Path = '/etc/motd'

    # The exact content, compared byte for byte (including the final newline).
    [DscProperty(Mandatory)]
    [string] $Contents

    # Octal permissions, as chmod takes them.
    [DscProperty()]
    [string] $Mode = '0644'

    [DscProperty(NotConfigurable)]
    [Reason[]] $Reasons

    [MotdFile] Get()
    {
        $current = [MotdFile]::new()
        $current.Path = $this.Path
        $reasons = [System.Collections.Generic.List[Reason]]::new()

        if (-not (Test-Path -LiteralPath $this.Path -PathType Leaf))
        {
            $current.Contents = $null
            $current.Mode = $null
            $reasons.Add([Reason]@{
                Code   = 'MotdFile:MotdFile:Missing'
                Phrase = "The file '$($this.Path)' does not exist."
            })
        }
        else
        {
            $current.Contents = [System.IO.File]::ReadAllText($this.Path)
            $current.Mode = (& stat -c '%a' -- $this.Path | Out-String).Trim()

            if ($current.Contents -cne $this.Contents)
            {
                $reasons.Add([Reason]@{
                    Code   = 'MotdFile:MotdFile:Contents'
                    Phrase = "The content of '$($this.Path)' differs from the configured banner."
                })
            }

            if ([Convert]::ToInt32($current.Mode, 8) -ne [Convert]::ToInt32($this.Mode, 8))
            {
                $reasons.Add([Reason]@{
                    Code   = 'MotdFile:MotdFile:Mode'
                    Phrase = "The mode of '$($this.Path)' is $($current.Mode), expected $($this.Mode)."
                })
            }
        }

        $current.Reasons = $reasons.ToArray()
        return $current
    }

    [bool] Test()
    {
        return $this.Get().Reasons.Count -eq 0
    }

    [void] Set()
    {
        # Write to a sibling file and rename it over the banner: readers never see half a file.
        $temporary = "$($this.Path).dsc-new"
        [System.IO.File]::WriteAllText($temporary, $this.Contents)
        & chmod $this.Mode -- $temporary
        if ($LASTEXITCODE -ne 0)
        {
            Remove-Item -LiteralPath $temporary -Force
            throw "chmod $($this.Mode) failed on '$temporary'."
        }
        Move-Item -LiteralPath $temporary -Destination $this.Path -Force
    }
}

[DscResource()]
class SshdOption
{
    # An sshd_config keyword, such as PermitRootLogin.
    [DscProperty(Key)]
    [string] $Name

    # Its value, compared without regard to case as sshd does for keywords like 'no'.
    [DscProperty(Mandatory)]
    [string] $Value

    [DscProperty()]
    [string] $ConfigPath = '/etc/ssh/sshd_config'

    # Reload sshd after a change so new connections get the new setting.
    [DscProperty()]
    [bool] $ReloadService = $true

    [DscProperty(NotConfigurable)]
    [Reason[]] $Reasons

    # sshd takes the first value it reads for a keyword, so the first active line decides.
    hidden [string] CurrentValue([string[]] $lines)
    {
        foreach ($line in $lines)
        {
            $match = [regex]::Match($line, '^\s*([A-Za-z]+)\s+(.*?)\s*$')
            if ($match.Success -and $match.Groups[1].Value -ieq $this.Name)
            {
                return $match.Groups[2].Value
            }
        }
        return $null
    }

    [SshdOption] Get()
    {
        $current = [SshdOption]::new()
        $current.Name = $this.Name
        $current.ConfigPath = $this.ConfigPath
        $current.ReloadService = $this.ReloadService
        $lines = [System.IO.File]::ReadAllLines($this.ConfigPath)
        $current.Value = $this.CurrentValue($lines)

        if ($current.Value -ine $this.Value)
        {
            $shown = if ($null -eq $current.Value) { 'not set' } else { "'$($current.Value)'" }
            $current.Reasons = @([Reason]@{
                Code   = 'SshdOption:SshdOption:Value'
                Phrase = "$($this.Name) is $shown in $($this.ConfigPath), expected '$($this.Value)'."
            })
        }
        else
        {
            $current.Reasons = @()
        }
        return $current
    }

    [bool] Test()
    {
        return $this.Get().Reasons.Count -eq 0
    }

    [void] Set()
    {
        $lines = [System.Collections.Generic.List[string]]::new(
            [string[]] [System.IO.File]::ReadAllLines($this.ConfigPath)
        )
        $setting = "$($this.Name) $($this.Value)"
        $replaced = $false
        for ($index = 0; $index -lt $lines.Count; $index++)
        {
            $match = [regex]::Match($lines[$index], '^\s*([A-Za-z]+)\s+')
            if ($match.Success -and $match.Groups[1].Value -ieq $this.Name)
            {
                $lines[$index] = $setting
                $replaced = $true
                break
            }
        }
        if (-not $replaced)
        {
            # Before any Include or Match block, so this value is the first sshd reads.
            $lines.Insert(0, $setting)
        }

        # Check the new file with sshd itself before it replaces the live one.
        $temporary = "$($this.ConfigPath).dsc-new"
        [System.IO.File]::WriteAllLines($temporary, $lines)
        & sshd -t -f $temporary
        if ($LASTEXITCODE -ne 0)
        {
            Remove-Item -LiteralPath $temporary -Force
            throw "sshd refused the configuration with '$setting'; $($this.ConfigPath) is unchanged."
        }
        & chmod --reference=$($this.ConfigPath) -- $temporary
        Move-Item -LiteralPath $temporary -Destination $this.ConfigPath -Force

        if ($this.ReloadService)
        {
            # The unit is 'ssh' on Debian and Ubuntu, 'sshd' elsewhere.
            & systemctl reload ssh 2>$null
            if ($LASTEXITCODE -ne 0)
            {
                & systemctl reload sshd
            }
        }
    }
}
