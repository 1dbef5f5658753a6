#Requires -Version 7.4
<#
.SYNOPSIS
    Builds ModelCost.PS and runs its tests with tools pinned in this repository.

.DESCRIPTION
    Run through the repo-local PowerShell tool, so a machine with only the .NET SDK needs nothing else:

        dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 test

    Tasks:
      build   dotnet build ModelCost.PS.sln -c Release (lays out out/ModelCost.PS).
      test    build, then every xunit project (dotnet test) and every Pester file under tests/.
      xunit   build, then dotnet test only.
      pester  build, then the Pester files only (-Path narrows them).
      pester-restore  only restore Pester into .tools/Modules.
      torch   build, then install the Torch engine (TorchSharp 0.107 + libtorch 2.10, ~480 MB) into
              out/ModelCost.PS/Engines/Torch so -Engine Torch works and its tests run (docs/engine.md).
              Once installed, every build rebuilds it too, so it always matches the module.

    Pester comes from NuGet (the package holds the module) into .tools/nuget and is laid out as
    .tools/Modules/Pester/<version>, which this script puts first on PSModulePath for itself and the
    processes it starts; nothing global is installed. The last line is the plain total
    'total: N passed, N failed, N skipped'; the exit code is non-zero when anything failed.

.PARAMETER PesterVersion
    The Pester version to restore and run (5.9.1 by default; 5.7.1 and 6.2.0 also work).
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'xunit', 'pester', 'pester-restore', 'torch')]
    [string] $Task = 'test',
    [string] $PesterVersion = '5.9.1',
    [string] $Configuration = 'Release',
    # Pester files or folders to run (default: tests/).
    [string[]] $Path,
    # Pester output verbosity: None, Normal, Detailed, Diagnostic.
    [string] $Verbosity = 'Normal',
    # Skip the dotnet build step (the module and test assemblies are already built).
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$solution = Join-Path $root 'ModelCost.PS.sln'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Install-RepoPester([string] $Version) {
    $modules = Join-Path $root '.tools/Modules'
    $target = Join-Path $modules "Pester/$Version"
    if (-not (Test-Path -LiteralPath (Join-Path $target 'Pester.psd1'))) {
        Write-Host "Restoring Pester $Version from NuGet into .tools/ ..."
        & dotnet restore (Join-Path $root 'tools/Pester/Pester.Restore.csproj') "-p:PesterVersion=$Version" --nologo -v quiet
        if ($LASTEXITCODE -ne 0) { throw "Restoring Pester $Version failed (exit code $LASTEXITCODE); is version $Version served by your NuGet source?" }
        $package = Join-Path $root ".tools/nuget/pester/$Version/tools"
        if (-not (Test-Path -LiteralPath (Join-Path $package 'Pester.psd1'))) { throw "The Pester $Version package has no tools/Pester.psd1 at $package." }
        # Copy into a temporary folder and rename, so an interrupted copy never looks installed.
        $staging = "$target.partial"
        if (Test-Path -LiteralPath $staging) { Remove-Item -LiteralPath $staging -Recurse -Force }
        $null = New-Item -ItemType Directory -Path $staging -Force
        Copy-Item -Path (Join-Path $package '*') -Destination $staging -Recurse -Force
        Move-Item -LiteralPath $staging -Destination $target
    }
    # First on PSModulePath, so Import-Module Pester here and in child processes finds this version.
    $separator = [System.IO.Path]::PathSeparator
    if (-not (($env:PSModulePath -split [regex]::Escape($separator)) -contains $modules)) {
        $env:PSModulePath = $modules + $separator + $env:PSModulePath
    }
}

$torchProject = Join-Path $root 'src/Engines/Torch/ModelCost.Engines.Torch.csproj'
$torchInstalled = Join-Path $root 'out/ModelCost.PS/Engines/Torch/ModelCost.Engines.Torch.dll'

function Invoke-Build([switch] $WithTorch) {
    Write-Host "dotnet build $solution -c $Configuration"
    & dotnet build $solution -c $Configuration --nologo -v quiet -warnaserror
    if ($LASTEXITCODE -ne 0) { throw "dotnet build failed (exit code $LASTEXITCODE)." }
    # The Torch engine is not in the solution (libtorch is ~480 MB); once installed it is rebuilt with the module.
    if ($WithTorch -or (Test-Path -LiteralPath $torchInstalled)) {
        Write-Host "dotnet build $torchProject -c $Configuration (the Torch engine, into out/ModelCost.PS/Engines/Torch)"
        & dotnet build $torchProject -c $Configuration --nologo -v quiet -warnaserror
        if ($LASTEXITCODE -ne 0) { throw "Building the Torch engine failed (exit code $LASTEXITCODE)." }
    }
}

# Runs dotnet test and returns its counts, summed over the test projects' summary lines.
function Invoke-XUnit {
    $counts = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0; ExitCode = 0 }
    & dotnet test $solution -c $Configuration --no-build --nologo 2>&1 | ForEach-Object {
        $line = "$_"
        Write-Host $line
        if ($line -match 'Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+)') {
            $counts.Failed += [int]$Matches[1]; $counts.Passed += [int]$Matches[2]; $counts.Skipped += [int]$Matches[3]
        }
    }
    $counts.ExitCode = $LASTEXITCODE
    if ($counts.ExitCode -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 }   # a crash before any summary still fails
    [pscustomobject]$counts
}

# Runs Pester in a child pwsh (a clean session: the module is imported by the tests, not by this script).
function Invoke-RepoPester {
    $paths = if ($Path) { $Path } else { @(Join-Path $root 'tests') }
    $resultFile = Join-Path ([System.IO.Path]::GetTempPath()) "modelcost-pester-$PID.json"
    $script = @'
param($Version, $Paths, $Verbosity, $ResultFile)
Import-Module Pester -RequiredVersion $Version -ErrorAction Stop
$c = New-PesterConfiguration
$c.Run.Path = $Paths
$c.Run.PassThru = $true
$c.Output.Verbosity = $Verbosity
if ([Console]::IsOutputRedirected) { $c.Output.RenderMode = 'Plaintext' }
$r = Invoke-Pester -Configuration $c
[ordered]@{
    Passed = $r.PassedCount; Failed = $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount
    Skipped = $r.SkippedCount + $r.NotRunCount; Result = "$($r.Result)"; Version = "$((Get-Module Pester).Version)"
} | ConvertTo-Json | Set-Content -LiteralPath $ResultFile
'@
    $scriptFile = Join-Path ([System.IO.Path]::GetTempPath()) "modelcost-pester-$PID.ps1"
    Set-Content -LiteralPath $scriptFile -Value $script
    try {
        $pwsh = Join-Path $PSHOME 'pwsh.dll'
        $host_ = if (Test-Path -LiteralPath $pwsh) { @('dotnet', $pwsh) } else { @((Get-Process -Id $PID).Path) }
        $exe = $host_[0]; $rest = @($host_ | Select-Object -Skip 1)
        & $exe @rest -NoProfile -NonInteractive -File $scriptFile -Version $PesterVersion -Paths $paths -Verbosity $Verbosity -ResultFile $resultFile | Out-Host
        $exit = $LASTEXITCODE
        if (-not (Test-Path -LiteralPath $resultFile)) {
            return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0; Version = $PesterVersion; ExitCode = $exit }
        }
        $r = Get-Content -LiteralPath $resultFile -Raw | ConvertFrom-Json
        [pscustomobject]@{ Passed = [int]$r.Passed; Failed = [int]$r.Failed; Skipped = [int]$r.Skipped; Version = $r.Version; ExitCode = $exit }
    }
    finally {
        Remove-Item -LiteralPath $scriptFile, $resultFile -ErrorAction SilentlyContinue
    }
}

$started = [System.Diagnostics.Stopwatch]::StartNew()
switch ($Task) {
    'pester-restore' { Install-RepoPester $PesterVersion; return }
    'build' { Invoke-Build; return }
    'torch' { Invoke-Build -WithTorch; return }
}

if (-not $NoBuild) { Invoke-Build }
$x = $null; $p = $null
if ($Task -in 'test', 'xunit') { $x = Invoke-XUnit }
if ($Task -in 'test', 'pester') {
    Install-RepoPester $PesterVersion
    $p = Invoke-RepoPester
}

$passed = 0; $failed = 0; $skipped = 0
Write-Host ''
if ($x) {
    Write-Host ("xunit: {0} passed, {1} failed, {2} skipped" -f $x.Passed, $x.Failed, $x.Skipped)
    $passed += $x.Passed; $failed += $x.Failed; $skipped += $x.Skipped
}
if ($p) {
    Write-Host ("pester {0} (pwsh {1}): {2} passed, {3} failed, {4} skipped" -f $p.Version, $PSVersionTable.PSVersion, $p.Passed, $p.Failed, $p.Skipped)
    $passed += $p.Passed; $failed += $p.Failed; $skipped += $p.Skipped
}
Write-Host ("time: {0:N0} s" -f $started.Elapsed.TotalSeconds)
Write-Host ("total: {0} passed, {1} failed, {2} skipped" -f $passed, $failed, $skipped)
$bad = $failed -gt 0 -or ($x -and $x.ExitCode -ne 0)
exit ([int]$bad)
