namespace ModelCost.Core.Costing;

/// <summary>
/// What a model costs under one counting convention: one flat row that Format-Table and
/// Export-Csv handle well. Counts are per sample (batch 1) unless the property says otherwise.
/// </summary>
public sealed class CostSummary
{
    public required string Model { get; init; }
    /// <summary>Name of the counting convention (Flops, Macs, FlopsWithBias, TfProfiler, Course or a user file's name).</summary>
    public required string Convention { get; init; }
    public Precision Precision { get; init; }
    public int BatchSize { get; init; }
    public OptimizerKind Optimizer { get; init; }

    public long Params { get; init; }
    public long TrainableParams { get; init; }
    public long NonTrainableParams { get; init; }

    /// <summary>Params × bytes per parameter at <see cref="Precision"/>.</summary>
    public long SizeBytes { get; init; }
    public double SizeKB { get; init; }
    public double SizeMB { get; init; }

    public long InferenceMacs { get; init; }
    public long InferenceFlops { get; init; }
    public long TrainingFlops { get; init; }
    public TrainingFlopsMethod TrainingFlopsMethod { get; init; }

    public long WeightBytes { get; init; }
    public long GradientBytes { get; init; }
    public long OptimizerStateBytes { get; init; }
    public long ActivationBytes { get; init; }
    public long TrainingMemoryBytes { get; init; }
    public double TrainingMemoryMB { get; init; }

    /// <summary>The device speed assumed for the latency estimate, in FLOP/s.</summary>
    public double DeviceFlops { get; init; }
    /// <summary>InferenceFlops / DeviceFlops (seed 003's rule).</summary>
    public double EstimatedLatencySeconds { get; init; }

    public override string ToString() => $"{Model}: {Params} params, {InferenceFlops} FLOPs ({Convention})";
}
