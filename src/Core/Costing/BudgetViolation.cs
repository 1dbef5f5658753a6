using System.Globalization;

namespace ModelCost.Core.Costing;

/// <summary>One exceeded budget: which limit, its value and the model's actual figure.</summary>
public sealed class BudgetViolation
{
    /// <summary>The budget's name as the cmdlet parameter spells it, e.g. <c>MaxParams</c>.</summary>
    public required string Budget { get; init; }

    /// <summary>The <see cref="CostSummary"/> property compared, e.g. <c>Params</c>.</summary>
    public required string Property { get; init; }

    public long Limit { get; init; }
    public long Actual { get; init; }

    public override string ToString() =>
        $"{Budget} {Limit.ToString("N0", CultureInfo.InvariantCulture)} exceeded: {Property} is {Actual.ToString("N0", CultureInfo.InvariantCulture)}";
}
