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

# Synthetic IDX files (MNIST format, uncompressed): label k draws a bright row k, so tiny models learn them quickly.
function Set-BigEndianInt32([byte[]] $Buffer, [int] $Offset, [int] $Value) {
    $Buffer[$Offset] = ($Value -shr 24) -band 0xFF
    $Buffer[$Offset + 1] = ($Value -shr 16) -band 0xFF
    $Buffer[$Offset + 2] = ($Value -shr 8) -band 0xFF
    $Buffer[$Offset + 3] = $Value -band 0xFF
}

# Writes <prefix>-images-idx3-ubyte (magic 0x00000803) and <prefix>-labels-idx1-ubyte (0x00000801), uncompressed.
function New-SyntheticIdxPair([string] $Folder, [string] $Prefix, [int] $Count, [int] $Size = 8) {
    $pixels = $Size * $Size
    $images = [byte[]]::new(16 + $Count * $pixels)
    $labels = [byte[]]::new(8 + $Count)
    Set-BigEndianInt32 $images 0 0x00000803
    Set-BigEndianInt32 $images 4 $Count
    Set-BigEndianInt32 $images 8 $Size
    Set-BigEndianInt32 $images 12 $Size
    Set-BigEndianInt32 $labels 0 0x00000801
    Set-BigEndianInt32 $labels 4 $Count
    for ($i = 0; $i -lt $Count; $i++) {
        $label = $i % 4
        $labels[8 + $i] = $label
        $rowStart = 16 + $i * $pixels + $label * $Size
        for ($c = 0; $c -lt $Size; $c++) { $images[$rowStart + $c] = 255 }
    }
    [System.IO.File]::WriteAllBytes((Join-Path $Folder "$Prefix-images-idx3-ubyte"), $images)
    [System.IO.File]::WriteAllBytes((Join-Path $Folder "$Prefix-labels-idx1-ubyte"), $labels)
}

# The tiny synthetic MNIST-shaped dataset most Pester files train on: a folder holding a training and a test
# IDX pair of 8x8 images (label k lights row k), described by Get-ModelDataset.
function New-SyntheticDataset([string] $Folder, [int] $TrainCount, [int] $TestCount) {
    $null = New-Item -ItemType Directory -Path $Folder -Force
    New-SyntheticIdxPair -Folder $Folder -Prefix 'train' -Count $TrainCount
    New-SyntheticIdxPair -Folder $Folder -Prefix 't10k' -Count $TestCount
    Get-ModelDataset -Name MNIST -Path $Folder
}
