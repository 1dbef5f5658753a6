using ModelCost.Core.Errors;

namespace ModelCost.Core.Costing;

/// <summary>The outcome of <see cref="BudgetCheck.Evaluate"/>: passed, or the budgets exceeded.</summary>
public sealed class BudgetResult
{
    public required string Model { get; init; }
    public bool Passed => Violations.Count == 0;
    public required IReadOnlyList<BudgetViolation> Violations { get; init; }

    /// <summary>The exceeded budgets in one line ("MaxParams 100,000 exceeded: Params is 235,146; …"), empty when passed; for tables and CSV.</summary>
    public string Exceeded => string.Join("; ", Violations);

    /// <summary>
    /// One BudgetExceeded error naming every model that failed (Test-ModelCost -Assert checks every model,
    /// then throws this once); null when all passed.
    /// </summary>
    public static ModelCostException? ToException(IReadOnlyList<BudgetResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var failed = results.Where(r => !r.Passed).ToArray();
        if (failed.Length == 0) return null;
        if (results.Count == 1) return failed[0].ToException();
        return new ModelCostException(ErrorIds.BudgetExceeded, ModelCostErrorCategory.LimitsExceeded,
            $"{failed.Length} of {results.Count} models exceed their budget: {string.Join(" | ", failed.Select(f => $"'{f.Model}': {f.Exceeded}"))}.",
            string.Join(", ", failed.Select(f => f.Model)));
    }

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
