namespace ModelCost.Core.Costing;

/// <summary>How to cost a model: the counting convention and the training/memory assumptions.</summary>
public sealed class CostOptions
{
    /// <summary>The FLOP-counting convention (default <see cref="CostConvention.Flops"/>).</summary>
    public CostConvention Convention { get; init; } = CostConvention.Default;

    /// <summary>Samples per step; scales <see cref="CostSummary.ActivationBytes"/> only (FLOPs are per sample).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Precision of weights, gradients, optimizer state and activations.</summary>
    public Precision Precision { get; init; } = Precision.Float32;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Device speed in FLOP/s for the latency estimate (seed 003 uses 1 GFLOP/s).</summary>
    public double DeviceFlops { get; init; } = 1e9;

    public TrainingFlopsMethod TrainingFlopsMethod { get; init; } = TrainingFlopsMethod.Exact;

    /// <summary>The defaults: Flops, batch 1, Float32, Adam, 1e9 FLOP/s, Exact.</summary>
    public static CostOptions Default { get; } = new();
}
