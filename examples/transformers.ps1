#Requires -Version 7.4
<#
.SYNOPSIS
    Issue 13: transformers. Costs GPT-2 small and BERT-base under every convention (with Kaplan et al.'s estimate
    beside ours), then compares a small vision transformer with the seed MLP and CNN on Fashion-MNIST: parameters,
    FLOPs, training memory and, when the dataset is installed, test accuracy after 5 epochs.

.EXAMPLE
    dotnet pwsh -NoProfile -File ./examples/transformers.ps1                  # costs, and training when Fashion-MNIST is installed
    dotnet pwsh -NoProfile -File ./examples/transformers.ps1 -SkipTraining    # costs only
#>
[CmdletBinding()]
param(
    [int] $Epochs = 5,
    [int] $BatchSize = 64,
    [int] $Seed = 1,
    [string] $DataPath,
    [switch] $SkipTraining,
    [string] $OutDir = (Join-Path $PSScriptRoot 'out')
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

. (Join-Path $PSScriptRoot 'Import-ModelCostModule.ps1')
$null = New-Item -ItemType Directory -Path $OutDir -Force
$specs = Join-Path $PSScriptRoot 'specs'

# --- GPT-2 small and BERT-base: one row per convention -------------------------------------------------------------
$gpt2 = Import-ModelSpec -Path (Join-Path $specs 'gpt2_small.yaml')
$bert = Import-ModelSpec -Path (Join-Path $specs 'bert_base.yaml')
Write-Host "`n=== GPT-2 small (1,024 tokens) and BERT-base (512 tokens): forward cost of one sequence" -ForegroundColor Cyan
$rows = foreach ($convention in 'Macs', 'Flops', 'FlopsWithBias', 'TfProfiler', 'Course') {
    $gpt2, $bert | Measure-ModelCost -Convention $convention -BatchSize 1
}
$rows | Format-Table Model, Convention, @{ n = 'Params'; e = { $Units::Count($_.Params) }; a = 'Right' },
    @{ n = 'FLOPs'; e = { $Units::Si($_.InferenceFlops) }; a = 'Right' }, @{ n = 'Training FLOPs'; e = { $Units::Si($_.TrainingFlops) }; a = 'Right' } -AutoSize | Out-Host

# Kaplan et al. (2020): C_forward ≈ 2N + 2·n_layer·n_ctx·d_attn per token, N = 2·d_model·n_layer·(2·d_attn + d_ff).
$n = 2 * 768 * 12 * (2 * 768 + 3072)
$kaplan = 2 * $n + 2 * 12 * 1024 * 768
$ours = ($gpt2 | Measure-ModelCost -Convention Flops).InferenceFlops / 1024
Write-Host ("Per token, GPT-2 small at 1,024 tokens: ours {0:N0} FLOPs, Kaplan {1:N0} (difference {2:N0} = 2·n_layer·n_ctx·d_attn:" -f $ours, $kaplan, ($ours - $kaplan))
Write-Host '  Kaplan counts Q·Kᵀ but not the weighted sum of values P·V; both leave out biases, LayerNorms and softmax).'

Write-Host "`n=== Where GPT-2's training memory goes (batch 8, float32, Adam)" -ForegroundColor Cyan
$gpt2 | Measure-ModelCost -BatchSize 8 -Optimizer Adam |
    Format-List @{ n = 'Weights'; e = { $Units::BytesExact($_.WeightBytes) } }, @{ n = 'Gradients'; e = { $Units::BytesExact($_.GradientBytes) } },
        @{ n = 'Optimizer state'; e = { $Units::BytesExact($_.OptimizerStateBytes) } }, @{ n = 'Activations'; e = { $Units::BytesExact($_.ActivationBytes) } },
        @{ n = 'Training memory'; e = { $Units::BytesExact($_.TrainingMemoryBytes) } } | Out-Host
Write-Host 'ActivationBytes holds the attention probabilities, batch × heads × L × L per block (8·12·1024² floats, twice with dropout).'

# --- A small vision transformer against the seed MLP and CNN -------------------------------------------------------
$mlp = Import-ModelSpec -Path (Join-Path $specs 'seed000_mlp.yaml')
$cnn = Import-ModelSpec -Path (Join-Path $specs 'seed000_cnn.yaml')
$vit = Import-ModelSpec -Path (Join-Path $specs 'vit_fashion_mnist.yaml')
Write-Host "`n=== $($vit.Name): 7×7 patches → 16 tokens → 2 encoder blocks → pooled classifier" -ForegroundColor Cyan
$vit | Get-ModelSummary | Format-Table Name, Type, OutputShape, @{ n = 'Params'; e = { $Units::Count($_.Params) }; a = 'Right' }, ConnectedTo -AutoSize | Out-Host
$vit | Measure-ModelCost -PerLayer | Format-Table Name, Type, @{ n = 'Params'; e = { $Units::Count($_.Params) }; a = 'Right' },
    @{ n = 'MACs'; e = { $Units::Si($_.Macs) }; a = 'Right' }, @{ n = 'FLOPs'; e = { $Units::Si($_.Flops) }; a = 'Right' },
    @{ n = 'Backward'; e = { $Units::Si($_.BackwardFlops) }; a = 'Right' }, @{ n = 'Activations'; e = { $Units::Bytes($_.ActivationBytes) }; a = 'Right' } -AutoSize |
    Out-String -Width 120 | Out-Host

$costs = $mlp, $cnn, $vit | Measure-ModelCost -Optimizer Adam -BatchSize $BatchSize
$costs | Format-Table Model, @{ n = 'Params'; e = { $Units::Count($_.Params) }; a = 'Right' }, @{ n = 'FLOPs'; e = { $Units::Count($_.InferenceFlops) }; a = 'Right' },
    @{ n = 'Training FLOPs'; e = { $Units::Count($_.TrainingFlops) }; a = 'Right' },
    @{ n = "Training memory (batch $BatchSize)"; e = { $Units::Bytes($_.TrainingMemoryBytes) }; a = 'Right' } -AutoSize | Out-Host

$runs = @()
if (-not $SkipTraining) {
    $dataset = $null
    try { $dataset = if ($DataPath) { Get-ModelDataset -Name FashionMNIST -Path $DataPath } else { Get-ModelDataset -Name FashionMNIST } }
    catch { Write-Warning "Fashion-MNIST not available ($($_.Exception.Message)); showing costs only." }
    if ($dataset) {
        foreach ($spec in $mlp, $cnn, $vit) {
            Write-Host "`n=== Train $($spec.Name) ($Epochs epochs, batch $BatchSize, Adam, validation split 0.1)" -ForegroundColor Cyan
            $run = Invoke-ModelTraining -InputObject $spec -Dataset $dataset -Epochs $Epochs -BatchSize $BatchSize -ValidationSplit 0.1 -Optimizer Adam -Seed $Seed
            $run | Get-TrainingHistory | Out-Host
            $runs += $run
        }
    }
}

Write-Host "`n=== Comparison against the seed MLP (Compare-ModelCost)" -ForegroundColor Cyan
$comparison = @($costs) + @($runs) | Compare-ModelCost -Baseline $mlp.Name -Property Params, InferenceFlops, TrainingMemoryMB, TestAccuracy, TrainSeconds -InformationAction Ignore
$comparison | Format-Table Model, @{ n = 'Params'; e = { $Units::Count($_.Params) }; a = 'Right' }, @{ n = 'Ratio'; e = { $Units::Factor($_.ParamsRatio) }; a = 'Right' },
    @{ n = 'FLOPs'; e = { $Units::Si($_.InferenceFlops) }; a = 'Right' }, @{ n = 'Ratio'; e = { $Units::Factor($_.InferenceFlopsRatio) }; a = 'Right' },
    @{ n = 'Train mem'; e = { $Units::Bytes($_.TrainingMemoryMB * 1MB) }; a = 'Right' }, @{ n = 'TestAcc'; e = { $Units::Fixed($_.TestAccuracy, 4) }; a = 'Right' },
    @{ n = 'Train time'; e = { $Units::Duration($_.TrainSeconds) }; a = 'Right' },
    @{ n = 'Pts/extra GFLOP'; e = { $Units::Fixed($_.AccuracyGainPerExtraGFlop, 2) }; a = 'Right' } -AutoSize | Out-String -Width 120 | Out-Host
$conclusion = @($costs) + @($runs) | Compare-ModelCost -Baseline $mlp.Name -Property Params, InferenceFlops, TrainingMemoryMB, TestAccuracy, TrainSeconds -Conclusion
Write-Host $conclusion.Summary

$report = Join-Path $OutDir 'transformers_report.html'
@($costs) + @($runs) + @($vit | Measure-ModelCost -PerLayer) | Export-ModelReport -Path $report -Title 'Vision transformer vs the seed MLP and CNN on Fashion-MNIST' -Baseline $mlp.Name
Write-Host "`nReport: $(Get-ExamplePath $report)"
