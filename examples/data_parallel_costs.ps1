#Requires -Version 7.4
<#
.SYNOPSIS
    What data-parallel training costs per device: ResNet-50 and a 1-billion-parameter MLP on 1, 8 and 64 devices
    under DDP and ZeRO stages 1-3 (issue 12), as a table, a CSV and one chart per model.

.DESCRIPTION
    Every figure is Measure-ModelCost -Devices N -Parallelism P: model state (weights, gradients, optimizer state)
    per device as the ZeRO paper counts it, activations of each device's batch, the bytes one device sends per step
    over a ring, and a step time from -DeviceFlops and -LinkBandwidth (compute plus communication, no overlap).
    ZeRO on one device would equal DDP, so the one-device rows are DDP only. docs/parallelism.md has the formulas
    and what the model ignores (activation checkpointing, pipeline and tensor parallelism, allocator overhead).
    No dataset, no training: this runs anywhere.

.EXAMPLE
    dotnet pwsh -NoProfile -File ./examples/data_parallel_costs.ps1
.EXAMPLE
    dotnet pwsh -NoProfile -File ./examples/data_parallel_costs.ps1 -Precision Float32 -BatchSize 64 -DeviceMemoryGB 80
#>
[CmdletBinding()]
param(
    [string] $OutDir = (Join-Path $PSScriptRoot 'out'),
    # The ZeRO paper's accounting: fp16 weights and gradients, fp32 master weights and Adam moments.
    [ValidateSet('Float32', 'Float16', 'BFloat16', 'Mixed')] [string] $Precision = 'Mixed',
    [string] $Optimizer = 'Adam',
    # Samples per device per step (the global batch is BatchSize x devices).
    [int] $BatchSize = 32,
    # A V100's fp16 tensor-core peak, 125 TFLOP/s; real training sustains a fraction of it.
    [double] $DeviceFlops = 125e12,
    # 100 Gbit/s InfiniBand per device, 12.5e9 bytes/s.
    [double] $LinkBandwidth = 12.5e9,
    # Memory of one device, to say what fits (a 16 GB V100).
    [double] $DeviceMemoryGB = 16,
    [int[]] $Devices = @(1, 8, 64)
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

. (Join-Path $PSScriptRoot 'Import-ModelCostModule.ps1')
$null = New-Item -ItemType Directory -Path $OutDir -Force

$resnet = Import-ModelSpec -Path (Join-Path $PSScriptRoot 'specs/resnet50.yaml')
# 16,384 inputs, three hidden layers of 16,384 and 16,384 outputs: 4 x (16,384 x 16,384 + 16,384) = 1,073,807,360 parameters.
$mlp = New-ModelSpec -Name MLP_1B -InputShape 16384 -Layer @(
    'Dense(16384, activation="relu")', 'Dense(16384, activation="relu")', 'Dense(16384, activation="relu")',
    'Dense(16384, activation="softmax")')

$common = @{ Precision = $Precision; Optimizer = $Optimizer; BatchSize = $BatchSize; DeviceFlops = $DeviceFlops; LinkBandwidth = $LinkBandwidth }
$costs = foreach ($spec in $resnet, $mlp) {
    foreach ($n in $Devices) {
        foreach ($strategy in 'DDP', 'ZeRO1', 'ZeRO2', 'ZeRO3') {
            if ($n -eq 1 -and $strategy -ne 'DDP') { continue }  # ZeRO needs 2+ devices (ParallelismNeedsDevices)
            Measure-ModelCost -InputObject $spec -Devices $n -Parallelism $strategy @common
        }
    }
}

"Per-device cost of data-parallel training ($Precision, $Optimizer, batch $BatchSize per device, " +
    "$($DeviceFlops / 1e12) TFLOP/s, $($LinkBandwidth / 1e9) GB/s links; GB = 1e9 bytes)" | Write-Host -ForegroundColor Cyan
$costs | Format-Table -View Parallel | Out-Host

# One line per model and strategy, memory per device at each device count, and whether it fits one device.
$pivot = foreach ($spec in $resnet, $mlp) {
    foreach ($strategy in 'DDP', 'ZeRO1', 'ZeRO2', 'ZeRO3') {
        $row = [ordered]@{ Model = $spec.Name; Parallelism = $strategy }
        foreach ($n in $Devices) {
            $c = $costs | Where-Object { $_.Model -eq $spec.Name -and "$($_.Parallelism)" -eq $strategy -and $_.Devices -eq $n }
            $row["GB@$n"] = if ($c) { $Units::Fixed($c.MemoryBytesPerDevice / 1e9, 2) } else { $null }
            $row["Fits@$n"] = if ($c) { $c.MemoryBytesPerDevice -le $DeviceMemoryGB * 1e9 } else { $null }
        }
        [pscustomobject]$row
    }
}
"Memory per device (GB) and whether it fits a $DeviceMemoryGB GB device:" | Write-Host -ForegroundColor Cyan
$pivot | Format-Table -AutoSize | Out-Host

$csv = Join-Path $OutDir 'data_parallel_costs.csv'
$costs | Select-Object Model, Devices, Parallelism, Precision, Optimizer, BatchSize, Params, ModelStateBytesPerDevice, ActivationBytesPerDevice,
    MemoryBytesPerDevice, CommunicationBytesPerStep, EstimatedStepSeconds | Export-Csv -LiteralPath $csv -NoTypeInformation
foreach ($name in $resnet.Name, $mlp.Name) {
    $chart = Join-Path $OutDir "data_parallel_$($name.ToLowerInvariant()).svg"
    $costs | Where-Object Model -EQ $name |
        Export-ModelCostChart -Property MemoryBytesPerDevice, CommunicationBytesPerStep -Path $chart `
            -Title "$name per device: memory and bytes sent per step ($Precision $Optimizer, batch $BatchSize)"
    Write-Host "Chart: $(Get-ExamplePath $chart)"
}
Write-Host "Table: $(Get-ExamplePath $csv)"

$resnetDdp = $costs | Where-Object { $_.Model -eq $resnet.Name -and $_.Devices -eq 1 }
$mlpZero3 = $costs | Where-Object { $_.Model -eq $mlp.Name -and $_.Parallelism -eq 'ZeRO3' } | Sort-Object Devices | Select-Object -Last 1
@"

Reading it: ResNet-50's $('{0:N0}' -f $resnetDdp.Params) parameters need $('{0:N2}' -f ($resnetDdp.ModelStateBytesPerDevice / 1e9)) GB of model state, so
data parallelism is about throughput, not memory: its activations ($('{0:N2}' -f ($resnetDdp.ActivationBytesPerDevice / 1e9)) GB at batch $BatchSize) dominate
and no strategy partitions them. The 1-billion-parameter MLP's model state ($('{0:N1}' -f (($costs | Where-Object { $_.Model -eq $mlp.Name -and $_.Devices -eq 1 }).ModelStateBytesPerDevice / 1e9)) GB under DDP) is what ZeRO
partitions: ZeRO-3 on $($mlpZero3.Devices) devices keeps $('{0:N2}' -f ($mlpZero3.ModelStateBytesPerDevice / 1e9)) GB per device, at 1.5x DDP's communication.
"@ | Write-Host
