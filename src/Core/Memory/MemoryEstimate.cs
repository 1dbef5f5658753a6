namespace ModelCost.Core.Memory;

/// <summary>
/// What a run will allocate beyond what the process already holds, split into a part that does not depend on the
/// batch size (weights, their training copies, the dataset, per-thread scratch) and a part per sample (activations
/// and their gradients), so the largest batch that fits can be worked out. Each engine makes its own; see
/// docs/engine.md for the managed engine's and how it compares with measured peak RSS.
/// </summary>
public sealed record MemoryEstimate(long FixedBytes, long PerSampleBytes, int BatchSize, string Breakdown)
{
    public long TotalBytes => FixedBytes + PerSampleBytes * BatchSize;

    /// <summary>The largest batch size whose estimate is within <paramref name="bytes"/> (0 when even the fixed part is not).</summary>
    public int LargestBatchWithin(long bytes)
    {
        if (bytes < FixedBytes) return 0;
        if (PerSampleBytes <= 0) return int.MaxValue;
        return (int)Math.Min(int.MaxValue, (bytes - FixedBytes) / PerSampleBytes);
    }
}
