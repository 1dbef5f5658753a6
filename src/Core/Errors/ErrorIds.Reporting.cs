namespace ModelCost.Core.Errors;

public static partial class ErrorIds
{
    // Reporting (Compare-ModelCost, Export-ModelCostChart, Export-ModelReport)
    /// <summary>Nothing comparable was given (no ModelCost, TrainingResult or ComparisonRow).</summary>
    public const string NothingToCompare = "NothingToCompare";
    /// <summary>An object of a type the comparison does not understand.</summary>
    public const string UnsupportedComparisonInput = "UnsupportedComparisonInput";
    /// <summary>A property name that is not a comparison figure; the message lists the valid names.</summary>
    public const string UnknownComparisonProperty = "UnknownComparisonProperty";
    /// <summary>A baseline name that matches no model; the message lists the models.</summary>
    public const string UnknownBaseline = "UnknownBaseline";
    /// <summary>Two cost rows (or two training results) for the same model name.</summary>
    public const string DuplicateComparisonModel = "DuplicateComparisonModel";
    /// <summary>Chart input that cannot be drawn (no categories, negative or infinite values, mismatched lengths).</summary>
    public const string InvalidChartData = "InvalidChartData";
    /// <summary>A chart path whose extension is not .svg (charts are SVG only; nothing is written).</summary>
    public const string UnsupportedChartFormat = "UnsupportedChartFormat";
}
