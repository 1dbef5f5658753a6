using ModelCost.Core.Engine;

namespace ModelCost.Core.Reporting;

/// <summary>What a line chart shows (training curves): a title, axis labels and the lines.</summary>
public sealed class LineChartData
{
    public required string Title { get; init; }
    public string XLabel { get; init; } = "Epoch";
    public required string YLabel { get; init; }
    public required IReadOnlyList<LineSeries> Series { get; init; }

    /// <summary>Loss per epoch for each run: training solid, validation dashed, one colour per model.</summary>
    public static LineChartData LossCurves(IReadOnlyList<TrainingResult> runs) =>
        Curves(runs, "Loss per epoch", "Loss", e => e.Loss, e => e.ValLoss);

    /// <summary>Accuracy per epoch for each run: training solid, validation dashed, one colour per model.</summary>
    public static LineChartData AccuracyCurves(IReadOnlyList<TrainingResult> runs) =>
        Curves(runs, "Accuracy per epoch", "Accuracy", e => e.Accuracy, e => e.ValAccuracy);

    private static LineChartData Curves(IReadOnlyList<TrainingResult> runs, string title, string yLabel,
        Func<TrainingEpoch, double> train, Func<TrainingEpoch, double> validation)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var series = new List<LineSeries>();
        for (int i = 0; i < runs.Count; i++)
        {
            var h = runs[i].History ?? [];
            var x = h.Select(e => (double)e.Epoch).ToArray();
            series.Add(new LineSeries { Name = $"{runs[i].Model} train", X = x, Y = h.Select(train).ToArray(), ColorIndex = i });
            var val = h.Select(validation).ToArray();
            if (val.Any(double.IsFinite))
                series.Add(new LineSeries { Name = $"{runs[i].Model} validation", X = x, Y = val, Dashed = true, ColorIndex = i });
        }
        return new LineChartData { Title = title, YLabel = yLabel, Series = series };
    }
}
