using ModelCost.Core.Errors;

namespace ModelCost.Core.Reporting;

/// <summary>
/// What a bar chart shows: categories along the x axis (models) and one series per property.
/// Build it by hand or with <see cref="FromComparison"/> / <see cref="FromItems"/>.
/// </summary>
public sealed class ChartData
{
    public required string Title { get; init; }
    /// <summary>One group of bars per category, in order (model names).</summary>
    public required IReadOnlyList<string> Categories { get; init; }
    public required IReadOnlyList<ChartSeries> Series { get; init; }

    /// <summary>The property charted when none is named (Export-ModelCostChart's default).</summary>
    public const string DefaultProperty = "InferenceFlops";

    /// <summary>
    /// A chart of <paramref name="properties"/> (comparison figure names; default InferenceFlops) for every row.
    /// A property no row has is an error (InvalidChartData); a row lacking it gets an "n/a" gap.
    /// </summary>
    public static ChartData FromComparison(ComparisonResult comparison, IReadOnlyList<string>? properties = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var figures = ComparisonFigures.Resolve(properties is null || properties.Count == 0 ? [DefaultProperty] : properties);
        var series = new List<ChartSeries>();
        foreach (var f in figures)
        {
            var values = comparison.Rows.Select(r => r.Get(f.Index).AsDouble).ToArray();
            if (values.All(v => v is null))
                throw new ModelCostException(ErrorIds.InvalidChartData, ModelCostErrorCategory.InvalidArgument,
                    $"No model has a value for '{f.Name}' (models: {string.Join(", ", comparison.Rows.Select(r => r.Model))}). "
                    + (f.Index >= ComparisonFigures.TestAccuracy ? "It comes from training results." : "It comes from cost summaries."), f.Name)
                { Option = "Property" };
            series.Add(new ChartSeries { Name = f.Label, Values = values, IsCount = f.IsCount });
        }
        return new ChartData
        {
            Title = string.IsNullOrWhiteSpace(title) ? string.Join(", ", figures.Select(f => f.Label)) + " by model" : title,
            Categories = comparison.Rows.Select(r => r.Model).ToArray(),
            Series = series,
        };
    }

    /// <summary>Compares <paramref name="items"/> (see <see cref="ModelComparison.Compare"/>) and charts the result.</summary>
    public static ChartData FromItems(IEnumerable<object?> items, IReadOnlyList<string>? properties = null, string? title = null) =>
        FromComparison(ModelComparison.Compare(items), properties, title);

    internal void Validate()
    {
        if (Categories is null || Categories.Count == 0)
            throw Invalid("The chart has no categories (models) to draw.");
        if (Series is null || Series.Count == 0)
            throw Invalid("The chart has no series (properties) to draw.");
        foreach (var s in Series)
        {
            if (s.Values is null || s.Values.Count != Categories.Count)
                throw Invalid($"Series '{s.Name}' has {s.Values?.Count ?? 0} values for {Categories.Count} categories.");
            foreach (var v in s.Values)
                if (v is { } x && (!double.IsFinite(x) || x < 0))
                    throw Invalid($"Series '{s.Name}' has the value {x.ToString(System.Globalization.CultureInfo.InvariantCulture)}; bars need finite values ≥ 0.");
        }
    }

    private static ModelCostException Invalid(string message) =>
        new(ErrorIds.InvalidChartData, ModelCostErrorCategory.InvalidData, message);
}
