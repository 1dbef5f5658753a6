#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the example scripts and writes what they print into examples/README.md ("Expected output"), and the charts
    and reports they write into docs/images. Not an example itself: the maintainers' way to keep the README true.

.DESCRIPTION
    Each command below runs in a fresh `pwsh -NoProfile -File` process from the repository root with its output
    redirected, as a reader who types `dotnet pwsh -NoProfile -File ./examples/<script> > out.txt` would see it (plain
    text, 80 columns). The text between '## Expected output' and the next '## ' heading of examples/README.md is
    replaced; trailing spaces are dropped.

    Commands that train print times that change from run to run; their block is marked "from one run". The others
    print the same text every time; their block is marked "compared", and tests/ModelCost.Docs.Tests.ps1 runs them
    again and fails when the README's block differs from what they print.

.EXAMPLE
    dotnet pwsh -NoProfile -File ./examples/Update-ExpectedOutput.ps1
#>
[CmdletBinding()]
param(
    # Run only the commands whose output does not vary (no training): quick, for checking.
    [switch] $DeterministicOnly
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = Split-Path -Parent $PSScriptRoot

# The commands, in README order. Training = the output holds measured times and is not compared.
$commands = @(
    @{ Script = 'quickstart.ps1'; Arguments = @(); Training = $true }
    @{ Script = 'seed000_fashion_mlp_vs_cnn.ps1'; Arguments = @(); Training = $true }
    @{ Script = 'seed002_mnist_three_cnns.ps1'; Arguments = @('-SkipTraining'); Training = $false }
    @{ Script = 'seed003_course_questions.ps1'; Arguments = @(); Training = $false }
    @{ Script = 'seed004_clothing_classifiers.ps1'; Arguments = @(); Training = $false }
    @{ Script = 'transformers.ps1'; Arguments = @('-SkipTraining'); Training = $false }
    @{ Script = 'data_parallel_costs.ps1'; Arguments = @(); Training = $false }
)

# The pwsh running this script (the repository's pinned `dotnet pwsh`, or a pwsh on PATH).
function Get-PwshCommand {
    $dll = Join-Path $PSHOME 'pwsh.dll'
    if (Test-Path -LiteralPath $dll) { return @('dotnet', $dll) }
    @((Get-Process -Id $PID).Path)
}

# What `pwsh -NoProfile -File ./examples/<script> <arguments> > out.txt` prints, run from the repository root.
function Invoke-Example([string] $Script, [string[]] $Arguments) {
    $pwsh = Get-PwshCommand
    $exe = $pwsh[0]
    $rest = @($pwsh | Select-Object -Skip 1)
    Push-Location -LiteralPath $root
    try {
        $text = & $exe @rest -NoProfile -NonInteractive -File "./examples/$Script" @Arguments 2>&1 | Out-String -Width 200
        if ($LASTEXITCODE -ne 0) { throw "./examples/$Script $Arguments failed (exit code $LASTEXITCODE):`n$text" }
    }
    finally { Pop-Location }
    # Trailing spaces (padding of the last table column) and blank lines at either end carry nothing.
    (($text -split "`r?`n") | ForEach-Object { $_.TrimEnd() }) -join "`n" -replace '^\n+', '' -replace '\n+$', ''
}

# The command line a reader types for one entry, as the README's heading shows it.
function Get-CommandLine($Entry) {
    (@('dotnet pwsh -NoProfile -File', "./examples/$($Entry.Script)") + $Entry.Arguments) -join ' '
}

if ($MyInvocation.InvocationName -eq '.') { return }   # dot-sourced (by the tests): only the functions and $commands

$readmePath = Join-Path $root 'examples/README.md'
$readme = [System.IO.File]::ReadAllText($readmePath)
$start = $readme.IndexOf("`n## Expected output")
if ($start -lt 0) { throw "examples/README.md has no '## Expected output' section." }
$next = $readme.IndexOf("`n## ", $start + 1)
$tail = if ($next -ge 0) { $readme.Substring($next) } else { "`n" }

$sb = [System.Text.StringBuilder]::new()
$null = $sb.Append(@'

## Expected output

What the scripts print, copied from a real run by `examples/Update-ExpectedOutput.ps1` (pwsh 7.6.9, output redirected
to a file, so plain text at 80 columns). Blocks marked *compared* print the same text on every run, and
`tests/ModelCost.Docs.Tests.ps1` runs them again and fails when a block differs. Blocks marked *from one run* train on
Fashion-MNIST with seed 1: their accuracies repeat for the same seed and thread count, their seconds vary with the
machine and its load.


'@)
foreach ($entry in $commands) {
    $line = Get-CommandLine $entry
    $marker = if ($entry.Training) { 'from one run' } else { 'compared' }
    if ($DeterministicOnly -and $entry.Training) {
        # Keep the block of the last full run.
        $pattern = '(?s)### `' + [regex]::Escape($line) + '`.*?```text\n.*?\n```\n'
        $old = [regex]::Match($readme, $pattern)
        if (-not $old.Success) { throw "No earlier block for '$line' to keep; run without -DeterministicOnly." }
        $null = $sb.Append($old.Value).Append("`n")
        continue
    }
    Write-Host "Running $line ..."
    $text = Invoke-Example $entry.Script $entry.Arguments
    $null = $sb.Append("### ``$line```n`n<!-- expected-output: $marker -->`n``````text`n$text`n```````n`n")
}
$content = $readme.Substring(0, $start) + $sb.ToString().TrimEnd("`n") + "`n" + $tail
$temporary = "$readmePath.tmp"
[System.IO.File]::WriteAllText($temporary, $content)
Move-Item -LiteralPath $temporary -Destination $readmePath -Force
Write-Host "Wrote $readmePath"

if (-not $DeterministicOnly) {
    # The images the READMEs show, from the same run.
    foreach ($file in 'seed000_chart.svg', 'seed000_report.html', 'seed003_q1_q2.svg', 'seed004_report.html') {
        Copy-Item -LiteralPath (Join-Path $root "examples/out/$file") -Destination (Join-Path $root "docs/images/$file") -Force
    }
    Write-Host 'Copied the charts and reports to docs/images (tests/browser/check-report.sh makes the screenshot).'
}
