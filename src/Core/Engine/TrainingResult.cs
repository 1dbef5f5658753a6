using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine;

/// <summary>
/// The outcome of a training run: flat figures for tables and CSV, the per-epoch history and
/// (through <see cref="GetTrainedModel"/>) the learned weights, kept out of the flat properties
/// so Export-Csv stays clean. A run that stopped early is still a result: <see cref="Status"/> says
/// why, <see cref="StatusMessage"/> says where, and the weights are the last good ones.
/// </summary>
public sealed class TrainingResult : ITrainedModelSource
{
    private readonly TrainedModel _trained;

    public TrainingResult(TrainedModel trained) => _trained = trained;

    public required string Model { get; init; }
    public required string Dataset { get; init; }

    /// <summary>The engine that trained the model (Managed, Torch, ...).</summary>
    public required string Engine { get; init; }
    public int Epochs { get; init; }
    public int BatchSize { get; init; }
    public TrainingOptimizer Optimizer { get; init; }
    public double LearningRate { get; init; }
    public int Seed { get; init; }
    public LossKind Loss { get; init; }
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
    public TrainingStatus Status { get; init; }

    /// <summary>Why and where a run that did not complete stopped; null when it completed.</summary>
    public string? StatusMessage { get; init; }

    public required IReadOnlyList<TrainingEpoch> History { get; init; }

    /// <summary>The spec and learned weights (the last good ones if training stopped early).</summary>
    public TrainedModel GetTrainedModel() => _trained;

    ModelSpec IModelSource.GetSpec() => _trained.Spec;

    TrainedModel? IModelSource.GetTrainedModel() => _trained;

    /// <summary>
    /// The error a run that did not complete stands for (TrainingDiverged or OperationCancelled, with
    /// this result as its target), for callers that report it; null for a completed run.
    /// </summary>
    public ModelCostException? ToException() => Status switch
    {
        TrainingStatus.Diverged => new ModelCostException(ErrorIds.TrainingDiverged, ModelCostErrorCategory.InvalidOperation,
            StatusMessage ?? $"Training of '{Model}' diverged.", this) { Option = "LearningRate" },
        TrainingStatus.Cancelled => new ModelCostException(ErrorIds.OperationCancelled, ModelCostErrorCategory.OperationStopped,
            StatusMessage ?? $"Training of '{Model}' was cancelled.", this),
        _ => null,
    };

    public override string ToString() => FormattableString.Invariant($"{Model} on {Dataset}: test accuracy {TestAccuracy:F4} after {Epochs} epochs");
}
