namespace ModelCost.Core.Engine;

/// <summary>
/// One epoch of a training run as a flat row with the model's name (Get-TrainingHistory), so the history of
/// several runs goes straight into Export-Csv, Format-Table or a chart.
/// </summary>
public sealed class TrainingHistoryRow
{
    public required string Model { get; init; }
    public required string Dataset { get; init; }
    public int Epoch { get; init; }
    public double Loss { get; init; }
    public double Accuracy { get; init; }
    /// <summary>NaN when the run had no validation split.</summary>
    public double ValLoss { get; init; }
    public double ValAccuracy { get; init; }
    public double Seconds { get; init; }

    /// <summary>The run's epochs in order.</summary>
    public static IEnumerable<TrainingHistoryRow> From(TrainingResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.History.Select(e => new TrainingHistoryRow
        {
            Model = run.Model, Dataset = run.Dataset, Epoch = e.Epoch, Loss = e.Loss, Accuracy = e.Accuracy,
            ValLoss = e.ValLoss, ValAccuracy = e.ValAccuracy, Seconds = e.Seconds,
        });
    }
}
