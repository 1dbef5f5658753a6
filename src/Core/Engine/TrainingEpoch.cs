namespace ModelCost.Core.Engine;

/// <summary>One epoch of a training run's history.</summary>
public sealed class TrainingEpoch
{
    public int Epoch { get; init; }
    public double Loss { get; init; }
    public double Accuracy { get; init; }
    /// <summary>NaN when there is no validation split.</summary>
    public double ValLoss { get; init; }
    public double ValAccuracy { get; init; }
    public double Seconds { get; init; }

    public override string ToString() => FormattableString.Invariant($"Epoch {Epoch}: loss {Loss:F4}, accuracy {Accuracy:F4}, val_loss {ValLoss:F4}, val_accuracy {ValAccuracy:F4}, {Seconds:F1}s");
}
