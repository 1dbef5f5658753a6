# Shared by the *.Tests.ps1 files (dot-sourced in BeforeAll; not a test file itself).
# Inside these functions $PSScriptRoot is this file's folder (tests/), whoever calls them.

# Imports the module laid out by `dotnet build ModelCost.PS.sln -c Release`, building it first when missing.
function Import-ModelCostTestModule {
    $root = Split-Path -Parent $PSScriptRoot
    $manifest = Join-Path $root 'out/ModelCost.PS/ModelCost.PS.psd1'
    if (-not (Test-Path -LiteralPath $manifest)) {
        $solution = Join-Path $root 'ModelCost.PS.sln'
        $null = & dotnet build $solution -c Release --nologo 2>&1
        if ($LASTEXITCODE -ne 0) { throw "dotnet build $solution failed with exit code $LASTEXITCODE" }
    }
    if (-not (Get-Module -Name ModelCost.PS)) {
        Import-Module $manifest -ErrorAction Stop
    }
}

# A file under examples/specs (every model of ../shared/seeds is written there).
function Get-ExampleSpecPath([string] $Name) {
    Join-Path (Split-Path -Parent $PSScriptRoot) "examples/specs/$Name"
}

# Fashion-MNIST as Debian's dataset-fashion-mnist installs it (or $env:MODELCOST_DATA); $null when absent.
function Get-FashionMnistPath {
    foreach ($candidate in @($env:MODELCOST_DATA, '/usr/share/datasets/fashion-mnist')) {
        if ($candidate -and (Test-Path -LiteralPath (Join-Path $candidate 'train-images-idx3-ubyte.gz'))) { return $candidate }
    }
    return $null
}
