# Dot-sourced by the example scripts (not an example itself):
#     . (Join-Path $PSScriptRoot 'Import-ModelCostModule.ps1')
# Imports ModelCost.PS from the build output out/ModelCost.PS, building it first with
# `dotnet build ModelCost.PS.sln -c Release` when it is missing. Inside this file $PSScriptRoot is
# examples/ whatever the caller's current directory, so every example runs from any folder.
$ModelCostManifest = Join-Path $PSScriptRoot '../out/ModelCost.PS/ModelCost.PS.psd1'
if (-not (Test-Path -LiteralPath $ModelCostManifest)) {
    Write-Host 'Building the module: dotnet build ModelCost.PS.sln -c Release ...'
    & dotnet build (Join-Path $PSScriptRoot '../ModelCost.PS.sln') -c Release --nologo -v quiet | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet build failed (exit code $LASTEXITCODE)." }
}
Import-Module $ModelCostManifest -Force

# Redirected to a file (script > out.txt, the expected output in examples/README.md): plain text, no colour codes.
if ([Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }

# Figures with their units for the examples' own tables, in the module's view format (invariant culture):
# $Units::Duration(0.0011) = '1.10 ms', ::Bytes(2265092) = '2.16 MB', ::Si(1132546) = '1.13 M', ::Count(566273) = '566,273',
# ::Factor(1.002) = '1.00x', ::Points(2.27) = '+2.27'. The objects keep the raw numbers.
$Units = [ModelCost.PS.Formatting.UnitText]

# A path under the repository as the scripts print it: relative to the repository root, so output reads the same on every machine.
function Get-ExamplePath([string] $Path) {
    [System.IO.Path]::GetRelativePath((Join-Path $PSScriptRoot '..'), $Path).Replace('\', '/')
}
