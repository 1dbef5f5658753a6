namespace ModelCost.Core.Engine;

/// <summary>Loss and accuracy of a trained model on one split of a dataset.</summary>
public sealed class EvaluationResult
{
    public required string Model { get; init; }
    public required string Dataset { get; init; }
    public required string Split { get; init; }
    public int Samples { get; init; }
    public double Loss { get; init; }
    public double Accuracy { get; init; }

    public override string ToString() => FormattableString.Invariant($"{Model} on {Dataset} ({Split}): loss {Loss:F4}, accuracy {Accuracy:F4}");
}
