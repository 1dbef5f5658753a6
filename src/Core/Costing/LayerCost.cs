namespace ModelCost.Core.Costing;

/// <summary>One layer's share of a model's cost (per sample) under a convention: the per-layer FLOPs report.</summary>
public sealed class LayerCost
{
    public required string Model { get; init; }
    public required string Convention { get; init; }
    public int Index { get; init; }
    public required string Name { get; init; }
    public required string Type { get; init; }
    /// <summary>Keras style, e.g. <c>(None, 26, 26, 16)</c>.</summary>
    public required string OutputShape { get; init; }
    public long Params { get; init; }
    public long Macs { get; init; }
    public long Flops { get; init; }
    public long BackwardFlops { get; init; }
    public long ActivationBytes { get; init; }

    public override string ToString() => $"{Name} ({Type}) {Flops} FLOPs";
}
