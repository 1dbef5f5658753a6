namespace ModelCost.Core.Reporting;

/// <summary>One property drawn as bars: one value per chart category (null = no bar, shown as "n/a").</summary>
public sealed class ChartSeries
{
    public required string Name { get; init; }
    public required IReadOnlyList<double?> Values { get; init; }
    /// <summary>Whole counts (params, FLOPs): value labels print as integers with separators.</summary>
    public bool IsCount { get; init; }
}
