namespace ModelCost.Core.Reporting;

/// <summary>What <see cref="ModelComparison.Compare"/> returns: one row per model (input order) and one conclusion.</summary>
public sealed class ComparisonResult
{
    internal ComparisonResult(IReadOnlyList<ComparisonRow> rows, ComparisonConclusion conclusion, IReadOnlyList<string> properties)
    {
        Rows = rows;
        Conclusion = conclusion;
        Properties = properties;
    }

    public IReadOnlyList<ComparisonRow> Rows { get; }
    public ComparisonConclusion Conclusion { get; }
    public string Baseline => Conclusion.Baseline;

    /// <summary>
    /// The figures picked (catalogue names, in the order asked; all of <see cref="ModelComparison.PropertyNames"/>
    /// when none were asked), so a cmdlet can show Model, Baseline, then each name and its <c>Ratio</c>.
    /// </summary>
    public IReadOnlyList<string> Properties { get; }

    /// <summary>The picked figures that at least one row has a value for (what a table view should show).</summary>
    public IReadOnlyList<string> PresentProperties =>
        ComparisonFigures.Resolve(Properties).Where(f => Rows.Any(r => !r.Get(f.Index).IsAbsent)).Select(f => f.Name).ToArray();
}
