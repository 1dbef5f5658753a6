#Requires -Version 7.4
<#
.SYNOPSIS
    Compares the managed engine's memory estimate (ManagedMemoryEstimate, the figure the InsufficientMemory check
    uses) with the memory a training run really takes: each case trains one batch in a fresh pwsh and reports the
    growth of resident memory (VmHWM at the end minus VmRSS just before training) next to the estimate.

.DESCRIPTION
    Data are synthetic IDX files shaped like the model's input (rows x cols with rows*cols = the input's element
    count, as the engine's reshape rule allows), one batch of training samples and 16 test samples, so the
    dataset term is small and known. Prints one line per case; docs/engine.md quotes a run of it.

        dotnet pwsh -NoProfile -File tests/Faults/Measure-MemoryEstimate.ps1
#>
[CmdletBinding()]
param(
    [string] $Module = (Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'out/ModelCost.PS/ModelCost.PS.psd1'),
    [int] $Threads = 2
)
$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)

$cases = @(
    @{ Name = 'Seed 000 MLP'; Spec = "Import-ModelSpec '$root/examples/specs/seed000_mlp.yaml'"; Rows = 28; Cols = 28; Batch = 256 }
    @{ Name = 'Seed 000 CNN'; Spec = "Import-ModelSpec '$root/examples/specs/seed000_cnn.yaml'"; Rows = 28; Cols = 28; Batch = 256 }
    @{ Name = 'Conv2D(256,3,same)x2'; Spec = "New-ModelSpec -Name HeavyConv -InputShape 28,28,1 -Layer 'Conv2D(256,3,padding=""same"")','Conv2D(256,3,padding=""same"")','Flatten()','Dense(10, activation=""softmax"")'"; Rows = 28; Cols = 28; Batch = 128 }
    @{ Name = 'ResNet-18 (32x32x3)'; Spec = "Import-ModelSpec '$root/examples/specs/resnet18_cifar.yaml'"; Rows = 32; Cols = 96; Batch = 32 }
)

foreach ($case in $cases) {
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("mc-mem-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $dir
    $script = Join-Path $dir 'run.ps1'
    Set-Content -LiteralPath $script -Value @"
`$ErrorActionPreference = 'Stop'
Import-Module '$Module'
function Write-Idx([string] `$prefix, [int] `$count) {
    `$px = $($case.Rows) * $($case.Cols)
    `$img = [byte[]]::new(16 + `$count * `$px); `$lab = [byte[]]::new(8 + `$count)
    foreach (`$pair in @(@(0, 0x00000803), @(4, `$count), @(8, $($case.Rows)), @(12, $($case.Cols)))) { `$b = [BitConverter]::GetBytes([int]`$pair[1]); [Array]::Reverse(`$b); `$b.CopyTo(`$img, `$pair[0]) }
    foreach (`$pair in @(@(0, 0x00000801), @(4, `$count))) { `$b = [BitConverter]::GetBytes([int]`$pair[1]); [Array]::Reverse(`$b); `$b.CopyTo(`$lab, `$pair[0]) }
    for (`$i = 0; `$i -lt `$count; `$i++) { `$lab[8 + `$i] = `$i % 10; `$img[16 + `$i * `$px + (`$i % 10)] = 255 }
    [IO.File]::WriteAllBytes("$dir/`$prefix-images-idx3-ubyte", `$img); [IO.File]::WriteAllBytes("$dir/`$prefix-labels-idx1-ubyte", `$lab)
}
Write-Idx 'train' $($case.Batch); Write-Idx 't10k' 16
`$d = Get-ModelDataset -Name MNIST -Path '$dir'
`$spec = $($case.Spec)
`$asm = [ModelCost.Core.Memory.MemoryEstimate].Assembly
`$resolved = [ModelCost.Core.Specs.ShapeInference]::Resolve(`$spec)
`$dataBytes = [long](($($case.Batch) + 16) * $($case.Rows) * $($case.Cols))
`$est = `$asm.GetType('ModelCost.Core.Engine.ManagedMemoryEstimate').GetMethod('For').Invoke(`$null, @(`$resolved, [int]$($case.Batch), `$true, [int]$Threads, `$dataBytes))
[GC]::Collect()
function Kb([string] `$key) { [long]((Get-Content /proc/self/status | Where-Object { `$_ -like "`${key}:*" }) -replace '\D', '') * 1024 }
`$before = Kb 'VmRSS'
`$null = `$spec | Invoke-ModelTraining -Dataset `$d -Epochs 1 -BatchSize $($case.Batch) -ValidationSplit 0 -ThrottleLimit $Threads -Optimizer Adam $(if ($case.Name -like 'ResNet*') { '-FromLogits' })
`$grew = (Kb 'VmHWM') - `$before
'{0,-24} batch {1,4}: estimate {2,8:N0} MB, measured growth {3,8:N0} MB, estimate/measured {4:N2}' -f '$($case.Name)', $($case.Batch), (`$est.TotalBytes / 1MB), (`$grew / 1MB), (`$est.TotalBytes / [double]`$grew)
"@
    try { & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $script }
    finally { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }
}
