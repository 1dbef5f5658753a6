namespace ModelCost.Core.Costing;

/// <summary>The result of <see cref="CostCalculator.Measure(ModelCost.Core.Specs.ModelSpec, CostOptions?)"/>: totals and one row per layer.</summary>
public sealed class CostReport
{
    public required CostSummary Total { get; init; }

    /// <summary>Per-layer rows in model order (the <c>-PerLayer</c> output).</summary>
    public required IReadOnlyList<LayerCost> Layers { get; init; }

    public override string ToString() => Total.ToString();
}
