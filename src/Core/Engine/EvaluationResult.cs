using ModelCost.Core.Data;

namespace ModelCost.Core.Engine;

/// <summary>Loss and accuracy of a trained model on one split of a dataset.</summary>
public sealed class EvaluationResult
{
    public required string Model { get; init; }
    public required string Dataset { get; init; }
    public DatasetSplit Split { get; init; }

    /// <summary>The engine that ran the evaluation (Managed, Torch, ...).</summary>
    public required string Engine { get; init; }
    public int Samples { get; init; }
    public double Loss { get; init; }
    public double Accuracy { get; init; }

    public override string ToString() => FormattableString.Invariant($"{Model} on {Dataset} ({Split}): loss {Loss:F4}, accuracy {Accuracy:F4}");
}
