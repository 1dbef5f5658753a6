namespace ModelCost.Core.Engine;

/// <summary>A progress report during training: running mean loss and accuracy of the current epoch.</summary>
public sealed class TrainingProgress
{
    public int Epoch { get; init; }
    public int Epochs { get; init; }
    public int Batch { get; init; }
    public int Batches { get; init; }
    public double Loss { get; init; }
    public double Accuracy { get; init; }
    public TimeSpan Elapsed { get; init; }
    public TimeSpan EstimatedRemaining { get; init; }

    /// <summary>Fraction of all batches of the run completed, 0..1.</summary>
    public double Fraction => Epochs * Batches == 0 ? 1 : ((Epoch - 1) * (double)Batches + Batch) / ((double)Epochs * Batches);

    public override string ToString() => FormattableString.Invariant($"Epoch {Epoch}/{Epochs} batch {Batch}/{Batches}: loss {Loss:F4}, accuracy {Accuracy:F4}");
}
