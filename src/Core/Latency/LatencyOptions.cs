using ModelCost.Core.Costing;
using ModelCost.Core.Engines;

namespace ModelCost.Core.Latency;

/// <summary>How to time inference: batch, timed and untimed runs, threads and the convention of the FLOP-count estimate.</summary>
public sealed class LatencyOptions : EngineRunOptions
{
    public LatencyOptions() => Threads = 1;

    /// <summary>Samples per timed forward pass.</summary>
    public int BatchSize { get; set; } = 1;

    /// <summary>Timed forward passes (at most <see cref="LatencyMeter.MaxIterations"/>).</summary>
    public int Iterations { get; set; } = 1000;

    /// <summary>Untimed forward passes first.</summary>
    public int Warmup { get; set; } = 100;

    /// <summary>Counting convention of the estimate's FLOPs; null = <see cref="CostConvention.Default"/>.</summary>
    public CostConvention? Convention { get; set; }

    /// <summary>Seed of the initialised weights when a spec without weights is timed.</summary>
    public int Seed { get; set; }
}
