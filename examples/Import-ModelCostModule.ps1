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
