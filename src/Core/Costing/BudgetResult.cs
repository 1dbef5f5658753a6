using ModelCost.Core.Errors;

namespace ModelCost.Core.Costing;

/// <summary>The outcome of <see cref="BudgetCheck.Evaluate"/>: passed, or the budgets exceeded.</summary>
public sealed class BudgetResult
{
    public required string Model { get; init; }
    public bool Passed => Violations.Count == 0;
    public required IReadOnlyList<BudgetViolation> Violations { get; init; }

    /// <summary>
    /// A BudgetExceeded error naming every exceeded budget with its limit and the actual figure
    /// (Test-ModelCost -Assert throws it); null when the budget passed.
    /// </summary>
    public ModelCostException? ToException() =>
        Passed ? null : new ModelCostException(ErrorIds.BudgetExceeded, ModelCostErrorCategory.LimitsExceeded,
            $"Model '{Model}' exceeds {Violations.Count} budget{(Violations.Count == 1 ? "" : "s")}: {string.Join("; ", Violations)}.",
            Model);

    public override string ToString() => Passed ? $"{Model}: within budget" : ToException()!.Message;
}
