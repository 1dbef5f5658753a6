namespace ModelCost.Core.Reporting;

/// <summary>
/// The verdict of a comparison as one flat object. Each pick is null when no model carries the figure;
/// ties go to the model that came first.
/// </summary>
public sealed class ComparisonConclusion
{
    public required string Baseline { get; init; }
    public int ModelCount { get; init; }

    /// <summary>Highest TestAccuracy.</summary>
    public string? MostAccurate { get; init; }
    public double? MostAccurateTestAccuracy { get; init; }

    /// <summary>Fewest Params.</summary>
    public string? Smallest { get; init; }
    public long? SmallestParams { get; init; }

    /// <summary>Fewest InferenceFlops.</summary>
    public string? Cheapest { get; init; }
    public long? CheapestInferenceFlops { get; init; }

    /// <summary>Shortest TrainSeconds.</summary>
    public string? Fastest { get; init; }
    public double? FastestTrainSeconds { get; init; }

    /// <summary>(MostAccurate's TestAccuracy − Cheapest's) × 100: what the extra compute buys, in percentage points.</summary>
    public double? AccuracyGainPts { get; init; }

    /// <summary>(MostAccurate's InferenceFlops − Cheapest's) / 1e9: the extra compute per sample, in GFLOPs.</summary>
    public double? ExtraGFlops { get; init; }

    /// <summary>
    /// AccuracyGainPts / ExtraGFlops: percentage points of test accuracy bought per extra GFLOP of inference
    /// per sample by choosing the most accurate model over the cheapest. Null when they are the same model,
    /// use the same FLOPs, or accuracy/FLOPs are missing. (Each row's own figure against the baseline is
    /// <see cref="ComparisonRow.AccuracyGainPerExtraGFlop"/>.)
    /// </summary>
    public double? AccuracyGainPerExtraGFlop { get; init; }

    /// <summary>The distinct counting conventions of the cost figures, comma-separated (more than one means mixed units).</summary>
    public string? Conventions { get; init; }

    /// <summary>Plain-English conclusion, e.g. "CNN is more accurate than MLP (+1.56 pts: …) with 4.1× fewer parameters but 3.0× the inference FLOPs."</summary>
    public required string Summary { get; init; }

    public override string ToString() => Summary;
}
