namespace ModelCost.Core.Reporting;

/// <summary>One line of a <see cref="LineChartData"/>: points (X[i], Y[i]); a NaN Y leaves a gap.</summary>
public sealed class LineSeries
{
    public required string Name { get; init; }
    public required IReadOnlyList<double> X { get; init; }
    public required IReadOnlyList<double> Y { get; init; }
    /// <summary>Dashed stroke (used for validation curves next to solid training curves).</summary>
    public bool Dashed { get; init; }
    /// <summary>Palette slot; series sharing a slot share a colour (a model's training and validation curves).</summary>
    public int ColorIndex { get; init; }
}
