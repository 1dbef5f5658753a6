using System.Globalization;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Costing;

/// <summary>Checks a model's cost against a <see cref="CostBudget"/> (for CI gates).</summary>
public static class BudgetCheck
{
    /// <summary>Compares each set limit with its figure; a figure equal to its limit passes. Negative limits are rejected.</summary>
    public static BudgetResult Evaluate(CostSummary cost, CostBudget budget)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(budget);
        var violations = new List<BudgetViolation>(4);
        Check(violations, nameof(CostBudget.MaxParams), nameof(CostSummary.Params), budget.MaxParams, cost.Params);
        Check(violations, nameof(CostBudget.MaxFlops), nameof(CostSummary.InferenceFlops), budget.MaxFlops, cost.InferenceFlops);
        Check(violations, nameof(CostBudget.MaxTrainingMemoryBytes), nameof(CostSummary.TrainingMemoryBytes), budget.MaxTrainingMemoryBytes, cost.TrainingMemoryBytes);
        Check(violations, nameof(CostBudget.MaxSizeBytes), nameof(CostSummary.SizeBytes), budget.MaxSizeBytes, cost.SizeBytes);
        return new BudgetResult { Model = cost.Model, Violations = violations };
    }

    private static void Check(List<BudgetViolation> into, string budget, string property, long? limit, long actual)
    {
        if (limit is not { } l) return;
        if (l < 0)
            throw new ModelCostException(ErrorIds.InvalidCostOption, ModelCostErrorCategory.InvalidArgument,
                $"Budget '{budget}' = {l.ToString(CultureInfo.InvariantCulture)}: a limit must be ≥ 0.", l) { Option = budget };
        if (actual > l) into.Add(new BudgetViolation { Budget = budget, Property = property, Limit = l, Actual = actual });
    }
}
