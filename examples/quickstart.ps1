#Requires -Version 7.4
<#
.SYNOPSIS
    ModelCost.PS in one run: cost seed 000's MLP and CNN, then (when Fashion-MNIST is on this machine)
    train both and print the comparison table the seed ends with.

.DESCRIPTION
    Builds the module with `dotnet build ModelCost.PS.sln -c Release` when out/ModelCost.PS is missing,
    imports it, and works on examples/specs/seed000_mlp.yaml and seed000_cnn.yaml:
      1. Get-ModelSummary   - the Keras summary() of each model;
      2. Measure-ModelCost  - parameters, size, FLOPs (seed 000's FlopsWithBias convention and 3x training
                              rule, next to the PyTorch-profiler Flops convention), training memory, latency;
      3. Invoke-ModelTraining on Fashion-MNIST (5 epochs, batch 64, Adam, validation split 0.1, as the seed),
         Export-TrainedModel for the saved size when available, and Compare-ModelCost for the table and conclusion.
    Training is skipped (with a message) when Fashion-MNIST is not found locally; nothing is downloaded
    unless -AllowDownload is given.

.EXAMPLE
    dotnet pwsh -NoProfile -File ./examples/quickstart.ps1

.EXAMPLE
    dotnet pwsh -NoProfile -File ./examples/quickstart.ps1 -Epochs 1 -SkipTraining
#>
[CmdletBinding()]
param(
    # Epochs per model (the seed trains 5).
    [ValidateRange(1, 1000)]
    [int] $Epochs = 5,

    # Only cost the models.
    [switch] $SkipTraining,

    # Download Fashion-MNIST into the user cache when it is not installed.
    [switch] $AllowDownload,

    # Where the trained models are written (default: a fresh folder under the temp directory).
    [string] $OutputDirectory
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
# Redirected to a file (quickstart.ps1 > out.txt): plain text, no colour escape codes in the tables.
if ([Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }

$root = Split-Path -Parent $PSScriptRoot
. (Join-Path $PSScriptRoot 'Import-ModelCostModule.ps1')

$specs = Import-ModelSpec -Path (Join-Path $root 'examples/specs/seed000_mlp.yaml'), (Join-Path $root 'examples/specs/seed000_cnn.yaml')

Write-Host "`n=== Keras-style summaries ===" -ForegroundColor Cyan
# The summary view starts each model's table with its name.
$specs | Get-ModelSummary | Out-Host

Write-Host "`n=== Cost: seed 000's rules (FlopsWithBias, training = 3x inference) ===" -ForegroundColor Cyan
$seedCosts = $specs | Measure-ModelCost -Convention FlopsWithBias -TrainingFlopsMethod ThreeTimesForward
$seedCosts | Out-Host
# The exact counts behind the FLOPs column, as the seed prints them.
$seedCosts | Format-Table -View Flops | Out-Host

Write-Host "=== Cost: PyTorch profiler convention (Flops), exact backward count ===" -ForegroundColor Cyan
$costs = $specs | Measure-ModelCost -Convention Flops
$costs | Format-Table -View Flops | Out-Host
# Training memory by part (float32 weights, Adam state, activations of one sample).
$costs | Format-Table -View Memory | Out-Host

Write-Host '=== Per-layer FLOPs of the CNN ===' -ForegroundColor Cyan
$specs[1] | Measure-ModelCost -PerLayer | Format-Table -View Flops | Out-Host

if ($SkipTraining) {
    Write-Host 'Training skipped (-SkipTraining).'
    $costs | Compare-ModelCost | Out-Host
    return
}

$dataset = Get-ModelDataset -Name FashionMNIST -NoDownload:(-not $AllowDownload) -ErrorAction SilentlyContinue -ErrorVariable datasetErrors
if (-not $dataset) {
    $reason = if ($datasetErrors) { $datasetErrors[0].Exception.Message } else { 'not found' }
    Write-Host "Fashion-MNIST is not available, so the models are costed but not trained: $reason"
    Write-Host "Install Debian's dataset-fashion-mnist, set `$env:MODELCOST_DATA, or rerun with -AllowDownload."
    $costs | Compare-ModelCost | Out-Host
    return
}

Write-Host "=== Training on $($dataset.Name) ($($dataset.TrainCount) train / $($dataset.TestCount) test images, $Epochs epochs, batch 64, Adam) ===" -ForegroundColor Cyan
$runs = foreach ($spec in $specs) {
    $run = $spec | Invoke-ModelTraining -Dataset $dataset -Epochs $Epochs -BatchSize 64 -ValidationSplit 0.1 -Optimizer Adam -Seed 0
    # History rows do not carry the model's name: say whose they are.
    Write-Host "`nTraining history of $($run.Model) (loss and accuracy per epoch, Keras fit's History):"
    $run.History | Out-Host
    $run
}
$runs | Out-Host

# Seed 000 compares saved model sizes too.
if (Get-Command -Name Export-TrainedModel -Module ModelCost.PS -ErrorAction SilentlyContinue) {
    if (-not $OutputDirectory) { $OutputDirectory = Join-Path ([System.IO.Path]::GetTempPath()) "modelcost-quickstart-$PID" }
    $null = New-Item -ItemType Directory -Path $OutputDirectory -Force
    foreach ($run in $runs) {
        $file = $run | Export-TrainedModel -Path (Join-Path $OutputDirectory "$($run.Model).safetensors") -PassThru
        Write-Host ("Saved {0}: {1:N3} MB ({2})" -f $run.Model, ($file.Length / 1MB), $file.FullName)
    }
}

Write-Host "`n=== Comparison (baseline: the MLP) ===" -ForegroundColor Cyan
$comparison = @($costs) + @($runs) | Compare-ModelCost -Baseline $specs[0].Name -InformationAction Ignore
$comparison | Out-Host
$conclusion = @($costs) + @($runs) | Compare-ModelCost -Baseline $specs[0].Name -Conclusion
Write-Host $conclusion.Summary
