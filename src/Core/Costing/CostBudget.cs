namespace ModelCost.Core.Costing;

/// <summary>Limits a CI gate checks a <see cref="CostSummary"/> against (Test-ModelCost). A null limit is not checked.</summary>
public sealed class CostBudget
{
    /// <summary>Upper bound on <see cref="CostSummary.Params"/>.</summary>
    public long? MaxParams { get; init; }

    /// <summary>Upper bound on <see cref="CostSummary.InferenceFlops"/> (under the cost's convention).</summary>
    public long? MaxFlops { get; init; }

    /// <summary>Upper bound on <see cref="CostSummary.TrainingMemoryBytes"/>.</summary>
    public long? MaxTrainingMemoryBytes { get; init; }

    /// <summary>Upper bound on <see cref="CostSummary.SizeBytes"/>.</summary>
    public long? MaxSizeBytes { get; init; }
}
