namespace ModelCost.Core.Engine;

/// <summary>
/// The outcome of a training run: flat figures for tables and CSV, the per-epoch history and
/// (through <see cref="GetTrainedModel"/>) the learned weights, kept out of the flat properties
/// so Export-Csv stays clean.
/// </summary>
public sealed class TrainingResult
{
    private readonly TrainedModel _trained;

    public TrainingResult(TrainedModel trained) => _trained = trained;

    public required string Model { get; init; }
    public required string Dataset { get; init; }
    public int Epochs { get; init; }
    public int BatchSize { get; init; }
    public required string Optimizer { get; init; }
    public double LearningRate { get; init; }
    public int Seed { get; init; }
    public string Loss { get; init; } = "SparseCategoricalCrossentropy";
    public int Threads { get; init; }

    /// <summary>Processes (data-parallel ranks) that trained the model: 1 for our engine, N for -Engine PyTorch -Processes N.</summary>
    public int Processes { get; init; } = 1;
    public long Params { get; init; }

    public double TrainLoss { get; init; }
    public double TrainAccuracy { get; init; }
    public double ValLoss { get; init; }
    public double ValAccuracy { get; init; }
    public double TestLoss { get; init; }
    public double TestAccuracy { get; init; }
    public double TrainSeconds { get; init; }
    public double SamplesPerSecond { get; init; }

    /// <summary>Completed, Diverged or Cancelled.</summary>
    public string Status { get; init; } = "Completed";

    public required IReadOnlyList<TrainingEpoch> History { get; init; }

    /// <summary>The spec and learned weights (the last good ones if training stopped early).</summary>
    public TrainedModel GetTrainedModel() => _trained;

    public override string ToString() => FormattableString.Invariant($"{Model} on {Dataset}: test accuracy {TestAccuracy:F4} after {Epochs} epochs");
}
